from functools import cached_property

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from . import security, two_factor


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



class TwoFactorMiddleware:
    """A session that still owes its second factor reaches no page but the two-factor pages
    (set-up, code), logout and the language switch: users who must use two-factor authentication
    (``TWO_FACTOR_REQUIRED_ROLES``) until they enrol and enter a code, users who enrolled of their
    own choice until they enter a code. The password change is let through only while a
    one-time password must be replaced (ForcePasswordChangeMiddleware sends them there first);
    otherwise a password alone would be enough to change the password. The API answers 403
    through ``accounts.permissions`` instead.

    A session found to owe nothing is not asked again for ``SESSION_REFRESH_SECONDS``
    (``two_factor.pending``), so that an ordinary page costs no query for this."""

    EXEMPT_URL_NAMES = ("two_factor_setup", "two_factor_verify", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def exempt_paths(self) -> frozenset[str]:
        return frozenset(reverse(name) for name in self.EXEMPT_URL_NAMES)

    @cached_property
    def password_change_path(self) -> str:
        return reverse("password_change")

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(("/api/", "/static/", "/media/"))
            and request.path not in self.exempt_paths
            and not (request.path == self.password_change_path and user.must_change_password)
        ):
            state = two_factor.pending(request)
            if state is not None:
                target = "two_factor_verify" if state.enrolled else "two_factor_setup"
                url = reverse(target)
                if request.method == "GET":
                    url += "?" + urlencode({"next": request.get_full_path()})
                return redirect(url)
        return self.get_response(request)


class SessionActivityMiddleware:
    """Activity keeps a session alive: a logged-in session is saved again (which moves its
    expiry ``SESSION_COOKIE_AGE`` ahead) once ``SESSION_REFRESH_SECONDS`` have passed since the
    last save. Saving on every request (``SESSION_SAVE_EVERY_REQUEST``) would do the same with a
    database write per page, and on SQLite a write takes the lock for the whole file."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            security.touch_session(request.session)
        return self.get_response(request)
