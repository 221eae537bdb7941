"""The committee in Chromium (seed 004 steps 3, 5–7): the secretary (the province admin) creates
a meeting, builds a panels item by ticking qualified applications, downloads its Word and Excel
documents, records the resolution with "draw now" (no verdict is preset: the form will not go
without one; a meeting of tomorrow takes no resolution yet); sees the experts the draw used, kept by
another province, read only; later (the three assessors' scoring is made through the ORM here:
tests/e2e/test_assessment_journey.py clicks it) builds a results item, records it, notifies the
school and the applicant with the confirmation checkbox, issues the appointment order as the
LAO's order signed by its head and marks it appointed; the teacher sees the result, and the
ก.พ.7 shows the new standing with its rank and the salary."""

import datetime
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from accounts.rules import CommitteeKind, Role
from appraisal import rules
from appraisal.choices import ApplicationState
from appraisal.models import Application, AssessmentDecision
from committees.models import Committee
from personnel.choices import AcademicStanding
from tests.appraisal.assessment_factories import (
    approved_application,
    expert_pool,
)
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def download(page, testid) -> bytes:
    with page.expect_download() as info:
        page.get_by_test_id(testid).click()
    return Path(info.value.path()).read_bytes()


def score_through_the_orm(application):
    """The three assessors' sheets, as test_assessment_journey clicks them: the decision."""
    scores = {1: [Decimal("70"), Decimal("75"), Decimal("80")],
              2: [Decimal("72.5"), Decimal("65"), Decimal("90")]}
    result = rules.decide(scores, application.requested_standing)
    AssessmentDecision.objects.create(
        application=application, requested_standing=application.requested_standing,
        threshold=result.threshold, passed=result.passed, decided_at=timezone.now(),
        sides={str(s): {"passed": p, "percentages": [str(x) for x in pcts]}
               for s, (p, pcts) in result.sides.items()})
    Application.objects.filter(pk=application.pk).update(state=ApplicationState.ASSESSED)


