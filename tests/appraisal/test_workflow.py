"""The path of one application through the services (seed 004 steps 1–2)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.exceptions import NotAllowed
from accounts.models import Notification
from accounts.rules import Role
from appraisal.choices import ApplicationState, CheckKind
from appraisal.models import (
    Application,
    EvidenceFile,
    QualificationCheck,
    SubjectArea,
)
from appraisal.services import applications as services
from appraisal.services import pa as pa_services
from personnel.models import MoveRequest, MoveStatus
from tests.appraisal.factories import add_valid_files, qualified_record
from tests.factories import PDF_BYTES

PDF = PDF_BYTES


def pdf_upload(name="a.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def qualify(person, today=None):
    """Give ``person`` the record of a qualified teacher as of ``today``."""
    return qualified_record(person, today or timezone.localdate())


def new_application(world, **extra):
    person = world.a.person
    area = SubjectArea.objects.filter(classroom_type="primary").first()
    return services.create_application(
        actor=world.a.users[Role.STAFF], person=person, classroom_type="primary",
        subject_area=area, work_title="MARKER-A การสอนอ่าน", **extra)


@pytest.fixture
def ready(world):
    """A qualified teacher's application with every file valid, in draft."""
    qualify(world.a.person)
    application = new_application(world)
    add_valid_files(application)
    return application


def to_office(world, application):
    services.submit_application(actor=world.a.users[Role.STAFF], application=application)
    services.school_certify(actor=world.a.users[Role.SCHOOL_ADMIN], application=application)
    application.refresh_from_db()
    return application


def check_all(world, application, passed=True):
    application.refresh_from_db()
    for check in services.current_checks(application):
        services.record_check(actor=world.a.users[Role.OFFICER], check=check, level="officer",
                              passed=passed)
        services.record_check(actor=world.a.users[Role.GROUP_HEAD], check=check, level="head",
                              passed=passed)


# --- creating ------------------------------------------------------------------------------------

def test_the_request_is_for_the_next_standing_at_the_teachers_school_and_office(world):
    application = new_application(world)
    assert application.requested_standing == "professional"
    assert application.organization == world.a.school
    assert application.office == world.a.lao
    assert application.state == ApplicationState.DRAFT


def test_only_the_teacher_files_their_own_request(world):
    with pytest.raises(NotAllowed):
        services.create_application(
            actor=world.a.users[Role.SCHOOL_ADMIN], person=world.a.person,
            classroom_type="primary", subject_area=SubjectArea.objects.first(), work_title="x")


def test_a_subject_area_of_another_classroom_type_is_refused(world):
    area = SubjectArea.objects.get(classroom_type="early_childhood")
    with pytest.raises(ValidationError) as error:
        services.create_application(actor=world.a.users[Role.STAFF], person=world.a.person,
                                    classroom_type="primary", subject_area=area, work_title="x")
    assert "ว31/2565" in str(error.value)
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_the_subject_areas_of_w31_2565_are_data():
    counts = {k: SubjectArea.objects.filter(classroom_type=k).count()
              for k in ("primary", "secondary", "early_childhood", "special")}
    assert counts == {"primary": 12, "secondary": 23, "early_childhood": 1, "special": 1}


def test_a_senior_expert_has_nothing_to_ask_for(world):
    world.a.person.standing = "senior_expert"
    world.a.person.standing_granted_on = datetime.date(2020, 1, 1)
    world.a.person.save()
    with pytest.raises(ValidationError, match="สูงสุด"):
        new_application(world)


def test_one_open_request_at_a_time(world):
    new_application(world)
    with pytest.raises(ValidationError, match="ยังดำเนินการอยู่"):
        new_application(world)


# --- submitting ----------------------------------------------------------------------------------

