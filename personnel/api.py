"""API for people, their employment and their history lines, over the same services and
selectors as the pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from accounts import scoping
from accounts.models import Organization

from . import selectors, services
from .choices import PersonStatus
from .models import Person, StatusChange


class EmploymentSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Person
        fields = ["organization", "organization_name", "position_type", "position_number",
                  "salary_rank", "salary", "appointed_on", "standing", "standing_granted_on"]
        read_only_fields = ["organization"]


class PersonListSerializer(serializers.ModelSerializer):
    national_id = serializers.CharField(source="masked_national_id", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)

    class Meta:
        model = Person
        fields = ["id", "national_id", "title_th", "first_name", "last_name", "organization",
                  "organization_name", "position_type", "standing", "status"]


def _history_serializer(model):
    fields = [f.name for f in model._meta.concrete_fields
              if f.name not in {"person", "created_by"}]
    meta = type("Meta", (), {"model": model, "fields": fields, "read_only_fields": ["id",
                                                                                    "created_at"]})
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


HISTORY_SERIALIZERS = {kind: _history_serializer(model)
                       for kind, model in services.HISTORY_KINDS.items()}
STATUS_SERIALIZER = _history_serializer(StatusChange)


class HistorySerializer(serializers.Serializer):
    """Every history section of a person, keyed by kind."""

    def to_representation(self, person):
        data = {}
        for kind, model in services.HISTORY_KINDS.items():
            lines = getattr(person, f"{model._meta.model_name}_lines").all()
            data[kind] = HISTORY_SERIALIZERS[kind](lines, many=True).data
        data["status"] = STATUS_SERIALIZER(person.statuschange_lines.all(), many=True).data
        return data


class PersonDetailSerializer(serializers.ModelSerializer):
    national_id = serializers.SerializerMethodField()
    employment = serializers.SerializerMethodField()
    history = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = ["id", "national_id", "title_th", "first_name", "last_name", "title_en",
                  "first_name_en", "last_name_en", "birth_date", "gender", "address", "status",
                  "status_effective_on", "employment", "history"]

    def get_national_id(self, person) -> str:
        user = self.context["request"].user
        return person.national_id if selectors.can_edit(user, person) else person.masked_national_id

    @extend_schema_field(EmploymentSerializer)
    def get_employment(self, person):
        return EmploymentSerializer(person).data

    @extend_schema_field(serializers.DictField(child=serializers.ListField()))
    def get_history(self, person):
        return HistorySerializer(person).data


class PersonWriteSerializer(serializers.Serializer):
    national_id = serializers.CharField(max_length=20, label=_("เลขประจำตัวประชาชน"))
    organization = serializers.IntegerField(label=_("สังกัด (id)"))
    title_th = serializers.CharField(required=False, allow_blank=True)
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    title_en = serializers.CharField(required=False, allow_blank=True)
    first_name_en = serializers.CharField(required=False, allow_blank=True)
    last_name_en = serializers.CharField(required=False, allow_blank=True)
    birth_date = serializers.DateField(required=False, allow_null=True)
    gender = serializers.CharField(required=False, allow_blank=True)
    address = serializers.CharField(required=False, allow_blank=True)
    position_type = serializers.CharField(required=False)
    position_number = serializers.CharField(required=False, allow_blank=True)
    salary_rank = serializers.CharField(required=False, allow_blank=True)
    salary = serializers.DecimalField(max_digits=10, decimal_places=2, required=False,
                                      allow_null=True)
    appointed_on = serializers.DateField(required=False, allow_null=True)
    standing = serializers.CharField(required=False)
    standing_granted_on = serializers.DateField(required=False, allow_null=True)


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PersonStatus.choices)
    effective_on = serializers.DateField()
    order_ref = serializers.CharField(max_length=120)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PersonViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """People in the caller's reach (and the caller's own record). Ended records are listed
    with ``?status=all`` or a given status."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "list":
            return PersonListSerializer
        if self.action in ("create", "partial_update"):
            return PersonWriteSerializer
        return PersonDetailSerializer

    @extend_schema(parameters=[
        OpenApiParameter("status", str, description="active (default), all, or a status"),
        OpenApiParameter("organization", int, description="a unit and its subtree"),
        OpenApiParameter("q", str, description="name or national ID prefix"),
    ])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        org = None
        if params.get("organization"):
            try:
                org = scoping.organizations(self.request.user).get(pk=int(params["organization"]))
            except (Organization.DoesNotExist, ValueError):
                raise NotFound(_("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
        return selectors.roster(self.request.user, organization=org,
                                status=params.get("status"), q=params.get("q", ""))

    def get_object(self):
        try:
            return selectors.person_for(self.request.user, int(self.kwargs["pk"]))
        except (Person.DoesNotExist, ValueError):
            raise NotFound(_("ไม่พบข้อมูลบุคลากรนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None

    def create(self, request, *args, **kwargs):
        data = PersonWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        try:
            org = scoping.organizations(request.user, scoping.Access.WORK).get(
                pk=fields.pop("organization"))
        except Organization.DoesNotExist:
            raise NotFound(_("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
        number = fields.pop("national_id")
        person = services.create_person(actor=request.user, organization=org,
                                        national_id_number=number, **fields)
        person = selectors.person_for(request.user, person.pk)
        return Response(PersonDetailSerializer(person, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        person = self.get_object()
        data = PersonWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if {"national_id", "organization"} & set(changes):
            raise ValidationError(_("เปลี่ยนเลขประจำตัวประชาชนหรือสังกัดผ่านช่องทางนี้ไม่ได้"))
        services.update_person(actor=request.user, person=person, **changes)
        person = selectors.person_for(request.user, person.pk)
        return Response(PersonDetailSerializer(person, context={"request": request}).data)

    @extend_schema(request=serializers.DictField(), responses=serializers.DictField(),
                   parameters=[OpenApiParameter("kind", str, location="path",
                                                enum=sorted(services.HISTORY_KINDS))])
    @action(detail=True, methods=["post"], url_path="history/<slug:kind>")
    def add_history(self, request, pk=None, kind=None):
        """Append one history line of ``kind`` (position, degree, licence, discipline, ethics,
        performance, language, hardship, pqf, workload)."""
        person = self.get_object()
        if kind not in HISTORY_SERIALIZERS:
            raise NotFound(_("ไม่รู้จักประเภทประวัติ %(kind)s") % {"kind": kind})
        data = HISTORY_SERIALIZERS[kind](data=request.data)
        data.is_valid(raise_exception=True)
        line = services.add_history_line(actor=request.user, person=person, kind=kind,
                                         **data.validated_data)
        return Response(HISTORY_SERIALIZERS[kind](line).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=StatusChangeSerializer, responses=PersonDetailSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """Retire, resign, discharge, dismiss, record a death or a transfer out."""
        person = self.get_object()
        data = StatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.change_status(actor=request.user, person=person, **data.validated_data)
        person = selectors.person_for(request.user, person.pk)
        return Response(PersonDetailSerializer(person, context={"request": request}).data)
