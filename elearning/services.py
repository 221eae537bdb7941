"""Every change to e-Learning data: permission check, validation, write, audit record, one
transaction, emails after commit. Bad input raises ``ValidationError`` and changes nothing."""

from __future__ import annotations

import datetime

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, scoping
from accounts.exceptions import NotAllowed
from accounts.models import Membership, Organization
from accounts.notify import email_after_commit
from accounts.rules import Role
from core.thaidates import format_be

from . import rules, selectors
from .models import (
    Channel,
    Completion,
    CompletionSource,
    CompletionStatus,
    Course,
    ExtraHoliday,
    Requirement,
    RequirementChannel,
    Round,
    UnitReport,
)

MAX_CERTIFICATE_BYTES = 10 * 1024 * 1024
CERTIFICATE_TYPES = {"application/pdf", "image/jpeg", "image/png"}
ROUND_DATE_FIELDS = ("starts_on", "ends_on", "report_opens_on", "report_deadline", "cutoff_on")


def _user_or_none(actor):
    return actor if getattr(actor, "pk", None) else None


def _require_admin(actor) -> None:
    """National e-Learning data is kept by the DLA admin (or a superuser); None = the system."""
    if actor is not None and not selectors.is_elearning_admin(actor):
        raise NotAllowed(_("เฉพาะผู้ดูแลระบบ สถ. เท่านั้นที่แก้ไขข้อมูลนี้ได้"))


# --- national data: channels, courses, rounds, requirements, holidays -------------------------


@transaction.atomic
def ensure_defaults() -> None:
    """The seed's three channels and two requirements, when missing (the data migration adds
    them too; tests and the demo call this after a flush)."""
    found = {c.code: c for c in Channel.objects.filter(
        code__in=[code for code, _n, _u in rules.DEFAULT_CHANNELS])}
    for order, (code, name, url) in enumerate(rules.DEFAULT_CHANNELS, start=1):
        if code not in found:
            found[code] = Channel.objects.create(code=code, name=name, url=url, order=order)
    for _key, name, kind, prefix, priority, minimum, per_channel in rules.DEFAULT_REQUIREMENTS:
        requirement, created = Requirement.objects.get_or_create(
            role="", org_kind=kind, position_prefix=prefix, is_active=True,
            defaults={"name": name, "priority": priority, "min_courses": minimum})
        if created:
            for code, count in per_channel.items():
                RequirementChannel.objects.create(requirement=requirement, channel=found[code],
                                                  minimum=count)


@transaction.atomic
def add_channel(*, actor, code: str, name: str, url: str = "") -> Channel:
    _require_admin(actor)
    channel = Channel(code=code.strip(), name=name.strip(), url=url.strip(),
                      order=Channel.objects.count() + 1)
    channel.full_clean()
    channel.save()
    audit.record("elearning.channel.add", actor=actor, target=channel, code=channel.code,
                 name=channel.name)
    return channel


@transaction.atomic
def add_course(*, actor, channel: Channel, name: str, code: str = "",
               hours=None) -> Course:
    """An admin adds a course to the catalogue (learners add theirs by name when recording)."""
    _require_admin(actor)
    course = Course(channel=channel, name=" ".join(name.split()), code=code.strip(),
                    hours=hours, created_by=_user_or_none(actor))
    course.full_clean()
    course.save()
    audit.record("elearning.course.add", actor=actor, target=course, name=course.name,
                 channel=channel.code)
    return course


def _course_named(*, actor, channel: Channel, name: str, hours=None) -> Course:
    """The catalogue's course of this name in this channel, added when missing (OCSC alone has
    hundreds of courses: the catalogue grows with what people really pass)."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"course_name": _("กรุณาเลือกหลักสูตร หรือพิมพ์ชื่อหลักสูตร")})
    if len(name) > 255:
        raise ValidationError({"course_name": _("ชื่อหลักสูตรยาวเกิน 255 ตัวอักษร")})
    if not channel.is_active:
        raise ValidationError({"channel": _("ช่องทางนี้ปิดใช้งานแล้ว")})
    course = Course.objects.filter(channel=channel, name__iexact=name).first()
    if course is None:
        course = Course.objects.create(channel=channel, name=name, hours=hours,
                                       created_by=_user_or_none(actor))
        audit.record("elearning.course.add", actor=actor, target=course, name=course.name,
                     channel=channel.code, by_learner=True)
    return course


@transaction.atomic
def ensure_rounds(*, actor, fiscal_year_be: int) -> list[Round]:
    """Both rounds of a fiscal year, created with the seed's dates when missing."""
    _require_admin(actor)
    if not 2500 <= fiscal_year_be <= 2700:
        raise ValidationError({"fiscal_year_be": _("ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2569")})
    made = []
    for number in rules.ROUND_NUMBERS:
        dates = rules.default_round_dates(fiscal_year_be, number)
        round_, created = Round.objects.get_or_create(
            fiscal_year_be=fiscal_year_be, number=number,
            defaults={f: getattr(dates, f) for f in ROUND_DATE_FIELDS})
        if created:
            audit.record("elearning.round.create", actor=actor, target=round_,
                         fiscal_year_be=fiscal_year_be, number=number)
        made.append(round_)
    return made


