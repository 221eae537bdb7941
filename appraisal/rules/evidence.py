"""The evidence files (ว9/2564; seed 004 เอกสารหลักฐาน ข้อ 6–9; RULES.md §4.4)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from appraisal.choices import (
    MAX_OUTCOME_FILES,
    REQUIRED_SLOTS,
    EvidenceSlot,
    FileState,
    MediaKind,
    ShortenGround,
)
from appraisal.rules.common import Verdict, _join, _label

# --- evidence files (ว9/2564; seed 004 เอกสารหลักฐาน ข้อ 6–9; RULES.md §4.4) --------------------

INSPIRATION_VIDEO_MAX_SECONDS = 600  # seed 004 ข้อ 7: ไม่เกิน ๑๐ นาที
TEACHING_VIDEO_MAX_SECONDS = 3600  # seed 004 ข้อ 8: ไม่เกิน ๖๐ นาที
OUTCOME_VIDEO_MAX_SECONDS = 600  # seed 004 ข้อ 9.1: ไม่เกิน ๑๐ นาที
OUTCOME_PDF_MAX_PAGES = 10  # seed 004 ข้อ 9.2, 9.3: ไม่เกิน ๑๐ หน้า (ขนาด A4)
OUTCOME_MAX_FILES = MAX_OUTCOME_FILES  # seed 004 ข้อ 9: ไม่เกิน ๓ ไฟล์
OUTCOME_MAX_VIDEOS = 1  # seed 004 ข้อ 9: ไฟล์วิดีโอให้ส่งได้เพียง ๑ ไฟล์
CHECK_FILE_MAX_BYTES = 10 * 1024 * 1024  # RULES.md §4.4: officers' PDFs at most 10 MB
A4_MM = (210, 297)
# A PDF page's size comes from points (1/72 inch) rounded by whoever made it; 2 mm is more than
# any rounding and less than the next paper size.
A4_TOLERANCE_MM = 2

_VIDEO_LIMITS = {
    EvidenceSlot.INSPIRATION_VIDEO.value: INSPIRATION_VIDEO_MAX_SECONDS,
    EvidenceSlot.TEACHING_VIDEO.value: TEACHING_VIDEO_MAX_SECONDS,
    EvidenceSlot.OUTCOME.value: OUTCOME_VIDEO_MAX_SECONDS,
}
# What each slot accepts, read from the file's content (MediaKind values)
SLOT_MEDIA_KINDS: dict[str, frozenset[str]] = {
    EvidenceSlot.LESSON_PLAN.value: frozenset({MediaKind.PDF.value}),
    EvidenceSlot.INSPIRATION_VIDEO.value: frozenset({MediaKind.VIDEO.value}),
    EvidenceSlot.TEACHING_VIDEO.value: frozenset({MediaKind.VIDEO.value}),
    EvidenceSlot.OUTCOME.value: frozenset({MediaKind.VIDEO.value, MediaKind.PDF.value,
                                           MediaKind.IMAGE.value}),
    EvidenceSlot.SHORTEN_EVIDENCE.value: frozenset({MediaKind.PDF.value, MediaKind.IMAGE.value}),
}


def _whole_seconds(seconds: float) -> int:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"not a duration: {seconds!r}")
    return math.floor(seconds)


def format_duration(seconds: float) -> str:
    """A duration as a player shows it, in whole seconds (cut, not rounded): "10:00",
    "1:00:00"."""
    total = _whole_seconds(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _duration_text(seconds: float) -> str:
    unit = _("ชั่วโมง") if _whole_seconds(seconds) >= 3600 else _("นาที")
    return f"{format_duration(seconds)} {unit}"


def _fits_a4(width: float, height: float) -> bool:
    short, long_ = sorted((width, height))
    return short <= A4_MM[0] + A4_TOLERANCE_MM and long_ <= A4_MM[1] + A4_TOLERANCE_MM


def _kinds_text(kinds: Iterable[str]) -> str:
    order = [k for k in MediaKind.values if k in set(kinds)]
    or_ = _("หรือ")
    return f" {or_} ".join(_label(MediaKind, k) for k in order)


def evidence_file_problem(slot: str, media_kind: str, *, pages: int | None = None,
                          duration_seconds: float | None = None,
                          page_sizes_mm: Sequence[tuple[float, float]] = ()) -> str | None:
    """Why one evidence file does not fit its slot, in Thai, or None when it fits.

    Seed 004 (เอกสารหลักฐาน ข้อ 6–9), RULES.md §4.4:

    * lesson plan: a PDF, any number of pages (ข้อ 6);
    * inspiration video: a video of at most 10 minutes (ข้อ 7); teaching video: at most 60
      (ข้อ 8);
    * outcome: a video of at most 10 minutes (ข้อ 9.1), or a PDF of at most 10 pages (ข้อ 9.2)
      no page larger than A4 in either orientation (ข้อ 9.3, with ``A4_TOLERANCE_MM``), or an
      image, JPG or PNG (ข้อ 9.3);
    * the evidence for reducing tenure: a PDF or an image.

    A video's length is judged as the player shows it, in whole seconds: 600.9 s shows as
    "10:00" and passes, 601 s shows as "10:01" and fails. Pictures per page (ข้อ 9.3: at most 6)
    are for the officer to see; nothing here can count them.
    """
    try:
        accepted = SLOT_MEDIA_KINDS[slot]
    except KeyError:
        raise ValueError(f"unknown evidence slot {slot!r}") from None
    expected = _kinds_text(accepted)
    if media_kind == MediaKind.UNKNOWN.value or media_kind not in MediaKind.values:
        return _("ไม่สามารถระบุชนิดของไฟล์ได้ ต้องเป็น%(expected)s") % {"expected": expected}
    if media_kind not in accepted:
        return _("ต้องเป็น%(expected)s แต่ไฟล์นี้เป็น%(found)s") % {
            "expected": expected, "found": _label(MediaKind, media_kind)}
    if media_kind == MediaKind.VIDEO:
        limit = _VIDEO_LIMITS[slot]
        if (duration_seconds is None or not math.isfinite(duration_seconds)
                or duration_seconds < 0):
            return _("อ่านความยาวของวีดิทัศน์ไม่ได้ (กำหนดไม่เกิน %(limit)s)") % {
                "limit": _duration_text(limit)}
        if _whole_seconds(duration_seconds) > limit:
            return _("วีดิทัศน์ยาว %(found)s เกินกำหนด %(limit)s") % {
                "found": _duration_text(duration_seconds), "limit": _duration_text(limit)}
        return None
    if media_kind == MediaKind.PDF:
        if pages is not None and pages < 1:
            return _("ไฟล์ PDF ไม่มีหน้าเอกสาร")
        if slot == EvidenceSlot.OUTCOME:
            if pages is None:
                return _("อ่านจำนวนหน้าของไฟล์ PDF ไม่ได้ (กำหนดไม่เกิน %(max)d หน้า)") % {
                    "max": OUTCOME_PDF_MAX_PAGES}
            if pages > OUTCOME_PDF_MAX_PAGES:
                return _("เอกสาร %(pages)d หน้า เกินกำหนด %(max)d หน้า") % {
                    "pages": pages, "max": OUTCOME_PDF_MAX_PAGES}
            for number, (width, height) in enumerate(page_sizes_mm, start=1):
                if not _fits_a4(width, height):
                    return _("หน้า %(page)d ขนาด %(w)s × %(h)s มม. ใหญ่กว่า A4 "
                             "(%(a4w)d × %(a4h)d มม.)") % {
                        "page": number, "w": f"{width:.0f}", "h": f"{height:.0f}",
                        "a4w": A4_MM[0], "a4h": A4_MM[1]}
    return None


def outcome_composition_problems(kinds: Sequence[str]) -> dict[int, str]:
    """Which learner-outcome files break the allowed mix, by index in position order, with the
    reason in Thai (seed 004 ข้อ 9: "หากส่งเป็นไฟล์วิดีโอให้ส่งได้เพียง ๑ ไฟล์ และสามารถส่งไฟล์
    เอกสาร หรือไฟล์รูปภาพ ได้อีกไม่เกิน ๒ ไฟล์ หากจะเสนอเป็นไฟล์ดิจิทัลที่ไม่ใช่ไฟล์วิดีโอ
    สามารถส่งได้ไม่เกิน ๓ ไฟล์").

    Files are kept in position order; a file is flagged when it is a second (or later) video,
    or when the files kept before it already fill the 3 places (which, with a video among them
    or this file being one, is "a video and at most 2 others"). A file of unknown kind counts
    as a non-video file."""
    problems: dict[int, str] = {}
    kept_videos = kept = 0
    for index, kind in enumerate(kinds):
        is_video = kind == MediaKind.VIDEO
        if is_video and kept_videos >= OUTCOME_MAX_VIDEOS:
            problems[index] = _("ส่งวีดิทัศน์ผลลัพธ์การเรียนรู้ได้เพียง %(max)d ไฟล์") % {
                "max": OUTCOME_MAX_VIDEOS}
        elif kept >= OUTCOME_MAX_FILES:
            if kept_videos or is_video:
                problems[index] = _("เมื่อมีวีดิทัศน์ ส่งไฟล์เอกสารหรือรูปภาพได้อีกไม่เกิน "
                                    "%(max)d ไฟล์") % {"max": OUTCOME_MAX_FILES - 1}
            else:
                problems[index] = _("ส่งไฟล์ผลลัพธ์การเรียนรู้ได้ไม่เกิน %(max)d ไฟล์") % {
                    "max": OUTCOME_MAX_FILES}
        else:
            kept += 1
            kept_videos += is_video
    return problems


@dataclass(frozen=True)
class EvidenceFact:
    slot: str  # EvidenceSlot value
    position: int
    state: str  # FileState value
    media_kind: str  # MediaKind value
    reason: str = ""


def _slots_needed(shorten_ground: str) -> tuple[str, ...]:
    needed = tuple(s.value for s in REQUIRED_SLOTS)
    if shorten_ground != ShortenGround.NONE.value:
        needed += (EvidenceSlot.SHORTEN_EVIDENCE.value,)
    return needed


def _outcomes(files: Sequence[EvidenceFact]) -> list[EvidenceFact]:
    return sorted((f for f in files if f.slot == EvidenceSlot.OUTCOME), key=lambda f: f.position)


def _file_name(f: EvidenceFact) -> str:
    label = _label(EvidenceSlot, f.slot)
    if f.slot == EvidenceSlot.OUTCOME:
        return _("%(label)s ไฟล์ที่ %(n)d") % {"label": label, "n": f.position}
    return label


def missing_or_invalid_slots(files: Sequence[EvidenceFact], *,
                             shorten_ground: str = "") -> list[str]:
    """The slots (EvidenceSlot values, in their order) the applicant must still fill before
    submitting: a required slot with no file, any slot with a rejected file, and the outcome
    slot when its files break the allowed mix. A file still waiting or being checked is not
    missing."""
    needed = set(_slots_needed(shorten_ground))
    present = {f.slot for f in files}
    rejected = {f.slot for f in files if f.state == FileState.REJECTED}
    bad = (needed - present) | rejected
    if outcome_composition_problems([f.media_kind for f in _outcomes(files)]):
        bad.add(EvidenceSlot.OUTCOME.value)
    return [s for s in EvidenceSlot.values if s in bad]


def check_evidence(files: Sequence[EvidenceFact], *, shorten_ground: str = "") -> Verdict:
    """Seed 004 (เอกสารหลักฐาน ข้อ 6–9), RULES.md §4.4: the lesson plan, the inspiration video,
    the teaching video and at least one learner-outcome file are present (and, when tenure is
    to be reduced, the evidence for it), every file has passed its check, and the outcome files
    keep the allowed mix (:func:`outcome_composition_problems`)."""
    present = {f.slot for f in files}
    missing = [s for s in _slots_needed(shorten_ground) if s not in present]
    ordered = sorted(files, key=lambda f: (EvidenceSlot.values.index(f.slot)
                                           if f.slot in EvidenceSlot.values else 99, f.position))
    rejected = [f for f in ordered if f.state == FileState.REJECTED]
    pending = [f for f in ordered if f.state in (FileState.WAITING, FileState.CHECKING)]
    unknown = [f for f in ordered if f.state not in FileState.values]
    if unknown:
        raise ValueError(f"unknown file state {unknown[0].state!r}")
    outcomes = _outcomes(files)
    composition = outcome_composition_problems([f.media_kind for f in outcomes])

    parts = []
    if missing:
        parts.append(_("ยังไม่ได้ส่ง: %(slots)s") % {
            "slots": ", ".join(_label(EvidenceSlot, s) for s in missing)})
    if rejected:
        parts.append(_("ไม่ผ่านการตรวจสอบ: %(files)s") % {"files": "; ".join(
            _("%(name)s (%(reason)s)") % {"name": _file_name(f), "reason": f.reason}
            if f.reason else _file_name(f) for f in rejected)})
    if composition:
        parts.append(_("ไฟล์ผลลัพธ์การเรียนรู้ไม่เป็นไปตามที่กำหนด: %(files)s") % {
            "files": "; ".join(_("%(name)s (%(reason)s)") % {
                "name": _file_name(outcomes[i]), "reason": reason}
                for i, reason in sorted(composition.items()))})
    if pending:
        parts.append(_("อยู่ระหว่างตรวจสอบ: %(files)s") % {
            "files": ", ".join(_file_name(f) for f in pending)})
    if parts:
        return Verdict(False, _join(parts))
    return Verdict(True, _("เอกสารหลักฐานครบถ้วนและผ่านการตรวจสอบทุกไฟล์ (%(n)d ไฟล์)") % {
        "n": len(files)})
