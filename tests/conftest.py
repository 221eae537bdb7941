import sys

import pytest

from tests.factories import PASSWORD, build_world


@pytest.fixture(autouse=True)
def _thai_and_fast(settings, tmp_path):
    settings.LANGUAGE_CODE = "th"
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads of one test never meet another's
    # Hashing with the production hasher costs ~0.3 s a user; tests make hundreds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests log admins in with force_login, which passes no second factor; the two-factor
    # requirement is tested with it switched back on (tests/accounts/test_security.py, which
    # also walks every route as an unverified admin).
    settings.TWO_FACTOR_REQUIRED_ROLES = []
    # Public registration is limited per address (accounts/throttling.py); the test client's
    # address starts each test with no requests counted.
    from django.core.cache import cache

    cache.delete("throttle_registration_127.0.0.1")


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def nothing_kept():
    """The test starts and ends with an empty cache: no dashboard counts, nothing kept between
    visits (core/kept.py)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def eager():
    """Celery tasks run at once, in this process, and their errors propagate (no broker)."""
    from dlep.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


@pytest.fixture
def login(client):
    """Log ``user`` into the test client (through the real login form's backend)."""

    def _login(user):
        assert client.login(username=user.username, password=PASSWORD)
        return client

    return _login


# SQLite empties the tables after a transactional test with DELETE (PostgreSQL uses TRUNCATE,
# which row triggers do not see), and the project's triggers refuse to delete what they guard:
# certified applications, their files and checks, submitted score sheets. Before the flush the
# triggers are taken away; the flush's own post_migrate signal puts them back, so the next test
# (and a test that runs the flush itself) meets the database as migrations left it.
_TRIGGERS_AWAY: list[str] = []


def _put_triggers_back(using="default", **kwargs):
    from django.db import connections

    if not _TRIGGERS_AWAY:
        return
    with connections[using].cursor() as cursor:
        for sql in _TRIGGERS_AWAY:
            cursor.execute(sql)
    _TRIGGERS_AWAY.clear()


def pytest_configure(config):
    from django.db.models.signals import post_migrate

    post_migrate.connect(_put_triggers_back, dispatch_uid="tests-put-sqlite-triggers-back")


@pytest.fixture(autouse=True)
def _triggers_away_for_the_flush(request, _django_db_helper):
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or {
        "transactional_db", "live_server"} & set(request.fixturenames)
    from django.db import connection

    if not transactional or connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = cursor.fetchall()
        for name, sql in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')
            _TRIGGERS_AWAY.append(sql)


# Rows that data migrations put in (the ว31/2565 subject areas, the e-learning channels and
# rules, the assessors' rubrics). A transactional test's flush empties them; the next test
# gets them back.
SEED_DATA = (
    ("appraisal.migrations.0002_subject_areas", "add", "appraisal.SubjectArea"),
    ("elearning.migrations.0002_defaults", "add_defaults", "elearning.Channel"),
    ("appraisal.migrations.0005_rubrics_and_sheet_lock", "add_rubrics", "appraisal.Rubric"),
)


@pytest.fixture(autouse=True)
def _seed_data_after_a_flush(request, _django_db_helper):
    if request.node.get_closest_marker("django_db") is None and not {
            "db", "transactional_db", "live_server"} & set(request.fixturenames):
        return
    import importlib

    from django.apps import apps

    for module, function, model in SEED_DATA:
        if not apps.get_model(model).objects.exists():
            getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(scope="session", autouse=True)
def _end_stray_database_sessions(django_db_setup, django_db_blocker):
    """Worker processes of the integration tests connect to the test database; one that is still
    shutting down when the run ends would stop PostgreSQL from dropping it. End such sessions,
    saying which, before the test database is torn down (this fixture depends on the database's
    set-up, so its clean-up runs first)."""
    yield
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid), application_name, backend_start "
            "FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")
        for _ended, name, started in cursor.fetchall():
            sys.stderr.write(
                f"\nended a stray database session: {name or '(no name)'} from {started}\n")


# --- the object store (S3): SeaweedFS from requirements-dev.txt ----------------------------------

def object_storage_required() -> bool:
    import os

    return os.environ.get("CI", "").lower() == "true" or bool(
        os.environ.get("REQUIRE_OBJECT_STORAGE"))


@pytest.fixture(scope="session")
def object_store(tmp_path_factory):
    """One SeaweedFS (``weed mini``) for the session, on free ports, its data in a temporary
    folder. Without the ``weed`` binary the object-storage tests skip, saying how to install
    it; in CI (``CI=true``) or with ``REQUIRE_OBJECT_STORAGE=1`` they fail instead."""
    from bench import objectstore as store

    try:
        started = store.start(tmp_path_factory.mktemp("seaweedfs"))
    except store.ObjectStoreUnavailableError as exc:
        if object_storage_required():
            pytest.fail(f"the object store is required here: {exc}")
        pytest.skip(f"no object store: {exc}")
    yield started
    store.stop(started.process)


@pytest.fixture
def s3(object_store, settings):
    """The portal's evidence in the object store for this test (settings as a deployment sets
    them: AWS_STORAGE_BUCKET_NAME and its companions); the bucket lets the test's origin PUT."""
    from core import objectstore

    for name, value in object_store.env.items():
        setattr(settings, name, value)
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": object_store.env["AWS_STORAGE_BUCKET_NAME"],
                    "endpoint_url": object_store.endpoint,
                    "access_key": object_store.env["AWS_ACCESS_KEY_ID"],
                    "secret_key": object_store.env["AWS_SECRET_ACCESS_KEY"],
                    "region_name": object_store.env["AWS_S3_REGION_NAME"],
                    "default_acl": None, "querystring_auth": True, "file_overwrite": False,
                    "signature_version": "s3v4", "addressing_style": "path"}}}
    objectstore._client.cache_clear()
    yield object_store
    objectstore._client.cache_clear()


@pytest.fixture
def hung_port():
    """A TCP listener that accepts and never answers: a hung (or SIGSTOPped) Redis."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for sock in held:
        sock.close()
    listener.close()
