"""Conflicts of interest (issue 19 item 3; docs/assessment-rules.md §2): the rules at their
boundaries, the declared relations that keep an expert out of a draw (matched by the ก.พ.7
record, the national ID, the name), the same school from the ก.พ.7 history, who may declare and
withdraw, the attestation kept with an acceptance, and a decline for a conflict that declares
it, tells the office and refills the seat."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.exceptions import NotAllowed
from accounts.models import Notification
from accounts.rules import Role
from appraisal import rules
from appraisal.choices import ConflictKind, DeclarationSource, DeclineKind, InvitationState
from appraisal.models import ConflictDeclaration
from appraisal.rules import conflicts as conflict_rules
from appraisal.services import conflicts, invitations
from appraisal.services import draw as draws
from personnel.models import PositionHistory
from tests.appraisal.assessment_factories import (
    PUBLIC_VALUE,
    approved_application,
    client_of,
    drawn,
    expert_pool,
    make_expert,
)
from tests.factories import PersonFactory

AS_OF = "2026-03-19"
CUTOFF = "2023-03-19"  # CONFLICT_YEARS = 3 before AS_OF


# --- the rules ---------------------------------------------------------------------------------

def test_years_before_counts_calendar_years():
    assert conflict_rules.years_before(AS_OF, 3) == CUTOFF
    assert conflict_rules.years_before("2028-02-29", 3) == "2025-02-28"
    assert rules.CONFLICT_YEARS == 3


def _app(**periods):
    return {"as_of": AS_OF, "conflict_years": 3, "school_periods": periods.get("periods", [])}


@pytest.mark.parametrize(("kind", "until", "rule"), [
    ("spouse", None, "spouse"), ("kin", "2001-01-01", "kin"),
    ("former_supervisor", "1999-01-01", "former_supervisor"),
    ("former_subordinate", None, "former_subordinate"),
    ("same_school", None, "declared_same_school"),
    ("same_school", CUTOFF, "declared_same_school"),  # ended on the cutoff: still within
    ("same_school", "2023-03-18", None),  # a day before: out of the window
])
def test_declared_relations_at_their_boundaries(kind, until, rule):
    expert = {"declared": [{"relation": 1, "kind": kind, "match": "person", "until": until}]}
    assert conflict_rules.conflict_reason(expert, _app()) == rule


def test_the_declared_order_names_the_closest_relation_first():
    expert = {"declared": [{"relation": 1, "kind": "same_school", "until": None},
                           {"relation": 2, "kind": "spouse", "until": None}]}
    assert conflict_rules.conflict_reason(expert, _app()) == "spouse"


@pytest.mark.parametrize(("mine", "theirs", "rule"), [
    # together until the cutoff day: within the window
    ({"school": "ก", "from": "2010-01-01", "to": CUTOFF},
     {"school": "ก", "from": "2015-01-01", "to": None}, "school_history"),
    # together until the day before the cutoff: out
    ({"school": "ก", "from": "2010-01-01", "to": "2023-03-18"},
     {"school": "ก", "from": "2015-01-01", "to": None}, None),
    # the same school, one after the other, never together
    ({"school": "ก", "from": "2020-01-01", "to": "2023-12-31"},
     {"school": "ก", "from": "2024-01-01", "to": None}, None),
    # together, but another school
    ({"school": "ก", "from": "2020-01-01", "to": None},
     {"school": "ข", "from": "2020-01-01", "to": None}, None),
    # both still there
    ({"school": "ก", "from": "2025-06-01", "to": None},
     {"school": "ก", "from": "2019-01-01", "to": None}, "school_history"),
])
def test_the_same_school_from_the_history_at_its_boundaries(mine, theirs, rule):
    assert conflict_rules.conflict_reason({"school_periods": [mine]},
                                          _app(periods=[theirs])) == rule


def test_periods_from_position_lines():
    d = datetime.date
    lines = [(d(2015, 5, 1), "โรงเรียน  ก"), (d(2018, 5, 1), "โรงเรียน ก"),
             (d(2021, 5, 1), "โรงเรียน ข"), (d(2021, 5, 1), "โรงเรียน ค")]
    assert conflict_rules.school_periods(lines, None) == [
        {"school": "โรงเรียน ก", "from": "2015-05-01", "to": "2021-04-30"},
        {"school": "โรงเรียน ค", "from": "2021-05-01", "to": None}]
    assert conflict_rules.school_periods(lines[:1], d(2016, 1, 1)) == [
        {"school": "โรงเรียน ก", "from": "2015-05-01", "to": "2016-01-01"}]


def test_the_attestation_is_a_fixed_text_with_a_hash():
    text = rules.attestation_text()
    assert "ไม่มีส่วนได้เสีย" in text
    assert "มาตรา ๑๓" in text
    assert len(rules.attestation_sha256()) == 64
    assert rules.attestation_sha256() == rules.attestation_sha256(rules.ATTESTATION_VERSION)


# --- the draw leaves them out ----------------------------------------------------------------

pytestmark = pytest.mark.django_db


def _keeper(world):
    return world.b.users[Role.PROVINCE_ADMIN]  # experts of expert_pool(world.b.province)


def test_declared_relations_exclude_by_record_by_id_and_by_name(world):
    application = approved_application(world.a)
    applicant = application.person
    pool = expert_pool(world.b.province, 7)
    keeper = _keeper(world)
    by_record = conflicts.declare_conflict(actor=keeper, expert=pool[0], kind="spouse",
                                           national_id=applicant.national_id)
    assert by_record.person == applicant  # linked to the ก.พ.7 record
    ConflictDeclaration.objects.create(  # an ID typed without a record to link
        expert=pool[1], kind="kin", national_id=applicant.national_id, source="registry",
        declared_at=timezone.now())
    conflicts.declare_conflict(actor=keeper, expert=pool[2], kind="former_supervisor",
                               first_name=f" {applicant.first_name}",
                               last_name=applicant.last_name)
    conflicts.declare_conflict(actor=keeper, expert=pool[3], kind="same_school",
                               national_id=applicant.national_id,
                               until=timezone.localdate() - datetime.timedelta(days=365 * 5))
    withdrawn = conflicts.declare_conflict(actor=keeper, expert=pool[4], kind="kin",
                                           national_id=applicant.national_id)
    conflicts.withdraw_conflict(actor=keeper, declaration=withdrawn, reason="แจ้งผิดคน")
    someone_else = PersonFactory(organization=world.b.school)
    conflicts.declare_conflict(actor=keeper, expert=pool[5], kind="spouse",
                               national_id=someone_else.national_id)
    # shown to whoever draws, before the draw
    shown = {d.expert_id for d in draws.declared_against(application)}
    assert shown == {pool[0].pk, pool[1].pk, pool[2].pk, pool[3].pk}

    draw = draws.draw_assessors(application, actor=world.a.users[Role.OFFICER],
                                public_value=PUBLIC_VALUE)
    excluded = {int(k): v for k, v in draw.excluded.items()}
    assert excluded == {pool[0].pk: "spouse", pool[1].pk: "kin",
                        pool[2].pk: "former_supervisor"}
    assert draw.pool == sorted(e.pk for e in pool[3:])  # an old same school, a withdrawn
    facts = draw.candidates
    assert [d["match"] for d in facts[str(pool[0].pk)]["declared"]] == ["person"]
    assert [d["match"] for d in facts[str(pool[1].pk)]["declared"]] == ["national_id"]
    assert [d["match"] for d in facts[str(pool[2].pk)]["declared"]] == ["name"]
    assert facts[str(pool[5].pk)]["declared"] == []  # nobody else's relatives in the record
    assert draws.verify_draw(draw).ok
    page = client_of(world.a.users[Role.OFFICER]).get(
        reverse("draw_detail", args=[draw.pk])).content.decode()
    assert "แจ้งไว้ว่าเป็นคู่สมรสหรือคู่หมั้นของผู้ขอ" in page
    assert applicant.national_id not in page


def test_the_same_school_in_the_history_excludes(world):
    application = approved_application(world.a)
    applicant = application.person
    recent_colleague, old_colleague = expert_pool(world.b.province, 2)
    expert_pool(world.b.province, 3)
    today = timezone.localdate()
    school = "โรงเรียนบ้านหนองแสง"
    PositionHistory.objects.create(person=applicant, effective_on=datetime.date(2012, 1, 1),
                                   position_type="teacher", organization_name=school)
    for expert, left in ((recent_colleague, today - datetime.timedelta(days=200)),
                         (old_colleague, today - datetime.timedelta(days=5 * 366))):
        person = PersonFactory(organization=world.b.school, user=expert.user)
        PositionHistory.objects.create(person=person, effective_on=datetime.date(2010, 1, 1),
                                       position_type="teacher", organization_name=school)
        PositionHistory.objects.create(person=person, effective_on=left,
                                       position_type="teacher",
                                       organization_name="โรงเรียนอื่น")
    draw = draws.draw_assessors(application, actor=world.a.users[Role.OFFICER],
                                public_value=PUBLIC_VALUE)
    assert draw.excluded == {str(recent_colleague.pk): "school_history"}
    assert old_colleague.pk in draw.pool
    assert draw.application_facts["school_periods"][0]["school"] == school
    assert draw.candidates[str(recent_colleague.pk)]["school_periods"][0]["school"] == school
    assert draw.candidates[str(old_colleague.pk)]["school_periods"] == []
    assert draws.verify_draw(draw).ok


# --- who declares and withdraws ------------------------------------------------------------------

def test_who_may_declare_and_withdraw(world):
    expert = make_expert(world.b.province, home=world.b.province)
    with pytest.raises(NotAllowed):  # another province's keeper
        conflicts.declare_conflict(actor=world.a.users[Role.PROVINCE_ADMIN], expert=expert,
                                   kind="kin", first_name="สมชาย", last_name="ใจดี")
    with pytest.raises(NotAllowed):
        conflicts.declare_conflict(actor=world.b.users[Role.OFFICER], expert=expert,
                                   kind="kin", first_name="สมชาย", last_name="ใจดี")
    with pytest.raises(ValidationError) as error:
        conflicts.declare_conflict(actor=expert.user, expert=expert, kind="kin")
    assert "national_id" in error.value.message_dict
    with pytest.raises(ValidationError):
        conflicts.declare_conflict(actor=expert.user, expert=expert, kind="kin",
                                   national_id="1234567890123")  # wrong check digit
    own = conflicts.declare_conflict(actor=expert.user, expert=expert, kind="kin",
                                     first_name="สมชาย", last_name="ใจดี")
    assert own.source == DeclarationSource.SELF
    kept = conflicts.declare_conflict(actor=_keeper(world), expert=expert, kind="spouse",
                                      first_name="สมหญิง", last_name="ใจดี")
    assert kept.source == DeclarationSource.REGISTRY
    with pytest.raises(NotAllowed):  # an expert withdraws only what they declared
        conflicts.withdraw_conflict(actor=expert.user, declaration=kept, reason="ไม่ใช่")
    with pytest.raises(ValidationError, match="เหตุผล"):
        conflicts.withdraw_conflict(actor=expert.user, declaration=own, reason=" ")
    conflicts.withdraw_conflict(actor=expert.user, declaration=own, reason="พิมพ์ผิด")
    assert list(conflicts.conflicts_of(expert)) == [kept]
    # the audit trail names the relation, never a national ID
    assert ConflictDeclaration.objects.filter(pk=own.pk, withdrawn_at__isnull=False).exists()


def test_the_pages_of_the_keeper_and_of_the_expert(world):
    expert = make_expert(world.b.province, home=world.b.province)
    keeper = client_of(_keeper(world))
    page = keeper.get(reverse("expert_edit", args=[expert.pk])).content.decode()
    assert 'data-testid="conflict-form"' in page
    keeper.post(reverse("conflict_add", args=[expert.pk]),
                {"kind": "kin", "first_name": "สมชาย", "last_name": "ญาติดี"})
    declaration = ConflictDeclaration.objects.get(expert=expert)
    assert declaration.source == DeclarationSource.REGISTRY
    assert "ญาติดี" in keeper.get(reverse("expert_edit", args=[expert.pk])).content.decode()
    # another province's keeper: 404
    other = client_of(world.a.users[Role.PROVINCE_ADMIN])
    assert other.post(reverse("conflict_add", args=[expert.pk]),
                      {"kind": "kin", "first_name": "ก", "last_name": "ข"}).status_code == 404
    assert other.post(reverse("conflict_withdraw", args=[declaration.pk]),
                      {"reason": "x"}).status_code == 404
    # the expert: their own page
    mine = client_of(expert.user)
    assert "ญาติดี" in mine.get(reverse("my_conflicts")).content.decode()
    mine.post(reverse("my_conflicts"), {"kind": "spouse", "first_name": "สมหญิง",
                                        "last_name": "ใจดี"})
    assert conflicts.conflicts_of(expert).count() == 2
    assert client_of(world.a.users[Role.STAFF]).get(reverse("my_conflicts")).status_code == 404
    # the API, the same services
    api = keeper.post(reverse("api:conflict-declaration-list"),
                      {"expert": expert.pk, "kind": "former_supervisor",
                       "first_name": "ครู", "last_name": "เก่า"}, content_type="application/json")
    assert api.status_code == 201, api.content
    assert other.get(reverse("api:conflict-declaration-detail",
                             args=[api.json()["id"]])).status_code == 404
    withdrawn = keeper.post(reverse("api:conflict-declaration-withdraw", args=[api.json()["id"]]),
                            {"reason": "ผิด"}, content_type="application/json")
    assert withdrawn.json()["withdrawn_at"]


# --- accepting and declining --------------------------------------------------------------------

def test_acceptance_keeps_the_attestation(world):
    application, _pool, _draw = drawn(world.a)
    invitation = application.invitations.order_by("seat").select_related("expert__user").first()
    with pytest.raises(ValidationError, match="คำรับรอง"):
        invitations.accept_invitation(invitation, actor=invitation.expert.user)
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.AWAITING
    invitations.accept_invitation(invitation, actor=invitation.expert.user, attested=True)
    invitation.refresh_from_db()
    assert invitation.attestation_version == rules.ATTESTATION_VERSION
    assert invitation.attestation_sha256 == rules.attestation_sha256()
    assert invitation.attested_at == invitation.replied_at
    event = application.events.filter(action="invitation_reply").latest("pk")
    assert event.data["attestation_sha256"] == invitation.attestation_sha256
    # the API needs it too
    other = application.invitations.filter(state="awaiting").select_related(
        "expert__user").first()
    client = client_of(other.expert.user)
    assert client.post(reverse("api:invitation-accept", args=[other.pk]), {},
                       content_type="application/json").status_code == 400
    response = client.post(reverse("api:invitation-accept", args=[other.pk]), {"attest": True},
                           content_type="application/json")
    assert response.json()["attestation_version"] == rules.ATTESTATION_VERSION


@pytest.fixture
def eager():
    from dlep.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_declining_for_a_conflict_declares_it_tells_the_office_and_refills(
        world, eager, django_capture_on_commit_callbacks):
    application, pool, first = drawn(world.a, pool=4)
    declining = application.invitations.get(seat=2)
    expert = declining.expert
    with pytest.raises(ValidationError, match="ความสัมพันธ์"):
        invitations.decline_invitation(declining, actor=expert.user, reason="",
                                       kind=DeclineKind.CONFLICT)
    with django_capture_on_commit_callbacks(execute=True):
        invitations.decline_invitation(declining, actor=expert.user, reason="",
                                       kind=DeclineKind.CONFLICT,
                                       conflict_kind=ConflictKind.KIN)
    declining.refresh_from_db()
    assert declining.state == InvitationState.DECLINED
    assert declining.decline_kind == DeclineKind.CONFLICT
    assert declining.decline_reason == str(ConflictKind.KIN.label)
    declared = ConflictDeclaration.objects.get(expert=expert)
    assert (declared.kind, declared.source, declared.person_id, declared.invitation_id) == (
        ConflictKind.KIN, DeclarationSource.DECLINE, application.person_id, declining.pk)
    officer = world.a.users[Role.OFFICER]
    assert Notification.objects.filter(user=officer,
                                       subject__startswith="กรรมการปฏิเสธเพราะมีส่วนได้เสีย").exists()
    assert any(officer.email in m.to and "มีส่วนได้เสีย" in m.subject for m in mail.outbox)
    refill = application.draws.get(sequence=2)
    assert refill.trigger == f"refill:declined:{declining.pk}"
    assert refill.seats == [2]
    assert refill.picks
    assert refill.excluded[str(expert.pk)] == "spent"
    assert application.invitations.get(seat=2, state=InvitationState.AWAITING)
    assert draws.verify_draw(refill).ok
    # the refill's page says why in Thai words, not the stored code
    client = Client()
    client.force_login(officer)
    page = client.get(reverse("draw_detail", args=[refill.pk])).content.decode()
    assert "สุ่มแทนกรรมการคนที่ 2: ผู้ทรงคุณวุฒิที่ได้รับเชิญปฏิเสธคำเชิญ" in page
    assert "refill:" not in page
    # the next application of the same applicant: the relation keeps the expert out
    again = approved_application(world.a, person=application.person)
    draw = draws.draw_assessors(again, actor=officer, public_value=PUBLIC_VALUE)
    assert draw.excluded[str(expert.pk)] == "kin"
    assert len(pool) == 4
    assert first.pk != draw.pk


def test_declining_for_a_conflict_through_the_page(world):
    application, _pool, _draw = drawn(world.a, pool=4)
    declining = application.invitations.get(seat=1)
    client = client_of(declining.expert.user)
    page = client.get(reverse("invitation_detail", args=[declining.pk])).content.decode()
    assert rules.attestation_text()[:40] in page
    response = client.post(reverse("invitation_reply", args=[declining.pk, "decline"]),
                           {"kind": "conflict", "conflict_kind": "former_subordinate",
                            "reason": "เคยเป็นผู้ใต้บังคับบัญชา"})
    assert response["Location"] == reverse("assessor_queue")
    declining.refresh_from_db()
    assert declining.decline_kind == DeclineKind.CONFLICT
    assert ConflictDeclaration.objects.filter(expert=declining.expert,
                                              kind="former_subordinate").exists()
    office = client_of(world.a.users[Role.OFFICER]).get(
        reverse("application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="declined-conflict"' in office
    assert 'data-testid="declared-conflicts"' in office



@pytest.mark.parametrize(("trigger", "seats", "words"), [
    ("refill:declined:7", [2], "สุ่มแทนกรรมการคนที่ 2: ผู้ทรงคุณวุฒิที่ได้รับเชิญปฏิเสธคำเชิญ"),
    ("refill:timed_out:8", [1],
     "สุ่มแทนกรรมการคนที่ 1: ผู้ทรงคุณวุฒิที่ได้รับเชิญไม่ตอบรับภายในเวลาที่กำหนด"),
    ("refill:cancelled:9", [3],
     "สุ่มแทนกรรมการคนที่ 3: หน่วยงานยกเลิกการเป็นกรรมการของผู้ทรงคุณวุฒิที่ได้รับเชิญ"),
    ("manual", [1, 2, 3], "เจ้าหน้าที่สั่งสุ่ม"),
    ("มติ ก.ท.จ. 1/2569", [1, 2, 3], "มติ ก.ท.จ. 1/2569"),
])
def test_a_draws_reason_in_thai_words(trigger, seats, words):
    assert rules.trigger_words(trigger, seats) == words
