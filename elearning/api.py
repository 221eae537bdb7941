"""API of e-Learning over the same services and selectors as the pages: channels and courses,
rounds, completions (record with the certificate, accept, reject), the status of a unit's
people in a round, and the unit's reports (record the submission, download Excel or PDF)."""

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts.models import Organization
from core.tabular import XLSX_CONTENT_TYPE

from . import reports, selectors, services
from .models import Channel, Completion, CompletionStatus, Course, Round, UnitReport


class ChannelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Channel
        fields = ["id", "code", "name", "url"]


class CourseSerializer(serializers.ModelSerializer):
    channel_name = serializers.CharField(source="channel.name", read_only=True)

    class Meta:
        model = Course
        fields = ["id", "channel", "channel_name", "name", "code", "hours"]


class RoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = ["id", "fiscal_year_be", "number", "starts_on", "ends_on", "report_opens_on",
                  "report_deadline", "cutoff_on"]


class CompletionSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.full_name_th", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    course_name = serializers.CharField(source="course.name", read_only=True)
    channel = serializers.IntegerField(source="course.channel_id", read_only=True)
    channel_name = serializers.CharField(source="course.channel.name", read_only=True)
    has_certificate = serializers.SerializerMethodField()
    reject_reason = serializers.CharField(source="decision_reason", read_only=True)

    class Meta:
        model = Completion
        fields = ["id", "user", "user_name", "organization", "organization_name", "course",
                  "course_name", "channel", "channel_name", "completed_on", "status", "source",
                  "reject_reason", "decided_at", "created_at", "has_certificate"]

    def get_has_certificate(self, completion) -> bool:
        return bool(completion.certificate)


class CompletionCreateSerializer(serializers.Serializer):
    course = serializers.IntegerField(required=False, allow_null=True,
                                      help_text=_("หลักสูตรจากรายการ (id)"))
    channel = serializers.IntegerField(required=False, allow_null=True,
                                       help_text=_("ช่องทาง (id) สำหรับหลักสูตรที่ไม่อยู่ในรายการ"))
    course_name = serializers.CharField(required=False, allow_blank=True, max_length=255)
    completed_on = serializers.DateField()
    certificate = serializers.FileField(help_text=_("PDF, JPG หรือ PNG ไม่เกิน 10 MB"))


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class LearnerStatusSerializer(serializers.Serializer):
    user = serializers.IntegerField(source="user.pk")
    name = serializers.CharField(source="user.full_name_th")
    organization = serializers.IntegerField(source="unit.pk")
    organization_name = serializers.CharField(source="unit.name")
    position = serializers.CharField()
    requirement = serializers.CharField(source="requirement.name", default="")
    required = serializers.IntegerField(source="status.required")
    courses = serializers.IntegerField(source="status.courses")
    pending = serializers.IntegerField(source="status.pending")
    passed = serializers.BooleanField()
    reason = serializers.CharField(source="status.reason")


class ComplianceSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    organization_name = serializers.CharField(source="organization.name")
    round = RoundSerializer()
    total = serializers.IntegerField()
    passed = serializers.IntegerField()
    percent = serializers.IntegerField()
    people = LearnerStatusSerializer(source="rows", many=True)


class UnitReportSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = UnitReport
        fields = ["id", "round", "organization", "organization_name", "submitted_on",
                  "working_days_late", "penalty", "counted", "staff_total", "staff_passed",
                  "percent", "note", "recorded_at"]


class SubmissionSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    organization = serializers.IntegerField()
    submitted_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


UNIT_PARAMS = [
    OpenApiParameter("round", int, required=True, description="the round (id)"),
    OpenApiParameter("organization", int, required=True,
                     description="a unit you work on (id); its whole subtree is counted"),
]


