import datetime

import pytest
from django.core.exceptions import ValidationError

from accounts.exceptions import NotAllowed
from accounts.models import AuditEvent
from accounts.rules import Role
from personnel import selectors, services
from personnel.choices import DegreeLevel, PersonStatus, PositionType
from personnel.models import Degree, Person, StatusChange
from tests.factories import valid_national_id

pytestmark = pytest.mark.django_db


def test_school_admin_adds_a_person_to_its_school(world):
    admin = world.a.users[Role.SCHOOL_ADMIN]
    number = valid_national_id()
    person = services.create_person(
        actor=admin, organization=world.a.school, national_id_number=number,
        first_name="ประยุทธ", last_name="ขยันสอน", position_type=PositionType.TEACHER,
    )
    assert person.organization == world.a.school
    event = AuditEvent.objects.get(action="person.create")
    assert number not in str(event.data)  # the audit keeps the number masked


def test_a_duplicate_national_id_is_refused_and_changes_nothing(world):
    admin = world.b.users[Role.SCHOOL_ADMIN]
    count = Person.objects.count()
    with pytest.raises(ValidationError) as e:
        services.create_person(actor=admin, organization=world.b.school,
                               national_id_number=world.a.person.national_id,
                               first_name="x", last_name="y")
    message = e.value.message_dict["national_id"][0]
    assert "ของหน่วยงานอื่น" in message  # not where: B may not know where A's people work
    assert world.a.school.name not in message
    assert "ขอย้ายข้อมูล" in message
    assert Person.objects.count() == count
    # the LAO admin of A, who works on both schools, is told which one
    with pytest.raises(ValidationError) as e:
        services.create_person(actor=world.a.users[Role.LAO_ADMIN], organization=world.a.school2,
                               national_id_number=world.a.person.national_id,
                               first_name="x", last_name="y")
    assert world.a.school.name in e.value.message_dict["national_id"][0]


def test_an_invalid_national_id_is_refused_in_thai(world):
    with pytest.raises(ValidationError) as e:
        services.create_person(actor=world.dla_admin, organization=world.a.school,
                               national_id_number="1234567890123", first_name="x",
                               last_name="y")
    assert "เลขประจำตัวประชาชน" in e.value.message_dict["national_id"][0]


def test_nobody_writes_outside_their_reach(world):
    for role in (Role.SCHOOL_ADMIN, Role.LAO_ADMIN, Role.PROVINCE_ADMIN, Role.STAFF):
        with pytest.raises(NotAllowed):
            services.update_person(actor=world.b.users[role], person=world.a.person,
                                   first_name="แฮก")
    world.a.person.refresh_from_db()
    assert world.a.person.first_name != "แฮก"
    # staff may not edit even their own record (they propose corrections instead)
    with pytest.raises(NotAllowed):
        services.update_person(actor=world.a.users[Role.STAFF], person=world.a.person,
                               first_name="แก้เอง")


def test_update_audits_old_and_new_values(world):
    services.update_person(actor=world.a.users[Role.LAO_ADMIN], person=world.a.person,
                           position_number="ค.123", first_name=world.a.person.first_name)
    event = AuditEvent.objects.get(action="person.update")
    assert event.data["changes"] == {"position_number": ["", "ค.123"]}


def test_history_lines_are_validated_and_appended(world):
    actor = world.a.users[Role.SCHOOL_ADMIN]
    line = services.add_history_line(
        actor=actor, person=world.a.person, kind="degree", level=DegreeLevel.MASTER,
        field_of_study="หลักสูตรและการสอน", institution="มหาวิทยาลัยนครพนม",
        graduated_on=datetime.date(2022, 3, 31), certified_by_tcs=True, learning_management=True,
    )
    assert Degree.objects.get() == line
    assert line.created_by == actor
    with pytest.raises(ValidationError):
        services.add_history_line(actor=actor, person=world.a.person, kind="licence",
                                  number="123", issued_on=datetime.date(2024, 1, 1),
                                  expires_on=datetime.date(2023, 1, 1))
    with pytest.raises(ValidationError):
        services.add_history_line(actor=actor, person=world.a.person, kind="spaceflight")


def test_an_ended_status_leaves_the_roster_but_stays_searchable(world):
    actor = world.a.users[Role.SCHOOL_ADMIN]
    person = world.a.person
    change = services.change_status(actor=actor, person=person, status=PersonStatus.RESIGNED,
                                    effective_on=datetime.date(2026, 10, 1),
                                    order_ref="คำสั่งเทศบาลที่ 12/2569")
    assert change.previous_status == PersonStatus.ACTIVE
    assert person not in selectors.roster(actor)
    assert person in selectors.roster(actor, status="all")
    assert person in selectors.roster(actor, status=PersonStatus.RESIGNED)
    assert Person.objects.filter(pk=person.pk).exists()  # nothing deleted
    with pytest.raises(ValidationError) as e:
        services.change_status(actor=actor, person=person, status=PersonStatus.ACTIVE,
                               effective_on=datetime.date(2026, 9, 1), order_ref="x")
    assert "effective_on" in e.value.message_dict
    with pytest.raises(ValidationError) as e:
        services.change_status(actor=actor, person=person, status=PersonStatus.RETIRED,
                               effective_on=datetime.date(2026, 11, 1), order_ref="  ")
    assert "order_ref" in e.value.message_dict
    assert StatusChange.objects.count() == 1


def test_who_reads_which_records(world):
    a = world.a
    assert set(selectors.people_for(a.users[Role.SCHOOL_ADMIN])) == {a.person}
    assert set(selectors.people_for(a.users[Role.OFFICER])) == {a.person}
    assert set(selectors.people_for(a.users[Role.STAFF])) == {a.person}  # their own record
    assert not selectors.people_for(world.b.users[Role.PROVINCE_ADMIN]).filter(
        pk=a.person.pk).exists()
    colleague = Person.objects.create(national_id=valid_national_id(), first_name="เพื่อน",
                                      last_name="ร่วมงาน", organization=a.school)
    assert colleague not in selectors.people_for(a.users[Role.STAFF])
    assert set(selectors.people_for(world.dla_admin)) == set(Person.objects.all())
