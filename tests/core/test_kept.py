"""core/kept.py: list pages keep their rows between visits, and never show a row older than the
last change of something they show (an application, a check, a person, a unit) in the
province; a change in another province leaves them kept."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.rules import Role
from appraisal.choices import ApplicationState
from appraisal.models import QualificationCheck
from personnel.models import Person
from tests.appraisal.factories import make_application
from tests.factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("nothing_kept")]


def _visit(client, url, **params):
    with CaptureQueriesContext(connection) as ctx:
        html = client.get(url, params).content.decode()
    return html, len(ctx.captured_queries)


def test_the_office_queue_keeps_its_rows_until_the_province_changes(client, world):
    application = make_application(world.a.person, state=ApplicationState.AT_OFFICE,
                                   round_no=1)
    client.force_login(world.a.users[Role.LAO_ADMIN])
    url = reverse("office_queue")
    html, cold = _visit(client, url)
    assert html.count('data-testid="queue-row"') == 1
    _html, warm = _visit(client, url)
    assert warm <= cold - 3  # count, page and checks kept

    # a check of the request: the grid shows it at the next visit
    check = QualificationCheck.objects.create(application=application, round_no=1,
                                              kind="tenure", auto_passed=True)
    assert "text-success opacity-50" in _visit(client, url)[0]
    check.officer_passed = False
    check.save()
    assert '<span class="text-danger">✗</span>' in _visit(client, url)[0]

    # the applicant's name
    person = Person.objects.get(pk=world.a.person.pk)
    person.first_name = "เปลี่ยนชื่อ"
    person.save()
    assert "เปลี่ยนชื่อ" in _visit(client, url)[0]

    # the other province's requests change: province A's rows stay kept
    _visit(client, url)
    make_application(world.b.person, state=ApplicationState.AT_OFFICE, round_no=1)
    assert _visit(client, url)[1] == warm

    # a new request of the office, and another page of filters, are counted afresh
    make_application(PersonFactory(organization=world.a.school2),
                     state=ApplicationState.SUBMITTED, round_no=1)
    assert _visit(client, url)[0].count('data-testid="queue-row"') == 2
    assert _visit(client, url, state="submitted")[0].count('data-testid="queue-row"') == 1


def test_the_roster_keeps_its_rows_until_a_person_of_the_province_changes(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    url = reverse("roster")
    html, cold = _visit(client, url)
    assert world.a.person.last_name in html
    _html, warm = _visit(client, url)
    assert warm < cold

    moved = PersonFactory(organization=world.a.school, first_name="สมพงษ์ไปที่อื่น")
    assert "สมพงษ์ไปที่อื่น" in _visit(client, url)[0]
    moved.organization = world.b.school  # to the other province: the old roster lets go
    moved.save()
    assert "สมพงษ์ไปที่อื่น" not in _visit(client, url)[0]

    # a unit renamed
    school = world.a.school
    school.name = "โรงเรียนชื่อใหม่"
    school.save()
    assert "โรงเรียนชื่อใหม่" in _visit(client, url)[0]


def test_the_rows_of_an_import_show_at_once(client, world):
    """bulk_create sends no signal: the import service moves the rosters on itself."""
    from personnel import services
    from tests.factories import valid_national_id

    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    url = reverse("roster")
    assert "ศิริพรรณ" not in _visit(client, url)[0]
    services.import_people(actor=world.a.users[Role.SCHOOL_ADMIN], people=[
        {"organization": world.a.school, "national_id_number": valid_national_id(),
         "first_name": "ศิริพรรณ", "last_name": "ใหม่"}])
    assert "ศิริพรรณ" in _visit(client, url)[0]


def test_nothing_is_kept_with_kept_seconds_zero(client, world, settings):
    settings.KEPT_SECONDS = 0
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    url = reverse("roster")
    _html, first = _visit(client, url)
    assert _visit(client, url)[1] == first
