"""HTTP for evidence files: resumable uploads (tus 1.0), the files' states as JSON, downloads
with HTTP Range, and removal. Thin views over ``appraisal.evidence``.

tus 1.0 (https://tus.io/protocols/resumable-upload) core with the creation, termination,
checksum and expiration extensions:

* ``OPTIONS uploads/`` — what the server supports;
* ``POST uploads/`` with ``Upload-Length`` and ``Upload-Metadata`` (base64 values:
  ``application``, ``slot``, ``position``, ``filename``, ``caption``) → ``evidence.start_upload``,
  201 with ``Location``;
* ``HEAD uploads/<id>`` → ``Upload-Offset``: where to resume after a broken connection;
* ``PATCH uploads/<id>`` (``application/offset+octet-stream``, ``Upload-Offset``, optional
  ``Upload-Checksum``) → ``evidence.append_to_upload``; the last byte completes the upload;
* ``DELETE uploads/<id>`` → ``evidence.cancel_upload``.

The Django tus packages on PyPI are unmaintained (django-tus: 2020); the protocol is short.
With object storage the browser sends the bytes to the store instead
(``appraisal.views.direct_uploads``), and a download is a redirect to a short-lived signed link.

Under the ASGI server (``make run``, the Docker image) the server reads a request's body on its
event loop before the view runs, and a download is written from an asynchronous iterator: a
slow client holds no thread, and a file is never read whole into memory (Django's
``FileResponse`` over a plain file would be, under ASGI).
An upload answers only to the user who created it; for anyone else it does not exist (404).
Requests go through Django's CSRF check: the browser sends the token in ``X-CSRFToken``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header, http_date, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accounts.exceptions import NotAllowed
from appraisal import rules, selectors
from appraisal.choices import EvidenceSlot, FileState
from appraisal.models import Application, EvidenceFile, Upload
from appraisal.services import evidence
from core import objectstore

TUS_VERSION = "1.0.0"
TUS_EXTENSIONS = "creation,termination,checksum,expiration"
# Types a browser may show inline, once the check has confirmed them from the content.
INLINE_TYPES = {"application/pdf", "image/jpeg", "image/png"}


# --- lookups: one answer (404) for what does not exist and what the user may not see --------------

def evidence_for(user, pk) -> EvidenceFile:
    """One evidence file of an application ``user`` may read (a new file waiting to replace
    one included), or Http404."""
    found = EvidenceFile.all_files.filter(
        pk=pk, application__in=selectors.applications_for(user)).select_related(
        "application", "application__person", "application__organization").first()
    if found is None or not _may_read(user, found.application):
        raise Http404(_("ไม่พบไฟล์นี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    return found


def _may_read(user, application: Application) -> bool:
    """The applicant and the units' users (``evidence.can_download``), and the application's
    accepted assessors (their django-guardian grant, ``appraisal.invitations``)."""
    from appraisal.services.invitations import is_assessor

    return evidence.can_download(user, application) or is_assessor(user, application)


def _application_for(user, pk) -> Application:
    found = selectors.applications_for(user).select_related(
        "person", "organization").filter(pk=pk).first()
    if found is None or not _may_read(user, found):
        raise Http404(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    return found


def _own_upload(user, pk) -> Upload:
    found = Upload.objects.filter(pk=pk, created_by_id=user.pk).select_related(
        "application", "application__person", "application__organization").first()
    if found is None:
        raise Http404(_("ไม่พบการอัปโหลดนี้"))
    return found


# --- tus ------------------------------------------------------------------------------------------

def _tus(response: HttpResponse) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    return response


def _text(status: int, message: str = "") -> HttpResponse:
    return _tus(HttpResponse(message, status=status, content_type="text/plain; charset=utf-8"))


def _max_size() -> int:
    return max(evidence.slot_size_limit(s) for s in EvidenceSlot.values)


def _options() -> HttpResponse:
    response = _tus(HttpResponse(status=204))
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = TUS_EXTENSIONS
    response["Tus-Max-Size"] = str(_max_size())
    response["Tus-Checksum-Algorithm"] = ",".join(evidence.CHECKSUM_ALGORITHMS)
    return response


def _method(request) -> str:
    override = request.headers.get("X-HTTP-Method-Override", "").upper()
    if request.method == "POST" and override in ("PATCH", "DELETE", "HEAD"):
        return override
    return request.method


def _parse_metadata(header: str) -> dict[str, str]:
    metadata = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _sep, value = pair.partition(" ")
        try:
            metadata[key] = base64.b64decode(value, validate=True).decode("utf-8") if value else ""
        except (binascii.Error, UnicodeDecodeError):
            raise ValidationError(_("ข้อมูลประกอบการอัปโหลดไม่ถูกต้อง")) from None
    return metadata


def _int_header(request, name: str) -> int | None:
    value = request.headers.get(name)
    if value is None or not value.isdigit():
        return None
    return int(value)


def _refusal(error: Exception) -> HttpResponse:
    if isinstance(error, NotAllowed):
        return _text(403, str(error.args[0]) if error.args else str(NotAllowed.default_message))
    if isinstance(error, ValidationError):
        status = 413 if getattr(error, "code", None) == "too_large" else 400
        return _text(status, " ".join(error.messages))
    raise error


@login_required
def tus_collection(request):
    """``uploads/``: OPTIONS and creation."""
    method = _method(request)
    if method == "OPTIONS":
        return _options()
    if method != "POST":
        return HttpResponseNotAllowed(["POST", "OPTIONS"])
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        response = _text(412, _("ต้องใช้โปรโตคอล tus 1.0.0"))
        response["Tus-Version"] = TUS_VERSION
        return response
    if "Upload-Defer-Length" in request.headers:
        return _text(400, _("ต้องระบุขนาดไฟล์ก่อนเริ่มอัปโหลด"))
    length = _int_header(request, "Upload-Length")
    if length is None:
        return _text(400, _("ต้องระบุขนาดไฟล์ (Upload-Length)"))
    try:
        metadata = _parse_metadata(request.headers.get("Upload-Metadata", ""))
    except ValidationError as error:
        return _refusal(error)
    application_id = metadata.get("application", "")
    if not application_id.isdigit():
        return _text(400, _("ไม่ได้ระบุคำขอ"))
    application = _application_for(request.user, int(application_id))
    if not evidence.is_applicant(request.user, application):
        raise Http404(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
    try:
        upload = evidence.start_upload(
            application, slot=metadata.get("slot", ""), position=metadata.get("position", "1"),
            filename=metadata.get("filename", ""), length=length,
            caption=metadata.get("caption", ""), actor=request.user)
    except (NotAllowed, ValidationError) as error:
        return _refusal(error)
    response = _tus(HttpResponse(status=201))
    response["Location"] = request.build_absolute_uri(
        reverse("evidence_upload", args=[upload.pk]))
    response["Upload-Expires"] = http_date(evidence.upload_expires_at(upload).timestamp())
    return response


@login_required
def tus_upload(request, pk):
    """``uploads/<id>``: HEAD (the offset), PATCH (append), DELETE (terminate)."""
    upload = _own_upload(request.user, pk)
    method = _method(request)
    if method == "OPTIONS":
        return _options()
    if method not in ("HEAD", "PATCH", "DELETE"):
        return HttpResponseNotAllowed(["HEAD", "PATCH", "DELETE", "OPTIONS"])
    if request.headers.get("Tus-Resumable") != TUS_VERSION:
        response = _text(412, _("ต้องใช้โปรโตคอล tus 1.0.0"))
        response["Tus-Version"] = TUS_VERSION
        return response
    if method == "HEAD":
        response = _tus(HttpResponse(status=200))
        response["Upload-Offset"] = str(upload.offset)
        response["Upload-Length"] = str(upload.length)
        if upload.completed_at is None:
            response["Upload-Expires"] = http_date(evidence.upload_expires_at(upload).timestamp())
        return response
    if method == "DELETE":
        evidence.cancel_upload(upload, request.user)
        return _tus(HttpResponse(status=204))
    return _patch(request, upload)


def _checksum(request) -> tuple[str, bytes] | None:
    header = request.headers.get("Upload-Checksum")
    if not header:
        return None
    algorithm, _sep, value = header.strip().partition(" ")
    if algorithm not in evidence.CHECKSUM_ALGORITHMS:
        raise ValidationError(_("ไม่รองรับวิธีตรวจสอบ %(name)s") % {"name": algorithm})
    try:
        return algorithm, base64.b64decode(value, validate=True)
    except binascii.Error:
        raise ValidationError(_("ค่าตรวจสอบไม่ถูกต้อง")) from None


def _patch(request, upload: Upload) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _text(415, _("ต้องส่งข้อมูลแบบ application/offset+octet-stream"))
    offset = _int_header(request, "Upload-Offset")
    if offset is None:
        return _text(400, _("ต้องระบุตำแหน่ง (Upload-Offset)"))
    try:
        checksum = _checksum(request)
        upload, _evidence = evidence.append_to_upload(
            upload, offset=offset, stream=request, actor=request.user,
            content_length=_int_header(request, "Content-Length"), checksum=checksum)
    except evidence.OffsetMismatchError:
        return _text(409, _("ตำแหน่งข้อมูลไม่ตรงกับที่เซิร์ฟเวอร์ได้รับ"))
    except evidence.UploadBusyError:
        return _text(423, _("กำลังรับข้อมูลของไฟล์นี้อยู่ กรุณารอสักครู่"))
    except evidence.ChecksumMismatchError:
        return _text(460, _("ข้อมูลที่ได้รับไม่ตรงกับค่าตรวจสอบ"))
    except (NotAllowed, ValidationError) as error:
        if upload.offset + (_int_header(request, "Content-Length") or 0) >= upload.length:
            # the file cannot be taken any more (the request left the applicant's hands, …)
            evidence.cancel_upload(upload, request.user)
        return _refusal(error)
    response = _tus(HttpResponse(status=204))
    response["Upload-Offset"] = str(upload.offset)
    if upload.completed_at is None:
        response["Upload-Expires"] = http_date(evidence.upload_expires_at(upload).timestamp())
    return response


# --- states ---------------------------------------------------------------------------------------

def file_state(item: EvidenceFile, *, editable: bool = False,
               replacement: EvidenceFile | None = None) -> dict:
    """What the page and the API show of one file (and of the new file waiting to replace it,
    which takes its place once its own check has passed)."""
    duration = item.duration_seconds
    return {
        "id": item.pk,
        "slot": item.slot,
        "slot_display": item.get_slot_display(),
        "position": item.position,
        "name": item.original_name,
        "caption": item.caption,
        "size": item.size,
        "state": item.state,
        "state_display": item.get_state_display(),
        "pending": item.state in evidence.PENDING_STATES,
        "reason": item.reason,
        "media_kind": item.media_kind,
        "media_kind_display": item.get_media_kind_display() if item.media_kind else "",
        "pages": item.pages,
        "duration_seconds": duration,
        "duration_display": rules.format_duration(duration) if duration is not None else "",
        "uploaded_at": item.uploaded_at.isoformat(),
        "checked_at": item.checked_at.isoformat() if item.checked_at else None,
        "download_url": reverse("evidence_download", args=[item.pk]),
        "remove_url": reverse("evidence_remove", args=[item.pk]) if editable else None,
        "replacement": file_state(replacement, editable=editable) if replacement else None,
    }


def replacements_of(application) -> dict[int, EvidenceFile]:
    """The new files waiting to replace valid ones, by the id of the file they replace."""
    return {f.replaces_id: f for f in EvidenceFile.all_files.filter(
        application=application, replaces__isnull=False)}


@login_required
@require_safe
def evidence_state(request, pk):
    """The application's files with their states, polled by the page while a check runs."""
    application = _application_for(request.user, pk)
    editable = evidence.is_applicant(request.user, application) and application.is_editable
    waiting = replacements_of(application)
    files = [file_state(f, editable=editable, replacement=waiting.get(f.pk))
             for f in application.files.order_by("slot", "position")]
    response = JsonResponse({
        "application": application.pk,
        "editable": editable,
        "pending": any(f["pending"] or (f["replacement"] or {}).get("pending") for f in files),
        "files": files,
    })
    patch_cache_control(response, private=True, no_store=True)
    return response


