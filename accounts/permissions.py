from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import IsAuthenticated

from . import two_factor


class IsAuthenticatedWithCurrentPassword(IsAuthenticated):
    """Logged in, not holding a one-time password that must be changed first, and (in a browser
    session) past the second factor where one is needed."""

    message = _("กรุณาเข้าสู่ระบบ และเปลี่ยนรหัสผ่านชั่วคราวก่อนใช้งาน API")

    def has_permission(self, request, view):
        if not (super().has_permission(request, view) and not request.user.must_change_password):
            return False
        # A browser session still owing its second factor (TwoFactorMiddleware leaves /api/ to
        # this check); a token was only issued with the code (accounts.api.obtain_token).
        if isinstance(request.successful_authenticator, SessionAuthentication) and (
            two_factor.pending(request) is not None
        ):
            self.message = _("กรุณายืนยันตัวตนขั้นที่สองก่อนใช้งาน API")
            return False
        return True
