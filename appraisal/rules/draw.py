"""Who may be drawn to assess an application, and the picks from the random values (seed 004
step 4): the values of a commit-reveal draw (RFC 3797's idea with HMAC-SHA256), or, in the
records made before it, the server's secure generator. docs/assessment-rules.md §1 specifies
every byte; ``tools/verify_draw.py`` is a second, independent implementation of the same."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from collections.abc import Sequence

from django.utils.translation import gettext, gettext_lazy

from appraisal.rules.conflicts import conflict_reason

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
    "spouse": gettext_lazy("แจ้งไว้ว่าเป็นคู่สมรสหรือคู่หมั้นของผู้ขอ"),
    "kin": gettext_lazy("แจ้งไว้ว่าเป็นญาติของผู้ขอ"),
    "former_supervisor": gettext_lazy("แจ้งไว้ว่าเคยเป็นผู้บังคับบัญชาของผู้ขอ"),
    "former_subordinate": gettext_lazy("แจ้งไว้ว่าเคยเป็นผู้ใต้บังคับบัญชาของผู้ขอ"),
    "declared_same_school": gettext_lazy("แจ้งไว้ว่าปฏิบัติงานในสถานศึกษาเดียวกับผู้ขอ "
                                         "ภายในระยะเวลาที่หลักเกณฑ์กำหนด"),
    "school_history": gettext_lazy("ประวัติ ก.พ.7 แสดงว่าปฏิบัติงานในสถานศึกษาเดียวกับผู้ขอ "
                                   "ในช่วงเวลาเดียวกัน ภายในระยะเวลาที่หลักเกณฑ์กำหนด"),
    "same_school": gettext_lazy("อยู่สถานศึกษาเดียวกับผู้ขอ"),
    "same_lao": gettext_lazy("อยู่ อปท. เดียวกับผู้ขอ"),
    "spent": gettext_lazy("เคยปฏิเสธ หมดเวลาตอบรับ หรือถูกยกเลิกในคำขอนี้แล้ว"),
    "seated": gettext_lazy("เป็นกรรมการของคำขอนี้อยู่แล้ว"),
}


# Why a seat was drawn again (the stored trigger ``refill:<invitation state>:<invitation id>``,
# kept as it is because the draw's digest covers it), in the words a page shows.
REFILL_CAUSES = {
    "declined": gettext_lazy("ผู้ทรงคุณวุฒิที่ได้รับเชิญปฏิเสธคำเชิญ"),
    "timed_out": gettext_lazy("ผู้ทรงคุณวุฒิที่ได้รับเชิญไม่ตอบรับภายในเวลาที่กำหนด"),
    "cancelled": gettext_lazy("หน่วยงานยกเลิกการเป็นกรรมการของผู้ทรงคุณวุฒิที่ได้รับเชิญ"),
}
MANUAL_TRIGGER = gettext_lazy("เจ้าหน้าที่สั่งสุ่ม")


def trigger_words(trigger: str, seats: Sequence[int]) -> str:
    """A draw's stored reason in Thai words: a refill names the seat and what freed it
    ("สุ่มแทนกรรมการคนที่ 2: ผู้ทรงคุณวุฒิที่ได้รับเชิญปฏิเสธคำเชิญ"); a committee's resolution
    is already words; anything else is shown as it was recorded."""
    kind, _sep, rest = trigger.partition(":")
    if kind == "refill":
        state = rest.partition(":")[0]
        cause = REFILL_CAUSES.get(state, gettext("ที่นั่งกรรมการว่าง"))
        seat_list = ", ".join(str(seat) for seat in seats)
        return gettext("สุ่มแทนกรรมการคนที่ %(seats)s: %(cause)s") % {
            "seats": seat_list, "cause": cause}
    if trigger in ("", "manual"):
        return str(MANUAL_TRIGGER)
    return trigger


def exclusion_reason(expert: dict, application: dict) -> str | None:
    """Why the expert cannot be drawn for the application (a key of ``EXCLUSION_REASONS``), or
    None when they can. RULES.md §4.5 step 4 and issue 6: same subject area and classroom type;
    registered for the requested standing; active on the day; under their cap of open
    assignments; not the applicant; not related to the applicant (issue 19: a declared relation
    or the same school in the ก.พ.7 history, ``conflicts.conflict_reason``); not of the
    applicant's school or LAO; not anyone who already declined, timed out or was cancelled on
    this application, nor a sitting assessor of it."""
    if expert["id"] in application["spent_expert_ids"]:
        return "spent"
    if expert["id"] in application["seated_expert_ids"]:
        return "seated"
    if (expert["user_id"] is not None
            and expert["user_id"] == application["applicant_user_id"]) \
            or expert["same_national_id"]:
        return "applicant"
    conflict = conflict_reason(expert, application)
    if conflict is not None:
        return conflict
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


# --- the commit-reveal draw (issue 19; docs/assessment-rules.md §1) ---------------------------

# Records: 1 = the values came from the server's generator (before issue 19); 2 = commit-reveal.
RECORD_LEGACY = 1
RECORD_COMMIT_REVEAL = 2
SEED_BYTES = 32
MESSAGE_PREFIX = "DLEP-DRAW-2"
METHOD = ("HMAC-SHA256(key=seed, message='DLEP-DRAW-2|<application>|<sequence>|<seat>|<counter>|'"
          " + UTF-8(public_value)) read as a big-endian integer x; accepted when x < 2^256 − "
          "(2^256 mod n), value = x mod n, else counter + 1; n = members left; value i picks "
          "index i of what is left of the sorted pool")
_SPAN = 1 << 256


def commitment_of(seed: str) -> str:
    """The published commitment of a seed: SHA-256 of the seed's bytes, hex."""
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def canonical_public_value(text: str) -> str:
    """The public value as the draw uses it: Unicode NFC, runs of whitespace (also newlines) as
    one space, no leading or trailing space. ValueError for other control characters."""
    value = " ".join(unicodedata.normalize("NFC", text or "").split())
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise ValueError("control character in the public value")
    return value


def seat_message(application: int, sequence: int, seat: int, counter: int,
                 public_value: str) -> bytes:
    return (f"{MESSAGE_PREFIX}|{application}|{sequence}|{seat}|{counter}|".encode("ascii")
            + public_value.encode("utf-8"))


def accepted_index(x: int, n: int) -> int | None:
    """``x mod n`` when ``x`` lies below the largest multiple of ``n`` under 2^256 (so that
    every index is equally likely), else None (draw again with the next counter)."""
    if n < 1:
        raise ValueError("nobody to pick from")
    return x % n if x < _SPAN - (_SPAN % n) else None


def committed_index(seed: str, public_value: str, application: int, sequence: int, seat: int,
                    n: int) -> int:
    """The index (0 ≤ i < n) a seat's HMAC picks: deterministic in every argument."""
    key = bytes.fromhex(seed)
    counter = 0
    while True:
        mac = hmac.new(key, seat_message(application, sequence, seat, counter, public_value),
                       hashlib.sha256).digest()
        index = accepted_index(int.from_bytes(mac, "big"), n)
        if index is not None:
            return index
        counter += 1


def committed_values(seed: str, public_value: str, application: int, sequence: int,
                     seats: Sequence[int], pool_size: int) -> list[int]:
    """The values of a commit-reveal draw: one per vacant seat, in seat order, the k-th over
    the pool size − k members left."""
    if len(seats) > pool_size:
        raise ValueError("the pool is smaller than the seats to fill")
    return [committed_index(seed, public_value, application, sequence, seat, pool_size - k)
            for k, seat in enumerate(seats)]
