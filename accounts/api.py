"""DRF API over the same selectors as the HTML pages."""

import django_filters
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_out
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from . import security, selectors, tokens, two_factor
from .exceptions import NotAllowed
from .models import ApiToken, Membership, Organization, User
from .rules import OrgKind


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label=_("ชื่อผู้ใช้"))
    password = serializers.CharField(label=_("รหัสผ่าน"), style={"input_type": "password"},
                                     trim_whitespace=False)
    otp = serializers.CharField(
        label=_("รหัสยืนยันตัวตน"), required=False, allow_blank=True, max_length=20,
        help_text=_("จำเป็นเมื่อบัญชีเปิดใช้การยืนยันตัวตนสองขั้นตอน: ตัวเลข 6 หลักจากแอป "
                    "หรือรหัสสำรอง"),
    )

    def validate(self, attrs):
        request = self.context["request"]
        # The lockout (accounts.security) counts this call like a login on the page.
        user = authenticate(request, username=attrs["username"], password=attrs["password"])
        if user is None:
            if getattr(request, "axes_locked_out", False):
                raise security.LockedOut(request)
            raise serializers.ValidationError(
                _("ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง"), code="authorization"
            )
        attrs["second_factor"] = two_factor.check_token_request(user, attrs.get("otp"))
        attrs["user"] = user
        return attrs


@extend_schema(
    request=TokenRequestSerializer,
    responses=inline_serializer("TokenResponse", {"token": serializers.CharField(),
                                                   "expiry": serializers.DateTimeField()}),
    auth=[],
)
@api_view(["POST"])
@permission_classes([AllowAny])
def obtain_token(request):
    """Exchange a username and password for an API token (``Authorization: Token …``).

    A user who turned on two-factor authentication also sends the current code in ``otp``; a
    user whose role requires it but who has not enrolled yet gets no token (400) until they
    enrol on the web. Failed attempts count towards the login lockout: the fifth failure for one
    username from one address answers 429 with ``Retry-After``, whatever the password.

    Every call issues a new token (only its hash is kept): it stops working at ``expiry``, after
    ``API_TOKEN_IDLE_HOURS`` unused, on ``POST /api/v1/auth/logout/``, and when the password
    changes (accounts/tokens.py)."""
    serializer = TokenRequestSerializer(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    user = serializer.validated_data["user"]
    security.record_token_login(request, user)
    instance, key = tokens.issue(user=user,
                                 second_factor=serializer.validated_data["second_factor"],
                                 user_agent=request.META.get("HTTP_USER_AGENT", ""))
    return Response({"token": key, "expiry": serializers.DateTimeField().to_representation(
        instance.expiry)})


@extend_schema(request=None, responses={204: None})
@api_view(["POST"])
@authentication_classes([tokens.TokenAuthentication])
@permission_classes([IsAuthenticated])
def logout_token(request):
    """Log out the token of this request: it stops working at once."""
    user_logged_out.send(sender=request.user.__class__, request=request, user=request.user)
    return Response(status=status.HTTP_204_NO_CONTENT)


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it: never the token itself, nor its hash."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    ends = serializers.DateTimeField(read_only=True, help_text=_(
        "เวลาที่โทเคนจะหมดอายุ หากไม่ใช้งานต่อ (ไม่เกินเวลาหมดอายุ)"))
    current = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "created", "expiry", "last_used", "ends", "user_agent", "current"]

    def get_current(self, token) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return isinstance(auth, ApiToken) and auth.pk == token.pk


@extend_schema(responses=ApiTokenSerializer(many=True))
@api_view(["GET"])
def my_tokens(request):
    """The caller's working API tokens (created, expiry, last used)."""
    return Response(ApiTokenSerializer(tokens.tokens_of(request.user), many=True,
                                       context={"request": request}).data)


