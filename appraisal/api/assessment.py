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
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts import scoping
from accounts.scoping import Access
from appraisal import rules, selectors
from appraisal.choices import ConflictKind, DeclineKind
from appraisal.models import (
    Application,
    AssessmentDecision,
    AssessorDraw,
    DrawCommitment,
    Invitation,
    ScoreSheet,
)
from appraisal.services import commitments, invitations, scoring
from appraisal.services import draw as draws

NOT_FOUND = _("ไม่พบรายการนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")


# --- draws ---------------------------------------------------------------------------------------

class AssessorDrawSerializer(serializers.ModelSerializer):
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    drawn_by_name = serializers.SerializerMethodField()
    excluded = serializers.JSONField(read_only=True, help_text=_(
        "{รหัสผู้ทรงคุณวุฒิ: เหตุที่ไม่มีสิทธิ์} เหตุ: " + ", ".join(rules.EXCLUSION_REASONS)))
    commitment = serializers.CharField(source="commitment.commitment", read_only=True,
                                       default=None, help_text=_(
                                           "ค่าผูกมัด: SHA-256 ของเมล็ดสุ่ม (บันทึกแบบเดิม: null)"))
    commitment_made_at = serializers.DateTimeField(source="commitment.created_at",
                                                   read_only=True, default=None)
    public_source = serializers.CharField(source="commitment.public_source", read_only=True,
                                          default=None)
    public_value = serializers.CharField(source="commitment.public_value", read_only=True,
                                         default=None)
    seed = serializers.CharField(source="commitment.revealed_seed", read_only=True,
                                 default=None, help_text=_("เมล็ดสุ่ม เปิดเผยหลังการสุ่ม"))

    class Meta:
        model = AssessorDraw
        fields = ["id", "application", "sequence", "version", "outcome", "outcome_display",
                  "trigger", "needed", "seats", "application_facts", "candidates", "excluded",
                  "pool", "commitment", "commitment_made_at", "public_source", "public_value",
                  "seed", "values", "picks", "digest", "drawn_by", "drawn_by_name", "drawn_at"]

    def get_drawn_by_name(self, draw) -> str:
        return draw.drawn_by.full_name_th if draw.drawn_by_id else ""


class DrawCreateSerializer(serializers.Serializer):
    application = serializers.IntegerField()
    public_value = serializers.CharField(max_length=500, help_text=_(
        "ค่าสาธารณะที่ไม่มีใครรู้ได้ในเวลาที่เผยแพร่ค่าผูกมัด เช่น ผลสลากกินแบ่งรัฐบาลของงวดที่ระบุไว้"))


class DrawValueSerializer(serializers.Serializer):
    public_value = serializers.CharField(max_length=500, help_text=_(
        "ค่าสาธารณะที่ไม่มีใครรู้ได้ในเวลาที่เผยแพร่ค่าผูกมัด เช่น ผลสลากกินแบ่งรัฐบาลของงวดที่ระบุไว้"))


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
        return draws.draws_for(self.request.user).select_related(
            "drawn_by", "commitment").order_by("pk")

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
        draw = draws.draw_assessors(application=application, actor=request.user,
                                    public_value=data.validated_data["public_value"])
        body = AssessorDrawSerializer(draw).data
        if draw.outcome != "drawn":
            body["message"] = draws.short_pool_message(draw)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def record(self, request, pk=None):
        """The record as anyone checks it with ``tools/verify_draw.py`` (top-level keys
        ``commitment``, ``seed``, ``public_value``, ``pool``, ``excluded``, ``picks``, … and
        ``digest``)."""
        return Response(draws.export_of(self.get_object()))

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
                  "state_display", "invited_at", "reply_by", "replied_at", "decline_kind",
                  "decline_reason", "attestation_version", "attestation_sha256", "attested_at",
                  "score_due", "cancelled_at", "cancel_reason", "score_sheet"]

    def get_score_sheet(self, invitation) -> int | None:
        sheet = getattr(invitation, "sheet", None)
        return sheet.pk if sheet is not None else None


class InvitationReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class AcceptSerializer(serializers.Serializer):
    attest = serializers.BooleanField(default=False, help_text=_(
        "ต้องเป็น true: ผู้ตอบรับรับรองว่าไม่มีส่วนได้เสียกับผู้ขอ ตามข้อความคำรับรองฉบับปัจจุบัน"))


class DeclineSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeclineKind.choices, default=DeclineKind.OTHER)
    conflict_kind = serializers.ChoiceField(choices=ConflictKind.choices, required=False,
                                            allow_null=True, default=None)
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True,
                                   default="")


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

    @extend_schema(request=AcceptSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept, attesting no conflict of interest (``{"attest": true}``)."""
        invitation = self.get_object()
        data = AcceptSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitations.accept_invitation(invitation=invitation, actor=request.user,
                                      attested=data.validated_data["attest"])
        return self._done(invitation)

    @extend_schema(request=DeclineSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline with a reason; ``kind=conflict`` with ``conflict_kind`` declares the relation
        with the applicant, tells the office and refills the seat."""
        invitation = self.get_object()
        data = DeclineSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitations.decline_invitation(invitation=invitation, actor=request.user,
                                       reason=data.validated_data["reason"],
                                       kind=data.validated_data["kind"],
                                       conflict_kind=data.validated_data["conflict_kind"])
        return self._done(invitation)

    @extend_schema(request=InvitationReasonSerializer, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        invitation = self.get_object()
        data = InvitationReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        invitations.cancel_invitation(invitation=invitation, actor=request.user,
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
        scoring.save_draft(sheet=sheet, actor=request.user,
                           levels=data.validated_data.get("levels") or {},
                           notes=data.validated_data.get("notes") or {})
        return Response(ScoreSheetSerializer(self.get_queryset().get(pk=sheet.pk)).data)

    @extend_schema(request=None, responses=ScoreSheetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        sheet = self.get_object()
        scoring.submit_score_sheet(sheet=sheet, actor=request.user)
        return Response(ScoreSheetSerializer(self.get_queryset().get(pk=sheet.pk)).data)


# --- the assessment of an application: approve, draw, scores, decision --------------------------

class DecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = AssessmentDecision
        fields = ["requested_standing", "threshold", "sides", "passed", "decided_at"]


class CommitmentSerializer(serializers.ModelSerializer):
    """A published commitment; its seed never (it is on the draw records once revealed)."""

    class Meta:
        model = DrawCommitment
        fields = ["commitment", "created_at", "purpose", "public_source"]


class AssessmentSerializer(serializers.ModelSerializer):
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    person_name = serializers.CharField(source="person.full_name_th", read_only=True)
    sides = serializers.SerializerMethodField()
    scores = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    next_commitment = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = ["id", "person_name", "requested_standing", "state", "state_display", "sides",
                  "scores", "decision", "next_commitment"]

    def get_next_commitment(self, application) -> dict | None:
        """The commitment the next draw will use (published; the seed stays secret)."""
        current = commitments.current_commitment(application)
        return CommitmentSerializer(current).data if current else None

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
    public_source = serializers.CharField(max_length=300, required=False, allow_blank=True)


class PublicSourceSerializer(serializers.Serializer):
    public_source = serializers.CharField(max_length=300, required=False, allow_blank=True)


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
        draws.approve_for_assessment(application=application, actor=request.user,
                                     meeting_ref=data.validated_data.get("meeting_ref", ""),
                                     public_source=data.validated_data.get("public_source", ""))
        return Response(AssessmentSerializer(self._application()).data)

    @extend_schema(request=PublicSourceSerializer, responses={201: CommitmentSerializer})
    @action(detail=True, methods=["post"])
    def commitment(self, request, pk=None):
        """Publish a new commitment for the next draw (when the last one was used)."""
        application = self._application()
        data = PublicSourceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commitment = draws.publish_commitment(
            application, actor=request.user,
            public_source=data.validated_data.get("public_source", ""))
        return Response(CommitmentSerializer(commitment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DrawValueSerializer, responses={201: AssessorDrawSerializer})
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        application = self._application()
        data = DrawValueSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        draw = draws.draw_assessors(application=application, actor=request.user,
                                    public_value=data.validated_data["public_value"])
        body = AssessorDrawSerializer(draw).data
        if draw.outcome != "drawn":
            body["message"] = draws.short_pool_message(draw)
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="summary-pdf")
    def summary_pdf(self, request, pk=None):
        """แบบสรุปผลการประเมินของกรรมการทั้ง 3 คน (PDF)."""
        from appraisal.documents import summary_pdf

        application = self._application()
        data = summary_pdf(application=application)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="assessment-{application.pk}.pdf"'
        return response
