"""Small pieces the appraisal services share: the acting user as a row's author, the check of an
uploaded PDF, and the removal of a replaced file once the transaction has committed."""

from __future__ import annotations

import filetype
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from appraisal import rules

PDF_MAX_BYTES = rules.CHECK_FILE_MAX_BYTES  # PA3 and officers' supporting PDFs: 10 MB


def user_or_none(actor):
    """The actor as a row's author; None for the system (a beat task, a refill)."""
    return actor if getattr(actor, "pk", None) else None


def require_pdf(upload, field: str) -> None:
    if upload is None:
        raise ValidationError({field: _("กรุณาแนบไฟล์ PDF")})
    if upload.size > PDF_MAX_BYTES:
        raise ValidationError({field: _("ไฟล์ใหญ่เกิน 10 MB")})
    head = upload.read(2048)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime != "application/pdf":
        raise ValidationError({field: _("ไฟล์นี้ไม่ใช่ไฟล์ PDF (ตรวจจากเนื้อไฟล์ ไม่ใช่จากชื่อไฟล์)")})


def delete_after_commit(storage, name: str) -> None:
    if name:
        transaction.on_commit(lambda: storage.delete(name))
