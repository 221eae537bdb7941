"""API for staff registrations and roster moves, over the same services as the pages."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from accounts import national_id, scoping, staff_registration
from accounts.models import StaffRegistration
from accounts.scoping import Access
from accounts.throttling import PublicCreateMixin

from . import services
from .models import MoveRequest, MoveStatus


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class StaffRegistrationCreateSerializer(serializers.Serializer):
    national_id = serializers.CharField(max_length=20)
    title_th = serializers.CharField(max_length=50)
    first_name = serializers.CharField(max_length=150)
    last_name = serializers.CharField(max_length=150)
    title_en = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    first_name_en = serializers.CharField(max_length=150, required=False, allow_blank=True,
                                          default="")
    last_name_en = serializers.CharField(max_length=150, required=False, allow_blank=True,
                                         default="")
    birth_date = serializers.DateField()
    position = serializers.ChoiceField(choices=list(staff_registration.STAFF_POSITIONS.items()))
    school_code = serializers.CharField(max_length=20)
    email = serializers.EmailField()
    password = serializers.CharField(write_only=True, style={"input_type": "password"})
    from_card = serializers.BooleanField(required=False, default=False)
    card_expiry = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="วันบัตรหมดอายุ เมื่อข้อมูลมาจากบัตรประชาชน (บัตรหมดอายุแล้วจะไม่รับ)")


class StaffRegistrationSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="user.full_name_th")
    national_id = serializers.SerializerMethodField()
    email = serializers.CharField(source="user.email")
    school_name = serializers.CharField(source="school.name")

    class Meta:
        model = StaffRegistration
        fields = ["id", "name", "national_id", "email", "school", "school_name", "position",
                  "birth_date", "from_card", "status", "created_at"]

    def get_national_id(self, registration) -> str:
        return national_id.mask(registration.user.national_id)


class StaffRegistrationReceiptSerializer(serializers.Serializer):
    detail = serializers.CharField()


class StaffRegistrationViewSet(PublicCreateMixin, mixins.ListModelMixin,
                               mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Staff registrations: anyone may register (then verify the email by the link sent);
    school admins (and above) list the pending ones in their schools, approve or reject."""

    serializer_class = StaffRegistrationSerializer

    def get_queryset(self):
        return staff_registration.pending_for(self.request.user)

    def _pending(self, pk) -> StaffRegistration:
        registration = self.get_queryset().filter(pk=pk).first()
        if registration is None:
            raise NotFound(_("ไม่พบการลงทะเบียนนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        return registration

    @extend_schema(request=StaffRegistrationCreateSerializer,
                   responses={202: StaffRegistrationReceiptSerializer}, auth=[])
    def create(self, request, *args, **kwargs):
        """Register (public). The answer is the same whether or not the national ID or the
        email already has an account (202, a Thai note to open the email): the owner of an
        existing account is told by email instead. Limited per address (429)."""
        data = StaffRegistrationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        staff_registration.register_staff(
            national_id_number=fields.pop("national_id"),
            **fields,
        )
        return Response({"detail": staff_registration.RECEIVED_MESSAGE},
                        status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=StaffRegistrationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve, matching the roster (linked, added, or refused until a move)."""
        registration = self._pending(pk)
        services.approve_staff_registration(actor=request.user,
                                            registration=registration)
        registration.refresh_from_db()
        return Response(StaffRegistrationSerializer(registration).data)

    @extend_schema(request=ReasonSerializer, responses=StaffRegistrationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        registration = self._pending(pk)
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        staff_registration.reject_staff(actor=request.user, registration=registration,
                                        reason=data.validated_data["reason"])
        registration.refresh_from_db()
        return Response(StaffRegistrationSerializer(registration).data)


class MoveCreateSerializer(serializers.Serializer):
    national_id = serializers.CharField(max_length=20)
    to_organization = serializers.IntegerField()
    reason = serializers.CharField(max_length=500)


class MoveSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.full_name_th")
    from_organization_name = serializers.CharField(source="from_organization.name")
    to_organization_name = serializers.CharField(source="to_organization.name")

    class Meta:
        model = MoveRequest
        fields = ["id", "person_name", "from_organization", "from_organization_name",
                  "to_organization", "to_organization_name", "reason", "status",
                  "requested_at", "decided_at", "decision_reason"]


class MoveViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Roster moves (ขอย้ายข้อมูล): requests into or out of the units the caller works on."""

    serializer_class = MoveSerializer

    def get_queryset(self):
        reach = scoping.reach(self.request.user, Access.WORK)
        if reach.nothing:
            return MoveRequest.objects.none()
        return MoveRequest.objects.filter(
            reach.q("from_organization") | reach.q("to_organization")
        ).select_related("person", "from_organization", "to_organization").order_by(
            "-requested_at", "-id")

    @extend_schema(request=MoveCreateSerializer, responses={201: MoveSerializer})
    def create(self, request, *args, **kwargs):
        data = MoveCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        org = scoping.organizations(request.user, Access.WORK).filter(
            pk=data.validated_data["to_organization"]).first()
        if org is None:
            raise NotFound(_("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        move = services.request_move(actor=request.user,
                                     national_id_number=data.validated_data["national_id"],
                                     to_organization=org, reason=data.validated_data["reason"])
        return Response(MoveSerializer(move).data, status=status.HTTP_201_CREATED)

    def _incoming(self, pk) -> MoveRequest:
        reach = scoping.reach(self.request.user, Access.WORK)
        move = (MoveRequest.objects.filter(reach.q("from_organization"), pk=pk,
                                           status=MoveStatus.PENDING).first()
                if not reach.nothing else None)
        if move is None:
            raise NotFound(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        return move

    @extend_schema(request=None, responses=MoveSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        move = services.decide_move(actor=request.user, move=self._incoming(pk),
                                    accept=True)
        return Response(MoveSerializer(move).data)

    @extend_schema(request=ReasonSerializer, responses=MoveSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        data = ReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        move = services.decide_move(actor=request.user, move=self._incoming(pk),
                                    accept=False, reason=data.validated_data["reason"])
        return Response(MoveSerializer(move).data)


