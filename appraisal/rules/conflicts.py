"""Conflicts of interest between an assessor and the applicant (docs/assessment-rules.md §2):
the declared relations that keep an expert out of a draw, the same-school window, and the
attestation an assessor accepts with.

Sources. The seeds say only that the assessors are drawn from the registry (seed 004 step 4:
"คัดเลือกคณะกรรมการประเมินโดยวิธีการสุ่ม"); they name no conflict rule. The relations below
follow the Administrative Procedure Act, พระราชบัญญัติวิธีปฏิบัติราชการทางปกครอง พ.ศ. ๒๕๓๙
มาตรา ๑๓ (an official may not decide a matter of their spouse or fiancé(e), or of a relative:
ascendants and descendants of any degree, siblings and cousins within three degrees, relatives
by marriage within two) and มาตรา ๑๖ (any other grave circumstance that may make the decision
partial). Former supervisor or subordinate and the same school within ``CONFLICT_YEARS`` are
the portal's own reading of มาตรา ๑๖; the number of years is the portal's choice.

Facts are plain dicts as the draw record stores them (dates as ISO strings, which compare as the
dates do), so that ``tools/verify_draw.py`` can apply the same rule to the same record."""

from __future__ import annotations

import datetime
import hashlib
import unicodedata

from django.utils.translation import gettext_noop

# The portal's choice (มาตรา ๑๖ read for schools): an expert who served at the same school as
# the applicant, at the same time, within this many years before the draw, is not drawn.
CONFLICT_YEARS = 3

# Declared relations (``ConflictDeclaration.kind``) → the rule of the draw that they make, in
# the order the draw tries them. Every declared relation excludes whatever its age, except the
# same school, which excludes only when it ended within ``CONFLICT_YEARS``.
DECLARED_RULES = {
    "spouse": "spouse",
    "kin": "kin",
    "former_supervisor": "former_supervisor",
    "former_subordinate": "former_subordinate",
    "same_school": "declared_same_school",
}
# The rule the ก.พ.7 position history makes (the same school, at the same time, recently)
SCHOOL_HISTORY_RULE = "school_history"
CONFLICT_RULES = (*DECLARED_RULES.values(), SCHOOL_HISTORY_RULE)

# The attestation an assessor gives when accepting (kept with the acceptance: its version, the
# SHA-256 of the exact Thai text, the time). A new wording gets a new version; the old versions
# stay here so that every stored attestation can be shown as it was given.
ATTESTATION_VERSION = "2569-1"
ATTESTATIONS = {
    "2569-1": gettext_noop(
        "ข้าพเจ้าขอรับรองว่า ข้าพเจ้าไม่มีส่วนได้เสียกับผู้ขอรับการประเมินรายนี้ คือ ไม่เป็นคู่สมรส"
        "หรือคู่หมั้น ไม่เป็นญาติ (บุพการีหรือผู้สืบสันดานไม่ว่าชั้นใด พี่น้องหรือลูกพี่ลูกน้องภายใน"
        "สามชั้น หรือญาติทางการสมรสภายในสองชั้น) ไม่เคยเป็นผู้บังคับบัญชาหรือผู้ใต้บังคับบัญชาของ"
        "ผู้ขอ ไม่ได้ปฏิบัติงานในสถานศึกษาเดียวกับผู้ขอในช่วง ๓ ปีที่ผ่านมา และไม่มีเหตุอื่นใดที่อาจทำ"
        "ให้การประเมินไม่เป็นกลาง (พระราชบัญญัติวิธีปฏิบัติราชการทางปกครอง พ.ศ. ๒๕๓๙ มาตรา ๑๓ "
        "และมาตรา ๑๖) หากปรากฏเหตุดังกล่าวภายหลัง ข้าพเจ้าจะแจ้งหน่วยงานทันที และจะเก็บรักษา"
        "ข้อมูลของผู้ขอไว้เป็นความลับ"),
}


def attestation_text(version: str = ATTESTATION_VERSION) -> str:
    """The Thai text of an attestation version, exactly as it is hashed."""
    return ATTESTATIONS[version]


def attestation_sha256(version: str = ATTESTATION_VERSION) -> str:
    return hashlib.sha256(attestation_text(version).encode("utf-8")).hexdigest()


def normalize(text: str | None) -> str:
    """A name as the rules compare it: Unicode NFC, runs of whitespace as one space."""
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def years_before(day: str, years: int) -> str:
    """The ISO date ``years`` calendar years before ``day`` (29 February → 28 February)."""
    d = datetime.date.fromisoformat(day)
    try:
        return d.replace(year=d.year - years).isoformat()
    except ValueError:
        return d.replace(year=d.year - years, day=28).isoformat()


def school_periods(lines, end: datetime.date | None) -> list[dict]:
    """The periods a person served at each school from their ก.พ.7 position lines
    (``(effective_on, organization_name)``, any order): a line runs until the day before the
    next one, the last until ``end`` (None: still serving). Consecutive lines at one school
    make one period. Names normalized."""
    ordered = sorted((day, normalize(name)) for day, name in lines if name and day)
    periods: list[dict] = []
    for i, (day, name) in enumerate(ordered):
        nxt = ordered[i + 1][0] if i + 1 < len(ordered) else None
        to = (nxt - datetime.timedelta(days=1)) if nxt else end
        if to is not None and to < day:  # two lines on one day: the later one counts
            continue
        if periods and periods[-1]["school"] == name:
            periods[-1]["to"] = to.isoformat() if to else None
            continue
        periods.append({"school": name, "from": day.isoformat(),
                        "to": to.isoformat() if to else None})
    return periods


def recent(periods: list[dict], as_of: str, years: int) -> list[dict]:
    """The periods that end within ``years`` before ``as_of`` (or are open)."""
    cutoff = years_before(as_of, years)
    return [p for p in periods if p["to"] is None or p["to"] >= cutoff]


def conflict_reason(expert: dict, application: dict) -> str | None:
    """The conflict rule that keeps ``expert`` from assessing ``application`` (a key of
    ``CONFLICT_RULES``), or None. ``expert["declared"]``: the declared relations that name the
    applicant (``kind``, ``until``); ``expert["school_periods"]`` and
    ``application["school_periods"]``: periods at schools from the ก.พ.7 history. Records made
    before these rules have neither key and so no conflict."""
    as_of = application["as_of"]
    cutoff = years_before(as_of, application.get("conflict_years", CONFLICT_YEARS))
    declared = expert.get("declared") or []
    for kind, rule in DECLARED_RULES.items():
        for relation in declared:
            if relation["kind"] != kind:
                continue
            if kind == "same_school" and relation.get("until") is not None \
                    and relation["until"] < cutoff:
                continue
            return rule
    for mine in expert.get("school_periods") or []:
        for theirs in application.get("school_periods") or []:
            if mine["school"] != theirs["school"]:
                continue
            start = max(mine["from"], theirs["from"])
            end = min(mine["to"] or as_of, theirs["to"] or as_of)
            if start <= end and end >= cutoff:
                return SCHOOL_HISTORY_RULE
    return None
