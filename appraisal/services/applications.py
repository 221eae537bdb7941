"""Every change to an application (seed 004 steps 1–2): permission check,
validation, write, audit record, history, one transaction; notifications after commit.

The path of one application::

    draft ──submit──▶ submitted ──school_certify──▶ at_office ──office_certify──▶ qualified
      ▲                  │                              │
      └──── returned ◀───┴──school_return    office_return┘

A certified application is frozen: these services refuse, and database triggers
(migration 0003) refuse whatever else tries."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, scoping
from accounts.exceptions import NotAllowed
from accounts.models import Membership, Organization
from accounts.notify import notify
from accounts.rules import OrgKind, Role
from appraisal import rules
from appraisal.choices import (
    EDITABLE_STATES,
    ApplicationAction,
    ApplicationState,
    CheckKind,
    FileState,
    ShortenGround,
)
from appraisal.models import (
    Application,
    ApplicationEvent,
    EvidenceFile,
    QualificationCheck,
    SubjectArea,
)
from appraisal.services import applicant_notices, checks
from appraisal.services.common import delete_after_commit, require_pdf, user_or_none
from personnel.choices import PersonStatus
from personnel.models import MoveRequest, MoveStatus, Person, StatusChange

OFFICE_KINDS = frozenset({OrgKind.LAO, OrgKind.PROVINCE, OrgKind.AGENCY})


# --- The application ----------------------------------------------------------------------------

APPLICATION_FIELDS = ("classroom_type", "subject_area", "work_title", "shorten_ground")


def office_of(school: Organization) -> Organization:
    """The supervising office of a school: for an LAO school, the LAO (its education division)."""
    office = _ancestors(school).filter(kind=OrgKind.LAO).order_by("-depth").first()
    if office is None:
        raise ValidationError(_("ไม่พบหน่วยงานต้นสังกัดของสถานศึกษานี้"))
    return office


def _ancestors(org: Organization):
    return Organization.objects.filter(path__in=[org.path[: i * Organization.steplen]
                                                 for i in range(1, org.depth)])


def _validate_fields(fields: dict) -> dict:
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise ValueError(f"not application fields: {sorted(unknown)}")
    errors = {}
    area = fields.get("subject_area")
    if area is not None and not isinstance(area, SubjectArea):
        area = SubjectArea.objects.filter(pk=area).first()
        fields["subject_area"] = area
    if "subject_area" in fields and area is None:
        errors["subject_area"] = _("กรุณาเลือกรายวิชา/สาขา/กลุ่มสาระการเรียนรู้")
    if area is not None and fields.get("classroom_type") and \
            area.classroom_type != fields["classroom_type"]:
        errors["subject_area"] = _("สาขาที่เลือกไม่อยู่ในประเภทห้องเรียนนี้ (ว31/2565)")
    if "work_title" in fields:
        fields["work_title"] = (fields["work_title"] or "").strip()
        if not fields["work_title"]:
            errors["work_title"] = _("กรุณาระบุชื่อผลงาน/เรื่องที่เสนอ")
    if fields.get("shorten_ground", "") not in ShortenGround.values:
        errors["shorten_ground"] = _("เหตุแห่งการขอลดระยะเวลาไม่ถูกต้อง")
    if errors:
        raise ValidationError(errors)
    return fields


def _event(application: Application, action: str, from_state: str, *, actor, reason: str = "",
           **data) -> None:
    ApplicationEvent.objects.create(application=application, round_no=application.round_no,
                                    action=action, from_state=from_state,
                                    to_state=application.state, actor=user_or_none(actor),
                                    reason=reason, data=data)
    audit.record(f"appraisal.application.{action}", actor=actor, target=application,
                 organization=application.organization, round_no=application.round_no,
                 state=application.state, reason=reason, **data)
    applicant_notices.tell_applicant(application, action, data)


def _url(application: Application) -> str:
    return reverse("application_detail", args=[application.pk])


def _members(org: Organization, roles, *, up_to_kinds=None):
    """Active users holding ``roles`` at ``org`` (and, with ``up_to_kinds``, at its ancestors
    of those kinds)."""
    paths = [org.path]
    if up_to_kinds:
        paths += list(_ancestors(org).filter(kind__in=up_to_kinds).values_list("path", flat=True))
    return [m.user for m in Membership.objects.select_related("user").filter(
        organization__path__in=paths, role__in=roles, is_active=True)]


def _applicant(application: Application):
    return [application.person.user] if application.person.user_id else []


def _lock(application: Application) -> Application:
    return Application.objects.select_for_update(of=("self",)).select_related(
        "person", "person__user", "organization", "office", "subject_area").get(
        pk=application.pk)


def _require_state(application: Application, *states) -> None:
    if application.state not in states:
        raise ValidationError(_("คำขออยู่ในสถานะ “%(state)s” จึงทำรายการนี้ไม่ได้") % {
            "state": application.get_state_display()})


@transaction.atomic
def create_application(*, actor, person: Person, **fields) -> Application:
    """The teacher starts a request for the next standing. Only the person themself files it."""
    person = Person.objects.select_for_update().select_related("organization").get(pk=person.pk)
    if actor is None or person.user_id != actor.pk:
        raise NotAllowed(_("ยื่นคำขอได้เฉพาะผู้ขอเอง"))
    if person.status != PersonStatus.ACTIVE:
        raise ValidationError(_("สถานะในทะเบียนไม่ใช่ “ปฏิบัติงาน” จึงยื่นคำขอไม่ได้"))
    if person.organization.kind != OrgKind.SCHOOL:
        raise ValidationError(_("ผู้ขอต้องสังกัดสถานศึกษา"))
    requested = rules.next_standing(person.standing)
    if requested is None:
        raise ValidationError(_("มีวิทยฐานะสูงสุดแล้ว"))
    if Application.objects.filter(person=person, state__in=EDITABLE_STATES | {
            ApplicationState.SUBMITTED, ApplicationState.AT_OFFICE}).exists():
        raise ValidationError(_("มีคำขอที่ยังดำเนินการอยู่แล้ว"))
    fields = _validate_fields({"shorten_ground": "", **fields})
    application = Application.objects.create(
        person=person, organization=person.organization, office=office_of(person.organization),
        current_standing=person.standing, requested_standing=requested,
        created_by=user_or_none(actor), **fields)
    _event(application, ApplicationAction.CREATED, "", actor=actor,
           requested_standing=requested)
    return application


@transaction.atomic
def update_application(*, actor, application: Application, **fields) -> Application:
    application = _lock(application)
    _require_applicant(actor, application)
    _require_state(application, *EDITABLE_STATES)
    merged = {"classroom_type": application.classroom_type, **fields}
    fields = _validate_fields(merged)
    changes = {}
    for field, value in fields.items():
        old = getattr(application, field)
        if old != value:
            changes[field] = [str(old), str(value)]
            setattr(application, field, value)
    if changes:
        application.save()
        audit.record("appraisal.application.update", actor=actor, target=application,
                     organization=application.organization, changes=changes)
    return application


def _require_applicant(actor, application: Application) -> None:
    if actor is None or application.person.user_id != actor.pk:
        raise NotAllowed()


def transfer_date(application: Application) -> datetime.date | None:
    """When the applicant's move away from the application's school took effect, if they moved:
    an accepted roster move out of it, or a transfer-out in the status history."""
    move = MoveRequest.objects.filter(
        person_id=application.person_id, from_organization_id=application.organization_id,
        status=MoveStatus.ACCEPTED).order_by("decided_at").first()
    dates = []
    if move is not None and move.decided_at:
        dates.append(timezone.localdate(move.decided_at))
    out = StatusChange.objects.filter(person_id=application.person_id,
                                      status=PersonStatus.TRANSFERRED_OUT).order_by(
        "effective_on").first()
    if out is not None:
        dates.append(out.effective_on)
    return min(dates) if dates else None


def _filed_after_transfer(application: Application, filed_on: datetime.date) -> bool:
    """ก.ค.ศ. letter 1437/2566: a request filed on or after the day the transfer takes effect
    is returned and filed again at the new unit; one filed before stays with the old unit."""
    moved = transfer_date(application)
    return moved is not None and filed_on >= moved


def failed_automatic_checks(application: Application, on: datetime.date | None = None):
    """The automatic checks that fail for ``application`` as of ``on`` (today)."""
    return [auto for auto in checks.automatic_checks(application, on or timezone.localdate())
            if not auto.verdict.passed]


@transaction.atomic
def submit_application(*, actor, application: Application,
                       confirm_failed: bool = False) -> Application:
    """The teacher submits (or resubmits after a return) to the school director. When the
    system already finds a check failed, the teacher confirms submitting anyway
    (``confirm_failed``); the failed checks go into the history."""
    application = _lock(application)
    _require_applicant(actor, application)
    _require_state(application, *EDITABLE_STATES)
    today = timezone.localdate()
    if _filed_after_transfer(application, today):
        raise ValidationError(_(
            "ท่านย้ายออกจากสถานศึกษานี้แล้ว (ตั้งแต่ %(date)s) คำขอที่ยื่นในหรือหลังวันที่คำสั่งย้าย"
            "มีผลต้องยื่นใหม่ที่หน่วยงานใหม่ (หนังสือ ก.ค.ศ. ที่ ศธ 0206.3/1437)") % {
            "date": transfer_date(application).isoformat()})
    missing = rules.missing_or_invalid_slots(checks.evidence_facts(application.files.all()),
                                             shorten_ground=application.shorten_ground)
    if missing:
        from appraisal.choices import EvidenceSlot

        raise ValidationError(_("ยังส่งคำขอไม่ได้: ไฟล์หลักฐานยังไม่ครบหรือไม่ผ่านการตรวจสอบ — "
                                "%(slots)s") % {
            "slots": ", ".join(str(EvidenceSlot(s).label) for s in missing)})
    # (a new file waiting to replace a valid one counts too: its check could still change the
    # files after the school has the request)
    pending = [f for f in EvidenceFile.all_files.filter(application=application)
               if f.state in (FileState.WAITING, FileState.CHECKING)]
    if pending:
        # a file still being checked could still be rejected after the school has the request
        raise ValidationError(_("ระบบยังตรวจสอบไฟล์ไม่เสร็จ: %(files)s — กรุณารอสักครู่แล้วยื่นอีกครั้ง") % {
            "files": ", ".join(f.original_name for f in pending)})
    failed = failed_automatic_checks(application, today)
    if failed and not confirm_failed:
        raise ValidationError({"confirm_failed": _(
            "ระบบตรวจพบว่าคุณสมบัติยังไม่ผ่าน: %(items)s — หากต้องการยื่นคำขอต่อไป "
            "กรุณาทำเครื่องหมายยืนยันก่อน") % {"items": ", ".join(str(a.label) for a in failed)}})
    before = application.state
    application.state = ApplicationState.SUBMITTED
    application.round_no += 1
    application.filed_on = today
    application.return_reason = ""
    application.save()
    if failed:
        _event(application, ApplicationAction.SUBMITTED, before, actor=actor,
               reason=_("ผู้ขอยืนยันยื่นคำขอ แม้ระบบตรวจพบว่าไม่ผ่าน: %(items)s") % {
                   "items": ", ".join(str(a.label) for a in failed)},
               failed_checks=[a.kind for a in failed])
    else:
        _event(application, ApplicationAction.SUBMITTED, before, actor=actor)
    notify(_members(application.organization, {Role.SCHOOL_ADMIN}),
           _("คำขอมีวิทยฐานะรอการรับรองจากสถานศึกษา: %(name)s") % {
               "name": application.person.full_name_th},
           _("%(name)s ยื่นคำขอ%(standing)s กรุณาตรวจสอบคุณสมบัติและเอกสารหลักฐาน") % {
               "name": application.person.full_name_th,
               "standing": application.get_requested_standing_display()},
           _url(application))
    return application


def _require_role(actor, org: Organization, roles, kinds) -> None:
    if not scoping.holds_role_at(actor, org, roles, kinds) or (
            actor is not None and not scoping.can_work_on(actor, org)):
        raise NotAllowed()


def _return_for_transfer(application: Application, actor) -> bool:
    if not _filed_after_transfer(application, application.filed_on):
        return False
    before = application.state
    application.state = ApplicationState.RETURNED
    application.return_reason = _(
        "ผู้ขอย้ายหน่วยงานก่อนหรือในวันที่ยื่นคำขอ ต้องยื่นคำขอใหม่ที่หน่วยงานใหม่ "
        "(หนังสือ ก.ค.ศ. ที่ ศธ 0206.3/1437 ลงวันที่ 11 สิงหาคม 2566)")
    application.save()
    _event(application, ApplicationAction.TRANSFER_RETURNED, before, actor=actor,
           reason=application.return_reason)
    notify(_applicant(application), _("คำขอมีวิทยฐานะถูกส่งคืน"), application.return_reason,
           _url(application))
    return True


@transaction.atomic
def school_certify(*, actor, application: Application) -> Application:
    """The school director certifies and sends the request to the supervising office; the system
    keeps the applicant's data as it is now and runs the automatic checks."""
    application = _lock(application)
    _require_role(actor, application.organization, {Role.SCHOOL_ADMIN}, {OrgKind.SCHOOL})
    _require_state(application, ApplicationState.SUBMITTED)
    if _return_for_transfer(application, actor):
        return application
    person = checks.load_person(application.person_id)
    before = application.state
    application.state = ApplicationState.AT_OFFICE
    application.entered_on = timezone.localdate()
    application.snapshot = checks.applicant_snapshot(person, application)
    application.save()
    _run_automatic_checks(application, person)
    _event(application, ApplicationAction.SCHOOL_CERTIFIED, before, actor=actor)
    notify(_members(application.office, {Role.OFFICER, Role.GROUP_HEAD, Role.LAO_ADMIN},
                    up_to_kinds={OrgKind.PROVINCE}),
           _("คำขอมีวิทยฐานะรอตรวจสอบคุณสมบัติ: %(name)s") % {
               "name": application.person.full_name_th},
           _("%(school)s ส่งคำขอ%(standing)s ของ %(name)s") % {
               "school": application.organization.name,
               "standing": application.get_requested_standing_display(),
               "name": application.person.full_name_th},
           _url(application))
    return application


