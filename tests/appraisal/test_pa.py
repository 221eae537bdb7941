"""PA results (RULES.md §4.3, issue 5 item 1): entry by the school admin, the 70% rule, the
workload computed from the hours, the PA3 PDF, scoping, and the section on the person page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.exceptions import NotAllowed
from accounts.models import AuditEvent, Membership
from accounts.rules import Role
from appraisal.models import PAResult
from appraisal.services import pa as pa_services
from personnel.models import Person
from tests.appraisal.factories import make_pa_result, split_total
from tests.factories import PDF_BYTES, PNG_BYTES, PersonFactory, valid_national_id
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db

LIST, NEW = "/appraisal/pa/", "/appraisal/pa/new/"


def pdf(name="pa3.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def scores(*totals):
    """Scores whose assessor totals are ``totals`` (60:40 between the parts)."""
    data = {}
    for n, total in enumerate(totals, start=1):
        data[f"part1_{n}"], data[f"part2_{n}"] = split_total(total)
    return data


def record(person, year=2567, totals=(80, 80, 80), *, level="basic", teaching=18, total=25,
           actor=None, upload=None, **kw):
    """Through the service, by the school admin of the person's school unless ``actor``."""
    if actor is None:
        actor = Membership.objects.get(organization=person.organization,
                                       role=Role.SCHOOL_ADMIN).user
    return pa_services.record_pa_result(
        actor=actor, person=person, fiscal_year_be=year, scores=scores(*totals),
        education_level=level, teaching_hours=teaching, total_hours=total,
        pa3_file=upload if upload is not None else pdf(), **kw)


def form_data(person, year=2567, totals=(80, 80, 80), **extra):
    data = {"person": person.pk, "fiscal_year_be": year, "education_level": "basic",
            "teaching_hours": "18", "total_hours": "25",
            **{k: str(v) for k, v in scores(*totals).items()}}
    data.update(extra)
    return data


# --- through the service --------------------------------------------------------------------


def test_exactly_70_per_assessor_passes_and_69_99_fails(world):
    admin = world.a.users[Role.SCHOOL_ADMIN]
    result = record(world.a.person, totals=("70.00", "70.00", "70.00"), actor=admin)
    assert result.totals == (Decimal("70.00"),) * 3
    assert result.passed is True
    result = record(world.a.person, totals=("70.00", "69.99", "100.00"), actor=admin)
    assert result.passed is False
    assert PAResult.objects.get().part1_2 + PAResult.objects.get().part2_2 == Decimal("69.99")


def test_the_workload_is_computed_from_the_hours(world):
    person = world.a.person
    assert record(person, 2565, level="basic", teaching=12, total=20).workload_met is True
    assert record(person, 2566, level="basic", teaching="11.5", total=30).workload_met is False
    assert record(person, 2567, level="basic", teaching=20, total="19.5").workload_met is False
    assert record(person, 2568, level="early_childhood", teaching=6, total=14).workload_met
    # all three totals pass, but a workload below the standard fails the year
    assert record(person, 2566, level="basic", teaching=10, total=20).passed is False


def test_only_those_who_work_on_the_school_may_record(world):
    with pytest.raises(NotAllowed):
        record(world.a.person, actor=world.b.users[Role.SCHOOL_ADMIN])
    with pytest.raises(NotAllowed):  # the teacher does not enter their own result
        record(world.a.person, actor=world.a.users[Role.STAFF])
    assert not PAResult.objects.exists()


def test_a_non_pdf_is_refused_and_nothing_changes(world):
    original = record(world.a.person, totals=(80, 80, 80))
    stored = original.pa3_file.name
    fake = SimpleUploadedFile("pa3.pdf", PNG_BYTES, content_type="application/pdf")
    with pytest.raises(ValidationError) as caught:
        record(world.a.person, totals=(60, 60, 60), upload=fake)
    assert "ไม่ใช่ไฟล์ PDF" in str(caught.value)
    result = PAResult.objects.get()
    assert result.totals == (Decimal(80),) * 3
    assert result.pa3_file.name == stored


# --- the pages ------------------------------------------------------------------------------


