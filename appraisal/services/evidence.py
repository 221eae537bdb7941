"""Every change to evidence files (RULES §4.4): resumable uploads, replacing and removing a file,
and the states its check in the Celery worker moves it through.

::

    start_upload ─▶ append_to_upload … ─▶ complete_upload ─▶ WAITING ─▶ CHECKING ─▶ VALID
      (tus POST)      (tus PATCH)           (last PATCH)      queued     begin_check  REJECTED
                                                                                    finish_check

Only the applicant changes files, and only while the application is editable. A completed
upload takes the place of the file in its slot and position (a new row; the old stored file is
deleted after commit) and leaves the other files alone; where that file is VALID the new one
waits beside it (``replaces``) and takes its place only once its own check has passed
(:func:`finish_check`), so a failed upload, a lost check or a file that fails never costs the
applicant the file that was good. The check is queued after commit; when the broker is away
the file stays WAITING (``queued_at`` empty) and the beat task queues it once the broker is
back (:func:`stuck_file_ids`). A worker checking a file writes a heartbeat; a check whose
heartbeat stopped (its worker died) is queued again within ``EVIDENCE_CHECK_LOST_SECONDS``.

With object storage the bytes never pass through the portal: ``appraisal.services.
direct_uploads`` signs the browser's S3 multipart upload and hands the finished object to
:func:`complete_upload`.

A learner-outcome file carries two reasons in ``details``: ``file_reason`` (the file itself:
broken, too long, too many pages) and ``composition_reason`` (the mix of outcome files: a second
video). Whenever an outcome file is checked, replaced or removed, the mix is judged again over
all the application's outcome files (``rules.outcome_composition_problems``), so that a file
rejected only for the mix becomes valid again once the mix is right.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import hashlib
import os
from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.exceptions import NotAllowed
from appraisal import rules
from appraisal.choices import EDITABLE_STATES, MAX_OUTCOME_FILES, EvidenceSlot, FileState, MediaKind
from appraisal.models import Application, EvidenceFile, Upload
from appraisal.services import media

VIDEO_SLOTS = frozenset({EvidenceSlot.INSPIRATION_VIDEO, EvidenceSlot.TEACHING_VIDEO,
                         EvidenceSlot.OUTCOME})
PENDING_STATES = frozenset({FileState.WAITING, FileState.CHECKING})
READ_CHUNK = 1024 * 1024
# A PATCH saves its progress this often, so that a broken connection loses little.
SAVE_EVERY = 4 * 1024 * 1024
REASON_MAX = EvidenceFile._meta.get_field("reason").max_length
CHECKSUM_ALGORITHMS = {"sha1": hashlib.sha1, "md5": hashlib.md5, "sha256": hashlib.sha256}


class OffsetMismatchError(Exception):
    """The client's Upload-Offset is not where the upload stands (tus: 409)."""


class UploadBusyError(Exception):
    """Another request is writing to this upload right now (tus: 423)."""


class ChecksumMismatchError(Exception):
    """The chunk did not arrive as sent (tus checksum extension: 460); nothing was kept."""


# --- helpers --------------------------------------------------------------------------------------

def slot_size_limit(slot: str) -> int:
    """The largest file a slot may receive, before its real kind is known."""
    if slot in VIDEO_SLOTS:
        return max(settings.EVIDENCE_MAX_VIDEO_BYTES, settings.EVIDENCE_MAX_DOCUMENT_BYTES)
    return settings.EVIDENCE_MAX_DOCUMENT_BYTES


def upload_path(upload: Upload) -> Path:
    return Path(settings.EVIDENCE_UPLOAD_DIR) / f"{upload.pk.hex}.part"


def upload_expires_at(upload: Upload) -> datetime.datetime:
    return upload.updated_at + datetime.timedelta(hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS)


def is_applicant(user, application: Application) -> bool:
    return (getattr(user, "pk", None) is not None and application.person.user_id is not None
            and application.person.user_id == user.pk)


