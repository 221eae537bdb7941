"""Every state change of committees: members, meetings, agenda items, resolutions, notifying
results, appointment orders (issue 7; seed 004 steps 3, 5–7).

Each function checks that the actor is the committee's secretary (its province admin; the DLA
admin too), validates, writes, records the audit row, in one transaction; a resolution moves
applications on by calling appraisal's services (``approve_for_assessment``, ``draw_assessors``,
``appraisal.outcome``), whose notifications go out on commit."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, scoping
from accounts.exceptions import NotAllowed
from accounts.rules import OrgKind
from appraisal.choices import ApplicationState
from appraisal.services import commitments, outcome
from appraisal.services import draw as draws
from core.thaidates import format_be
from personnel import rules as personnel_rules
from personnel.choices import AcademicStanding

from . import authority, selectors
from .models import (
    AgendaEntry,
    AgendaItem,
    AppointmentOrder,
    Committee,
    CommitteeMember,
    Decision,
    HonorariumRate,
    ItemKind,
    Meeting,
    OrderEntry,
    Resolution,
)

SECRETARY_KINDS = frozenset({OrgKind.PROVINCE, OrgKind.AGENCY})
STANDING_ORDER = [s for s in AcademicStanding.values if s != AcademicStanding.NONE]


def is_secretary(user, committee: Committee) -> bool:
    return scoping.holds_role_at(user, committee.province, selectors.SECRETARY_ROLES,
                                 SECRETARY_KINDS)


def require_secretary(actor, committee: Committee) -> None:
    if actor is None or not is_secretary(actor, committee):
        raise NotAllowed()


def _audit(action: str, actor, target, committee: Committee, **data) -> None:
    audit.record(f"committees.{action}", actor=actor, target=target,
                 organization=committee.province, **data)


# --- members and meetings ----------------------------------------------------------------------

@transaction.atomic
def add_member(*, actor, committee: Committee, name: str, role: str, position: str = "",
               order: int | None = None) -> CommitteeMember:
    require_secretary(actor, committee)
    if not name.strip():
        raise ValidationError(_("กรุณาระบุชื่อกรรมการ"))
    if order is None:
        order = committee.members.count() + 1
    member = CommitteeMember(committee=committee, name=name.strip(), role=role,
                             position=position.strip(), order=order)
    member.full_clean()
    member.save()
    _audit("member.add", actor, member, committee, name=member.name, role=role)
    return member


@transaction.atomic
def remove_member(*, actor, member: CommitteeMember) -> None:
    require_secretary(actor, member.committee)
    _audit("member.remove", actor, member, member.committee, name=member.name)
    member.delete()


@transaction.atomic
def create_meeting(*, actor, committee: Committee, number: int, year_be: int,
                   date: datetime.date, place: str = "") -> Meeting:
    require_secretary(actor, committee)
    meeting = Meeting(committee=committee, number=number, year_be=year_be, date=date,
                      place=place.strip(), created_by=actor)
    meeting.full_clean()
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        raise ValidationError(_("มีการประชุมครั้งที่ %(n)s/%(y)s ของคณะกรรมการนี้แล้ว") % {
            "n": number, "y": year_be}) from None
    _audit("meeting.create", actor, meeting, committee, number=number, year_be=year_be,
           date=date.isoformat())
    return meeting


# --- agenda items ------------------------------------------------------------------------------

LAW_TEXT = (
    "๑. หลักเกณฑ์และวิธีการประเมินตำแหน่งและวิทยฐานะข้าราชการครูและบุคลากรทางการศึกษา ตำแหน่งครู "
    "ตามหนังสือสำนักงาน ก.ค.ศ. ที่ ศธ ๐๒๐๖.๓/ว ๙ ลงวันที่ ๒๐ พฤษภาคม ๒๕๖๔\n"
    "๒. การลดระยะเวลาตามเงื่อนไขคุณสมบัติเฉพาะสำหรับวิทยฐานะ ตามหนังสือสำนักงาน ก.ค.ศ. "
    "ที่ ศธ ๐๒๐๖.๔/ว ๔ ลงวันที่ ๒๘ มกราคม ๒๕๖๔\n"
    "๓. การกำหนดตัวชี้วัด รายละเอียดประกอบหลักเกณฑ์ฯ และคู่มือการดำเนินการ ตามหนังสือสำนักงาน "
    "ก.ค.ศ. ที่ ศธ ๐๒๐๖.๓/ว ๒๒ ลงวันที่ ๓ กันยายน ๒๕๖๔"
)


def standing_counts(entries, *, by_decision: bool = False) -> list[dict]:
    """Per requested standing: how many, and (results) how many pass and fail — the counts the
    results item states (seed 004 §10.1 คำขอ ๑. and ๒.)."""
    rows = {s: {"standing": s, "label": AcademicStanding(s).label, "total": 0, "approved": 0,
                "not_approved": 0} for s in STANDING_ORDER}
    for entry in entries:
        application = entry.application
        row = rows[application.requested_standing]
        row["total"] += 1
        if by_decision:
            passed = entry.decision == Decision.APPROVED if entry.decision != Decision.PENDING \
                else bool(getattr(application, "decision", None) and application.decision.passed)
            row["approved" if passed else "not_approved"] += 1
    return [r for r in rows.values() if r["total"]]


def default_texts(committee: Committee, kind: str, applications: list) -> dict:
    """The agenda's sections, pre-filled from the applications (the secretary may edit them)."""
    n = len(applications)
    office = committee.province.name
    if kind == ItemKind.PANELS:
        counts = standing_counts([AgendaEntry(application=a) for a in applications])
        per = " ".join(_("วิทยฐานะ%(label)s จำนวน %(n)s ราย") % {"label": r["label"],
                                                                "n": r["total"]}
                       for r in counts)
        return {
            "title": _("การขอความเห็นชอบแต่งตั้งคณะกรรมการประเมินด้านที่ ๑ และด้านที่ ๒ "
                       "จากบัญชีรายชื่อผู้ทรงคุณวุฒิ"),
            "request_text": _("%(office)s ขอความเห็นชอบแต่งตั้งคณะกรรมการประเมินผู้ขอมีวิทยฐานะ"
                              "หรือเลื่อนวิทยฐานะ รวม %(n)s ราย %(per)s") % {
                "office": office, "n": n, "per": per},
            "law_text": LAW_TEXT,
            "facts_text": _("หน่วยงานต้นสังกัดได้ตรวจสอบคุณสมบัติของผู้ขอรับการประเมินแล้ว "
                            "มีคุณสมบัติครบถ้วน จำนวน %(n)s ราย รายละเอียดตามเอกสารประกอบ"
                            "ระเบียบวาระ") % {"n": n},
            "considerations_text": _("เห็นควรให้ความเห็นชอบแต่งตั้งคณะกรรมการประเมินด้านที่ ๑ "
                                     "และด้านที่ ๒ โดยวิธีการสุ่มจากบัญชีรายชื่อผู้ทรงคุณวุฒิ "
                                     "รายละ ๓ คน"),
        }
    if kind == ItemKind.RESULTS:
        counts = standing_counts([AgendaEntry(application=a) for a in applications],
                                 by_decision=True)
        approved = " ".join(_("วิทยฐานะ%(label)s จำนวน %(n)s ราย") % {
            "label": r["label"], "n": r["approved"]} for r in counts)
        not_approved = " ".join(_("วิทยฐานะ%(label)s จำนวน %(n)s ราย") % {
            "label": r["label"], "n": r["not_approved"]} for r in counts)
        return {
            "title": _("การอนุมัติผลการประเมินการขอมีวิทยฐานะหรือเลื่อนวิทยฐานะ"),
            "request_text": _("%(office)s ขออนุมัติ ดังนี้\n๑. ขออนุมัติผลการประเมินและอนุมัติให้มี"
                              "หรือเลื่อนวิทยฐานะ %(approved)s\n๒. ไม่อนุมัติ %(not)s") % {
                "office": office, "approved": approved, "not": not_approved},
            "law_text": LAW_TEXT,
            "facts_text": _("คณะกรรมการประเมินได้ประเมินครบทั้ง ๓ คนแล้ว จำนวน %(n)s ราย "
                            "คะแนนประเมินรายด้านของกรรมการแต่ละคนตามเอกสารประกอบระเบียบวาระ") % {
                "n": n},
            "considerations_text": _("เห็นควรอนุมัติผลการประเมินของผู้ที่ผ่านเกณฑ์ "
                                     "โดยให้มีผลไม่ก่อนวันที่คำขอครบถ้วนเข้าสู่ระบบ"),
        }
    return {"title": "", "request_text": "", "law_text": "", "facts_text": "",
            "considerations_text": ""}


