"""Rate limits of the public API (DRF throttling, counted in the shared cache)."""

import math

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from rest_framework import exceptions
from rest_framework.permissions import AllowAny
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from . import security


class AddressThrottle(ScopedRateThrottle):
    """``ScopedRateThrottle`` by the client's address as the login lockout sees it
    (``security.client_ip``: behind the TLS proxy, the address the proxy appended, which a client
    cannot forge). Rates: ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``, read at each request."""

    @property
    def THROTTLE_RATES(self):  # noqa: N802 (DRF's name)
        return api_settings.DEFAULT_THROTTLE_RATES

    def get_ident(self, request):
        return security.client_ip(request) or "unknown"


class Throttled(exceptions.Throttled):
    """429 with a Thai message and ``Retry-After``."""

    default_detail = _("ส่งคำขอบ่อยเกินไป")

    def __init__(self, wait=None):
        minutes = max(1, -(-int(wait or 0) // 60))
        super().__init__(wait=None, detail=ngettext(
            "ส่งคำขอบ่อยเกินไป กรุณารอประมาณ %(minutes)d นาทีแล้วลองใหม่",
            "ส่งคำขอบ่อยเกินไป กรุณารอประมาณ %(minutes)d นาทีแล้วลองใหม่",
            minutes) % {"minutes": minutes})
        self.wait = math.ceil(wait) if wait else None


class PublicCreateMixin:
    """For a viewset whose ``create`` is open to anyone (a public registration): anyone may
    create, limited per address (``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["registration"]``,
    a Thai 429); every other action keeps the viewset's permissions and throttles."""

    throttle_scope = "registration"

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]
        return super().get_permissions()

    def get_throttles(self):
        if self.action == "create":
            return [AddressThrottle()]
        return super().get_throttles()

    def throttled(self, request, wait):
        raise Throttled(wait)