@transaction.atomic
def update_round(*, actor, round_: Round, **dates) -> Round:
    """Change a round's dates. Rounds of one fiscal year may not overlap."""
    _require_admin(actor)
    unknown = set(dates) - set(ROUND_DATE_FIELDS)
    if unknown:
        raise ValueError(f"not round dates: {sorted(unknown)}")
    round_ = Round.objects.select_for_update().get(pk=round_.pk)
    old = {f: getattr(round_, f) for f in ROUND_DATE_FIELDS}
    new = {**old, **dates}
    errors = rules.round_date_errors(**new)
    if not errors:
        overlapping = Round.objects.exclude(pk=round_.pk).filter(
            starts_on__lte=new["ends_on"], ends_on__gte=new["starts_on"]).first()
        if overlapping is not None:
            errors["starts_on"] = _("ช่วงเวลาซ้อนกับ%(round)s") % {"round": overlapping}
    if errors:
        raise ValidationError(errors)
    for f, value in new.items():
        setattr(round_, f, value)
    round_.save()
    changes = {f: [old[f].isoformat(), new[f].isoformat()] for f in ROUND_DATE_FIELDS
               if old[f] != new[f]}
    audit.record("elearning.round.update", actor=actor, target=round_, changes=changes)
    return round_


@transaction.atomic
def add_extra_holiday(*, actor, date: datetime.date, name: str) -> ExtraHoliday:
    _require_admin(actor)
    if not name.strip():
        raise ValidationError({"name": _("กรุณาระบุชื่อวันหยุด")})
    if ExtraHoliday.objects.filter(date=date).exists():
        raise ValidationError({"date": _("มีวันหยุดเพิ่มเติมในวันนี้แล้ว")})
    holiday = ExtraHoliday.objects.create(date=date, name=name.strip()[:200],
                                          created_by=_user_or_none(actor))
    audit.record("elearning.holiday.add", actor=actor, target=holiday, date=date.isoformat(),
                 name=holiday.name)
    return holiday


@transaction.atomic
def remove_extra_holiday(*, actor, holiday: ExtraHoliday) -> None:
    _require_admin(actor)
    audit.record("elearning.holiday.remove", actor=actor, target=holiday,
                 date=holiday.date.isoformat(), name=holiday.name)
    holiday.delete()


@transaction.atomic
def save_requirement(*, actor, requirement: Requirement | None = None, name: str,
                     min_courses: int, role: str = "", org_kind: str = "",
                     position_prefix: str = "", priority: int = 0, is_active: bool = True,
                     channel_minimums: dict[int, int] | None = None) -> Requirement:
    """Create or change a requirement row and its per-channel minimums ({channel id: n}; 0 or
    missing = no minimum for that channel)."""
    _require_admin(actor)
    created = requirement is None
    requirement = requirement or Requirement()
    before = None if created else _requirement_audit(requirement)
    requirement.name = name.strip()
    requirement.min_courses = min_courses
    requirement.role = role
    requirement.org_kind = org_kind
    requirement.position_prefix = position_prefix.strip()
    requirement.priority = priority
    requirement.is_active = is_active
    requirement.full_clean()
    minimums = {int(k): int(v) for k, v in (channel_minimums or {}).items() if v}
    if any(v < 0 for v in minimums.values()):
        raise ValidationError(_("จำนวนขั้นต่ำต่อช่องทางต้องไม่ติดลบ"))
    if sum(minimums.values()) > min_courses:
        raise ValidationError({"min_courses": _(
            "ขั้นต่ำรายช่องทางรวมกัน (%(sum)d) มากกว่าจำนวนหลักสูตรขั้นต่ำ (%(min)d)"
        ) % {"sum": sum(minimums.values()), "min": min_courses}})
    found = {c.pk: c for c in Channel.objects.filter(pk__in=minimums)}
    if set(minimums) - set(found):
        raise ValidationError(_("ไม่พบช่องทางที่ระบุ"))
    requirement.save()
    requirement.channel_minimums.all().delete()
    RequirementChannel.objects.bulk_create([
        RequirementChannel(requirement=requirement, channel=found[pk], minimum=n)
        for pk, n in minimums.items()])
    audit.record("elearning.requirement.save", actor=actor, target=requirement,
                 created=created, before=before, after=_requirement_audit(requirement))
    return requirement


