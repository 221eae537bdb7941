"""Celery work of appraisal: the check of evidence files (RULES §4.4), and the beat work of the
assessment (seed 004 steps 4–5).

Every task's name is pinned (``name=``): beat schedules (dlep/settings.py) and messages already
in a queue name tasks by these strings, which must not follow the module when it moves.

``validate_evidence`` is idempotent (a decided file is left alone) and acknowledged only after it
has run (``acks_late``); when the worker process dies mid-check the broker delivers it again
(``reject_on_worker_lost``) and the same task takes the file over. Whatever the broker loses,
``requeue_stuck_checks`` (Celery beat, every 5 minutes) queues again: files CHECKING for longer
than ``EVIDENCE_CHECK_TIMEOUT_MINUTES`` and files WAITING that long.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import shutil
import tempfile
from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError
from django.utils import timezone

from appraisal.services import evidence, invitations, media, scoring

logger = logging.getLogger(__name__)

# Transient: the scanner, the storage or the database is briefly away. Retried with backoff.
TRANSIENT = (media.ScannerUnavailableError, OSError, OperationalError)


def queue_check(file_id: int) -> None:
    """Queue the check of one file, on ``EVIDENCE_CHECK_QUEUE`` when set (a deployment can give
    long video checks workers of their own), else on Celery's default queue."""
    options = {"queue": settings.EVIDENCE_CHECK_QUEUE} if settings.EVIDENCE_CHECK_QUEUE else {}
    validate_evidence.apply_async((file_id,), **options)


@contextlib.contextmanager
def local_copy(field_file):
    """A path on local disk to read the stored file from: the file itself on FileSystemStorage,
    else (S3) a temporary copy, streamed down and deleted afterwards."""
    storage = field_file.storage
    if isinstance(storage, FileSystemStorage):  # (a lazy default_storage answers too)
        path = storage.path(field_file.name)
        if not Path(path).exists():
            raise FileNotFoundError(field_file.name)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix="dlep-evidence-") as folder:
        target = Path(folder) / ("evidence" + Path(field_file.name).suffix[:9])
        with storage.open(field_file.name, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out, 8 * 1024 * 1024)
        yield str(target)


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
        with local_copy(file.file) as path:
            info = media.inspect(path)
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
        for file_id in ids:
            queue_check(file_id)
        logger.warning("requeued %d stuck evidence checks", len(ids))
    return len(ids)


@shared_task(name="appraisal.tasks.purge_abandoned_uploads")
def purge_abandoned_uploads() -> int:
    """Celery beat: delete uploads nobody has touched for ``EVIDENCE_UPLOAD_EXPIRY_HOURS`` (tus
    expiration), with their bytes; and stray part files whose upload row is gone."""
    from appraisal.models import Upload

    cutoff = timezone.now() - datetime.timedelta(hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS)
    old = list(Upload.objects.filter(updated_at__lt=cutoff))
    for upload in old:
        evidence.upload_path(upload).unlink(missing_ok=True)
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
