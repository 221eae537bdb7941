"""API of appraisal part 2 (issue 6 item 8): the expert registry, the draws (create, verify),
invitations (accept, decline, cancel), score sheets (draft, submit) and the assessment of an
application (approve, draw, the scores and the decision, the summary PDF). Over the same
services and read functions as the pages: out of reach is 404, not allowed is 403, a refused
change is 400 with the service's Thai message. National IDs only masked."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts import scoping
from accounts.scoping import Access
from personnel.choices import AcademicStanding

from . import draw as draws
from . import experts, invitations, rules, scoring, selectors
from .api import _call
from .models import (
    Application,
    AssessmentDecision,
    AssessorDraw,
    Expert,
    Invitation,
    ScoreSheet,
    SubjectArea,
)

NOT_FOUND = _("ไม่พบรายการนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")


# --- the expert registry -----------------------------------------------------------------------

class ExpertSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="full_name_th", read_only=True)
    national_id = serializers.CharField(source="masked_national_id", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    home_name = serializers.CharField(read_only=True)
    username = serializers.SerializerMethodField()

    class Meta:
        model = Expert
        fields = ["id", "organization", "organization_name", "title_th", "first_name",
                  "last_name", "full_name", "national_id", "email", "phone", "position",
                  "home_organization", "home_organization_name", "home_name", "subject_areas",
                  "standings", "active_from", "active_to", "max_concurrent", "is_active",
                  "note", "user", "username", "created_at", "updated_at"]

    def get_username(self, expert) -> str:
        return expert.user.username if expert.user_id else ""


class ExpertWriteSerializer(serializers.Serializer):
    organization = serializers.IntegerField(
        required=False, help_text=_("จังหวัด (หรือกรม) ที่ขึ้นบัญชี; ต้องเป็นหน่วยงานที่ผู้เรียกดูแล"))
    title_th = serializers.CharField(max_length=50, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False)
    last_name = serializers.CharField(max_length=150, required=False)
    national_id = serializers.CharField(max_length=17, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    position = serializers.CharField(max_length=200, required=False, allow_blank=True)
    home_organization = serializers.IntegerField(required=False, allow_null=True)
    home_organization_name = serializers.CharField(max_length=255, required=False,
                                                   allow_blank=True)
    subject_areas = serializers.PrimaryKeyRelatedField(
        queryset=SubjectArea.objects.all(), many=True, required=False)
    standings = serializers.ListField(child=serializers.ChoiceField(
        choices=[s for s in AcademicStanding.choices if s[0] != AcademicStanding.NONE]),
        required=False)
    active_from = serializers.DateField(required=False)
    active_to = serializers.DateField(required=False, allow_null=True)
    max_concurrent = serializers.IntegerField(required=False, min_value=1, max_value=50)
    is_active = serializers.BooleanField(required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    username = serializers.CharField(max_length=150, required=False, allow_blank=True,
                                     help_text=_("ผูกกับบัญชีผู้ใช้นี้"))


class ExpertImportSerializer(serializers.Serializer):
    file = serializers.FileField()
    good_rows_only = serializers.BooleanField(default=False)


class ExpertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """บัญชีรายชื่อผู้ทรงคุณวุฒิ: the records of the provinces the caller administers (the DLA admin:
    all). ``POST`` adds one, ``PATCH`` changes one, ``import/`` adds many from Excel/CSV with a
    row report, ``{id}/account/`` invites an outside expert to the portal."""

    serializer_class = ExpertSerializer
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "patch", "head", "options"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    filterset_fields = ["is_active", "organization"]

    def get_queryset(self):
        return experts.experts_for(self.request.user).select_related(
            "organization", "user").prefetch_related("subject_areas").order_by("pk")

    def get_object(self) -> Expert:
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound(NOT_FOUND)
        return found

    def _fields(self, data: dict) -> dict:
        data = dict(data)
        user = self.request.user
        if "organization" in data:
            owner = experts.owner_choices(user).filter(pk=data["organization"]).first()
            if owner is None:
                raise NotFound(_("ไม่พบหน่วยงานที่ขึ้นบัญชีนี้ในหน่วยงานที่ท่านดูแล"))
            data["organization"] = owner
        if data.get("home_organization") is not None:
            home = scoping.organizations(user, Access.ADMINISTER).filter(
                pk=data["home_organization"]).first()
            if home is None:
                raise NotFound(_("ไม่พบหน่วยงานนี้ในหน่วยงานที่ท่านดูแล"))
            data["home_organization"] = home
        return data

    def _require_manager(self):
        if not experts.may_manage_experts(self.request.user):
            raise PermissionDenied()

    @extend_schema(request=ExpertWriteSerializer, responses={201: ExpertSerializer})
    def create(self, request, *args, **kwargs):
        self._require_manager()
        data = ExpertWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        expert = _call(experts.save_expert, actor=request.user, **self._fields(
            data.validated_data))
        return Response(ExpertSerializer(self.get_queryset().get(pk=expert.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ExpertWriteSerializer, responses=ExpertSerializer)
    def partial_update(self, request, *args, **kwargs):
        expert = self.get_object()
        data = ExpertWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        _call(experts.save_expert, actor=request.user, expert=expert,
              **self._fields(data.validated_data))
        return Response(ExpertSerializer(self.get_queryset().get(pk=expert.pk)).data)

    @extend_schema(request=None, responses=ExpertSerializer)
    @action(detail=True, methods=["post"])
    def account(self, request, pk=None):
        """Invite the expert to the portal: an account and an email with a link to set its
        password (or the link to the account that already has the expert's national ID or
        email)."""
        expert = self.get_object()
        _call(experts.create_expert_account, actor=request.user, expert=expert)
        return Response(ExpertSerializer(self.get_queryset().get(pk=expert.pk)).data)

    @extend_schema(request={"multipart/form-data": ExpertImportSerializer},
                   responses=OpenApiTypes.OBJECT)
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_file(self, request):
        """Add experts from an Excel/CSV file (the form at ``/appraisal/experts/import/``):
        the report lists every bad row with its Thai reasons."""
        self._require_manager()
        data = ExpertImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = experts.run_expert_import(actor=request.user,
                                           upload=data.validated_data["file"],
                                           good_rows_only=data.validated_data["good_rows_only"])
        body = {"created": report.created, "rows_total": report.rows_total,
                "file_error": report.file_error, "summary": str(report.summary),
                "problems": [{"row": p.row, "name": p.name, "reasons": [str(r) for r in p.reasons]}
                             for p in report.problems]}
        code = status.HTTP_400_BAD_REQUEST if report.file_error or (
            report.problems and not report.written) else status.HTTP_200_OK
        return Response(body, status=code)


# --- draws ---------------------------------------------------------------------------------------

class AssessorDrawSerializer(serializers.ModelSerializer):
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    drawn_by_name = serializers.SerializerMethodField()
    excluded = serializers.JSONField(read_only=True, help_text=_(
        "{รหัสผู้ทรงคุณวุฒิ: เหตุที่ไม่มีสิทธิ์} เหตุ: " + ", ".join(rules.EXCLUSION_REASONS)))

    class Meta:
        model = AssessorDraw
        fields = ["id", "application", "sequence", "outcome", "outcome_display", "trigger",
                  "needed", "seats", "application_facts", "candidates", "excluded", "pool",
                  "values", "picks", "digest", "drawn_by", "drawn_by_name", "drawn_at"]

    def get_drawn_by_name(self, draw) -> str:
        return draw.drawn_by.full_name_th if draw.drawn_by_id else ""


class DrawCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField()


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())
    checks = serializers.ListField(child=serializers.CharField())


class AssessorDrawViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          viewsets.GenericViewSet):
    """The records of the random draws of assessors (seed 004 step 4) of the applications of
    the units the caller works on. ``POST`` draws for the vacant seats of an approved
    application; ``{id}/verify/`` recomputes a draw from its record."""

    serializer_class = AssessorDrawSerializer
    lookup_value_converter = "int"
    filterset_fields = ["application", "outcome"]

    def get_queryset(self):
        return draws.draws_for(self.request.user).select_related("drawn_by").order_by("pk")

    def get_object(self) -> AssessorDraw:
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound(NOT_FOUND)
        return found

    @extend_schema(request=DrawCreateSerializer, responses={201: AssessorDrawSerializer})
    def create(self, request, *args, **kwargs):
        data = DrawCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        application = selectors.applications_for(request.user).filter(
            pk=data.validated_data["application"]).first()
        if application is None:
            raise NotFound(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        draw = _call(draws.draw_assessors, application=application, actor=request.user)
        body = AssessorDrawSerializer(draw).data
        if draw.outcome != "drawn":
            body["message"] = draws.short_pool_message(draw)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses=VerificationSerializer)
    @action(detail=True, methods=["get"])
    def verify(self, request, pk=None):
        """Recompute the draw: the digest, every exclusion from the recorded facts, the pool,
        the picks from the pool and the random values, and the invitations in the database."""
        result = draws.verify_draw(self.get_object())
        return Response(VerificationSerializer({"ok": result.ok, "problems": result.problems,
                                                "checks": result.checks}).data)


# --- invitations -------------------------------------------------------------------------------

class InvitationSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    expert_name = serializers.CharField(source="expert.full_name_th", read_only=True)
    applicant_name = serializers.CharField(source="application.person.full_name_th",
                                           read_only=True)
    requested_standing = serializers.CharField(source="application.requested_standing",
                                               read_only=True)
    subject_area_name = serializers.CharField(source="application.subject_area.name",
                                              read_only=True)
    score_sheet = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = ["id", "application", "applicant_name", "requested_standing",
                  "subject_area_name", "expert", "expert_name", "draw", "seat", "state",
                  "state_display", "invited_at", "reply_by", "replied_at", "decline_reason",
                  "score_due", "cancelled_at", "cancel_reason", "score_sheet"]

    def get_score_sheet(self, invitation) -> int | None:
        sheet = getattr(invitation, "sheet", None)
        return sheet.pk if sheet is not None else None


class InvitationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Invitations to assess: the caller's own (``?mine=1`` for those only) and those of the
    applications of the units the caller works on. The invited expert accepts or declines
    (with a reason); the office cancels (with a reason). A freed seat is drawn again."""

    serializer_class = InvitationSerializer
    lookup_value_converter = "int"
    filterset_fields = ["application", "state"]

    def get_queryset(self):
        qs = invitations.invitations_for(self.request.user)
        if self.request.query_params.get("mine"):
            qs = qs.filter(expert__user_id=self.request.user.pk)
        return qs.select_related("expert", "application", "application__person",
                                 "application__subject_area", "sheet").order_by("pk")

    def get_object(self) -> Invitation:
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound(NOT_FOUND)
        return found

    def _done(self, invitation) -> Response:
        return Response(InvitationSerializer(self.get_queryset().get(pk=invitation.pk)).data)

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        invitation = self.get_object()
        _call(invitations.accept_invitation, invitation=invitation, actor=request.user)
        return self._done(invitation)

    @extend_schema(request=InvitationReasonSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        invitation = self.get_object()
        data = InvitationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _call(invitations.decline_invitation, invitation=invitation, actor=request.user,
              reason=data.validated_data["reason"])
        return self._done(invitation)

    @extend_schema(request=InvitationReasonSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        invitation = self.get_object()
        data = InvitationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _call(invitations.cancel_invitation, invitation=invitation, actor=request.user,
              reason=data.validated_data["reason"])
        return self._done(invitation)


# --- score sheets ------------------------------------------------------------------------------

class ScoreSheetSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="invitation.application_id", read_only=True)
    rubrics = serializers.SerializerMethodField()

    class Meta:
        model = ScoreSheet
        fields = ["id", "invitation", "application", "levels", "notes", "percentages",
                  "submitted_at", "updated_at", "rubrics"]

    def get_rubrics(self, sheet) -> list[dict]:
        standing = sheet.invitation.application.requested_standing
        return [{"side": r.side, "title": r.title,
                 "indicators": [{"id": i.pk, "order": i.order, "text": i.text,
                                 "weight": str(i.weight)} for i in r.indicators.all()]}
                for r in scoring.rubrics_for(standing)]


class ScoreSheetDraftSerializer(serializers.Serializer):
    levels = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=4, allow_null=True),
        required=False, help_text=_("{รหัสตัวชี้วัด: ระดับ 1–4 หรือ null}"))
    notes = serializers.DictField(child=serializers.DictField(child=serializers.CharField(
        allow_blank=True)), required=False,
        help_text=_("{ด้าน: {\"strengths\": จุดเด่น, \"remarks\": ข้อสังเกต}}"))


class ScoreSheetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """The caller's own score sheets (an accepted assessor). ``PATCH`` saves a draft (levels
    1–4 per indicator, strengths and remarks per side; the percentages are computed);
    ``{id}/submit/`` locks it. Nobody else's sheet is reachable here."""

    serializer_class = ScoreSheetSerializer
    lookup_value_converter = "int"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return ScoreSheet.objects.filter(
            invitation__expert__user_id=self.request.user.pk,
            invitation__state="accepted").select_related(
            "invitation", "invitation__application").order_by("pk")

    def get_object(self) -> ScoreSheet:
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound(NOT_FOUND)
        return found

    @extend_schema(request=ScoreSheetDraftSerializer, responses=ScoreSheetSerializer)
    def partial_update(self, request, *args, **kwargs):
        sheet = self.get_object()
        data = ScoreSheetDraftSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _call(scoring.save_draft, sheet=sheet, actor=request.user,
              levels=data.validated_data.get("levels") or {},
              notes=data.validated_data.get("notes") or {})
        return Response(ScoreSheetSerializer(self.get_queryset().get(pk=sheet.pk)).data)

    @extend_schema(request=None, responses=ScoreSheetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        sheet = self.get_object()
        _call(scoring.submit_score_sheet, sheet=sheet, actor=request.user)
        return Response(ScoreSheetSerializer(self.get_queryset().get(pk=sheet.pk)).data)


# --- the assessment of an application: approve, draw, scores, decision --------------------------

class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentDecision
        fields = ["requested_standing", "threshold", "sides", "passed", "decided_at"]


class AssessmentSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    person_name = serializers.CharField(source="person.full_name_th", read_only=True)
    sides = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "person_name", "requested_standing", "state", "state_display", "sides",
                  "scores", "decision"]

    def get_sides(self, application) -> list[int]:
        return list(rules.sides_for(application.requested_standing))

    def get_scores(self, application) -> list[dict]:
        """One row per seat holder: the percentages per side once submitted."""
        data = scoring.overview(application)
        return [{"seat": r["invitation"].seat, "expert": r["invitation"].expert.full_name_th,
                 "submitted": r["submitted"],
                 "percentages": [str(s) if s is not None else None for s in r["scores"]]}
                for r in data["rows"]]

    def get_decision(self, application) -> dict | None:
        decision = AssessmentDecision.objects.filter(application=application).first()
        return DecisionSerializer(decision).data if decision else None


