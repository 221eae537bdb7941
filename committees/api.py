"""API of the committees (issue 7 item 9): committees with members, meetings, agenda items with
their entries and resolution (create, resolve, notify, the Word/Excel documents), appointment
orders (create, appoint, PDF/Word). Over the same services and selectors as the pages: out of
reach is 404, not allowed is 403, a refused change is 400 with the service's Thai message."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from . import documents, orders, selectors, services
from .models import (
    AgendaEntry,
    AgendaItem,
    AppointmentOrder,
    Committee,
    CommitteeMember,
    Decision,
    ItemKind,
    Meeting,
    OrderEntry,
    Resolution,
)
from .views import DOCX, XLSX

THAI = OpenApiParameter("thai", bool, description="ใช้เลขไทย")


class MemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeMember
        fields = ["id", "name", "position", "role", "order"]


class CommitteeSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    province_name = serializers.CharField(source="province.name", read_only=True)
    members = MemberSerializer(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "kind", "name", "province", "province_name", "members"]


class MeetingSerializer(serializers.ModelSerializer):
    ref = serializers.CharField(read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "committee", "number", "year_be", "date", "place", "ref", "created_at"]
        read_only_fields = ["created_at"]
        validators = []  # the service reports a duplicate number in Thai


class EntrySerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="application.person.full_name_th",
                                        read_only=True)
    requested_standing = serializers.CharField(source="application.requested_standing",
                                               read_only=True)
    state = serializers.CharField(source="application.state", read_only=True)

    class Meta:
        model = AgendaEntry
        fields = ["order", "application", "person_name", "requested_standing", "state",
                  "decision"]


class ResolutionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Resolution
        fields = ["decision", "note", "recorded_by", "recorded_at", "notified_at"]


class ItemSerializer(serializers.ModelSerializer):
    entries = EntrySerializer(many=True, read_only=True)
    resolution = serializers.SerializerMethodField()
    meeting_ref = serializers.CharField(source="meeting.ref", read_only=True)
    commitment = serializers.CharField(source="commitment.commitment", read_only=True,
                                       default=None, help_text=_(
                                           "ค่าผูกมัดการสุ่มของวาระ: SHA-256 ของเมล็ดสุ่ม"))
    commitment_made_at = serializers.DateTimeField(source="commitment.created_at",
                                                   read_only=True, default=None)
    public_source = serializers.CharField(source="commitment.public_source", read_only=True,
                                          default=None)
    public_value = serializers.CharField(source="commitment.public_value", read_only=True,
                                         default=None)
    seed = serializers.CharField(source="commitment.revealed_seed", read_only=True,
                                 default=None, help_text=_("เมล็ดสุ่ม: null จนกว่าจะสุ่ม"))

    class Meta:
        model = AgendaItem
        fields = ["id", "meeting", "meeting_ref", "kind", "order", "title", "request_text",
                  "law_text", "facts_text", "considerations_text", "commitment",
                  "commitment_made_at", "public_source", "public_value", "seed", "entries",
                  "resolution"]

    @extend_schema_field(ResolutionSerializer(allow_null=True))
    def get_resolution(self, item) -> dict | None:
        resolution = Resolution.objects.filter(item=item).first()
        return ResolutionSerializer(resolution).data if resolution else None


class ItemCreateSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ItemKind.choices)
    applications = serializers.ListField(child=serializers.IntegerField(), required=False)
    title = serializers.CharField(required=False, allow_blank=True)
    request_text = serializers.CharField(required=False, allow_blank=True)
    law_text = serializers.CharField(required=False, allow_blank=True)
    facts_text = serializers.CharField(required=False, allow_blank=True)
    considerations_text = serializers.CharField(required=False, allow_blank=True)
    public_source = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                          help_text=_("แหล่งของค่าสาธารณะที่จะใช้สุ่ม"))


class ItemTextsSerializer(serializers.Serializer):
    title = serializers.CharField(required=False)
    request_text = serializers.CharField(required=False, allow_blank=True)
    law_text = serializers.CharField(required=False, allow_blank=True)
    facts_text = serializers.CharField(required=False, allow_blank=True)
    considerations_text = serializers.CharField(required=False, allow_blank=True)


class ResolveSerializer(serializers.Serializer):
    decisions = serializers.DictField(
        child=serializers.ChoiceField(choices=[c for c in Decision.choices
                                               if c[0] != Decision.PENDING]),
        required=False, help_text="{application id: approved | not_approved | deferred}")
    decision = serializers.ChoiceField(choices=[c for c in Decision.choices
                                                if c[0] != Decision.PENDING], required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    draw_now = serializers.BooleanField(required=False, default=False)
    public_value = serializers.CharField(max_length=500, required=False, allow_blank=True,
                                         default="", help_text=_("ค่าสาธารณะ (เมื่อ draw_now)"))


class ItemDrawSerializer(serializers.Serializer):
    public_value = serializers.CharField(max_length=500)


class NotifySerializer(serializers.Serializer):
    confirmed = serializers.BooleanField(help_text="การยืนยันของเลขานุการ")


class OrderEntrySerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="application.person.full_name_th",
                                        read_only=True)

    class Meta:
        model = OrderEntry
        fields = ["order_no", "application", "person_name", "new_standing", "effective_on",
                  "position_number", "salary_rank", "salary"]


class OrderSerializer(serializers.ModelSerializer):
    entries = OrderEntrySerializer(many=True, read_only=True)

    class Meta:
        model = AppointmentOrder
        fields = ["id", "committee", "issuer", "number", "year_be", "date", "legal_basis",
                  "signer_name", "signer_position", "appointed_at", "entries"]


class OrderCreateSerializer(serializers.Serializer):
    committee = serializers.IntegerField()
    number = serializers.IntegerField(min_value=1)
    year_be = serializers.IntegerField(min_value=2500, max_value=2700)
    date = serializers.DateField()
    signer_name = serializers.CharField()
    signer_position = serializers.CharField(required=False, allow_blank=True, default="")
    legal_basis = serializers.CharField(required=False, allow_blank=True, default="")
    applications = serializers.ListField(child=serializers.IntegerField())


def _file(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _thai(request) -> bool:
    return request.query_params.get("thai") in ("1", "true", "on")


class CommitteeViewSet(viewsets.ReadOnlyModelViewSet):
    """The committees the caller is secretary of (the DLA admin: all), with members."""

    serializer_class = CommitteeSerializer
    lookup_value_converter = "int"

    def get_queryset(self):
        return selectors.committees_for(self.request.user).prefetch_related(
            "members").order_by("pk")


class MeetingViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = MeetingSerializer
    lookup_value_converter = "int"
    filterset_fields = ["committee", "year_be"]

    def get_queryset(self):
        return selectors.meetings_for(self.request.user).order_by("-date", "-pk")

    def create(self, request, *args, **kwargs):
        data = MeetingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        committee = selectors.committees_for(request.user).filter(
            pk=values.pop("committee").pk).first()
        if committee is None:
            raise NotFound()
        meeting = services.create_meeting(actor=request.user, committee=committee,
                                          **values)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)

    def _meeting(self):
        try:
            return selectors.meeting_detail(self.request.user, self.kwargs["pk"])
        except Meeting.DoesNotExist:
            raise NotFound() from None

    @extend_schema(parameters=[THAI], responses={(200, DOCX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="agenda-docx")
    def agenda_docx(self, request, pk=None):
        """Every item of the meeting in one Word document."""
        meeting = self._meeting()
        return _file(documents.meeting_agenda_docx(
            meeting, selectors.items_of_meeting(request.user, meeting), thai=_thai(request)),
            DOCX, f"agenda-{meeting.pk}.docx")

    @extend_schema(parameters=[THAI], responses={(200, DOCX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="minutes-docx")
    def minutes_docx(self, request, pk=None):
        """The draft minutes (รายงานการประชุม) from the recorded resolutions."""
        meeting = self._meeting()
        return _file(documents.minutes_docx(
            meeting, selectors.items_of_meeting(request.user, meeting), thai=_thai(request)),
            DOCX, f"minutes-{meeting.pk}.docx")


class AgendaItemViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin,
                        viewsets.ReadOnlyModelViewSet):
    """Agenda items with the applications and the meeting's resolution. ``resolve/`` records
    the resolution (per application; ``draw_now`` with ``public_value`` draws approved panels
    at once); ``draw/`` draws them later;
    ``notify/`` notifies the results; ``agenda-docx/`` and ``annex-xlsx/`` the documents."""

    serializer_class = ItemSerializer
    lookup_value_converter = "int"
    filterset_fields = ["meeting", "kind"]

    def get_queryset(self):
        return selectors.items_for(self.request.user).prefetch_related(
            "entries__application__person").order_by("pk")

    def _item(self) -> AgendaItem:
        try:
            return selectors.item_detail(self.request.user, self.kwargs["pk"])
        except AgendaItem.DoesNotExist:
            raise NotFound() from None

    def get_object(self):
        return self._item()

    @extend_schema(request=ItemCreateSerializer, responses={201: ItemSerializer})
    def create(self, request, *args, **kwargs):
        data = ItemCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        meeting = selectors.meetings_for(request.user).filter(pk=values.pop("meeting")).first()
        if meeting is None:
            raise NotFound()
        item = services.create_item(actor=request.user, meeting=meeting,
                                    kind=values.pop("kind"),
                                    applications=values.pop("applications", []), **values)
        return Response(ItemSerializer(selectors.item_detail(request.user, item.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ItemTextsSerializer, responses=ItemSerializer)
    def update(self, request, *args, **kwargs):
        """Edit the agenda's texts (เรื่อง, คำขอ, กฎหมาย…, ข้อเท็จจริง, ข้อพิจารณา)."""
        item = self._item()
        data = ItemTextsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.update_item_texts(actor=request.user, item=item, **data.validated_data)
        return Response(ItemSerializer(self._item()).data)

    @extend_schema(request=ItemTextsSerializer, responses=ItemSerializer)
    def partial_update(self, request, *args, **kwargs):
        return self.update(request, *args, **kwargs)

    @extend_schema(request=ResolveSerializer, responses=ItemSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        item = self._item()
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_resolution(actor=request.user, item=item,
                                   decisions=data.validated_data.get("decisions") or {},
                                   decision=data.validated_data.get("decision"),
                                   note=data.validated_data.get("note", ""),
                                   draw_now=data.validated_data.get("draw_now", False),
                                   public_value=data.validated_data.get("public_value", ""))
        return Response(ItemSerializer(self._item()).data)

    @extend_schema(request=ItemDrawSerializer, responses=ItemSerializer)
    @action(detail=True, methods=["post"])
    def draw(self, request, pk=None):
        """Draw the item's approved applications with the public value (one event; the seed
        is revealed)."""
        item = self._item()
        data = ItemDrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.draw_item(actor=request.user, item=item,
                           public_value=data.validated_data["public_value"])
        return Response(ItemSerializer(self._item()).data)

    @extend_schema(request=NotifySerializer, responses=ItemSerializer)
    @action(detail=True, methods=["post"])
    def notify(self, request, pk=None):
        item = self._item()
        data = NotifySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.notify_results(actor=request.user, item=item,
                                confirmed=data.validated_data["confirmed"])
        return Response(ItemSerializer(self._item()).data)

    @extend_schema(parameters=[THAI], responses={(200, DOCX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="agenda-docx")
    def agenda_docx(self, request, pk=None):
        item = self._item()
        return _file(documents.agenda_docx(item, thai=_thai(request)), DOCX,
                     f"agenda-{item.pk}.docx")

    @extend_schema(parameters=[THAI], responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="annex-xlsx")
    def annex_xlsx(self, request, pk=None):
        item = self._item()
        return _file(documents.annex_xlsx(item, thai=_thai(request)), XLSX,
                     f"annex-{item.pk}.xlsx")


class AppointmentOrderViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """คำสั่งแต่งตั้ง: create from notified applications; ``appoint/`` updates each person's
    standing in the personnel record; ``pdf/`` and ``docx/`` the order."""

    serializer_class = OrderSerializer
    lookup_value_converter = "int"
    filterset_fields = ["committee", "year_be"]

    def get_queryset(self):
        return selectors.orders_for(self.request.user).prefetch_related(
            "entries__application__person").order_by("pk")

    def _order(self) -> AppointmentOrder:
        try:
            return selectors.order_detail(self.request.user, self.kwargs["pk"])
        except AppointmentOrder.DoesNotExist:
            raise NotFound() from None

    def get_object(self):
        return self._order()

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    def create(self, request, *args, **kwargs):
        data = OrderCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        committee = selectors.committees_for(request.user).filter(
            pk=values.pop("committee")).first()
        if committee is None:
            raise NotFound()
        order = services.create_order(actor=request.user, committee=committee, **values)
        return Response(OrderSerializer(selectors.order_detail(request.user, order.pk)).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def appoint(self, request, pk=None):
        services.mark_appointed(actor=request.user, order=self._order())
        return Response(OrderSerializer(self._order()).data)

    @extend_schema(parameters=[THAI], responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def pdf(self, request, pk=None):
        order = self._order()
        return _file(orders.order_pdf(order, thai=_thai(request)), "application/pdf",
                     f"order-{order.pk}.pdf")

    @extend_schema(parameters=[THAI], responses={(200, DOCX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def docx(self, request, pk=None):
        order = self._order()
        return _file(orders.order_docx(order, thai=_thai(request)), DOCX,
                     f"order-{order.pk}.docx")
