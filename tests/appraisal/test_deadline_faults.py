"""Deadline-day faults: Redis down or hung (the cache, the broker), a worker that died mid-check,
and an upload that fails after the teacher already had a valid file."""

import datetime
import time

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.rules import Role
from appraisal import tasks
from appraisal.choices import EvidenceSlot, FileState, MediaKind
from appraisal.models import EvidenceFile
from appraisal.services import evidence
from appraisal.services.media import MediaInfo
from tests.appraisal.media_factory import make_application, pdf_bytes, stored_file
from tests.appraisal.test_uploads import create, patch

pytestmark = pytest.mark.django_db


def redis_cache(settings, url):
    settings.CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache", "LOCATION": url, "KEY_PREFIX": "dlep",
        "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 0.25,
                    "SOCKET_TIMEOUT": 0.25}}}


def _fresh_pools(app) -> None:
    from kombu import pools

    app._pool = None
    app.amqp._producer_pool = None
    pools.reset()


def broker_at(settings, url):
    from dlep.celery import app

    settings.CELERY_BROKER_URL = url
    app.conf.broker_url = url
    app.conf.broker_transport_options = {"socket_connect_timeout": 1, "socket_timeout": 1,
                                         "max_retries": 0}
    app.conf.broker_connection_timeout = 1
    _fresh_pools(app)


@pytest.fixture
def broker_restored(settings):
    from dlep.celery import app

    before = (app.conf.broker_url, app.conf.broker_transport_options,
              app.conf.broker_connection_timeout)
    yield
    app.conf.broker_url, app.conf.broker_transport_options, \
        app.conf.broker_connection_timeout = before
    _fresh_pools(app)


@pytest.mark.parametrize("where", ["down", "hung"])
def test_pages_answer_when_the_cache_is_away(world, settings, where, hung_port):
    redis_cache(settings, "redis://127.0.0.1:1/0" if where == "down"
                else f"redis://127.0.0.1:{hung_port}/0")
    teacher, office = Client(), Client()
    teacher.force_login(world.a.person.user)
    office.force_login(world.a.users[Role.LAO_ADMIN])
    for client, name in ((teacher, "dashboard"), (office, "dashboard"),
                         (office, "office_queue")):
        started = time.monotonic()
        assert client.get(reverse(name)).status_code == 200, name
        assert time.monotonic() - started < 10


def test_an_upload_while_the_broker_is_down_waits_and_is_queued_when_it_is_back(
        world, settings, tmp_path, broker_restored, django_capture_on_commit_callbacks,
        monkeypatch):
    settings.EVIDENCE_UPLOAD_DIR = tmp_path / "uploads"
    application = make_application(world.a)
    good = stored_file(application, state=FileState.VALID, media_kind=MediaKind.PDF, pages=2,
                       data=pdf_bytes(2))
    teacher = Client()
    teacher.force_login(world.a.person.user)
    broker_at(settings, "redis://127.0.0.1:1/0")  # nothing listens there
    data = pdf_bytes(3)
    url = create(teacher, application, len(data))["Location"]
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        r = patch(teacher, url, 0, data)
    assert r.status_code == 204, r.content  # the teacher's upload is done, not a 500
    assert time.monotonic() - started < 5
    new = EvidenceFile.all_files.exclude(pk=good.pk).get()
    assert (new.state, new.queued_at, new.replaces_id) == (FileState.WAITING, None, good.pk)
    # the valid file stays the application's until the new one has passed its check
    assert list(application.files.all()) == [good]
    assert good.file.storage.exists(good.file.name)

    # the broker is back: the beat task queues the waiting check
    queued = []
    monkeypatch.setattr(tasks.validate_evidence, "apply_async",
                        lambda args, **kw: queued.append(args[0]))
    EvidenceFile.all_files.filter(pk=new.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(seconds=11))
    assert tasks.requeue_stuck_checks() == 1
    assert queued == [new.pk]
    new.refresh_from_db()
    assert new.queued_at is not None
    assert tasks.requeue_stuck_checks() == 0  # queued once

    # its check passes: it takes the place of the old file, which is deleted
    evidence.begin_check(new.pk)
    with django_capture_on_commit_callbacks(execute=True):
        evidence.finish_check(new.pk, MediaInfo(media_kind=MediaKind.PDF,
                                                content_type="application/pdf", pages=3))
    assert list(application.files.values_list("pk", "state", "pages")) == [
        (new.pk, FileState.VALID, 3)]
    assert not EvidenceFile.all_files.filter(pk=good.pk).exists()
    assert not good.file.storage.exists(good.file.name)


