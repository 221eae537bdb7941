import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_broker(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "database": "ok", "broker": "ok"}


def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json() == {"status": "down", "database": "ok", "broker": "down"}


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    from dlep import health

    class BrokenCursor:
        def __enter__(self):
            raise OperationalError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: BrokenCursor())
    r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json()["database"] == "down"


@pytest.fixture
def hung_server():
    """A TCP listener that accepts connections and never answers (a hung or stopped Redis)."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for sock in accepted:
        sock.close()
    listener.close()


def test_healthz_answers_503_within_2_s_when_redis_hangs(client, settings, hung_server):
    import time

    settings.CELERY_BROKER_URL = f"redis://127.0.0.1:{hung_server}/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {}
    started = time.monotonic()
    r = client.get("/healthz")
    assert time.monotonic() - started < 2
    assert r.status_code == 503
    assert r.json()["broker"] == "down"
