"""แจ้งค่ารางวัลและเบี้ยประชุมเพื่อแต่งตั้งกรรมการประเมินวิทยฐานะ (seed 004, step 3 screen ๑๔): the
assessor appointments the committee approved, per meeting date with counts per standing (the
seed's table), and per assessor with the amount due at the committee's rates.

Seed 004 gives the report's wording and its counts, not the amounts: the rates are the
committee's data (``HonorariumRate``, set by the secretary on the report's page). An appointment
counts once its assessor has accepted (an invitation ตอบรับแล้ว) on an application whose panel the
committee approved."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count
from django.utils.translation import gettext as _

from appraisal.choices import InvitationState
from appraisal.models import Invitation
from core import spreadsheets
from core.money import format_baht
from core.thaidates import format_be
from personnel.choices import AcademicStanding

from .models import AgendaEntry, Decision, HonorariumRate, ItemKind
from .services import STANDING_ORDER

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


def rates_of(committees) -> dict[tuple[int, str], Decimal]:
    """{(committee, standing): amount per application assessed}."""
    return {(r.committee_id, r.standing): r.amount
            for r in HonorariumRate.objects.filter(committee__in=list(committees))}


def date_rows(committees) -> list[dict]:
    """The seed's table: applications whose panels the committees approved, by the date of the
    meeting, with counts per standing. One query."""
    rows = AgendaEntry.objects.filter(
        item__kind=ItemKind.PANELS, decision=Decision.APPROVED,
        item__meeting__committee__in=list(committees)).values(
        "item__meeting__date", "application__requested_standing").annotate(
        n=Count("pk")).order_by("-item__meeting__date")
    by_date: dict = {}
    for r in rows:
        day = r["item__meeting__date"]
        by_date.setdefault(day, dict.fromkeys(STANDING_ORDER, 0))
        by_date[day][r["application__requested_standing"]] += r["n"]
    return [{"date": day, "counts": counts, "total": sum(counts.values())}
            for day, counts in by_date.items()]


def assessor_rows(committees) -> list[dict]:
    """Per meeting date and assessor: the name, the home unit, the applications per standing
    and the amount at the committee's rates (None where a standing has no rate yet). Two
    queries."""
    committees = list(committees)
    rates = rates_of(committees)
    meeting_of = {e["application_id"]: (e["item__meeting__date"], e["item__meeting__committee"])
                  for e in AgendaEntry.objects.filter(
                      item__kind=ItemKind.PANELS, decision=Decision.APPROVED,
                      item__meeting__committee__in=committees).values(
                      "application_id", "item__meeting__date", "item__meeting__committee")}
    accepted = Invitation.objects.filter(
        state=InvitationState.ACCEPTED, application__in=list(meeting_of)).values_list(
        "expert_id", "application_id", "application__requested_standing", "expert__title_th",
        "expert__first_name", "expert__last_name", "expert__home_organization__name",
        "expert__home_organization_name")
    rows: dict[tuple, dict] = {}
    for expert_id, application_id, standing, title, first, last, home, home_name in accepted:
        day, committee_id = meeting_of[application_id]
        row = rows.setdefault((day, expert_id), {
            "date": day, "expert_id": expert_id, "name": f"{title}{first} {last}".strip(),
            "home": home or home_name or "", "counts": dict.fromkeys(STANDING_ORDER, 0),
            "amount": Decimal(0), "missing": False})
        row["counts"][standing] += 1
        rate = rates.get((committee_id, standing))
        if rate is None:
            row["missing"] = True
        else:
            row["amount"] += rate
    result = sorted(rows.values(), key=lambda r: (-r["date"].toordinal(), r["name"]))
    for row in result:
        row["total"] = sum(row["counts"].values())
        if row["missing"]:
            row["amount"] = None
    return result


def honoraria_xlsx(committees, *, thai: bool = False) -> bytes:
    """The report as Excel: the seed's table by date, then every assessor with the amount."""
    from openpyxl import Workbook

    def n(value):
        return str(value).translate(THAI_DIGITS) if thai else value

    labels = [str(AcademicStanding(s).label) for s in STANDING_ORDER]
    book = Workbook()
    ws = book.active
    ws.title = _("ค่ารางวัล")
    ws.append(spreadsheets.row(
        ws, [_("แจ้งค่ารางวัลและเบี้ยประชุมเพื่อแต่งตั้งกรรมการประเมินวิทยฐานะ")], bold=True,
        size=16))
    ws.append(spreadsheets.row(ws, [_("ลำดับ"), _("รางวัล"), _("วันเดือนปีตั้งรางวัล"),
                                    _("ประเภท"), *labels, _("รวม")],
                               bold=True, table=True, fill="EDEDED"))
    for number, row in enumerate(date_rows(committees), start=1):
        day = format_be(row["date"], style="long", thai_digits=thai)
        ws.append(spreadsheets.row(ws, [
            n(number), _("รางวัลเพื่อแต่งตั้งกรรมการประเมินวิทยฐานะ ณ %(day)s") % {"day": day},
            day, _("ครู"), *[n(row["counts"][s]) for s in STANDING_ORDER], n(row["total"])],
            table=True))
    spreadsheets.print_layout(ws, header_rows=(2, 2), landscape=True,
                              widths=(8, 46, 20, 10, *[12] * len(labels), 10))

    people = book.create_sheet(_("กรรมการประเมิน"))
    people.append(spreadsheets.row(people, [_("ค่ารางวัลกรรมการประเมินรายบุคคล")], bold=True,
                                   size=16))
    people.append(spreadsheets.row(people, [
        _("ลำดับ"), _("วันเดือนปีตั้งรางวัล"), _("ชื่อ-นามสกุล"), _("หน่วยงานต้นสังกัด"),
        *labels, _("รวม (ราย)"), _("จำนวนเงิน (บาท)")], bold=True, table=True, fill="EDEDED"))
    total = Decimal(0)
    for number, row in enumerate(assessor_rows(committees), start=1):
        amount = row["amount"]
        total += amount or 0
        people.append(spreadsheets.row(people, [
            n(number), format_be(row["date"], style="long", thai_digits=thai), row["name"],
            row["home"], *[n(row["counts"][s]) for s in STANDING_ORDER], n(row["total"]),
            _("ยังไม่ได้กำหนดอัตรา") if amount is None else (
                format_baht(amount, thai_digits=True) if thai else float(amount))],
            table=True))
        if amount is not None and not thai:
            people.cell(row=people.max_row, column=len(labels) + 6).number_format = "#,##0.00"
    people.append(spreadsheets.row(people, [
        "", "", _("รวมทั้งสิ้น"), "", *[""] * len(labels), "",
        format_baht(total, thai_digits=True) if thai else float(total)], bold=True, table=True))
    if not thai:
        people.cell(row=people.max_row, column=len(labels) + 6).number_format = "#,##0.00"
    spreadsheets.print_layout(people, header_rows=(2, 2), landscape=True,
                              widths=(8, 20, 30, 30, *[11] * len(labels), 10, 16))
    return spreadsheets.to_bytes(book)
