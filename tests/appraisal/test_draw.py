"""The random draw of three assessors (seed 004 step 4; issue 6 item 2): the rules of the pool,
the record and its verification, randomly generated worlds (hypothesis), uniformity (chi-square),
and two officers drawing at once on PostgreSQL."""

from __future__ import annotations

import datetime
import math
import random
import threading
from collections import Counter

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from accounts.exceptions import NotAllowed
from accounts.models import Membership, Notification
from accounts.rules import OrgKind, Role
from appraisal import rules
from appraisal.choices import ApplicationState, DrawOutcome, InvitationState
from appraisal.models import AssessorDraw, Expert, Invitation, SubjectArea
from appraisal.services import draw as draws
from personnel.choices import AcademicStanding
from tests.appraisal.assessment_factories import (
    PUBLIC_VALUE,
    approved_application,
    area,
    expert_pool,
    make_expert,
    other_lao,
    publish,
)
from tests.appraisal.factories import make_application
from tests.factories import PersonFactory, UserFactory, build_world

pytestmark = pytest.mark.django_db
ON_POSTGRES = "postgresql" in django_settings.DATABASES["default"]["ENGINE"]


def officer(world):
    return world.a.users[Role.OFFICER]


# --- the service --------------------------------------------------------------------------------

def test_a_draw_invites_three_distinct_eligible_experts(world):
    application = approved_application(world.a)
    pool = expert_pool(world.b.province, 6)  # another province: assessors come from anywhere
    draw = draws.draw_assessors(application, actor=officer(world), public_value=PUBLIC_VALUE)
    assert draw.outcome == DrawOutcome.DRAWN
    assert draw.seats == [1, 2, 3]
    assert len(set(draw.picks)) == 3
    assert set(draw.picks) <= {e.pk for e in pool}
    assert draw.pool == sorted(e.pk for e in pool)
    assert all(0 <= v < len(pool) - i for i, v in enumerate(draw.values))
    invited = Invitation.objects.filter(application=application).order_by("seat")
    assert [(i.seat, i.expert_id, i.state) for i in invited] == [
        (s, e, InvitationState.AWAITING) for s, e in zip(draw.seats, draw.picks, strict=True)]
    assert all(i.reply_by - i.invited_at == datetime.timedelta(
        days=django_settings.INVITATION_REPLY_DAYS) for i in invited)
    # each invited expert hears of it in the portal
    notified = set(Notification.objects.filter(subject__startswith="ขอเชิญเป็นกรรมการ")
                   .values_list("user_id", flat=True))
    assert notified == {Expert.objects.get(pk=p).user_id for p in draw.picks}
    assert draws.verify_draw(draw).ok
    assert draw.drawn_by == officer(world)
    assert application.events.filter(action="assessors_drawn").exists()


def test_the_pool_leaves_out_everyone_the_rules_leave_out(world):
    a = world.a
    application = approved_application(a)
    applicant = application.person
    other_area = SubjectArea.objects.exclude(pk=area().pk).filter(
        classroom_type="primary").first()
    today = timezone.localdate()
    owner = world.b.province
    eligible = expert_pool(owner, 3)
    expected = {
        make_expert(owner, home=owner, user=False).pk: "no_account",
        make_expert(owner, home=owner, is_active=False).pk: "inactive",
        make_expert(owner, home=owner, active_to=today - datetime.timedelta(days=1)).pk:
            "inactive",
        make_expert(owner, home=owner, active_from=today + datetime.timedelta(days=1)).pk:
            "inactive",
        make_expert(owner, home=owner, standings=[AcademicStanding.EXPERT]).pk: "standing",
        make_expert(owner, home=owner, user=applicant.user).pk: "applicant",
        make_expert(owner, home=owner, national_id=applicant.national_id).pk: "applicant",
        make_expert(a.province, home=a.school).pk: "same_school",
        make_expert(a.province, home=a.school2).pk: "same_lao",
        make_expert(owner, home=a.lao).pk: "same_lao",
    }
    member = make_expert(owner, home=owner)  # its account works at the applicant's LAO
    Membership.objects.create(user=member.user, organization=a.lao, role=Role.OFFICER)
    expected[member.pk] = "same_lao"
    # registered in another subject area too: it is copied (it is in this one), and eligible
    both = make_expert(owner, home=owner, areas=[area(), other_area])
    eligible.append(both)
    # only another subject area: not even a candidate
    elsewhere = make_expert(owner, home=owner, areas=[other_area])
    # at its cap: one open assignment elsewhere, cap 1
    capped = make_expert(owner, home=owner, max_concurrent=1)
    busy = approved_application(world.b)
    old = AssessorDraw.objects.create(application=busy, sequence=1, outcome="drawn", needed=1,
                                      digest="x", drawn_at=timezone.now())
    Invitation.objects.create(application=busy, expert=capped, draw=old, seat=1,
                              invited_at=timezone.now(), reply_by=timezone.now())
    expected[capped.pk] = "cap"

    draw = draws.draw_assessors(application, actor=officer(world), public_value=PUBLIC_VALUE)
    assert draw.pool == sorted(e.pk for e in eligible)
    assert {int(k): v for k, v in draw.excluded.items()} == expected
    assert str(elsewhere.pk) not in draw.candidates
    assert draws.verify_draw(draw).ok


