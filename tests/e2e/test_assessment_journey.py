"""The assessment in Chromium (seed 004 steps 3–5): the officer records the committee's approval
and draws three assessors; each assessor, from another province, accepts, plays the teaching
video and seeks in it, scores (the sheet saves itself) and submits; the officer sees the scores
and the decision and opens the summary PDF."""

import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from accounts.rules import Role
from appraisal.choices import ApplicationState, EvidenceSlot, FileState, MediaKind
from appraisal.models import EvidenceFile, Rubric
from tests.appraisal.assessment_factories import (
    approved_application,
    expert_pool,
)
from tests.appraisal.media_factory import write_video
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def playable_video(application, tmp_path):
    """The teaching video as VP8/WebM, which Debian's Chromium decodes: 20 s at 5 fps."""
    data = write_video(tmp_path / "teaching.webm", 20, fps=5, size=(64, 48),
                       codec="libvpx").read_bytes()
    row = EvidenceFile.objects.get(application=application, slot=EvidenceSlot.TEACHING_VIDEO)
    row.delete()
    video = EvidenceFile(application=application, slot=EvidenceSlot.TEACHING_VIDEO, position=1,
                         original_name="บันทึกการสอน.webm", size=len(data),
                         state=FileState.VALID, media_kind=MediaKind.VIDEO,
                         content_type="video/webm", duration_seconds=20.0)
    video.file.save("teaching.webm", ContentFile(data), save=False)
    video.save()
    return video


def test_three_assessors_accept_score_and_the_office_sees_the_decision(
        page, new_tab, artifact, tmp_path, eager, log_in):
    world = build_world()
    application = approved_application(world.a, state=ApplicationState.QUALIFIED,
                                       prepare=lambda a: playable_video(a, tmp_path))
    experts = expert_pool(world.b.province, 3)  # assessors from another province

    # the officer: the committee's approval, then the draw
    officer = world.a.users[Role.OFFICER]
    log_in(officer)
    detail = reverse("application_detail", args=[application.pk])
    page.goto(detail)
    page.get_by_label("การประชุมคณะกรรมการ (ครั้งที่/วันที่)").fill("ครั้งที่ 3/2569")
    page.get_by_test_id("assessment-approve").click()
    # the commitment is published at the approval; the public value is entered at the draw
    page.get_by_test_id("commitment-hex").wait_for()
    page.get_by_test_id("public-value").fill("สลากกินแบ่งรัฐบาล งวด 16 มีนาคม 2569 รางวัลที่ 1 845621")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("assessment-draw").click()
    page.get_by_test_id("invitations").wait_for()
    assert page.get_by_test_id("invitation-row").count() == 3
    assert page.get_by_test_id("invitation-state").first.inner_text() == "รอตอบรับ"
    page.screenshot(path=artifact("assessment-1-drawn.png"), full_page=True)

    rubrics = list(Rubric.objects.filter(standing=application.requested_standing)
                   .prefetch_related("indicators").order_by("side"))
    levels_by_seat = {1: 3, 2: 3, 3: 2}  # 75%, 75%, 50%: both sides pass on 2 of 3
    for expert in experts:
        assessor = new_tab()  # the assessor's own browser (checked by axe like ``page``)
        context = assessor.context
        log_in(expert.user, on=assessor)
        assessor.goto(reverse("assessor_queue"))
        assessor.get_by_test_id("awaiting-row").get_by_role("link").click()
        assessor.get_by_test_id("attest").check()  # no conflict of interest, attested
        assessor.get_by_test_id("invitation-accept").click()
        assessor.wait_for_url(re.compile(r"/application/$"))
        invitation_pk = int(re.search(r"/invitations/(\d+)/", assessor.url).group(1))
        seat = expert.invitations.get(pk=invitation_pk).seat

        # the evidence: the teaching video plays and seeks (HTTP Range through the check)
        video = assessor.get_by_test_id("assessor-file-teaching_video-1").get_by_test_id(
            "evidence-video")
        video.wait_for()
        duration = video.evaluate("""v => new Promise((done, fail) => {
            if (v.readyState >= 1) { done(v.duration); return; }
            v.addEventListener('loadedmetadata', () => done(v.duration));
            v.addEventListener('error', () => fail(v.error && v.error.code));
        })""")
        assert duration == pytest.approx(20, abs=0.5)
        position = video.evaluate("""v => new Promise(done => {
            v.addEventListener('seeked', () => done(v.currentTime), {once: true});
            v.currentTime = 12;
        })""")
        assert position == pytest.approx(12, abs=0.5)

        # the score sheet: levels by clicking, saved by itself
        assessor.get_by_test_id("go-score").click()
        assessor.get_by_test_id("side-1").wait_for()
        level = levels_by_seat[seat]
        for rubric in rubrics:
            for indicator in rubric.indicators.all():
                assessor.locator(f'input[name="level-{indicator.pk}"][value="{level}"]').check()
        assessor.get_by_label("จุดเด่น").first.fill(f"กรรมการคนที่ {seat}: ออกแบบการเรียนรู้ได้ดี")
        expected = {3: "75.00", 2: "50.00"}[level]  # as every page shows a score
        assessor.get_by_test_id("percentage-2").filter(has_text=expected).wait_for()
        assessor.get_by_test_id("autosave-status").filter(has_text="บันทึกร่างอัตโนมัติแล้ว") \
            .wait_for()
        assessor.once("dialog", lambda dialog: dialog.accept())
        assessor.get_by_test_id("submit-sheet").click()
        assessor.get_by_test_id("sheet-locked").wait_for()
        assert assessor.get_by_test_id("percentage-1").inner_text() == expected
        assessor.screenshot(path=artifact(f"assessment-2-sheet-{seat}.png"), full_page=True)
        context.close()

    # the officer sees the six scores and the decision
    page.goto(detail)
    decision = page.get_by_test_id("decision")
    decision.wait_for()
    assert "ผ่านเกณฑ์การประเมิน" in decision.inner_text()
    assert page.get_by_test_id("score-row").count() == 3
    assert "75.00" in page.get_by_test_id("scores").inner_text()
    assert page.get_by_test_id("application-state").inner_text() == "ประเมินครบแล้ว"
    page.screenshot(path=artifact("assessment-3-decision.png"), full_page=True)
    pdf = page.request.get(page.get_by_test_id("summary-pdf").get_attribute("href"))
    assert pdf.ok
    assert pdf.body().startswith(b"%PDF")
    artifact("assessment-summary.pdf").write_bytes(pdf.body())
    application.refresh_from_db()
    assert application.state == ApplicationState.ASSESSED
    assert application.decision.passed is True