def _requirement_audit(r: Requirement) -> dict:
    return {"name": r.name, "role": r.role, "org_kind": r.org_kind,
            "position_prefix": r.position_prefix, "min_courses": r.min_courses,
            "priority": r.priority, "is_active": r.is_active,
            "channels": {str(c.channel_id): c.minimum
                         for c in RequirementChannel.objects.filter(requirement=r)}
            if r.pk else {}}


# --- completions ----------------------------------------------------------------------------


def _learner_unit(user) -> Organization:
    """The unit a learner's completions belong to: their staff unit, else their deepest unit."""
    memberships = list(Membership.objects.filter(user=user, is_active=True)
                       .select_related("organization").order_by("-organization__depth", "pk"))
    if not memberships:
        raise NotAllowed(_("บัญชีนี้ยังไม่มีสังกัด จึงบันทึกผลการเรียนไม่ได้"))
    staff = [m for m in memberships if m.role == Role.STAFF]
    return (staff or memberships)[0].organization


def _check_certificate(upload) -> tuple[str, str]:
    """(mime, extension) of an uploaded certificate, read from its content, not its name."""
    if upload is None:
        raise ValidationError({"certificate": _("กรุณาแนบสำเนาใบประกาศ (PDF, JPG หรือ PNG)")})
    if upload.size > MAX_CERTIFICATE_BYTES:
        raise ValidationError({"certificate": _("ไฟล์ใหญ่เกิน 10 MB")})
    head = upload.read(2048)
    upload.seek(0)
    detected = filetype.guess(head)
    mime = detected.mime if detected else ""
    if mime not in CERTIFICATE_TYPES:
        raise ValidationError({"certificate": _(
            "ไฟล์นี้ไม่ใช่ PDF, JPG หรือ PNG (ตรวจจากเนื้อไฟล์ ไม่ใช่จากชื่อไฟล์)")})
    return mime, detected.extension


def _check_date(completed_on: datetime.date, today: datetime.date) -> None:
    if completed_on > today:
        raise ValidationError({"completed_on": _("วันที่ผ่านการอบรมยังไม่ถึง (เป็นวันในอนาคต)")})


def _round_for_date(actor, completed_on: datetime.date) -> Round:
    """The round containing the date; a fiscal year's rounds are opened with the seed's dates
    the first time someone records a course in it."""
    round_ = selectors.round_on(completed_on)
    if round_ is None:
        ensure_rounds(actor=None, fiscal_year_be=rules.fiscal_year_be(completed_on))
        round_ = selectors.round_on(completed_on)
    if round_ is None:
        raise ValidationError({"completed_on": _("วันที่นี้ไม่อยู่ในรอบการประเมินใด")})
    return round_


def _refuse_duplicate(user, course: Course, round_: Round) -> None:
    if Completion.objects.filter(
        user=user, course=course, completed_on__range=(round_.starts_on, round_.ends_on),
    ).exclude(status=CompletionStatus.REJECTED).exists():
        raise ValidationError({"course": _(
            "บันทึกหลักสูตรนี้ใน%(round)sไว้แล้ว หลักสูตรเดียวกันนับได้ครั้งเดียวต่อรอบ"
        ) % {"round": round_}})