def test_too_small_a_pool_draws_nothing_and_says_so_in_thai(world):
    application = approved_application(world.a)
    expert_pool(world.b.province, 2)
    draw = draws.draw_assessors(application, actor=officer(world), public_value=PUBLIC_VALUE)
    assert draw.outcome == DrawOutcome.POOL_TOO_SMALL
    assert draw.values == []
    assert draw.picks == []
    assert not Invitation.objects.filter(application=application).exists()
    message = draws.short_pool_message(draw)
    assert "มี 2 คน" in message
    assert "ต้องการ 3 คน" in message
    assert draws.verify_draw(draw).ok
    # the office was told
    assert Notification.objects.filter(subject__startswith="สุ่มกรรมการประเมินไม่ได้").exists()
    # more experts, a new commitment (the first one is spent), and the next draw fills the seats
    expert_pool(world.b.province, 1)
    with pytest.raises(ValidationError, match="ค่าผูกมัด"):
        draws.draw_assessors(application, actor=officer(world), public_value=PUBLIC_VALUE)
    publish(application)
    again = draws.draw_assessors(application, actor=officer(world), public_value=PUBLIC_VALUE)
    assert again.sequence == 2
    assert again.outcome == DrawOutcome.DRAWN


def test_no_second_draw_while_every_seat_is_held(world):
    application = approved_application(world.a)
    expert_pool(world.b.province, 6)
    draws.draw_assessors(application, actor=officer(world), public_value=PUBLIC_VALUE)
    with pytest.raises(ValidationError, match="ไม่มีที่ว่าง"):
        draws.draw_assessors(application, actor=officer(world), public_value=PUBLIC_VALUE)
    assert AssessorDraw.objects.filter(application=application).count() == 1


def test_who_may_draw_and_when(world):
    application = approved_application(world.a)
    expert_pool(world.b.province, 3)
    for outsider in (world.a.users[Role.STAFF], world.a.users[Role.SCHOOL_ADMIN],
                     world.b.users[Role.OFFICER], world.b.users[Role.PROVINCE_ADMIN]):
        with pytest.raises(NotAllowed):
            draws.draw_assessors(application, actor=outsider, public_value=PUBLIC_VALUE)
    qualified = approved_application(world.a, state=ApplicationState.QUALIFIED)
    with pytest.raises(ValidationError, match="สถานะ"):
        draws.draw_assessors(qualified, actor=officer(world), public_value=PUBLIC_VALUE)
    # the province admin (the committee's secretary) and the LAO director may
    draws.draw_assessors(application, actor=world.a.users[Role.PROVINCE_ADMIN],
                         public_value=PUBLIC_VALUE)