@transaction.atomic
def create_item(*, actor, meeting: Meeting, kind: str, applications=(), title: str = "",
                public_source: str = "", **texts) -> AgendaItem:
    """An agenda item built from the applications the secretary ticked (seed 004 step 3,
    screens ๘–๑๒; step 5). Each must be eligible now (``selectors.eligible_for_item``). An
    item asking to appoint assessors publishes the commitment of its draw (issue 19), with
    ``public_source``: where the public value of the draw will come from."""
    committee = meeting.committee
    require_secretary(actor, committee)
    if kind not in ItemKind.values:
        raise ValidationError(_("ประเภทวาระไม่ถูกต้อง"))
    ids = [a.pk if hasattr(a, "pk") else int(a) for a in applications]
    if kind == ItemKind.OTHER:
        if ids:
            raise ValidationError(_("วาระเรื่องอื่น ๆ ไม่มีรายชื่อผู้ขอ"))
        chosen = []
    else:
        if not ids:
            raise ValidationError(_("กรุณาเลือกผู้ขอรับการประเมินอย่างน้อย ๑ ราย"))
        found = {a.pk: a for a in selectors.eligible_for_item(committee, kind).filter(pk__in=ids)}
        missing = [i for i in ids if i not in found]
        if missing:
            raise ValidationError(_("มีคำขอที่เลือกไม่ได้ (ไม่อยู่ในความรับผิดชอบของคณะกรรมการ "
                                    "หรือสถานะไม่ถูกต้อง): %(ids)s") % {
                "ids": ", ".join(map(str, missing))})
        chosen = [found[i] for i in ids]
    defaults = default_texts(committee, kind, chosen)
    if title.strip():
        defaults["title"] = title.strip()
    for key, value in texts.items():
        if key in defaults and value and str(value).strip():
            defaults[key] = str(value).strip()
    if not defaults["title"]:
        raise ValidationError(_("กรุณาระบุเรื่อง"))
    order = (meeting.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    commitment = None
    if kind == ItemKind.PANELS:
        commitment = commitments.new_commitment(
            actor=actor, purpose=_("ระเบียบวาระที่ %(n)s %(meeting)s") % {
                "n": order, "meeting": meeting}, public_source=public_source,
            organization=committee.province)
    item = AgendaItem.objects.create(meeting=meeting, kind=kind, order=order,
                                     created_by=actor, commitment=commitment, **defaults)
    AgendaEntry.objects.bulk_create(AgendaEntry(item=item, application=a, order=n)
                                    for n, a in enumerate(chosen, start=1))
    _audit("item.create", actor, item, committee, meeting=meeting.pk, kind=kind,
           applications=ids)
    return item


@transaction.atomic
def update_item_texts(*, actor, item: AgendaItem, **texts) -> AgendaItem:
    require_secretary(actor, item.meeting.committee)
    fields = [f for f in ("title", "request_text", "law_text", "facts_text",
                          "considerations_text") if f in texts]
    for f in fields:
        setattr(item, f, str(texts[f]).strip())
    if not item.title:
        raise ValidationError(_("กรุณาระบุเรื่อง"))
    item.save(update_fields=fields)
    _audit("item.update", actor, item, item.meeting.committee, fields=fields)
    return item


# --- resolutions -------------------------------------------------------------------------------

def _overall(decisions: list[str]) -> str:
    if decisions and all(d == Decision.APPROVED for d in decisions):
        return Decision.APPROVED
    if decisions and all(d == Decision.NOT_APPROVED for d in decisions):
        return Decision.NOT_APPROVED
    if decisions and all(d == Decision.DEFERRED for d in decisions):
        return Decision.DEFERRED
    return Decision.APPROVED if Decision.APPROVED in decisions else (
        decisions[0] if decisions else Decision.APPROVED)


def may_resolve_on(meeting: Meeting, today: datetime.date | None = None) -> bool:
    """A resolution is what the meeting decided: it cannot be recorded before the meeting's
    date (Bangkok's calendar day)."""
    return (today or timezone.localdate()) >= meeting.date


@transaction.atomic
def record_resolution(*, actor, item: AgendaItem, decisions: dict | None = None,
                      decision: str | None = None, note: str = "",
                      draw_now: bool = False, public_value: str = "") -> Resolution:
    """The meeting's resolution on the item (seed 004 steps 3 and 5), per application:
    approved, not approved, or deferred (a deferred one may go on a later item). Approved panels
    become ready for the draw (``approve_for_assessment``, bound to the item's commitment),
    drawn at once when ``draw_now`` with ``public_value`` (issue 19: one draw event for all of
    them, which reveals the seed); approved or not approved results move the application on
    (``appraisal.outcome``)."""
    item = AgendaItem.objects.select_for_update().select_related(
        "meeting", "meeting__committee", "meeting__committee__province").get(pk=item.pk)
    committee = item.meeting.committee
    require_secretary(actor, committee)
    if Resolution.objects.filter(item=item).exists():
        raise ValidationError(_("บันทึกมติของระเบียบวาระนี้แล้ว"))
    if not may_resolve_on(item.meeting):
        raise ValidationError(_("ยังบันทึกมติไม่ได้: การประชุมครั้งนี้กำหนดวันที่ %(day)s "
                                "มติบันทึกได้ตั้งแต่วันประชุมเป็นต้นไป") % {
            "day": format_be(item.meeting.date, style="long")})
    entries = list(item.entries.select_related("application").order_by("order"))
    decisions = {int(k): v for k, v in (decisions or {}).items()}
    valid = {Decision.APPROVED, Decision.NOT_APPROVED, Decision.DEFERRED}
    for entry in entries:
        value = decisions.get(entry.application_id, decision)
        if value not in valid:
            raise ValidationError(_("กรุณาระบุมติของทุกรายชื่อ (อนุมัติ ไม่อนุมัติ หรือเลื่อน)"))
        entry.decision = value
    if not entries and decision not in valid:
        raise ValidationError(_("กรุณาระบุมติ"))
    ref = item.meeting.ref
    to_draw = []
    for entry in entries:
        entry.save(update_fields=["decision"])
        application = entry.application
        if item.kind == ItemKind.PANELS and entry.decision == Decision.APPROVED:
            draws.approve_for_assessment(application, actor=actor, meeting_ref=ref,
                                         commitment=item.commitment)
            to_draw.append(application)
        elif item.kind == ItemKind.RESULTS and entry.decision in (Decision.APPROVED,
                                                                  Decision.NOT_APPROVED):
            outcome.approve_result(application, actor=actor,
                                   approved=entry.decision == Decision.APPROVED,
                                   meeting_ref=ref)
    if draw_now and to_draw:
        _draw(actor, item, to_draw, public_value)
    overall = decision if not entries else _overall([e.decision for e in entries])
    resolution = Resolution.objects.create(item=item, decision=overall, note=note.strip(),
                                           recorded_by=actor)
    _audit("resolution.record", actor, resolution, committee, item=item.pk, decision=overall,
           decisions={str(e.application_id): e.decision for e in entries}, draw_now=draw_now)
    return resolution


def _draw(actor, item: AgendaItem, applications: list, public_value: str) -> list:
    trigger = _("มติ %(ref)s") % {"ref": item.meeting.ref}
    if item.commitment is None:  # an item made before commitments: each its own
        return [draws.draw_assessors(a, actor=actor, public_value=public_value, trigger=trigger)
                for a in applications]
    return draws.draw_event(item.commitment, applications, actor=actor,
                            public_value=public_value, trigger=trigger)


def pending_draws(item: AgendaItem) -> list:
    """The item's approved applications still waiting for the item's draw: approved for
    assessment with its commitment, unused, and seats to fill."""
    if item.kind != ItemKind.PANELS or item.commitment is None \
            or item.commitment.revealed_at is not None:
        return []
    bound = set(item.commitment.applications.values_list("pk", flat=True))
    return [e.application for e in item.entries.select_related("application").order_by("order")
            if e.decision == Decision.APPROVED and e.application_id in bound
            and e.application.state == ApplicationState.PANEL_APPROVED
            and draws.vacant_seats(e.application)]


@transaction.atomic
def draw_item(*, actor, item: AgendaItem, public_value: str) -> list:
    """The draw of an item's approved applications after the meeting (when "draw now" was
    not ticked): the public value entered once, one draw event, the seed revealed."""
    item = AgendaItem.objects.select_for_update(of=("self",)).select_related(
        "meeting", "meeting__committee", "meeting__committee__province", "commitment").get(
        pk=item.pk)
    require_secretary(actor, item.meeting.committee)
    applications = pending_draws(item)
    if not applications:
        raise ValidationError(_("ไม่มีคำขอของระเบียบวารานี้ที่รอการสุ่ม"))
    done = _draw(actor, item, applications, public_value)
    _audit("item.draw", actor, item, item.meeting.committee, draws=[d.pk for d in done])
    return done


@transaction.atomic
def notify_results(*, actor, item: AgendaItem, confirmed: bool) -> int:
    """Notify the school and the applicant of every decided result of the item (seed 004 step
    6), with the committee's decision, the meeting's number and date. Returns how many."""
    item = AgendaItem.objects.select_for_update().select_related(
        "meeting", "meeting__committee", "meeting__committee__province").get(pk=item.pk)
    committee = item.meeting.committee
    require_secretary(actor, committee)
    if item.kind != ItemKind.RESULTS:
        raise ValidationError(_("แจ้งผลได้เฉพาะวาระอนุมัติผลการประเมิน"))
    resolution = Resolution.objects.filter(item=item).first()
    if resolution is None:
        raise ValidationError(_("ยังไม่ได้บันทึกมติของระเบียบวาระนี้"))
    if not confirmed:
        raise ValidationError(_("กรุณายืนยันการแจ้งผลการประเมิน"))
    count = 0
    for entry in item.entries.select_related("application").order_by("order"):
        if entry.application.state in (ApplicationState.RESULT_APPROVED,
                                       ApplicationState.RESULT_NOT_APPROVED):
            outcome.notify_result(entry.application, actor=actor, meeting_ref=item.meeting.ref,
                                  confirmed=True)
            count += 1
    if not count:
        raise ValidationError(_("ไม่มีผลการประเมินที่รอแจ้งในระเบียบวาระนี้"))
    resolution.notified_at = timezone.now()
    resolution.save(update_fields=["notified_at"])
    _audit("results.notify", actor, item, committee, count=count)
    return count


# --- appointment orders ------------------------------------------------------------------------

def resolutions_of(applications) -> dict[int, Meeting]:
    """{application: the meeting whose resolution approved its result} (seed 004 step 5): what
    an order rests on."""
    entries = AgendaEntry.objects.filter(
        application__in=list(applications), item__kind=ItemKind.RESULTS,
        decision=Decision.APPROVED).select_related("item__meeting", "item__meeting__committee")
    return {e.application_id: e.item.meeting for e in entries.order_by("item__meeting__date")}


@transaction.atomic
def create_order(*, actor, committee: Committee, number: int, year_be: int,
                 date: datetime.date, signer_name: str, signer_position: str = "",
                 legal_basis: str = "", applications=()) -> AppointmentOrder:
    """คำสั่งแต่งตั้ง (seed 004 step 7): the notified, approved applications ticked, each with
    its new standing, the rank that goes with it and its salary per the rules, effective from
    the date the complete request entered the system.

    The order is the LAO's (``committees.authority``): its applications are of one LAO, which
    issues it, numbered in that LAO's register; it is signed by the LAO's head (the position
    defaults to the head's title; a different signer must sign for the head)."""
    require_secretary(actor, committee)
    ids = [a.pk if hasattr(a, "pk") else int(a) for a in applications]
    if not ids:
        raise ValidationError(_("กรุณาเลือกผู้ได้รับการแต่งตั้งอย่างน้อย ๑ ราย"))
    if not signer_name.strip():
        raise ValidationError(_("กรุณาระบุผู้ลงนามคำสั่ง"))
    found = {a.pk: a for a in selectors.eligible_for_order(committee).filter(pk__in=ids)
             .select_related("office", "person")}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(_("มีคำขอที่ออกคำสั่งไม่ได้: %(ids)s") % {
            "ids": ", ".join(map(str, missing))})
    issuers = {found[i].office for i in ids}
    if len(issuers) != 1:
        raise ValidationError(_("คำสั่งหนึ่งฉบับเป็นของ อปท. เดียว: เลือกเฉพาะผู้ขอที่สังกัด "
                                "อปท. เดียวกัน (%(laos)s)") % {
            "laos": ", ".join(sorted(o.name for o in issuers))})
    issuer = issuers.pop()
    head = authority.head_title(issuer)
    signer_position = signer_position.strip() or head
    if not authority.signer_matches(issuer, signer_position):
        raise ValidationError(_("ผู้ลงนามคำสั่งของ%(lao)s คือ%(head)s (หรือผู้ปฏิบัติราชการแทน"
                                "%(head)s): ตำแหน่งผู้ลงนามต้องระบุ “%(head)s”") % {
            "lao": authority.lao_full_name(issuer), "head": head})
    meetings = resolutions_of(found.values())
    unresolved = [i for i in ids if i not in meetings]
    if unresolved:
        raise ValidationError(_("ไม่พบมติอนุมัติผลการประเมินของคำขอ: %(ids)s") % {
            "ids": ", ".join(map(str, unresolved))})
    order = AppointmentOrder(committee=committee, issuer=issuer, number=number, year_be=year_be,
                             date=date, signer_name=signer_name.strip(),
                             signer_position=signer_position,
                             legal_basis=legal_basis.strip() or authority.default_legal_basis(),
                             created_by=actor)
    order.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            order.save()
    except IntegrityError:
        raise ValidationError(_("%(lao)s มีคำสั่งที่ %(n)s/%(y)s แล้ว") % {
            "lao": authority.lao_full_name(issuer), "n": number, "y": year_be}) from None
    entries = []
    for n, i in enumerate(ids, start=1):
        application = found[i]
        person = application.person
        entries.append(OrderEntry(
            order=order, application=application, order_no=n,
            new_standing=application.requested_standing,
            effective_on=application.entered_on or date,
            position_number=person.position_number,
            salary_rank=personnel_rules.rank_for_standing(application.requested_standing),
            salary=personnel_rules.salary_on_appointment(person.salary)))
    OrderEntry.objects.bulk_create(entries)
    _audit("order.create", actor, order, committee, number=number, year_be=year_be,
           issuer=issuer.pk, applications=ids)
    return order


def order_ref(order: AppointmentOrder) -> str:
    """คำสั่งองค์การบริหารส่วนตำบลนาโพธิ์ ที่ 12/2569 ลงวันที่ 25 พฤศจิกายน 2569: as the ก.พ.7
    cites it."""
    issuer = authority.lao_full_name(order.issuer) if order.issuer_id else \
        order.committee.get_kind_display()
    return _("คำสั่ง%(issuer)s ที่ %(n)s/%(y)s ลงวันที่ %(date)s") % {
        "issuer": issuer, "n": order.number, "y": order.year_be,
        "date": format_be(order.date, style="long")}


@transaction.atomic
def mark_appointed(*, actor, order: AppointmentOrder) -> int:
    """Mark the order's applications appointed: each person's standing and its date in the
    personnel record, and a position line citing the order."""
    order = AppointmentOrder.objects.select_for_update(of=("self",)).select_related(
        "committee", "committee__province", "issuer").get(pk=order.pk)
    require_secretary(actor, order.committee)
    if order.appointed_at is not None:
        raise ValidationError(_("บันทึกการแต่งตั้งตามคำสั่งนี้แล้ว"))
    ref = order_ref(order)
    entries = list(order.entries.select_related("application").order_by("order_no"))
    for entry in entries:
        outcome.mark_appointed(entry.application, actor=actor, effective_on=entry.effective_on,
                               order_ref=ref, salary_rank=entry.salary_rank or None,
                               salary=entry.salary)
    order.appointed_at = timezone.now()
    order.save(update_fields=["appointed_at"])
    _audit("order.appoint", actor, order, order.committee, count=len(entries))
    return len(entries)


# --- honoraria ---------------------------------------------------------------------------------

@transaction.atomic
def set_honorarium_rates(*, actor, committee: Committee, amounts: dict) -> list[HonorariumRate]:
    """The amount an assessor receives per application assessed, per requested standing
    (``committees.honoraria``); a standing given as None or "" loses its rate."""
    require_secretary(actor, committee)
    saved = []
    changes = {}
    for standing, amount in amounts.items():
        if standing not in STANDING_ORDER:
            raise ValidationError(_("วิทยฐานะไม่ถูกต้อง"))
        if amount in (None, ""):
            HonorariumRate.objects.filter(committee=committee, standing=standing).delete()
            changes[standing] = None
            continue
        try:
            value = Decimal(str(amount)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ValidationError(_("จำนวนเงินไม่ถูกต้อง")) from None
        if value < 0:
            raise ValidationError(_("จำนวนเงินต้องไม่ติดลบ"))
        rate, _created = HonorariumRate.objects.update_or_create(
            committee=committee, standing=standing,
            defaults={"amount": value, "updated_by": actor})
        saved.append(rate)
        changes[standing] = str(value)
    _audit("honoraria.rates", actor, committee, committee, rates=changes)
    return saved