@transaction.atomic
def record_completion(*, actor, completed_on: datetime.date, certificate, course=None,
                      channel: Channel | None = None, course_name: str = "",
                      today: datetime.date | None = None) -> Completion:
    """A staff member records a course they passed, with the certified copy of its certificate;
    it waits for their unit's supervisor. ``course`` from the catalogue, or ``channel`` and
    ``course_name`` for one that is not there yet."""
    if actor is None or not actor.is_authenticated:
        raise NotAllowed()
    today = today or timezone.localdate()
    unit = _learner_unit(actor)
    _check_date(completed_on, today)
    mime, extension = _check_certificate(certificate)
    if course is None:
        if channel is None:
            raise ValidationError({"channel": _("กรุณาเลือกช่องทางการเรียน")})
        course = _course_named(actor=actor, channel=channel, name=course_name)
    elif not (course.is_active and course.channel.is_active):
        raise ValidationError({"course": _("หลักสูตรนี้ปิดใช้งานแล้ว")})
    round_ = _round_for_date(actor, completed_on)
    _refuse_duplicate(actor, course, round_)
    completion = Completion(user=actor, organization=unit, course=course,
                            completed_on=completed_on, certificate_type=mime,
                            certificate_size=certificate.size, created_by=actor)
    completion.certificate.save(f"certificate.{extension}", certificate, save=False)
    # If the transaction rolls back, the stored file must not stay behind.
    stored = completion.certificate.name
    try:
        completion.save()
        audit.record("elearning.completion.record", actor=actor, target=completion,
                     organization=unit, course=course.name, channel=course.channel.code,
                     completed_on=completed_on.isoformat(), round=str(round_))
    except Exception:
        completion.certificate.storage.delete(stored)
        raise
    return completion


def _learner_email(completion: Completion, subject: str, template: str) -> None:
    user = completion.user
    if not user.email:
        return
    body = render_to_string(template, {
        "completion": completion,
        "url": settings.PORTAL_URL + reverse("completion_detail", args=[completion.pk]),
    })
    email_after_commit([user.email], subject, body)


def _locked(completion: Completion) -> Completion:
    return Completion.objects.select_for_update().select_related(
        "organization", "user", "course__channel").get(pk=completion.pk)


def _require_decider(actor, completion: Completion) -> None:
    if actor is None:
        return
    if completion.user_id == actor.pk:
        raise NotAllowed(_("รับรองผลการเรียนของตนเองไม่ได้ ผู้บังคับบัญชาของหน่วยงานเป็นผู้ตรวจสอบ"))
    if not scoping.can_work_on(actor, completion.organization):
        raise NotAllowed()


@transaction.atomic
def accept_completion(*, actor, completion: Completion) -> Completion:
    """The unit's supervisor accepts the certified copy: the course now counts."""
    completion = _locked(completion)
    _require_decider(actor, completion)
    if completion.status != CompletionStatus.PENDING:
        raise ValidationError(_("รายการนี้ตรวจสอบแล้ว"))
    completion.record_decision(CompletionStatus.ACCEPTED, actor=actor)
    audit.record("elearning.completion.accept", actor=actor, target=completion,
                 organization=completion.organization, learner=completion.user_id)
    _learner_email(completion, _("รับรองผลการเรียน e-Learning แล้ว: %(course)s") %
                   {"course": completion.course.name}, "elearning/email/decided.txt")
    return completion