def _run_automatic_checks(application: Application, person: Person) -> None:
    now = timezone.now()
    for auto in checks.automatic_checks(application, application.filed_on, person):
        QualificationCheck.objects.update_or_create(
            application=application, round_no=application.round_no, kind=auto.kind,
            defaults={"auto_passed": auto.verdict.passed,
                      "auto_explanation": auto.verdict.explanation, "auto_checked_at": now})


@transaction.atomic
def rerun_automatic_checks(*, actor, application: Application) -> Application:
    """The office asks the system to check again (after the record was corrected)."""
    application = _lock(application)
    _require_role(actor, application.office, {Role.OFFICER, Role.GROUP_HEAD, Role.LAO_ADMIN},
                  OFFICE_KINDS)
    _require_state(application, ApplicationState.AT_OFFICE)
    _run_automatic_checks(application, checks.load_person(application.person_id))
    audit.record("appraisal.application.rerun_checks", actor=actor, target=application,
                 organization=application.organization, round_no=application.round_no)
    return application


def _return(application: Application, *, actor, reason: str, action: str) -> Application:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("กรุณาระบุเหตุผลที่ส่งคืน")})
    before = application.state
    application.state = ApplicationState.RETURNED
    application.return_reason = reason
    application.save()
    _event(application, action, before, actor=actor, reason=reason)
    recipients = _applicant(application) + _members(application.organization,
                                                    {Role.SCHOOL_ADMIN})
    notify(recipients, _("คำขอมีวิทยฐานะถูกส่งคืนให้แก้ไข: %(name)s") % {
        "name": application.person.full_name_th}, reason, _url(application))
    return application


