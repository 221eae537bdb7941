"""The portal's URLs with the floor view in front (only under bench.settings)."""

from django.urls import path

from dlep.urls import urlpatterns as portal

from . import views

urlpatterns = [path("bench/floor/", views.floor, name="bench_floor"), *portal]
