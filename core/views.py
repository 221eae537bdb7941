"""Small helpers for the apps' HTML views: a service's refusal shown as messages, and the one
answer for what does not exist or is out of the user's reach."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _


def show_errors(request, error: ValidationError) -> None:
    """Each message of a service's ValidationError on the next page."""
    for message in error.messages:
        messages.error(request, message)


def not_found(message=None) -> Http404:
    """The 404 of an object that does not exist or that the user may not see (one answer for
    both: nobody learns what exists outside their reach)."""
    return Http404(message or _("ไม่พบรายการนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
