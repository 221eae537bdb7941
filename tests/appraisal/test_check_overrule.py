"""Issue 17 item 11: the teacher confirms submitting with a failed automatic check; the office
records every check in one call; overruling a failed automatic check needs a reason, which the
history and the audit keep (the service enforces it, not only the form)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEvent
from accounts.rules import Role
from appraisal.choices import ApplicationAction, ApplicationState
from appraisal.models import ApplicationEvent, QualificationCheck, SubjectArea
from appraisal.services import applications as services
from personnel.models import TeachingLicence
from tests.appraisal.factories import add_valid_files, qualified_record


@pytest.fixture
def without_licence(world):
    """A teacher qualified in every way but the licence (the licence check fails), with every
    file valid, in draft."""
    qualified_record(world.a.person, timezone.localdate())
    TeachingLicence.objects.filter(person=world.a.person).delete()
    application = services.create_application(
        actor=world.a.users[Role.STAFF], person=world.a.person, classroom_type="primary",
        subject_area=SubjectArea.objects.filter(classroom_type="primary").first(),
        work_title="การสอนอ่าน")
    add_valid_files(application)
    return application


def test_submitting_with_a_failed_check_needs_the_teachers_confirmation(world, without_licence):
    teacher = world.a.users[Role.STAFF]
    with pytest.raises(ValidationError) as caught:
        services.submit_application(actor=teacher, application=without_licence)
    assert "confirm_failed" in caught.value.message_dict
    assert "ใบอนุญาต" in caught.value.message_dict["confirm_failed"][0]
    without_licence.refresh_from_db()
    assert without_licence.state == ApplicationState.DRAFT
    services.submit_application(actor=teacher, application=without_licence, confirm_failed=True)
    without_licence.refresh_from_db()
    assert without_licence.state == ApplicationState.SUBMITTED
    event = without_licence.events.get(action=ApplicationAction.SUBMITTED)
    assert "ยืนยันยื่นคำขอ" in event.reason
    assert event.data["failed_checks"] == ["licence"]


@pytest.fixture
def at_office(world, without_licence):
    services.submit_application(actor=world.a.users[Role.STAFF], application=without_licence,
                                confirm_failed=True)
    services.school_certify(actor=world.a.users[Role.SCHOOL_ADMIN], application=without_licence)
    without_licence.refresh_from_db()
    assert without_licence.checks.get(kind="licence").auto_passed is False
    return without_licence


def everything_passed(application, **notes):
    return [{"check": c, "passed": True, "note": notes.get(c.kind, "")}
            for c in services.current_checks(application)]


def test_overruling_a_failed_check_without_a_reason_is_refused_and_changes_nothing(
        world, at_office):
    officer = world.a.users[Role.OFFICER]
    events_before = ApplicationEvent.objects.count()
    audits_before = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as caught:
        services.record_checks(actor=officer, application=at_office, level="officer",
                               results=everything_passed(at_office))
    assert "ต้องระบุเหตุผล" in caught.value.message_dict["licence"][0]
    assert set(caught.value.message_dict) == {"licence"}
    # not even the rows that were fine: one form, all or nothing
    assert not QualificationCheck.objects.filter(application=at_office,
                                                 officer_passed__isnull=False).exists()
    assert ApplicationEvent.objects.count() == events_before
    assert AuditEvent.objects.count() == audits_before
    # the single-check service refuses it too
    licence = at_office.checks.get(kind="licence")
    with pytest.raises(ValidationError, match="ต้องระบุเหตุผล"):
        services.record_check(actor=officer, check=licence, level="officer", passed=True,
                              note="   ")
    licence.refresh_from_db()
    assert licence.officer_passed is None


def test_overruling_with_a_reason_is_kept_in_the_history_and_the_audit(world, at_office):
    officer = world.a.users[Role.OFFICER]
    reason = "ตรวจสอบกับคุรุสภาแล้ว ใบอนุญาตต่ออายุเมื่อ 1 มี.ค. 2569 ยังไม่บันทึกในระบบ"
    saved = services.record_checks(actor=officer, application=at_office, level="officer",
                                   results=everything_passed(at_office, licence=reason))
    assert len(saved) == 5
    assert QualificationCheck.objects.filter(application=at_office,
                                             officer_passed=True).count() == 5
    event = at_office.events.get(action=ApplicationAction.CHECKED, data__kind="licence")
    assert reason in event.reason
    assert event.data["overruled"] is True
    audit = AuditEvent.objects.get(action="appraisal.application.checked",
                                   data__kind="licence")
    assert reason in audit.data["reason"]
    assert audit.data["overruled"] is True
    # a check the system passed needs no reason
    assert not at_office.events.get(action=ApplicationAction.CHECKED, data__kind="pa").reason

    # the group head overruling too: the same rule at the second level
    head = world.a.users[Role.GROUP_HEAD]
    with pytest.raises(ValidationError, match="ต้องระบุเหตุผล"):
        services.record_checks(actor=head, application=at_office, level="head",
                               results=everything_passed(at_office))
    services.record_checks(actor=head, application=at_office, level="head",
                           results=everything_passed(at_office, licence="เห็นด้วยกับเจ้าหน้าที่"))
    services.office_certify(actor=world.a.users[Role.LAO_ADMIN], application=at_office,
                            confirm=True)


def test_recording_a_failed_check_as_failed_needs_no_reason(world, at_office):
    results = everything_passed(at_office, licence="")
    for row in results:
        if row["check"].kind == "licence":
            row["passed"] = False
    services.record_checks(actor=world.a.users[Role.OFFICER], application=at_office,
                           level="officer", results=results)
    assert at_office.checks.get(kind="licence").officer_passed is False