def test_submission_needs_every_required_file_valid(world):
    qualify(world.a.person)
    application = new_application(world)
    with pytest.raises(ValidationError, match="ไฟล์หลักฐาน"):
        services.submit_application(actor=world.a.users[Role.STAFF], application=application)
    add_valid_files(application)
    EvidenceFile.objects.filter(application=application, slot="teaching_video").update(
        state="rejected", reason="วีดิทัศน์ยาวเกิน")
    with pytest.raises(ValidationError, match="บันทึกการสอน"):
        services.submit_application(actor=world.a.users[Role.STAFF], application=application)
    application.refresh_from_db()
    assert application.state == ApplicationState.DRAFT
    assert application.round_no == 0


def test_submitting_tells_the_school_director(world, ready):
    services.submit_application(actor=world.a.users[Role.STAFF], application=ready)
    ready.refresh_from_db()
    assert ready.state == ApplicationState.SUBMITTED
    assert ready.round_no == 1
    assert ready.filed_on == timezone.localdate()
    assert Notification.objects.filter(user=world.a.users[Role.SCHOOL_ADMIN]).exists()
    assert not Notification.objects.filter(user=world.b.users[Role.SCHOOL_ADMIN]).exists()


# --- the school ----------------------------------------------------------------------------------

def test_the_school_certifies_keeps_the_data_and_the_system_checks(world, ready):
    to_office(world, ready)
    ready.refresh_from_db()
    assert ready.state == ApplicationState.AT_OFFICE
    assert ready.entered_on == timezone.localdate()
    assert ready.snapshot["name"] == world.a.person.full_name_th
    assert world.a.person.national_id not in str(ready.snapshot)
    checks = {c.kind: c for c in services.current_checks(ready)}
    assert set(checks) == set(CheckKind.values)
    assert all(c.auto_passed for c in checks.values()), {
        k: c.auto_explanation for k, c in checks.items()}
    assert "5 ปี 0 เดือน 0 วัน" in checks["tenure"].auto_explanation
    assert Notification.objects.filter(user=world.a.users[Role.OFFICER]).exists()


def test_another_school_cannot_certify(world, ready):
    services.submit_application(actor=world.a.users[Role.STAFF], application=ready)
    for user in (world.b.users[Role.SCHOOL_ADMIN], world.a.users[Role.STAFF],
                 world.a.users[Role.OFFICER]):
        with pytest.raises(NotAllowed):
            services.school_certify(actor=user, application=ready)


def test_a_return_needs_a_reason_and_the_teacher_resubmits_as_a_new_round(world, ready):
    services.submit_application(actor=world.a.users[Role.STAFF], application=ready)
    with pytest.raises(ValidationError, match="เหตุผล"):
        services.school_return(actor=world.a.users[Role.SCHOOL_ADMIN], application=ready,
                               reason="  ")
    services.school_return(actor=world.a.users[Role.SCHOOL_ADMIN], application=ready,
                           reason="แผนการสอนไม่ตรงกับวีดิทัศน์")
    ready.refresh_from_db()
    assert ready.state == ApplicationState.RETURNED
    assert Notification.objects.filter(user=world.a.users[Role.STAFF],
                                       body__contains="แผนการสอน").exists()
    services.submit_application(actor=world.a.users[Role.STAFF], application=ready)
    ready.refresh_from_db()
    assert ready.round_no == 2
    assert [e.action for e in ready.events.all()] == [
        "created", "submitted", "school_returned", "submitted"]


# --- the office ----------------------------------------------------------------------------------

def test_the_head_checks_after_the_officer_and_roles_are_their_own(world, ready):
    to_office(world, ready)
    check = services.current_checks(ready).get(kind="tenure")
    with pytest.raises(ValidationError, match="เจ้าหน้าที่"):
        services.record_check(actor=world.a.users[Role.GROUP_HEAD], check=check, level="head",
                              passed=True)
    with pytest.raises(NotAllowed):
        services.record_check(actor=world.a.users[Role.GROUP_HEAD], check=check,
                              level="officer", passed=True)
    with pytest.raises(NotAllowed):
        services.record_check(actor=world.b.users[Role.OFFICER], check=check, level="officer",
                              passed=True)
    services.record_check(actor=world.a.users[Role.OFFICER], check=check, level="officer",
                          passed=True, note="ตรวจจาก ก.พ.7", upload=pdf_upload())
    check.refresh_from_db()
    assert check.officer_passed is True
    assert check.officer_file.name.endswith(".pdf")