class AssessmentApproveSerializer(serializers.Serializer):
    meeting_ref = serializers.CharField(max_length=200, required=False, allow_blank=True)


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """The assessment of applications by the office (seed 004 steps 3–5): the applications of
    the units the caller works on from the committee's approval on, with every assessor's
    percentages per side and the decision (each side: 2 of 3 at the standing's threshold).
    ``approve/`` records the committee's approval; ``draw/`` draws assessors for the vacant
    seats; ``summary-pdf/`` prints the summary of the three assessors."""

    serializer_class = AssessmentSerializer
    lookup_value_converter = "int"
    filterset_fields = ["state"]

    def get_queryset(self):
        return scoring.scored_applications(self.request.user).select_related(
            "person").order_by("pk")

    def _application(self) -> Application:
        found = scoping.scope(Application.objects.all(), self.request.user, "organization",
                              Access.WORK).select_related(
            "person", "organization", "office", "subject_area").filter(
            pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        return found

    def get_object(self) -> Application:
        return self._application()

    @extend_schema(request=AssessmentApproveSerializer, responses=AssessmentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        application = self._application()
        data = AssessmentApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        _call(draws.approve_for_assessment, application=application, actor=request.user,
              meeting_ref=data.validated_data.get("meeting_ref", ""))
        return Response(AssessmentSerializer(self._application()).data)

    @extend_schema(request=None, responses={201: AssessorDrawSerializer})
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        application = self._application()
        draw = _call(draws.draw_assessors, application=application, actor=request.user)
        body = AssessorDrawSerializer(draw).data
        if draw.outcome != "drawn":
            body["message"] = draws.short_pool_message(draw)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="summary-pdf")
    def summary_pdf(self, request, pk=None):
        """แบบสรุปผลการประเมินของกรรมการทั้ง 3 คน (PDF)."""
        from .summary_pdf import summary_pdf

        application = self._application()
        data = _call(summary_pdf, application=application)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="assessment-{application.pk}.pdf"'
        return response
