#!/usr/bin/env python3
"""ตรวจสอบบันทึกการสุ่มคัดเลือกกรรมการประเมินวิทยฐานะ ด้วยตนเอง โดยไม่ต้องเชื่อใจเซิร์ฟเวอร์
Check a record of a random draw of assessors yourself, without trusting the server.

    python verify_draw.py draw-123.json

ใช้ได้กับ Python 3.8 ขึ้นไป ใช้เฉพาะไลบรารีมาตรฐาน (ไม่ต้องติดตั้งอะไรเพิ่ม ไม่ต้องใช้ Django)
Python 3.8 or newer, standard library only (nothing to install, no Django).

What it recomputes from the JSON alone (docs/assessment-rules.md §1 of the portal gives every
byte; this file is a second implementation, independent of the portal's code):

1. the commitment: SHA-256 of the revealed seed must be the commitment published before the draw;
2. the times: the commitment was made before the public value was entered, and that before the
   draw;
3. every exclusion from the facts recorded for that expert and the application, under the rule
   it names; every pool member is eligible on its facts; the pool is exactly the eligible ones,
   sorted;
4. the random values: HMAC-SHA256 keyed with the seed over the application, the draw's sequence,
   the seat, a counter and the public value, read as an integer, with rejection sampling;
5. the picks: value i is the index into what is left of the sorted pool (partial Fisher–Yates);
6. the SHA-256 digest of the record (a check that the file is the record the portal kept; it
   proves nothing against someone who edits the file, the checks above do).

What only a person can check: that the public value is the one announced (the lottery result of
the stated date, the numbers read aloud in the meeting), and that it could not be known when the
commitment was published (the time is printed).

Exit status: 0 everything holds; 1 something does not (each problem is named); 2 the file
cannot be read as a draw record.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import re
import sys
import unicodedata

# --- the rules, as the portal applies them --------------------------------------------------

# The same-school window, in years (the portal's rule, docs/assessment-rules.md §2)
CONFLICT_YEARS = 3
SEATS = (1, 2, 3)
HEX64 = re.compile(r"^[0-9a-f]{64}$")
SPAN = 1 << 256
PREFIX = "DLEP-DRAW-2"

RULES = {
    "spent": ("เคยปฏิเสธ หมดเวลาตอบรับ หรือถูกยกเลิกในคำขอนี้แล้ว",
              "declined, timed out or was cancelled on this application"),
    "seated": ("เป็นกรรมการของคำขอนี้อยู่แล้ว", "already an assessor of this application"),
    "applicant": ("เป็นผู้ขอรับการประเมินเอง", "is the applicant"),
    "spouse": ("แจ้งไว้ว่าเป็นคู่สมรสหรือคู่หมั้นของผู้ขอ", "declared spouse of the applicant"),
    "kin": ("แจ้งไว้ว่าเป็นญาติของผู้ขอ", "declared relative of the applicant"),
    "former_supervisor": ("แจ้งไว้ว่าเคยเป็นผู้บังคับบัญชาของผู้ขอ",
                          "declared former supervisor of the applicant"),
    "former_subordinate": ("แจ้งไว้ว่าเคยเป็นผู้ใต้บังคับบัญชาของผู้ขอ",
                           "declared former subordinate of the applicant"),
    "declared_same_school": ("แจ้งไว้ว่าปฏิบัติงานในสถานศึกษาเดียวกับผู้ขอภายในระยะเวลาที่กำหนด",
                             "declared the same school as the applicant, recently"),
    "school_history": ("ประวัติ ก.พ.7 แสดงว่าปฏิบัติงานในสถานศึกษาเดียวกับผู้ขอในช่วงเวลาเดียวกัน",
                       "the same school as the applicant at the same time, recently (ก.พ.7)"),
    "same_school": ("อยู่สถานศึกษาเดียวกับผู้ขอ", "at the applicant's school"),
    "same_lao": ("อยู่ อปท. เดียวกับผู้ขอ", "at the applicant's local administration"),
    "no_account": ("ยังไม่มีบัญชีผู้ใช้ในระบบ หรือบัญชีถูกระงับ", "no active portal account"),
    "inactive": ("ไม่อยู่ในช่วงเวลาที่ขึ้นบัญชี หรือถูกระงับ", "not active on the day"),
    "subject": ("ไม่ได้ขึ้นบัญชีในสาขา/ประเภทห้องเรียนของคำขอ",
                "not registered for the subject area or classroom type"),
    "standing": ("ไม่ได้ขึ้นบัญชีสำหรับวิทยฐานะที่ขอ",
                 "not registered for the requested standing"),
    "cap": ("มีงานประเมินค้างอยู่เต็มจำนวนที่กำหนด", "at the cap of open assignments"),
}
DECLARED = (("spouse", "spouse"), ("kin", "kin"), ("former_supervisor", "former_supervisor"),
            ("former_subordinate", "former_subordinate"),
            ("same_school", "declared_same_school"))


def normalize(text):
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def years_before(day, years):
    d = datetime.date.fromisoformat(day)
    try:
        return d.replace(year=d.year - years).isoformat()
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28).isoformat()


def conflict_rule(expert, app):
    as_of = app["as_of"]
    cutoff = years_before(as_of, app.get("conflict_years", CONFLICT_YEARS))
    declared = expert.get("declared") or []
    for kind, rule in DECLARED:
        for relation in declared:
            if relation["kind"] != kind:
                continue
            if kind == "same_school" and relation.get("until") is not None \
                    and relation["until"] < cutoff:
                continue
            return rule
    for mine in expert.get("school_periods") or []:
        for theirs in app.get("school_periods") or []:
            if mine["school"] != theirs["school"]:
                continue
            start = max(mine["from"], theirs["from"])
            end = min(mine["to"] or as_of, theirs["to"] or as_of)
            if start <= end and end >= cutoff:
                return "school_history"
    return None


def exclusion_rule(e, app):
    """Why the expert with facts ``e`` cannot be drawn for the application ``app``, or None."""
    if e["id"] in app["spent_expert_ids"]:
        return "spent"
    if e["id"] in app["seated_expert_ids"]:
        return "seated"
    if (e["user_id"] is not None and e["user_id"] == app["applicant_user_id"]) \
            or e["same_national_id"]:
        return "applicant"
    conflict = conflict_rule(e, app)
    if conflict is not None:
        return conflict
    paths = [p for p in [e["home_path"], *list(e["member_paths"])] if p]
    if any(p.startswith(app["school_path"]) for p in paths):
        return "same_school"
    if app["lao_path"] and any(p.startswith(app["lao_path"]) for p in paths):
        return "same_lao"
    if e["user_id"] is None or not e["user_active"]:
        return "no_account"
    day = app["as_of"]
    if not e["is_active"] or e["active_from"] > day or (
            e["active_to"] is not None and e["active_to"] < day):
        return "inactive"
    if app["subject_area_id"] not in e["subject_area_ids"] \
            or app["classroom_type"] not in e["classroom_types"]:
        return "subject"
    if app["requested_standing"] not in e["standings"]:
        return "standing"
    if e["open_assignments"] >= e["max_concurrent"]:
        return "cap"
    return None


# --- the draw -------------------------------------------------------------------------------

def canonical_public_value(text):
    return " ".join(unicodedata.normalize("NFC", text).split())


def commitment_of(seed):
    return hashlib.sha256(bytes.fromhex(seed)).hexdigest()


def value_for(seed, public_value, application, sequence, seat, n):
    key = bytes.fromhex(seed)
    counter = 0
    while True:
        head = f"{PREFIX}|{int(application)}|{int(sequence)}|{int(seat)}|{counter}|"
        message = head.encode("ascii") + public_value.encode("utf-8")
        x = int.from_bytes(hmac.new(key, message, hashlib.sha256).digest(), "big")
        if x < SPAN - (SPAN % n):
            return x % n
        counter += 1


def values_for(seed, public_value, application, sequence, seats, pool_size):
    return [value_for(seed, public_value, application, sequence, seat, pool_size - k)
            for k, seat in enumerate(seats)]


def picks_for(pool, values):
    remaining = sorted(pool)
    picks = []
    for value in values:
        if not isinstance(value, int) or isinstance(value, bool) \
                or not 0 <= value < len(remaining):
            return None
        picks.append(remaining.pop(value))
    return picks


def digest_of(record):
    body = {k: v for k, v in record.items() if k != "digest"}
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- the checks -----------------------------------------------------------------------------

class Report:
    def __init__(self):
        self.problems = []  # (what, Thai, English)
        self.notes = []

    def fail(self, what, th, en):
        self.problems.append((what, th, en))


def check_rules(record, report, eligible_rows, excluded_rows):
    """Exclusions, pool, seats, values count, picks — both kinds of record."""
    app = record["application_facts"]
    seen, eligible = set(), []
    for expert, claimed, facts in excluded_rows:
        if not isinstance(facts, dict) or facts.get("id") != expert:
            report.fail("exclusion",
                        f"ผู้ทรงคุณวุฒิรหัส {expert} ถูกบันทึกว่าไม่มีสิทธิ์ โดยไม่มีข้อมูลประกอบ",
                        f"expert {expert} is excluded without recorded facts")
            continue
        seen.add(expert)
        rule = exclusion_rule(facts, app)
        if rule != claimed:
            th_rule, en_rule = RULES.get(rule, ("มีสิทธิ์", "eligible")) if rule else (
                "มีสิทธิ์", "eligible")
            report.fail("exclusion",
                        f"ผู้ทรงคุณวุฒิรหัส {expert} ถูกบันทึกว่าไม่มีสิทธิ์เพราะ "
                        f"“{RULES.get(claimed, (claimed, claimed))[0]}” "
                        f"แต่ข้อมูลที่บันทึกไว้ให้ผลว่า “{th_rule}”",
                        f"expert {expert} is excluded as {claimed!r}, "
                        f"but the recorded facts give: {en_rule}")
    for expert, facts in eligible_rows:
        if not isinstance(facts, dict) or facts.get("id") != expert or expert in seen:
            report.fail("pool", f"ข้อมูลของผู้ทรงคุณวุฒิรหัส {expert} ไม่ถูกต้องหรือซ้ำ",
                        f"the facts of expert {expert} are wrong or repeated")
            continue
        seen.add(expert)
        rule = exclusion_rule(facts, app)
        if rule is not None:
            report.fail("pool", f"ผู้ทรงคุณวุฒิรหัส {expert} อยู่ในรายชื่อผู้มีสิทธิ์ "
                        f"แต่ข้อมูลที่บันทึกไว้ทำให้ไม่มีสิทธิ์ (“{RULES[rule][0]}”)",
                        f"expert {expert} is in the pool, "
                        f"but the recorded facts exclude them ({RULES[rule][1]})")
        else:
            eligible.append(expert)
    pool = record["pool"]
    if pool != sorted(eligible) or len(set(pool)) != len(pool):
        report.fail("pool", "รายชื่อผู้มีสิทธิ์ (pool) ไม่ตรงกับผู้ที่มีสิทธิ์ตามข้อมูลที่บันทึก หรือไม่ได้เรียงตามรหัส",
                    "the pool is not exactly the eligible experts of the recorded facts, sorted")
    seats, needed = record["seats"], record["needed"]
    if len(seats) != needed or len(set(seats)) != len(seats) or not set(seats) <= set(SEATS):
        report.fail("seats", "ลำดับกรรมการที่ว่างไม่ถูกต้อง", "the vacant seats are wrong")
    if len(pool) < needed:
        if record["outcome"] != "pool_too_small" or record["values"] or record["picks"]:
            report.fail("picks", "ผู้มีสิทธิ์ไม่พอ แต่มีการสุ่ม", "too small a pool, yet someone was picked")
        return pool
    if record["outcome"] != "drawn" or len(record["values"]) != needed:
        report.fail("values", "ผู้มีสิทธิ์พอ แต่จำนวนค่าสุ่มไม่ตรงกับจำนวนที่ต้องการ",
                    "the pool is large enough, but the number of values is not the seats'")
    picks = picks_for(pool, record["values"])
    if picks is None:
        report.fail("values", "ค่าสุ่มอยู่นอกช่วงของผู้มีสิทธิ์ที่เหลือ", "a value is out of range")
    elif picks != record["picks"]:
        report.fail("picks", "ผู้ที่สุ่มได้ (picks) ไม่ตรงกับผลที่คำนวณจากค่าสุ่มและรายชื่อผู้มีสิทธิ์ "
                    f"คำนวณได้ {picks}",
                    f"the picks are not what the values make of the pool: {picks}")
    return pool


def check_commit_reveal(record, report):
    app = record["application_facts"]
    commitment, seed = record.get("commitment"), record.get("seed")
    if not isinstance(commitment, str) or not HEX64.match(commitment):
        report.fail("commitment", "ค่าผูกมัด (commitment) ไม่ใช่ค่า SHA-256 เลขฐานสิบหก 64 ตัว",
                    "the commitment is not a 64-digit hex SHA-256")
    if not seed:
        report.fail("seed", "ยังไม่ได้เปิดเผยเมล็ดสุ่ม (seed) จึงตรวจสอบไม่ได้",
                    "the seed is not revealed yet: nothing can be checked")
    elif not isinstance(seed, str) or not HEX64.match(seed):
        report.fail("seed", "เมล็ดสุ่ม (seed) ไม่ใช่เลขฐานสิบหก 64 ตัว", "the seed is not 64 hex digits")
        seed = None
    elif commitment_of(seed) != commitment:
        report.fail("commitment", "SHA-256 ของเมล็ดสุ่ม (seed) ไม่ตรงกับค่าผูกมัด (commitment) "
                    "ที่เผยแพร่ไว้ก่อนการสุ่ม",
                    "SHA-256 of the seed is not the commitment published before the draw")
    public_value = record.get("public_value")
    if not isinstance(public_value, str) or not public_value \
            or canonical_public_value(public_value) != public_value:
        report.fail("public_value", "ค่าสาธารณะ (public_value) ว่างหรือไม่อยู่ในรูปแบบมาตรฐาน",
                    "the public value is empty or not in its canonical form")
        public_value = None
    try:
        made, entered, drawn = (datetime.datetime.fromisoformat(record[k]) for k in (
            "commitment_made_at", "public_value_entered_at", "drawn_at"))
        in_order = made < entered <= drawn
    except (KeyError, TypeError, ValueError):
        in_order = False
    if not in_order:
        report.fail("times", "ลำดับเวลาไม่ถูกต้อง: ต้องเผยแพร่ค่าผูกมัดก่อนกรอกค่าสาธารณะ และกรอกก่อนหรือขณะสุ่ม",
                    "the commitment must come before the public value, and that not after the draw")
    if app.get("id") != record["application"]:
        report.fail("application", "ข้อมูลคำขอในบันทึกไม่ตรงกับเลขที่คำขอ",
                    "the application facts are not of this application")
    if app.get("conflict_years") != CONFLICT_YEARS:
        years = app.get("conflict_years")
        report.fail("rules", f"จำนวนปีของหลักเกณฑ์สถานศึกษาเดียวกันในบันทึก ({years}) "
                    f"ไม่ตรงกับหลักเกณฑ์ ({CONFLICT_YEARS} ปี)",
                    f"the same-school window of the record ({years}) is not the rule's "
                    f"({CONFLICT_YEARS} years)")
    excluded = [(row.get("expert"), row.get("rule"), row.get("facts"))
                for row in record["excluded"]]
    eligible = [(row.get("expert"), row.get("facts")) for row in record["eligible"]]
    pool = check_rules(record, report, eligible, excluded)
    seats = record["seats"]
    if seed and public_value and len(pool) >= record["needed"] == len(seats) \
            and set(seats) <= set(SEATS):
        expected = values_for(seed, public_value, record["application"], record["sequence"],
                              seats, len(pool))
        if expected != record["values"]:
            report.fail("values",
                        "ค่าสุ่ม (values) ไม่ตรงกับที่คำนวณจากเมล็ดสุ่ม ค่าสาธารณะ และรายชื่อผู้มีสิทธิ์ "
                        f"(ค่าสาธารณะ เมล็ดสุ่ม หรือค่าสุ่มถูกแก้ไข) คำนวณได้ {expected}",
                        f"the values are not what the seed and the public value make: {expected} "
                        "(the public value, the seed or the values were changed)")


def check_legacy(record, report):
    report.notes.append((
        "บันทึกนี้เป็นแบบเดิม (ก่อนมีการผูกมัดและเปิดเผยเมล็ดสุ่ม): ค่าสุ่มมาจากตัวสุ่มของเซิร์ฟเวอร์ "
        "ตรวจได้เพียงว่าสิทธิ์ รายชื่อผู้มีสิทธิ์ และผู้ที่สุ่มได้ สอดคล้องกับค่าสุ่มที่บันทึกไว้ "
        "แต่พิสูจน์ไม่ได้ว่าค่าสุ่มไม่ได้ถูกเลือก",
        "This is a record of the OLD kind (before commit-reveal): its random values came from the "
        "server's generator. The exclusions, the pool and the picks can be checked against the "
        "recorded values, but nothing proves the values were not chosen."))
    candidates = record["candidates"]
    excluded = [(int(k), rule, candidates.get(k)) for k, rule in record["excluded"].items()]
    eligible = [(int(k), f) for k, f in candidates.items() if k not in record["excluded"]]
    check_rules(record, report, eligible, excluded)


def load(path):
    with open(path, "rb") as handle:
        data = json.loads(handle.read().decode("utf-8"))
    if isinstance(data, dict) and isinstance(data.get("record"), dict):  # an older download
        data = dict(data["record"], digest=data.get("digest"))
    if not isinstance(data, dict) or data.get("version") not in (1, 2):
        raise ValueError("not a draw record")
    return data


def verify(record):
    report = Report()
    try:
        if record["version"] == 2:
            check_commit_reveal(record, report)
        else:
            check_legacy(record, report)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        report.fail("format", f"บันทึกไม่ครบหรือรูปแบบไม่ถูกต้อง ({error})",
                    f"the record is incomplete or malformed ({error})")
    if record.get("digest") and digest_of(record) != record["digest"]:
        report.fail("digest", "ค่า SHA-256 ของบันทึก (digest) ไม่ตรง: ไฟล์นี้ไม่ใช่บันทึกที่ระบบเก็บไว้ทุกประการ",
                    "the record's SHA-256 digest does not match: this file is not the record "
                    "as the portal kept it")
    return report


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    try:
        record = load(argv[0])
    except (OSError, UnicodeDecodeError, ValueError) as error:
        print(f"อ่านไฟล์บันทึกการสุ่มไม่ได้ / Cannot read the draw record: {error}")
        return 2
    report = verify(record)
    print(f"บันทึกการสุ่ม / Draw record: คำขอ (application) {record.get('application')} "
          f"ครั้งที่ (sequence) {record.get('sequence')}")
    if record.get("version") == 2:
        print(f"ค่าผูกมัด / commitment: {record.get('commitment')} "
              f"(เผยแพร่เมื่อ / published {record.get('commitment_made_at')})")
        print(f"ค่าสาธารณะ / public value: {record.get('public_value')} "
              f"(กรอกเมื่อ / entered {record.get('public_value_entered_at')})")
        if record.get("public_source"):
            print(f"แหล่งที่ประกาศไว้ / stated source: {record['public_source']}")
        print(f"ผู้ที่สุ่มได้ / picks: {record.get('picks')}")
    for th, en in report.notes:
        print("หมายเหตุ: " + th)
        print("Note: " + en)
    if report.problems:
        print("ตรวจไม่ผ่าน / FAILED:")
        for what, th, en in report.problems:
            print(f"  ✗ [{what}] {th}")
            print(f"      {en}")
        return 1
    print("ผ่าน: ทุกข้อเป็นไปตามหลักเกณฑ์ / PASSED: everything holds.")
    if record.get("version") == 2:
        print("โปรดตรวจเองว่าค่าสาธารณะตรงกับที่ประกาศจริง และประกาศหลังเวลาที่เผยแพร่ค่าผูกมัด / "
              "Check yourself that the public value is the one announced, after the commitment.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
