"""Issue 17 item 5: a proposed ก.พ.7 correction rings the bell of the unit that decides it (the
school's admin; the LAO's when the school has none), once; the decision rings the person's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Membership, Notification
from accounts.rules import Role
from personnel import services

pytestmark = pytest.mark.django_db


def notes(user):
    return list(Notification.objects.filter(user=user).values_list("subject", "url"))


def test_the_school_admin_hears_of_a_proposal_and_the_teacher_of_the_decision(world):
    person, teacher = world.a.person, world.a.users[Role.STAFF]
    correction = services.propose_correction(actor=teacher, person=person,
                                             changes={"address": "ที่อยู่ใหม่"}, reason="ย้ายบ้าน")
    admin = world.a.users[Role.SCHOOL_ADMIN]
    assert notes(admin) == [(f"คำขอแก้ไขข้อมูล ก.พ.7 รอพิจารณา: {person.full_name_th}",
                             reverse("corrections"))]
    # the school decides: the LAO, the province and the other side are not disturbed
    for other in (world.a.users[Role.LAO_ADMIN], world.a.users[Role.OFFICER],
                  world.b.users[Role.SCHOOL_ADMIN], teacher):
        assert notes(other) == []
    services.decide_correction(actor=admin, correction=correction, approve=False,
                               reason="ไม่มีหลักฐาน")
    assert notes(teacher) == [("คำขอแก้ไขข้อมูล ก.พ.7 ไม่ได้รับอนุมัติ",
                               reverse("person_detail", args=[person.pk]))]
    assert "ไม่มีหลักฐาน" in Notification.objects.get(user=teacher).body
    assert len(notes(admin)) == 1

    approved = services.propose_correction(actor=teacher, person=person,
                                           changes={"address": "ที่อยู่ใหม่ 2"}, reason="ย้ายบ้าน")
    services.decide_correction(actor=admin, correction=approved, approve=True)
    assert [s for s, _url in notes(teacher)].count("คำขอแก้ไขข้อมูล ก.พ.7 ได้รับอนุมัติแล้ว") == 1


def test_without_a_school_admin_the_lao_decides_and_hears_of_it(world):
    Membership.objects.filter(organization=world.a.school, role=Role.SCHOOL_ADMIN).update(
        is_active=False)
    services.propose_correction(actor=world.a.users[Role.STAFF], person=world.a.person,
                                changes={"address": "ที่อยู่ใหม่"}, reason="ย้ายบ้าน")
    assert len(notes(world.a.users[Role.LAO_ADMIN])) == 1
    assert notes(world.a.users[Role.SCHOOL_ADMIN]) == []
