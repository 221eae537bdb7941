"""Test data for appraisal: applications, PA results, valid evidence and a fully-qualified
record, made directly through the ORM (the services are what the tests exercise)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.base import ContentFile

from appraisal.choices import EvidenceSlot, FileState, MediaKind
from appraisal.models import Application, EvidenceFile, PAResult, SubjectArea
from appraisal.rules import next_standing
from appraisal.services.applications import office_of
from personnel.choices import EducationLevel, PositionType
from personnel.models import Person, PositionHistory, TeachingLicence
from personnel.rules import fiscal_year_be
from tests.factories import PDF_BYTES

# media kind and a plausible length for each required slot
VALID_FILES = (
    (EvidenceSlot.LESSON_PLAN, MediaKind.PDF, "application/pdf", "plan.pdf"),
    (EvidenceSlot.INSPIRATION_VIDEO, MediaKind.VIDEO, "video/mp4", "inspiration.mp4"),
    (EvidenceSlot.TEACHING_VIDEO, MediaKind.VIDEO, "video/mp4", "teaching.mp4"),
    (EvidenceSlot.OUTCOME, MediaKind.PDF, "application/pdf", "outcome.pdf"),
)


def make_application(person: Person, **kw) -> Application:
    fields = {
        "organization": person.organization,
        "office": office_of(person.organization),
        "current_standing": person.standing,
        "requested_standing": next_standing(person.standing),
        "classroom_type": "primary",
        "subject_area": SubjectArea.objects.filter(classroom_type="primary").first(),
        "work_title": f"การพัฒนาทักษะการอ่าน ({person.organization.name})",
        "created_by": person.user,
        **kw,
    }
    return Application.objects.create(person=person, **fields)


def add_valid_files(application: Application) -> list[EvidenceFile]:
    """The four required evidence files, already checked and valid."""
    files = []
    for slot, kind, mime, name in VALID_FILES:
        row = EvidenceFile(application=application, slot=slot, position=1, original_name=name,
                           size=len(PDF_BYTES), state=FileState.VALID, media_kind=kind,
                           content_type=mime,
                           pages=3 if kind == MediaKind.PDF else None,
                           duration_seconds=300.0 if kind == MediaKind.VIDEO else None)
        row.file.save(name, ContentFile(PDF_BYTES), save=False)
        row.save()
        files.append(row)
    return files


def split_total(total) -> tuple[Decimal, Decimal]:
    """One assessor's total as (part 1 of 60, part 2 of 40), in proportion."""
    total = Decimal(str(total))
    part1 = (total * Decimal("0.6")).quantize(Decimal("0.01"))
    return part1, total - part1


def make_pa_result(person: Person, fiscal_year_be_: int, totals=(80, 80, 80), *,
                   workload_met: bool = True) -> PAResult:
    parts = [split_total(t) for t in totals]
    hours = (Decimal(18), Decimal(25)) if workload_met else (Decimal(8), Decimal(15))
    result = PAResult(
        person=person, organization=person.organization, fiscal_year_be=fiscal_year_be_,
        part1_1=parts[0][0], part1_2=parts[1][0], part1_3=parts[2][0],
        part2_1=parts[0][1], part2_2=parts[1][1], part2_3=parts[2][1],
        education_level=EducationLevel.BASIC, teaching_hours=hours[0], total_hours=hours[1],
        workload_met=workload_met)
    result.pa3_file.save("pa3.pdf", ContentFile(PDF_BYTES), save=False)
    result.save()
    return result


def _years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def qualified_record(person: Person, filed_on: datetime.date) -> Person:
    """The history lines of a teacher who meets every qualification on ``filed_on``: a teacher
    for 5 years, a valid licence, and a passing PA of the previous fiscal year."""
    PositionHistory.objects.create(
        person=person, effective_on=_years_before(filed_on, 5),
        position_type=PositionType.TEACHER, organization_name=person.organization.name)
    TeachingLicence.objects.create(
        person=person, number=f"LIC-{person.pk}", issued_on=_years_before(filed_on, 1),
        expires_on=filed_on.replace(year=filed_on.year + 4))
    make_pa_result(person, fiscal_year_be(filed_on) - 1, totals=(85, 82, 90))
    return person


# --- objects of one side for the permission walker (tests/walker.py), made once -----------------


def pa_result_of(side) -> PAResult:
    existing = PAResult.objects.filter(person=side.person).first()
    return existing or make_pa_result(side.person, 2567)


def application_of(side) -> Application:
    existing = Application.objects.filter(person=side.person).first()
    if existing is not None:
        return existing
    application = make_application(side.person)
    add_valid_files(application)
    return application


def check_of(side):
    from appraisal.models import QualificationCheck

    application = application_of(side)
    return QualificationCheck.objects.get_or_create(
        application=application, round_no=application.round_no, kind="tenure",
        defaults={"auto_passed": True, "auto_explanation": side.school.name})[0]
