"""Who may be drawn to assess an application, and the picks from the random values (seed 004
step 4)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext_lazy

# The draw (appraisal/draw.py). Facts are plain dicts as the draw record stores them (JSON: dates
# as ISO strings, which compare as the dates do), so that the verifier applies exactly these
# functions to exactly what was recorded.
EXCLUSION_REASONS = {
    "no_account": gettext_lazy("ยังไม่มีบัญชีผู้ใช้ในระบบ หรือบัญชีถูกระงับ"),
    "inactive": gettext_lazy("ไม่อยู่ในช่วงเวลาที่ขึ้นบัญชี หรือถูกระงับ"),
    "subject": gettext_lazy("ไม่ได้ขึ้นบัญชีในสาขา/ประเภทห้องเรียนของคำขอ"),
    "standing": gettext_lazy("ไม่ได้ขึ้นบัญชีสำหรับวิทยฐานะที่ขอ"),
    "cap": gettext_lazy("มีงานประเมินค้างอยู่เต็มจำนวนที่กำหนด"),
    "applicant": gettext_lazy("เป็นผู้ขอรับการประเมินเอง"),
    "same_school": gettext_lazy("อยู่สถานศึกษาเดียวกับผู้ขอ"),
    "same_lao": gettext_lazy("อยู่ อปท. เดียวกับผู้ขอ"),
    "spent": gettext_lazy("เคยปฏิเสธ หมดเวลาตอบรับ หรือถูกยกเลิกในคำขอนี้แล้ว"),
    "seated": gettext_lazy("เป็นกรรมการของคำขอนี้อยู่แล้ว"),
}


def exclusion_reason(expert: dict, application: dict) -> str | None:
    """Why the expert cannot be drawn for the application (a key of ``EXCLUSION_REASONS``), or
    None when they can. RULES.md §4.5 step 4 and issue 6: same subject area and classroom type;
    registered for the requested standing; active on the day; under their cap of open
    assignments; not the applicant; not of the applicant's school or LAO; not anyone who already
    declined, timed out or was cancelled on this application, nor a sitting assessor of it."""
    if expert["id"] in application["spent_expert_ids"]:
        return "spent"
    if expert["id"] in application["seated_expert_ids"]:
        return "seated"
    if (expert["user_id"] is not None
            and expert["user_id"] == application["applicant_user_id"]) \
            or expert["same_national_id"]:
        return "applicant"
    paths = [p for p in [expert["home_path"], *expert["member_paths"]] if p]
    if any(p.startswith(application["school_path"]) for p in paths):
        return "same_school"
    if application["lao_path"] and any(p.startswith(application["lao_path"]) for p in paths):
        return "same_lao"
    if expert["user_id"] is None or not expert["user_active"]:
        return "no_account"
    day = application["as_of"]
    if not expert["is_active"] or expert["active_from"] > day or (
            expert["active_to"] is not None and expert["active_to"] < day):
        return "inactive"
    if application["subject_area_id"] not in expert["subject_area_ids"] \
            or application["classroom_type"] not in expert["classroom_types"]:
        return "subject"
    if application["requested_standing"] not in expert["standings"]:
        return "standing"
    if expert["open_assignments"] >= expert["max_concurrent"]:
        return "cap"
    return None


def picks_from_values(pool: Sequence[int], values: Sequence[int]) -> list[int]:
    """The picks a draw's random values make from its pool: value i is an index into what is
    left of the sorted pool after the earlier picks (a partial Fisher–Yates shuffle), so every
    ordered choice of ``len(values)`` distinct members is equally likely when each value is
    uniform over the members left. Raises ValueError for a value out of range."""
    remaining = sorted(pool)
    if len(set(remaining)) != len(remaining):
        raise ValueError("the pool has a member twice")
    picks = []
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool) \
                or not 0 <= value < len(remaining):
            raise ValueError(f"value {value!r} is not an index into {len(remaining)} members")
        picks.append(remaining.pop(value))
    return picks


def draw_values(pool_size: int, needed: int, randbelow) -> list[int]:
    """The random values of one draw: ``randbelow(n)`` for n = pool size, pool size − 1, …
    (``secrets.randbelow`` in the portal: the operating system's secure generator)."""
    if needed > pool_size:
        raise ValueError("the pool is smaller than the seats to fill")
    return [randbelow(pool_size - i) for i in range(needed)]
