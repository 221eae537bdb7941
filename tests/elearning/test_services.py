"""e-Learning services: every change checked, audited, all or nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.exceptions import NotAllowed
from accounts.models import AuditEvent, Membership
from accounts.rules import Role
from elearning import rules, selectors, services
from elearning.models import Completion, Course, ExtraHoliday, Requirement, Round, UnitReport
from tests.elearning import helpers
from tests.elearning.helpers import DAY_IN_2569_R1, TODAY, course, png
from tests.factories import UserFactory, member

pytestmark = pytest.mark.django_db
D = datetime.date


def record(user, day=DAY_IN_2569_R1, course_obj=None, upload=None):
    return services.record_completion(actor=user, course=course_obj or course(),
                                      completed_on=day, certificate=upload or png(), today=TODAY)


def accepted(user, supervisor, code=rules.OCSC, name="หลักสูตรทดสอบ", day=DAY_IN_2569_R1):
    completion = record(user, day=day, course_obj=course(code, name))
    return services.accept_completion(actor=supervisor, completion=completion)


# --- recording --------------------------------------------------------------------------------


def test_a_staff_member_records_a_course_with_its_certificate(world, round1, settings):
    staff = world.a.users[Role.STAFF]
    completion = record(staff)
    assert completion.status == "pending"
    assert completion.organization == world.a.school
    assert completion.certificate_type == "image/png"
    assert completion.certificate.name.startswith(f"elearning/{world.a.school.pk}/")
    assert (settings.MEDIA_ROOT / completion.certificate.name).exists()
    event = AuditEvent.objects.get(action="elearning.completion.record")
    assert event.actor == staff
    assert event.organization == world.a.school


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("cert.pdf", b"just some text, not a pdf", content_type="application/pdf"),
    SimpleUploadedFile("cert.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
                       content_type="image/png"),
    None,
])
def test_a_certificate_that_is_not_pdf_jpg_or_png_changes_nothing(world, round1, settings,
                                                                  upload):
    with pytest.raises(ValidationError) as exc:
        services.record_completion(actor=world.a.users[Role.STAFF], course=course(),
                                   completed_on=DAY_IN_2569_R1, certificate=upload, today=TODAY)
    assert "certificate" in exc.value.message_dict
    assert not Completion.objects.exists()
    assert not (settings.MEDIA_ROOT / "elearning").exists()


def test_a_date_in_the_future_is_refused(world, round1):
    with pytest.raises(ValidationError, match="อนาคต"):
        record(world.a.users[Role.STAFF], day=TODAY + datetime.timedelta(days=1))
    assert not Completion.objects.exists()


def test_the_same_course_counts_once_a_round(world, round1):
    staff = world.a.users[Role.STAFF]
    record(staff)
    with pytest.raises(ValidationError, match="นับได้ครั้งเดียวต่อรอบ"):
        record(staff, day=DAY_IN_2569_R1 + datetime.timedelta(days=3))
    # in another round the same course may be recorded again
    record(staff, day=D(2025, 5, 5))
    assert Completion.objects.count() == 2


def test_a_course_not_in_the_catalogue_is_added_by_name_once(world, round1):
    staff = world.a.users[Role.STAFF]
    local = helpers.channel(rules.LOCAL_MOOC)
    first = services.record_completion(actor=staff, channel=local, course_name="  ครูยุคใหม่  ",
                                       completed_on=DAY_IN_2569_R1, certificate=png(),
                                       today=TODAY)
    assert first.course.name == "ครูยุคใหม่"
    assert first.course.channel == local
    other = world.a.users[Role.SCHOOL_ADMIN]
    second = services.record_completion(actor=other, channel=local, course_name="ครูยุคใหม่",
                                        completed_on=DAY_IN_2569_R1, certificate=png(),
                                        today=TODAY)
    assert second.course == first.course
    assert Course.objects.filter(name="ครูยุคใหม่").count() == 1


def test_rounds_of_a_new_fiscal_year_open_with_the_seeds_dates(world):
    assert not Round.objects.exists()
    record(world.a.users[Role.STAFF], day=D(2025, 5, 5))  # round 2 of 2568
    assert set(Round.objects.values_list("fiscal_year_be", "number")) == {(2568, 1), (2568, 2)}
    r2 = Round.objects.get(fiscal_year_be=2568, number=2)
    assert (r2.report_deadline, r2.cutoff_on) == (D(2025, 9, 15), D(2025, 9, 21))


def test_a_user_without_a_unit_cannot_record(db, round1):
    with pytest.raises(NotAllowed):
        record(UserFactory())


# --- deciding ---------------------------------------------------------------------------------


def test_the_supervisor_accepts_and_the_learner_is_told(
        world, round1, eager, django_capture_on_commit_callbacks):
    staff = world.a.users[Role.STAFF]
    completion = record(staff)
    with django_capture_on_commit_callbacks(execute=True):
        services.accept_completion(actor=world.a.users[Role.SCHOOL_ADMIN], completion=completion)
    completion.refresh_from_db()
    assert completion.status == "accepted"
    assert completion.decided_by == world.a.users[Role.SCHOOL_ADMIN]
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert "รับรองผลการเรียน" in mail.outbox[0].subject
    _requirement, status = selectors.status_of(staff, round1)
    assert status.passed
    assert status.reason == "ผ่าน 1 จาก 1 หลักสูตร"


def test_nobody_accepts_their_own_certificate(world, round1):
    admin = world.a.users[Role.SCHOOL_ADMIN]
    completion = record(admin)
    with pytest.raises(NotAllowed, match="ของตนเอง"):
        services.accept_completion(actor=admin, completion=completion)
    # the LAO above the school may
    services.accept_completion(actor=world.a.users[Role.LAO_ADMIN], completion=completion)


@pytest.mark.parametrize("role", [Role.SCHOOL_ADMIN, Role.PROVINCE_ADMIN, Role.STAFF])
def test_another_provinces_people_cannot_decide(world, round1, role):
    completion = record(world.a.users[Role.STAFF])
    with pytest.raises(NotAllowed):
        services.accept_completion(actor=world.b.users[role], completion=completion)
    with pytest.raises(NotAllowed):
        services.reject_completion(actor=world.b.users[role], completion=completion,
                                   reason="ไม่ชัด")
    completion.refresh_from_db()
    assert completion.status == "pending"


def test_a_colleague_on_staff_cannot_decide(world, round1):
    colleague = member(UserFactory(), world.a.school, Role.STAFF)
    completion = record(world.a.users[Role.STAFF])
    with pytest.raises(NotAllowed):
        services.accept_completion(actor=colleague, completion=completion)


def test_rejecting_needs_a_reason_and_a_decision_is_final(world, round1):
    completion = record(world.a.users[Role.STAFF])
    admin = world.a.users[Role.SCHOOL_ADMIN]
    with pytest.raises(ValidationError, match="เหตุผล"):
        services.reject_completion(actor=admin, completion=completion, reason="  ")
    services.reject_completion(actor=admin, completion=completion, reason="ไม่ได้รับรองสำเนา")
    completion.refresh_from_db()
    assert completion.status == "rejected"
    assert completion.decision_reason == "ไม่ได้รับรองสำเนา"
    with pytest.raises(ValidationError, match="ตรวจสอบแล้ว"):
        services.accept_completion(actor=admin, completion=completion)
    # a rejected one does not block recording the course again
    record(world.a.users[Role.STAFF])


# --- compliance ---------------------------------------------------------------------------------


def make_head(side):
    """side's province admin, recorded as the head of the provincial office."""
    user = side.users[Role.PROVINCE_ADMIN]
    Membership.objects.filter(user=user).update(position="ท้องถิ่นจังหวัด MARKER")
    return user


