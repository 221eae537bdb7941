from django.urls import path

from . import pa_views

urlpatterns = [
    path("pa/", pa_views.pa_list, name="pa_list"),
    path("pa/new/", pa_views.pa_create, name="pa_create"),
    path("pa/<int:pk>/edit/", pa_views.pa_edit, name="pa_edit"),
    path("pa/<int:pk>/pa3.pdf", pa_views.pa_pa3, name="pa_pa3"),
]
