"""Conflicts of interest in Chromium (issue 19, "Done when"): the registry's keeper declares on
an expert's page that the expert is the applicant's spouse; the office sees it before the draw,
approves (the commitment is published), enters the public value and draws; the record shows the
expert left out by the rule, and the revealed seed. An invited assessor then declines for a
conflict of interest, and the seat is drawn again at once."""

import re

import pytest
from django.urls import reverse

from accounts.models import Notification
from accounts.rules import Role
from appraisal.choices import ApplicationState, InvitationState
from appraisal.models import ConflictDeclaration
from tests.appraisal.assessment_factories import approved_application, expert_pool, make_expert
from tests.factories import PASSWORD, build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def login(page, user):
    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("ชื่อผู้ใช้").fill(user.username)
    page.get_by_label("รหัสผ่าน").fill(PASSWORD)
    page.get_by_role("button", name="เข้าสู่ระบบ").click()
    page.wait_for_url(re.compile(r"/$"))


def test_a_declared_relation_excludes_and_a_conflict_decline_refills(page, artifact):
    world = build_world()
    application = approved_application(world.a, state=ApplicationState.QUALIFIED)
    applicant = application.person
    expert_pool(world.b.province, 4)  # assessors from another province
    spouse = make_expert(world.b.province, home=world.b.province)

    # the keeper of แพร่'s registry declares the relation on the expert's page
    login(page, world.b.users[Role.PROVINCE_ADMIN])
    page.goto(reverse("expert_edit", args=[spouse.pk]))
    form = page.get_by_test_id("conflict-form")
    form.get_by_label("ความสัมพันธ์").select_option("spouse")
    form.get_by_label("เลขประจำตัวประชาชนของบุคคลนั้น").fill(applicant.national_id)
    form.get_by_test_id("conflict-save").click()
    page.get_by_test_id("conflict-row").filter(has_text="คู่สมรสหรือคู่หมั้น").wait_for()
    assert applicant.national_id not in page.content()  # shown masked only
    page.screenshot(path=artifact("conflict-1-declared.png"), full_page=True)

    # the office: the relation is shown before the draw; approve, public value, draw
    officer = world.a.users[Role.OFFICER]
    login(page, officer)
    detail = reverse("application_detail", args=[application.pk])
    page.goto(detail)
    assert spouse.full_name_th in page.get_by_test_id("declared-conflicts").inner_text()
    page.get_by_label("การประชุมคณะกรรมการ (ครั้งที่/วันที่)").fill("ครั้งที่ 4/2569")
    page.get_by_test_id("assessment-approve").click()
    commitment = page.get_by_test_id("commitment-hex").inner_text().strip()
    page.get_by_test_id("public-value").fill("สลากกินแบ่งรัฐบาล งวด 1 เมษายน 2569 รางวัลที่ 1 307211")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("assessment-draw").click()
    page.get_by_test_id("invitations").wait_for()
    assert page.get_by_test_id("invitation-row").count() == 3
    page.get_by_test_id("draw-link").first.click()
    page.get_by_test_id("verify-result").filter(has_text="ตรวจสอบแล้ว").wait_for()
    assert page.get_by_test_id("draw-commitment").inner_text().strip() == commitment
    assert page.get_by_test_id("draw-seed").inner_text().strip() != "–"
    excluded = page.get_by_test_id(f"excluded-{spouse.pk}").inner_text()
    assert "คู่สมรสหรือคู่หมั้น" in excluded
    page.screenshot(path=artifact("conflict-2-record.png"), full_page=True)
    assert not application.invitations.filter(expert=spouse).exists()

    # an invited assessor declines for a conflict of interest
    declining = application.invitations.order_by("seat").select_related("expert__user").first()
    login(page, declining.expert.user)
    page.goto(reverse("assessor_queue"))
    page.get_by_test_id("awaiting-row").get_by_role("link").click()
    decline = page.get_by_test_id("decline-form")
    decline.get_by_label("มีส่วนได้เสียกับผู้ขอ").check()
    decline.get_by_test_id("conflict-kind").select_option("kin")
    decline.get_by_test_id("decline-reason").fill("ผู้ขอเป็นหลานของข้าพเจ้า")
    decline.get_by_test_id("invitation-decline").click()
    page.wait_for_url(re.compile(r"/assessment/mine/$"))
    page.get_by_text("บันทึกความสัมพันธ์ที่มีส่วนได้เสียกับผู้ขอไว้แล้ว").wait_for()

    # the seat is drawn again at once; the office was told
    declining.refresh_from_db()
    assert declining.state == InvitationState.DECLINED
    assert declining.decline_kind == "conflict"
    assert ConflictDeclaration.objects.filter(expert=declining.expert, kind="kin",
                                              person=applicant).exists()
    refill = application.draws.get(sequence=2)
    assert refill.seats == [declining.seat]
    holder = application.invitations.get(seat=declining.seat, state=InvitationState.AWAITING)
    assert holder.expert_id not in (declining.expert_id, spouse.pk)
    assert Notification.objects.filter(user=officer, subject__contains="มีส่วนได้เสีย").exists()
    login(page, officer)
    page.goto(detail)
    page.get_by_test_id("declined-conflict").wait_for()
    assert page.get_by_test_id("invitation-row").count() == 4
    page.screenshot(path=artifact("conflict-3-refilled.png"), full_page=True)