# --- downloads with Range -------------------------------------------------------------------------

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """One byte range of RFC 9110 as (first, last), None when the header asks for the whole
    file (absent, several ranges, or a form this server ignores), False when unsatisfiable."""
    match = RANGE.match((header or "").strip())
    if not match:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        n = int(last)
        if n == 0 or size == 0:
            return False
        return max(size - n, 0), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if start >= size or (last and int(last) < start):
        return False
    return start, end


class _Slice:
    """``length`` bytes of an open file from where it stands; FileResponse streams it."""

    def __init__(self, f, length: int):
        self.f, self.left = f, length

    def read(self, n: int = -1) -> bytes:
        if self.left <= 0:
            return b""
        n = self.left if n is None or n < 0 else min(n, self.left)
        data = self.f.read(n)
        self.left -= len(data)
        return data

    def close(self):
        self.f.close()


STREAM_CHUNK = 256 * 1024


async def _stream(handle, length: int):
    """``length`` bytes of an open file, read in a thread chunk by chunk as the client takes
    them (the ASGI server asks for the next chunk only once the last one is sent)."""
    try:
        left = length
        while left > 0:
            data = await asyncio.to_thread(handle.read, min(STREAM_CHUNK, left))
            if not data:
                break
            left -= len(data)
            yield data
    finally:
        await asyncio.to_thread(handle.close)


