"""The API of the expert registry (บัญชีรายชื่อผู้ทรงคุณวุฒิ): list, create, change, import, and
"invite to the portal"."""

from __future__ import annotations

from django.db.models import Q
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
from appraisal import imports as expert_imports
from appraisal import selectors
from appraisal.choices import ConflictKind
from appraisal.models import (
    ConflictDeclaration,
    Expert,
    SubjectArea,
)
from appraisal.services import conflicts, experts
from personnel.choices import AcademicStanding

NOT_FOUND = _("ไม่พบรายการนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")


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
        return selectors.experts_for(self.request.user).select_related(
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
            owner = selectors.owner_choices(user).filter(pk=data["organization"]).first()
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
        if not selectors.may_manage_experts(self.request.user):
            raise PermissionDenied()

    @extend_schema(request=ExpertWriteSerializer, responses={201: ExpertSerializer})
    def create(self, request, *args, **kwargs):
        self._require_manager()
        data = ExpertWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        expert = experts.save_expert(actor=request.user, **self._fields(
                                     data.validated_data))
        return Response(ExpertSerializer(self.get_queryset().get(pk=expert.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ExpertWriteSerializer, responses=ExpertSerializer)
    def partial_update(self, request, *args, **kwargs):
        expert = self.get_object()
        data = ExpertWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        experts.save_expert(actor=request.user, expert=expert,
                            **self._fields(data.validated_data))
        return Response(ExpertSerializer(self.get_queryset().get(pk=expert.pk)).data)

    @extend_schema(request=None, responses=ExpertSerializer)
    @action(detail=True, methods=["post"])
    def account(self, request, pk=None):
        """Invite the expert to the portal: an account and an email with a link to set its
        password (or the link to the account that already has the expert's national ID or
        email)."""
        expert = self.get_object()
        experts.create_expert_account(actor=request.user, expert=expert)
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
        report = expert_imports.run_expert_import(actor=request.user,
                                           upload=data.validated_data["file"],
                                           good_rows_only=data.validated_data["good_rows_only"])
        body = {"created": report.created, "rows_total": report.rows_total,
                "file_error": report.file_error, "summary": str(report.summary),
                "problems": [{"row": p.row, "name": p.name, "reasons": [str(r) for r in p.reasons]}
                             for p in report.problems]}
        code = status.HTTP_400_BAD_REQUEST if report.file_error or (
            report.problems and not report.written) else status.HTTP_200_OK
        return Response(body, status=code)


# --- declared relations (conflicts of interest; issue 19) -------------------------------------

class ConflictDeclarationSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    national_id = serializers.CharField(source="masked_national_id", read_only=True)
    linked = serializers.SerializerMethodField()

    class Meta:
        model = ConflictDeclaration
        fields = ["id", "expert", "kind", "kind_display", "national_id", "first_name",
                  "last_name", "linked", "until", "note", "source", "invitation", "declared_at",
                  "withdrawn_at", "withdraw_reason"]

    def get_linked(self, declaration) -> bool:
        """Whether the person is found in the ก.พ.7 registry (who it is is not shown)."""
        return declaration.person_id is not None


class ConflictDeclareSerializer(serializers.Serializer):
    expert = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ConflictKind.choices)
    national_id = serializers.CharField(max_length=17, required=False, allow_blank=True)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    until = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True)


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ConflictDeclarationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                                 viewsets.GenericViewSet):
    """Relations declared on experts' records that keep them from assessing the person named:
    those of the records the caller keeps, and the caller's own as an expert. ``POST`` declares
    one (``expert`` and the person: a national ID, or a name); ``{id}/withdraw/`` withdraws
    it with a reason. National IDs only masked."""

    serializer_class = ConflictDeclarationSerializer
    lookup_value_converter = "int"
    filterset_fields = ["expert", "kind"]

    def get_queryset(self):
        user = self.request.user
        kept = selectors.experts_for(user) if selectors.may_manage_experts(user) \
            else Expert.objects.none()
        return ConflictDeclaration.objects.filter(
            Q(expert__in=kept) | Q(expert__user_id=user.pk)).order_by("pk")

    def get_object(self) -> ConflictDeclaration:
        found = self.get_queryset().filter(pk=self.kwargs["pk"]).first()
        if found is None:
            raise NotFound(NOT_FOUND)
        return found

    @extend_schema(request=ConflictDeclareSerializer,
                   responses={201: ConflictDeclarationSerializer})
    def create(self, request, *args, **kwargs):
        data = ConflictDeclareSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        expert = Expert.objects.filter(pk=fields.pop("expert")).first()
        if expert is None or not conflicts.may_declare(request.user, expert):
            raise NotFound(NOT_FOUND)
        declaration = conflicts.declare_conflict(actor=request.user, expert=expert, **fields)
        return Response(ConflictDeclarationSerializer(declaration).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=WithdrawSerializer, responses=ConflictDeclarationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        declaration = self.get_object()
        data = WithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        declaration = conflicts.withdraw_conflict(actor=request.user, declaration=declaration,
                                                  reason=data.validated_data["reason"])
        return Response(ConflictDeclarationSerializer(declaration).data)
