"""Evidence straight between the browser and the object store (S3 multipart uploads and signed
download links): the portal checks, signs and records; it never carries the bytes.

::

    start_direct_upload ─▶ sign_parts … ─▶ (browser PUTs each part to the store)
      (CreateMultipartUpload,   (a link per part,        ─▶ complete_direct_upload
       after the slot, size      after the same checks)      (ListParts: every part there,
       and permission checks)                                 sizes add up; Complete; HEAD)
                                                              ─▶ evidence.complete_upload

Resuming (a broken connection, a browser restarted): the browser asks :func:`uploaded_parts`
(the store's ListParts, read by the portal) and sends the missing parts only. The state of an
upload is its row (``Upload``: key, multipart id, part size, length) and the parts in the
store: any web process serves any of its requests. An upload abandoned for
``EVIDENCE_UPLOAD_EXPIRY_HOURS`` is aborted by ``appraisal.tasks.purge_abandoned_uploads``,
from the portal's own dates (:func:`abort_strays` catches those whose row is gone).

A part's link does not bind the part's size: an oversized part may be stored, but the upload is
never completed (the sizes must add up to the announced length) and is aborted.
"""

from __future__ import annotations

import datetime
import logging
import math
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from appraisal.models import Application, EvidenceFile, Upload
from appraisal.services import evidence
from core import objectstore

logger = logging.getLogger(__name__)

S3_MIN_PART = 5 * 1024 * 1024  # S3: every part but the last is at least 5 MiB
S3_MAX_PARTS = 10_000
PREFIX = "appraisal/evidence/"


def part_size_for(length: int) -> int:
    size = max(S3_MIN_PART, settings.EVIDENCE_UPLOAD_CHUNK_BYTES)
    if math.ceil(length / size) > S3_MAX_PARTS:
        size = math.ceil(length / S3_MAX_PARTS)
    return size


def part_count(upload: Upload) -> int:
    return max(1, math.ceil(upload.length / upload.part_size))


def _object_key(application: Application, filename: str) -> str:
    # the same unguessable path per organisation as the files the portal stores itself
    suffix = filename.rsplit(".", 1)[-1].lower()[:8] if "." in filename else "bin"
    suffix = "".join(ch for ch in suffix if ch.isalnum()) or "bin"
    return f"{PREFIX}{application.organization_id}/{uuid.uuid4().hex}.{suffix}"


@transaction.atomic
def start_direct_upload(application: Application, *, slot: str, position, filename: str,
                        length: int, caption: str = "", actor) -> Upload:
    """The applicant announces a file (as :func:`evidence.start_upload`, whose checks of the
    slot, the size and the applicant's rights it runs first); the object store opens a
    multipart upload for it under a key the portal chooses."""
    upload = evidence.start_upload(application, slot=slot, position=position, filename=filename,
                                   length=length, caption=caption, actor=actor)
    key = _object_key(upload.application, upload.filename)
    created = objectstore.client().create_multipart_upload(
        Bucket=objectstore.bucket(), Key=key, ContentType="application/octet-stream")
    upload.key = key
    upload.multipart_id = created["UploadId"]
    upload.part_size = part_size_for(length)
    upload.save(update_fields=["key", "multipart_id", "part_size", "updated_at"])
    return upload


def _require_open(upload: Upload, actor) -> None:
    evidence._require_uploader(actor, upload)
    evidence._require_applicant(actor, upload.application)
    evidence._require_editable(upload.application)
    if not upload.multipart_id:
        raise ValidationError(_("การอัปโหลดนี้ไม่ได้ส่งไปยังที่จัดเก็บไฟล์โดยตรง"))
    if upload.completed_at is not None:
        raise ValidationError(_("อัปโหลดไฟล์นี้เสร็จแล้ว"))


def sign_parts(upload: Upload, numbers, *, actor) -> dict[int, str]:
    """Links to PUT the parts ``numbers`` of the upload, valid ``EVIDENCE_LINK_SECONDS``.
    Signed only for the uploader, while the application is editable, for the parts the
    announced length has."""
    _require_open(upload, actor)
    try:
        wanted = sorted({int(n) for n in numbers})
    except (TypeError, ValueError):
        raise ValidationError(_("หมายเลขส่วนของไฟล์ไม่ถูกต้อง")) from None
    highest = part_count(upload)
    if not wanted or wanted[0] < 1 or wanted[-1] > highest or len(wanted) > 100:
        raise ValidationError(_("หมายเลขส่วนของไฟล์ต้องอยู่ระหว่าง 1 ถึง %(n)d") % {"n": highest})
    # the upload is alive: the clean-up counts its age from here
    Upload.objects.filter(pk=upload.pk).update(updated_at=timezone.now())
    return {n: objectstore.presign("upload_part", settings.EVIDENCE_LINK_SECONDS,
                                   Key=upload.key, UploadId=upload.multipart_id, PartNumber=n)
            for n in wanted}


def _list_parts(upload: Upload) -> list[dict]:
    s3 = objectstore.client()
    parts, marker = [], 0
    while True:
        page = s3.list_parts(Bucket=objectstore.bucket(), Key=upload.key,
                             UploadId=upload.multipart_id, PartNumberMarker=marker)
        parts += page.get("Parts", [])
        if not page.get("IsTruncated"):
            return parts
        marker = page["NextPartNumberMarker"]


