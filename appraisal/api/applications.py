"""API for PA results, applications, their evidence files and qualification checks (issue 5
item 8), over the same services and selectors as the pages. An object outside the caller's reach
is a 404; an action the caller may not take is a 403 (``NotAllowed``); a refused change is a 400
with the service's Thai message. National IDs appear only masked."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from appraisal import history, selectors
from appraisal.choices import ApplicationAction, ClassroomType, ShortenGround
from appraisal.models import (
    Application,
    EvidenceFile,
    QualificationCheck,
    SubjectArea,
)
from appraisal.services import applications as services
from appraisal.services import checks

NOT_FOUND_APPLICATION = _("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")
# a detail action answering with a short list: neither paginated nor filtered
READ_ONLY_LIST = {"pagination_class": None, "filter_backends": []}


def fn(**kwargs):
    """Run a service: NotAllowed → 403, ValidationError → 400 with its Thai messages."""
    return fn(**kwargs)


def _name(user) -> str:
    return user.full_name_th if user is not None else ""


# --- Applications -------------------------------------------------------------------------------


class ApplicationSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.full_name_th", read_only=True)
    national_id = serializers.CharField(source="person.masked_national_id", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    office_name = serializers.CharField(source="office.name", read_only=True)
    subject_area_name = serializers.CharField(source="subject_area.name", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    requested_standing_display = serializers.CharField(
        source="get_requested_standing_display", read_only=True)

    class Meta:
        model = Application
        fields = ["id", "person", "person_name", "national_id", "organization",
                  "organization_name", "office", "office_name", "current_standing",
                  "requested_standing", "requested_standing_display", "classroom_type",
                  "subject_area", "subject_area_name", "work_title", "shorten_ground", "state",
                  "state_display", "round_no", "filed_on", "entered_on", "certified_at"]


class ApplicationDetailSerializer(ApplicationSerializer):
    certified_by_name = serializers.SerializerMethodField()
    snapshot = serializers.JSONField(
        read_only=True, help_text=_("ข้อมูลผู้ขอ ณ วันที่สถานศึกษาส่งคำขอ (เลขประจำตัวประชาชนแบบปิดบัง)"))

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "return_reason", "snapshot",
                  "is_editable", "certified_by_name", "created_at", "updated_at"]

    def get_certified_by_name(self, application) -> str:
        return _name(application.certified_by)


class ApplicationWriteSerializer(serializers.Serializer):
    classroom_type = serializers.ChoiceField(choices=ClassroomType.choices)
    subject_area = serializers.PrimaryKeyRelatedField(queryset=SubjectArea.objects.all())
    work_title = serializers.CharField(max_length=300)
    shorten_ground = serializers.ChoiceField(choices=ShortenGround.choices, required=False,
                                             allow_blank=True)


class ApplicationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                   help_text=_("เหตุผลที่ส่งคืน (ต้องระบุ)"))


class SubmitSerializer(serializers.Serializer):
    confirm_failed = serializers.BooleanField(
        default=False, help_text=_("ยืนยันยื่นคำขอ แม้ระบบตรวจพบว่าคุณสมบัติบางรายการยังไม่ผ่าน"))


class ConfirmSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(
        default=False, help_text=_("ยืนยันว่าผู้ขอมีคุณสมบัติ และข้อมูลถูกต้องครบถ้วน — "
                                   "การรับรองย้อนกลับไม่ได้"))


class EvidenceFileSerializer(serializers.ModelSerializer):
    slot_display = serializers.CharField(source="get_slot_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = EvidenceFile
        fields = ["id", "slot", "slot_display", "position", "original_name", "size", "caption",
                  "state", "state_display", "reason", "media_kind", "content_type", "pages",
                  "duration_seconds", "uploaded_at", "checked_at"]


class QualificationCheckSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    officer_by_name = serializers.SerializerMethodField()
    head_by_name = serializers.SerializerMethodField()
    officer_has_file = serializers.SerializerMethodField()
    head_has_file = serializers.SerializerMethodField()

    class Meta:
        model = QualificationCheck
        fields = ["id", "application", "round_no", "kind", "kind_display", "auto_passed",
                  "auto_explanation", "auto_checked_at", "officer_passed", "officer_note",
                  "officer_by_name", "officer_at", "officer_has_file", "head_passed",
                  "head_note", "head_by_name", "head_at", "head_has_file"]

    def get_officer_by_name(self, check) -> str:
        return _name(check.officer_by)

    def get_head_by_name(self, check) -> str:
        return _name(check.head_by)

    def get_officer_has_file(self, check) -> bool:
        return bool(check.officer_file)

    def get_head_has_file(self, check) -> bool:
        return bool(check.head_file)


class ApplicationEventSerializer(serializers.Serializer):
    """One line of ``appraisal.history.history_for``: to the applicant, the assessors' replies
    are a count, without names or ids."""

    id = serializers.IntegerField()
    round_no = serializers.IntegerField()
    action = serializers.ChoiceField(choices=ApplicationAction.choices)
    action_display = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor_name = serializers.CharField()
    reason = serializers.CharField()
    data = serializers.JSONField()
    at = serializers.DateTimeField()


class PreviewCheckSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    passed = serializers.BooleanField()
    explanation = serializers.CharField()


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         viewsets.GenericViewSet):
    """Academic-standing applications (seed 004 steps 1–2): the caller's own and those of the
    units the caller works on. The applicant creates, edits and submits; the school director
    certifies or returns; the office records the checks (``/qualification-checks/{id}/record/``),
    re-runs the automatic checks, and its director certifies (irreversible) or returns.

    Evidence files are not uploaded through this API but through the resumable tus 1.0
    endpoint ``/appraisal/uploads/`` (``POST`` with ``Upload-Length`` and ``Upload-Metadata``:
    base64 ``application``, ``slot``, ``position``, ``filename``, ``caption``; then ``PATCH``
    the bytes, ``HEAD`` to resume); a worker then checks each file. ``files`` lists them with
    their check state, reason, pages and duration."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    filterset_fields = ["state"]
    lookup_value_converter = "int"

    def get_serializer_class(self):
        if self.action == "list":
            return ApplicationSerializer
        if self.action in ("create", "partial_update"):
            return ApplicationWriteSerializer
        return ApplicationDetailSerializer

    def get_queryset(self):
        return selectors.applications_for(self.request.user).select_related(
            "person", "organization", "office", "subject_area").order_by("-created_at", "-pk")

    def get_object(self) -> Application:
        try:
            return selectors.application_for(self.request.user, int(self.kwargs["pk"]))
        except (Application.DoesNotExist, ValueError):
            raise NotFound(NOT_FOUND_APPLICATION) from None

    def _detail(self, application: Application, code=status.HTTP_200_OK) -> Response:
        application = selectors.application_for(self.request.user, application.pk)
        return Response(ApplicationDetailSerializer(application).data, status=code)

    @extend_schema(request=ApplicationWriteSerializer,
                   responses={201: ApplicationDetailSerializer})
    def create(self, request, *args, **kwargs):
        """The caller (the applicant, linked to a person in the registry) starts a request for
        the next standing."""
        data = ApplicationWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        person = selectors.own_person(request.user)
        if person is None:
            raise PermissionDenied(_("บัญชีนี้ยังไม่ได้ผูกกับข้อมูลในทะเบียนบุคลากร"))
        application = services.create_application(actor=request.user, person=person,
                                                  **data.validated_data)
        return self._detail(application, status.HTTP_201_CREATED)

    @extend_schema(request=ApplicationWriteSerializer,
                   responses=ApplicationDetailSerializer)
    def partial_update(self, request, *args, **kwargs):
        application = self.get_object()
        data = ApplicationWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.update_application(actor=request.user, application=application,
                                    **data.validated_data)
        return self._detail(application)

    def _transition(self, service, **kwargs) -> Response:
        application = self.get_object()
        service(actor=self.request.user, application=application, **kwargs)
        return self._detail(application)

    @extend_schema(request=SubmitSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """The applicant submits (or resubmits after a return) to the school director; every
        evidence file must be there and valid; where the system finds a check failed, the
        applicant confirms with ``confirm_failed: true``."""
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(services.submit_application,
                                confirm_failed=data.validated_data["confirm_failed"])

    @extend_schema(request=None, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="school-certify")
    def school_certify(self, request, pk=None):
        """The school director certifies and sends the request to the supervising office; the
        system keeps the applicant's data and runs the automatic checks."""
        return self._transition(services.school_certify)

    @extend_schema(request=ApplicationReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="school-return")
    def school_return(self, request, pk=None):
        data = ApplicationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(services.school_return, reason=data.validated_data["reason"])

    @extend_schema(request=ConfirmSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="office-certify")
    def office_certify(self, request, pk=None):
        """The office director certifies: qualified, data correct and complete. Irreversible;
        needs ``confirm: true`` and every check passed by the officer and the group head."""
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(services.office_certify,
                                confirm=data.validated_data["confirm"])

    @extend_schema(request=ApplicationReasonSerializer, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="office-return")
    def office_return(self, request, pk=None):
        data = ApplicationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self._transition(services.office_return, reason=data.validated_data["reason"])

    @extend_schema(request=None, responses=ApplicationDetailSerializer)
    @action(detail=True, methods=["post"], url_path="rerun-checks")
    def rerun_checks(self, request, pk=None):
        """The office asks the system to check again (after the record was corrected)."""
        return self._transition(services.rerun_automatic_checks)

    @extend_schema(responses=QualificationCheckSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="checks", url_name="checks",
            **READ_ONLY_LIST)
    def current_checks(self, request, pk=None):
        """The qualification checks of the current round: the system's verdict, the officer's
        and the group head's."""
        application = self.get_object()
        rows = services.current_checks(application).select_related("officer_by", "head_by")
        return Response(QualificationCheckSerializer(rows, many=True).data)

    @extend_schema(responses=PreviewCheckSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="preview-checks", **READ_ONLY_LIST)
    def preview_checks(self, request, pk=None):
        """The automatic checks as of today: what will fail, and why, before submitting."""
        application = self.get_object()
        rows = [{"kind": c.kind, "label": str(c.label), "passed": c.verdict.passed,
                 "explanation": str(c.verdict.explanation)}
                for c in checks.automatic_checks(application, timezone.localdate())]
        return Response(PreviewCheckSerializer(rows, many=True).data)

    @extend_schema(responses=ApplicationEventSerializer(many=True))
    @action(detail=True, methods=["get"], **READ_ONLY_LIST)
    def history(self, request, pk=None):
        """Every step of the application, every round."""
        application = self.get_object()
        return Response(ApplicationEventSerializer(
            history.history_for(request.user, application), many=True).data)

    @extend_schema(responses=EvidenceFileSerializer(many=True))
    @action(detail=True, methods=["get"], **READ_ONLY_LIST)
    def files(self, request, pk=None):
        """The evidence files with their check state, reason, pages and duration. Uploads go
        through the resumable tus endpoint ``/appraisal/uploads/`` (see the list's
        description)."""
        application = self.get_object()
        return Response(EvidenceFileSerializer(application.files.all(), many=True).data)


# --- Qualification checks -----------------------------------------------------------------------


class CheckRecordSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=[("officer", _("เจ้าหน้าที่")),
                                             ("head", _("หัวหน้ากลุ่ม"))])
    passed = serializers.BooleanField(allow_null=True)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False,
                                 help_text=_("เอกสารประกอบการพิจารณา (PDF ไม่เกิน 10 MB)"))


class QualificationCheckViewSet(viewsets.GenericViewSet):
    """One qualification check of an application at the office (seed 004 step 2)."""

    serializer_class = QualificationCheckSerializer
    lookup_value_converter = "int"
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return QualificationCheck.objects.filter(
            application__in=selectors.applications_for(self.request.user))

    @extend_schema(request={"multipart/form-data": CheckRecordSerializer,
                            "application/json": CheckRecordSerializer},
                   responses=QualificationCheckSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """The officer's (``level=officer``) or the group head's (``level=head``) verdict on
        one check of the current round, with an optional supporting PDF."""
        check = self.get_queryset().filter(pk=pk).first()
        if check is None:
            raise NotFound(_("ไม่พบรายการตรวจสอบนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        data = CheckRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        check = services.record_check(actor=request.user, check=check, level=fields["level"],
                                      passed=fields["passed"], note=fields["note"],
                                      upload=fields.get("file"))
        check = QualificationCheck.objects.select_related("officer_by", "head_by").get(
            pk=check.pk)
        return Response(QualificationCheckSerializer(check).data)
