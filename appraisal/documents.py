"""แบบสรุปผลการประเมินของกรรมการทั้ง 3 คน (seed 004 step 5, item ๙): the applicant, then for each
side every indicator with the three assessors' levels and weighted scores, the percentages and
the pass mark of each assessor, their strengths and remarks, and the decision per side and
overall. Printed by the office (``scoring.may_see_scores``) once the three sheets are in."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf.fonts import FontFace

from appraisal.models import Application
from appraisal.rules import format_score
from appraisal.services import scoring
from core.pdf import FONT_FAMILY, ThaiPDF, to_bytes
from core.thaidates import format_be

FONT_PT = 9
HEADING = FontFace(emphasis="BOLD", fill_color=(225, 230, 238))


def _num(value: Decimal) -> str:
    text = f"{value:.2f}"
    return text[:-3] if text.endswith(".00") else text


def summary_pdf(application: Application) -> bytes:
    data = scoring.overview(application)
    rubrics = scoring.rubrics_for(application.requested_standing)
    rows = data["rows"]
    decision = data["decision"]
    pdf = ThaiPDF(margins=(18, 15, 15, 15))
    pdf.set_title(_("แบบสรุปผลการประเมินของกรรมการทั้ง 3 คน"))
    pdf.add_page()
    pdf.write_text(_("แบบสรุปผลการประเมินตำแหน่งและวิทยฐานะของกรรมการทั้ง 3 คน"), bold=True,
                   size=14, align="C")
    person = application.person
    pdf.write_text(_("ผู้รับการประเมิน %(name)s ตำแหน่ง %(position)s วิทยฐานะ%(current)s "
                     "ขอมี/เลื่อนเป็นวิทยฐานะ%(requested)s") % {
        "name": person.full_name_th, "position": person.get_position_type_display(),
        "current": application.get_current_standing_display(),
        "requested": application.get_requested_standing_display()})
    pdf.write_text(_("สถานศึกษา %(school)s สังกัด %(office)s สาขา %(area)s ชื่อผลงาน “%(title)s”") % {
        "school": application.organization.name, "office": application.office.name,
        "area": application.subject_area.name, "title": application.work_title})
    pdf.write_text(_("เกณฑ์: แต่ละด้านต้องได้คะแนนจากกรรมการไม่น้อยกว่า 2 ใน 3 คน "
                     "ไม่ต่ำกว่าร้อยละ %(t)s") % {"t": _num(data["threshold"])})
    pdf.ln(2)
    names = [r["invitation"].expert.full_name_th for r in rows]
    for rubric in rubrics:
        pdf.write_text(rubric.get_side_display(), bold=True, size=11)
        indicators = list(rubric.indicators.all())
        with pdf.local_context(font_family=FONT_FAMILY, font_size_pt=FONT_PT), pdf.table(
                col_widths=(70, 12, *([18] * len(rows))), width=pdf.epw,
                headings_style=HEADING, line_height=pdf.line_height(FONT_PT),
                text_align=("LEFT", "CENTER", *(["CENTER"] * len(rows))),
                v_align="TOP") as table:
            head = table.row()
            head.cell(pdf.format_text(_("ตัวชี้วัด")))
            head.cell(_("น้ำหนัก"))
            for n, _name in enumerate(names, start=1):
                head.cell(_("กรรมการ %(n)d\nระดับ/คะแนน") % {"n": n})
            for indicator in indicators:
                row = table.row()
                row.cell(pdf.format_text(f"{indicator.order}. {indicator.text}"))
                row.cell(_num(indicator.weight))
                for r in rows:
                    level = (r["sheet"].levels if r["sheet"] else {}).get(str(indicator.pk))
                    row.cell(f"{level} / {_num(level * indicator.weight)}" if level else "–")
            total = table.row()
            total.cell(pdf.format_text(_("ร้อยละ")))
            total.cell("")
            side_index = [s.value for s in data["sides"]].index(rubric.side)
            for r in rows:
                score = r["scores"][side_index]
                total.cell(format_score(score) if score is not None else "–")
            verdict = table.row()
            verdict.cell(pdf.format_text(_("ผลการพิจารณา")))
            verdict.cell("")
            for r in rows:
                score = r["scores"][side_index]
                verdict.cell("–" if score is None else (
                    _("ผ่าน") if score >= data["threshold"] else _("ไม่ผ่าน")))
        for n, r in enumerate(rows, start=1):
            note = (r["sheet"].notes if r["sheet"] else {}).get(str(rubric.side), {})
            if note.get("strengths") or note.get("remarks"):
                pdf.write_text(_("กรรมการคนที่ %(n)d — จุดเด่น: %(s)s; ข้อสังเกต: %(r)s") % {
                    "n": n, "s": note.get("strengths") or "–", "r": note.get("remarks") or "–"},
                    size=FONT_PT)
        pdf.ln(2)
    pdf.write_text(_("สรุปผลการประเมิน"), bold=True, size=11)
    if decision is None:
        pdf.write_text(_("ยังได้รับผลการประเมินไม่ครบ 3 คน"))
    else:
        for side in data["sides"]:
            result = decision.sides.get(str(side.value), {})
            pdf.write_text(f"{side.label}: " + (_("ผ่านเกณฑ์") if result.get("passed")
                                                else _("ไม่ผ่านเกณฑ์")))
        pdf.write_text(_("ผลการประเมินทั้งหมด: %(result)s") % {
            "result": _("ผ่านเกณฑ์") if decision.passed else _("ไม่ผ่านเกณฑ์")}, bold=True)
    pdf.ln(4)
    for n, name in enumerate(names, start=1):
        pdf.write_text(_("(ลงชื่อ) ........................................ กรรมการคนที่ %(n)d "
                         "(%(name)s)") % {"n": n, "name": name})
    pdf.ln(2)
    pdf.write_text(_("พิมพ์เมื่อ %(when)s") % {
        "when": format_be(timezone.localtime(), style="long")}, size=8)
    return to_bytes(pdf)
