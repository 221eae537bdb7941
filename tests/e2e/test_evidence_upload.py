"""The applicant uploads evidence files in Chromium: tus-js-client from static/vendor, chunks, a
connection that breaks twice mid-file and resumes, the progress bar, and the live state badges
(RULES §4.4). The checks run eagerly in the live server's thread."""

import re

import pytest
from django.urls import reverse

from appraisal.choices import FileState
from appraisal.models import EvidenceFile, Upload
from tests.appraisal.media_factory import executable_bytes, make_application, pdf_bytes, write_video
from tests.factories import PASSWORD, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_upload_resumes_after_broken_connections_and_states_update_live(
        page, artifact, settings, tmp_path, eager):
    settings.EVIDENCE_UPLOAD_DIR = tmp_path / "uploads"
    settings.EVIDENCE_UPLOAD_CHUNK_BYTES = 64 * 1024
    world = build_world()
    application = make_application(world.a)
    user = world.a.person.user
    video = write_video(tmp_path / "แรงบันดาลใจ.mp4", 120, fps=10, size=(320, 240))
    assert video.stat().st_size > 6 * 64 * 1024
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(pdf_bytes(3))
    program = tmp_path / "outcome.pdf"
    program.write_bytes(executable_bytes())

    page.goto("/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(user.username)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(re.compile(r"/$"))
    page.goto(reverse("application_detail", args=[application.pk]))

    # the connection breaks on the 3rd and 4th chunk of the video
    patches = {"n": 0, "broken": 0, "heads": 0}

    def flaky(route):
        request = route.request
        if request.method == "HEAD":
            patches["heads"] += 1
        if request.method == "PATCH":
            patches["n"] += 1
            if patches["n"] in (3, 4):
                patches["broken"] += 1
                route.abort("connectionreset")
                return
        route.continue_()

    page.route(re.compile(r".*/appraisal/uploads/.*"), flaky)

    row = page.get_by_test_id("evidence-inspiration_video-1")
    row.get_by_test_id("evidence-input").set_input_files(str(video))
    row.get_by_test_id("evidence-upload").click()
    row.get_by_test_id("evidence-state").filter(has_text="ผ่านการตรวจสอบ").wait_for()
    assert patches["broken"] == 2
    assert patches["heads"] >= 1  # asked the server where to resume
    assert "100%" in row.locator(".progress-bar").inner_text()
    made = EvidenceFile.objects.get(slot="inspiration_video")
    with made.file.open("rb") as f:
        assert f.read() == video.read_bytes()  # not a byte lost or doubled
    assert Upload.objects.count() == 1  # resumed, never started again
    assert made.duration_seconds == 120.0
    assert "2:00" in row.inner_text()

    lesson = page.get_by_test_id("evidence-lesson_plan-1")
    lesson.get_by_test_id("evidence-input").set_input_files(str(plan))
    lesson.get_by_test_id("evidence-upload").click()
    lesson.get_by_test_id("evidence-state").filter(has_text="ผ่านการตรวจสอบ").wait_for()
    assert "3 หน้า" in lesson.inner_text()

    outcome = page.get_by_test_id("evidence-outcome-1")
    outcome.get_by_test_id("evidence-input").set_input_files(str(program))
    outcome.locator(".evidence-caption-input").fill("ผลงานนักเรียน")
    outcome.get_by_test_id("evidence-upload").click()
    outcome.get_by_test_id("evidence-state").filter(has_text="ไม่ผ่านการตรวจสอบ").wait_for()
    assert "ตรวจจากเนื้อไฟล์" in outcome.get_by_test_id("evidence-reason").inner_text()
    assert EvidenceFile.objects.get(slot="outcome").state == FileState.REJECTED
    page.get_by_test_id("evidence-files").screenshot(path=artifact("evidence-files.png"))

    # a rejected file is removed from the page; the others stay
    outcome.get_by_test_id("evidence-remove").click()
    page.wait_for_url(re.compile(rf"/appraisal/applications/{application.pk}/$"))
    assert not EvidenceFile.objects.filter(slot="outcome").exists()
    assert EvidenceFile.objects.count() == 2