@transaction.atomic
def school_return(*, actor, application: Application, reason: str) -> Application:
    application = _lock(application)
    _require_role(actor, application.organization, {Role.SCHOOL_ADMIN}, {OrgKind.SCHOOL})
    _require_state(application, ApplicationState.SUBMITTED)
    return _return(application, actor=actor, reason=reason,
                   action=ApplicationAction.SCHOOL_RETURNED)


CHECK_LEVELS = {"officer": Role.OFFICER, "head": Role.GROUP_HEAD}


@transaction.atomic
def record_check(*, actor, check: QualificationCheck, level: str, passed: bool, note: str = "",
                 upload=None) -> QualificationCheck:
    """The officer's or the group head's verdict on one check, with an optional PDF ≤ 10 MB.
    Recording "passed" where the system found the check failed (overruling it) needs the
    reason in ``note``; it goes into the history and the audit record."""
    if level not in CHECK_LEVELS:
        raise ValueError(level)
    check = QualificationCheck.objects.select_for_update().get(pk=check.pk)
    application = _lock(check.application)
    _require_role(actor, application.office, {CHECK_LEVELS[level]}, OFFICE_KINDS)
    _require_state(application, ApplicationState.AT_OFFICE)
    was_done = _level_done(application, level)
    check = _record_one(application, check, actor=actor, level=level, passed=passed, note=note,
                        upload=upload)
    _notify_checked(application, level, was_done)
    return check


