"""Shared parts of the integration tests: a database that a worker process can reach too, and
real Celery worker processes on a queue of each test's own.

The broker is the portal's own: kombu's filesystem transport in DLEP_DATA_DIR (the README's
default) or REDIS_URL (CI). A worker gets this process's broker folder, the database URL and
MEDIA_ROOT, and is stopped (terminated, then killed) when its test ends."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def shared_database(django_db_blocker, tmp_path):
    """A DATABASE_URL that this process and a worker process both use (the test is marked
    ``django_db(transaction=True)``: the worker sees committed rows only).

    pytest-django's SQLite test database lives in memory, which no other process can open: on
    SQLite the connection moves to a database file of the test's own for its duration
    (migrated here) and the in-memory one is put back afterwards. On PostgreSQL the test
    database is a real database: its URL."""
    connection = connections["default"]
    if connection.vendor != "sqlite":
        s = connection.settings_dict
        scheme = {"postgresql": "postgres", "mysql": "mysql"}[connection.vendor]
        auth = f"{quote(s['USER'] or '', safe='')}:{quote(s['PASSWORD'] or '', safe='')}@"
        yield f"{scheme}://{auth}{s['HOST'] or ''}:{s['PORT'] or ''}/{s['NAME']}"
        return
    path = tmp_path / "db.sqlite3"
    with django_db_blocker.unblock():
        saved = connection.settings_dict["NAME"], connection.connection
        # Closing an in-memory database destroys it (Django ignores close() for that reason):
        # keep its connection aside, untouched, and open the file instead.
        connection.connection = None
        connection.settings_dict["NAME"] = str(path)
        try:
            call_command("migrate", verbosity=0, interactive=False)
            yield f"sqlite:///{path}"
        finally:
            connection.close()
            connection.settings_dict["NAME"], connection.connection = saved


@pytest.fixture
def celery_worker(settings, tmp_path):
    """``start(prefix, env={...}, beat=False)`` starts ``celery -A dlep worker`` on a new queue
    named ``<prefix>-<random>``, with this process's broker folder and MEDIA_ROOT and the extra
    ``env``; with ``beat`` it embeds Celery beat, whose assessment entries go to the same queue
    (ASSESSMENT_BEAT_QUEUE). Returns (queue, process). Every worker started is stopped when the
    test ends."""
    started = []

    def start(prefix: str, *, env: dict | None = None, beat: bool = False):
        queue = f"{prefix}-{uuid.uuid4().hex[:8]}"
        command = [sys.executable, "-m", "celery", "-A", "dlep", "worker", "-Q", queue,
                   "--pool=solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                   "-l", "WARNING"]
        if beat:
            command[6:6] = ["-B", "-s", str(tmp_path / f"celerybeat-{queue}")]
            env = {"ASSESSMENT_BEAT_QUEUE": queue, **(env or {})}
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, "DLEP_DATA_DIR": str(settings.DATA_DIR),  # the same broker
                 "MEDIA_ROOT": str(settings.MEDIA_ROOT), **(env or {})})
        started.append(process)
        return queue, process

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def web_server(settings):
    """``start(env={...}, workers=1)`` starts the portal as the Docker image serves it
    (gunicorn with uvicorn's ASGI workers) on a free port, with this process's data folder
    (broker, uploads) and MEDIA_ROOT and the extra ``env``; returns (base URL, process). Every
    server started is stopped when the test ends."""
    import time
    import urllib.request

    started = []

    def start(*, env: dict | None = None, workers: int = 1):
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "dlep.asgi:application",
                   "--worker-class", "uvicorn_worker.UvicornWorker", "--bind",
                   f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60",
                   "--log-level", "warning"]
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env={**os.environ, "DLEP_DATA_DIR": str(settings.DATA_DIR),
                 "MEDIA_ROOT": str(settings.MEDIA_ROOT),
                 "EVIDENCE_UPLOAD_DIR": str(settings.EVIDENCE_UPLOAD_DIR),
                 "CONN_MAX_AGE": "0", "CLAMAV_URL": "", **(env or {})})
        started.append(process)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                pytest.fail(f"web server exited: {process.stdout.read().decode(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{base}/login/", timeout=5) as r:  # noqa: S310
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("web server did not answer within 90 s")
            time.sleep(0.3)
        return base, process

    yield start
    for process in started:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()
