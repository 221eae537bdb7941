"""appraisal.rules: the evidence files at their boundaries (seed 004 เอกสารหลักฐาน ข้อ 6–9;
RULES.md §4.4). Pure functions: no database."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from appraisal.rules import (
    A4_MM,
    OUTCOME_MAX_FILES,
    EvidenceFact,
    check_evidence,
    evidence_file_problem,
    format_duration,
    missing_or_invalid_slots,
    outcome_composition_problems,
)

# conftest.py's autouse `settings` fixture is function-scoped; it only sets Django settings,
# which these functions read only for the language, the same in every example.
props = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=200)


# --- evidence files: seed 004 เอกสารหลักฐาน ข้อ 6–9 ------------------------------------------------


@pytest.mark.parametrize(("seconds", "shown"),
                         [(0, "0:00"), (59.9, "0:59"), (600, "10:00"), (600.9, "10:00"),
                          (601, "10:01"), (3599, "59:59"), (3600, "1:00:00"),
                          (3601, "1:00:01"), (36000, "10:00:00")])
def test_format_duration(seconds, shown):
    assert format_duration(seconds) == shown


def test_format_duration_refuses_what_is_not_a_duration():
    for bad in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="not a duration"):
            format_duration(bad)


@pytest.mark.parametrize("slot", ["inspiration_video", "outcome"])
def test_ten_minute_video_passes_and_ten_minutes_one_second_fails(slot):
    assert evidence_file_problem(slot, "video", duration_seconds=600.0) is None
    assert evidence_file_problem(slot, "video", duration_seconds=600.9) is None
    reason = evidence_file_problem(slot, "video", duration_seconds=601.0)
    assert reason == "วีดิทัศน์ยาว 10:01 นาที เกินกำหนด 10:00 นาที"


def test_teaching_video_sixty_minutes_passes_and_sixty_minutes_one_second_fails():
    assert evidence_file_problem("teaching_video", "video", duration_seconds=3600) is None
    assert evidence_file_problem("teaching_video", "video", duration_seconds=3600.5) is None
    reason = evidence_file_problem("teaching_video", "video", duration_seconds=3601)
    assert reason is not None
    assert "1:00:01" in reason
    assert "1:00:00" in reason


def test_a_video_without_a_readable_length_is_a_problem():
    assert "ความยาว" in evidence_file_problem("teaching_video", "video")
    assert "ความยาว" in evidence_file_problem("outcome", "video",
                                              duration_seconds=float("nan"))


def test_outcome_pdf_ten_pages_passes_and_eleven_fails():
    assert evidence_file_problem("outcome", "pdf", pages=10) is None
    reason = evidence_file_problem("outcome", "pdf", pages=11)
    assert reason is not None
    assert "11" in reason
    assert "10" in reason


def test_outcome_pdf_with_unknown_page_count_or_no_pages_is_a_problem():
    assert evidence_file_problem("outcome", "pdf") is not None
    assert evidence_file_problem("outcome", "pdf", pages=0) is not None


@pytest.mark.parametrize(
    ("sizes", "ok"),
    [
        ([A4_MM], True),
        ([(297, 210)], True),  # landscape
        ([(210.5, 297.4), (211.9, 298.9)], True),  # rounding of points to mm
        ([(148, 210)], True),  # A5 is smaller
        ([(210, 297), (250, 353)], False),  # B4 on page 2
        ([(297, 420)], False),  # A3
        ([(420, 297)], False),
        ([(213, 297)], False),
    ],
)
def test_outcome_pdf_pages_no_larger_than_a4(sizes, ok):
    reason = evidence_file_problem("outcome", "pdf", pages=len(sizes), page_sizes_mm=sizes)
    assert (reason is None) is ok
    if not ok:
        assert "A4" in reason


def test_lesson_plan_is_one_pdf_of_any_length():
    assert evidence_file_problem("lesson_plan", "pdf", pages=250) is None
    assert evidence_file_problem("lesson_plan", "pdf", pages=1,
                                 page_sizes_mm=[(297, 420)]) is None
    reason = evidence_file_problem("lesson_plan", "video", duration_seconds=60)
    assert reason == "ต้องเป็นเอกสาร PDF แต่ไฟล์นี้เป็นวีดิทัศน์"


@pytest.mark.parametrize(
    ("slot", "kind", "ok"),
    [
        ("inspiration_video", "pdf", False),
        ("teaching_video", "image", False),
        ("outcome", "image", True),
        ("outcome", "pdf", True),
        ("shorten_evidence", "pdf", True),
        ("shorten_evidence", "image", True),
        ("shorten_evidence", "video", False),
        ("lesson_plan", "", False),
        ("outcome", "", False),
    ],
)
def test_each_slot_takes_its_kinds(slot, kind, ok):
    problem = evidence_file_problem(slot, kind, pages=1, duration_seconds=10)
    assert (problem is None) is ok


def test_unknown_slot_is_refused():
    with pytest.raises(ValueError, match="unknown evidence slot"):
        evidence_file_problem("diary", "pdf", pages=1)


@pytest.mark.parametrize(
    ("kinds", "flagged"),
    [
        (["video", "pdf", "pdf"], set()),  # one video + 2 others
        (["pdf", "video", "image"], set()),
        (["pdf", "pdf", "image"], set()),  # 3 without a video
        (["video"], set()),
        ([], set()),
        (["video", "video"], {1}),  # the second video
        (["pdf", "video", "video"], {2}),
        (["video", "pdf", "video"], {2}),
        (["video", "pdf", "pdf", "image"], {3}),  # one video + 3 others
        (["pdf", "pdf", "pdf", "video"], {3}),
        (["pdf", "pdf", "image", "pdf"], {3}),  # 4 without a video
        (["video", "video", "video", "pdf", "pdf", "pdf"], {1, 2, 5}),
    ],
)
def test_outcome_composition(kinds, flagged):
    assert set(outcome_composition_problems(kinds)) == flagged


def test_outcome_composition_reasons():
    assert outcome_composition_problems(["video", "video"]) == {
        1: "ส่งวีดิทัศน์ผลลัพธ์การเรียนรู้ได้เพียง 1 ไฟล์"}
    assert "อีกไม่เกิน 2 ไฟล์" in outcome_composition_problems(["video", "pdf", "pdf", "pdf"])[3]
    assert "ไม่เกิน 3 ไฟล์" in outcome_composition_problems(["pdf"] * 4)[3]


@props
@given(st.lists(st.sampled_from(["video", "pdf", "image", ""]), max_size=7))
def test_outcome_composition_keeps_as_many_files_as_the_rule_allows(kinds):
    problems = outcome_composition_problems(kinds)
    kept = [k for i, k in enumerate(kinds) if i not in problems]
    # what is kept obeys the rule ...
    assert kept.count("video") <= 1
    assert len(kept) <= OUTCOME_MAX_FILES
    # ... and nothing more could be kept (brute force over every subset)
    best = max(len(subset) for n in range(len(kinds) + 1)
               for subset in itertools.combinations(kinds, n)
               if subset.count("video") <= 1 and len(subset) <= OUTCOME_MAX_FILES)
    assert len(kept) == best
    # the files are judged in position order: a flagged file never comes before a kept one
    # of the same kind-class
    for i in problems:
        assert all(j < i for j, k in enumerate(kinds) if j not in problems
                   and (k == "video") == (kinds[i] == "video"))


def ev(slot, position=1, state="valid", kind=None, reason=""):
    default = {"lesson_plan": "pdf", "inspiration_video": "video", "teaching_video": "video",
               "outcome": "pdf", "shorten_evidence": "pdf"}[slot]
    return EvidenceFact(slot, position, state, kind or default, reason)


COMPLETE = [ev("lesson_plan"), ev("inspiration_video"), ev("teaching_video"), ev("outcome")]


def test_check_evidence_complete_and_valid_passes():
    v = check_evidence(COMPLETE)
    assert v.passed
    assert "4 ไฟล์" in v.explanation
    assert missing_or_invalid_slots(COMPLETE) == []


def test_check_evidence_with_up_to_three_outcome_files_passes():
    files = [*COMPLETE[:3], ev("outcome", 1, kind="video"), ev("outcome", 2),
             ev("outcome", 3, kind="image")]
    assert check_evidence(files).passed


def test_check_evidence_missing_files_fail_and_are_listed():
    v = check_evidence(COMPLETE[:2])
    assert not v.passed
    assert "ยังไม่ได้ส่ง" in v.explanation
    assert "วีดิทัศน์บันทึกการสอน" in v.explanation
    assert "ผลลัพธ์การเรียนรู้ของผู้เรียน" in v.explanation
    assert missing_or_invalid_slots(COMPLETE[:2]) == ["teaching_video", "outcome"]
    assert missing_or_invalid_slots([]) == ["lesson_plan", "inspiration_video",
                                            "teaching_video", "outcome"]


def test_check_evidence_rejected_file_fails_with_its_reason():
    files = [*COMPLETE[:3], ev("outcome", state="rejected",
                               reason="เอกสาร 11 หน้า เกินกำหนด 10 หน้า")]
    v = check_evidence(files)
    assert not v.passed
    assert "ไม่ผ่านการตรวจสอบ" in v.explanation
    assert "ไฟล์ที่ 1" in v.explanation
    assert "เอกสาร 11 หน้า เกินกำหนด 10 หน้า" in v.explanation
    assert missing_or_invalid_slots(files) == ["outcome"]


@pytest.mark.parametrize("state", ["waiting", "checking"])
def test_check_evidence_files_still_being_checked_fail_but_are_not_missing(state):
    files = [ev("lesson_plan", state=state), *COMPLETE[1:]]
    v = check_evidence(files)
    assert not v.passed
    assert "อยู่ระหว่างตรวจสอบ" in v.explanation
    assert "แผนการจัดการเรียนรู้" in v.explanation
    assert missing_or_invalid_slots(files) == []


def test_check_evidence_with_a_shorten_ground_needs_its_evidence():
    v = check_evidence(COMPLETE, shorten_ground="cefr")
    assert not v.passed
    assert "หลักฐานประกอบการขอลดระยะเวลา" in v.explanation
    assert missing_or_invalid_slots(COMPLETE, shorten_ground="cefr") == ["shorten_evidence"]
    with_it = [*COMPLETE, ev("shorten_evidence", kind="image")]
    assert check_evidence(with_it, shorten_ground="cefr").passed


def test_check_evidence_outcome_composition_must_hold():
    files = [*COMPLETE[:3], ev("outcome", 1, kind="video"), ev("outcome", 2, kind="video")]
    v = check_evidence(files)
    assert not v.passed
    assert "ไฟล์ที่ 2" in v.explanation
    assert "เพียง 1 ไฟล์" in v.explanation
    assert missing_or_invalid_slots(files) == ["outcome"]


def test_check_evidence_lists_every_kind_of_trouble_at_once():
    files = [ev("lesson_plan", state="rejected", reason="ต้องเป็นเอกสาร PDF"),
             ev("inspiration_video", state="checking"), ev("outcome")]
    v = check_evidence(files)
    assert not v.passed
    for text in ("ยังไม่ได้ส่ง", "ไม่ผ่านการตรวจสอบ", "อยู่ระหว่างตรวจสอบ"):
        assert text in v.explanation
    assert missing_or_invalid_slots(files) == ["lesson_plan", "teaching_video"]