@transaction.atomic
def record_checks(*, actor, application: Application, level: str, results) -> list:
    """Every check of a request recorded at once (one form): ``results`` is a list of
    ``{"check": QualificationCheck, "passed": bool, "note": str, "upload": file or None}``.
    All or nothing: one refused result leaves every check as it was, and the errors of all
    the rows come back together, keyed by the check's kind."""
    if level not in CHECK_LEVELS:
        raise ValueError(level)
    application = _lock(application)
    _require_role(actor, application.office, {CHECK_LEVELS[level]}, OFFICE_KINDS)
    _require_state(application, ApplicationState.AT_OFFICE)
    if not results:
        raise ValidationError(_("กรุณาเลือกผลการตรวจสอบอย่างน้อยหนึ่งรายการ"))
    ids = [r["check"].pk for r in results]
    locked = {c.pk: c for c in QualificationCheck.objects.select_for_update().filter(
        pk__in=ids, application=application)}
    if len(locked) != len(set(ids)):
        raise ValidationError(_("รายการตรวจสอบไม่ใช่ของคำขอนี้"))
    # every row validated first: a refused row leaves all of them (and the storage) untouched
    errors: dict[str, list] = {}
    for result in results:
        check = locked[result["check"].pk]
        try:
            _record_one(application, check, actor=actor, level=level,
                        passed=result.get("passed"), note=result.get("note", ""),
                        upload=result.get("upload"), verify_only=True)
        except ValidationError as error:
            errors.setdefault(check.kind, []).extend(str(m) for m in error.messages)
    if errors:
        raise ValidationError(errors)
    was_done = _level_done(application, level)
    saved = [_record_one(application, locked[r["check"].pk], actor=actor, level=level,
                         passed=r.get("passed"), note=r.get("note", ""), upload=r.get("upload"))
             for r in results]
    _notify_checked(application, level, was_done)
    return saved


