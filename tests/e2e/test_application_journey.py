"""Issue 5's browser journey: the teacher fills the application, uploads the evidence with
progress (tus, in chunks), submits; the school director certifies; the officer and the group
head check; the LAO director certifies; a second application is returned with reasons and comes
back. The worker's checks run eagerly in the live server (the real worker is exercised in
tests/integration/test_evidence_worker.py)."""

import re

import pytest
from django.utils import timezone

from accounts.rules import Role
from appraisal.models import Application
from personnel.models import TeachingLicence
from tests.appraisal.factories import qualified_record
from tests.appraisal.media_factory import pdf_bytes, video_bytes
from tests.factories import PersonFactory, UserFactory, build_world, member

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_PROGRESS = """() => {
  window.__progress = [];
  new MutationObserver((changes) => changes.forEach((c) => {
    if (c.attributeName === 'aria-valuenow')
      window.__progress.push(+c.target.getAttribute('aria-valuenow'));
  })).observe(document.getElementById('evidence-files'), {attributes: true, subtree: true});
}"""


def upload(page, slot, path):
    row = page.get_by_test_id(f"evidence-{slot}-1")
    row.get_by_test_id("evidence-input").set_input_files(str(path))
    row.get_by_test_id("evidence-upload").click()
    row.get_by_test_id("evidence-state").filter(has_text="ผ่านการตรวจสอบ").wait_for(
        timeout=60_000)


