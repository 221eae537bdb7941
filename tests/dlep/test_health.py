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