def _record_one(application: Application, check: QualificationCheck, *, actor, level: str,
                passed, note: str, upload, verify_only: bool = False) -> QualificationCheck:
    """Validate and write one verdict (the caller holds the locks and checked the role);
    with ``verify_only``, only validate."""
    if check.round_no != application.round_no:
        raise ValidationError(_("รายการนี้เป็นของการยื่นครั้งก่อน แก้ไขไม่ได้"))
    if passed is None:
        raise ValidationError({"passed": _("กรุณาเลือกผลการตรวจสอบ")})
    if level == "head" and check.officer_passed is None:
        raise ValidationError(_("รอเจ้าหน้าที่ตรวจสอบรายการนี้ก่อน"))
    note = (note or "").strip()
    overruled = bool(passed) and check.auto_passed is False
    if overruled and not note:
        raise ValidationError({"note": _(
            "ระบบตรวจสอบ “%(check)s” แล้วไม่ผ่าน: การบันทึกว่าผ่านต้องระบุเหตุผล") % {
            "check": check.get_kind_display()}})
    if upload is not None:
        require_pdf(upload, "upload")
    if verify_only:
        return check
    file_field = getattr(check, f"{level}_file")
    old_file = file_field.name if upload is not None else ""
    setattr(check, f"{level}_passed", bool(passed))
    setattr(check, f"{level}_note", note)
    setattr(check, f"{level}_by", user_or_none(actor))
    setattr(check, f"{level}_at", timezone.now())
    if upload is not None:
        file_field.save("check.pdf", upload, save=False)
    try:
        check.save()
    except Exception:
        if upload is not None:
            file_field.storage.delete(file_field.name)
        raise
    if old_file:
        delete_after_commit(file_field.storage, old_file)
    extra = {"overruled": True} if overruled else {}
    _event(application, ApplicationAction.CHECKED, application.state, actor=actor,
           reason=(_("เห็นต่างจากผลตรวจของระบบ (“%(check)s” ไม่ผ่าน): %(reason)s") % {
               "check": check.get_kind_display(), "reason": note}) if overruled else "",
           kind=check.kind, level=level, passed=bool(passed), **extra)
    return check