def file_on_disk(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def fill_and_submit(page, tmp_path, title):
    page.goto("/appraisal/")
    page.get_by_test_id("application-new").click()
    page.get_by_label("ประเภทห้องเรียนที่จัดการเรียนรู้").select_option("primary")
    page.get_by_label("รายวิชา/วิชา/สาขา/กลุ่มสาระการเรียนรู้").select_option(
        label="สาขาภาษาไทย")
    page.get_by_label("ชื่อผลงาน/เรื่องที่เสนอ").fill(title)
    page.get_by_test_id("application-create").click()
    page.wait_for_url(re.compile(r"/appraisal/applications/\d+/$"))
    # before submitting, the system already says the evidence is missing
    assert "ไม่ผ่าน" in page.get_by_test_id("preview-evidence").inner_text()
    page.evaluate(RECORD_PROGRESS)
    plan = file_on_disk(tmp_path, "plan.pdf", pdf_bytes(3))
    clip = file_on_disk(tmp_path, "clip.mp4",
                        video_bytes(tmp_path, 90, fps=2, size=(160, 120)))
    outcome = file_on_disk(tmp_path, "outcome.pdf", pdf_bytes(2))
    upload(page, "lesson_plan", plan)
    upload(page, "inspiration_video", clip)
    upload(page, "teaching_video", clip)
    upload(page, "outcome", outcome)
    progress = page.evaluate("window.__progress")
    assert any(0 < p < 100 for p in progress), progress  # the bar moved through the chunks
    assert 100 in progress
    page.reload()
    assert "✓" in page.get_by_test_id("preview-evidence").inner_text()
    if page.get_by_test_id("confirm-failed").count():
        # a check the system finds failed: the teacher confirms submitting anyway
        assert "ระบบตรวจพบว่าคุณสมบัติยังไม่ผ่าน" in page.get_by_test_id(
            "submit-failed-checks").inner_text()
        page.get_by_label("ข้าพเจ้ารับทราบว่าระบบตรวจพบ").check()
    page.get_by_test_id("application-submit").click()
    assert page.get_by_test_id("application-state").inner_text() == "ยื่นต่อสถานศึกษาแล้ว"
    return Application.objects.get(work_title=title)


def test_teacher_to_lao_director_and_a_returned_request_comes_back(page, eager, settings,
                                                                   tmp_path, artifact, log_in):
    settings.EVIDENCE_UPLOAD_CHUNK_BYTES = 8 * 1024  # many chunks: the bar really moves
    world = build_world()
    teacher = world.a.users[Role.STAFF]
    qualified_record(world.a.person, timezone.localdate())
    # the licence renewed but not yet on record: the system's licence check fails
    TeachingLicence.objects.filter(person=world.a.person).delete()
    second_user = member(UserFactory(), world.a.school, Role.STAFF)
    second = PersonFactory(organization=world.a.school, user=second_user)
    qualified_record(second, timezone.localdate())

    # the teacher fills the application, uploads with progress and submits
    log_in(teacher)
    first = fill_and_submit(page, tmp_path, "การอ่านออกเสียงด้วยนิทานพื้นบ้าน")
    page.screenshot(path=artifact("application-submitted.png"), full_page=True)

    first.refresh_from_db()
    assert first.events.get(action="submitted").data["failed_checks"] == ["licence"]

    # the school director sees the system's ✓/✗ before certifying, then sends it on
    log_in(world.a.users[Role.SCHOOL_ADMIN])
    page.goto(f"/appraisal/applications/{first.pk}/")
    preview = page.get_by_test_id("preview-checks")
    assert "ก่อนรับรอง" in preview.inner_text()
    assert "✗" in preview.get_by_test_id("preview-licence").inner_text()
    assert "✓" in preview.get_by_test_id("preview-tenure").inner_text()
    assert "✓" in preview.get_by_test_id("preview-pa").inner_text()
    page.get_by_test_id("school-certify").click()
    assert page.get_by_test_id("application-state").inner_text() == "อยู่ระหว่างตรวจสอบคุณสมบัติ"

    # the officer, then the group head, check each item
    for role, level in ((Role.OFFICER, "officer"), (Role.GROUP_HEAD, "head")):
        log_in(world.a.users[role])
        page.goto("/appraisal/queue/")
        page.get_by_test_id("queue-row").filter(has_text=world.a.person.first_name).get_by_role(
            "link").click()
        # one form with every check (not one form a check)
        form = page.get_by_test_id(f"checks-form-{level}")
        assert form.count() == 1
        for kind in ("tenure", "pa", "discipline", "licence", "evidence"):
            form.get_by_test_id(f"checks-row-{kind}").get_by_label("ผ่าน/ครบถ้วน").check()
        form.get_by_test_id("checks-row-tenure").get_by_label("หมายเหตุ").fill("ตรวจจาก ก.พ.7")
        form.get_by_test_id("checks-save").click()
        # passing the licence the system failed needs a reason: nothing saved, typing kept
        error = page.get_by_test_id("checks-error-licence")
        assert "ต้องระบุเหตุผล" in error.inner_text()
        form = page.get_by_test_id(f"checks-form-{level}")
        assert form.get_by_test_id("checks-row-tenure").get_by_label(
            "หมายเหตุ").input_value() == "ตรวจจาก ก.พ.7"
        assert form.get_by_test_id("checks-row-pa").get_by_label("ผ่าน/ครบถ้วน").is_checked()
        form.get_by_test_id("checks-row-licence").get_by_label("หมายเหตุ").fill(
            "ตรวจกับคุรุสภาแล้ว ต่ออายุแล้ว")
        form.get_by_test_id("checks-save").click()
        page.wait_for_url(re.compile(r"/appraisal/applications/\d+/(#checks)?$"))
        for kind in ("tenure", "pa", "discipline", "licence", "evidence"):
            assert page.get_by_test_id(f"check-{kind}").get_by_test_id(
                f"{level}-verdict").inner_text().strip() == "✓ ผ่าน"
        assert "ต่ออายุแล้ว" in page.get_by_test_id("history").inner_text()

    # the LAO director certifies: irreversible, after a confirmation
    log_in(world.a.users[Role.LAO_ADMIN])
    page.goto(f"/appraisal/applications/{first.pk}/")
    page.get_by_test_id("office-certify").click()
    assert "ยืนยัน" in page.get_by_role("alert").first.inner_text()
    page.get_by_test_id("office-confirm").check()
    page.get_by_test_id("office-certify").click()
    assert page.get_by_test_id("application-state").inner_text() == "รับรองคุณสมบัติแล้ว"
    assert page.get_by_test_id("certified-note").is_visible()
    page.screenshot(path=artifact("application-certified.png"), full_page=True)

    # a second application is returned with reasons, fixed, and comes back
    log_in(second_user)
    other = fill_and_submit(page, tmp_path, "ชื่อผลงานที่ต้องแก้")
    log_in(world.a.users[Role.SCHOOL_ADMIN])
    page.goto(f"/appraisal/applications/{other.pk}/")
    page.get_by_test_id("school-return-reason").fill("ชื่อผลงานไม่ตรงกับแผนการจัดการเรียนรู้")
    page.get_by_test_id("school-return").click()
    assert page.get_by_test_id("application-state").inner_text() == "ส่งคืนแก้ไข"
    log_in(second_user)
    page.goto(f"/appraisal/applications/{other.pk}/")
    assert "ไม่ตรงกับแผน" in page.get_by_test_id("return-reason").inner_text()
    page.get_by_label("ชื่อผลงาน/เรื่องที่เสนอ").fill("การอ่านจับใจความด้วยนิทาน")
    page.get_by_role("button", name="บันทึกข้อมูลคำขอ").click()
    page.get_by_test_id("application-submit").click()
    assert page.get_by_test_id("application-state").inner_text() == "ยื่นต่อสถานศึกษาแล้ว"
    history = page.get_by_test_id("history").inner_text()
    assert "สถานศึกษาส่งคืน" in history
    assert history.count("ยื่นคำขอ") >= 2
    other.refresh_from_db()
    assert other.round_no == 2
    assert other.work_title == "การอ่านจับใจความด้วยนิทาน"