def test_approve_for_assessment(world):
    application = approved_application(world.a, state=ApplicationState.QUALIFIED)
    with pytest.raises(NotAllowed):
        draws.approve_for_assessment(application, actor=world.a.users[Role.SCHOOL_ADMIN])
    draws.approve_for_assessment(application, actor=officer(world), meeting_ref="ครั้งที่ 3/2569")
    application.refresh_from_db()
    assert application.state == ApplicationState.PANEL_APPROVED
    event = application.events.get(action="panel_approved")
    assert event.data["meeting_ref"] == "ครั้งที่ 3/2569"
    with pytest.raises(ValidationError):
        draws.approve_for_assessment(application, actor=officer(world))
    # the committees app calls it as the system
    other = approved_application(world.a, state=ApplicationState.QUALIFIED)
    draws.approve_for_assessment(other, actor=None)


# --- verification ------------------------------------------------------------------------------

@pytest.fixture
def a_draw(world):
    application = approved_application(world.a)
    expert_pool(world.b.province, 6)
    make_expert(world.b.province, home=world.b.province, user=False)
    return draws.draw_assessors(application, actor=officer(world), public_value=PUBLIC_VALUE)


def _tamper(draw, **changes):
    AssessorDraw.objects.filter(pk=draw.pk).update(**changes)
    return AssessorDraw.objects.get(pk=draw.pk)


def test_the_verifier_accepts_an_honest_record(a_draw):
    result = draws.verify_draw(a_draw)
    assert result.ok, result.problems
    assert len(result.checks) >= 3


@pytest.mark.parametrize("how", ["pick", "value", "pool", "fact", "excluded", "seat"])
def test_the_verifier_rejects_a_tampered_record(a_draw, how):
    d = a_draw
    if how == "pick":
        outsider = next(p for p in d.pool if p not in d.picks)
        tampered = _tamper(d, picks=[outsider, *d.picks[1:]])
    elif how == "value":
        tampered = _tamper(d, values=[(d.values[0] + 1) % len(d.pool), *d.values[1:]])
    elif how == "pool":
        tampered = _tamper(d, pool=d.pool[:-1])
    elif how == "fact":
        candidates = dict(d.candidates)
        key = str(d.picks[0])
        candidates[key] = {**candidates[key], "standings": [AcademicStanding.EXPERT]}
        tampered = _tamper(d, candidates=candidates)
    elif how == "excluded":
        key = next(iter(d.excluded))
        tampered = _tamper(d, excluded={**d.excluded, key: "cap"})
    else:
        tampered = _tamper(d, seats=[3, 2, 1])
    result = draws.verify_draw(tampered)
    assert not result.ok
    assert any("SHA-256" in p for p in result.problems)
    # even with the digest recomputed by whoever tampered, the rules catch it
    rehashed = _tamper(tampered, digest=draws.digest(draws.record_of(tampered)))
    result = draws.verify_draw(rehashed)
    assert not result.ok, how
    assert not any("SHA-256" in p for p in result.problems)


def test_the_verifier_sees_invitations_changed_behind_the_record(a_draw):
    invitation = Invitation.objects.filter(draw=a_draw).first()
    spare = next(p for p in a_draw.pool if p not in a_draw.picks)
    Invitation.objects.filter(pk=invitation.pk).update(expert_id=spare)
    assert not draws.verify_draw(a_draw).ok


def test_the_verify_draw_command(a_draw, capsys):
    call_command("verify_draw", a_draw.pk)
    assert "ผ่าน" in capsys.readouterr().out
    # a changed first value (reversing could give the same list back: the values are random)
    _tamper(a_draw, values=[(a_draw.values[0] + 1) % len(a_draw.pool), *a_draw.values[1:]])
    with pytest.raises(CommandError, match="ไม่ผ่าน"):
        call_command("verify_draw", "--all")
    assert "ไม่ผ่าน" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("verify_draw", 999_999)


def test_picks_from_values_is_a_partial_fisher_yates():
    assert rules.picks_from_values([5, 1, 9, 3], [0, 0, 0]) == [1, 3, 5]
    assert rules.picks_from_values([5, 1, 9, 3], [3, 2, 1]) == [9, 5, 3]
    for values in ([4], [0, 3, 0], [-1], [True]):
        with pytest.raises(ValueError, match="not an index"):
            rules.picks_from_values([5, 1, 9, 3], values)
    with pytest.raises(ValueError, match="twice"):
        rules.picks_from_values([1, 1, 2], [0])