def test_a_supporting_file_must_be_a_pdf_of_at_most_10_mb(world, ready):
    to_office(world, ready)
    check = services.current_checks(ready).get(kind="pa")
    with pytest.raises(ValidationError, match="PDF"):
        services.record_check(actor=world.a.users[Role.OFFICER], check=check, level="officer",
                              passed=True, upload=pdf_upload("x.pdf", b"MZ\x90\x00 not a pdf"))
    big = pdf_upload("big.pdf", PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="10 MB"):
        services.record_check(actor=world.a.users[Role.OFFICER], check=check, level="officer",
                              passed=True, upload=big)
    check.refresh_from_db()
    assert check.officer_passed is None


def test_the_director_certifies_only_when_every_check_passed_and_confirmed(world, ready):
    to_office(world, ready)
    director = world.a.users[Role.LAO_ADMIN]
    with pytest.raises(ValidationError, match="ยังตรวจสอบไม่ครบ"):
        services.office_certify(actor=director, application=ready, confirm=True)
    check_all(world, ready)
    with pytest.raises(ValidationError, match="ยืนยัน"):
        services.office_certify(actor=director, application=ready, confirm=False)
    with pytest.raises(NotAllowed):
        services.office_certify(actor=world.a.users[Role.OFFICER], application=ready,
                                confirm=True)
    services.office_certify(actor=director, application=ready, confirm=True)
    ready.refresh_from_db()
    assert ready.state == ApplicationState.QUALIFIED
    assert ready.certified_by == director
    assert Notification.objects.filter(user=world.a.users[Role.STAFF],
                                       subject__contains="ผ่านการตรวจสอบคุณสมบัติ").exists()


def test_a_failed_check_cannot_be_certified_and_the_office_returns_it(world, ready):
    to_office(world, ready)
    check_all(world, ready)
    pa = services.current_checks(ready).get(kind="pa")
    services.record_check(actor=world.a.users[Role.GROUP_HEAD], check=pa, level="head",
                          passed=False, note="PA3 ไม่มีลายมือชื่อ")
    with pytest.raises(ValidationError, match="ส่งคืน"):
        services.office_certify(actor=world.a.users[Role.LAO_ADMIN], application=ready,
                                confirm=True)
    services.office_return(actor=world.a.users[Role.LAO_ADMIN], application=ready,
                           reason="PA3 ไม่มีลายมือชื่อกรรมการ")
    ready.refresh_from_db()
    assert ready.state == ApplicationState.RETURNED
    # the teacher fixes and resubmits: a new round with its own checks; the old ones stay
    services.submit_application(actor=world.a.users[Role.STAFF], application=ready)
    services.school_certify(actor=world.a.users[Role.SCHOOL_ADMIN], application=ready)
    ready.refresh_from_db()
    assert ready.round_no == 2
    assert QualificationCheck.objects.filter(application=ready, round_no=1).count() == 5
    assert QualificationCheck.objects.filter(application=ready, round_no=2,
                                             head_passed__isnull=True).count() == 5
    old = QualificationCheck.objects.get(application=ready, round_no=1, kind="pa")
    with pytest.raises(ValidationError, match="ครั้งก่อน"):
        services.record_check(actor=world.a.users[Role.OFFICER], check=old, level="officer",
                              passed=True)


# --- certification is irreversible ---------------------------------------------------------------