@transaction.atomic
def reject_completion(*, actor, completion: Completion, reason: str) -> Completion:
    """The supervisor rejects it with a reason (the learner may record it again)."""
    completion = _locked(completion)
    _require_decider(actor, completion)
    if completion.status != CompletionStatus.PENDING:
        raise ValidationError(_("รายการนี้ตรวจสอบแล้ว"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ไม่รับรอง")})
    completion.record_decision(CompletionStatus.REJECTED, actor=actor, reason=reason)
    audit.record("elearning.completion.reject", actor=actor, target=completion,
                 organization=completion.organization, learner=completion.user_id,
                 reason=completion.decision_reason)
    _learner_email(completion, _("ไม่รับรองผลการเรียน e-Learning: %(course)s") %
                   {"course": completion.course.name}, "elearning/email/decided.txt")
    return completion


@transaction.atomic
def import_completions(*, actor, rows: list[dict], source: str = "", rows_in_file: int = 0,
                       rows_rejected: int = 0) -> list[Completion]:
    """Completions from an admin's file (``elearning.imports`` reads and checks it). Each row:
    ``user``, ``course`` (or ``channel`` and ``course_name``), ``completed_on``. They are
    accepted at once (the importer vouches for them, as a supervisor would) and need no file.
    One transaction, one audit record; any row that fails here refuses the whole batch."""
    now = timezone.now()
    made = []
    units: dict[int, Organization] = {}
    for row in rows:
        user = row["user"]
        if actor is not None and user.pk == actor.pk:
            raise NotAllowed(_("นำเข้าผลการเรียนของตนเองไม่ได้"))
        if user.pk not in units:
            units[user.pk] = _learner_unit(user)
        unit = units[user.pk]
        if actor is not None and not scoping.can_work_on(actor, unit):
            raise NotAllowed()
        course = row.get("course") or _course_named(actor=actor, channel=row["channel"],
                                                    name=row["course_name"])
        round_ = _round_for_date(actor, row["completed_on"])
        _refuse_duplicate(user, course, round_)
        made.append(Completion.objects.create(
            user=user, organization=unit, course=course, completed_on=row["completed_on"],
            status=CompletionStatus.ACCEPTED, source=CompletionSource.IMPORT,
            decided_by=_user_or_none(actor), decided_at=now, created_by=_user_or_none(actor)))
    per_org: dict[str, int] = {}
    for completion in made:
        code = units[completion.user_id].code
        per_org[code] = per_org.get(code, 0) + 1
    audit.record("elearning.completion.import", actor=actor, created=len(made),
                 rows_in_file=rows_in_file or len(made), rows_rejected=rows_rejected,
                 source=source[:200], per_organization=per_org)
    return made


# --- compliance: reminders and the unit's report ----------------------------------------------


@transaction.atomic
def send_reminders(*, actor, organization: Organization, round_: Round,
                   today: datetime.date | None = None) -> int:
    """Email everyone of the unit who has not yet met the round's requirement; returns how many
    were emailed (those without an address are skipped)."""
    if actor is not None and not scoping.can_work_on(actor, organization):
        raise NotAllowed()
    today = today or timezone.localdate()
    compliance = selectors.compliance_of(organization, round_)
    sent = []
    for row in compliance.not_passed:
        if not row.user.email:
            continue
        body = render_to_string("elearning/email/reminder.txt", {
            "row": row, "round": round_, "organization": organization, "today": today,
            "url": settings.PORTAL_URL + reverse("elearning_home"),
        })
        email_after_commit([row.user.email], _("แจ้งเตือน: e-Learning %(round)s ยังไม่ผ่านเกณฑ์") %
                           {"round": round_}, body)
        sent.append(row.user.pk)
    audit.record("elearning.remind", actor=actor, target=round_, organization=organization,
                 users=sent, not_passed=len(compliance.not_passed))
    return len(sent)


@transaction.atomic
def record_report_submission(*, actor, organization: Organization, round_: Round,
                             submitted_on: datetime.date, today: datetime.date | None = None,
                             note: str = "") -> UnitReport:
    """Record when the unit submitted its report of the round; the penalty follows (seed 002:
    0.25 points per working day after the deadline, not counted after the cut-off).

    The receiving office (someone who works on the unit's parent) records the day the report
    arrived; the unit itself may only record today, so that nobody backdates their own."""
    today = today or timezone.localdate()
    if actor is not None:
        if not scoping.can_work_on(actor, organization):
            raise NotAllowed()
        parent = (Organization.objects.filter(path=organization.ancestor_path(
            organization.depth - 1)).first() if organization.depth > 1 else None)
        receiving = actor.is_superuser or (parent is not None
                                           and scoping.can_work_on(actor, parent))
        if not receiving and submitted_on != today:
            raise ValidationError({"submitted_on": _(
                "หน่วยงานบันทึกการส่งรายงานของตนเองได้เฉพาะวันนี้ "
                "วันที่อื่นให้หน่วยงานที่รับรายงานเป็นผู้บันทึก")})
    if submitted_on > today:
        raise ValidationError({"submitted_on": _("วันที่ส่งรายงานยังไม่ถึง (เป็นวันในอนาคต)")})
    if submitted_on < round_.report_opens_on:
        raise ValidationError({"submitted_on": _(
            "ยังไม่ถึงช่วงส่งรายงานของรอบนี้ (เริ่ม %(date)s)") % {
            "date": format_be(round_.report_opens_on)}})
    holidays = selectors.holidays_between(round_.report_deadline,
                                          max(submitted_on, round_.report_deadline))
    penalty = rules.late_penalty(deadline=round_.report_deadline, cutoff=round_.cutoff_on,
                                 submitted_on=submitted_on, holidays=holidays)
    compliance = selectors.compliance_of(organization, round_)
    report, created = UnitReport.objects.update_or_create(
        round=round_, organization=organization,
        defaults={"submitted_on": submitted_on, "working_days_late": penalty.working_days_late,
                  "penalty": penalty.points, "counted": penalty.counted,
                  "staff_total": compliance.total, "staff_passed": compliance.passed,
                  "note": note.strip()[:500], "recorded_by": _user_or_none(actor)})
    audit.record("elearning.report.submit", actor=actor, target=report,
                 organization=organization, round=str(round_),
                 submitted_on=submitted_on.isoformat(),
                 working_days_late=penalty.working_days_late, penalty=str(penalty.points),
                 counted=penalty.counted, corrected=not created)
    return report
