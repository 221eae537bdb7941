from django.urls import path

from . import views

urlpatterns = [
    path("", views.roster, name="roster"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
]
