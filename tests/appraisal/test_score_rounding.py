"""One rounding rule for shown scores (issue 17 item 9): 2 decimals, half up, on the web pages,
in the assessors' summary PDF and in the committee's Excel annex alike. 8 indicators × 2.5 at
levels adding up to 21 give 65.625%: everywhere 65.63 (it was 65.63 on the web, 65.62 in the PDF
and half-even in Excel)."""

from __future__ import annotations

import datetime
import io
import re
import unicodedata
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.rules import Role
from appraisal import rules
from appraisal.models import Rubric, ScoreSheet
from appraisal.services import scoring
from committees import documents, selectors, services
from committees.models import ItemKind
from tests.appraisal.assessment_factories import accept_all, client_of, drawn
from tests.committees.factories import committee_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "shown"), [
    (Decimal("65.625"), "65.63"), (Decimal("65.6250"), "65.63"), (Decimal("65.6249"), "65.62"),
    (Decimal("65.624"), "65.62"), (Decimal("64.995"), "65.00"), ("70.0000", "70.00"),
    (62.5, "62.50"), (100, "100.00"), (Decimal("0.005"), "0.01"), (None, ""), ("", "")])
def test_the_rule_is_two_decimals_half_up(value, shown):
    assert rules.format_score(value) == shown


def test_thai_digits_and_the_decision_keeps_the_full_percentage():
    assert rules.format_score(Decimal("65.625"), thai_digits=True) == "๖๕.๖๓"
    # shown as 65.00, but 64.995 is below the threshold: the decision uses the kept figure
    assert rules.format_score(Decimal("64.995")) == "65.00"
    assert not rules.side_passes([Decimal("64.995")] * 3, "professional")


def _levels(sheet, side, levels):
    rubric = Rubric.objects.get(standing=sheet.invitation.application.requested_standing,
                                side=side)
    return {str(i.pk): lv for i, lv in zip(rubric.indicators.order_by("order"), levels,
                                           strict=True)}


def _pdf_text(data: bytes) -> str:
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    return "".join(c for c in text if unicodedata.category(c) not in ("Cc", "Cf"))


def test_the_web_page_the_pdf_and_the_excel_show_the_same_figure(world):
    application, _pool, _draw = drawn(world.a)
    rows = accept_all(application)
    for invitation in rows:
        sheet = ScoreSheet.objects.get(invitation=invitation)
        scoring.save_draft(sheet, actor=invitation.expert.user, levels={
            **_levels(sheet, 1, [3, 3, 3, 3, 3, 2, 2, 2]),  # 21 × 2.5 / 80 = 65.625%
            **_levels(sheet, 2, [3, 3, 3, 3])})
        scoring.submit_score_sheet(sheet, actor=invitation.expert.user)
    application.refresh_from_db()
    assert application.decision.sides["1"]["percentages"] == ["65.6250"] * 3

    # the web: the application's page (the office) and the assessor's own sheet
    page = client_of(world.a.users[Role.OFFICER]).get(
        reverse("application_detail", args=[application.pk])).content.decode()
    assert page.count(">65.63<") == 3
    assert "65.62" not in page
    assert "65.625" not in page
    sheet_page = client_of(rows[0].expert.user).get(
        reverse("score_sheet", args=[rows[0].pk])).content.decode()
    assert re.search(r'data-testid="percentage-1">65\.63<', sheet_page)

    # the PDF: the summary of the three assessors
    pdf = client_of(world.a.users[Role.OFFICER]).get(
        reverse("assessment_summary_pdf", args=[application.pk])).content
    text = _pdf_text(pdf)
    assert text.count("65.63") == 3
    assert "65.62" not in text

    # the Excel: the committee's annex of the results item
    secretary = world.a.users[Role.PROVINCE_ADMIN]
    meeting = services.create_meeting(actor=secretary, committee=committee_of(world.a),
                                      number=1, year_be=2569, date=datetime.date(2026, 11, 20))
    item = services.create_item(actor=secretary, meeting=meeting, kind=ItemKind.RESULTS,
                                applications=[application])
    item = selectors.item_detail(secretary, item.pk)
    sheet = load_workbook(io.BytesIO(documents.annex_xlsx(item))).active
    side1 = [sheet.cell(row=4, column=c) for c in (4, 6, 8)]
    assert [c.value for c in side1] == [65.63] * 3
    assert {c.number_format for c in side1} == {"0.00"}
    thai = load_workbook(io.BytesIO(documents.annex_xlsx(item, thai=True))).active
    assert thai.cell(row=4, column=4).value == "๖๕.๖๓"
