"""API of school-admin registration (ว22/2565), over the same services as the pages: anyone may
send a request (multipart, with the delegation PDF); the supervising admins list the pending
requests in their scope and approve or reject them. A request outside the caller's scope is a
404, the same answer as one that does not exist."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from . import registration
from .models import Organization, RegistrantPosition, SchoolAdminRegistration
from .rules import OrgKind
from .throttling import PublicCreateMixin


class SchoolAdminRegistrationCreateSerializer(serializers.Serializer):
    school = serializers.IntegerField(label=_("สถานศึกษา (id)"))
    title_th = serializers.CharField(max_length=50, label=_("คำนำหน้าชื่อ"))
    first_name = serializers.CharField(max_length=150, label=_("ชื่อ"))
    last_name = serializers.CharField(max_length=150, label=_("นามสกุล"))
    position = serializers.ChoiceField(choices=RegistrantPosition.choices, label=_("ตำแหน่ง"))
    acting_director_elsewhere = serializers.BooleanField(
        required=False, default=False, label=_("เป็นผู้อำนวยการที่รักษาการในสถานศึกษาอื่น"))
    email = serializers.EmailField(label=_("อีเมล"))
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="",
                                  label=_("โทรศัพท์"))
    delegation = serializers.FileField(
        required=False, allow_null=True, default=None,
        label=_("หนังสือมอบหมาย (PDF ไม่เกิน 10 MB)"),
        help_text=_("จำเป็นเมื่อผู้ลงทะเบียนไม่ใช่ผู้อำนวยการ หรือเป็นผู้อำนวยการที่รักษาการ"),
    )


class SchoolAdminRegistrationReceiptSerializer(serializers.ModelSerializer):
    """What the public caller gets back: their own request, nothing of anyone else."""

    school_name = serializers.CharField(source="school.name", read_only=True)

    class Meta:
        model = SchoolAdminRegistration
        fields = ["id", "school", "school_name", "status", "created_at"]


class SchoolAdminRegistrationSerializer(serializers.ModelSerializer):
    school_code = serializers.CharField(source="school.code", read_only=True)
    school_name = serializers.CharField(source="school.name", read_only=True)
    lao_name = serializers.CharField(read_only=True, allow_null=True)
    position_display = serializers.CharField(source="get_position_display", read_only=True)
    has_delegation = serializers.SerializerMethodField()
    current_admin_username = serializers.CharField(read_only=True, allow_null=True)
    reason = serializers.CharField(source="decision_reason", read_only=True)

    class Meta:
        model = SchoolAdminRegistration
        fields = ["id", "school", "school_code", "school_name", "lao_name", "title_th",
                  "first_name", "last_name", "position", "position_display",
                  "acting_director_elsewhere", "email", "phone", "has_delegation",
                  "current_admin_username", "status", "reason", "created_at", "decided_at"]

    def get_has_delegation(self, obj) -> bool:
        return bool(obj.delegation)


class ApproveSerializer(serializers.Serializer):
    revoke_reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, default="",
        label=_("เหตุผลการเพิกถอนผู้ดูแลเดิม"),
        help_text=_("จำเป็นเมื่อสถานศึกษามีผู้ดูแลอยู่แล้ว"),
    )


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="",
                                   label=_("เหตุผลที่ไม่อนุมัติ"))


class SchoolAdminRegistrationViewSet(PublicCreateMixin, mixins.ListModelMixin,
                                     mixins.CreateModelMixin, viewsets.GenericViewSet):
    """School-admin requests (ว22/2565): anyone may send one; the LAO education admin of the
    school, or anyone who administers above it, lists the pending ones and decides."""

    serializer_class = SchoolAdminRegistrationSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return registration.requests_for(self.request.user)

    def _pending(self, pk) -> SchoolAdminRegistration:
        found = self.get_queryset().filter(pk=pk).first()
        if found is None:
            raise NotFound(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์พิจารณา"))
        return found

    def _fresh(self, pk) -> SchoolAdminRegistration:
        return registration.requests_for(self.request.user, status=None).get(pk=pk)

    @extend_schema(request={"multipart/form-data": SchoolAdminRegistrationCreateSerializer},
                   responses={201: SchoolAdminRegistrationReceiptSerializer}, auth=[])
    def create(self, request, *args, **kwargs):
        """Send a request to become a school's admin (public)."""
        data = SchoolAdminRegistrationCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        school = Organization.objects.filter(pk=fields.pop("school"), kind=OrgKind.SCHOOL,
                                             is_active=True).first()
        if school is None:
            raise ValidationError({"school": [_("ไม่พบสถานศึกษานี้")]})
        created = registration.register_school_admin(school=school, **fields)
        return Response(SchoolAdminRegistrationReceiptSerializer(created).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=ApproveSerializer, responses=SchoolAdminRegistrationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve: the account is created and the set-password link emailed. When the school
        has an admin, ``revoke_reason`` is required and the old admin is revoked."""
        pending = self._pending(pk)
        data = ApproveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration.approve_school_admin(actor=request.user, registration=pending,
                                          revoke_reason=data.validated_data["revoke_reason"])
        return Response(SchoolAdminRegistrationSerializer(self._fresh(pending.pk)).data)

    @extend_schema(request=RejectSerializer, responses=SchoolAdminRegistrationSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject with a reason (required); the registrant is told by email."""
        pending = self._pending(pk)
        data = RejectSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration.reject_school_admin(actor=request.user, registration=pending,
                                         reason=data.validated_data["reason"])
        return Response(SchoolAdminRegistrationSerializer(self._fresh(pending.pk)).data)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"], url_path="resend-link")
    def resend_link(self, request, pk=None):
        """Send a new set-password link to an approved admin who has not set a password yet."""
        found = registration.awaiting_password_for(request.user).filter(pk=pk).first()
        if found is None:
            raise NotFound(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์พิจารณา"))
        registration.resend_set_password_link(actor=request.user, registration=found)
        return Response(status=status.HTTP_204_NO_CONTENT)
