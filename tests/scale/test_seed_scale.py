"""seed_scale at factor 0.01: the country has the promised shape and the data is true to the
portal's own rules (tree paths, national IDs, the states of requests, the certification)."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from guardian.models import UserObjectPermission

from accounts import national_id
from accounts.models import Membership, Organization, User
from accounts.rules import LaoType, OrgKind, Role, SchoolType, committee_kind_for
from appraisal import rules
from appraisal.choices import ApplicationState
from appraisal.models import (
    Application,
    AssessmentDecision,
    AssessorDraw,
    Expert,
    Invitation,
    QualificationCheck,
    ScoreSheet,
)
from appraisal.services import draw as draws
from appraisal.services.invitations import is_assessor
from committees.models import Committee
from committees.selectors import committee_for
from devdata import scale
from devdata.scale import plan as country
from personnel.models import Person, PositionHistory

pytestmark = pytest.mark.django_db
HOT = {"hot_roster": 60, "hot_queue": 40}


def test_factor_001_has_the_shape_of_the_country():
    out = io.StringIO()
    call_command("seed_scale", "--factor", "0.01", "--hot-roster", "60", "--hot-queue", "40",
                 stdout=out)
    plan = country.Plan.for_factor(0.01, **HOT)
    assert f"{plan.experts} experts" in out.getvalue()

    # the tree: counts per kind, the LAO type mix, schools and centres, valid treebeard paths
    kinds = Counter(Organization.objects.values_list("kind", flat=True))
    assert kinds == Counter(plan.counts_by_kind)
    assert Counter(Organization.objects.filter(kind=OrgKind.LAO).values_list(
        "lao_type", flat=True)) == Counter(plan.laos)
    school_types = Counter(Organization.objects.filter(kind=OrgKind.SCHOOL).values_list(
        "school_type", flat=True))
    assert school_types[SchoolType.CHILD_DEVELOPMENT_CENTRE] == plan.units[
        SchoolType.CHILD_DEVELOPMENT_CENTRE]
    assert Organization.objects.find_problems() == ([], [], [], [], [])
    root = Organization.objects.get(kind=OrgKind.AGENCY)
    assert Organization.objects.filter(path__startswith=root.path).count() == sum(
        plan.counts_by_kind.values())
    pattaya = Organization.objects.get(lao_type=LaoType.PATTAYA)
    assert Organization.objects.get(path=pattaya.ancestor_path(2)).code == country.PATTAYA_PROVINCE

    # every LAO reaches its provincial committee
    assert Committee.objects.count() == len({committee_kind_for(t) for t in plan.laos})
    for lao in Organization.objects.filter(kind=OrgKind.LAO):
        assert committee_for(lao) is not None, lao

    # people: the planned number, Thai names, valid and unique national IDs (people and users)
    assert Person.objects.count() == plan.total_people
    ids = list(Person.objects.values_list("national_id", flat=True))
    user_ids = list(User.objects.exclude(national_id=None).values_list("national_id", flat=True))
    assert len(set(ids)) == len(ids)
    assert len(set(user_ids)) == len(user_ids)
    assert all(national_id.is_valid(n) for n in ids + user_ids)
    assert Person.objects.filter(first_name__regex=r"^[ก-๛]+$").count() == len(ids)
    assert PositionHistory.objects.values("person").distinct().count() == len(ids)
    # one active school admin per school that has people, its director
    admins = Membership.objects.filter(role=Role.SCHOOL_ADMIN, is_active=True)
    assert admins.count() == Person.objects.filter(
        position_type__in=["director", "cdc_director"]).count()

    # requests in every state; certified ones as the office director leaves them
    states = Counter(Application.objects.values_list("state", flat=True))
    assert states == Counter(plan.states)
    assert set(states) == set(ApplicationState.values)
    assert not Application.objects.filter(state__in=country.CERTIFIED_STATES,
                                          certified_at=None).exists()
    qualified = Application.objects.filter(state="qualified")
    assert not qualified.filter(certified_at=None).exists()
    assert not qualified.filter(certified_by=None).exists()
    assert all(m.role == Role.LAO_ADMIN for m in Membership.objects.filter(
        user__in=qualified.values("certified_by"), organization__kind=OrgKind.LAO))
    passed = QualificationCheck.objects.filter(application__state="qualified",
                                               officer_passed=True, head_passed=True)
    assert passed.count() == 5 * qualified.count()
    assert QualificationCheck.objects.filter(application__state="at_office").exists()

    _assert_the_assessment_is_as_the_portal_leaves_it(plan)

    # the hot spots
    hot_school = Organization.objects.get(code=country.HOT_SCHOOL_CODE)
    assert Person.objects.filter(organization=hot_school, status="active").count() == 60
    assert Application.objects.filter(office__code=country.HOT_LAO_CODE).exclude(
        state="draft").count() == 40
    assert set(User.objects.filter(username__in=country.hot_logins().values()).values_list(
        "username", flat=True)) == set(country.hot_logins().values())
    assert User.objects.get(username="dla_admin").check_password(country.SCALE_PASSWORD)
    other_lao = Organization.objects.filter(kind=OrgKind.LAO).exclude(code=country.HOT_LAO_CODE)
    other_admin = User.objects.get(username=f"lao_admin_{other_lao.first().code}")
    assert not other_admin.has_usable_password()

    # the certification lock still holds for what was written
    with pytest.raises(Exception, match="certified"), transaction.atomic():
        qualified.update(work_title="แก้ไขหลังรับรอง")

    # a second run refuses: the database is not empty
    with pytest.raises(CommandError, match="empty"):
        call_command("seed_scale", "--factor", "0.01", stdout=io.StringIO())


def _assert_the_assessment_is_as_the_portal_leaves_it(plan):
    """Appraisal part 2: the registry, and per state what the services write."""
    experts = Expert.objects.all()
    assert experts.count() == plan.experts
    assert not experts.filter(user=None).exists()
    nids = list(experts.values_list("national_id", flat=True))
    assert len(set(nids)) == len(nids)
    assert all(national_id.is_valid(n) for n in nids)
    assert experts.filter(first_name__regex=r"^[ก-๛]+$").count() == plan.experts
    assert not experts.exclude(organization__kind__in=[OrgKind.PROVINCE,
                                                       OrgKind.AGENCY]).exists()
    assert experts.filter(home_organization=None).exclude(home_organization_name="").exists()
    assert experts.exclude(home_organization=None).exists()
    assert not Expert.subject_areas.through.objects.values("expert").annotate(
        n=Count("id")).filter(n=0).exists()
    assert Expert.subject_areas.through.objects.values("expert").distinct().count() == (
        plan.experts)
    assessed = set(country.ASSESSMENT_STAGE)
    assert AssessorDraw.objects.count() == plan.assessed_applications
    assert Invitation.objects.count() == plan.invitations
    assert not AssessorDraw.objects.exclude(digest__regex=r"^[0-9a-f]{64}$").exists()
    for draw in AssessorDraw.objects.order_by("?")[:30]:  # the records even verify
        assert draws.verify_draw(draw).ok, draws.verify_draw(draw).problems
    # three seats each, an expert registered for the request's area and standing
    for invitation in Invitation.objects.select_related("application", "expert")[:200]:
        expert, application = invitation.expert, invitation.application
        assert application.requested_standing in expert.standings
        assert expert.subject_areas.filter(pk=application.subject_area_id).exists()
    by_state = Counter(Invitation.objects.values_list("application__state", "state"))
    assert by_state[("panel_approved", "awaiting")] > 0
    for state in assessed - {"panel_approved"}:
        assert by_state[(state, "accepted")] == 3 * plan.states[state], state
        assert by_state[(state, "awaiting")] == 0, state
    # a score sheet and a grant per acceptance; submitted from "assessed" on
    accepted = Invitation.objects.filter(state="accepted")
    assert ScoreSheet.objects.count() == accepted.count()
    assert UserObjectPermission.objects.filter(
        permission__codename="view_application").count() == accepted.count()
    submitted = ScoreSheet.objects.exclude(submitted_at=None)
    assert submitted.count() == plan.submitted_sheets
    assert not submitted.exclude(invitation__application__state__in=assessed - {
        "panel_approved", "assessors_complete"}).exists()
    decisions = AssessmentDecision.objects.all()
    assert decisions.count() == plan.decisions
    assert not decisions.filter(passed=False, application__state__in=[
        "result_approved", "notified", "appointed"]).exists()
    assert not decisions.filter(passed=True, application__state="result_not_approved").exists()
    for decision in decisions.select_related("application")[:50]:
        sheets = ScoreSheet.objects.filter(invitation__application=decision.application)
        sides = rules.sides_for(decision.requested_standing)
        result = rules.decide({s: [Decimal(sh.percentages[str(s)]) for sh in sheets]
                               for s in sides}, decision.requested_standing)
        assert result.passed == decision.passed
    # the history: the last line of every request is its state
    for application in Application.objects.filter(state__in=assessed)[:100]:
        last = application.events.order_by("at", "id").last()
        assert last.to_state == application.state, application.pk
    # the appointed have their new standing
    for application in Application.objects.filter(state="appointed").select_related("person"):
        assert application.person.standing == application.requested_standing

    # the hot assessor, and the whole queue page as they see it
    hot = User.objects.get(username=country.hot_logins()["assessor"])
    assert hot.check_password(country.SCALE_PASSWORD)
    assert hot.expert.max_concurrent == country.HOT_ASSESSOR_CAP
    client = Client()
    client.force_login(hot)
    response = client.get(reverse("assessor_queue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="awaiting-row"') == plan.hot_assessor_awaiting == 5
    assert page.count('data-testid="accepted-row"') == plan.hot_assessor_accepted == 15
    assert page.count("ส่งผลแล้ว") == country.HOT_ASSESSOR_SUBMITTED
    # an accepted assessor may open the request (the guardian grant) and their sheet
    mine = Invitation.objects.filter(expert__user=hot, state="accepted").first()
    assert is_assessor(hot, mine.application)
    assert client.get(reverse("assessor_application", args=[mine.pk])).status_code == 200
    assert client.get(reverse("score_sheet", args=[mine.pk])).status_code == 200
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite only")
def test_reset_needs_postgresql():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("seed_scale", "--reset", stdout=io.StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_reset_empties_what_the_build_wrote_and_keeps_the_migrations_data():
    from appraisal.models import SubjectArea

    areas = SubjectArea.objects.count()
    scale.build(0.01, hot_roster=10, hot_queue=5)
    scale.reset()
    assert not Organization.objects.exists()
    assert not Application.objects.exists()
    assert SubjectArea.objects.count() == areas
    assert User.objects.filter(username="AnonymousUser").exists()  # django-guardian's