def test_a_replacement_that_fails_leaves_the_valid_file_in_place(world, eager,
                                                                 django_capture_on_commit_callbacks):
    application = make_application(world.a)
    good = stored_file(application, state=FileState.VALID, media_kind=MediaKind.PDF, pages=2)
    new = stored_file(application, state=FileState.WAITING, media_kind="", replaces=good,
                      data=b"MZ not a pdf")
    evidence.begin_check(new.pk)
    evidence.finish_check(new.pk, MediaInfo(problem="เสีย", decisive=True))
    new.refresh_from_db()
    assert new.state == FileState.REJECTED
    assert list(application.files.all()) == [good]
    teacher = Client()
    teacher.force_login(world.a.person.user)
    state = teacher.get(reverse("evidence_state", args=[application.pk])).json()
    assert state["files"][0]["id"] == good.pk
    assert state["files"][0]["replacement"]["state"] == "rejected"
    # the teacher may take the failed one away; the valid one stays
    with django_capture_on_commit_callbacks(execute=True):
        teacher.post(reverse("evidence_remove", args=[new.pk]))
    assert list(EvidenceFile.all_files.values_list("pk", flat=True)) == [good.pk]


def test_a_check_whose_worker_died_is_queued_again_within_two_minutes(world, settings):
    application = make_application(world.a)
    now = timezone.now()
    lost_after = settings.EVIDENCE_CHECK_LOST_SECONDS
    assert lost_after + settings.EVIDENCE_REQUEUE_EVERY_SECONDS < 120
    dead = stored_file(application, state=FileState.CHECKING, media_kind="", attempts=1,
                       check_started_at=now - datetime.timedelta(seconds=lost_after + 5),
                       heartbeat_at=now - datetime.timedelta(seconds=lost_after + 1),
                       details={"task_id": "died"})
    alive = stored_file(application, EvidenceSlot.OUTCOME, state=FileState.CHECKING,
                        media_kind="", attempts=1, details={"task_id": "alive"},
                        check_started_at=now - datetime.timedelta(minutes=10),
                        heartbeat_at=now - datetime.timedelta(seconds=lost_after - 5))
    assert evidence.stuck_file_ids(now) == [dead.pk]
    # the new task takes over a check whose heartbeat stopped, not a live one
    assert evidence.begin_check(alive.pk, "another") is None
    taken = evidence.begin_check(dead.pk, "another")
    assert (taken.state, taken.attempts, taken.details["task_id"]) == (
        FileState.CHECKING, 2, "another")


@pytest.mark.django_db(transaction=True)
def test_the_worker_writes_a_heartbeat_while_it_checks(settings):
    from tests.factories import build_world

    world = build_world()
    settings.EVIDENCE_CHECK_HEARTBEAT_SECONDS = 0.05
    application = make_application(world.a)
    file = stored_file(application, state=FileState.CHECKING, media_kind="",
                       heartbeat_at=timezone.now() - datetime.timedelta(minutes=5),
                       details={"task_id": "t1"})
    before = file.heartbeat_at
    with tasks.heartbeat(file.pk, "t1"):
        time.sleep(0.3)
    file.refresh_from_db()
    assert file.heartbeat_at > before + datetime.timedelta(minutes=4)


@pytest.mark.django_db(transaction=True)
def test_a_page_that_needs_the_queue_answers_a_thai_503(settings, broker_restored):
    from accounts.models import IssuingJob, JobStatus
    from tests.factories import build_world

    world = build_world()
    broker_at(settings, "redis://127.0.0.1:1/0")
    admin = Client()
    admin.force_login(world.dla_admin)
    r = admin.post(reverse("issuing_start"), {"organization": world.a.lao.pk})
    assert r.status_code == 503
    assert "ระบบคิวงานขัดข้อง" in r.content.decode()
    # the job is not left "queued" forever (which would refuse starting it again)
    assert IssuingJob.objects.get().status == JobStatus.FAILED
