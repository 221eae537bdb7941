import pytest
from django.contrib.contenttypes.models import ContentType

from accounts import scoping, services
from accounts.models import Membership, Organization
from accounts.rules import Role
from accounts.scoping import Access
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db


def names(qs):
    return {o.name for o in qs}


def test_province_admin_sees_and_administers_its_whole_province_only(world):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    seen = scoping.organizations(admin)
    a = world.a
    assert set(seen) == {a.province, a.district, a.lao, a.school, a.school2}
    assert set(scoping.organizations(admin, Access.ADMINISTER)) == set(seen)
    assert not scoping.can_see(admin, world.b.school)
    assert not scoping.can_see(admin, world.agency)


def test_lao_admin_reaches_its_schools_not_its_district(world):
    lao_admin = world.a.users[Role.LAO_ADMIN]
    assert set(scoping.organizations(lao_admin)) == {world.a.lao, world.a.school, world.a.school2}
    assert not scoping.can_see(lao_admin, world.a.district)


def test_school_admin_reaches_its_school_only(world):
    school_admin = world.a.users[Role.SCHOOL_ADMIN]
    assert list(scoping.organizations(school_admin)) == [world.a.school]
    assert scoping.can_administer(school_admin, world.a.school)
    assert not scoping.can_see(school_admin, world.a.school2)


def test_office_roles_see_the_subtree_but_administer_nothing(world):
    officer = world.a.users[Role.OFFICER]
    assert scoping.can_see(officer, world.a.school)
    assert not scoping.can_administer(officer, world.a.school)
    assert not scoping.organizations(officer, Access.ADMINISTER).exists()


def test_work_reach_covers_admin_and_office_subtrees_but_not_staff_units_or_grants(world):
    officer = world.a.users[Role.OFFICER]
    assert set(scoping.organizations(officer, Access.WORK)) == set(scoping.organizations(officer))
    staff = world.a.users[Role.STAFF]
    assert not scoping.organizations(staff, Access.WORK).exists()
    assert not scoping.can_work_on(staff, world.a.school)
    services.grant_organization_view(
        actor=world.dla_admin, user=staff, organization=world.a.school2
    )
    assert scoping.can_see(staff, world.a.school2)
    assert not scoping.can_work_on(staff, world.a.school2)
    assert scoping.can_work_on(world.a.users[Role.SCHOOL_ADMIN], world.a.school)


def test_staff_see_their_own_school_only_and_administer_nothing(world):
    staff = world.a.users[Role.STAFF]
    assert list(scoping.organizations(staff)) == [world.a.school]
    assert not scoping.can_administer(staff, world.a.school)


def test_dla_admin_and_superuser_see_everything(world):
    everything = set(Organization.objects.all())
    assert set(scoping.organizations(world.dla_admin)) == everything
    root = UserFactory(is_superuser=True)
    assert set(scoping.organizations(root)) == everything


def test_a_user_without_memberships_or_inactive_sees_nothing(world):
    assert not scoping.organizations(UserFactory()).exists()
    staff = world.a.users[Role.STAFF]
    Membership.objects.filter(user=staff).update(is_active=False)
    scoping.forget(staff)
    assert not scoping.organizations(staff).exists()
    admin = world.a.users[Role.PROVINCE_ADMIN]
    admin.is_active = False
    assert not scoping.organizations(admin).exists()


def test_nested_memberships_do_not_duplicate_rows(world):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    member(admin, world.a.school2, Role.SCHOOL_ADMIN)  # school2 has no admin yet
    scoping.forget(admin)
    assert scoping.reach(admin).subtree_paths == (world.a.province.path,)
    assert scoping.organizations(admin).count() == 5


def test_scope_filters_rows_that_belong_to_organisations(world):
    rows = Membership.objects.all()
    school_admin_a = world.a.users[Role.SCHOOL_ADMIN]
    scoped = scoping.scope(rows, school_admin_a)
    assert {m.organization_id for m in scoped} == {world.a.school.pk}
    assert not scoping.scope(rows, UserFactory()).exists()


def test_a_guardian_grant_adds_one_organisation_and_not_its_siblings(world):
    assessor = world.b.users[Role.STAFF]  # someone from province B, assessing in A
    services.grant_organization_view(
        actor=world.a.users[Role.PROVINCE_ADMIN], user=assessor, organization=world.a.school
    )
    assert scoping.can_see(assessor, world.a.school)
    assert not scoping.can_see(assessor, world.a.school2)
    assert not scoping.can_administer(assessor, world.a.school)
    assert assessor.has_perm("accounts.view_organization", world.a.school)
    services.revoke_organization_view(
        actor=world.a.users[Role.PROVINCE_ADMIN], user=assessor, organization=world.a.school
    )
    assert not scoping.can_see(assessor, world.a.school)


def test_reach_is_computed_once_per_request(world, django_assert_num_queries):
    admin = world.a.users[Role.PROVINCE_ADMIN]
    scoping.forget(admin)
    ContentType.objects.clear_cache()
    with django_assert_num_queries(3):  # memberships, guardian's content type and grants
        scoping.can_see(admin, world.a.school)
        scoping.can_see(admin, world.b.school)
        scoping.reach(admin)
