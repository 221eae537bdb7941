from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _
from guardian.admin import GuardedModelAdminMixin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .forms import NationalIdField
from .models import ApiToken, AuditEvent, Membership, Organization, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organization"]


class AdminUserChangeForm(UserChangeForm):
    national_id = NationalIdField(required=False)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = AdminUserChangeForm
    list_display = ["username", "full_name_th", "masked_national_id", "email", "is_active"]
    search_fields = ["username", "first_name", "last_name", "first_name_en", "last_name_en",
                     "email"]
    fieldsets = [
        (None, {"fields": ["username", "password", "must_change_password"]}),
        (_("ชื่อ (ภาษาไทย)"), {"fields": ["title_th", "first_name", "last_name"]}),
        (_("ชื่อ (ภาษาอังกฤษ)"), {"fields": ["title_en", "first_name_en", "last_name_en"]}),
        (_("ข้อมูลติดต่อและบัตรประชาชน"), {"fields": ["national_id", "email", "phone"]}),
        (_("สิทธิ์"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("วันที่สำคัญ"), {"fields": ["last_login", "date_joined"]}),
    ]
    inlines = [MembershipInline]

    @admin.display(description=_("เลขประจำตัวประชาชน"))
    def masked_national_id(self, obj):
        return obj.masked_national_id


@admin.register(Organization)
class OrganizationAdmin(GuardedModelAdminMixin, TreeAdmin):
    form = movenodeform_factory(Organization)
    list_display = ["name", "code", "kind", "lao_type", "school_type", "is_active"]
    list_filter = ["kind", "lao_type", "school_type"]
    search_fields = ["name", "code", "name_en"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "is_active"]
    list_filter = ["role", "is_active"]
    autocomplete_fields = ["user", "organization"]
    list_select_related = ["user", "organization"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "action", "actor", "organization", "target_type", "target_id"]
    list_filter = ["action"]
    list_select_related = ["actor", "organization"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens: a superuser sees and deletes them (revokes); only their hash is stored, and
    tokens are issued by logging in through the API, never here."""

    list_display = ["user", "created", "last_used", "expiry", "second_factor"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    fields = ["user", "created", "last_used", "expiry", "second_factor", "user_agent"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
