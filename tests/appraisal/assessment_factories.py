"""Test data of appraisal part 2: experts, approved applications, draws, invitations, sheets.

Rows are made through the ORM where the test is not about making them, and through the services
(``draw_assessors``, ``accept_invitation``) where later steps need what those write."""

from __future__ import annotations

import datetime
import itertools

from django.test import Client
from django.utils import timezone

from accounts.models import Organization, User
from accounts.rules import OrgKind, Role
from appraisal.choices import ApplicationState
from appraisal.models import Application, Expert, SubjectArea
from appraisal.services import commitments, invitations, scoring
from appraisal.services import draw as draws
from personnel.choices import AcademicStanding
from tests.appraisal.factories import add_valid_files, make_application
from tests.factories import PersonFactory, UserFactory, make_org

_names = itertools.count(1)
# the public value the tests draw with (at the draw someone types the lottery's result)
PUBLIC_VALUE = "ผลสลากกินแบ่งรัฐบาล งวดวันที่ 1 มีนาคม 2569 รางวัลที่ 1 845621"
ALL_STANDINGS = [s for s in AcademicStanding.values if s != AcademicStanding.NONE]


def client_of(user) -> Client:
    """A test client logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client


def area(classroom_type: str = "primary") -> SubjectArea:
    return SubjectArea.objects.filter(classroom_type=classroom_type).order_by("order").first() \
        or SubjectArea.objects.get_or_create(classroom_type=classroom_type, name="ภาษาไทย",
                                             defaults={"order": 1})[0]


def make_expert(owner: Organization, *, areas=None, home: Organization | None = None,
                user: User | bool | None = True, standings=None, max_concurrent: int = 3,
                active_from=None, active_to=None, is_active: bool = True, **fields) -> Expert:
    """An expert kept by ``owner`` (a province), with an account unless ``user=False``."""
    n = next(_names)
    if user is True:
        user = UserFactory(first_name=f"ผู้ทรง{n}", last_name="คุณวุฒิ")
    expert = Expert.objects.create(
        organization=owner, user=user or None, title_th="ดร.", first_name=f"ผู้ทรง{n}",
        last_name="คุณวุฒิ", email=f"expert{n}@example.test", position="ศึกษานิเทศก์เชี่ยวชาญ",
        home_organization=home, standings=list(standings or ALL_STANDINGS),
        active_from=active_from or datetime.date(2020, 1, 1), active_to=active_to,
        max_concurrent=max_concurrent, is_active=is_active, **fields)
    expert.subject_areas.set(areas or [area()])
    return expert


def expert_pool(owner: Organization, n: int, **kwargs) -> list[Expert]:
    """``n`` eligible experts homed at ``owner`` itself (a province: never the applicant's
    school or LAO)."""
    return [make_expert(owner, home=owner, **kwargs) for _ in range(n)]


def approved_application(side, *, person=None, standing=AcademicStanding.PROFESSIONAL,
                         state=ApplicationState.PANEL_APPROVED, prepare=None,
                         **fields) -> Application:
    """A certified application of ``side`` (its own applicant unless ``person``), approved for
    assessment, with valid evidence and, once approved, a published commitment for its first
    draw (as ``approve_for_assessment`` makes one). ``prepare(application)`` runs before the
    certification freezes its files."""
    person = person or PersonFactory(organization=side.school,
                                     user=UserFactory(first_name="ผู้ขอ"),
                                     last_name=f"ผู้ขอประเมิน {side.school.name}")
    application = make_application(person, requested_standing=standing,
                                   current_standing=AcademicStanding.NONE,
                                   subject_area=area(), **fields)
    add_valid_files(application)
    if prepare is not None:
        prepare(application)
    today = timezone.localdate()
    Application.objects.filter(pk=application.pk).update(
        round_no=1, filed_on=today, entered_on=today, state=state,
        certified_at=timezone.now(), certified_by=side.users[Role.LAO_ADMIN])
    application.refresh_from_db()
    if state == ApplicationState.PANEL_APPROVED:
        publish(application)
    return application


def publish(application, *, when=None):
    """A new commitment bound to ``application``, published ``when`` (a minute ago: it must
    come before the public value)."""
    commitment = commitments.new_commitment(actor=None, purpose="ทดสอบ",
                                            applications=[application])
    when = when or timezone.now() - datetime.timedelta(minutes=1)
    type(commitment).objects.filter(pk=commitment.pk).update(created_at=when)
    commitment.created_at = when
    return commitment


def drawn(side, *, pool: int = 5, **kwargs):
    """An approved application of ``side`` with ``pool`` eligible experts and a first draw."""
    application = approved_application(side, **kwargs)
    experts = expert_pool(side.province, pool)
    draw = draws.draw_assessors(application, actor=side.users[Role.OFFICER],
                                public_value=PUBLIC_VALUE)
    return application, experts, draw


def accept_all(application) -> list:
    rows = list(application.invitations.filter(state="awaiting").select_related("expert__user"))
    for invitation in rows:
        invitations.accept_invitation(invitation, actor=invitation.expert.user, attested=True)
    return rows


def full_levels(sheet, level: int = 3) -> dict:
    rubrics = scoring.rubrics_for(sheet.invitation.application.requested_standing)
    return {str(i.pk): level for r in rubrics for i in r.indicators.all()}


def other_lao(side, tag: str = "อื่น") -> Organization:
    lao = make_org(side.district, OrgKind.LAO, f"อบต. {tag}")
    return make_org(lao, OrgKind.SCHOOL, f"โรงเรียน {tag}")


# --- objects of side A for the permission walker (tests/walker.py), made once ------------------

def _walker_application(side) -> Application:
    existing = Application.objects.filter(person__last_name__startswith="ผู้ประเมินตัวอย่าง",
                                          organization=side.school).first()
    if existing is not None:
        return existing
    person = PersonFactory(organization=side.school, user=UserFactory(first_name="ผู้ขอ"),
                           last_name=f"ผู้ประเมินตัวอย่าง {side.school.name}")
    application = approved_application(side, person=person)
    expert_pool(side.province, 3)
    draws.draw_assessors(application, actor=side.users[Role.OFFICER],
                                public_value=PUBLIC_VALUE)
    first = application.invitations.order_by("seat").select_related("expert__user").first()
    invitations.accept_invitation(first, actor=first.expert.user, attested=True)
    return application


def expert_of(side) -> Expert:
    _walker_application(side)
    return Expert.objects.filter(organization=side.province).order_by("pk").first()


def conflict_of(side):
    """A relation declared on side A's expert (made once)."""
    from appraisal.models import ConflictDeclaration

    expert = expert_of(side)
    return ConflictDeclaration.objects.filter(expert=expert).first() or \
        ConflictDeclaration.objects.create(
            expert=expert, kind="kin", first_name="ญาติ", last_name="ตัวอย่าง",
            source="registry", declared_at=timezone.now())


def assessment_of(side) -> Application:
    return _walker_application(side)


def draw_of(side):
    return _walker_application(side).draws.order_by("pk").first()


def invitation_of(side):
    return _walker_application(side).invitations.order_by("seat").first()


def sheet_of(side):
    return invitation_of(side).sheet
