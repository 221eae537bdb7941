"""The rows of the evidence-file partial (templates/appraisal/_evidence_files.html): one per slot
and position, with the limits of RULES §4.4 explained in Thai, and the texts its script shows."""

from django import template
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from appraisal import rules
from appraisal.choices import MAX_OUTCOME_FILES, REQUIRED_SLOTS, EvidenceSlot, FileState
from appraisal.services.evidence import slot_size_limit

register = template.Library()

BADGES = {
    FileState.WAITING: "text-bg-secondary",
    FileState.CHECKING: "text-bg-info",
    FileState.VALID: "text-bg-success",
    FileState.REJECTED: "text-bg-danger",
}
ACCEPT = {
    EvidenceSlot.LESSON_PLAN: "application/pdf,.pdf",
    EvidenceSlot.INSPIRATION_VIDEO: "video/*",
    EvidenceSlot.TEACHING_VIDEO: "video/*",
    EvidenceSlot.OUTCOME: "video/*,application/pdf,.pdf,image/jpeg,image/png",
    EvidenceSlot.SHORTEN_EVIDENCE: "application/pdf,.pdf,image/jpeg,image/png",
}


def _minutes(seconds: int) -> int:
    return seconds // 60


def _hints() -> dict[str, str]:
    video = filesizeformat(settings.EVIDENCE_MAX_VIDEO_BYTES)
    document = filesizeformat(settings.EVIDENCE_MAX_DOCUMENT_BYTES)
    return {
        EvidenceSlot.LESSON_PLAN: _(
            "ไฟล์ PDF 1 ไฟล์ ไม่จำกัดจำนวนหน้า เป็นแผนที่ใช้สอนในวีดิทัศน์บันทึกการสอน "
            "(ขนาดไม่เกิน %(document)s)") % {"document": document},
        EvidenceSlot.INSPIRATION_VIDEO: _(
            "วีดิทัศน์ 1 ไฟล์ ความยาวไม่เกิน %(minutes)d นาที (ขนาดไม่เกิน %(video)s)") % {
            "minutes": _minutes(rules.INSPIRATION_VIDEO_MAX_SECONDS), "video": video},
        EvidenceSlot.TEACHING_VIDEO: _(
            "วีดิทัศน์ 1 ไฟล์ ความยาวไม่เกิน %(minutes)d นาที สอดคล้องกับแผนการจัดการเรียนรู้ "
            "(ขนาดไม่เกิน %(video)s)") % {
            "minutes": _minutes(rules.TEACHING_VIDEO_MAX_SECONDS), "video": video},
        EvidenceSlot.OUTCOME: _(
            "ไม่เกิน %(files)d ไฟล์ แต่ละไฟล์เป็นวีดิทัศน์ความยาวไม่เกิน %(minutes)d นาที "
            "หรือเอกสาร PDF ไม่เกิน %(pages)d หน้า ขนาด A4 หรือรูปภาพ JPG/PNG "
            "(ไม่เกิน 6 ภาพต่อหน้า) พร้อมคำอธิบาย; วีดิทัศน์ส่งได้เพียง %(videos)d ไฟล์ "
            "และเมื่อมีวีดิทัศน์ ส่งเอกสารหรือรูปภาพได้อีกไม่เกิน %(others)d ไฟล์") % {
            "files": MAX_OUTCOME_FILES, "minutes": _minutes(rules.OUTCOME_VIDEO_MAX_SECONDS),
            "pages": rules.OUTCOME_PDF_MAX_PAGES, "videos": rules.OUTCOME_MAX_VIDEOS,
            "others": MAX_OUTCOME_FILES - rules.OUTCOME_MAX_VIDEOS},
        EvidenceSlot.SHORTEN_EVIDENCE: _(
            "เอกสาร PDF หรือรูปภาพ JPG/PNG ที่แสดงเหตุในการขอลดระยะเวลา "
            "(ขนาดไม่เกิน %(document)s)") % {"document": document},
    }