def _file_response(request, handle, *, first: int, length: int, status: int,
                   content_type: str, inline: bool, filename: str):
    if isinstance(request, ASGIRequest):
        if first:
            handle.seek(first)
        response = StreamingHttpResponse(_stream(handle, length), status=status,
                                         content_type=content_type)
        response["Content-Length"] = str(length)
        response["Content-Disposition"] = content_disposition_header(not inline, filename)
        return response
    # WSGI (runserver, the tests' client): the server's own file wrapper streams it
    if status == 206:
        handle.seek(first)
        handle = _Slice(handle, length)
    response = FileResponse(handle, status=status, content_type=content_type,
                            as_attachment=not inline, filename=filename)
    response["Content-Length"] = str(length)
    return response


def _download_kind(item: EvidenceFile) -> tuple[str, bool, str]:
    """The type the browser is told, whether it may show the file inline, and its name."""
    if item.state == FileState.VALID and (item.content_type in INLINE_TYPES
                                          or item.content_type.startswith("video/")):
        content_type, inline = item.content_type, True
    else:  # not (yet) known to be what it claims: never rendered by the browser
        content_type, inline = "application/octet-stream", False
    extension = item.file.name.rsplit(".", 1)[-1] if "." in item.file.name else "bin"
    return content_type, inline, f"evidence-{item.pk}.{extension}"


