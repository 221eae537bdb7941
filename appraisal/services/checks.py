"""The automatic verdicts of the qualification checks: the applicant's ก.พ.7 record and PA
results, as of the filing date, turned into facts for ``appraisal.rules``.

Reading is here; the regulation is in ``rules``; writing is in ``services``."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from appraisal import rules
from appraisal.choices import CheckKind
from appraisal.models import Application, PAResult
from personnel.choices import AcademicStanding, PositionType
from personnel.models import Person


def tenure_start(person: Person, requested_standing: str) -> datetime.date | None:
    """The date tenure counts from: appointed to the teacher position (for ชำนาญการ), or the
    date the current standing was granted (for the next ones). ว9/2564: "ดำรงตำแหน่งครู ...
    ไม่น้อยกว่า 4 ปีติดต่อกัน" / "ดำรงวิทยฐานะ ... ไม่น้อยกว่า 4 ปี"."""
    lines = sorted(person.positionhistory_lines.all(), key=lambda p: (p.effective_on, p.pk))
    if requested_standing == AcademicStanding.PROFESSIONAL:
        # the start of the latest unbroken run of teacher positions
        start = None
        for line in lines:
            if line.position_type == PositionType.TEACHER:
                start = start or line.effective_on
            else:
                start = None
        if person.position_type == PositionType.TEACHER:
            return start or person.appointed_on
        return start
    granted = person.standing_granted_on
    if granted is None:
        for line in lines:
            if line.standing == person.standing:
                granted = line.effective_on
                break
    return granted


def _on_or_before(items, attr: str, day: datetime.date):
    return tuple(i for i in items if getattr(i, attr) <= day)


def tenure_facts(person: Person, application: Application,
                 filed_on: datetime.date) -> rules.TenureFacts:
    return rules.TenureFacts(
        start=tenure_start(person, application.requested_standing),
        filed_on=filed_on,
        ground=application.shorten_ground,
        foreign_language_teacher=bool(application.subject_area_id
                                      and application.subject_area.foreign_language),
        language_tests=tuple(rules.LanguageFact(t.cefr_level, t.tested_on) for t in
                             _on_or_before(person.languagetest_lines.all(), "tested_on", filed_on)),
        hardship=tuple(rules.HardshipFact(h.started_on, h.ended_on) for h in
                       _on_or_before(person.hardshipservice_lines.all(), "started_on", filed_on)),
        degrees=tuple(rules.DegreeFact(d.level, d.learning_management, d.certified_by_tcs,
                                       d.used_to_shorten_tenure, d.graduated_on) for d in
                      _on_or_before(person.degree_lines.all(), "graduated_on", filed_on)),
        pqf=tuple(rules.PQFFact(q.passed_on, q.used_to_shorten_tenure) for q in
                  _on_or_before(person.professionalqualification_lines.all(), "passed_on",
                                filed_on)),
        performance=tuple(rules.PerformanceFact(p.fiscal_year_be, p.round, p.level)
                          for p in person.performanceresult_lines.all()),
    )


def pa_facts(results) -> tuple[rules.PAFact, ...]:
    return tuple(rules.PAFact(r.fiscal_year_be, r.totals, r.workload_met) for r in results)


def evidence_facts(files) -> tuple[rules.EvidenceFact, ...]:
    return tuple(rules.EvidenceFact(f.slot, f.position, f.state, f.media_kind, f.reason)
                 for f in files)


PREFETCH = ("positionhistory_lines", "languagetest_lines", "hardshipservice_lines",
            "degree_lines", "professionalqualification_lines", "performanceresult_lines",
            "disciplinaryaction_lines", "ethicsdecision_lines", "teachinglicence_lines")


def load_person(person_id: int) -> Person:
    return Person.objects.prefetch_related(*PREFETCH).get(pk=person_id)


@dataclass(frozen=True)
class AutoCheck:
    kind: str
    label: str
    verdict: rules.Verdict


def automatic_checks(application: Application, filed_on: datetime.date,
                     person: Person | None = None) -> list[AutoCheck]:
    """Every check of RULES §4.1 computed from the records as of ``filed_on``."""
    person = person or load_person(application.person_id)
    pa_results = PAResult.objects.filter(person_id=person.pk)
    verdicts = {
        CheckKind.TENURE: rules.check_tenure(tenure_facts(person, application, filed_on)),
        CheckKind.PA: rules.check_pa(pa_facts(pa_results), filed_on),
        CheckKind.DISCIPLINE: rules.check_discipline(
            [rules.PenaltyFact(d.penalty, d.decided_on)
             for d in person.disciplinaryaction_lines.all()],
            [rules.RulingFact(e.ruling, e.decided_on) for e in person.ethicsdecision_lines.all()],
            filed_on),
        CheckKind.LICENCE: rules.check_licence(
            [rules.LicenceFact(li.number, li.issued_on, li.expires_on)
             for li in person.teachinglicence_lines.all()], filed_on),
        CheckKind.EVIDENCE: rules.check_evidence(evidence_facts(application.files.all()),
                                                 shorten_ground=application.shorten_ground),
    }
    return [AutoCheck(kind, CheckKind(kind).label, verdict) for kind, verdict in verdicts.items()]


def applicant_snapshot(person: Person, application: Application) -> dict:
    """The applicant's data as the system holds it (seed 004 step 5.1, "ข้อมูลทั่วไป"), kept
    with the request so later edits of the record do not change what was certified."""
    from personnel import rules as prules

    today = application.filed_on or datetime.date.today()
    degrees = sorted(person.degree_lines.all(), key=lambda d: d.graduated_on)
    licences = sorted(person.teachinglicence_lines.all(), key=lambda li: li.expires_on)
    return {
        "name": person.full_name_th,
        "national_id_masked": person.masked_national_id,
        "age": prules.age_on(person.birth_date, today) if person.birth_date else None,
        "retirement_year_be": (prules.retirement_fiscal_year_be(person.birth_date)
                               if person.birth_date else None),
        "position": person.get_position_type_display(),
        "standing": person.get_standing_display(),
        "position_number": person.position_number,
        "school": application.organization.name,
        "salary_rank": person.get_salary_rank_display() if person.salary_rank else "",
        "salary": str(person.salary) if person.salary is not None else "",
        "appointed_on": person.appointed_on.isoformat() if person.appointed_on else None,
        "standing_granted_on": (person.standing_granted_on.isoformat()
                                if person.standing_granted_on else None),
        "degrees": [{"level": d.get_level_display(), "field": d.field_of_study,
                     "institution": d.institution, "graduated_on": d.graduated_on.isoformat()}
                    for d in degrees],
        "licence": ({"number": licences[-1].number,
                     "expires_on": licences[-1].expires_on.isoformat()} if licences else None),
    }

