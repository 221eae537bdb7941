"""Demo data for committees (``seed_demo``): the demo school's two requests at the office are
checked and certified, and นครพนม's committee approves their panels at meeting 1 and draws the
assessors (experts homed in แพร่), through the real services: the item published its
commitment with the agenda, the secretary entered the lottery's result at the meeting, and the
draw revealed the seed (issue 19), so the demo holds a revealed commit-reveal draw that
tools/verify_draw.py checks. One expert declared that she was the second applicant's
supervisor, and is left out of that draw by the rule. The three assessors of the first request
accept (attesting no conflict), so that the demo has assessors with work to do. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization
from accounts.rules import Role
from appraisal.choices import ApplicationState, ConflictKind, InvitationState
from appraisal.models import Application, DrawCommitment, Expert, Invitation
from appraisal.services import applications as appraisal_services
from appraisal.services import conflicts, invitations
from committees import services
from committees.models import Decision, ItemKind, Meeting, MemberRole
from committees.selectors import committees_for
from personnel.rules import fiscal_year_be

# invented people in the offices such a committee seats, for the demo's minutes
DEMO_MEMBERS = (
    ("นายวิชัย ศรีสุข", "ผู้ว่าราชการจังหวัดนครพนม", MemberRole.CHAIR),
    ("นางสาวพรทิพย์ ใจงาม", "ผู้แทนพนักงานเทศบาล", MemberRole.MEMBER),
    ("นายสมศักดิ์ ทองดี", "ท้องถิ่นจังหวัดนครพนม", MemberRole.SECRETARY),
)


def _user(role: str, code: str):
    membership = Membership.objects.filter(role=role, organization__code=code,
                                           is_active=True).select_related("user").first()
    return membership.user if membership else None


@transaction.atomic
def build() -> int:
    province = Organization.objects.filter(code="48").first()
    secretary = _user(Role.PROVINCE_ADMIN, "48")
    officer, head = _user(Role.OFFICER, "48"), _user(Role.GROUP_HEAD, "48")
    director = _user(Role.LAO_ADMIN, "5480101")
    if None in (province, secretary, officer, head, director) or Meeting.objects.exists():
        return 0
    waiting = list(Application.objects.filter(office__code="5480101",
                                              state=ApplicationState.AT_OFFICE).order_by("pk"))
    for application in waiting:
        for check in appraisal_services.current_checks(application):
            appraisal_services.record_check(actor=officer, check=check, level="officer",
                                            passed=True, note="ตรวจสอบกับ ก.พ.7 แล้ว")
            appraisal_services.record_check(actor=head, check=check, level="head",
                                            passed=True, note="ตรวจสอบกับ ก.พ.7 แล้ว")
        appraisal_services.office_certify(actor=director, application=application,
                                          confirm=True)
    committee = next((c for c in committees_for(secretary)
                      if c.kind == waiting[0].office.committee_kind), None) if waiting else None
    if committee is None:
        return 0
    for name, position, role in DEMO_MEMBERS:  # whom the draft minutes list as present
        services.add_member(actor=secretary, committee=committee, name=name, position=position,
                            role=role)
    today = timezone.localdate()
    meeting = services.create_meeting(actor=secretary, committee=committee, number=1,
                                      year_be=fiscal_year_be(today),
                                      date=today - datetime.timedelta(days=2),
                                      place="ห้องประชุมศาลากลางจังหวัดนครพนม ชั้น 3")
    item = services.create_item(
        actor=secretary, meeting=meeting, kind=ItemKind.PANELS, applications=waiting,
        public_source="สลากกินแบ่งรัฐบาล รางวัลที่ 1 งวดแรกที่ออกหลังวันที่สร้างระเบียบวาระนี้")
    # a demo shortcut: the agenda (and its commitment) went out five days before the meeting
    DrawCommitment.objects.filter(pk=item.commitment_id).update(
        created_at=timezone.now() - datetime.timedelta(days=7))
    _declare_a_conflict(waiting)
    services.record_resolution(
        actor=secretary, item=item, decision=Decision.APPROVED, draw_now=True,
        public_value="สลากกินแบ่งรัฐบาล งวดวันที่ 16 (ตัวอย่าง) รางวัลที่ 1 845621")
    for invitation in waiting[0].invitations.filter(
            state=InvitationState.AWAITING).select_related("expert__user").order_by("seat"):
        invitations.accept_invitation(invitation, actor=invitation.expert.user, attested=True)
    return len(waiting)


def _declare_a_conflict(waiting) -> None:
    """The first expert of แพร่ declares (through the keeper, the province admin of แพร่) that
    she was the supervisor of the second applicant: the draw leaves her out of that request."""
    keeper = _user(Role.PROVINCE_ADMIN, "54")
    expert = Expert.objects.filter(organization__code="54").order_by("pk").first()
    if keeper is None or expert is None or len(waiting) < 2:
        return
    person = waiting[1].person
    conflicts.declare_conflict(actor=keeper, expert=expert,
                               kind=ConflictKind.FORMER_SUPERVISOR,
                               national_id=person.national_id, first_name=person.first_name,
                               last_name=person.last_name,
                               note="เคยเป็นรองผู้อำนวยการโรงเรียนที่ผู้ขอสอนอยู่")


def assessors() -> list[str]:
    """The usernames of the demo's assessors who accepted (for the demo logins' list)."""
    return list(Invitation.objects.filter(state=InvitationState.ACCEPTED)
                .order_by("expert__user__username")
                .values_list("expert__user__username", flat=True).distinct())