@extend_schema(request=None, responses={204: None})
@api_view(["DELETE"])
def revoke_my_token(request, public_id):
    """Revoke one of the caller's tokens (404 when the caller has no such token)."""
    try:
        tokens.revoke(actor=request.user, public_id=public_id)
    except NotAllowed:
        raise NotFound(_("ไม่พบโทเคนนี้")) from None
    return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizationRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organization
        fields = ["id", "code", "name", "kind"]


class MembershipSerializer(serializers.ModelSerializer):
    organization = OrganizationRefSerializer()
    role_display = serializers.CharField(source="get_role_display")

    class Meta:
        model = Membership
        fields = ["id", "role", "role_display", "position", "organization"]


class MeSerializer(serializers.ModelSerializer):
    memberships = serializers.SerializerMethodField()
    national_id = serializers.CharField(source="masked_national_id")

    class Meta:
        model = User
        fields = [
            "id", "username", "email", "title_th", "first_name", "last_name", "title_en",
            "first_name_en", "last_name_en", "national_id", "phone", "must_change_password",
            "memberships",
        ]

    @extend_schema_field(MembershipSerializer(many=True))
    def get_memberships(self, user):
        return MembershipSerializer(selectors.memberships_of(user), many=True).data


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The logged-in user and the roles they hold. The national ID is masked."""
    return Response(MeSerializer(request.user).data)


class OrganizationSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    lao_type_display = serializers.CharField(source="get_lao_type_display", read_only=True)
    school_type_display = serializers.CharField(source="get_school_type_display", read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id", "code", "name", "name_en", "kind", "kind_display", "lao_type",
            "lao_type_display", "school_type", "school_type_display", "parent", "depth",
            "is_active",
        ]

    def to_representation(self, org):
        """What the fields above give, written out: the generic path costs several times the
        rest of a list request (a signature inspection per callable source, and
        ``get_FOO_display`` hashes every lazy label of its field on every call). The labels are
        translated once per serializer (a list has one child serializer)."""
        labels = self._labels
        return {
            "id": org.id, "code": org.code, "name": org.name, "name_en": org.name_en,
            "kind": org.kind, "kind_display": labels["kind"].get(org.kind, org.kind),
            "lao_type": org.lao_type,
            "lao_type_display": labels["lao_type"].get(org.lao_type, org.lao_type),
            "school_type": org.school_type,
            "school_type_display": labels["school_type"].get(org.school_type,
                                                             org.school_type),
            "parent": org.parent_id, "depth": org.depth, "is_active": org.is_active,
        }

    @cached_property
    def _labels(self) -> dict[str, dict[str, str]]:
        return {name: {value: str(label) for value, label in
                       Organization._meta.get_field(name).flatchoices}
                for name in ("kind", "lao_type", "school_type")}


class OrganizationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices, label=_("ประเภทหน่วยงาน"))
    parent = django_filters.NumberFilter(method="filter_parent", label=_("หน่วยงานแม่ (id)"))
    q = django_filters.CharFilter(method="filter_q", label=_("ค้นหา (ชื่อหรือรหัส)"))

    class Meta:
        model = Organization
        fields = ["kind", "parent", "q"]

    def filter_parent(self, queryset, name, value):
        parent = Organization.objects.filter(pk=value).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)

    def filter_q(self, queryset, name, value):
        return selectors.search_organizations(queryset, value)


class OrganizationViewSet(viewsets.ReadOnlyModelViewSet):
    """Organisations in the caller's reach, paginated, filterable by ``kind`` and ``parent``."""

    serializer_class = OrganizationSerializer
    filterset_class = OrganizationFilter

    def get_queryset(self):
        return selectors.organizations_for(self.request.user)

    def get_object(self):
        try:
            return selectors.organization_for(self.request.user, int(self.kwargs["pk"]))
        except (Organization.DoesNotExist, ValueError):
            raise NotFound(_("ไม่พบหน่วยงานนี้ หรือคุณไม่มีสิทธิ์เข้าถึง")) from None