def uploaded_parts(upload: Upload, *, actor) -> list[dict]:
    """The parts the store holds (number, size), for the browser to resume from."""
    evidence._require_uploader(actor, upload)
    if upload.completed_at is not None or not upload.multipart_id:
        return []
    try:
        parts = _list_parts(upload)
    except objectstore.client().exceptions.NoSuchUpload:
        raise ValidationError(_("ไม่พบการอัปโหลดนี้ในที่จัดเก็บไฟล์ กรุณาเริ่มอัปโหลดใหม่")) from None
    return [{"number": p["PartNumber"], "size": p["Size"]} for p in parts]


def complete_direct_upload(upload: Upload, *, actor) -> EvidenceFile:
    """Every part is in the store: check them (each part there once, whole, the sizes adding up
    to the announced length), complete the multipart upload, check the object's size, and hand
    it to :func:`evidence.complete_upload` (the file then waits for its check)."""
    _require_open(upload, actor)
    try:
        parts = _list_parts(upload)
    except objectstore.client().exceptions.NoSuchUpload:
        raise ValidationError(_("ไม่พบการอัปโหลดนี้ในที่จัดเก็บไฟล์ กรุณาเริ่มอัปโหลดใหม่")) from None
    count = part_count(upload)
    sizes = {p["PartNumber"]: p["Size"] for p in parts}
    missing = [n for n in range(1, count + 1) if n not in sizes]
    total = sum(sizes.values())
    if missing:
        raise ValidationError(_("ได้รับไฟล์ไม่ครบ (ขาด %(n)d ส่วน) กรุณาอัปโหลดต่อ") % {
            "n": len(missing)}, code="incomplete")
    whole = all(sizes[n] == upload.part_size for n in range(1, count))
    if total != upload.length or len(sizes) != count or not whole:
        raise ValidationError(_("ขนาดของไฟล์ที่ได้รับไม่ตรงกับที่แจ้งไว้ กรุณาอัปโหลดส่วนที่ผิดใหม่"),
                              code="size_mismatch")
    s3 = objectstore.client()
    s3.complete_multipart_upload(
        Bucket=objectstore.bucket(), Key=upload.key, UploadId=upload.multipart_id,
        MultipartUpload={"Parts": [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]}
                                   for p in sorted(parts, key=lambda p: p["PartNumber"])]})
    size = s3.head_object(Bucket=objectstore.bucket(), Key=upload.key)["ContentLength"]
    if size != upload.length:  # pragma: no cover - the store disagrees with its own listing
        s3.delete_object(Bucket=objectstore.bucket(), Key=upload.key)
        raise ValidationError(_("ขนาดของไฟล์ที่ได้รับไม่ตรงกับที่แจ้งไว้"), code="size_mismatch")
    return evidence.complete_upload(upload, actor, stored=upload.key)


def abort_multipart(key: str, multipart_id: str) -> None:
    try:
        objectstore.client().abort_multipart_upload(Bucket=objectstore.bucket(), Key=key,
                                                    UploadId=multipart_id)
    except Exception as exc:  # gone already, or the store briefly away: abort_strays retries
        logger.info("abort of multipart upload %s failed: %s", key, type(exc).__name__)


def abort_strays(now=None) -> int:
    """Abort the store's multipart uploads of evidence whose Upload row is gone (an abort that
    failed) and that began before ``EVIDENCE_UPLOAD_EXPIRY_HOURS``."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.EVIDENCE_UPLOAD_EXPIRY_HOURS)
    known = set(Upload.objects.exclude(multipart_id="").values_list("multipart_id", flat=True))
    s3 = objectstore.client()
    aborted = 0
    kwargs = {"Bucket": objectstore.bucket(), "Prefix": PREFIX}
    while True:
        page = s3.list_multipart_uploads(**kwargs)
        for item in page.get("Uploads", []):
            if item["UploadId"] in known or item["Initiated"] > cutoff:
                continue
            abort_multipart(item["Key"], item["UploadId"])
            aborted += 1
        if not page.get("IsTruncated"):
            return aborted
        kwargs.update(KeyMarker=page["NextKeyMarker"], UploadIdMarker=page["NextUploadIdMarker"])


def download_link(item: EvidenceFile, *, actor, filename: str, content_type: str,
                  inline: bool) -> str:
    """A short-lived link to the stored file for one reader (after the caller's permission
    check), with the name and type the portal decided; the link is audited."""
    from django.utils.http import content_disposition_header

    link = objectstore.presign(
        "get_object", settings.EVIDENCE_LINK_SECONDS, Key=item.file.name,
        ResponseContentType=content_type,
        ResponseContentDisposition=content_disposition_header(not inline, filename),
        ResponseCacheControl="private, no-store")
    audit.record("appraisal.evidence.download", actor=actor, target=item,
                 organization=item.application.organization, application=item.application_id,
                 seconds=settings.EVIDENCE_LINK_SECONDS)
    return link