def test_the_provincial_head_needs_three_courses_two_through_local_mooc(world, round1):
    head = make_head(world.a)
    dla = world.dla_admin
    accepted(head, dla, rules.LOCAL_MOOC, "ท้องถิ่น 1")
    accepted(head, dla, rules.OCSC, "ก.พ. 1")
    requirement, status = selectors.status_of(head, round1)
    assert requirement.name == "ท้องถิ่นจังหวัด"
    assert status.reason == "ผ่าน 2 จาก 3 หลักสูตร; Local MOOC 1 จาก 2"
    accepted(head, dla, rules.THAI_MOOC, "MOOC 1")
    assert selectors.status_of(head, round1)[1].reason == "ผ่าน 3 จาก 3 หลักสูตร; Local MOOC 1 จาก 2"
    assert not selectors.status_of(head, round1)[1].passed
    accepted(head, dla, rules.LOCAL_MOOC, "ท้องถิ่น 2")
    assert selectors.status_of(head, round1)[1].passed


def test_a_requirement_is_data_an_admin_changes(world, round1):
    everyone = Requirement.objects.get(position_prefix="")
    services.save_requirement(actor=world.dla_admin, requirement=everyone, name="ทุกคน",
                              min_courses=2)
    staff = world.a.users[Role.STAFF]
    accepted(staff, world.a.users[Role.SCHOOL_ADMIN])
    assert selectors.status_of(staff, round1)[1].reason == "ผ่าน 1 จาก 2 หลักสูตร"
    with pytest.raises(NotAllowed):
        services.save_requirement(actor=world.a.users[Role.PROVINCE_ADMIN],
                                  requirement=everyone, name="x", min_courses=1)
    with pytest.raises(ValidationError, match="มากกว่าจำนวนหลักสูตรขั้นต่ำ"):
        services.save_requirement(actor=world.dla_admin, name="เกินจำนวน", min_courses=1,
                                  role=Role.OFFICER,
                                  channel_minimums={helpers.channel(rules.OCSC).pk: 2})
    assert AuditEvent.objects.filter(action="elearning.requirement.save").count() == 1


