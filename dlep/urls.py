from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import api as accounts_api
from accounts import issuing_api, registration_api
from appraisal.api import applications as applications_api
from appraisal.api import assessment as assessment_api
from appraisal.api import experts as experts_api
from appraisal.api import pa as pa_api
from committees import api as committees_api
from core.api import Router
from elearning import api as elearning_api
from personnel import api as personnel_api
from personnel import roster_api

from . import health

router = Router()  # ids are numbers: <int:pk>
router.include_format_suffixes = False
router.register("organizations", accounts_api.OrganizationViewSet, basename="organization")
router.register("people", personnel_api.PersonViewSet, basename="person")
router.register("school-admin-registrations", registration_api.SchoolAdminRegistrationViewSet,
                basename="school-admin-registration")
router.register("staff-registrations", roster_api.StaffRegistrationViewSet,
                basename="staff-registration")
router.register("moves", roster_api.MoveViewSet, basename="move")
router.register("issuing", issuing_api.IssuingJobViewSet, basename="issuing-job")
router.register("pa-results", pa_api.PAResultViewSet, basename="pa-result")
router.register("applications", applications_api.ApplicationViewSet, basename="application")
router.register("qualification-checks", applications_api.QualificationCheckViewSet,
                basename="qualification-check")
router.register("experts", experts_api.ExpertViewSet, basename="expert")
router.register("conflict-declarations", experts_api.ConflictDeclarationViewSet,
                basename="conflict-declaration")
router.register("assessor-draws", assessment_api.AssessorDrawViewSet, basename="assessor-draw")
router.register("invitations", assessment_api.InvitationViewSet, basename="invitation")
router.register("score-sheets", assessment_api.ScoreSheetViewSet, basename="score-sheet")
router.register("assessments", assessment_api.AssessmentViewSet, basename="assessment")
router.register("committees", committees_api.CommitteeViewSet, basename="committee")
router.register("meetings", committees_api.MeetingViewSet, basename="meeting")
router.register("agenda-items", committees_api.AgendaItemViewSet, basename="agenda-item")
router.register("appointment-orders", committees_api.AppointmentOrderViewSet,
                basename="appointment-order")
router.register("elearning/channels", elearning_api.ChannelViewSet, basename="elearning-channel")
router.register("elearning/courses", elearning_api.CourseViewSet, basename="elearning-course")
router.register("elearning/rounds", elearning_api.RoundViewSet, basename="elearning-round")
router.register("elearning/completions", elearning_api.CompletionViewSet,
                basename="elearning-completion")
router.register("elearning/status", elearning_api.ComplianceViewSet, basename="elearning-status")
router.register("elearning/reports", elearning_api.UnitReportViewSet, basename="elearning-report")

api_v1 = [
    path("auth/token/", accounts_api.obtain_token, name="token"),
    path("auth/logout/", accounts_api.logout_token, name="token_logout"),
    path("auth/tokens/", accounts_api.my_tokens, name="my_tokens"),
    path("auth/tokens/<uuid:public_id>/", accounts_api.revoke_my_token, name="my_token_revoke"),
    path("me/", accounts_api.me, name="me"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("", include("accounts.urls")),
    path("personnel/", include("personnel.urls")),
    path("elearning/", include("elearning.urls")),
    path("appraisal/", include("appraisal.urls")),
    path("committees/", include("committees.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", health.healthz, name="healthz"),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
    path("admin/", admin.site.urls),
]
