"""Celery work of appraisal: the check of evidence files (RULES §4.4), and the beat work of the
assessment (seed 004 steps 4–5).

Every task's name is pinned (``name=``): beat schedules (dlep/settings.py) and messages already
in a queue name tasks by these strings, which must not follow the module when it moves.

``validate_evidence`` is idempotent (a decided file is left alone) and acknowledged only after it
has run (``acks_late``); when the worker process dies mid-check the broker delivers it again
(``reject_on_worker_lost``) and the same task takes the file over. While it checks, a thread
writes the file's heartbeat. Whatever the broker loses, ``requeue_stuck_checks`` (Celery beat,
every ``EVIDENCE_REQUEUE_EVERY_SECONDS``) queues again: checks whose heartbeat stopped (a dead
worker: redone within 2 minutes), files that never reached the broker (it was down when they
were uploaded) and files WAITING for longer than ``EVIDENCE_CHECK_TIMEOUT_MINUTES``.

A file in the object store is read where it is, by ranged GETs (``media.Source``), never
copied whole to the worker's disk or memory.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import threading
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError
from celery import shared_task
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.utils import timezone

from appraisal.services import evidence, invitations, media, scoring
from core.middleware import queue_errors

logger = logging.getLogger(__name__)

# Transient: the scanner, the storage or the database is briefly away. Retried with backoff.
TRANSIENT = (media.ScannerUnavailableError, OSError, OperationalError, BotoCoreError)


def queue_check(file_id: int) -> bool:
    """Queue the check of one file, on ``EVIDENCE_CHECK_QUEUE`` when set (a deployment can give
    long video checks workers of their own), else on Celery's default queue. False when the
    broker is away (it fails fast: dlep/settings.py): the file waits, and the beat task queues
    it once the broker is back."""
    options = {"queue": settings.EVIDENCE_CHECK_QUEUE} if settings.EVIDENCE_CHECK_QUEUE else {}
    try:
        validate_evidence.apply_async((file_id,), retry=False, **options)
    except queue_errors() as exc:
        logger.warning("evidence check %s not queued (broker unavailable: %s); it waits",
                       file_id, type(exc).__name__)
        return False
    return True


def media_source(field_file) -> media.Source:
    """Where the worker reads a stored file: its path on FileSystemStorage, else its key in the
    object store (ranged reads). FileNotFoundError when the bytes are not there."""
    storage = field_file.storage
    if isinstance(storage, FileSystemStorage):  # (a lazy default_storage answers too)
        path = storage.path(field_file.name)
        if not Path(path).exists():
            raise FileNotFoundError(field_file.name)
        return media.Source(path=path)
    from core import objectstore

    if not (objectstore.enabled() and hasattr(storage, "bucket_name")):
        if not storage.exists(field_file.name):
            raise FileNotFoundError(field_file.name)
        return media.Source(size=storage.size(field_file.name),
                            opener=lambda: storage.open(field_file.name, "rb"))
    try:
        size = objectstore.client().head_object(Bucket=objectstore.bucket(),
                                                Key=field_file.name)["ContentLength"]
    except ClientError as exc:
        if str(exc.response.get("Error", {}).get("Code")) in ("404", "NoSuchKey", "NotFound"):
            raise FileNotFoundError(field_file.name) from None
        raise
    return media.Source(key=field_file.name, size=size)


@contextlib.contextmanager
def heartbeat(file_id: int, task_id: str | None):
    """Write the file's heartbeat every ``EVIDENCE_CHECK_HEARTBEAT_SECONDS`` while the block
    runs, from a thread of its own (with its own database connection, closed at the end)."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.EVIDENCE_CHECK_HEARTBEAT_SECONDS):
                try:
                    if not evidence.heartbeat(file_id, task_id):
                        return
                except Exception:  # the database briefly away: try at the next beat
                    logger.warning("heartbeat of evidence %s failed", file_id, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"evidence-heartbeat-{file_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


# A check that hangs (a file crafted to make a decoder loop) is killed before the beat task
# would queue it again; the file stays CHECKING, is retried, and is rejected after
# EVIDENCE_MAX_CHECK_ATTEMPTS. (Enforced by the prefork pool, the default.)
CHECK_TIME_LIMIT = max(60, settings.EVIDENCE_CHECK_TIMEOUT_MINUTES * 60 - 60)


@shared_task(name="appraisal.tasks.validate_evidence", bind=True, acks_late=True,
             reject_on_worker_lost=True, autoretry_for=TRANSIENT,
             retry_backoff=30, retry_backoff_max=600, retry_jitter=True, max_retries=6,
             time_limit=CHECK_TIME_LIMIT)
def validate_evidence(self, file_id: int) -> str | None:
    """Check one evidence file: read it (``media.inspect``) and write VALID or REJECTED with a
    Thai reason (``evidence.finish_check``). Returns the state written, or None."""
    task_id = getattr(self.request, "id", None)
    file = evidence.begin_check(file_id, task_id)
    if file is None:
        return None
    started = timezone.now()
    try:
        with heartbeat(file_id, task_id):
            info = media.inspect(media_source(file.file))
    except FileNotFoundError:
        # the row is there but its bytes are not (replaced meanwhile, or lost by the storage)
        if not type(file).objects.filter(pk=file_id, file=file.file.name).exists():
            return None
        info = media.MediaInfo(problem=_missing_reason(), decisive=True)
    except TRANSIENT as exc:
        evidence.release_check(file_id, f"{type(exc).__name__}: {exc}")
        raise
    info.details["check_seconds"] = round((timezone.now() - started).total_seconds(), 2)
    result = evidence.finish_check(file_id, info)
    return result.state if result is not None else None


def _missing_reason() -> str:
    from django.utils.translation import gettext as _

    return _("ไม่พบไฟล์ที่อัปโหลดในที่จัดเก็บ กรุณาอัปโหลดใหม่")


@shared_task(name="appraisal.tasks.requeue_stuck_checks")
def requeue_stuck_checks() -> int:
    """Celery beat: queue again the checks that a dead worker or a lost message left behind."""
    ids = evidence.stuck_file_ids()
    if ids:
        evidence.mark_requeued(ids)
        queued = [file_id for file_id in ids if queue_check(file_id)]
        from appraisal.models import EvidenceFile

        EvidenceFile.all_files.filter(pk__in=queued).update(queued_at=timezone.now())
        logger.warning("requeued %d stuck evidence checks", len(queued))
        return len(queued)
    return 0


@shared_task(name="appraisal.tasks.purge_abandoned_uploads")
def purge_abandoned_uploads() -> int:
    """Celery beat: delete uploads nobody has touched for ``EVIDENCE_UPLOAD_EXPIRY_HOURS`` (tus
    expiration), with their bytes: the part file on the shared disk, or the object store's
    multipart upload (aborted; its age is the portal's own ``updated_at``, not the store's
    listing, whose dates some servers do not keep); and stray part files whose upload row is
    gone. It runs where the data are: the worker sees the object store, and the part files on
    the disk that the web processes share (docker-compose mounts it into the worker)."""
    from appraisal.models import Upload

    cutoff = timezone.now() - datetime.timedelta(hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS)
    old = list(Upload.objects.filter(updated_at__lt=cutoff))
    for upload in old:
        evidence.discard_upload_bytes(upload)
    Upload.objects.filter(pk__in=[u.pk for u in old]).delete()
    folder = Path(settings.EVIDENCE_UPLOAD_DIR)
    if folder.is_dir():
        known = {u.hex for u in Upload.objects.values_list("pk", flat=True)}
        for part in folder.glob("*.part"):
            if part.stem not in known and part.stat().st_mtime < cutoff.timestamp():
                part.unlink(missing_ok=True)
    return len(old)


# --- the assessment: invitations past their reply date time out and their seats are drawn
# again; assessors who have not submitted are reminded. Both idempotent: an invitation is expired
# under its application's row lock and only while still awaiting a reply; a reminder is claimed
# by writing the day first. Scheduled in CELERY_BEAT_SCHEDULE (dlep/settings.py).

@shared_task(name="appraisal.assessment_tasks.expire_invitations",
             autoretry_for=(OperationalError,), retry_backoff=30, max_retries=5)
def expire_invitations() -> int:
    """Time out every invitation past its reply date and draw its seat again."""
    return invitations.expire_invitations()


@shared_task(name="appraisal.assessment_tasks.remind_assessors",
             autoretry_for=(OperationalError,), retry_backoff=30, max_retries=5)
def remind_assessors() -> int:
    """Remind accepted assessors whose scoring date is near or past."""
    return scoring.remind_assessors()