# --- uniformity --------------------------------------------------------------------------------

def chi_square_p(observed: list[int], expected: float) -> float:
    """Upper tail of the chi-square distribution with len(observed) − 1 degrees of freedom
    (the regularized upper incomplete gamma function, by its series; no scipy here)."""
    stat = sum((o - expected) ** 2 / expected for o in observed)
    k = (len(observed) - 1) / 2
    x = stat / 2
    if x == 0:
        return 1.0
    term = total = 1 / k
    n = 1
    while term > total * 1e-15:
        term *= x / (k + n)
        total += term
        n += 1
    lower = math.exp(-x + k * math.log(x) - math.lgamma(k)) * total
    return 1 - lower


def test_chi_square_p_value_of_known_points():
    # χ² = 16.919 at 9 degrees of freedom is the 5% point
    expected = 100.0
    observed = [100] * 10
    assert chi_square_p(observed, expected) == pytest.approx(1.0)
    spread = math.sqrt(16.919 * expected / 2)
    skewed = [100 + spread, 100 - spread] + [100] * 8
    assert chi_square_p(skewed, expected) == pytest.approx(0.05, abs=0.002)


def test_draws_from_one_pool_are_uniform():
    """30 000 legacy draws of 3 from a pool of 10: how often each member is picked, and who
    comes first, do not reject uniformity at 0.1%. The values come from a generator seeded in
    the test (the same ``randbelow`` shape as ``secrets``), so the test cannot fail by chance;
    the committed values are tested the same way in test_commit_reveal.py."""
    pool = list(range(101, 111))
    rounds = 30_000
    picked, first = Counter(), Counter()
    randbelow = random.Random(20260319).randrange
    for _ in range(rounds):
        picks = rules.picks_from_values(pool, rules.draw_values(len(pool), 3, randbelow))
        assert len(set(picks)) == 3
        picked.update(picks)
        first[picks[0]] += 1
    p_members = chi_square_p([picked[m] for m in pool], rounds * 3 / len(pool))
    p_first = chi_square_p([first[m] for m in pool], rounds / len(pool))
    assert p_members > 0.001, p_members
    assert p_first > 0.001, p_first


# --- randomly generated worlds (hypothesis) ------------------------------------------------------

EXPERT = st.fixed_dictionaries({
    "account": st.sampled_from(["yes", "yes", "yes", "none", "disabled"]),
    "active": st.booleans() | st.just(True),
    "period": st.sampled_from(["open", "current", "past", "future"]),
    "subject": st.sampled_from(["this", "this", "both", "other-type"]),
    "standing": st.booleans() | st.just(True),
    "cap": st.integers(1, 3),
    "load": st.integers(0, 2),
    "home": st.sampled_from(["elsewhere", "elsewhere", "outside", "school", "lao", "province"]),
    "member_lao": st.sampled_from([False, False, True]),
    "history": st.sampled_from([None, None, None, "declined", "timed_out", "cancelled",
                                "awaiting"]),
})


@pytest.fixture
def hyp_world(db):
    world = build_world()
    target = approved_application(world.a)
    others = []
    for i in range(24):
        busy = make_application(PersonFactory(organization=world.b.school, last_name=f"งาน {i}"))
        others.append((busy, AssessorDraw.objects.create(
            application=busy, sequence=1, outcome="drawn", needed=1, digest="x",
            drawn_at=timezone.now())))
    earlier = AssessorDraw.objects.create(application=target, sequence=1, outcome="drawn",
                                          needed=3, digest="x", drawn_at=timezone.now())
    secondary = SubjectArea.objects.filter(classroom_type="secondary", name=area().name).first() \
        or SubjectArea.objects.create(classroom_type="secondary", name=area().name, order=99)
    other_school = other_lao(world.b, "อื่น ๆ")
    return {"world": world, "target": target, "others": others, "earlier": earlier,
            "secondary": secondary, "other_school": other_school}