def _require_applicant(actor, application: Application) -> None:
    if not is_applicant(actor, application):
        raise NotAllowed(_("แนบหรือแก้ไขไฟล์หลักฐานได้เฉพาะผู้ขอเอง"))


def _require_editable(application: Application) -> None:
    if application.state not in EDITABLE_STATES:
        raise NotAllowed(_("คำขออยู่ในสถานะ “%(state)s” จึงแก้ไขไฟล์หลักฐานไม่ได้") % {
            "state": application.get_state_display()})


def _lock_application(application_id: int) -> Application:
    # Every change to an application's files takes this lock first: two checks finishing at
    # once judge the outcome mix one after the other, and submission sees settled states.
    return Application.objects.select_for_update().select_related("person", "organization").get(
        pk=application_id)


def _clean_filename(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    name = "".join(ch for ch in name if ch.isprintable())
    return name[:255]


def _queue_check(file_id: int) -> None:
    """Hand the check to the broker; with the broker away the file waits (``queued_at`` stays
    empty) and ``appraisal.tasks.requeue_stuck_checks`` queues it later."""
    from appraisal.tasks import queue_check

    if queue_check(file_id):
        EvidenceFile.all_files.filter(pk=file_id).update(queued_at=timezone.now())


def _delete_stored(storage, name: str) -> None:
    if name:
        storage.delete(name)


# --- uploads (tus) --------------------------------------------------------------------------------

@transaction.atomic
def start_upload(application: Application, *, slot: str, position: int, filename: str,
                 length: int, caption: str = "", actor) -> Upload:
    """The applicant announces a file for one slot (tus creation). Its size is checked here,
    before a byte is sent."""
    application = _lock_application(application.pk)
    _require_applicant(actor, application)
    _require_editable(application)
    if slot not in EvidenceSlot.values:
        raise ValidationError(_("ไม่รู้จักประเภทหลักฐานนี้"))
    if slot == EvidenceSlot.SHORTEN_EVIDENCE and not application.shorten_ground:
        raise ValidationError(_("คำขอนี้ไม่ได้ขอลดระยะเวลา จึงไม่ต้องแนบหลักฐานการขอลดระยะเวลา"))
    try:
        position = int(position)
    except (TypeError, ValueError):
        position = 0
    highest = MAX_OUTCOME_FILES if slot == EvidenceSlot.OUTCOME else 1
    if not 1 <= position <= highest:
        raise ValidationError(_("ลำดับไฟล์ต้องอยู่ระหว่าง 1 ถึง %(max)d") % {"max": highest})
    name = _clean_filename(filename)
    if not name:
        raise ValidationError(_("กรุณาระบุชื่อไฟล์"))
    caption = (caption or "").strip()
    if len(caption) > 300:
        raise ValidationError(_("คำอธิบายยาวเกิน 300 ตัวอักษร"))
    if length <= 0:
        raise ValidationError(_("ไฟล์ว่างเปล่า"))
    limit = slot_size_limit(slot)
    if length > limit:
        raise ValidationError(_("ไฟล์ใหญ่เกินกำหนด (%(size)s สูงสุด %(limit)s)") % {
            "size": media.human_size(length), "limit": media.human_size(limit)},
            code="too_large")
    upload = Upload.objects.create(application=application, slot=slot, position=position,
                                   filename=name, caption=caption, length=length,
                                   created_by=actor)
    audit.record("appraisal.evidence.upload_start", actor=actor, target=application,
                 organization=application.organization, upload=str(upload.pk), slot=slot,
                 position=position, size=length)
    return upload


def _require_uploader(actor, upload: Upload) -> None:
    if getattr(actor, "pk", None) is None or upload.created_by_id != actor.pk:
        raise NotAllowed(_("แนบหรือแก้ไขไฟล์หลักฐานได้เฉพาะผู้ขอเอง"))


def append_to_upload(upload: Upload, *, offset: int, stream, actor,
                     content_length: int | None = None,
                     checksum: tuple[str, bytes] | None = None
                     ) -> tuple[Upload, EvidenceFile | None]:
    """Append the bytes of ``stream`` at ``offset`` (tus PATCH); with the last byte the upload
    is completed (:func:`complete_upload`) and the new evidence file returned.

    Progress is saved every ``SAVE_EVERY`` bytes, so the bytes that arrived before a broken
    connection (or a web worker killed by its timeout) are kept and the client resumes from
    there; with a checksum the chunk is kept whole or not at all. The upload's offset in the
    database only moves past bytes that are on disk (fsync); a longer file is cut back to it.
    The offset reaches the length only when the file is complete, so a client that finds the
    offset short sends the last bytes again and the completion is retried. The progress
    itself is not audited (the start and the completed file are)."""
    _require_uploader(actor, upload)
    application = upload.application
    _require_applicant(actor, application)
    _require_editable(application)
    if upload.completed_at is not None or offset != upload.offset:
        raise OffsetMismatchError()
    if content_length is not None and content_length > upload.length - upload.offset:
        raise ValidationError(_("ข้อมูลที่ส่งมาเกินขนาดไฟล์ที่แจ้งไว้"))
    path = upload_path(upload)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    with os.fdopen(fd, "r+b") as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UploadBusyError() from None
        upload.refresh_from_db(fields=["offset", "completed_at", "updated_at"])
        if upload.completed_at is not None:
            raise OffsetMismatchError()
        if os.fstat(f.fileno()).st_size < upload.offset:
            # the bytes on disk were lost (a restored server): resume from what is there
            Upload.objects.filter(pk=upload.pk, completed_at__isnull=True).update(
                offset=os.fstat(f.fileno()).st_size, updated_at=timezone.now())
            raise OffsetMismatchError()
        if offset != upload.offset:
            raise OffsetMismatchError()
        start = saved = upload.offset
        remaining = upload.length - start
        digest = CHECKSUM_ALGORITHMS[checksum[0]]() if checksum else None
        f.seek(start)
        f.truncate()  # a tail left by an earlier, interrupted request
        written = 0

        def save(position: int) -> None:
            nonlocal saved
            if position == saved or position == upload.length:
                return
            f.flush()
            os.fsync(f.fileno())
            Upload.objects.filter(pk=upload.pk, offset=saved).update(
                offset=position, updated_at=timezone.now())
            saved = position

        try:
            while written < remaining:
                chunk = stream.read(min(READ_CHUNK, remaining - written))
                if not chunk:
                    break
                f.write(chunk)
                written += len(chunk)
                if digest is not None:
                    digest.update(chunk)
                elif written % SAVE_EVERY < len(chunk):
                    save(start + written)
        except OSError:
            # the client went away mid-chunk: keep what arrived (unless it must be whole)
            if digest is not None:
                f.truncate(start)
                return upload, None
        if digest is not None and digest.digest() != checksum[1]:
            f.truncate(start)
            raise ChecksumMismatchError()
        save(start + written)
        evidence = None
        if start + written == upload.length:
            f.flush()
            os.fsync(f.fileno())
            # still holding the lock: nobody appends while the file moves into the storage
            evidence = complete_upload(upload, actor)
    upload.refresh_from_db(fields=["offset", "completed_at", "updated_at"])
    return upload, evidence


class _MovableFile(File):
    """The finished upload on local disk: FileSystemStorage moves it (a rename, no copy) when a
    file offers ``temporary_file_path``; other storages stream it."""

    def temporary_file_path(self):
        return self.name


def complete_upload(upload: Upload, actor, *, stored: str | None = None) -> EvidenceFile:
    """The last byte arrived: the upload becomes the evidence file of its slot and position,
    waiting for its check. The file there is replaced at once, unless it is VALID: then the
    new one waits beside it until its own check has passed (:func:`finish_check`). A new
    file waiting to replace one (other files untouched) is dropped.

    ``stored``: the name of the finished object in the default storage (object storage: the
    browser put it there); else the upload's part file on disk is moved into the storage."""
    _require_uploader(actor, upload)
    application = upload.application
    _require_applicant(actor, application)
    _require_editable(application)
    if upload.completed_at is not None:
        raise ValidationError(_("อัปโหลดไฟล์นี้เสร็จแล้ว"))
    evidence = EvidenceFile(application=application, slot=upload.slot, position=upload.position,
                            original_name=upload.filename, size=upload.length,
                            caption=upload.caption, state=FileState.WAITING,
                            uploaded_by=actor)
    path = upload_path(upload)
    if stored is None:
        if not path.exists() or path.stat().st_size != upload.length:
            raise ValidationError(_("ได้รับไฟล์ไม่ครบ กรุณาอัปโหลดต่อ"))
        with open(path, "rb") as f:
            evidence.file.save(upload.filename, _MovableFile(f, name=str(path)), save=False)
        stored = evidence.file.name
    else:
        evidence.file.name = stored
    try:
        with transaction.atomic():
            application = _lock_application(application.pk)
            _require_editable(application)
            replaced = _make_room(application, evidence)
            evidence.application = application
            evidence.save()
            Upload.objects.filter(pk=upload.pk).update(
                offset=upload.length, completed_at=timezone.now(), updated_at=timezone.now())
            if evidence.slot == EvidenceSlot.OUTCOME and evidence.replaces_id is None:
                _judge_composition(application)
            audit.record("appraisal.evidence.upload", actor=actor, target=evidence,
                         organization=application.organization, application=application.pk,
                         slot=evidence.slot, position=evidence.position, size=evidence.size,
                         replaced=replaced, kept_until_checked=evidence.replaces_id)
            transaction.on_commit(partial(_queue_check, evidence.pk))
    except Exception:
        evidence.file.storage.delete(stored)
        raise
    path.unlink(missing_ok=True)  # gone already when the storage moved it
    upload.completed_at = timezone.now()
    return evidence


def _make_room(application: Application, evidence: EvidenceFile) -> dict | None:
    """Clear the place of ``evidence`` (inside the application's lock): a new file waiting to
    replace the current one goes; the current one goes too unless it is VALID, in which case
    ``evidence`` will replace it after its check. What was replaced, for the audit."""
    current = EvidenceFile.objects.select_for_update().filter(
        application=application, slot=evidence.slot, position=evidence.position).first()
    if current is None:
        return None
    waiting = EvidenceFile.all_files.select_for_update().filter(replaces=current).first()
    if waiting is not None:
        transaction.on_commit(partial(_delete_stored, waiting.file.storage, waiting.file.name))
        waiting.delete()
    replaced = {"id": current.pk, "name": current.original_name, "state": current.state}
    if current.state == FileState.VALID:
        evidence.replaces = current
        replaced["kept"] = True
        return replaced
    transaction.on_commit(partial(_delete_stored, current.file.storage, current.file.name))
    current.delete()
    return replaced


@transaction.atomic
def cancel_upload(upload: Upload, actor) -> None:
    """The client gives up an upload (tus termination, or the abort of a direct upload): its
    bytes are deleted (the part file, or the object store's multipart upload)."""
    _require_uploader(actor, upload)
    Upload.objects.filter(pk=upload.pk).delete()
    if upload.completed_at is None:
        audit.record("appraisal.evidence.upload_cancel", actor=actor, target=upload.application,
                     organization=upload.application.organization, upload=str(upload.pk))
    transaction.on_commit(partial(discard_upload_bytes, upload))


def discard_upload_bytes(upload: Upload) -> None:
    """Delete what an unfinished upload holds, wherever it is (never raises: the clean-up task
    tries again for the object store's uploads it still finds)."""
    upload_path(upload).unlink(missing_ok=True)
    if upload.multipart_id and upload.completed_at is None:
        from appraisal.services import direct_uploads

        direct_uploads.abort_multipart(upload.key, upload.multipart_id)


@transaction.atomic
def remove_evidence(evidence: EvidenceFile, actor) -> None:
    """The applicant takes a file out of the application."""
    application = _lock_application(evidence.application_id)
    _require_applicant(actor, application)
    _require_editable(application)
    evidence = EvidenceFile.all_files.select_for_update().filter(pk=evidence.pk).first()
    if evidence is None:
        return
    transaction.on_commit(partial(_delete_stored, evidence.file.storage, evidence.file.name))
    audit.record("appraisal.evidence.remove", actor=actor, target=evidence,
                 organization=application.organization, application=application.pk,
                 slot=evidence.slot, position=evidence.position, name=evidence.original_name)
    waiting = EvidenceFile.all_files.select_for_update().filter(replaces=evidence).first()
    evidence.delete()
    if waiting is not None:  # the new file that waited to replace it takes its place
        EvidenceFile.all_files.filter(pk=waiting.pk).update(replaces=None)
        audit.record("appraisal.evidence.replace", actor=actor, target=waiting,
                     organization=application.organization, application=application.pk,
                     replaced={"id": evidence.pk, "name": evidence.original_name})
    if evidence.slot == EvidenceSlot.OUTCOME:
        _judge_composition(application)


# --- the check (called by appraisal.tasks.validate_evidence) --------------------------------------

def begin_check(file_id: int, task_id: str | None = None) -> EvidenceFile | None:
    """Mark a file CHECKING and return it, or None when there is nothing to do: the file is
    gone, already decided, or being checked by another live task.

    A file found CHECKING is taken over when the same task comes back (its worker died and the
    broker delivered it again), when its checker's heartbeat stopped for
    ``EVIDENCE_CHECK_LOST_SECONDS`` (the worker died), when the check has run longer than
    ``EVIDENCE_CHECK_TIMEOUT_MINUTES``, or when no task id is given."""
    now = timezone.now()
    stale = now - datetime.timedelta(minutes=settings.EVIDENCE_CHECK_TIMEOUT_MINUTES)
    lost = now - datetime.timedelta(seconds=settings.EVIDENCE_CHECK_LOST_SECONDS)
    with transaction.atomic():
        evidence = EvidenceFile.all_files.select_for_update().select_related(
            "application").filter(pk=file_id).first()
        if evidence is None or evidence.state not in PENDING_STATES:
            return None
        if evidence.application.certified_at is not None:
            return None  # frozen (migration 0003); cannot happen to a file still pending
        alive = (evidence.heartbeat_at or evidence.check_started_at or now) > lost
        if (evidence.state == FileState.CHECKING and task_id is not None
                and evidence.details.get("task_id") != task_id
                and evidence.check_started_at is not None and evidence.check_started_at > stale
                and alive):
            return None
        if evidence.attempts >= settings.EVIDENCE_MAX_CHECK_ATTEMPTS:
            _give_up(evidence, now)
            return None
        evidence.state = FileState.CHECKING
        evidence.attempts += 1
        evidence.check_started_at = evidence.heartbeat_at = now
        evidence.details = {**evidence.details, "task_id": task_id}
        evidence.save(update_fields=["state", "attempts", "check_started_at", "heartbeat_at",
                                     "details"])
        return evidence


def heartbeat(file_id: int, task_id: str | None) -> bool:
    """The worker is still checking the file (called every
    ``EVIDENCE_CHECK_HEARTBEAT_SECONDS``); False when the check is no longer its own."""
    return bool(EvidenceFile.all_files.filter(
        pk=file_id, state=FileState.CHECKING, details__task_id=task_id).update(
        heartbeat_at=timezone.now()))


def _give_up(evidence: EvidenceFile, now) -> None:
    # Every earlier attempt started and never finished: the file kills the worker (or hangs).
    reason = _("ระบบตรวจสอบไฟล์นี้ไม่สำเร็จ %(n)d ครั้ง กรุณาอัปโหลดไฟล์ใหม่") % {
        "n": evidence.attempts}
    evidence.state = FileState.REJECTED
    evidence.reason = reason
    evidence.checked_at = now
    evidence.details = {**evidence.details, "file_reason": reason, "composition_reason": "",
                        "gave_up": True}
    evidence.save(update_fields=["state", "reason", "checked_at", "details"])
    audit.record("appraisal.evidence.check", actor=None, target=evidence,
                 organization=evidence.application.organization,
                 application=evidence.application_id, state=evidence.state, reason=reason)


def release_check(file_id: int, error: str) -> None:
    """A transient failure (the virus scanner or the storage is down): back to WAITING, and the
    attempt does not count towards ``EVIDENCE_MAX_CHECK_ATTEMPTS``."""
    with transaction.atomic():
        evidence = EvidenceFile.all_files.select_for_update().filter(
            pk=file_id, state=FileState.CHECKING).first()
        if evidence is None:
            return
        evidence.state = FileState.WAITING
        evidence.attempts = max(evidence.attempts - 1, 0)
        evidence.details = {**evidence.details, "last_error": error[:200]}
        evidence.save(update_fields=["state", "attempts", "details"])


def file_reason(slot: str, info: media.MediaInfo) -> str:
    """Why the file itself fails its slot ("" when it fits): a virus or an empty file first,
    then the wrong kind (a renamed program is "not a PDF"), then what the reader found broken,
    then the slot's limits (``rules.evidence_file_problem``)."""
    if info.problem and info.decisive:
        return info.problem
    if info.media_kind == MediaKind.UNKNOWN:
        expected = rules.evidence_file_problem(slot, MediaKind.UNKNOWN) or info.problem or ""
        return _("%(reason)s (ตรวจจากเนื้อไฟล์ ไม่ใช่จากชื่อไฟล์)") % {"reason": expected}
    if info.media_kind not in rules.SLOT_MEDIA_KINDS.get(slot, ()):
        return rules.evidence_file_problem(slot, info.media_kind) or ""
    if info.problem:
        return info.problem
    return rules.evidence_file_problem(
        slot, info.media_kind, pages=info.pages, duration_seconds=info.duration_seconds,
        page_sizes_mm=info.page_sizes_mm) or ""


def finish_check(file_id: int, info: media.MediaInfo) -> EvidenceFile | None:
    """Write the result of a check: VALID, or REJECTED with the Thai reason; then judge the mix
    of learner-outcome files again. None when the file is gone or no longer being checked."""
    application_id = EvidenceFile.all_files.filter(pk=file_id).values_list(
        "application_id", flat=True).first()
    if application_id is None:
        return None
    with transaction.atomic():
        application = _lock_application(application_id)
        evidence = EvidenceFile.all_files.select_for_update().filter(pk=file_id).first()
        if evidence is None or evidence.state != FileState.CHECKING:
            return None
        reason = file_reason(evidence.slot, info)[:REASON_MAX]
        evidence.media_kind = info.media_kind
        evidence.content_type = info.content_type[:100]
        evidence.pages = info.pages
        evidence.duration_seconds = info.duration_seconds
        evidence.details = {
            "check": info.details, "page_sizes_mm": [list(s) for s in info.page_sizes_mm[:50]],
            "file_reason": reason, "composition_reason": "",
            "task_id": evidence.details.get("task_id"),
        }
        evidence.state = FileState.REJECTED if reason else FileState.VALID
        evidence.reason = reason
        evidence.checked_at = timezone.now()
        replaced = None
        if evidence.replaces_id is not None and not reason:
            # passed: the new file takes the place of the valid one it waited beside
            old = EvidenceFile.objects.select_for_update().get(pk=evidence.replaces_id)
            replaced = {"id": old.pk, "name": old.original_name}
            transaction.on_commit(partial(_delete_stored, old.file.storage, old.file.name))
            old.delete()
            evidence.replaces = None
        evidence.save()
        if evidence.slot == EvidenceSlot.OUTCOME and evidence.replaces_id is None:
            _judge_composition(application)
            evidence.refresh_from_db()
        audit.record("appraisal.evidence.check", actor=None, target=evidence,
                     organization=application.organization, application=application.pk,
                     state=evidence.state, reason=evidence.reason,
                     media_kind=evidence.media_kind, pages=evidence.pages,
                     duration_seconds=evidence.duration_seconds, replaced=replaced,
                     kept_previous=evidence.replaces_id)
        return evidence


def _judge_composition(application: Application) -> None:
    """Apply ``rules.outcome_composition_problems`` over all the outcome files in position
    order (as ``rules.check_evidence`` does at submission; a file not yet checked counts as
    a non-video). Only files whose check has finished change state."""
    outcomes = list(EvidenceFile.objects.select_for_update().filter(
        application=application, slot=EvidenceSlot.OUTCOME).order_by("position"))
    problems = rules.outcome_composition_problems([f.media_kind for f in outcomes])
    for index, evidence in enumerate(outcomes):
        if evidence.state in PENDING_STATES:
            continue
        composition = problems.get(index, "")
        own = evidence.details.get("file_reason", "")
        reason = (own or composition)[:REASON_MAX]
        state = FileState.REJECTED if reason else FileState.VALID
        if (evidence.details.get("composition_reason", "") == composition
                and evidence.state == state and evidence.reason == reason):
            continue
        evidence.details = {**evidence.details, "composition_reason": composition}
        evidence.state = state
        evidence.reason = reason
        evidence.save(update_fields=["details", "state", "reason"])


# --- reading --------------------------------------------------------------------------------------

def can_download(user, application: Application) -> bool:
    """The applicant, and the school and office users who work on the application's unit."""
    from accounts import scoping

    return is_applicant(user, application) or scoping.can_work_on(user, application.organization)


def stuck_file_ids(now=None) -> list[int]:
    """Files whose check was lost, for the beat task to queue again:

    * CHECKING whose checker's heartbeat stopped ``EVIDENCE_CHECK_LOST_SECONDS`` ago (its
      worker died), or that has run longer than ``EVIDENCE_CHECK_TIMEOUT_MINUTES``;
    * WAITING that never reached the broker (``queued_at`` empty: it was away) for a few
      seconds (the upload's own queueing runs right after its commit);
    * WAITING that long after being queued without a worker taking it (a lost message),
      unless queued again within the timeout."""
    from django.db.models import Q

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.EVIDENCE_CHECK_TIMEOUT_MINUTES)
    lost = now - datetime.timedelta(seconds=settings.EVIDENCE_CHECK_LOST_SECONDS)
    unqueued = now - datetime.timedelta(seconds=10)
    rows = EvidenceFile.all_files.filter(
        Q(state=FileState.CHECKING, heartbeat_at__lt=lost)
        | Q(state=FileState.CHECKING, heartbeat_at__isnull=True, check_started_at__lt=lost)
        | Q(state=FileState.CHECKING, check_started_at__lt=cutoff)
        | Q(state=FileState.WAITING, queued_at__isnull=True, uploaded_at__lt=unqueued)
        | Q(state=FileState.WAITING, check_started_at__lt=cutoff)
        | Q(state=FileState.WAITING, check_started_at__isnull=True, queued_at__lt=cutoff)
    ).filter(application__certified_at__isnull=True).values_list("pk", "state", "queued_at",
                                                                 "details")
    ids = []
    for pk, state, queued_at, details in rows:
        requeued = (details or {}).get("requeued_at")
        if requeued and not (state == FileState.WAITING and queued_at is None):
            with contextlib.suppress(ValueError):
                window = lost if state == FileState.CHECKING else cutoff
                if datetime.datetime.fromisoformat(requeued) > window:
                    continue
        ids.append(pk)
    return ids


def mark_requeued(file_ids, now=None) -> None:
    now = now or timezone.now()
    for evidence in EvidenceFile.all_files.filter(pk__in=file_ids):
        evidence.details = {**evidence.details, "requeued_at": now.isoformat()}
        evidence.save(update_fields=["details"])
