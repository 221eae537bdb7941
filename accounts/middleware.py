from functools import cached_property

from django.shortcuts import redirect
from django.urls import reverse


class ForcePasswordChangeMiddleware:
    """A user whose password was issued by someone else (``must_change_password``) reaches no
    page but the password change (and logout) until they set their own. The API answers 403
    through ``accounts.permissions`` instead."""

    EXEMPT_URL_NAMES = ("password_change", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def exempt_paths(self) -> frozenset[str]:
        return frozenset(reverse(name) for name in self.EXEMPT_URL_NAMES)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and not request.path.startswith(("/api/", "/static/"))
            and request.path not in self.exempt_paths
        ):
            return redirect("password_change")
        return self.get_response(request)