def _make(world_data, spec, n, today):
    w = world_data["world"]
    a = w.a
    target = world_data["target"]
    homes = {"elsewhere": world_data["other_school"], "outside": None, "school": a.school,
             "lao": a.school2, "province": a.province}
    user = None
    if spec["account"] != "none":
        user = UserFactory(is_active=spec["account"] == "yes")
    periods = {"open": (datetime.date(2020, 1, 1), None),
               "current": (today - datetime.timedelta(days=30),
                           today + datetime.timedelta(days=30)),
               "past": (datetime.date(2020, 1, 1), today - datetime.timedelta(days=1)),
               "future": (today + datetime.timedelta(days=1), None)}
    start, end = periods[spec["period"]]
    areas = {"this": [area()], "both": [area(), world_data["secondary"]],
             "other-type": [world_data["secondary"]]}[spec["subject"]]
    expert = make_expert(
        w.b.province, areas=areas, home=homes[spec["home"]], user=user,
        home_organization_name="มหาวิทยาลัย" if spec["home"] == "outside" else "",
        standings=[AcademicStanding.PROFESSIONAL] if spec["standing"]
        else [AcademicStanding.EXPERT], max_concurrent=spec["cap"], active_from=start,
        active_to=end, is_active=spec["active"])
    if spec["member_lao"] and user is not None:
        Membership.objects.create(user=user, organization=a.lao, role=Role.STAFF)
    busy = world_data["others"]
    for k in range(spec["load"]):
        application, draw = busy[(2 * n + k) % len(busy)]
        Invitation.objects.create(application=application, expert=expert, draw=draw,
                                  seat=1 + (n % 3), state=InvitationState.ACCEPTED,
                                  invited_at=timezone.now(), reply_by=timezone.now())
    if spec["history"]:
        holders = Invitation.objects.filter(application=target, state__in=[
            InvitationState.AWAITING, InvitationState.ACCEPTED]).count()
        state = spec["history"]
        if state == "awaiting" and holders >= 2:
            state = "declined"
        Invitation.objects.create(
            application=target, expert=expert, draw=world_data["earlier"],
            seat=(holders + 1) if state == "awaiting" else 1, state=state,
            invited_at=timezone.now(), reply_by=timezone.now() + datetime.timedelta(days=3))
    return expert


def _independently_eligible(expert: Expert, target, today) -> bool:
    """The rules again, written out from the database, not from the draw's record."""
    user = expert.user
    lao_path = target.office.path
    paths = [expert.home_organization.path] if expert.home_organization_id else []
    if user is not None:
        paths += list(Membership.objects.filter(user=user, is_active=True).values_list(
            "organization__path", flat=True))
    load = Invitation.objects.filter(expert=expert).filter(
        state=InvitationState.AWAITING).count() + Invitation.objects.filter(
        expert=expert, state=InvitationState.ACCEPTED, sheet__submitted_at__isnull=True).count()
    return (user is not None and user.is_active and expert.is_active
            and expert.active_from <= today
            and (expert.active_to is None or expert.active_to >= today)
            and expert.subject_areas.filter(pk=target.subject_area_id).exists()
            and target.requested_standing in expert.standings
            and load < expert.max_concurrent
            and user.pk != target.person.user_id
            and not any(p.startswith(lao_path) for p in paths)
            and not Invitation.objects.filter(application=target, expert=expert).exists())


