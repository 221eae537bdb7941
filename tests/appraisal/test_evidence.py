"""The evidence services (appraisal.evidence) and the check task (appraisal.tasks), through their
public functions: uploads, replacing, removing, the states of a check, the outcome mix, lost
checks picked up again (RULES §4.4)."""

import datetime
import io
import socket

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.exceptions import NotAllowed
from accounts.models import AuditEvent
from accounts.rules import Role
from appraisal import tasks
from appraisal.choices import ApplicationState, EvidenceSlot, FileState, MediaKind
from appraisal.models import EvidenceFile, Upload
from appraisal.services import evidence, media
from dlep.celery import app as celery_app
from tests.appraisal.media_factory import (
    executable_bytes,
    image_bytes,
    make_application,
    pdf_bytes,
    stored_file,
    truncated,
    video_bytes,
)


@pytest.fixture(autouse=True)
def _uploads_here(settings, tmp_path):
    settings.EVIDENCE_UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def application(world):
    return make_application(world.a)


@pytest.fixture
def applicant(world):
    return world.a.person.user


def upload(application, actor, slot, data: bytes, *, position=1, name="file.bin", caption="",
           chunks=1):
    """Start an upload and send it in ``chunks`` pieces through the services."""
    started = evidence.start_upload(application, slot=slot, position=position, filename=name,
                                    length=len(data), caption=caption, actor=actor)
    step = -(-len(data) // chunks)
    made = None
    for offset in range(0, len(data), step):
        started, made = evidence.append_to_upload(
            Upload.objects.get(pk=started.pk), offset=offset,
            stream=io.BytesIO(data[offset:offset + step]), actor=actor)
    return made


def checked(application, actor, slot, data, capture, **kw) -> EvidenceFile:
    """Upload, then run what was queued after commit (the check, eagerly)."""
    with capture(execute=True):
        made = upload(application, actor, slot, data, **kw)
    made.refresh_from_db()
    return made


# --- starting an upload ---------------------------------------------------------------------------

def test_only_the_applicant_uploads_and_only_while_editable(world, application, applicant):
    school_admin = world.a.users[Role.SCHOOL_ADMIN]
    with pytest.raises(NotAllowed, match="เฉพาะผู้ขอ"):
        evidence.start_upload(application, slot=EvidenceSlot.LESSON_PLAN, position=1,
                              filename="plan.pdf", length=100, actor=school_admin)
    application.state = ApplicationState.SUBMITTED
    application.save()
    with pytest.raises(NotAllowed, match="แก้ไขไฟล์หลักฐานไม่ได้"):
        evidence.start_upload(application, slot=EvidenceSlot.LESSON_PLAN, position=1,
                              filename="plan.pdf", length=100, actor=applicant)
    application.state = ApplicationState.RETURNED
    application.save()
    made = evidence.start_upload(application, slot=EvidenceSlot.LESSON_PLAN, position=1,
                                 filename="C:\\Users\\kru\\plan.pdf", length=100,
                                 actor=applicant)
    assert made.filename == "plan.pdf"
    assert AuditEvent.objects.filter(action="appraisal.evidence.upload_start").count() == 1


@pytest.mark.parametrize(("slot", "position", "message"), [
    (EvidenceSlot.OUTCOME, 4, "ลำดับไฟล์"),
    (EvidenceSlot.LESSON_PLAN, 2, "ลำดับไฟล์"),
    ("anything", 1, "ไม่รู้จัก"),
    (EvidenceSlot.SHORTEN_EVIDENCE, 1, "ไม่ได้ขอลดระยะเวลา"),
])
def test_slots_and_positions_are_validated(application, applicant, slot, position, message):
    with pytest.raises(ValidationError, match=message):
        evidence.start_upload(application, slot=slot, position=position, filename="x.pdf",
                              length=10, actor=applicant)


def test_size_limits_are_checked_before_a_byte_is_sent(application, applicant, settings):
    settings.EVIDENCE_MAX_DOCUMENT_BYTES = 100 * 1024**2
    settings.EVIDENCE_MAX_VIDEO_BYTES = 5 * 1024**3
    # a 2 GB teaching video is fine; a 2 GB lesson plan is not
    evidence.start_upload(application, slot=EvidenceSlot.TEACHING_VIDEO, position=1,
                          filename="hour.mp4", length=2 * 1024**3, actor=applicant)
    with pytest.raises(ValidationError, match="ใหญ่เกินกำหนด") as error:
        evidence.start_upload(application, slot=EvidenceSlot.LESSON_PLAN, position=1,
                              filename="plan.pdf", length=2 * 1024**3, actor=applicant)
    assert error.value.code == "too_large"
    with pytest.raises(ValidationError, match="ใหญ่เกินกำหนด"):
        evidence.start_upload(application, slot=EvidenceSlot.TEACHING_VIDEO, position=1,
                              filename="huge.mp4", length=5 * 1024**3 + 1, actor=applicant)


# --- upload → check → state -----------------------------------------------------------------------

def test_an_uploaded_file_waits_then_is_checked_valid(application, applicant, eager,
                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as queued:
        made = upload(application, applicant, EvidenceSlot.LESSON_PLAN, pdf_bytes(12),
                      name="แผน.pdf", chunks=3)
    assert made.state == FileState.WAITING
    assert made.original_name == "แผน.pdf"
    assert len(queued) == 1  # the check is queued only after commit
    assert not list((evidence.upload_path(Upload.objects.get()).parent).glob("*.part"))
    for callback in queued:
        callback()
    made.refresh_from_db()
    assert (made.state, made.media_kind, made.pages, made.reason) == (
        FileState.VALID, MediaKind.PDF, 12, "")
    assert made.attempts == 1
    assert made.checked_at is not None
    assert made.details["check"]["virus_scan"] == "not_configured"
    actions = list(AuditEvent.objects.values_list("action", flat=True).order_by("pk"))
    assert actions == ["appraisal.evidence.upload_start", "appraisal.evidence.upload",
                       "appraisal.evidence.check"]


def test_a_renamed_executable_is_rejected_as_not_a_pdf(application, applicant, eager,
                                                      django_capture_on_commit_callbacks):
    made = checked(application, applicant, EvidenceSlot.LESSON_PLAN, executable_bytes(),
                   django_capture_on_commit_callbacks, name="plan.pdf")
    assert made.state == FileState.REJECTED
    assert "ต้องเป็นเอกสาร PDF" in made.reason
    assert "ตรวจจากเนื้อไฟล์" in made.reason
    assert made.content_type == "application/x-executable"


def test_video_lengths_and_a_truncated_video(application, applicant, eager, tmp_path,
                                             django_capture_on_commit_callbacks):
    ten = checked(application, applicant, EvidenceSlot.INSPIRATION_VIDEO,
                  video_bytes(tmp_path, 600), django_capture_on_commit_callbacks)
    assert (ten.state, ten.duration_seconds) == (FileState.VALID, 600.0)
    longer = checked(application, applicant, EvidenceSlot.INSPIRATION_VIDEO,
                     video_bytes(tmp_path, 601), django_capture_on_commit_callbacks)
    assert longer.state == FileState.REJECTED
    assert "10:01" in longer.reason
    cut = checked(application, applicant, EvidenceSlot.TEACHING_VIDEO,
                  truncated(video_bytes(tmp_path, 60, fps=5, size=(64, 48))),
                  django_capture_on_commit_callbacks)
    assert cut.state == FileState.REJECTED
    assert "เสียหาย" in cut.reason or "ไม่สมบูรณ์" in cut.reason


def test_replacing_a_rejected_file_keeps_the_others(application, applicant, eager, tmp_path,
                                                    django_capture_on_commit_callbacks):
    plan = checked(application, applicant, EvidenceSlot.LESSON_PLAN, pdf_bytes(2),
                   django_capture_on_commit_callbacks)
    bad = checked(application, applicant, EvidenceSlot.INSPIRATION_VIDEO,
                  video_bytes(tmp_path, 700), django_capture_on_commit_callbacks)
    assert bad.state == FileState.REJECTED
    old_name = bad.file.name
    storage = bad.file.storage
    assert storage.exists(old_name)
    good = checked(application, applicant, EvidenceSlot.INSPIRATION_VIDEO,
                   video_bytes(tmp_path, 300), django_capture_on_commit_callbacks)
    assert good.state == FileState.VALID
    assert not EvidenceFile.objects.filter(pk=bad.pk).exists()
    assert not storage.exists(old_name)  # deleted after commit
    same = EvidenceFile.objects.get(pk=plan.pk)
    assert (same.state, same.file.name, same.checked_at) == (
        FileState.VALID, plan.file.name, plan.checked_at)
    assert storage.exists(plan.file.name)
    assert application.files.count() == 2
    replaced = AuditEvent.objects.filter(action="appraisal.evidence.upload").order_by("pk").last()
    assert replaced.data["replaced"]["id"] == bad.pk


def test_removing_a_file(world, application, applicant, django_capture_on_commit_callbacks):
    plan = stored_file(application)
    with pytest.raises(NotAllowed):
        evidence.remove_evidence(plan, world.a.users[Role.SCHOOL_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        evidence.remove_evidence(plan, applicant)
    assert not application.files.exists()
    assert not plan.file.storage.exists(plan.file.name)


# --- the outcome mix ------------------------------------------------------------------------------

def test_two_videos_among_the_outcomes_reject_the_second_until_fixed(
        application, applicant, eager, tmp_path, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    first = checked(application, applicant, EvidenceSlot.OUTCOME, video_bytes(tmp_path, 120),
                    capture, position=1)
    picture = checked(application, applicant, EvidenceSlot.OUTCOME, image_bytes("JPEG"),
                      capture, position=2, caption="ผลงานนักเรียน")
    second = checked(application, applicant, EvidenceSlot.OUTCOME, video_bytes(tmp_path, 60),
                     capture, position=3)
    assert first.state == picture.state == FileState.VALID
    assert picture.caption == "ผลงานนักเรียน"
    assert second.state == FileState.REJECTED
    assert "วีดิทัศน์" in second.reason
    assert second.details["file_reason"] == ""
    assert second.details["composition_reason"] == second.reason

    # the first video goes: the second is the only one now and becomes valid again
    with capture(execute=True):
        evidence.remove_evidence(first, applicant)
    second.refresh_from_db()
    assert (second.state, second.reason) == (FileState.VALID, "")
    assert second.details["composition_reason"] == ""


def test_a_file_rejected_for_itself_stays_rejected_when_the_mix_is_fixed(
        application, applicant, eager, tmp_path, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    checked(application, applicant, EvidenceSlot.OUTCOME, video_bytes(tmp_path, 120), capture,
            position=1)
    long = checked(application, applicant, EvidenceSlot.OUTCOME, video_bytes(tmp_path, 900),
                   capture, position=2)
    assert long.state == FileState.REJECTED
    assert "เกินกำหนด" in long.details["file_reason"]
    assert long.details["composition_reason"]
    assert long.reason == long.details["file_reason"]  # its own reason first
    # replacing the first video by a PDF fixes the mix, not the 15-minute video
    checked(application, applicant, EvidenceSlot.OUTCOME, pdf_bytes(3), capture, position=1)
    long.refresh_from_db()
    assert long.state == FileState.REJECTED
    assert long.details["composition_reason"] == ""
    assert "เกินกำหนด" in long.reason


# --- lost checks ----------------------------------------------------------------------------------

def test_a_file_left_checking_by_a_dead_worker_is_checked_again(application, applicant, eager):
    lost = stored_file(application, state=FileState.CHECKING, media_kind=MediaKind.UNKNOWN,
                       content_type="", attempts=1,
                       check_started_at=timezone.now() - datetime.timedelta(minutes=31),
                       details={"task_id": "dead-worker-task"})
    fresh = stored_file(application, EvidenceSlot.OUTCOME, state=FileState.CHECKING,
                        media_kind=MediaKind.UNKNOWN, attempts=1,
                        check_started_at=timezone.now(), details={"task_id": "alive"})
    never = stored_file(application, EvidenceSlot.OUTCOME, 2, state=FileState.WAITING,
                        media_kind=MediaKind.UNKNOWN)
    EvidenceFile.objects.filter(pk=never.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(hours=2))
    assert tasks.requeue_stuck_checks() == 2
    lost.refresh_from_db()
    never.refresh_from_db()
    fresh.refresh_from_db()
    assert (lost.state, lost.attempts, lost.pages) == (FileState.VALID, 2, 2)
    assert never.state == FileState.VALID
    assert fresh.state == FileState.CHECKING  # still someone else's
    assert tasks.requeue_stuck_checks() == 0


def test_a_redelivered_task_takes_its_file_over_and_a_duplicate_does_not(application):
    item = stored_file(application, state=FileState.WAITING, media_kind=MediaKind.UNKNOWN)
    assert evidence.begin_check(item.pk, "task-1").state == FileState.CHECKING
    assert evidence.begin_check(item.pk, "task-2") is None  # a duplicate while it runs
    again = evidence.begin_check(item.pk, "task-1")  # the broker delivered it again
    assert (again.state, again.attempts) == (FileState.CHECKING, 2)


def test_a_file_that_kills_every_check_is_given_up(application, settings, eager):
    settings.EVIDENCE_MAX_CHECK_ATTEMPTS = 3
    item = stored_file(application, state=FileState.CHECKING, media_kind=MediaKind.UNKNOWN,
                       attempts=3, details={"task_id": "t"},
                       check_started_at=timezone.now() - datetime.timedelta(hours=1))
    tasks.requeue_stuck_checks()
    item.refresh_from_db()
    assert item.state == FileState.REJECTED
    assert "ไม่สำเร็จ 3 ครั้ง" in item.reason


def test_a_scanner_that_is_down_retries_without_counting(application, settings):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    settings.CLAMAV_URL = f"tcp://127.0.0.1:{port}"  # closed again: nothing listens there
    item = stored_file(application, state=FileState.WAITING, media_kind=MediaKind.UNKNOWN)
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        result = tasks.validate_evidence.apply((item.pk,))
    finally:
        celery_app.conf.task_always_eager = before
    # eagerly, Celery runs the 6 retries at once and then gives up; each released the file,
    # so none counted towards the 3 attempts after which a file is rejected
    assert result.state == "FAILURE"
    assert isinstance(result.result, media.ScannerUnavailableError)
    item.refresh_from_db()
    assert (item.state, item.attempts) == (FileState.WAITING, 0)
    assert item.pk in evidence.stuck_file_ids(timezone.now() + datetime.timedelta(hours=1))
    assert "cannot reach clamd" in item.details["last_error"]


def test_a_decided_file_is_left_alone(application, eager):
    item = stored_file(application, state=FileState.REJECTED, reason="เดิม")
    assert tasks.validate_evidence.delay(item.pk).get() is None
    item.refresh_from_db()
    assert (item.state, item.reason, item.attempts) == (FileState.REJECTED, "เดิม", 0)


def test_a_file_replaced_during_its_check_keeps_the_new_result(
        application, applicant, eager, django_capture_on_commit_callbacks):
    old = stored_file(application, state=FileState.WAITING, media_kind=MediaKind.UNKNOWN)
    assert evidence.begin_check(old.pk, "slow") is not None
    new = checked(application, applicant, EvidenceSlot.LESSON_PLAN, pdf_bytes(4),
                  django_capture_on_commit_callbacks)
    assert new.state == FileState.VALID
    from appraisal.services.media import MediaInfo

    assert evidence.finish_check(old.pk, MediaInfo(media_kind=MediaKind.PDF, pages=1)) is None
    assert EvidenceFile.objects.get().pk == new.pk


def test_a_storage_without_local_paths_is_read_through_the_storage(
        application, applicant, eager, settings, django_capture_on_commit_callbacks):
    settings.STORAGES = {**settings.STORAGES,
                         "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    made = checked(application, applicant, EvidenceSlot.LESSON_PLAN, pdf_bytes(5),
                   django_capture_on_commit_callbacks)
    assert (made.state, made.pages, made.reason) == (FileState.VALID, 5, "")
    assert type(made.file.storage._wrapped).__name__ == "InMemoryStorage"


def test_abandoned_uploads_are_purged(application, applicant, settings):
    started = evidence.start_upload(application, slot=EvidenceSlot.LESSON_PLAN, position=1,
                                    filename="p.pdf", length=100, actor=applicant)
    evidence.append_to_upload(started, offset=0, stream=io.BytesIO(b"x" * 40), actor=applicant)
    part = evidence.upload_path(started)
    assert part.stat().st_size == 40
    assert tasks.purge_abandoned_uploads() == 0
    Upload.objects.filter(pk=started.pk).update(
        updated_at=timezone.now() - datetime.timedelta(hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS
                                                       + 1))
    assert tasks.purge_abandoned_uploads() == 1
    assert not part.exists()
    assert not Upload.objects.exists()
