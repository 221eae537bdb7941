"""The application pages: thin views over the services, scoped like everything else."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.rules import Role
from appraisal.models import Application, SubjectArea
from tests.appraisal.test_workflow import add_valid_files, check_all, qualify, to_office
from tests.factories import PersonFactory
from tests.querybudget import assert_query_budget


@pytest.fixture
def teacher(world, login):
    qualify(world.a.person)
    return login(world.a.users[Role.STAFF])


def _create(client):
    area = SubjectArea.objects.get(classroom_type="primary", name="สาขาภาษาอังกฤษ")
    return client.post(reverse("application_new"), {
        "classroom_type": "primary", "subject_area": area.pk,
        "work_title": "MARKER-A การอ่านภาษาอังกฤษ", "shorten_ground": ""})


def test_the_teacher_creates_a_request_and_sees_what_will_fail(world, teacher):
    page = teacher.get(reverse("application_new")).content.decode()
    assert "ชำนาญการ" in page
    response = _create(teacher)
    application = Application.objects.get()
    assert response["Location"] == reverse("application_detail", args=[application.pk])
    page = teacher.get(response["Location"]).content.decode()
    assert 'data-testid="preview-checks"' in page
    assert 'data-testid="preview-evidence"' in page
    # the evidence is missing: the preview says so before submitting
    assert "แผนการจัดการเรียนรู้" in page
    assert world.a.person.masked_national_id in page
    assert world.a.person.national_id not in page


def test_a_wrong_subject_area_keeps_what_was_typed(world, teacher):
    area = SubjectArea.objects.get(classroom_type="early_childhood")
    response = teacher.post(reverse("application_new"), {
        "classroom_type": "primary", "subject_area": area.pk, "work_title": "ชื่อที่พิมพ์ไว้"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "ว31/2565" in page
    assert "ชื่อที่พิมพ์ไว้" in page
    assert not Application.objects.exists()


def test_the_whole_path_through_the_pages(world, teacher, client, login):
    _create(teacher)
    application = Application.objects.get()
    add_valid_files(application)
    action = lambda name: reverse("application_action", args=[application.pk, name])  # noqa: E731
    teacher.post(action("submit"))
    application.refresh_from_db()
    assert application.state == "submitted"

    school = login(world.a.users[Role.SCHOOL_ADMIN])
    page = school.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="school-certify"' in page
    school.post(action("school-certify"))
    application.refresh_from_db()
    assert application.state == "at_office"

    officer = login(world.a.users[Role.OFFICER])
    page = officer.get(reverse("application_detail", args=[application.pk])).content.decode()
    # one form for every check (issue 17 item 11), not one form a check
    assert page.count('data-testid="checks-form-officer"') == 1
    assert page.count('data-testid="checks-row-') == 5
    assert 'data-testid="director-actions"' not in page
    response = officer.post(reverse("checks_record", args=[application.pk, "officer"]), {
        "tenure-passed": "1", "tenure-note": "ตรวจแล้ว", "pa-passed": "1", "licence-passed": "1",
        "discipline-passed": "1", "evidence-passed": "0", "evidence-note": "วีดิทัศน์ไม่ชัด"})
    assert response.status_code == 302
    assert {c.kind: c.officer_passed for c in application.checks.all()} == {
        "tenure": True, "pa": True, "licence": True, "discipline": True, "evidence": False}
    assert application.checks.get(kind="evidence").officer_note == "วีดิทัศน์ไม่ชัด"
    check_all(world, application)

    director = login(world.a.users[Role.LAO_ADMIN])
    response = director.post(action("office-certify"), follow=True)
    assert "ยืนยัน" in response.content.decode()
    director.post(action("office-certify"), {"confirm": "on"})
    application.refresh_from_db()
    assert application.state == "qualified"
    page = director.get(reverse("application_detail", args=[application.pk])).content.decode()
    assert 'data-testid="certified-note"' in page
    assert 'data-testid="director-actions"' not in page


def test_another_province_gets_404_on_the_request_and_its_actions(world, teacher, login):
    _create(teacher)
    application = Application.objects.get()
    for role in (Role.SCHOOL_ADMIN, Role.OFFICER, Role.LAO_ADMIN, Role.STAFF):
        client = login(world.b.users[role])
        assert client.get(reverse("application_detail", args=[application.pk])).status_code == 404
        assert client.post(reverse("application_action",
                                   args=[application.pk, "submit"])).status_code == 404
        if role != Role.STAFF:
            assert "MARKER-A" not in client.get(reverse("office_queue")).content.decode()


def test_the_queue_shows_the_grid_and_exports_it(world, teacher, login):
    _create(teacher)
    application = Application.objects.get()
    add_valid_files(application)
    to_office(world, application)
    officer = login(world.a.users[Role.OFFICER])
    page = officer.get(reverse("office_queue")).content.decode()
    assert page.count('data-testid="grid-cell"') == 5
    response = officer.get(reverse("office_queue_xlsx"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == world.a.person.full_name_th
    assert rows[1][-5:] == ("✓", "✓", "✓", "✓", "✓")
    assert login(world.b.users[Role.OFFICER]).get(reverse("office_queue_xlsx")).content.count(
        b"MARKER-A") == 0


def test_the_queue_costs_the_same_queries_with_more_requests(world, login):
    officer = login(world.a.users[Role.OFFICER])
    area = SubjectArea.objects.first()

    def grow(n):
        for _ in range(n - Application.objects.count()):
            person = PersonFactory(organization=world.a.school)
            Application.objects.create(
                person=person, organization=world.a.school, office=world.a.lao,
                current_standing="none", requested_standing="professional",
                classroom_type=area.classroom_type, subject_area=area, work_title="x",
                state="submitted", round_no=1)

    def check(response, n):
        assert response.content.decode().count('data-testid="queue-row"') == n

    assert_query_budget(lambda: officer.get(reverse("office_queue")), grow, budget=12,
                        sizes=(2, 30), check=check)


def test_the_one_check_form_keeps_what_was_typed_when_an_overrule_has_no_reason(
        world, teacher, login):
    _create(teacher)
    application = Application.objects.get()
    add_valid_files(application)
    to_office(world, application)
    application.checks.filter(kind="pa").update(auto_passed=False)
    officer = login(world.a.users[Role.OFFICER])
    response = officer.post(reverse("checks_record", args=[application.pk, "officer"]), {
        "tenure-passed": "1", "tenure-note": "ตรวจจาก ก.พ.7 แล้ว", "pa-passed": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'data-testid="checks-error-pa"' in page
    assert "ต้องระบุเหตุผล" in page
    assert "ตรวจจาก ก.พ.7 แล้ว" in page  # what was typed is still there
    assert not application.checks.filter(officer_passed__isnull=False).exists()
