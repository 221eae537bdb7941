"""One way for the API to say no. The services raise Django's exceptions: ``NotAllowed`` (a
``PermissionDenied``, accounts/exceptions.py) when the actor may not act, ``ValidationError``
with Thai messages when the input is wrong. This handler (REST_FRAMEWORK's EXCEPTION_HANDLER)
turns them into DRF's answers, 403 and 400, keeping the Thai messages, so that API views call
the services directly and never catch what the services raise."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    elif isinstance(exc, DjangoPermissionDenied):
        # DRF's own mapping of PermissionDenied drops the message; the Thai reason stays here
        exc = exceptions.PermissionDenied(str(exc) or None)
    return drf_exception_handler(exc, context)


class Router(DefaultRouter):
    """The API's router: a record's id in a path is a number (``<int:pk>``), so an id that is
    not one answers 404 from the URL resolver instead of reaching a lookup that fails on it (a
    500 where a view or a service reads the id itself). A viewset keyed by something else says
    so with its own ``lookup_value_converter``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, use_regex_path=False, **kwargs)
        self._default_value_pattern = "int"
