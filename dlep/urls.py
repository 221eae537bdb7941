from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from accounts import api as accounts_api
from accounts import issuing_api, registration_api
from personnel import api as personnel_api
from personnel import roster_api

from . import health

router = DefaultRouter(use_regex_path=False)
router.include_format_suffixes = False
router.register("organizations", accounts_api.OrganizationViewSet, basename="organization")
router.register("people", personnel_api.PersonViewSet, basename="person")
router.register("school-admin-registrations", registration_api.SchoolAdminRegistrationViewSet,
                basename="school-admin-registration")
router.register("staff-registrations", roster_api.StaffRegistrationViewSet,
                basename="staff-registration")
router.register("moves", roster_api.MoveViewSet, basename="move")
router.register("issuing", issuing_api.IssuingJobViewSet, basename="issuing-job")

api_v1 = [
    path("auth/token/", accounts_api.obtain_token, name="token"),
    path("me/", accounts_api.me, name="me"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", include("accounts.urls")),
    path("personnel/", include("personnel.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]