def test_the_secretary_takes_applications_through_the_committee(
        page, live_server, artifact, eager, log_in):
    world = build_world()
    committee = Committee.objects.create(province=world.a.province, kind=CommitteeKind.KOBTJ)
    application = approved_application(world.a, state=ApplicationState.QUALIFIED)
    teacher = application.person.user
    person = application.person
    person.salary_rank, person.salary, person.position_number = "ks1", Decimal("24290"), "4209"
    person.save(update_fields=["salary_rank", "salary", "position_number"])
    pool = expert_pool(world.b.province, 4)  # kept by another province: the draw uses them
    secretary = world.a.users[Role.PROVINCE_ADMIN]

    log_in(secretary)
    page.get_by_test_id("nav-committees").click()
    page.get_by_role("link", name=committee.name).click()
    page.get_by_label("ครั้งที่").fill("7")
    page.get_by_label("ปี (พ.ศ.)").fill("2569")
    page.get_by_label("วันที่ประชุม").fill("2026-11-20")
    page.get_by_label("สถานที่").fill("ห้องประชุมศาลากลาง")
    page.get_by_role("button", name="สร้างการประชุม").click()
    page.get_by_test_id("build-panels").click()
    page.get_by_test_id(f"tick-{application.pk}").check()
    page.get_by_test_id("item-save").click()
    page.wait_for_url(re.compile(r"/committees/items/\d+/$"))
    docx = Document(io.BytesIO(download(page, "download-docx")))
    assert any("ข้อพิจารณา" in p.text for p in docx.paragraphs)
    commitment = page.get_by_test_id("item-commitment-hex").inner_text()
    assert any(commitment in p.text for p in docx.paragraphs)  # published with the agenda
    assert application.person.full_name_th in "\n".join(
        c.text for t in docx.tables for r in t.rows for c in r.cells)
    rows = list(load_workbook(io.BytesIO(download(page, "download-xlsx"))).active.iter_rows(
        values_only=True))
    assert rows[3][1] == application.person.full_name_th
    verdict = page.get_by_test_id(f"decision-{application.pk}")
    assert verdict.input_value() == ""  # no verdict preset
    page.get_by_test_id("resolve").click()  # the browser asks for one: nothing is recorded
    assert verdict.evaluate("el => el.validity.valueMissing")
    assert page.get_by_test_id("resolution").count() == 0
    verdict.select_option("approved")
    page.get_by_test_id("draw-now").check()
    page.get_by_test_id("public-value").fill("ตัวเลขที่ประธานจับสลากในที่ประชุม 4 7 1")
    page.get_by_test_id("resolve").click()
    page.get_by_test_id("resolution").wait_for()
    assert page.get_by_test_id("item-seed").inner_text()  # revealed after the draw
    application.refresh_from_db()
    assert application.state == ApplicationState.PANEL_APPROVED
    assert application.invitations.count() == 3
    page.screenshot(path=artifact("committee-panels.png"), full_page=True)

    # a meeting set for tomorrow takes no resolution yet
    from committees import services

    later = services.create_meeting(actor=secretary, committee=committee, number=8,
                                    year_be=2569,
                                    date=timezone.localdate() + datetime.timedelta(days=1))
    other = services.create_item(actor=secretary, meeting=later, kind="other", title="เรื่องอื่น")
    page.goto(f"/committees/items/{other.pk}/")
    page.get_by_test_id("resolve-not-yet").wait_for()
    assert page.get_by_test_id("resolve").is_disabled()

    # the experts the draw used, kept by another province, on the secretary's list: read only
    page.goto("/appraisal/experts/")
    assert "ผู้ทรงคุณวุฒิที่ใช้ในการสุ่ม 4 คน" in page.get_by_test_id("expert-count").inner_text()
    assert page.get_by_test_id("read-only").count() == 4
    assert pool[0].full_name_th in page.content()
    page.screenshot(path=artifact("committee-experts.png"), full_page=True)

    score_through_the_orm(application)
    page.goto(f"/committees/meetings/{committee.meetings.get(number=7).pk}/")
    page.get_by_test_id("build-results").click()
    page.get_by_test_id(f"tick-{application.pk}").check()
    page.get_by_test_id("item-save").click()
    page.wait_for_url(re.compile(r"/committees/items/\d+/$"))
    assert page.get_by_test_id("counts").inner_text().count("1") >= 2
    rows = list(load_workbook(io.BytesIO(download(page, "download-xlsx"))).active.iter_rows(
        values_only=True))
    assert rows[3][3:9] == (70.0, 72.5, 75.0, 65.0, 80.0, 90.0)
    page.get_by_test_id(f"decision-{application.pk}").select_option("approved")
    page.get_by_test_id("resolve").click()
    page.get_by_test_id("resolution").wait_for()
    page.get_by_test_id("notify").click()  # without the confirmation: refused
    assert page.get_by_text("กรุณายืนยันการแจ้งผลการประเมิน").is_visible()
    page.get_by_test_id("notify-confirm").check()
    page.get_by_test_id("notify").click()
    page.get_by_text("แจ้งผลการประเมินแล้ว 1 ราย").wait_for()

    page.goto(f"/committees/{committee.pk}/")
    page.get_by_test_id("order-create").click()
    page.get_by_label("เลขที่คำสั่ง").fill("15")
    page.get_by_label("ลงวันที่").fill("2026-11-25")
    page.get_by_label("ผู้ลงนาม", exact=True).fill("นายสมชาย ผู้อำนวยการ")
    page.get_by_test_id(f"tick-{application.pk}").check()
    page.get_by_test_id("order-save").click()
    page.wait_for_url(re.compile(r"/committees/orders/\d+/$"))
    assert download(page, "order-pdf").startswith(b"%PDF")
    head = "นายกองค์การบริหารส่วนตำบลMARKER-A"
    assert "คำสั่งองค์การบริหารส่วนตำบลMARKER-A" in page.get_by_test_id("order-title").inner_text()
    assert head in page.content()
    entries = page.get_by_test_id("order-entries").inner_text()
    assert "4209" in entries
    assert "คศ.2" in entries
    assert "24,290.00" in entries
    order_doc = Document(io.BytesIO(download(page, "order-docx")))
    texts = [p.text for p in order_doc.paragraphs]
    assert "ที่ 15/2569" in texts
    assert head in texts
    page.get_by_test_id("appoint").click()
    page.get_by_test_id("appointed").wait_for()
    page.screenshot(path=artifact("committee-order.png"), full_page=True)

    log_in(teacher)
    page.goto(f"/appraisal/applications/{application.pk}/")
    assert "แต่งตั้งแล้ว" in page.content()
    page.goto("/notifications/")
    assert "แจ้งผลการประเมินวิทยฐานะ" in page.content()
    page.goto(f"/personnel/{application.person.pk}/")
    assert str(AcademicStanding.PROFESSIONAL.label) in page.get_by_test_id(
        "tenure-standing").inner_text()
    # the ก.พ.7: the rank that goes with the standing (คศ.1 → คศ.2), the same salary, and the
    # position line citing the LAO's order, all written one way
    assert page.get_by_test_id("rank-salary").inner_text() == "คศ.2 · 24,290.00 บาท"
    history = page.get_by_test_id("section-positionhistory").inner_text()
    assert "คศ.2" in history
    assert "24,290.00" in history
    assert "คำสั่งองค์การบริหารส่วนตำบลMARKER-A ที่ 15/2569" in history
    page.screenshot(path=artifact("committee-kp7.png"), full_page=True)
