"""Demo data for committees (``seed_demo``): the demo school's two requests at the office are
checked and certified, and นครพนม's committee approves their panels at meeting 1 and draws the
assessors (experts homed in แพร่), through the real services; the three assessors of the first
request accept, so that the demo has assessors with work to do. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organization
from accounts.rules import Role
from appraisal.choices import ApplicationState, InvitationState
from appraisal.models import Application, Invitation
from appraisal.services import applications as appraisal_services
from appraisal.services import invitations
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
                                            passed=True)
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
    item = services.create_item(actor=secretary, meeting=meeting, kind=ItemKind.PANELS,
                                applications=waiting)
    services.record_resolution(actor=secretary, item=item, decision=Decision.APPROVED,
                               draw_now=True)
    for invitation in waiting[0].invitations.filter(
            state=InvitationState.AWAITING).select_related("expert__user").order_by("seat"):
        invitations.accept_invitation(invitation, actor=invitation.expert.user)
    return len(waiting)


def assessors() -> list[str]:
    """The usernames of the demo's assessors who accepted (for the demo logins' list)."""
    return list(Invitation.objects.filter(state=InvitationState.ACCEPTED)
                .order_by("expert__user__username")
                .values_list("expert__user__username", flat=True).distinct())
