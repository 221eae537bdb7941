from django.urls import path

from . import certification_views, views

urlpatterns = [
    path("", views.roster, name="roster"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("certification/", certification_views.certification_index, name="certification_index"),
    path("certification/<int:pk>/", certification_views.certification_round,
         name="certification_round"),
    path("certification/<int:pk>/lao/<int:lao_pk>/", certification_views.certification_lao,
         name="certification_lao"),
]