@login_required
@require_safe
def evidence_download(request, pk):
    """The file itself, to the applicant, those who work on the application's unit and its
    accepted assessors; a video seeks with HTTP Range (206). With object storage: a redirect
    to a short-lived signed link of the store (which answers Range itself), audited."""
    item = evidence_for(request.user, pk)
    content_type, inline, filename = _download_kind(item)
    if objectstore.enabled():
        from appraisal.services import direct_uploads

        response = HttpResponseRedirect(direct_uploads.download_link(
            item, actor=request.user, filename=filename, content_type=content_type,
            inline=inline))
        response["Cache-Control"] = "private, no-store"
        return response
    size = item.size
    etag = f'"evidence-{item.pk}-{size}"'
    wanted = parse_range(request.headers.get("Range", ""), size)
    if_range = request.headers.get("If-Range")
    if if_range and if_range != etag:
        wanted = None
    if wanted is False:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        return response
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("ไม่พบไฟล์นี้")) from None
    first, last = wanted if wanted else (0, size - 1)
    response = _file_response(request, handle, first=first, length=max(last - first + 1, 0),
                              status=206 if wanted else 200, content_type=content_type,
                              inline=inline, filename=filename)
    if wanted:
        response["Content-Range"] = f"bytes {first}-{last}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    patch_cache_control(response, private=True)
    return response


# --- removal --------------------------------------------------------------------------------------

def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _back(request, application_id: int):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()},
                                                  require_https=request.is_secure()):
        return redirect(target)
    try:
        return redirect(reverse("application_detail", args=[application_id]))
    except NoReverseMatch:
        return redirect("/")


@login_required
@require_POST
def evidence_remove(request, pk):
    item = evidence_for(request.user, pk)
    application_id = item.application_id
    try:
        evidence.remove_evidence(item, request.user)
    except NotAllowed as error:
        if _wants_json(request):
            return JsonResponse({"error": str(error.args[0])}, status=403)
        raise
    if _wants_json(request):
        return JsonResponse({"removed": pk})
    from django.contrib import messages

    messages.success(request, _("ลบไฟล์ “%(name)s” แล้ว") % {"name": item.original_name})
    return _back(request, application_id)
