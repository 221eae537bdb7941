import logging

from django.template.response import TemplateResponse

log = logging.getLogger(__name__)


class ThaiFirstMiddleware:
    """Thai unless the user chose English with the language switch.

    Many Thai officials use browsers set to English; the portal still opens in Thai. The
    switch's cookie (set by ``set_language``) is what changes the language, so this drops the
    browser's Accept-Language header before LocaleMiddleware reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


def queue_errors() -> tuple[type[BaseException], ...]:
    """What publishing a task raises when the broker is down or hung (kombu wraps most; the
    redis client's own errors can escape it)."""
    from kombu.exceptions import OperationalError

    errors: tuple[type[BaseException], ...] = (OperationalError,)
    try:
        import redis.exceptions
    except ImportError:  # pragma: no cover - redis is a requirement
        return errors
    return (*errors, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class QueueUnavailableMiddleware:
    """A page whose work truly needs the task queue (issuing credentials, …) answers a Thai 503
    while the broker is away, instead of a server error. Pages that can do without the queue
    never get here: they keep what they queue in the database for later."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.errors = queue_errors()

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, self.errors):
            return None
        log.warning("task queue unavailable: %s", exception.__class__.__name__)
        response = TemplateResponse(request, "503_queue.html", status=503)
        response["Retry-After"] = "60"
        return response.render()


class QueryTextMiddleware:
    """No NUL and no control character in a query string (the check of every form's and
    serializer's text, core/textinput.py, for what views read from the address themselves: a
    NUL that reaches a query is a 500 on PostgreSQL). A Thai 400 before any view: JSON under
    /api/, text elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.http import HttpResponseBadRequest, JsonResponse

        from core.textinput import FORBIDDEN, MESSAGE

        if any(FORBIDDEN.search(key) or any(FORBIDDEN.search(v) for v in values)
               for key, values in request.GET.lists()):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": str(MESSAGE)}, status=400,
                                    json_dumps_params={"ensure_ascii": False})
            return HttpResponseBadRequest(str(MESSAGE), content_type="text/plain; charset=utf-8")
        return self.get_response(request)
