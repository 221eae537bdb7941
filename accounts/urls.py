from django.contrib.auth import views as auth_views
from django.urls import path

from . import staff_views, views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("orgs/", views.organization_list, name="organization_list"),
    path("orgs/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("register/staff/", staff_views.staff_register, name="staff_register"),
    path("register/staff/done/", staff_views.staff_register_done, name="staff_register_done"),
    path("register/staff/verify/<str:token>/", staff_views.staff_verify_email,
         name="staff_verify_email"),
]