def _notify_checked(application: Application, level: str, was_done: bool) -> None:
    """One notice a request and step, when the level's last check is recorded (not one per
    check: five checks of a few requests made the group head's bell ring 19 times)."""
    if was_done or not _level_done(application, level):
        return
    if level == "officer":
        notify(_members(application.office, {Role.GROUP_HEAD}, up_to_kinds={OrgKind.PROVINCE}),
               _("รอหัวหน้ากลุ่มตรวจสอบ: %(name)s") % {"name": application.person.full_name_th},
               _("เจ้าหน้าที่บันทึกผลการตรวจสอบคุณสมบัติครบทุกรายการแล้ว"),
               _url(application), email=False)
    elif _all_checked(application):
        notify(_members(application.office, {Role.LAO_ADMIN}),
               _("คำขอพร้อมให้ผู้อำนวยการรับรอง: %(name)s") % {
                   "name": application.person.full_name_th},
               _("ตรวจสอบคุณสมบัติครบทุกรายการแล้ว"), _url(application))
        applicant_notices.tell_applicant(application, ApplicationAction.CHECKED, {}, once=False)


def current_checks(application: Application):
    return application.checks.filter(round_no=application.round_no).order_by("pk")


def _level_done(application: Application, level: str) -> bool:
    """Every check of the round has this level's verdict (and, for the head's, the officer's)."""
    rows = current_checks(application).values_list("officer_passed", "head_passed")
    return bool(rows) and all(
        officer is not None and (level == "officer" or head is not None)
        for officer, head in rows)


def _all_checked(application: Application) -> bool:
    rows = list(current_checks(application))
    return bool(rows) and all(c.officer_passed is not None and c.head_passed is not None
                              for c in rows)


@transaction.atomic
def office_certify(*, actor, application: Application, confirm: bool) -> Application:
    """The office director certifies: qualified, data correct and complete. Irreversible
    (seed 004 step 2: "การรับรองข้อมูล จะไม่สามารถย้อนกลับไปแก้ไขข้อมูลได้อีก")."""
    application = _lock(application)
    _require_role(actor, application.office, {Role.LAO_ADMIN}, {OrgKind.LAO})
    _require_state(application, ApplicationState.AT_OFFICE)
    if not confirm:
        raise ValidationError({"confirm": _(
            "กรุณายืนยันว่าข้อมูลเป็นไปตามคุณสมบัติและหลักฐานครบถ้วน "
            "(การรับรองข้อมูลจะไม่สามารถย้อนกลับไปแก้ไขได้อีก)")})
    rows = list(current_checks(application))
    if {c.kind for c in rows} != set(CheckKind.values):
        raise ValidationError(_("ยังไม่ได้สร้างรายการตรวจสอบคุณสมบัติครบทุกรายการ"))
    pending = [c for c in rows if c.officer_passed is None or c.head_passed is None]
    if pending:
        raise ValidationError(_("ยังตรวจสอบไม่ครบ: %(items)s") % {
            "items": ", ".join(c.get_kind_display() for c in pending)})
    failed = [c for c in rows if not (c.officer_passed and c.head_passed)]
    if failed:
        raise ValidationError(_("รับรองไม่ได้ เพราะไม่ผ่าน: %(items)s — ให้ส่งคืนพร้อมเหตุผล") % {
            "items": ", ".join(c.get_kind_display() for c in failed)})
    if _return_for_transfer(application, actor):
        return application
    before = application.state
    application.state = ApplicationState.QUALIFIED
    application.certified_at = timezone.now()
    application.certified_by = user_or_none(actor)
    application.save()
    _event(application, ApplicationAction.OFFICE_CERTIFIED, before, actor=actor)
    notify(_applicant(application) + _members(application.organization, {Role.SCHOOL_ADMIN}),
           _("คำขอมีวิทยฐานะผ่านการตรวจสอบคุณสมบัติ: %(name)s") % {
               "name": application.person.full_name_th},
           _("หน่วยงานต้นสังกัดรับรองคุณสมบัติแล้ว คำขอจะเสนอคณะกรรมการเพื่อแต่งตั้งผู้ประเมินต่อไป"),
           _url(application))
    return application


@transaction.atomic
def office_return(*, actor, application: Application, reason: str) -> Application:
    application = _lock(application)
    _require_role(actor, application.office, {Role.LAO_ADMIN}, {OrgKind.LAO})
    _require_state(application, ApplicationState.AT_OFFICE)
    return _return(application, actor=actor, reason=reason,
                   action=ApplicationAction.OFFICE_RETURNED)
