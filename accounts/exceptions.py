from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class NotAllowed(PermissionDenied):
    """The acting user may not do this. Views turn it into 403 (or 404 where the object is
    outside the user's reach: see ``scoping``)."""

    default_message = _("คุณไม่มีสิทธิ์ดำเนินการนี้")

    def __init__(self, message=None):
        super().__init__(message or self.default_message)
