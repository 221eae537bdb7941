"""JSON endpoints of the browser's direct uploads to the object store (static/js/evidence.js),
thin views over ``appraisal.services.direct_uploads``:

* ``POST direct-uploads/`` ``{application, slot, position, filename, size, caption}`` → 201
  ``{id, part_size, part_count, parts_url, sign_url, complete_url}``;
* ``GET direct-uploads/<id>`` → ``{id, length, part_size, part_count, parts: [{number, size}]}``
  (what the store holds: where to resume);
* ``POST direct-uploads/<id>/sign`` ``{parts: [n, …]}`` → ``{urls: {n: link}}`` (PUT each part);
* ``POST direct-uploads/<id>/complete`` → 201 ``{file}``;
* ``DELETE direct-uploads/<id>`` → 204 (aborted).

An upload answers only to the user who created it (404 for anyone else). Requests go through
Django's CSRF check (``X-CSRFToken``). Refusals carry a Thai ``error``.
"""

from __future__ import annotations

import json

from botocore.exceptions import BotoCoreError, ClientError
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.exceptions import NotAllowed
from appraisal.models import EvidenceFile
from appraisal.services import direct_uploads, evidence
from appraisal.views.uploads import _application_for, _own_upload, file_state
from core import objectstore


def _json(data: dict, status: int = 200) -> JsonResponse:
    response = JsonResponse(data, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _error(error: Exception) -> JsonResponse:
    if isinstance(error, NotAllowed):
        message = str(error.args[0]) if error.args else str(NotAllowed.default_message)
        return _json({"error": message}, 403)
    if isinstance(error, ValidationError):
        code = getattr(error, "code", None)
        status = {"too_large": 413, "incomplete": 409, "size_mismatch": 409}.get(code, 400)
        return _json({"error": " ".join(error.messages), "code": code or ""}, status)
    if isinstance(error, (BotoCoreError, ClientError)):
        return _json({"error": _("ที่จัดเก็บไฟล์ขัดข้องชั่วคราว กรุณาลองใหม่อีกครั้ง")}, 503)
    raise error


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise ValidationError(_("ข้อมูลที่ส่งมาไม่ถูกต้อง"))
    return data


def _require_enabled() -> None:
    if not objectstore.enabled():
        raise Http404(_("ระบบนี้ไม่ได้ใช้ที่จัดเก็บไฟล์ภายนอก"))


def _describe(upload) -> dict:
    return {
        "id": str(upload.pk),
        "length": upload.length,
        "part_size": upload.part_size,
        "part_count": direct_uploads.part_count(upload),
        "parts_url": reverse("evidence_direct_upload", args=[upload.pk]),
        "sign_url": reverse("evidence_direct_sign", args=[upload.pk]),
        "complete_url": reverse("evidence_direct_complete", args=[upload.pk]),
    }


@login_required
@require_POST
def create(request):
    _require_enabled()
    try:
        data = _body(request)
        application_id = data.get("application")
        if not str(application_id).isdigit():
            raise ValidationError(_("ไม่ได้ระบุคำขอ"))
        application = _application_for(request.user, int(application_id))
        if not evidence.is_applicant(request.user, application):
            raise Http404(_("ไม่พบคำขอนี้ หรือคุณไม่มีสิทธิ์เข้าถึง"))
        try:
            length = int(data.get("size"))
        except (TypeError, ValueError):
            raise ValidationError(_("ต้องระบุขนาดไฟล์")) from None
        upload = direct_uploads.start_direct_upload(
            application, slot=str(data.get("slot", "")), position=data.get("position", 1),
            filename=str(data.get("filename", "")), length=length,
            caption=str(data.get("caption", "")), actor=request.user)
    except (NotAllowed, ValidationError, BotoCoreError, ClientError) as error:
        return _error(error)
    return _json(_describe(upload), 201)


@login_required
def upload_detail(request, pk):
    """GET: what the store holds of the upload; DELETE: abort it."""
    _require_enabled()
    upload = _own_upload(request.user, pk)
    if request.method == "DELETE":
        evidence.cancel_upload(upload, request.user)
        return HttpResponse(status=204)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "DELETE"])
    try:
        parts = direct_uploads.uploaded_parts(upload, actor=request.user)
    except (NotAllowed, ValidationError, BotoCoreError, ClientError) as error:
        return _error(error)
    return _json({**_describe(upload), "completed": upload.completed_at is not None,
                  "parts": parts})


@login_required
@require_POST
def sign(request, pk):
    _require_enabled()
    upload = _own_upload(request.user, pk)
    try:
        data = _body(request)
        urls = direct_uploads.sign_parts(upload, data.get("parts") or [], actor=request.user)
    except (NotAllowed, ValidationError, BotoCoreError, ClientError) as error:
        return _error(error)
    return _json({"urls": {str(n): url for n, url in urls.items()}})


@login_required
@require_POST
def complete(request, pk):
    _require_enabled()
    upload = _own_upload(request.user, pk)
    if upload.completed_at is not None:
        # completed by an earlier request whose answer was lost: the same answer again
        made = EvidenceFile.all_files.filter(file=upload.key).first()
        if made is not None:
            return _json({"file": file_state(made)}, 201)
    try:
        made = direct_uploads.complete_direct_upload(upload, actor=request.user)
    except (NotAllowed, ValidationError, BotoCoreError, ClientError) as error:
        return _error(error)
    return _json({"file": file_state(made)}, 201)