def _unit_and_round(request, params):
    try:
        unit = selectors.unit_for(request.user, int(params.get("organization", "")))
    except (Organization.DoesNotExist, ValueError):
        raise NotFound(_("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
    try:
        round_ = Round.objects.get(pk=int(params.get("round", "")))
    except (Round.DoesNotExist, ValueError):
        raise NotFound(_("ไม่พบรอบการประเมินนี้")) from None
    return unit, round_


class ChannelViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Learning channels (OCSC Learning Portal, Thai MOOC, Local MOOC, …)."""

    serializer_class = ChannelSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.channels()


class CourseViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """The course catalogue; the DLA admin adds courses."""

    serializer_class = CourseSerializer

    @extend_schema(parameters=[OpenApiParameter("channel", int), OpenApiParameter("q", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        channel = None
        if params.get("channel"):
            channel = selectors.channels().filter(pk=params["channel"]).first() if params[
                "channel"].isdigit() else None
            if channel is None:
                return Course.objects.none()
        return selectors.courses(channel=channel, q=params.get("q", ""))

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_course(
            actor=self.request.user, channel=data["channel"], name=data["name"],
            code=data.get("code", ""), hours=data.get("hours"))


class RoundViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Evaluation rounds with their report deadline and cut-off."""

    serializer_class = RoundSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.rounds()


class CompletionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Your own completions and those of the units you work on."""

    serializer_class = CompletionSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_serializer_class(self):
        if self.action == "create":
            return CompletionCreateSerializer
        if self.action == "reject":
            return RejectSerializer
        return CompletionSerializer

    @extend_schema(parameters=[
        OpenApiParameter("status", str, enum=CompletionStatus.values),
        OpenApiParameter("mine", bool, description="only your own"),
        OpenApiParameter("to_review", bool, description="pending, awaiting your decision"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        if params.get("to_review") in ("1", "true"):
            return selectors.pending_for_review(self.request.user)
        qs = selectors.completions_for(self.request.user).order_by("-completed_on", "-id")
        if params.get("mine") in ("1", "true"):
            qs = qs.filter(user_id=self.request.user.pk)
        if params.get("status") in CompletionStatus.values:
            qs = qs.filter(status=params["status"])
        return qs

    def get_object(self):
        try:
            return selectors.completion_for(self.request.user, int(self.kwargs["pk"]))
        except (Completion.DoesNotExist, ValueError):
            raise NotFound(_("ไม่พบข้อมูลนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None

    @extend_schema(request={"multipart/form-data": CompletionCreateSerializer},
                   responses={201: CompletionSerializer})
    def create(self, request, *args, **kwargs):
        """Record a course you passed, with the certified copy of its certificate."""
        data = CompletionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        course = channel = None
        if values.get("course"):
            course = selectors.courses().filter(pk=values["course"]).first()
            if course is None:
                raise ValidationError({"course": [_("ไม่พบหลักสูตรนี้")]})
        elif values.get("channel"):
            channel = selectors.channels().filter(pk=values["channel"]).first()
            if channel is None:
                raise ValidationError({"channel": [_("ไม่พบช่องทางนี้")]})
        completion = services.record_completion(
            actor=request.user, course=course, channel=channel,
            course_name=values.get("course_name", ""),
            completed_on=values["completed_on"], certificate=values["certificate"])
        completion = selectors.completion_for(request.user, completion.pk)
        return Response(CompletionSerializer(completion).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=CompletionSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The unit's supervisor accepts the certified copy."""
        completion = self.get_object()
        services.accept_completion(actor=request.user, completion=completion)
        return Response(CompletionSerializer(self.get_object()).data)

    @extend_schema(request=RejectSerializer, responses=CompletionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """The unit's supervisor rejects it, with a reason."""
        completion = self.get_object()
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.reject_completion(actor=request.user, completion=completion,
                                   reason=data.validated_data["reason"])
        return Response(CompletionSerializer(self.get_object()).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY,
                              404: OpenApiResponse(description="no certificate")})
    @action(detail=True, methods=["get"])
    def certificate(self, request, pk=None):
        """The certificate file (PDF, JPG or PNG)."""
        completion = self.get_object()
        if not completion.certificate:
            raise NotFound(_("รายการนี้ไม่มีไฟล์สำเนาใบประกาศ"))
        return FileResponse(completion.certificate.open("rb"),
                            content_type=completion.certificate_type,
                            filename=f"certificate-{completion.pk}."
                                     f"{completion.certificate.name.rsplit('.', 1)[-1]}")


class ComplianceViewSet(viewsets.GenericViewSet):
    """The status of every person of a unit in a round, with the reason, and the KPI."""

    serializer_class = ComplianceSerializer
    pagination_class = None

    @extend_schema(parameters=UNIT_PARAMS, responses=ComplianceSerializer)
    def list(self, request):
        unit, round_ = _unit_and_round(request, request.query_params)
        return Response(ComplianceSerializer(selectors.compliance_of(unit, round_)).data)


class UnitReportViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Units' reports of a round: when each was submitted and its late penalty; the report
    itself as Excel (fixed layout) or as the PDF for signature with the certificates."""

    serializer_class = UnitReportSerializer

    def get_serializer_class(self):
        return SubmissionSerializer if self.action == "create" else UnitReportSerializer

    @extend_schema(parameters=[OpenApiParameter("round", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        round_pk = self.request.query_params.get("round", "")
        round_ = Round.objects.filter(pk=round_pk).first() if round_pk.isdigit() else None
        if round_pk and round_ is None:
            return UnitReport.objects.none()
        return selectors.reports_for(self.request.user, round_=round_)

    @extend_schema(request=SubmissionSerializer, responses={201: UnitReportSerializer})
    def create(self, request):
        """Record when a unit submitted its report; the penalty is computed (0.25 points per
        working day after the deadline; not counted after the cut-off)."""
        data = SubmissionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        unit, round_ = _unit_and_round(request, values)
        report = services.record_report_submission(
            actor=request.user, organization=unit, round_=round_,
            submitted_on=values["submitted_on"], note=values["note"])
        return Response(UnitReportSerializer(report).data, status=status.HTTP_201_CREATED)

    def _content(self, request):
        unit, round_ = _unit_and_round(request, request.query_params)
        compliance = selectors.compliance_of(unit, round_)
        completions = list(selectors.accepted_completions(
            unit, round_, user_ids=[r.user.pk for r in compliance.rows]))
        return unit, round_, compliance, completions

    @extend_schema(parameters=UNIT_PARAMS,
                   responses={(200, XLSX_CONTENT_TYPE): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def xlsx(self, request):
        """The Excel report in the fixed layout."""
        unit, round_, compliance, completions = self._content(request)
        response = HttpResponse(reports.report_workbook(
            compliance, completions, selectors.report_of(unit, round_), timezone.localdate()),
            content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = (
            f'attachment; filename="elearning-{unit.code}-{round_.pk}.xlsx"')
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(parameters=UNIT_PARAMS,
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"])
    def pdf(self, request):
        """The PDF for signature with every accepted certificate appended."""
        unit, round_, compliance, completions = self._content(request)
        response = HttpResponse(reports.report_pdf(compliance, completions,
                                                   timezone.localdate()),
                                content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="elearning-{unit.code}-{round_.pk}.pdf"')
        response["Cache-Control"] = "no-store"
        return response