def test_the_school_admin_enters_a_result_through_the_form(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    html = client.get(NEW).content.decode()
    assert world.a.person.full_name_th in html
    assert world.b.person.full_name_th not in html  # the dropdown lists only people in reach
    r = client.post(NEW, {**form_data(world.a.person, totals=(75, "70.00", 88)),
                          "pa3_file": pdf()})
    assert r.status_code == 302, r.content.decode()
    result = PAResult.objects.get()
    assert result.organization == world.a.school
    assert result.entered_by == world.a.users[Role.SCHOOL_ADMIN]
    assert result.workload_met is True
    assert result.passed is True
    assert AuditEvent.objects.filter(action="appraisal.pa_result").exists()
    html = client.get(r["Location"]).content.decode()
    assert "✓ ผ่าน" in html
    assert "70.00" in html


def test_69_99_shows_as_failed_on_the_list(client, world):
    make_pa_result(world.a.person, 2567, totals=("70.00", "69.99", "90.00"))
    other = PersonFactory(organization=world.a.school2, first_name="ผ่านพอดี")
    make_pa_result(other, 2567, totals=("70.00", "70.00", "70.00"))
    client.force_login(world.a.users[Role.LAO_ADMIN])
    html = client.get(LIST).content.decode()
    rows = html.split('data-testid="pa-row"')[1:]
    failed = next(r for r in rows if world.a.person.full_name_th in r)
    passed = next(r for r in rows if "ผ่านพอดี" in r)
    assert "✗ ไม่ผ่าน" in failed
    assert "69.99" in failed
    assert "✓ ผ่าน" in passed


def test_a_non_pdf_upload_keeps_the_other_values_and_changes_nothing(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    fake = SimpleUploadedFile("pa3.pdf", PNG_BYTES, content_type="application/pdf")
    r = client.post(NEW, {**form_data(world.a.person, totals=(75, 80, 85)),
                          "teaching_hours": "17.5", "pa3_file": fake})
    assert r.status_code == 200
    html = r.content.decode()
    assert "ไฟล์นี้ไม่ใช่ไฟล์ PDF" in html
    assert 'value="17.5"' in html
    assert 'value="30.00"' in html  # assessor 1's part 2, as typed
    assert not PAResult.objects.exists()


def test_a_new_result_needs_the_pa3_file(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post(NEW, form_data(world.a.person))
    assert r.status_code == 200
    assert "กรุณาแนบแบบ PA3 (PDF)" in r.content.decode()
    assert not PAResult.objects.exists()


def test_scores_above_the_maximum_are_refused(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post(NEW, {**form_data(world.a.person), "part1_1": "60.01", "pa3_file": pdf()})
    assert r.status_code == 200
    assert 'data-testid="field-error"' in r.content.decode()
    assert not PAResult.objects.exists()


def test_a_correction_keeps_the_file_and_recomputes(client, world):
    # entered_by is NULL (an imported row, or its user deleted): the correction still works
    result = make_pa_result(world.a.person, 2567, totals=(80, 80, 80))
    assert result.entered_by is None
    stored = result.pa3_file.name
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    url = f"/appraisal/pa/{result.pk}/edit/"
    html = client.get(url).content.decode()
    assert 'value="48.00"' in html  # assessor 1's part 1 as stored
    r = client.post(url, {**form_data(world.a.person, totals=(80, 80, 80)),
                          "teaching_hours": "8", "total_hours": "12"})
    assert r.status_code == 302
    result.refresh_from_db()
    assert result.workload_met is False
    assert result.passed is False
    assert result.pa3_file.name == stored


def test_the_pa3_download_is_for_those_allowed(client, world):
    result = make_pa_result(world.a.person, 2567)
    url = f"/appraisal/pa/{result.pk}/pa3.pdf"
    for user in (world.a.users[Role.SCHOOL_ADMIN], world.a.users[Role.OFFICER],
                 world.a.users[Role.STAFF]):  # the teacher's own
        client.force_login(user)
        r = client.get(url)
        assert r.status_code == 200
        assert r["Content-Type"] == "application/pdf"
        assert b"".join(r.streaming_content).startswith(b"%PDF")
    for role in (Role.SCHOOL_ADMIN, Role.PROVINCE_ADMIN, Role.STAFF):
        client.force_login(world.b.users[role])
        assert client.get(url).status_code == 404


def test_another_provinces_users_get_404_and_an_empty_list(client, world):
    result = make_pa_result(world.a.person, 2567)
    client.force_login(world.b.users[Role.SCHOOL_ADMIN])
    assert client.get(f"/appraisal/pa/{result.pk}/edit/").status_code == 404
    assert client.post(f"/appraisal/pa/{result.pk}/edit/",
                       form_data(world.a.person)).status_code == 404
    html = client.get(LIST).content.decode()
    assert "MARKER-A" not in html
    assert 'data-testid="pa-row"' not in html
    # a person outside the dropdown is an invalid choice: nothing is written
    r = client.post(NEW, {**form_data(world.a.person, year=2568), "pa3_file": pdf()})
    assert r.status_code == 200
    assert PAResult.objects.count() == 1


def test_the_teacher_sees_their_result_but_does_not_enter_or_correct(client, world):
    result = make_pa_result(world.a.person, 2567)
    client.force_login(world.a.users[Role.STAFF])
    assert 'data-testid="pa-row"' in client.get(LIST).content.decode()
    assert client.get(NEW).status_code == 404
    assert client.get(f"/appraisal/pa/{result.pk}/edit/").status_code == 404


def test_the_list_filters_by_year_and_school(client, world):
    make_pa_result(world.a.person, 2566)
    make_pa_result(world.a.person, 2567)
    other = PersonFactory(organization=world.a.school2, first_name="ศพด")
    make_pa_result(other, 2567)
    client.force_login(world.a.users[Role.LAO_ADMIN])
    html = client.get(LIST, {"fiscal_year_be": 2567}).content.decode()
    assert html.count('data-testid="pa-row"') == 2
    html = client.get(LIST, {"fiscal_year_be": 2567, "school": world.a.school2.pk}).content
    assert html.decode().count('data-testid="pa-row"') == 1
    # a school outside the user's reach is not a choice: the filter is ignored, not obeyed
    html = client.get(LIST, {"school": world.b.school.pk}).content.decode()
    assert "MARKER-B" not in html


def test_the_list_queries_do_not_grow(client, world):
    client.force_login(world.a.users[Role.LAO_ADMIN])

    def grow(n):
        have = PAResult.objects.count()
        for i in range(have, n):
            person = Person.objects.create(national_id=valid_national_id(),
                                           first_name=f"ครู{i:03d}", last_name="ทดสอบ",
                                           organization=world.a.school)
            make_pa_result(person, 2567)

    def check(response, n):
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="pa-row"') == min(n, 50)

    assert_query_budget(lambda: client.get(LIST), grow, budget=10, sizes=(3, 60), check=check)


# --- the person page ------------------------------------------------------------------------


def test_the_person_page_shows_the_pa_section(client, world):
    result = make_pa_result(world.a.person, 2567, totals=("70.00", "85.50", "90.00"))
    make_pa_result(world.a.person, 2566, totals=(60, 80, 80))
    client.force_login(world.a.users[Role.STAFF])  # the teacher's own record
    html = client.get(f"/personnel/{world.a.person.pk}/").content.decode()
    assert 'data-testid="section-pa"' in html
    section = html.split('data-testid="section-pa"')[1].split("</section>")[0]
    assert "2567" in section
    assert "85.50" in section
    assert "✓ ผ่าน" in section
    assert "✗ ไม่ผ่าน" in section
    assert f"/appraisal/pa/{result.pk}/pa3.pdf" in section
    assert 'data-testid="add-pa"' not in section  # the teacher does not enter results
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    html = client.get(f"/personnel/{world.a.person.pk}/").content.decode()
    assert f"/appraisal/pa/new/?person={world.a.person.pk}" in html


def test_the_person_page_queries_do_not_grow_with_pa_results(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    person = world.a.person

    def grow(n):
        have = person.pa_results.count()
        for year in range(2550 + have, 2550 + n):
            make_pa_result(person, year)

    assert_query_budget(lambda: client.get(f"/personnel/{person.pk}/"), grow, budget=20,
                        sizes=(1, 8))


def test_the_entry_form_preselects_the_person_from_the_record(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    html = client.get(NEW, {"person": world.a.person.pk}).content.decode()
    assert f'<option value="{world.a.person.pk}" selected>' in html
    assert datetime.date.today().year + 543 - 1 <= int(
        html.split('name="fiscal_year_be" value="')[1][:4]) <= datetime.date.today().year + 544
