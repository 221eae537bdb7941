import pytest
from django.core.exceptions import ValidationError

from accounts import services
from accounts.exceptions import NotAllowed
from accounts.models import AuditEvent, Membership, Organization
from accounts.rules import LaoType, OrgKind, Role, SchoolType
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_lao_admin_adds_a_school_under_its_lao_with_an_audit_row(world):
    actor = world.a.users[Role.LAO_ADMIN]
    school = services.create_organization(
        actor=actor, parent=world.a.lao, kind=OrgKind.SCHOOL, name="โรงเรียนใหม่",
        code="NEW-1", school_type=SchoolType.CHILD_DEVELOPMENT_CENTRE,
    )
    assert school.path.startswith(world.a.lao.path)
    assert school.depth == world.a.lao.depth + 1
    event = AuditEvent.objects.get(action="organization.create")
    assert event.actor == actor
    assert event.target_id == str(school.pk)


def test_nobody_adds_under_an_organisation_outside_their_reach(world):
    before = Organization.objects.count()
    for role in (Role.LAO_ADMIN, Role.OFFICER, Role.STAFF):
        with pytest.raises(NotAllowed):
            services.create_organization(
                actor=world.a.users[role], parent=world.b.lao, kind=OrgKind.SCHOOL,
                name="x", code=f"X-{role}", school_type=SchoolType.SCHOOL,
            )
    assert Organization.objects.count() == before
    assert not AuditEvent.objects.exists()


def test_bad_shape_is_refused_with_thai_messages_and_nothing_written(world):
    actor = world.dla_admin
    with pytest.raises(ValidationError) as e:
        services.create_organization(
            actor=actor, parent=world.a.district, kind=OrgKind.SCHOOL, name="x",
            code=world.a.school.code,
        )
    errors = e.value.message_dict
    assert "อยู่ใต้" in errors["kind"][0]
    assert "มีอยู่แล้ว" in errors["code"][0]
    assert "ประเภทสถานศึกษา" in errors["school_type"][0]
    with pytest.raises(ValidationError) as e:
        services.create_organization(
            actor=actor, parent=world.a.district, kind=OrgKind.LAO, name="x", code="L-1"
        )
    assert "ประเภท อปท." in e.value.message_dict["lao_type"][0]
    assert not AuditEvent.objects.exists()


def test_an_lao_can_hang_from_the_province_itself(world):
    pao = services.create_organization(
        actor=world.a.users[Role.PROVINCE_ADMIN], parent=world.a.province, kind=OrgKind.LAO,
        name="อบจ.", code="PAO-1", lao_type=LaoType.PAO,
    )
    assert pao.committee_kind == "kjj"


def test_a_role_is_only_given_at_its_level(world):
    user = UserFactory()
    with pytest.raises(ValidationError):
        services.add_membership(
            actor=world.dla_admin, user=user, organization=world.a.lao, role=Role.SCHOOL_ADMIN
        )
    with pytest.raises(ValidationError) as e:  # school A has its admin already (ว22/2565)
        services.add_membership(
            actor=world.a.users[Role.LAO_ADMIN], user=user, organization=world.a.school,
            role=Role.SCHOOL_ADMIN,
        )
    assert "มีผู้ดูแลอยู่แล้ว" in e.value.messages[0]
    m = services.add_membership(
        actor=world.a.users[Role.LAO_ADMIN], user=user, organization=world.a.school2,
        role=Role.SCHOOL_ADMIN,
    )
    assert m.role == Role.SCHOOL_ADMIN
    with pytest.raises(NotAllowed):
        services.add_membership(
            actor=world.a.users[Role.SCHOOL_ADMIN], user=user, organization=world.b.school,
            role=Role.STAFF,
        )
    assert Membership.objects.filter(user=user).count() == 1


def test_change_password_clears_the_flag_and_only_for_oneself(world):
    user = UserFactory(must_change_password=True)
    with pytest.raises(NotAllowed):
        services.change_password(actor=world.dla_admin, user=user, new_password="Ab-7781-xyz")
    with pytest.raises(ValidationError):
        services.change_password(actor=user, user=user, new_password="1234")
    user.refresh_from_db()
    assert user.must_change_password
    services.change_password(actor=user, user=user, new_password="Ab-7781-xyz")
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password("Ab-7781-xyz")
    assert AuditEvent.objects.filter(action="user.change_password", actor=user).exists()