@hsettings(max_examples=30, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(specs=st.lists(EXPERT, min_size=0, max_size=9))
def test_random_worlds_never_draw_an_ineligible_or_repeated_assessor(hyp_world, specs):
    today = timezone.localdate()
    target = hyp_world["target"]
    actor = hyp_world["world"].a.users[Role.OFFICER]
    with transaction.atomic():
        experts = [_make(hyp_world, spec, n, today) for n, spec in enumerate(specs)]
        eligible = {e.pk for e in experts if _independently_eligible(e, target, today)}
        draw = draws.draw_assessors(target, actor=actor, public_value=PUBLIC_VALUE)
        assert set(draw.pool) == eligible
        assert len(draw.picks) == len(set(draw.picks))
        assert set(draw.picks) <= eligible
        if len(eligible) >= draw.needed:
            assert len(draw.picks) == draw.needed
        else:
            assert draw.picks == []
            assert draw.outcome == DrawOutcome.POOL_TOO_SMALL
        previously = set(Invitation.objects.filter(application=target).exclude(
            draw=draw).values_list("expert_id", flat=True))
        assert not previously & set(draw.picks)
        assert draws.verify_draw(draw).ok
        transaction.set_rollback(True)


# --- two officers at once -------------------------------------------------------------------

def _race(application, actors, barrier=None):
    outcomes: list = [None, None]

    def run(i):
        try:
            if barrier is not None:
                barrier.wait(10)
            draw = draws.draw_assessors(application, actor=actors[i],
                                        public_value=PUBLIC_VALUE)
            outcomes[i] = ("drawn", draw.pk)
        except ValidationError as exc:
            outcomes[i] = ("refused", " ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads)
    return outcomes


def _race_world():
    world = build_world()
    application = approved_application(world.a)
    expert_pool(world.b.province, 8)
    return application, [world.a.users[Role.OFFICER], world.a.users[Role.PROVINCE_ADMIN]]


def _one_draw(application, outcomes):
    assert sorted(o[0] for o in outcomes) == ["drawn", "refused"], outcomes
    assert AssessorDraw.objects.filter(application=application).count() == 1
    assert Invitation.objects.filter(application=application).count() == 3


@pytest.mark.skipif(not ON_POSTGRES, reason="two concurrent transactions need PostgreSQL "
                    "(SQLite serialises writers; CI runs this on PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_draws_make_one_draw():
    """For real, two connections: the second waits for the application's row lock, then finds
    every seat held and is refused."""
    application, actors = _race_world()
    outcomes = _race(application, actors, threading.Barrier(2))
    _one_draw(application, outcomes)
    assert "ไม่มีที่ว่าง" in next(o[1] for o in outcomes if o[0] == "refused")


@pytest.mark.skipif(not ON_POSTGRES, reason="two concurrent transactions need PostgreSQL "
                    "(SQLite serialises writers; CI runs this on PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_without_the_row_lock_the_constraints_still_make_one_draw(monkeypatch):
    """The lock taken away and both officers past the vacancy check before either writes: the
    unique (application, sequence) constraint refuses the second record."""
    application, actors = _race_world()
    original = draws.lock
    monkeypatch.setattr(draws, "lock", lambda app: type(app).objects.select_related(
        "person", "person__user", "organization", "office", "subject_area").get(pk=app.pk))
    both_looked = threading.Barrier(2)
    vacant = draws.vacant_seats

    def vacant_then_wait(app):
        seats = vacant(app)
        both_looked.wait(10)
        return seats

    monkeypatch.setattr(draws, "vacant_seats", vacant_then_wait)
    outcomes = _race(application, actors)
    _one_draw(application, outcomes)
    assert "พร้อมกัน" in next(o[1] for o in outcomes if o[0] == "refused")
    assert original is not draws.lock



def test_the_lao_of_an_application_is_its_office(world):
    application = approved_application(world.a)
    assert application.office.kind == OrgKind.LAO
    assert draws.application_facts(application, timezone.localdate())["lao_path"] == \
        world.a.lao.path


def test_the_draw_page_and_its_json(world, a_draw):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world.a.users[Role.GROUP_HEAD])  # the office reads; it need not draw
    page = client.get(reverse("draw_detail", args=[a_draw.pk])).content.decode()
    assert "ตรวจสอบแล้ว" in page
    assert page.count("<li>") >= len(a_draw.pool)
    assert "ยังไม่มีบัญชีผู้ใช้" in page  # the one left out, with its reason
    body = client.get(reverse("draw_detail", args=[a_draw.pk]) + "?format=json").json()
    assert body["picks"] == a_draw.picks
    assert draws.digest({k: v for k, v in body.items() if k != "digest"}) == body["digest"]
    _tamper(a_draw, picks=list(reversed(a_draw.picks)))
    page = client.get(reverse("draw_detail", args=[a_draw.pk])).content.decode()
    assert 'data-testid="verify-problem"' in page
    # the applicant does not see who was in the pool
    applicant = Client()
    applicant.force_login(a_draw.application.person.user)
    assert applicant.get(reverse("draw_detail", args=[a_draw.pk])).status_code == 404
