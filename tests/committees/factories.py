"""Test data of the committees: a side's committee, qualified and assessed applications (with
six scores and a decision), and side A's objects for the permission walker."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.rules import CommitteeKind, Role
from appraisal import rules
from appraisal.choices import ApplicationState
from appraisal.models import AssessmentDecision
from committees import services
from committees.models import Committee, ItemKind
from personnel.choices import AcademicStanding
from tests.appraisal.assessment_factories import approved_application
from tests.factories import PersonFactory, UserFactory


def committee_of(side, kind=CommitteeKind.KOBTJ) -> Committee:
    """The committee of the side's LAO (an อบต. in tests/factories.py → ก.อบต.จังหวัด)."""
    return Committee.objects.get_or_create(province=side.province, kind=kind)[0]


def applicant(side, name: str):
    return PersonFactory(organization=side.school, user=UserFactory(first_name=name),
                         first_name=name, last_name=f"ผู้ขอ {side.school.name}")


def qualified(side, name: str = "ครูคุณสมบัติ", **kw):
    return approved_application(side, person=applicant(side, name),
                                state=ApplicationState.QUALIFIED, **kw)


def assessed(side, name: str = "ครูประเมินแล้ว", *, scores=None,
             standing=AcademicStanding.PROFESSIONAL, **fields):
    """An assessed application with its decision; ``scores`` = {side: (p1, p2, p3)};
    ``fields`` for the application (another ``organization`` and ``office``)."""
    application = approved_application(side, person=applicant(side, name), standing=standing,
                                       state=ApplicationState.ASSESSED, **fields)
    scores = scores or {1: ("70.00", "75.00", "80.00"), 2: ("72.50", "65.00", "90.00")}
    result = rules.decide({s: [Decimal(p) for p in v] for s, v in scores.items()}, standing)
    AssessmentDecision.objects.create(
        application=application, requested_standing=standing, threshold=result.threshold,
        passed=result.passed, decided_at=timezone.now(),
        sides={str(s): {"passed": passed, "percentages": [str(p) for p in pcts]}
               for s, (passed, pcts) in result.sides.items()})
    return application


# --- side A's objects for tests/walker.py, made once ---------------------------------------------

def _secretary(side):
    return side.users[Role.PROVINCE_ADMIN]


def meeting_of(side):
    committee = committee_of(side)
    meeting = committee.meetings.first()
    if meeting is None:
        meeting = services.create_meeting(actor=_secretary(side), committee=committee, number=1,
                                          year_be=2569, date=datetime.date(2026, 1, 15),
                                          place="ห้องประชุม MARKER-A")
    return meeting


def member_of(side):
    committee = committee_of(side)
    return committee.members.first() or services.add_member(
        actor=_secretary(side), committee=committee, name="กรรมการ MARKER-A", role="member")


def item_of(side):
    meeting = meeting_of(side)
    item = meeting.items.first()
    if item is None:
        item = services.create_item(actor=_secretary(side), meeting=meeting, kind=ItemKind.OTHER,
                                    title="เรื่องอื่น MARKER-A")
    return item


def order_of(side):
    committee = committee_of(side)
    order = committee.orders.first()
    if order is None:
        from committees.models import AppointmentOrder

        order = AppointmentOrder.objects.create(
            committee=committee, number=1, year_be=2569, date=datetime.date(2026, 2, 1),
            signer_name="ผู้อำนวยการ MARKER-A")
    return order
