"""The committee's documents read back (issue 17 items 7–9): the appointment order as the LAO's
คำสั่ง (ครุฑ, authority, legal basis, the meeting and resolution, the table with position number,
rank and salary, the signer), the ก.พ.7 after the appointment, the whole meeting's agenda and the
draft minutes in Word, the annex printed on A4, and the honoraria per assessor."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.exceptions import NotAllowed
from accounts.rules import OrgKind, Role
from appraisal.choices import InvitationState
from appraisal.models import Invitation
from committees import documents, honoraria, orders, selectors, services
from committees.models import Decision, ItemKind, MemberRole
from core.spreadsheets import FONT_NAME
from personnel.choices import AcademicStanding, SalaryRank
from personnel.models import PositionHistory
from tests.appraisal.assessment_factories import accept_all, client_of, expert_pool
from tests.committees.factories import assessed, committee_of, qualified
from tests.factories import make_org

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 20)


def secretary(side):
    return side.users[Role.PROVINCE_ADMIN]


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    """The PDF's text without spaces and zero-width spaces, and without the stray character
    pypdf reads after SARA AM (core/pdf.py's known limitation: fpdf2 maps HarfBuzz's second
    glyph of ำ to nothing, which pypdf reads as a control character or a stray digit)."""
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf", "Zs"))
    text = text.replace("\u0e4d\u0e32", "\u0e33")
    return re.sub(r"\u0e33[0-9](?=[\u0e00-\u0e7f])", "\u0e33", text)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdf_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    return fonts


def _notified(world, *applications):
    """The results of ``applications`` approved at meeting 5/2569 and notified."""
    actor = secretary(world.a)
    item = services.create_item(actor=actor, meeting=_meeting(world), kind=ItemKind.RESULTS,
                                applications=list(applications))
    services.record_resolution(actor=actor, item=item, decisions={
        a.pk: Decision.APPROVED for a in applications})
    services.notify_results(actor=actor, item=item, confirmed=True)
    return item


def _meeting(world, number=5):
    return services.create_meeting(actor=secretary(world.a), committee=committee_of(world.a),
                                   number=number, year_be=2569, date=DAY, place="ศาลากลาง")


def _senior(world):
    """A ชำนาญการ teacher (คศ.2, 24,290 บาท) whose request for ชำนาญการพิเศษ was approved."""
    application = assessed(world.a, "ครูพิเศษ", standing=AcademicStanding.SENIOR_PROFESSIONAL,
                           scores={1: ("80.00", "80.00", "80.00"), 2: ("75.00", "72.50", "71.00")})
    person = application.person
    person.standing = AcademicStanding.PROFESSIONAL
    person.standing_granted_on = datetime.date(2021, 5, 1)
    person.salary_rank = SalaryRank.KS2
    person.salary = Decimal("24290.00")
    person.position_number = "1421"
    person.save()
    return application


# --- item 8: the order -------------------------------------------------------------------------

def test_the_order_is_the_laos_with_garuda_authority_resolution_table_and_signer(world):
    senior = _senior(world)
    professional = assessed(world.a, "ครูชำนาญ")
    _notified(world, senior, professional)
    actor = secretary(world.a)
    order = services.create_order(actor=actor, committee=committee_of(world.a), number=12,
                                  year_be=2569, date=datetime.date(2026, 11, 25),
                                  signer_name="นายสมหมาย ใจดี",
                                  applications=[professional, senior])
    order = selectors.order_detail(actor, order.pk)
    assert order.issuer == world.a.lao
    head = "นายกองค์การบริหารส่วนตำบลMARKER-A"
    assert order.signer_position == head

    doc = Document(io.BytesIO(orders.order_docx(order)))
    text = docx_text(orders.order_docx(order))
    # ครุฑ: a marked box 3 cm high, first thing on the page, centred
    garuda = doc.tables[0]
    assert "ตราครุฑ" in garuda.rows[0].cells[0].text
    assert abs(garuda.rows[0].height.cm - 3.0) < 0.01
    lines = [p.text for p in doc.paragraphs if p.text.strip()]
    assert lines[0] == "คำสั่งองค์การบริหารส่วนตำบลMARKER-A"
    assert lines[1] == "ที่ 12/2569"
    assert lines[2].startswith("เรื่อง ให้ข้าราชการหรือพนักงานครูและบุคลากรทางการศึกษา มีวิทยฐานะครู"
                               "ชำนาญการ และเลื่อนเป็นวิทยฐานะครูชำนาญการพิเศษ")
    # the meeting and resolution it rests on, the legal basis, the effective date, the date
    assert "ตามที่คณะกรรมการพนักงานส่วนตำบลจังหวัด" in text
    assert "ในการประชุมครั้งที่ 5/2569 เมื่อวันที่ 20 พฤศจิกายน พ.ศ. 2569 มีมติอนุมัติ" in text
    assert ("อาศัยอำนาจตามความในพระราชบัญญัติระเบียบบริหารงานบุคคลส่วนท้องถิ่น พ.ศ. 2542"
            in text)
    assert "มาตรฐานทั่วไปเกี่ยวกับการประเมินตำแหน่งและวิทยฐานะ" in text
    assert "และมติ ก.อบต.จังหวัด" in text
    assert "สั่ง ณ วันที่ 25 พฤศจิกายน พ.ศ. 2569" in text
    # the signer matches the authority: the LAO's head, not the committee, not a director
    assert lines[-3] == "(นายสมหมาย ใจดี)"
    assert lines[-2] == head
    # the table: position number, rank and salary per the rules
    table = doc.tables[1]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["ที่", "ชื่อ - นามสกุล", "ตำแหน่ง / สถานศึกษา", "ตำแหน่งเลขที่",
                      "วิทยฐานะที่ได้รับแต่งตั้ง", "อันดับ", "เงินเดือน (บาท)", "ตั้งแต่วันที่"]
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeated on every page
    row = [c.text for c in table.rows[2].cells]
    assert row[1] == senior.person.full_name_th
    assert row[3:7] == ["1421", "ครูชำนาญการพิเศษ", "คศ.3", "24,290.00"]
    assert [c.text for c in table.rows[1].cells][5] == "คศ.2"
    # TH Sarabun New 16 pt, Sarabun named as the fallback
    normal = doc.styles["Normal"]
    assert normal.font.name == FONT_NAME
    assert normal.font.size.pt == 16
    font_table = next(r.target_part for r in doc.part.rels.values()
                      if r.reltype.endswith("/fontTable"))
    assert f'<w:font w:name="{FONT_NAME}"><w:altName w:val="Sarabun"/>' in \
        font_table.blob.decode()

    pdf = orders.order_pdf(order)
    flat = pdf_text(pdf)
    for needle in ("ตราครุฑ", "คำสั่งองค์การบริหารส่วนตำบลMARKER-A", "ที่12/2569",
                   "อาศัยอำนาจตามความในพระราชบัญญัติระเบียบบริหารงานบุคคลส่วนท้องถิ่น",
                   "ในการประชุมครั้งที่5/2569", "(นายสมหมายใจดี)", head, "ตำแหน่งเลขที่",
                   "อันดับ", "เงินเดือน(บาท)", "คศ.3", "24,290.00", "1421"):
        assert squeeze(needle) in flat, needle
    assert any("Sarabun" in f for f in pdf_fonts(pdf))
    thai = docx_text(orders.order_docx(order, thai=True))
    assert "ที่ ๑๒/๒๕๖๙" in thai
    assert "พ.ศ. ๒๕๔๒" in thai
    assert "๒๔,๒๙๐.๐๐" in thai


def test_an_order_is_of_one_lao_and_signed_for_its_head(world):
    mine = assessed(world.a, "ครูอบต")
    other_lao = make_org(world.a.district, OrgKind.LAO, "อบต. อื่น")
    other_school = make_org(other_lao, OrgKind.SCHOOL, "โรงเรียนอื่น")
    theirs = assessed(world.a, "ครูอบตอื่น", organization=other_school, office=other_lao)
    _notified(world, mine, theirs)
    committee = committee_of(world.a)
    with pytest.raises(ValidationError, match=r"อปท\. เดียว"):
        services.create_order(actor=secretary(world.a), committee=committee, number=1,
                              year_be=2569, date=DAY, signer_name="นาย ก",
                              applications=[mine, theirs])
    with pytest.raises(ValidationError, match="นายกองค์การบริหารส่วนตำบล"):
        services.create_order(actor=secretary(world.a), committee=committee, number=1,
                              year_be=2569, date=DAY, signer_name="นาย ก",
                              signer_position="ประธานกรรมการ", applications=[mine])
    acting = "ปลัดองค์การบริหารส่วนตำบล ปฏิบัติราชการแทนนายกองค์การบริหารส่วนตำบลMARKER-A"
    order = services.create_order(actor=secretary(world.a), committee=committee, number=1,
                                  year_be=2569, date=DAY, signer_name="นาย ข",
                                  signer_position=acting, applications=[mine])
    assert order.signer_position == acting
    # numbered in each LAO's own register
    services.create_order(actor=secretary(world.a), committee=committee, number=1,
                          year_be=2569, date=DAY, signer_name="นาย ค", applications=[theirs])


# --- item 7: the ก.พ.7 after the appointment -----------------------------------------------------

def test_the_kp7_shows_the_new_standing_rank_and_salary(world):
    senior = _senior(world)
    _notified(world, senior)
    actor = secretary(world.a)
    order = services.create_order(actor=actor, committee=committee_of(world.a), number=3,
                                  year_be=2569, date=DAY, signer_name="นาย ง",
                                  applications=[senior])
    services.mark_appointed(actor=actor, order=order)
    person = senior.person
    person.refresh_from_db()
    assert person.standing == AcademicStanding.SENIOR_PROFESSIONAL
    assert person.salary_rank == SalaryRank.KS3  # was คศ.2
    assert person.salary == Decimal("24290.00")  # ก.ค.ศ. ว 9/2562: the same amount
    line = PositionHistory.objects.filter(person=person).latest("pk")
    assert (line.standing, line.salary_rank, line.salary) == (
        AcademicStanding.SENIOR_PROFESSIONAL, SalaryRank.KS3, Decimal("24290.00"))
    assert line.order_ref.startswith("คำสั่งองค์การบริหารส่วนตำบลMARKER-A ที่ 3/2569")
    page = client_of(world.a.users[Role.SCHOOL_ADMIN]).get(
        reverse("person_detail", args=[person.pk])).content.decode()
    assert "คศ.3 · 24,290.00 บาท" in page
    history = page[page.index('data-testid="section-positionhistory"'):]
    for shown in ("24,290.00", "คศ.3", "ชำนาญการพิเศษ"):
        assert shown in history
    pdf = client_of(world.a.users[Role.SCHOOL_ADMIN]).get(
        reverse("person_kp7_pdf", args=[person.pk])).content
    flat = pdf_text(pdf)
    assert "คศ.3" in flat
    assert "24,290.00" in flat
    assert "24290.00" not in flat


# --- item 9: the whole meeting's agenda, the draft minutes, the annex, the honoraria -----------

def test_the_whole_meeting_agenda_and_the_draft_minutes(world):
    actor = secretary(world.a)
    committee = committee_of(world.a)
    services.add_member(actor=actor, committee=committee, name="นายประธาน กรรมการ",
                        role=MemberRole.CHAIR, position="ผู้ว่าราชการจังหวัด")
    services.add_member(actor=actor, committee=committee, name="นางเลขา กรรมการ",
                        role=MemberRole.SECRETARY, position="ท้องถิ่นจังหวัด")
    meeting = _meeting(world)
    panel = qualified(world.a, "ครูคณะกรรมการ")
    result = assessed(world.a, "ครูผลประเมิน")
    first = services.create_item(actor=actor, meeting=meeting, kind=ItemKind.PANELS,
                                 applications=[panel])
    second = services.create_item(actor=actor, meeting=meeting, kind=ItemKind.RESULTS,
                                  applications=[result])
    services.record_resolution(actor=actor, item=second, decisions={
        result.pk: Decision.APPROVED}, note="ให้แจ้งผลภายใน ๗ วัน")
    items = selectors.items_of_meeting(actor, meeting)
    agenda = docx_text(documents.meeting_agenda_docx(meeting, items))
    for needle in ("ระเบียบวาระการประชุมคณะกรรมการพนักงานส่วนตำบลจังหวัด", "ครั้งที่ 5/2569",
                   f"ระเบียบวาระที่ 1 {first.title}", f"ระเบียบวาระที่ 2 {second.title}",
                   panel.person.full_name_th, "ชำนาญการ | 1 | 1 | 0", "ข้อพิจารณา",
                   "กฎหมาย ระเบียบ และหลักเกณฑ์ที่เกี่ยวข้อง"):
        assert needle in agenda, needle
    doc = Document(io.BytesIO(documents.meeting_agenda_docx(meeting, items)))
    assert doc.styles["Normal"].font.name == FONT_NAME
    minutes = docx_text(documents.minutes_docx(meeting, items))
    for needle in ("(ร่าง)", "รายงานการประชุมคณะกรรมการพนักงานส่วนตำบลจังหวัด", "ผู้มาประชุม",
                   "1. นายประธาน กรรมการ  ผู้ว่าราชการจังหวัด  ประธานกรรมการ",
                   "นายประธาน กรรมการ ประธานในที่ประชุม", f"ระเบียบวาระที่ 1 เรื่อง {first.title}",
                   "(ยังไม่ได้บันทึกมติในระบบ)", "มีมติอนุมัติผลการประเมิน",
                   f"1 | {result.person.full_name_th} | ชำนาญการ | อนุมัติ",
                   "ให้แจ้งผลภายใน ๗ วัน", "ผู้จดรายงานการประชุม", "(นางเลขา กรรมการ)",
                   "ผู้ตรวจรายงานการประชุม", "เลิกประชุมเวลา"):
        assert needle in minutes, needle
    # the pages link them and serve them
    client = client_of(actor)
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("meeting_agenda_docx", args=[meeting.pk]) in page
    assert reverse("meeting_minutes_docx", args=[meeting.pk]) in page
    response = client.get(reverse("meeting_minutes_docx", args=[meeting.pk]), {"thai": "1"})
    assert "ครั้งที่ ๕/๒๕๖๙" in docx_text(response.content)
    assert client_of(secretary(world.b)).get(
        reverse("meeting_agenda_docx", args=[meeting.pk])).status_code == 404


def test_the_annex_prints_on_a4_in_th_sarabun_new_with_borders_and_the_header_repeated(world):
    item = services.create_item(actor=secretary(world.a), meeting=_meeting(world),
                                kind=ItemKind.RESULTS,
                                applications=[assessed(world.a, "ครูหนึ่ง"),
                                              assessed(world.a, "ครูสอง")])
    item = selectors.item_detail(secretary(world.a), item.pk)
    sheet = load_workbook(io.BytesIO(documents.annex_xlsx(item))).active
    assert sheet.page_setup.paperSize in (9, "9")
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.fitToWidth) == 1
    assert int(sheet.page_setup.fitToHeight) == 0
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.print_title_rows == "$3:$3"
    header, first = sheet[3], sheet[4]
    for cell in (*header, *first):
        assert cell.font.name == FONT_NAME
        assert cell.border.left.style == "thin"
        assert cell.border.bottom.style == "thin"
        assert cell.alignment.wrap_text is True
    assert header[0].font.b is True
    assert sheet["A1"].font.name == FONT_NAME
    assert first[3].number_format == "0.00"


def test_the_honoraria_name_each_assessor_with_the_amount_at_the_committees_rates(world):
    actor = secretary(world.a)
    expert_pool(world.a.province, 4)
    applications = [qualified(world.a, "ครูหนึ่ง"),
                    qualified(world.a, "ครูสอง", standing=AcademicStanding.SENIOR_PROFESSIONAL)]
    item = services.create_item(actor=actor, meeting=_meeting(world), kind=ItemKind.PANELS,
                                applications=applications)
    services.record_resolution(actor=actor, item=item, decision=Decision.APPROVED,
                               draw_now=True, public_value="สลากกินแบ่งรัฐบาล 1 ธ.ค. 2569: 123456")
    for application in applications:
        accept_all(application)
    committee = committee_of(world.a)
    rows = honoraria.assessor_rows([committee])
    assert sum(r["total"] for r in rows) == 6
    assert all(r["amount"] is None for r in rows)  # no rate yet: no amount invented
    page = client_of(actor).get(reverse("committee_honoraria", args=[committee.pk]))
    assert 'data-testid="no-rates"' in page.content.decode()
    response = client_of(actor).post(reverse("committee_honoraria", args=[committee.pk]), {
        "professional": "1500", "senior_professional": "2000.50", "expert": "",
        "senior_expert": ""})
    assert response.status_code == 302
    with pytest.raises(ValidationError):
        services.set_honorarium_rates(actor=actor, committee=committee,
                                      amounts={"professional": "-1"})
    with pytest.raises(NotAllowed):
        services.set_honorarium_rates(actor=secretary(world.b), committee=committee,
                                      amounts={"professional": "1"})
    accepted = Invitation.objects.filter(state=InvitationState.ACCEPTED).select_related(
        "expert", "application")
    expected = {}
    for invitation in accepted:
        rate = Decimal("1500") if invitation.application == applications[0] else \
            Decimal("2000.50")
        expected[invitation.expert.full_name_th] = expected.get(
            invitation.expert.full_name_th, Decimal(0)) + rate
    rows = honoraria.assessor_rows([committee])
    assert {r["name"]: r["amount"] for r in rows} == expected
    book = load_workbook(io.BytesIO(honoraria.honoraria_xlsx([committee])))
    people = book["กรรมการประเมิน"]
    values = [[c.value for c in r] for r in people.iter_rows(min_row=3)]
    by_name = {v[2]: v for v in values if v[2] and v[2] != "รวมทั้งสิ้น"}
    assert {name: Decimal(str(v[-1])) for name, v in by_name.items()} == expected
    assert Decimal(str(values[-1][-1])) == sum(expected.values())
    assert people.print_title_rows == "$2:$2"
    page = client_of(actor).get(reverse("committee_honoraria", args=[committee.pk]))
    html = page.content.decode()
    for name, amount in expected.items():
        assert name in html
        assert f"{amount:,.2f}" in html
