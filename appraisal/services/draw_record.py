"""The record of a draw of assessors, its digest, its export, and its verification.

Two kinds of record (``AssessorDraw.version``):

1. **Legacy** (before issue 19): the random values came from the server's secure generator
   (``secrets.randbelow``). Anyone can recompute the exclusions, the pool and the picks from the
   values, but must trust the server that the values were not chosen.
2. **Commit-reveal** (issue 19; docs/assessment-rules.md §1): the values are HMAC-SHA256 of the
   seed whose SHA-256 (the commitment) was published before the public value existed, over
   the public value, the application, the draw's sequence and the seat
   (``rules.committed_values``). Anyone can recompute everything from the record alone, with
   ``tools/verify_draw.py`` (standard library only) or here.

The record (``record_of``) is what the SHA-256 digest covers; its export (``export_of``) is the
record and the digest, the JSON that the draw's page and the API give out.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from appraisal import rules
from appraisal.choices import DrawOutcome
from appraisal.models import AssessorDraw, Invitation

SEATS = (1, 2, 3)
RECORD_FORMAT = "dlep-assessor-draw"
HEX64 = re.compile(r"^[0-9a-f]{64}$")


def digest(record: dict) -> str:
    canonical = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def record_of(draw: AssessorDraw) -> dict:
    """What the digest covers: everything the draw wrote down."""
    if draw.version == rules.RECORD_LEGACY:
        return {
            "version": rules.RECORD_LEGACY,
            "application": draw.application_id,
            "sequence": draw.sequence,
            "outcome": draw.outcome,
            "trigger": draw.trigger,
            "needed": draw.needed,
            "seats": draw.seats,
            "application_facts": draw.application_facts,
            "candidates": draw.candidates,
            "excluded": draw.excluded,
            "pool": draw.pool,
            "values": draw.values,
            "picks": draw.picks,
            "drawn_by": draw.drawn_by_id,
            "drawn_at": draw.drawn_at.isoformat(),
        }
    c = draw.commitment
    candidates = draw.candidates
    return {
        "format": RECORD_FORMAT,
        # the version names the method (docs/assessment-rules.md §1.3); its wording is not in
        # the record, so that a clearer sentence later breaks no digest
        "version": rules.RECORD_COMMIT_REVEAL,
        "application": draw.application_id,
        "sequence": draw.sequence,
        "outcome": draw.outcome,
        "trigger": draw.trigger,
        "needed": draw.needed,
        "seats": draw.seats,
        "application_facts": draw.application_facts,
        "commitment": c.commitment,
        "commitment_made_at": _iso(c.created_at),
        "public_source": c.public_source,
        "public_value": c.public_value,
        "public_value_entered_at": _iso(c.public_value_at),
        # a draw record exists only once its commitment was used, which reveals the seed
        "seed": c.seed,
        "eligible": [{"expert": int(k), "facts": f}
                     for k, f in sorted(candidates.items(), key=lambda kv: int(kv[0]))
                     if k not in draw.excluded],
        "excluded": [{"expert": int(k), "rule": rule, "facts": candidates.get(k)}
                     for k, rule in sorted(draw.excluded.items(), key=lambda kv: int(kv[0]))],
        "pool": draw.pool,
        "values": draw.values,
        "picks": draw.picks,
        "drawn_by": draw.drawn_by_id,
        "drawn_at": draw.drawn_at.isoformat(),
    }


def export_of(draw: AssessorDraw) -> dict:
    """The JSON anyone may check with ``tools/verify_draw.py``: the record and its digest."""
    return {**record_of(draw), "digest": draw.digest}


# --- verification ------------------------------------------------------------------------------

@dataclass
class Verification:
    ok: bool
    problems: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)


def _rule_problem(key, facts: dict, app: dict, claimed: str | None) -> str | None:
    try:
        reason = rules.exclusion_reason(facts, app)
    except (KeyError, TypeError, ValueError):
        return _("ข้อมูลผู้ทรงคุณวุฒิรหัส %(id)s ไม่ครบ") % {"id": key}
    if reason == claimed:
        return None
    if claimed is None:
        return _("ผู้ทรงคุณวุฒิรหัส %(id)s อยู่ในรายชื่อผู้มีสิทธิ์ แต่ข้อมูลที่บันทึกทำให้ไม่มีสิทธิ์ "
                 "(“%(reason)s”)") % {"id": key, "reason": rules.EXCLUSION_REASONS[reason]}
    if reason is None:
        return _("ผู้ทรงคุณวุฒิรหัส %(id)s มีสิทธิ์ แต่ถูกบันทึกว่าไม่มีสิทธิ์") % {"id": key}
    return _("เหตุที่ไม่มีสิทธิ์ของผู้ทรงคุณวุฒิรหัส %(id)s ไม่ตรงกับข้อมูล "
             "(คำนวณได้ “%(reason)s”)") % {"id": key, "reason": rules.EXCLUSION_REASONS[reason]}


def _seats_and_outcome(record: dict, pool: list) -> list[str]:
    problems = []
    seats = record["seats"]
    if len(seats) != record["needed"] or len(set(seats)) != len(seats) \
            or not set(seats) <= set(SEATS):
        problems.append(_("ลำดับกรรมการที่ว่างไม่ถูกต้อง"))
    if len(pool) < record["needed"]:
        if record["outcome"] != DrawOutcome.POOL_TOO_SMALL or record["values"] \
                or record["picks"]:
            problems.append(_("ผู้มีสิทธิ์ไม่พอ แต่มีการสุ่ม"))
    elif record["outcome"] != DrawOutcome.DRAWN or len(record["values"]) != record["needed"]:
        problems.append(_("ผู้มีสิทธิ์พอ แต่จำนวนค่าสุ่มไม่ตรงกับจำนวนที่ต้องการ"))
    return problems


def _picks_problem(record: dict, pool: list) -> str | None:
    if len(pool) < record["needed"]:
        return None
    try:
        recomputed = rules.picks_from_values(pool, record["values"])
    except ValueError:
        return _("ค่าสุ่มอยู่นอกช่วงของผู้มีสิทธิ์ที่เหลือ")
    if recomputed != record["picks"]:
        return _("ผู้ที่สุ่มได้ไม่ตรงกับผลที่คำนวณจากค่าสุ่มและรายชื่อผู้มีสิทธิ์")
    return None


def check_record(record: dict) -> list[str]:
    """The rule checks of a legacy draw record, pure: every exclusion recomputed from the
    recorded facts, the pool, and the picks recomputed from the pool and the values. Thai
    problems; empty when the record follows the rules."""
    problems = []
    app = record["application_facts"]
    eligible = []
    for key, facts in sorted(record["candidates"].items(), key=lambda kv: int(kv[0])):
        if str(facts.get("id")) != key:
            problems.append(_("ข้อมูลผู้ทรงคุณวุฒิรหัส %(id)s ไม่ตรงกับรหัส") % {"id": key})
            continue
        claimed = record["excluded"].get(key)
        problem = _rule_problem(key, facts, app, claimed)
        if problem:
            problems.append(problem)
        elif claimed is None:
            eligible.append(facts["id"])
    if set(record["excluded"]) - set(record["candidates"]):
        problems.append(_("มีผู้ถูกบันทึกว่าไม่มีสิทธิ์ โดยไม่มีข้อมูลประกอบ"))
    pool = record["pool"]
    if pool != sorted(eligible):
        problems.append(_("รายชื่อผู้มีสิทธิ์ (pool) ไม่ตรงกับผู้ที่มีสิทธิ์ตามข้อมูลที่บันทึก"))
    if pool != sorted(pool) or len(set(pool)) != len(pool):
        problems.append(_("รายชื่อผู้มีสิทธิ์ไม่ได้เรียงตามรหัส หรือมีรหัสซ้ำ"))
    problems += _seats_and_outcome(record, pool)
    problem = _picks_problem(record, pool)
    if problem:
        problems.append(problem)
    return problems


def check_commit_reveal(record: dict) -> list[str]:
    """The checks of a commit-reveal record, pure (``tools/verify_draw.py`` makes the same
    ones): the seed against the commitment, the public value's form, the order of the times,
    every exclusion and every pool member from its recorded facts, the values from the seed
    and the public value, the picks from the values."""
    problems = []
    app = record["application_facts"]
    seed, commitment = record.get("seed"), record["commitment"]
    if not isinstance(commitment, str) or not HEX64.match(commitment):
        problems.append(_("ค่าผูกมัดไม่ใช่ค่า SHA-256 (เลขฐานสิบหก 64 ตัว)"))
    if not seed:
        problems.append(_("ยังไม่ได้เปิดเผยเมล็ดสุ่ม จึงตรวจสอบไม่ได้"))
    elif not isinstance(seed, str) or not HEX64.match(seed):
        problems.append(_("เมล็ดสุ่มไม่ใช่เลขฐานสิบหก 64 ตัว"))
        seed = None
    elif rules.commitment_of(seed) != commitment:
        problems.append(_("เมล็ดสุ่มที่เปิดเผยไม่ตรงกับค่าผูกมัด (SHA-256) ที่เผยแพร่ไว้ก่อนการสุ่ม"))
    public_value = record["public_value"]
    try:
        canonical = rules.canonical_public_value(public_value)
    except (ValueError, TypeError):
        canonical = None
    if not public_value or canonical != public_value:
        problems.append(_("ค่าสาธารณะว่างหรือไม่อยู่ในรูปแบบมาตรฐาน"))
    try:
        made, entered, drawn = (datetime.datetime.fromisoformat(record[k]) for k in (
            "commitment_made_at", "public_value_entered_at", "drawn_at"))
        in_order = made < entered <= drawn
    except (TypeError, ValueError):
        in_order = False
    if not in_order:
        problems.append(_("ลำดับเวลาไม่ถูกต้อง: ต้องเผยแพร่ค่าผูกมัดก่อนกรอกค่าสาธารณะ "
                          "และกรอกค่าสาธารณะก่อนหรือขณะสุ่ม"))
    if app.get("id") != record["application"]:
        problems.append(_("ข้อมูลคำขอในบันทึกไม่ตรงกับคำขอ"))
    if app.get("conflict_years") != rules.CONFLICT_YEARS:
        problems.append(_("จำนวนปีของหลักเกณฑ์สถานศึกษาเดียวกันในบันทึกไม่ตรงกับหลักเกณฑ์ (%(n)s ปี)")
                        % {"n": rules.CONFLICT_YEARS})
    seen, eligible = set(), []
    for row in record["excluded"]:
        key, facts = row.get("expert"), row.get("facts")
        if not isinstance(facts, dict) or facts.get("id") != key:
            problems.append(_("มีผู้ถูกบันทึกว่าไม่มีสิทธิ์ โดยไม่มีข้อมูลประกอบ (รหัส %(id)s)") % {
                "id": key})
            continue
        seen.add(key)
        problem = _rule_problem(key, facts, app, row.get("rule"))
        if problem:
            problems.append(problem)
    for row in record["eligible"]:
        key, facts = row.get("expert"), row.get("facts")
        if not isinstance(facts, dict) or facts.get("id") != key or key in seen:
            problems.append(_("ข้อมูลผู้ทรงคุณวุฒิรหัส %(id)s ไม่ตรงกับรหัส") % {"id": key})
            continue
        seen.add(key)
        problem = _rule_problem(key, facts, app, None)
        if problem:
            problems.append(problem)
        else:
            eligible.append(key)
    pool = record["pool"]
    if pool != sorted(eligible) or len(set(pool)) != len(pool):
        problems.append(_("รายชื่อผู้มีสิทธิ์ (pool) ไม่ตรงกับผู้ที่มีสิทธิ์ตามข้อมูลที่บันทึก"))
    problems += _seats_and_outcome(record, pool)
    if seed and canonical and len(pool) >= record["needed"] == len(record["seats"]):
        expected = rules.committed_values(seed, canonical, record["application"],
                                          record["sequence"], record["seats"], len(pool))
        if expected != record["values"]:
            problems.append(_("ค่าสุ่มไม่ตรงกับที่คำนวณจากเมล็ดสุ่ม ค่าสาธารณะ และรายชื่อผู้มีสิทธิ์"))
    problem = _picks_problem(record, pool)
    if problem:
        problems.append(problem)
    return problems


def verify_draw(draw: AssessorDraw) -> Verification:
    """Recompute a draw from its record and compare with the database."""
    result = Verification(ok=True)
    record = record_of(draw)
    if digest(record) != draw.digest:
        result.problems.append(_("ค่า SHA-256 ของบันทึกไม่ตรง: บันทึกการสุ่มถูกแก้ไขหลังการสุ่ม"))
    result.checks.append(_("ตรวจค่า SHA-256 ของบันทึกทั้งหมด"))
    check = check_record if draw.version == rules.RECORD_LEGACY else check_commit_reveal
    try:
        result.problems += check(record)
    except (KeyError, TypeError, AttributeError, ValueError):
        result.problems.append(_("บันทึกการสุ่มไม่ครบหรือรูปแบบไม่ถูกต้อง"))
    if draw.version == rules.RECORD_LEGACY:
        result.checks += [_("คำนวณสิทธิ์ของผู้ทรงคุณวุฒิทุกคนจากข้อมูลที่บันทึกไว้ใหม่"),
                          _("คำนวณผู้ที่สุ่มได้จากรายชื่อผู้มีสิทธิ์และค่าสุ่มใหม่")]
    else:
        result.checks += [_("ตรวจว่าเมล็ดสุ่มที่เปิดเผยตรงกับค่าผูกมัดที่เผยแพร่ไว้ก่อน"),
                          _("คำนวณสิทธิ์ของผู้ทรงคุณวุฒิทุกคนจากข้อมูลที่บันทึกไว้ใหม่"),
                          _("คำนวณค่าสุ่มจากเมล็ดสุ่มและค่าสาธารณะ และผู้ที่สุ่มได้ใหม่")]
        result.problems += _commitment_problems(draw)
    application = draw.application
    app = draw.application_facts
    frozen = {"id": application.pk, "subject_area_id": application.subject_area_id,
              "classroom_type": application.classroom_type,
              "requested_standing": application.requested_standing}
    if any(app.get(k) != v for k, v in frozen.items()):
        result.problems.append(_("ข้อมูลคำขอในบันทึกไม่ตรงกับคำขอ"))
    invited = sorted(Invitation.objects.filter(draw=draw).values_list("seat", "expert_id"))
    if invited != sorted(zip(draw.seats, draw.picks, strict=False)):
        result.problems.append(_("การเชิญกรรมการในระบบไม่ตรงกับผู้ที่สุ่มได้"))
    before = set(Invitation.objects.filter(application=application,
                                           draw__sequence__lt=draw.sequence).values_list(
        "expert_id", flat=True))
    if before != set(app.get("spent_expert_ids", [])) | set(app.get("seated_expert_ids", [])):
        result.problems.append(_("รายชื่อผู้ที่เคยได้รับเชิญก่อนการสุ่มครั้งนี้ไม่ตรงกับในระบบ"))
    result.checks.append(_("เทียบกับการเชิญกรรมการในระบบ"))
    result.problems = list(dict.fromkeys(result.problems))
    result.ok = not result.problems
    return result


def _commitment_problems(draw: AssessorDraw) -> list[str]:
    """The commitment in the database: bound to the application, and, for a refill, the one
    the application's earlier draw revealed (docs/assessment-rules.md §1.4)."""
    c = draw.commitment
    problems = []
    if not c.applications.filter(pk=draw.application_id).exists():
        problems.append(_("ค่าผูกมัดนี้ไม่ได้ผูกไว้กับคำขอนี้"))
    if c.revealed_at is None:
        problems.append(_("ค่าผูกมัดของการสุ่มครั้งนี้ยังไม่ได้บันทึกว่าเปิดเผยแล้ว"))
    if draw.trigger.startswith("refill:") and draw.drawn_by_id is None:
        earlier = AssessorDraw.objects.filter(
            application_id=draw.application_id, sequence__lt=draw.sequence,
            outcome=DrawOutcome.DRAWN).order_by("-sequence").first()
        if earlier is None or earlier.commitment_id != c.pk:
            problems.append(_("การสุ่มแทนต้องใช้ค่าผูกมัดและค่าสาธารณะของการสุ่มครั้งก่อนของคำขอ"))
    return problems
