"""Recording PA results (PA3; ว9/2564, RULES.md §4.3): the school enters each teacher's result of a
fiscal year; permission check, validation, write, audit record, one transaction."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import audit, scoping
from accounts.exceptions import NotAllowed
from appraisal import rules
from appraisal.models import (
    Application,
    PAResult,
)
from appraisal.services.common import delete_after_commit, require_pdf, user_or_none
from personnel.models import Person

PA_SCORE_FIELDS = ("part1_1", "part1_2", "part1_3", "part2_1", "part2_2", "part2_3")


@transaction.atomic
def record_pa_result(*, actor, person: Person, fiscal_year_be: int, scores: dict,
                     education_level: str, teaching_hours, total_hours,
                     pa3_file=None) -> PAResult:
    """Enter (or correct) one teacher's PA3 for one fiscal year. The school admin enters it;
    whether the workload met the standard is computed from the hours (ว21/2564), never typed."""
    person = Person.objects.select_related("organization").get(pk=person.pk)
    if not scoping.can_work_on(actor, person.organization):
        raise NotAllowed()
    result = PAResult.objects.select_for_update().filter(
        person=person, fiscal_year_be=fiscal_year_be).first()
    if result is not None and Application.objects.filter(
            person=person, certified_at__isnull=False,
            filed_on__gte=_fy_start(fiscal_year_be)).exists():
        raise ValidationError(_("ผลการประเมิน PA ปีนี้ใช้ในคำขอที่รับรองแล้ว แก้ไขไม่ได้"))
    if pa3_file is None and result is None:
        raise ValidationError({"pa3_file": _("กรุณาแนบแบบ PA3 (PDF)")})
    if pa3_file is not None:
        require_pdf(pa3_file, "pa3_file")
    try:
        teaching, total = Decimal(str(teaching_hours)), Decimal(str(total_hours))
    except ArithmeticError:
        raise ValidationError(_("จำนวนชั่วโมงไม่ถูกต้อง")) from None
    old = None
    if result is None:
        result = PAResult(person=person, organization=person.organization,
                          fiscal_year_be=fiscal_year_be, entered_by=user_or_none(actor))
    else:
        old = {f: str(getattr(result, f)) for f in PA_SCORE_FIELDS}
    for field in PA_SCORE_FIELDS:
        try:
            setattr(result, field, Decimal(str(scores[field])))
        except (KeyError, ArithmeticError):
            raise ValidationError({field: _("กรุณากรอกคะแนนเป็นตัวเลข")}) from None
    result.education_level = education_level
    result.teaching_hours, result.total_hours = teaching, total
    result.workload_met = rules.workload_meets(education_level, teaching, total)
    result.full_clean(exclude=["pa3_file", "entered_by"])  # NULL once that user is gone
    old_file = result.pa3_file.name if result.pk and pa3_file is not None else ""
    if pa3_file is not None:
        result.pa3_file.save("pa3.pdf", pa3_file, save=False)
    try:
        result.save()
    except Exception:
        if pa3_file is not None:
            result.pa3_file.storage.delete(result.pa3_file.name)
        raise
    if old_file:
        delete_after_commit(result.pa3_file.storage, old_file)
    audit.record("appraisal.pa_result", actor=actor, target=person,
                 organization=person.organization, fiscal_year_be=fiscal_year_be,
                 totals=[str(t) for t in result.totals], passed=result.passed,
                 workload_met=result.workload_met, previous=old)
    return result


def _fy_start(fiscal_year_be: int) -> datetime.date:
    from personnel.rules import fiscal_year_bounds_be

    return fiscal_year_bounds_be(fiscal_year_be)[0]


