"""seed_scale at factor 0.01: the country has the promised shape and the data is true to the
portal's own rules (tree paths, national IDs, the states of requests, the certification)."""

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from accounts import national_id
from accounts.models import Membership, Organization, User
from accounts.rules import LaoType, OrgKind, Role, SchoolType
from appraisal.models import Application, QualificationCheck
from committees.models import Committee
from committees.selectors import committee_for
from dlep import scale
from personnel.models import Person, PositionHistory

pytestmark = pytest.mark.django_db
HOT = {"hot_roster": 60, "hot_queue": 40}


def test_factor_001_has_the_shape_of_the_country():
    out = io.StringIO()
    call_command("seed_scale", "--factor", "0.01", "--hot-roster", "60", "--hot-queue", "40",
                 stdout=out)
    assert "appraisal part 2" in out.getvalue()  # experts: not claimed
    plan = scale.Plan.for_factor(0.01, **HOT)

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
    assert Organization.objects.get(path=pattaya.ancestor_path(2)).code == scale.PATTAYA_PROVINCE

    # every LAO reaches its provincial committee
    assert Committee.objects.count() == len({scale.committee_kind_for(t) for t in plan.laos})
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
    qualified = Application.objects.filter(state="qualified")
    assert not qualified.filter(certified_at=None).exists()
    assert not qualified.filter(certified_by=None).exists()
    assert all(m.role == Role.LAO_ADMIN for m in Membership.objects.filter(
        user__in=qualified.values("certified_by"), organization__kind=OrgKind.LAO))
    passed = QualificationCheck.objects.filter(application__state="qualified",
                                               officer_passed=True, head_passed=True)
    assert passed.count() == 5 * qualified.count()
    assert QualificationCheck.objects.filter(application__state="at_office").exists()

    # the hot spots
    hot_school = Organization.objects.get(code=scale.HOT_SCHOOL_CODE)
    assert Person.objects.filter(organization=hot_school, status="active").count() == 60
    assert Application.objects.filter(office__code=scale.HOT_LAO_CODE).exclude(
        state="draft").count() == 40
    assert set(User.objects.filter(username__in=scale.hot_logins().values()).values_list(
        "username", flat=True)) == set(scale.hot_logins().values())
    assert User.objects.get(username="dla_admin").check_password(scale.SCALE_PASSWORD)
    other_lao = Organization.objects.filter(kind=OrgKind.LAO).exclude(code=scale.HOT_LAO_CODE)
    other_admin = User.objects.get(username=f"lao_admin_{other_lao.first().code}")
    assert not other_admin.has_usable_password()

    # the certification lock still holds for what was written
    with pytest.raises(Exception, match="certified"), transaction.atomic():
        qualified.update(work_title="แก้ไขหลังรับรอง")

    # a second run refuses: the database is not empty
    with pytest.raises(CommandError, match="empty"):
        call_command("seed_scale", "--factor", "0.01", stdout=io.StringIO())


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
