"""Spreadsheet formula injection (issue 18 item 2): every xlsx the portal writes goes through
``core.spreadsheets``; with people, units and experts named "=…", "+…", "-…" and "@…" no export
holds a formula, and each such value is stored as text marked with Excel's quote prefix. The csv
helper prefixes and quotes."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts import issuing
from accounts.rules import Role
from appraisal.choices import ApplicationState
from committees import documents, honoraria, selectors, services
from committees.models import Decision, ItemKind
from core import spreadsheets
from elearning.models import Channel
from tests.appraisal.assessment_factories import (
    accept_all,
    approved_application,
    client_of,
    make_expert,
)
from tests.committees.factories import assessed, committee_of
from tests.elearning import helpers as elearning_helpers
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example/","คลิก")'
PLUS = "+1+2"
MINUS = "-3+4"
AT = "@SUM(A1)"
RISKY = (FORMULA, PLUS, MINUS, AT)


def risky_cells(data: bytes) -> dict[str, list]:
    """{value: [cells]} of every string cell that starts like a formula."""
    found: dict[str, list] = {}
    for sheet in load_workbook(io.BytesIO(data)).worksheets:
        for line in sheet.iter_rows():
            for cell in line:
                if spreadsheets.is_risky(cell.value):
                    found.setdefault(cell.value, []).append(cell)
    return found


def assert_inert(data: bytes, *starts: str) -> None:
    """No formula anywhere; each of ``starts`` begins some cell's text, stored as a string with
    the quote prefix."""
    assert spreadsheets.formula_cells(data) == []
    found = risky_cells(data)
    for start in starts:
        cells = [c for value, cs in found.items() if value.startswith(start) for c in cs]
        assert cells, f"no cell starts with {start!r}"
        for cell in cells:
            assert cell.data_type == "s"
            assert cell.quotePrefix is True


def person(side, first_name, **fields):
    return PersonFactory(organization=side.school, title_th="", first_name=first_name,
                         last_name="ทดสอบ", user=UserFactory(first_name=first_name), **fields)


def test_the_helper_neutralises_cells_and_csv_fields():
    assert all(spreadsheets.is_risky(v) for v in (*RISKY, "\t=1", "\r=1", " =1", "＝1"))
    assert not any(spreadsheets.is_risky(v) for v in ("นาย=1", "a-b", "", None, -5, 3.5))
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    sheet.append(spreadsheets.row(sheet, [*RISKY, -5, "ธรรมดา"]))
    data = spreadsheets.to_bytes(book)
    assert_inert(data, *RISKY)
    values = [c.value for c in load_workbook(io.BytesIO(data)).active[1]]
    assert values == [*RISKY, -5, "ธรรมดา"]  # the text itself kept, a number stays a number
    # a normal sheet filled the plain way is swept before saving
    book = Workbook()
    book.active.append([FORMULA, 1])
    assert_inert(spreadsheets.to_bytes(book), FORMULA)
    text = spreadsheets.csv_bytes([["ชื่อ", "หมายเหตุ"], [FORMULA, 'a,"b"'], [MINUS, -5]])
    assert text.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows == [["ชื่อ", "หมายเหตุ"], ["'" + FORMULA, 'a,"b"'], ["'" + MINUS, "-5"]]
    assert b'"\'=HYPERLINK(""http://evil.example/"",""' in text  # every field quoted


def test_every_export_keeps_risky_names_as_text(world):
    a = world.a
    a.school.name = AT + " โรงเรียน"
    a.school.save(update_fields=["name"])
    for n, name in enumerate(RISKY):
        person(a, name, national_id=f"110170023070{n}")
    school_admin = client_of(a.users[Role.SCHOOL_ADMIN])

    # accounts: the issued accounts' list
    entry = issuing.Entry(organization=a.school, role=Role.SCHOOL_ADMIN, username=MINUS,
                          password=PLUS)
    assert_inert(issuing.accounts_workbook([entry]), AT, MINUS, PLUS)

    # personnel: the roster export and the import template (the units' codes and names)
    roster = school_admin.get(reverse("roster_export"))
    assert roster.status_code == 200
    assert_inert(roster.content, *RISKY)
    template = school_admin.get(reverse("person_import_template"))
    assert_inert(template.content, AT)

    # appraisal: the office's queue and the expert import template
    approved_application(a, person=person(a, FORMULA, national_id="3100600000011"),
                         state=ApplicationState.AT_OFFICE)
    queue = client_of(a.users[Role.OFFICER]).get(reverse("office_queue_xlsx"))
    assert queue.status_code == 200
    assert_inert(queue.content, FORMULA)
    expert_template = client_of(a.users[Role.PROVINCE_ADMIN]).get(
        reverse("expert_import_template"))
    assert spreadsheets.formula_cells(expert_template.content) == []

    # committees: the annex of both kinds of items and the honoraria
    secretary = a.users[Role.PROVINCE_ADMIN]
    meeting = services.create_meeting(actor=secretary, committee=committee_of(a), number=1,
                                      year_be=2569, date=datetime.date(2026, 11, 20), place=MINUS)
    panel = approved_application(a, person=person(a, PLUS, national_id="3100600000029"),
                                 state=ApplicationState.QUALIFIED)
    for n in range(3):
        expert = make_expert(a.province, home=a.province)
        expert.title_th, expert.first_name = "", f"{AT}{n}"
        expert.save(update_fields=["title_th", "first_name"])
    item = services.create_item(actor=secretary, meeting=meeting, kind=ItemKind.PANELS,
                                applications=[panel])
    item = selectors.item_detail(secretary, item.pk)
    assert_inert(documents.annex_xlsx(item), PLUS)
    services.record_resolution(actor=secretary, item=item, decision=Decision.APPROVED,
                               draw_now=True, public_value="สลากกินแบ่งรัฐบาล 1 ธ.ค. 2569: 123456")
    accept_all(panel)
    assert_inert(honoraria.honoraria_xlsx([committee_of(a)]), AT)
    result = assessed(a, MINUS)
    result.person.title_th = ""
    result.person.save(update_fields=["title_th"])
    results = services.create_item(actor=secretary, meeting=meeting, kind=ItemKind.RESULTS,
                                   applications=[result])
    assert_inert(documents.annex_xlsx(selectors.item_detail(secretary, results.pk)), MINUS)

    # e-Learning: the unit's report and the import template (the channels' names)
    round1 = elearning_helpers.round_2569_1()
    staff = a.users[Role.STAFF]
    staff.title_th, staff.first_name = "", FORMULA
    staff.save(update_fields=["title_th", "first_name"])
    elearning_helpers.completion_of(a)
    report = client_of(world.dla_admin).get(
        f"/api/v1/elearning/reports/xlsx/?round={round1.pk}&organization={a.province.pk}")
    assert report.status_code == 200
    assert_inert(report.content, FORMULA)
    Channel.objects.create(code="evil", name=PLUS + " ช่องทาง", order=99)
    template = client_of(world.dla_admin).get(reverse("completion_import_template"))
    assert template.status_code == 200
    assert_inert(template.content, PLUS)
