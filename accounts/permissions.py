from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import IsAuthenticated


class IsAuthenticatedWithCurrentPassword(IsAuthenticated):
    """Logged in, and not holding a one-time password that must be changed first."""

    message = _("กรุณาเข้าสู่ระบบ และเปลี่ยนรหัสผ่านชั่วคราวก่อนใช้งาน API")

    def has_permission(self, request, view):
        return super().has_permission(request, view) and not request.user.must_change_password