@pytest.fixture
def certified(world, ready):
    to_office(world, ready)
    check_all(world, ready)
    services.office_certify(actor=world.a.users[Role.LAO_ADMIN], application=ready,
                            confirm=True)
    ready.refresh_from_db()
    return ready


def test_after_certification_the_services_refuse_every_change(world, certified):
    with pytest.raises(ValidationError):
        services.update_application(actor=world.a.users[Role.STAFF], application=certified,
                                    work_title="ใหม่")
    with pytest.raises(ValidationError):
        services.office_return(actor=world.a.users[Role.LAO_ADMIN], application=certified,
                               reason="ขอคืน")
    check = QualificationCheck.objects.filter(application=certified).first()
    with pytest.raises(ValidationError):
        services.record_check(actor=world.a.users[Role.OFFICER], check=check, level="officer",
                              passed=False)


@pytest.mark.django_db(transaction=True)
def test_after_certification_the_database_refuses_every_change(world, certified):
    """Even code that skips the services cannot change a certified request, its files or its
    checks (the triggers of migration 0003), on SQLite and on PostgreSQL alike."""
    attempts = [
        lambda: Application.objects.filter(pk=certified.pk).update(work_title="แก้ไข"),
        lambda: Application.objects.filter(pk=certified.pk).update(certified_at=None),
        lambda: Application.objects.filter(pk=certified.pk).delete(),
        lambda: EvidenceFile.objects.filter(application=certified).update(state="rejected"),
        lambda: EvidenceFile.objects.filter(application=certified).delete(),
        lambda: EvidenceFile.objects.create(application=certified, slot="outcome", position=2,
                                            file="x.pdf", original_name="x", size=1),
        lambda: QualificationCheck.objects.filter(application=certified).update(
            head_passed=False),
        lambda: QualificationCheck.objects.filter(application=certified).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(IntegrityError, match="certified"), transaction.atomic():
            attempt()
    certified.refresh_from_db()
    assert certified.work_title == "MARKER-A การสอนอ่าน"
    assert EvidenceFile.objects.filter(application=certified, state="valid").count() == 4
    # the committee's later steps may still move the state on
    Application.objects.filter(pk=certified.pk).update(updated_at=timezone.now())



@pytest.mark.django_db(transaction=True)
def test_raw_sql_cannot_move_a_certified_request_back(world, certified):
    """Migration 0010: the state of a certified request only moves the way the services move it;
    raw SQL putting it back to draft (where every edit would then fail on the lock) is refused."""
    from django.db import connection

    for state in ("draft", "returned", "at_office", "submitted"):
        with pytest.raises(IntegrityError, match="certified"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute("UPDATE appraisal_application SET state = %s WHERE id = %s",
                           [state, certified.pk])
    certified.refresh_from_db()
    assert certified.state == ApplicationState.QUALIFIED


@pytest.mark.django_db(transaction=True)
def test_a_certified_request_moves_on_as_the_services_move_it(world, certified):
    """Every move the draw, the invitations, the scoring and the outcome services make (each
    service's own tests run it too), including the step back when an invitation is cancelled;
    a step back any further is refused."""
    rows = Application.objects.filter(pk=certified.pk)
    S = ApplicationState  # noqa: N806 - short, as in a table
    for state in (S.PANEL_APPROVED, S.ASSESSORS_COMPLETE, S.PANEL_APPROVED, S.ASSESSORS_COMPLETE,
                  S.ASSESSED, S.RESULT_APPROVED, S.NOTIFIED, S.APPOINTED):
        rows.update(state=state)
        assert rows.get().state == state
    for back in (S.ASSESSED, S.QUALIFIED, S.RESULT_NOT_APPROVED):
        with pytest.raises(IntegrityError, match="certified"), transaction.atomic():
            rows.update(state=back)
    assert rows.get().state == S.APPOINTED

# --- transfers (ก.ค.ศ. 1437/2566) ----------------------------------------------------------------

def _moved(world, on):
    move = MoveRequest.objects.create(person=world.a.person, from_organization=world.a.school,
                                      to_organization=world.a.school2, reason="ย้าย",
                                      status=MoveStatus.ACCEPTED)
    MoveRequest.objects.filter(pk=move.pk).update(
        decided_at=timezone.make_aware(datetime.datetime.combine(on, datetime.time(9))))


def test_a_request_filed_before_the_transfer_stays_with_the_old_unit(world, ready):
    services.submit_application(actor=world.a.users[Role.STAFF], application=ready)
    _moved(world, timezone.localdate() + datetime.timedelta(days=1))
    services.school_certify(actor=world.a.users[Role.SCHOOL_ADMIN], application=ready)
    ready.refresh_from_db()
    assert ready.state == ApplicationState.AT_OFFICE
    assert ready.organization == world.a.school


def test_a_request_filed_on_the_day_the_transfer_takes_effect_is_returned(world, ready):
    services.submit_application(actor=world.a.users[Role.STAFF], application=ready)
    _moved(world, timezone.localdate())
    services.school_certify(actor=world.a.users[Role.SCHOOL_ADMIN], application=ready)
    ready.refresh_from_db()
    assert ready.state == ApplicationState.RETURNED
    assert "1437" in ready.return_reason
    assert ready.events.last().action == "transfer_returned"
    with pytest.raises(ValidationError, match="ย้ายออก"):
        services.submit_application(actor=world.a.users[Role.STAFF], application=ready)


# --- automatic checks that fail, with their reasons ----------------------------------------------

def test_the_automatic_checks_say_why_they_fail(world):
    person = world.a.person
    person.appointed_on = timezone.localdate() - datetime.timedelta(days=365 * 2)
    person.save()
    application = new_application(world)
    from appraisal.services import checks

    verdicts = {c.kind: c.verdict for c in checks.automatic_checks(application,
                                                                   timezone.localdate())}
    assert not verdicts["tenure"].passed
    assert not verdicts["pa"].passed
    assert not verdicts["licence"].passed
    assert not verdicts["evidence"].passed
    assert verdicts["discipline"].passed
    assert "4 ปี" in verdicts["tenure"].explanation


def test_pa_results_are_entered_by_the_school_and_pass_at_exactly_70(world):
    scores = {"part1_1": "42", "part1_2": "42", "part1_3": "42",
              "part2_1": "28", "part2_2": "28", "part2_3": "28"}
    result = pa_services.record_pa_result(
        actor=world.a.users[Role.SCHOOL_ADMIN], person=world.a.person, fiscal_year_be=2568,
        scores=scores, education_level="basic", teaching_hours=Decimal(12),
        total_hours=Decimal(20), pa3_file=pdf_upload())
    assert result.workload_met
    assert result.passed
    scores["part2_3"] = "27.99"
    result = pa_services.record_pa_result(
        actor=world.a.users[Role.SCHOOL_ADMIN], person=world.a.person, fiscal_year_be=2568,
        scores=scores, education_level="basic", teaching_hours=Decimal(12),
        total_hours=Decimal("19.5"))
    assert not result.workload_met
    assert not result.passed
    with pytest.raises(NotAllowed):
        pa_services.record_pa_result(
            actor=world.b.users[Role.SCHOOL_ADMIN], person=world.a.person, fiscal_year_be=2567,
            scores=scores, education_level="basic", teaching_hours=12, total_hours=20,
            pa3_file=pdf_upload())



def test_a_file_still_being_checked_holds_the_submission(world, ready):
    EvidenceFile.objects.filter(application=ready, slot="outcome").update(state="checking")
    with pytest.raises(ValidationError, match="ยังตรวจสอบไฟล์ไม่เสร็จ"):
        services.submit_application(actor=world.a.users[Role.STAFF], application=ready)
    ready.refresh_from_db()
    assert ready.state == ApplicationState.DRAFT