def test_the_share_of_a_unit_counts_each_person_once(world, round1):
    a = world.a
    accepted(a.users[Role.STAFF], a.users[Role.SCHOOL_ADMIN])
    accepted(a.users[Role.SCHOOL_ADMIN], a.users[Role.LAO_ADMIN])
    # the school admin also holds a staff role at the school: still one person
    member(a.users[Role.SCHOOL_ADMIN], a.school, Role.STAFF)
    school = selectors.compliance_of(a.school, round1)
    assert (school.total, school.passed, school.percent) == (2, 2, 100)
    province = selectors.compliance_of(a.province, round1)
    # province admin, officer, group head, LAO admin, school admin, staff
    assert (province.total, province.passed, province.percent) == (6, 2, 33)
    assert {s.unit for s in province.units} == {a.province, a.district}
    assert len(province.not_passed) == 4
    b = selectors.compliance_of(world.b.province, round1)
    assert b.passed == 0
    assert a.users[Role.STAFF] not in [r.user for r in b.rows]


def test_reminders_go_to_those_who_have_not_passed(world, round1, eager,
                                                   django_capture_on_commit_callbacks):
    a = world.a
    accepted(a.users[Role.STAFF], a.users[Role.SCHOOL_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        n = services.send_reminders(actor=a.users[Role.LAO_ADMIN], organization=a.lao,
                                    round_=round1)
    assert n == 2  # LAO admin and school admin; the staff member passed
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [a.users[Role.LAO_ADMIN].email, a.users[Role.SCHOOL_ADMIN].email])
    assert "ผ่าน 0 จาก 1 หลักสูตร" in mail.outbox[0].body
    with pytest.raises(NotAllowed):
        services.send_reminders(actor=world.b.users[Role.PROVINCE_ADMIN], organization=a.lao,
                                round_=round1)


# --- the report and its penalty ------------------------------------------------------------------


def april_round():
    """A round whose deadline (Friday 5 April 2024) is followed by a weekend and Chakri Day
    (Saturday 6, in lieu Monday 8): the holiday library must know it."""
    return Round.objects.create(fiscal_year_be=2567, number=2, starts_on=D(2024, 4, 1),
                                ends_on=D(2024, 9, 30), report_opens_on=D(2024, 4, 1),
                                report_deadline=D(2024, 4, 5), cutoff_on=D(2024, 4, 11))


def test_the_penalty_skips_a_weekend_and_a_thai_public_holiday(world):
    round_ = april_round()
    report = services.record_report_submission(
        actor=world.dla_admin, organization=world.a.province, round_=round_,
        submitted_on=D(2024, 4, 9), today=D(2024, 4, 20))
    assert (report.working_days_late, report.penalty, report.counted) == (1, Decimal("0.25"),
                                                                          True)
    event = AuditEvent.objects.get(action="elearning.report.submit")
    assert event.data["penalty"] == "0.25"


def test_an_extra_holiday_an_admin_adds_is_not_a_working_day(world):
    round_ = april_round()
    services.add_extra_holiday(actor=world.dla_admin, date=D(2024, 4, 9), name="วันหยุดพิเศษ")
    report = services.record_report_submission(
        actor=world.dla_admin, organization=world.a.province, round_=round_,
        submitted_on=D(2024, 4, 9), today=D(2024, 4, 20))
    assert report.working_days_late == 0
    with pytest.raises(ValidationError, match="แล้ว"):
        services.add_extra_holiday(actor=world.dla_admin, date=D(2024, 4, 9), name="ซ้ำ")
    with pytest.raises(NotAllowed):
        services.add_extra_holiday(actor=world.a.users[Role.PROVINCE_ADMIN],
                                   date=D(2024, 4, 10), name="x")
    assert ExtraHoliday.objects.count() == 1


def test_submitted_on_the_cut_off_day_counts_and_the_day_after_does_not(world):
    round_ = april_round()  # cut-off Thursday 11 April 2024
    on_cutoff = services.record_report_submission(
        actor=world.dla_admin, organization=world.a.province, round_=round_,
        submitted_on=D(2024, 4, 11), today=D(2024, 4, 20))
    # Tue 9, Wed 10, Thu 11
    assert (on_cutoff.working_days_late, on_cutoff.penalty, on_cutoff.counted) == (
        3, Decimal("0.75"), True)
    after = services.record_report_submission(
        actor=world.dla_admin, organization=world.a.province, round_=round_,
        submitted_on=D(2024, 4, 12), today=D(2024, 4, 20))
    assert not after.counted
    assert UnitReport.objects.count() == 1  # corrected, not doubled


def test_the_report_snapshots_the_kpi(world, round1):
    accepted(world.a.users[Role.STAFF], world.a.users[Role.SCHOOL_ADMIN])
    report = services.record_report_submission(
        actor=world.a.users[Role.LAO_ADMIN], organization=world.a.school, round_=round1,
        submitted_on=D(2026, 3, 13), today=D(2026, 3, 20))
    assert (report.staff_total, report.staff_passed, report.percent) == (2, 1, 50)
    assert report.penalty == 0


def test_a_unit_records_only_today_for_itself(world, round1):
    admin = world.a.users[Role.SCHOOL_ADMIN]
    with pytest.raises(ValidationError, match="เฉพาะวันนี้"):
        services.record_report_submission(actor=admin, organization=world.a.school,
                                          round_=round1, submitted_on=D(2026, 3, 13),
                                          today=D(2026, 3, 20))
    report = services.record_report_submission(actor=admin, organization=world.a.school,
                                               round_=round1, submitted_on=D(2026, 3, 20),
                                               today=D(2026, 3, 20))
    assert report.working_days_late == 5  # Mon 16 – Fri 20 March 2026
    assert report.penalty == Decimal("1.25")


def test_bad_submissions_change_nothing(world, round1):
    lao = world.a.users[Role.LAO_ADMIN]
    for day, match in ((D(2026, 3, 25), "อนาคต"), (D(2026, 2, 1), "ยังไม่ถึงช่วงส่งรายงาน")):
        with pytest.raises(ValidationError, match=match):
            services.record_report_submission(actor=lao, organization=world.a.school,
                                              round_=round1, submitted_on=day,
                                              today=D(2026, 3, 20))
    with pytest.raises(NotAllowed):
        services.record_report_submission(actor=world.b.users[Role.PROVINCE_ADMIN],
                                          organization=world.a.school, round_=round1,
                                          submitted_on=D(2026, 3, 13), today=D(2026, 3, 20))
    assert not UnitReport.objects.exists()


# --- rounds ------------------------------------------------------------------------------------


def test_the_dla_admin_edits_a_rounds_dates(world, round1):
    services.update_round(actor=world.dla_admin, round_=round1, report_deadline=D(2026, 3, 17),
                          cutoff_on=D(2026, 3, 24))
    round1.refresh_from_db()
    assert (round1.report_deadline, round1.cutoff_on) == (D(2026, 3, 17), D(2026, 3, 24))
    assert AuditEvent.objects.get(action="elearning.round.update").data["changes"][
        "report_deadline"] == ["2026-03-15", "2026-03-17"]


def test_round_dates_must_make_sense(world, round1):
    round2 = services.ensure_rounds(actor=None, fiscal_year_be=2569)[1]
    with pytest.raises(ValidationError) as exc:
        services.update_round(actor=world.dla_admin, round_=round1, cutoff_on=D(2026, 3, 1))
    assert "cutoff_on" in exc.value.message_dict
    with pytest.raises(ValidationError, match="ซ้อน"):
        services.update_round(actor=world.dla_admin, round_=round2, starts_on=D(2026, 3, 1))
    with pytest.raises(NotAllowed):
        services.update_round(actor=world.a.users[Role.PROVINCE_ADMIN], round_=round1,
                              cutoff_on=D(2026, 3, 22))
    round1.refresh_from_db()
    assert round1.cutoff_on == D(2026, 3, 21)
