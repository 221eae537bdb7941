"""Helpers for the e-Learning tests and the permission walker's samples (tests/walker.py)."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile

from elearning import rules, services
from elearning.models import Channel, Completion, Course, ExtraHoliday, Requirement, Round
from tests.factories import PDF_BYTES, PNG_BYTES, Side

# A day inside round 1 of fiscal year 2569 (1 Oct 2568 – 31 Mar 2569), long past.
DAY_IN_2569_R1 = datetime.date(2025, 11, 10)
TODAY = datetime.date(2026, 3, 10)  # inside round 1 of 2569, before its report deadline


def png(name="certificate.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


def real_pdf_bytes(pages: int = 2) -> bytes:
    """A valid PDF of ``pages`` pages, made with fpdf2 (pypdf can read it back)."""
    from fpdf import FPDF

    pdf = FPDF()
    for n in range(pages):
        pdf.add_page()
        pdf.set_font("helvetica", size=20)
        pdf.cell(text=f"Certificate page {n + 1}")
    return bytes(pdf.output())


def pdf(name="certificate.pdf", data: bytes | None = None):
    return SimpleUploadedFile(name, data if data is not None else PDF_BYTES,
                              content_type="application/pdf")


def channel(code: str) -> Channel:
    services.ensure_defaults()
    return Channel.objects.get(code=code)


def course(code: str = rules.OCSC, name: str = "หลักสูตรทดสอบ") -> Course:
    return Course.objects.get_or_create(channel=channel(code), name=name)[0]


def round_2569_1() -> Round:
    """Round 1 of fiscal year 2569 with the seed's dates (made once). National data: no
    marker in it."""
    services.ensure_defaults()
    return services.ensure_rounds(actor=None, fiscal_year_be=2569)[0]


def completion_of(side: Side, *, day: datetime.date = DAY_IN_2569_R1,
                  course_obj: Course | None = None) -> Completion:
    """A pending completion of side's staff member, with a PNG certificate (made once)."""
    user = side.users["staff"]
    existing = Completion.objects.filter(user=user).first()
    if existing is not None:
        return existing
    round_2569_1()
    return services.record_completion(actor=user, course=course_obj or course(),
                                      completed_on=day, certificate=png(), today=TODAY)


def extra_holiday() -> ExtraHoliday:
    return ExtraHoliday.objects.get_or_create(date=datetime.date(2026, 3, 16),
                                              defaults={"name": "วันหยุดพิเศษ"})[0]


def requirement() -> Requirement:
    services.ensure_defaults()
    return Requirement.objects.order_by("priority").first()


def xlsx_bytes(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