@register.simple_tag
def evidence_slots(application, files, editable) -> list[dict]:
    """One row per slot and position: the file there (or None) and what the slot takes. Rows
    without a file are shown to the applicant who may upload, and for the required slots."""
    by_place = {(f.slot, f.position): f for f in files}
    hints = _hints()
    places = [(EvidenceSlot.LESSON_PLAN, 1), (EvidenceSlot.INSPIRATION_VIDEO, 1),
              (EvidenceSlot.TEACHING_VIDEO, 1)]
    places += [(EvidenceSlot.OUTCOME, n) for n in range(1, MAX_OUTCOME_FILES + 1)]
    if application.shorten_ground or (EvidenceSlot.SHORTEN_EVIDENCE, 1) in by_place:
        places.append((EvidenceSlot.SHORTEN_EVIDENCE, 1))
    rows = []
    for slot, position in places:
        item = by_place.get((slot, position))
        required = (slot in REQUIRED_SLOTS and position == 1) or (
            slot == EvidenceSlot.SHORTEN_EVIDENCE and bool(application.shorten_ground))
        if item is None and not editable and not required:
            continue
        label = EvidenceSlot(slot).label
        if slot == EvidenceSlot.OUTCOME:
            label = _("%(label)s ไฟล์ที่ %(n)d") % {"label": label, "n": position}
        rows.append({
            "slot": slot, "position": position, "label": label, "file": item,
            "first_of_slot": position == 1, "hint": hints[slot], "required": required,
            "accept": ACCEPT[slot], "max_bytes": slot_size_limit(slot),
            "caption": slot == EvidenceSlot.OUTCOME,
            "badge": BADGES.get(item.state, "text-bg-light") if item else "",
            "duration": rules.format_duration(item.duration_seconds)
            if item is not None and item.duration_seconds is not None else "",
        })
    return rows


@register.simple_tag
def evidence_texts() -> dict:
    """What static/js/evidence.js shows, in the page's language."""
    return {
        "upload": _("อัปโหลด"),
        "replace": _("เปลี่ยนไฟล์"),
        "resume": _("อัปโหลดต่อ"),
        "cancel": _("ยกเลิก"),
        "choose": _("กรุณาเลือกไฟล์"),
        "uploading": _("กำลังอัปโหลด"),
        "retrying": _("การเชื่อมต่อขัดข้อง กำลังลองใหม่ ระบบจะอัปโหลดต่อจากส่วนที่ได้รับแล้ว"),
        "failed": _("อัปโหลดไม่สำเร็จ"),
        "uploaded": _("อัปโหลดครบแล้ว รอระบบตรวจสอบไฟล์"),
        "too_large": _("ไฟล์ใหญ่เกินกำหนด (สูงสุด {limit})"),
        "pages": _("{n} หน้า"),
        "duration": _("ความยาว {d}"),
        "download": _("ดาวน์โหลด/เปิดดู"),
        "leave": _("กำลังอัปโหลดไฟล์อยู่ ถ้าออกจากหน้านี้ การอัปโหลดจะหยุด (กลับมาอัปโหลดต่อได้)"),
        "of": _("จาก"),
        "remove": _("ลบไฟล์"),
        "replacing": _("ไฟล์ใหม่ “{name}”: {state} — ไฟล์เดิมยังใช้อยู่จนกว่าไฟล์ใหม่จะผ่านการตรวจสอบ"),
        "replacement_rejected": _("ไฟล์ใหม่ “{name}” ไม่ผ่านการตรวจสอบ ({reason}) — ยังใช้ไฟล์เดิม"),
    }


@register.simple_tag
def evidence_direct_uploads() -> bool:
    """The browser sends files straight to the object store (core.objectstore)."""
    from core import objectstore

    return objectstore.enabled()


@register.simple_tag
def evidence_chunk_size() -> int:
    """The size of one upload request (EVIDENCE_UPLOAD_CHUNK_BYTES)."""
    return settings.EVIDENCE_UPLOAD_CHUNK_BYTES
