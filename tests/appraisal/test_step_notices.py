"""Issue 17 item 5: the teacher hears of every step of her request once, without the
assessors' names; the group head gets one notice a request and step, not one a check; the
office hears what happened to each invitation (accepted, declined, timed out, cancelled)."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from accounts.models import Notification
from accounts.rules import Role
from appraisal.choices import ApplicationState, InvitationState
from appraisal.models import DrawCommitment, Expert, Invitation
from appraisal.services import applications as services
from appraisal.services import draw as draws
from appraisal.services import invitations, outcome, scoring
from personnel.choices import AcademicStanding
from tests.appraisal.assessment_factories import (
    PUBLIC_VALUE,
    approved_application,
    expert_pool,
    full_levels,
)
from tests.appraisal.factories import add_valid_files, qualified_record
from tests.appraisal.test_workflow import check_all, new_application
from tests.factories import PersonFactory, UserFactory

pytestmark = pytest.mark.django_db


def subjects(user) -> Counter:
    return Counter(Notification.objects.filter(user=user).values_list("subject", flat=True))


def test_the_teacher_and_the_office_hear_each_step_of_the_checks_once(world):
    teacher = world.a.users[Role.STAFF]
    qualified_record(world.a.person, timezone.localdate())
    applications = [new_application(world)]
    # a second teacher of the same school files too: the group head hears of each request once
    second = PersonFactory(organization=world.a.school, user=UserFactory())
    qualified_record(second, timezone.localdate())
    area = applications[0].subject_area
    applications.append(services.create_application(
        actor=second.user, person=second, classroom_type="primary", subject_area=area,
        work_title="การสอนคิดเลข"))
    for application in applications:
        add_valid_files(application)
        services.submit_application(actor=application.person.user, application=application)
        services.school_certify(actor=world.a.users[Role.SCHOOL_ADMIN], application=application)
        check_all(world, application)
        services.office_certify(actor=world.a.users[Role.LAO_ADMIN], application=application,
                                confirm=True)
    standing = applications[0].get_requested_standing_display()
    assert subjects(teacher) == Counter({
        f"ยื่นคำขอมีวิทยฐานะ{standing}แล้ว": 1,
        f"สถานศึกษารับรองคำขอมีวิทยฐานะ{standing}แล้ว": 1,
        f"ตรวจสอบคุณสมบัติคำขอมีวิทยฐานะ{standing}ครบแล้ว": 1,
        f"คำขอมีวิทยฐานะผ่านการตรวจสอบคุณสมบัติ: {world.a.person.full_name_th}": 1,
    })
    # five checks each, two requests: two notices, not ten
    head = subjects(world.a.users[Role.GROUP_HEAD])
    waiting = {s: n for s, n in head.items() if s.startswith("รอหัวหน้ากลุ่มตรวจสอบ")}
    assert sorted(waiting.values()) == [1, 1]
    assert len(waiting) == 2
    director = subjects(world.a.users[Role.LAO_ADMIN])
    ready = {s: n for s, n in director.items() if s.startswith("คำขอพร้อมให้ผู้อำนวยการรับรอง")}
    assert sorted(ready.values()) == [1, 1]


def test_a_head_correcting_a_check_does_not_ring_the_bells_again(world):
    qualified_record(world.a.person, timezone.localdate())
    application = new_application(world)
    add_valid_files(application)
    services.submit_application(actor=world.a.users[Role.STAFF], application=application)
    services.school_certify(actor=world.a.users[Role.SCHOOL_ADMIN], application=application)
    check_all(world, application)
    before = Notification.objects.count()
    check = services.current_checks(application).first()
    services.record_check(actor=world.a.users[Role.OFFICER], check=check, level="officer",
                          passed=True, note="แก้บันทึก")
    services.record_check(actor=world.a.users[Role.GROUP_HEAD], check=check, level="head",
                          passed=True, note="แก้บันทึก")
    assert Notification.objects.count() == before


def _draw(application, officer):
    DrawCommitment.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=1))
    application.refresh_from_db()
    return draws.draw_assessors(application, actor=officer, public_value=PUBLIC_VALUE)


def test_the_teacher_hears_of_each_assessment_step_once_and_never_a_name(world):
    officer, secretary = world.a.users[Role.OFFICER], world.a.users[Role.PROVINCE_ADMIN]
    application = approved_application(world.a, state=ApplicationState.QUALIFIED)
    teacher = application.person.user
    expert_pool(world.a.province, 7)
    draws.approve_for_assessment(application, actor=officer, meeting_ref="ครั้งที่ 3/2569")
    _draw(application, officer)
    seats = list(application.invitations.filter(state=InvitationState.AWAITING)
                 .select_related("expert__user").order_by("seat"))
    invitations.accept_invitation(seats[0], actor=seats[0].expert.user, attested=True)
    invitations.decline_invitation(seats[1], actor=seats[1].expert.user, reason="ติดราชการ")
    invitations.cancel_invitation(seats[2], actor=officer, reason="พบความสัมพันธ์ภายหลัง")
    for row in application.invitations.filter(state=InvitationState.AWAITING).select_related(
            "expert__user"):
        invitations.accept_invitation(row, actor=row.expert.user, attested=True)
    application.refresh_from_db()
    assert application.state == ApplicationState.ASSESSORS_COMPLETE
    for row in application.invitations.filter(state=InvitationState.ACCEPTED).select_related(
            "expert__user", "sheet"):
        scoring.save_draft(row.sheet, actor=row.expert.user, levels=full_levels(row.sheet, 4))
        scoring.submit_score_sheet(row.sheet, actor=row.expert.user)
    outcome.approve_result(application, actor=secretary, approved=True, meeting_ref="4/2569")
    outcome.notify_result(application, actor=secretary, meeting_ref="4/2569", confirmed=True)
    outcome.mark_appointed(application, actor=secretary, effective_on=timezone.localdate(),
                           order_ref="คำสั่งที่ 1/2569")
    standing = application.get_requested_standing_display()
    assert standing == AcademicStanding(application.requested_standing).label
    told = subjects(teacher)
    assert told == Counter({
        f"คำขอมีวิทยฐานะ{standing}: อนุมัติแต่งตั้งคณะกรรมการประเมินแล้ว": 1,
        f"คำขอมีวิทยฐานะ{standing}: สุ่มคัดเลือกกรรมการประเมินแล้ว": 1,  # not again per refill
        f"คำขอมีวิทยฐานะ{standing}: ได้กรรมการประเมินครบ 3 ท่านแล้ว": 1,
        f"คำขอมีวิทยฐานะ{standing}: กรรมการประเมินครบแล้ว": 1,
        f"คำขอมีวิทยฐานะ{standing}: คณะกรรมการพิจารณาผลแล้ว": 1,
        f"แจ้งผลการประเมินวิทยฐานะ: {application.person.full_name_th}": 1,
        f"แต่งตั้งให้มีวิทยฐานะ{standing} แล้ว": 1,
    })
    text = " ".join(f"{n.subject} {n.body}" for n in Notification.objects.filter(user=teacher))
    for expert in Expert.objects.select_related("user"):
        for identity in (expert.full_name_th, expert.first_name, expert.user.username):
            assert identity not in text

    # the officer: one notice per invitation event, saying which of the four it was
    office = Notification.objects.filter(user=officer, subject__startswith="กรรมการคนที่").exclude(
        subject__contains="ส่งผลการประเมินแล้ว")
    states = Counter(s.rsplit(": ", 1)[1] for s in office.values_list("subject", flat=True))
    # seat 1 and one refill accepted on their own; the third acceptance is told with the
    # complete panel, in one notice
    assert states == Counter({str(InvitationState.ACCEPTED.label): 2,
                              str(InvitationState.DECLINED.label): 1,
                              str(InvitationState.CANCELLED.label): 1})
    complete = Notification.objects.filter(user=officer,
                                           subject__startswith="ได้กรรมการประเมินครบ 3 คน")
    assert complete.count() == 1


def test_a_timed_out_invitation_is_told_to_the_office_by_its_name(world):
    officer = world.a.users[Role.OFFICER]
    application = approved_application(world.a)
    expert_pool(world.a.province, 5)
    _draw(application, officer)
    late = application.invitations.order_by("seat").first()
    Invitation.objects.filter(pk=late.pk).update(
        reply_by=timezone.now() - datetime.timedelta(minutes=1))
    assert invitations.expire_invitation(late)
    notes = Notification.objects.filter(user=officer, subject__contains=f"คนที่ {late.seat} ")
    assert [n.subject.rsplit(": ", 1)[1] for n in notes] == [
        str(InvitationState.TIMED_OUT.label)]
