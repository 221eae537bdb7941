"""``GET /healthz``: is the database there, is the broker there. 200 when both are, 503 if not.

It answers within ``HEALTH_TIMEOUT_SECONDS`` whatever the services do: a Redis that accepts
connections and never answers (a hung or stopped server) would otherwise hold the request until
the web worker is killed. Each check runs with its own socket timeouts, and the whole answer
waits for them no longer than the deadline (a check still running then counts as down).
"""

import logging
from concurrent.futures import ThreadPoolExecutor, TimeoutError, wait

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu import Connection

log = logging.getLogger(__name__)

HEALTH_TIMEOUT_SECONDS = 1.5
# A few threads for the broker checks of all requests: a hung broker ties up at most these.
_pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="healthz")


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "down"
        log.warning("health: database down: %s", exc.__class__.__name__)
        return "down"
    return "ok"


def _ping_broker() -> str:
    url = settings.CELERY_BROKER_URL
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    if url.startswith(("redis://", "rediss://")):
        # kombu's connect_timeout bounds the connection only; a hung server is caught by the
        # socket timeout of the ping itself.
        options.update(socket_connect_timeout=1, socket_timeout=1, max_retries=0,
                       interval_start=0)
        with Connection(url, connect_timeout=1, transport_options=options) as conn:
            conn.default_channel.client.ping()
        return "ok"
    with Connection(url, transport_options=options, connect_timeout=1) as conn:
        conn.ensure_connection(max_retries=1, timeout=1)
    return "ok"


def _ping_broker_logged() -> str:
    try:
        return _ping_broker()
    except Exception as exc:  # refused, timed out, unknown host: all "down"
        log.warning("health: broker down: %s", exc.__class__.__name__)
        return "down"


def check_broker(timeout: float = HEALTH_TIMEOUT_SECONDS) -> str:
    future = _pool.submit(_ping_broker_logged)
    done, _pending = wait([future], timeout=timeout)
    if not done:
        log.warning("health: broker did not answer within %.1f s", timeout)
        return "down"
    try:
        return future.result(timeout=0)
    except TimeoutError:
        return "down"


@never_cache
@require_GET
def healthz(request):
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "down", **checks}, status=200 if healthy else 503
    )
