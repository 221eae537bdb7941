import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import load_workbook

from accounts.exceptions import NotAllowed
from accounts.models import Notification
from accounts.rules import CommitteeKind, LaoType, OrgKind, Role
from appraisal.choices import ApplicationState
from appraisal.models import Application, AssessorDraw
from committees import documents, honoraria, orders, selectors, services
from committees.models import AgendaEntry, Decision, ItemKind
from personnel.choices import AcademicStanding
from personnel.models import PositionHistory
from tests.appraisal.assessment_factories import PUBLIC_VALUE, approved_application, expert_pool
from tests.committees.factories import applicant, assessed, committee_of, qualified
from tests.factories import make_org

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 20)


def secretary(side):
    return side.users[Role.PROVINCE_ADMIN]


def meeting(side, number=5):
    return services.create_meeting(actor=secretary(side), committee=committee_of(side),
                                   number=number, year_be=2569, date=DAY, place="ศาลากลาง")


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def xlsx_rows(data: bytes) -> list[list]:
    ws = load_workbook(io.BytesIO(data)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


# --- which applications a committee handles ----------------------------------------------------

def test_a_committee_sees_its_province_and_lao_type_only(world):
    mine = qualified(world.a, "ครูอบต")
    # a municipality of the same province goes to ก.ท.จ., not ก.อบต.จังหวัด (RULES §1)
    town = make_org(world.a.district, OrgKind.LAO, "เทศบาลตำบล",
                    lao_type=LaoType.SUBDISTRICT_MUNICIPALITY)
    town_school = make_org(town, OrgKind.SCHOOL, "โรงเรียนเทศบาล")
    town_app = approved_application(world.a, state=ApplicationState.QUALIFIED,
                                    person=applicant(world.a, "ครูในเทศบาล"),
                                    organization=town_school, office=town)
    b_app = qualified(world.b, "ครูจังหวัดบี")
    assert set(selectors.eligible_for_item(committee_of(world.a), ItemKind.PANELS)) == {mine}
    ktj = committee_of(world.a, CommitteeKind.KTJ)
    assert set(selectors.eligible_for_item(ktj, ItemKind.PANELS)) == {town_app}
    assert set(selectors.eligible_for_item(committee_of(world.b), ItemKind.PANELS)) == {b_app}


def test_only_the_secretary_and_dla_see_committees(world):
    committee_of(world.a)
    committee_of(world.b)
    assert list(selectors.committees_for(secretary(world.a))) == [committee_of(world.a)]
    assert selectors.committees_for(world.dla_admin).count() == 2
    for role in (Role.OFFICER, Role.LAO_ADMIN, Role.SCHOOL_ADMIN, Role.STAFF):
        assert not selectors.committees_for(world.a.users[role]).exists()
    with pytest.raises(NotAllowed):
        services.create_meeting(actor=secretary(world.b), committee=committee_of(world.a),
                                number=1, year_be=2569, date=DAY)


def test_meeting_numbers_are_unique_per_committee_and_year(world):
    meeting(world.a, 3)
    with pytest.raises(ValidationError):
        meeting(world.a, 3)


# --- step 3: panels -----------------------------------------------------------------------------

def test_panels_item_documents_hold_the_applicants_and_checks(world):
    apps = [qualified(world.a, f"ครู{n}") for n in range(3)]
    m = meeting(world.a)
    item = services.create_item(actor=secretary(world.a), meeting=m, kind=ItemKind.PANELS,
                                applications=apps[:2])
    item = selectors.item_detail(secretary(world.a), item.pk)
    text = docx_text(documents.agenda_docx(item))
    for heading in ("เรื่อง", "คำขอ", "กฎหมาย ระเบียบ และหลักเกณฑ์ที่เกี่ยวข้อง", "ข้อเท็จจริง",
                    "ข้อพิจารณา"):
        assert heading in text
    assert apps[0].person.full_name_th in text
    assert apps[1].person.full_name_th in text
    assert apps[2].person.full_name_th not in text
    assert "รวม 2 ราย" in text
    assert "ครั้งที่ 5/2569" in text
    assert "20 พฤศจิกายน 2569" in text
    thai = docx_text(documents.agenda_docx(item, thai=True))
    assert "ครั้งที่ ๕/๒๕๖๙" in thai
    assert "๒๐ พฤศจิกายน ๒๕๖๙" in thai
    rows = xlsx_rows(documents.annex_xlsx(item))
    head = rows[2]
    assert "ระยะเวลาการดำรงตำแหน่ง" in head
    names = [r[1] for r in rows[3:]]
    assert names == [a.person.full_name_th for a in apps[:2]]
    # the second panels item cannot take the same applications again
    with pytest.raises(ValidationError):
        services.create_item(actor=secretary(world.a), meeting=m, kind=ItemKind.PANELS,
                             applications=[apps[0]])
    assert set(selectors.eligible_for_item(committee_of(world.a), ItemKind.PANELS)) == {apps[2]}


def test_panels_resolution_approves_defers_and_draws_when_asked(world):
    expert_pool(world.a.province, 4)
    approved, drawn_now, deferred = (qualified(world.a, f"ครู{n}") for n in range(3))
    m = meeting(world.a)
    item = services.create_item(actor=secretary(world.a), meeting=m, kind=ItemKind.PANELS,
                                applications=[approved, drawn_now])
    services.record_resolution(actor=secretary(world.a), item=item, draw_now=False,
                               decisions={approved.pk: Decision.APPROVED,
                                          drawn_now.pk: Decision.DEFERRED})
    approved.refresh_from_db()
    assert approved.state == ApplicationState.PANEL_APPROVED
    event = approved.events.get(action="panel_approved")
    assert "ครั้งที่ 5/2569" in event.data["meeting_ref"]
    assert not AssessorDraw.objects.filter(application=approved).exists()
    with pytest.raises(ValidationError):  # once per item
        services.record_resolution(actor=secretary(world.a), item=item,
                                   decision=Decision.APPROVED)
    # the deferred one comes back on the next meeting, approved and drawn at once
    eligible = set(selectors.eligible_for_item(committee_of(world.a), ItemKind.PANELS))
    assert eligible == {drawn_now, deferred}
    item2 = services.create_item(actor=secretary(world.a), meeting=meeting(world.a, 6),
                                 kind=ItemKind.PANELS, applications=[drawn_now])
    with pytest.raises(ValidationError, match="ค่าสาธารณะ"):  # drawn only with a public value
        services.record_resolution(actor=secretary(world.a), item=item2,
                                   decision=Decision.APPROVED, draw_now=True)
    services.record_resolution(actor=secretary(world.a), item=item2,
                               decision=Decision.APPROVED, draw_now=True,
                               public_value=PUBLIC_VALUE)
    drawn_now.refresh_from_db()
    assert drawn_now.state == ApplicationState.PANEL_APPROVED
    assert AssessorDraw.objects.filter(application=drawn_now, outcome="drawn").exists()
    assert drawn_now.invitations.count() == 3


# --- step 5: results ----------------------------------------------------------------------------

def _results(world):
    passing = assessed(world.a, "ครูผ่าน")
    failing = assessed(world.a, "ครูไม่ผ่าน", scores={1: ("50.00", "60.00", "70.00"),
                                                      2: ("50.00", "60.00", "90.00")})
    senior = assessed(world.a, "ครูพิเศษ", standing=AcademicStanding.SENIOR_PROFESSIONAL,
                      scores={1: ("80.00", "80.00", "80.00"), 2: ("75.00", "72.50", "71.00")})
    item = services.create_item(actor=secretary(world.a), meeting=meeting(world.a),
                                kind=ItemKind.RESULTS, applications=[passing, failing, senior])
    return item, passing, failing, senior


def test_results_documents_hold_six_scores_dates_and_counts(world):
    item, passing, failing, senior = _results(world)
    item = selectors.item_detail(secretary(world.a), item.pk)
    rows = xlsx_rows(documents.annex_xlsx(item))
    head = rows[2]
    assert head[3] == "กรรมการคนที่ 1 ด้านที่ 1"
    assert head[8] == "กรรมการคนที่ 3 ด้านที่ 2"
    by_name = {r[1].split(" ตำแหน่ง")[0]: r for r in rows[3:6]}
    for application in (passing, failing, senior):
        row = by_name[application.person.full_name_th]
        sides = application.decision.sides
        expected = [float(sides[str(side)]["percentages"][seat])
                    for seat in range(3) for side in (1, 2)]
        assert row[3:9] == expected
        assert row[9] == ("ผ่านเกณฑ์" if application.decision.passed else "ไม่ผ่านเกณฑ์")
        assert row[11] == documents.format_be(application.entered_on, style="long")
    counts = {r[1]: r[2:5] for r in rows[8:] if r and r[1] in ("ชำนาญการ", "ชำนาญการพิเศษ")}
    assert counts == {"ชำนาญการ": [2, 1, 1], "ชำนาญการพิเศษ": [1, 1, 0]}
    text = docx_text(documents.agenda_docx(item))
    assert "ชำนาญการ | 2 | 1 | 1" in text
    assert "ชำนาญการพิเศษ | 1 | 1 | 0" in text
    assert "การอนุมัติผลการประเมิน" in text
    thai_rows = xlsx_rows(documents.annex_xlsx(item, thai=True))
    assert thai_rows[3][3] == "๗๐.๐๐"


def test_results_resolution_notify_and_order_update_the_record(world, mailoutbox, eager,
                                                               django_capture_on_commit_callbacks):
    item, passing, failing, senior = _results(world)
    actor = secretary(world.a)
    services.record_resolution(actor=actor, item=item, decisions={
        passing.pk: Decision.APPROVED, failing.pk: Decision.NOT_APPROVED,
        senior.pk: Decision.APPROVED})
    states = dict(Application.objects.filter(pk__in=[passing.pk, failing.pk, senior.pk])
                  .values_list("pk", "state"))
    assert states == {passing.pk: "result_approved", failing.pk: "result_not_approved",
                      senior.pk: "result_approved"}
    with pytest.raises(ValidationError):
        services.notify_results(actor=actor, item=item, confirmed=False)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.notify_results(actor=actor, item=item, confirmed=True) == 3
    passing.refresh_from_db()
    failing.refresh_from_db()
    assert passing.state == ApplicationState.NOTIFIED
    assert failing.state == ApplicationState.RESULT_NOT_APPROVED
    note = Notification.objects.filter(user=passing.person.user).latest("pk")
    assert "ครั้งที่ 5/2569" in note.body
    assert "อนุมัติผลการประเมิน" in note.body
    assert Notification.objects.filter(user=world.a.users[Role.SCHOOL_ADMIN]).count() == 3
    assert "ไม่อนุมัติ" in Notification.objects.filter(
        user=failing.person.user).latest("pk").body
    to_applicant = [m for m in mailoutbox if m.to == [passing.person.user.email]]
    assert to_applicant
    assert "ครั้งที่ 5/2569" in to_applicant[0].body
    # step 7: the order lists the notified, approved ones only
    committee = committee_of(world.a)
    assert set(selectors.eligible_for_order(committee)) == {passing, senior}
    with pytest.raises(ValidationError):
        services.create_order(actor=actor, committee=committee, number=12, year_be=2569,
                              date=DAY, signer_name="นายก", applications=[failing])
    with pytest.raises(ValidationError):  # the LAO's head signs, not the office's director
        services.create_order(actor=actor, committee=committee, number=12, year_be=2569,
                              date=DAY, signer_name="นายผู้ลงนาม", signer_position="ผู้อำนวยการ",
                              applications=[passing, senior])
    order = services.create_order(actor=actor, committee=committee, number=12, year_be=2569,
                                  date=DAY, signer_name="นายผู้ลงนาม",
                                  applications=[passing, senior])
    order = selectors.order_detail(actor, order.pk)
    text = docx_text(orders.order_docx(order))
    assert "ที่ 12/2569" in text
    assert passing.person.full_name_th in text
    assert "ชำนาญการพิเศษ" in text
    assert orders.order_pdf(order).startswith(b"%PDF")
    assert services.mark_appointed(actor=actor, order=order) == 2
    person = passing.person
    person.refresh_from_db()
    assert person.standing == AcademicStanding.PROFESSIONAL
    assert person.standing_granted_on == passing.entered_on
    line = PositionHistory.objects.filter(person=person).latest("pk")
    assert line.standing == AcademicStanding.PROFESSIONAL
    assert "12/2569" in line.order_ref
    passing.refresh_from_db()
    assert passing.state == ApplicationState.APPOINTED
    with pytest.raises(ValidationError):
        services.mark_appointed(actor=actor, order=order)


def test_honoraria_counts_panel_appointments_per_date_and_standing(world):
    apps = [qualified(world.a, "ครูก"), qualified(world.a, "ครูข"),
            qualified(world.a, "ครูค", standing=AcademicStanding.SENIOR_PROFESSIONAL)]
    item = services.create_item(actor=secretary(world.a), meeting=meeting(world.a),
                                kind=ItemKind.PANELS, applications=apps)
    services.record_resolution(actor=secretary(world.a), item=item, decisions={
        apps[0].pk: "approved", apps[1].pk: "not_approved", apps[2].pk: "approved"})
    rows = xlsx_rows(honoraria.honoraria_xlsx([committee_of(world.a)]))
    assert rows[1][:6] == ["ลำดับ", "รางวัล", "วันเดือนปีตั้งรางวัล", "ประเภท", "ชำนาญการ",
                           "ชำนาญการพิเศษ"]
    assert rows[2][2] == "20 พฤศจิกายน 2569"
    assert rows[2][4:9] == [1, 1, 0, 0, 2]


def test_results_counts_follow_the_decisions(world):
    item, passing, _failing, _senior = _results(world)
    entries = list(AgendaEntry.objects.filter(item=item).select_related(
        "application", "application__decision"))
    counts = {r["standing"]: (r["approved"], r["not_approved"])
              for r in services.standing_counts(entries, by_decision=True)}
    assert counts == {"professional": (1, 1), "senior_professional": (1, 0)}
    assert Decimal(passing.decision.threshold) == Decimal("65")


def test_panels_annex_ticks_the_qualification_checks_as_recorded(world):
    from appraisal.models import QualificationCheck

    def checks(application):
        QualificationCheck.objects.create(application=application, round_no=1, kind="tenure",
                                          auto_passed=False, head_passed=True)
        QualificationCheck.objects.create(application=application, round_no=1, kind="pa",
                                          auto_passed=True, officer_passed=False)
        QualificationCheck.objects.create(application=application, round_no=1, kind="licence",
                                          auto_passed=True)

    application = qualified(world.a, "ครูตรวจ", prepare=checks)
    item = services.create_item(actor=secretary(world.a), meeting=meeting(world.a),
                                kind=ItemKind.PANELS, applications=[application])
    rows = xlsx_rows(documents.annex_xlsx(selectors.item_detail(secretary(world.a), item.pk)))
    ticks = dict(zip(rows[2][9:], rows[3][9:], strict=True))
    assert ticks["ระยะเวลาการดำรงตำแหน่ง"] == "✓"  # the group head's verdict wins
    assert ticks["ข้อตกลงในการพัฒนางาน (PA)"] == "✗"  # the officer's, over the system's
    assert ticks["ใบอนุญาตประกอบวิชาชีพครู"] == "✓"
    assert ticks["เอกสารหลักฐานครบถ้วน"] is None
