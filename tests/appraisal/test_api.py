"""The appraisal API (issue 5 item 8): PA results, applications and their transitions, files,
checks; scoped like the pages, the same services, in the OpenAPI schema."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.rules import Role
from appraisal.choices import CheckKind
from appraisal.models import Application, PAResult, QualificationCheck, SubjectArea
from tests.appraisal.factories import (
    add_valid_files,
    make_application,
    make_pa_result,
    qualified_record,
)
from tests.factories import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db

APPS = "/api/v1/applications/"


@pytest.fixture
def api():
    return APIClient()


def as_(api, user):
    api.force_authenticate(user)
    return api


@pytest.fixture
def application(world):
    """Side A's teacher, fully qualified, with a draft request and its four valid files."""
    qualified_record(world.a.person, timezone.localdate())
    application = make_application(world.a.person)
    add_valid_files(application)
    return application


def post(api, user, url, data=None, **kw):
    return as_(api, user).post(url, data or {}, format=kw.pop("format", "json"), **kw)


def url(application, action=""):
    return f"{APPS}{application.pk}/" + (f"{action}/" if action else "")


def no_national_id(response, world):
    text = response.content.decode()
    assert world.a.person.national_id not in text
    return response


# --- the path through the API -----------------------------------------------------------------


def test_the_applicant_creates_edits_and_submits(api, world):
    teacher = world.a.users[Role.STAFF]
    qualified_record(world.a.person, timezone.localdate())
    area = SubjectArea.objects.filter(classroom_type="primary").first()
    r = post(api, teacher, APPS, {"classroom_type": "primary", "subject_area": area.pk,
                                  "work_title": "  การอ่านจับใจความ  "})
    assert r.status_code == 201, r.json()
    body = no_national_id(r, world).json()
    assert body["state"] == "draft"
    assert body["requested_standing"] == "professional"
    assert body["national_id"] == world.a.person.masked_national_id
    assert body["work_title"] == "การอ่านจับใจความ"
    application = Application.objects.get(pk=body["id"])

    r = as_(api, teacher).patch(url(application), {"work_title": "การคิดวิเคราะห์"},
                                format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["work_title"] == "การคิดวิเคราะห์"

    r = post(api, teacher, url(application, "submit"))
    assert r.status_code == 400  # no evidence yet
    assert "ไฟล์หลักฐานยังไม่ครบ" in " ".join(r.json())
    preview = as_(api, teacher).get(url(application, "preview-checks")).json()
    assert {p["kind"] for p in preview} == set(CheckKind.values)
    evidence = next(p for p in preview if p["kind"] == CheckKind.EVIDENCE)
    assert evidence["passed"] is False
    assert "ยังไม่ได้ส่ง" in evidence["explanation"]

    add_valid_files(application)
    files = as_(api, teacher).get(url(application, "files")).json()
    assert len(files) == 4
    assert {f["state"] for f in files} == {"valid"}
    assert {"pages", "duration_seconds", "reason", "slot"} <= set(files[0])
    preview = as_(api, teacher).get(url(application, "preview-checks")).json()
    assert all(p["passed"] for p in preview), preview

    r = post(api, teacher, url(application, "submit"))
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "submitted"
    assert r.json()["round_no"] == 1


def test_someone_else_may_not_create_or_edit_the_request(api, world, application):
    r = post(api, world.a.users[Role.SCHOOL_ADMIN], APPS,
             {"classroom_type": "primary", "subject_area": application.subject_area_id,
              "work_title": "แทนครู"})
    assert r.status_code == 403  # the school admin has no record of their own
    r = as_(api, world.a.users[Role.SCHOOL_ADMIN]).patch(url(application), {"work_title": "x"},
                                                        format="json")
    assert r.status_code == 403
    r = post(api, world.a.users[Role.SCHOOL_ADMIN], url(application, "submit"))
    assert r.status_code == 403


def test_the_school_returns_then_certifies(api, world, application):
    teacher, school = world.a.users[Role.STAFF], world.a.users[Role.SCHOOL_ADMIN]
    assert post(api, teacher, url(application, "submit")).status_code == 200
    r = post(api, teacher, url(application, "school-certify"))
    assert r.status_code == 403
    r = post(api, school, url(application, "school-return"), {"reason": "  "})
    assert r.status_code == 400
    assert "กรุณาระบุเหตุผลที่ส่งคืน" in str(r.json())
    r = post(api, school, url(application, "school-return"), {"reason": "แผนการสอนไม่ตรงวีดิทัศน์"})
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "returned"
    assert r.json()["return_reason"] == "แผนการสอนไม่ตรงวีดิทัศน์"

    assert post(api, teacher, url(application, "submit")).json()["round_no"] == 2
    r = post(api, school, url(application, "school-certify"))
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["state"] == "at_office"
    assert body["entered_on"] == timezone.localdate().isoformat()
    assert body["snapshot"]["national_id_masked"] == world.a.person.masked_national_id
    no_national_id(r, world)

    checks = as_(api, school).get(url(application, "checks")).json()
    assert {c["kind"] for c in checks} == set(CheckKind.values)
    assert {c["round_no"] for c in checks} == {2}
    assert all(c["auto_passed"] for c in checks), checks

    history = as_(api, teacher).get(url(application, "history")).json()
    assert [e["action"] for e in history] == ["submitted", "school_returned", "submitted",
                                              "school_certified"]
    assert history[1]["reason"] == "แผนการสอนไม่ตรงวีดิทัศน์"


@pytest.fixture
def at_office(api, world, application):
    assert post(api, world.a.users[Role.STAFF], url(application, "submit")).status_code == 200
    assert post(api, world.a.users[Role.SCHOOL_ADMIN],
                url(application, "school-certify")).status_code == 200
    return application


def record(api, user, check, **data):
    return as_(api, user).post(f"/api/v1/qualification-checks/{check.pk}/record/", data,
                               format=data.pop("_format", "multipart"))


def test_the_office_checks_and_certifies(api, world, at_office):
    officer, head = world.a.users[Role.OFFICER], world.a.users[Role.GROUP_HEAD]
    director = world.a.users[Role.LAO_ADMIN]
    checks = list(QualificationCheck.objects.filter(application=at_office))
    assert len(checks) == 5

    r = post(api, director, url(at_office, "office-certify"), {"confirm": True})
    assert r.status_code == 400
    assert "ยังตรวจสอบไม่ครบ" in str(r.json())

    r = record(api, head, checks[0], level="head", passed=True)
    assert r.status_code == 400  # the officer first
    assert "รอเจ้าหน้าที่ตรวจสอบ" in str(r.json())
    r = record(api, officer, checks[0], level="head", passed=True)
    assert r.status_code == 403  # an officer is not the group head
    r = record(api, officer, checks[0], level="officer")
    assert r.status_code == 400
    assert "กรุณาเลือกผลการตรวจสอบ" in str(r.json())

    pdf = SimpleUploadedFile("support.pdf", PDF_BYTES, content_type="application/pdf")
    r = record(api, officer, checks[0], level="officer", passed=True, note="ตรวจแล้ว", file=pdf)
    assert r.status_code == 200, r.json()
    assert r.json()["officer_passed"] is True
    assert r.json()["officer_has_file"] is True
    assert r.json()["officer_by_name"] == officer.full_name_th
    fake = SimpleUploadedFile("support.pdf", PNG_BYTES, content_type="application/pdf")
    r = record(api, officer, checks[1], level="officer", passed=True, file=fake)
    assert r.status_code == 400
    assert "ไม่ใช่ไฟล์ PDF" in str(r.json())
    for check in checks:
        assert record(api, officer, check, level="officer", passed=True,
                      _format="json").status_code == 200
        assert record(api, head, check, level="head", passed="true").status_code == 200

    assert post(api, officer, url(at_office, "rerun-checks")).status_code == 200
    r = post(api, officer, url(at_office, "office-certify"), {"confirm": True})
    assert r.status_code == 403  # the director certifies
    r = post(api, director, url(at_office, "office-certify"), {"confirm": False})
    assert r.status_code == 400
    assert "กรุณายืนยัน" in str(r.json())
    r = post(api, director, url(at_office, "office-certify"), {"confirm": True})
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "qualified"
    assert r.json()["certified_by_name"] == director.full_name_th
    # irreversible: no return, no new check
    r = post(api, director, url(at_office, "office-return"), {"reason": "ขอแก้"})
    assert r.status_code == 400
    assert record(api, officer, checks[0], level="officer", passed=False).status_code == 400


def test_the_office_returns_with_a_reason(api, world, at_office):
    director = world.a.users[Role.LAO_ADMIN]
    r = post(api, director, url(at_office, "office-return"), {})
    assert r.status_code == 400
    r = post(api, director, url(at_office, "office-return"), {"reason": "ใบอนุญาตไม่ชัด"})
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "returned"
    assert post(api, world.a.users[Role.OFFICER],
                url(at_office, "rerun-checks")).status_code == 400  # not at the office now


# --- scoping --------------------------------------------------------------------------------


def test_another_provinces_users_get_404_and_empty_lists(api, world, at_office):
    check = QualificationCheck.objects.filter(application=at_office).first()
    result = make_pa_result(world.a.person, 2566)
    for role in (Role.PROVINCE_ADMIN, Role.OFFICER, Role.GROUP_HEAD, Role.LAO_ADMIN,
                 Role.SCHOOL_ADMIN, Role.STAFF):
        user = world.b.users[role]
        client = as_(api, user)
        assert client.get(APPS).json()["results"] == []
        assert client.get("/api/v1/pa-results/").json()["results"] == []
        assert client.get(url(at_office)).status_code == 404
        for action in ("checks", "preview-checks", "history", "files"):
            assert client.get(url(at_office, action)).status_code == 404
        for action in ("submit", "school-certify", "school-return", "office-certify",
                       "office-return", "rerun-checks"):
            assert post(api, user, url(at_office, action), {"reason": "x"}).status_code == 404
        assert record(api, user, check, level="officer", passed=True).status_code == 404
        assert client.get(f"/api/v1/pa-results/{result.pk}/").status_code == 404
        assert client.get(f"/api/v1/pa-results/{result.pk}/pa3/").status_code == 404
    at_office.refresh_from_db()
    assert at_office.state == "at_office"


def test_lists_are_scoped_and_mask_national_ids(api, world, application):
    make_application(world.b.person)
    r = as_(api, world.a.users[Role.PROVINCE_ADMIN]).get(APPS)
    assert [a["id"] for a in r.json()["results"]] == [application.pk]
    no_national_id(r, world)
    r = as_(api, world.a.users[Role.STAFF]).get(APPS, {"state": "draft"})
    assert [a["id"] for a in r.json()["results"]] == [application.pk]
    assert as_(api, world.a.users[Role.STAFF]).get(APPS, {"state": "qualified"}).json()[
        "count"] == 0


# --- PA results -----------------------------------------------------------------------------


def pa_data(person, **extra):
    data = {"person": person.pk, "fiscal_year_be": 2567, "education_level": "basic",
            "teaching_hours": "12", "total_hours": "20",
            "part1_1": "42", "part2_1": "28", "part1_2": "50", "part2_2": "30",
            "part1_3": "55", "part2_3": "35",
            "pa3_file": SimpleUploadedFile("pa3.pdf", PDF_BYTES, content_type="application/pdf")}
    data.update(extra)
    return data


def test_pa_results_are_entered_and_read_through_the_api(api, world):
    admin = world.a.users[Role.SCHOOL_ADMIN]
    r = as_(api, admin).post("/api/v1/pa-results/", pa_data(world.a.person), format="multipart")
    assert r.status_code == 201, r.json()
    body = no_national_id(r, world).json()
    assert body["totals"] == ["70.00", "80.00", "90.00"]
    assert body["passed"] is True
    assert body["workload_met"] is True
    assert body["national_id"] == world.a.person.masked_national_id
    r = as_(api, world.a.users[Role.STAFF]).get(body["pa3_url"])
    assert r.status_code == 200
    assert b"".join(r.streaming_content).startswith(b"%PDF")

    # a correction without a file keeps the PDF; 69.99 fails
    r = as_(api, admin).post("/api/v1/pa-results/", pa_data(
        world.a.person, part2_1="27.99", pa3_file=""), format="multipart")
    assert r.status_code == 201, r.json()
    assert r.json()["passed"] is False
    assert PAResult.objects.get().part2_1 == Decimal("27.99")

    listed = as_(api, world.a.users[Role.OFFICER]).get(
        "/api/v1/pa-results/", {"fiscal_year_be": 2567}).json()
    assert [p["id"] for p in listed["results"]] == [body["id"]]


def test_pa_results_refuse_a_non_pdf_and_other_provinces(api, world):
    admin = world.a.users[Role.SCHOOL_ADMIN]
    fake = SimpleUploadedFile("pa3.pdf", PNG_BYTES, content_type="application/pdf")
    r = as_(api, admin).post("/api/v1/pa-results/", pa_data(world.a.person, pa3_file=fake),
                             format="multipart")
    assert r.status_code == 400
    assert "ไม่ใช่ไฟล์ PDF" in str(r.json()["pa3_file"])
    r = as_(api, admin).post("/api/v1/pa-results/", pa_data(world.a.person, part1_1="61"),
                             format="multipart")
    assert r.status_code == 400
    r = as_(api, world.b.users[Role.SCHOOL_ADMIN]).post(
        "/api/v1/pa-results/", pa_data(world.a.person), format="multipart")
    assert r.status_code == 404
    r = as_(api, world.a.users[Role.STAFF]).post(
        "/api/v1/pa-results/", pa_data(world.a.person), format="multipart")
    assert r.status_code == 403  # the teacher does not enter their own result
    assert not PAResult.objects.exists()


# --- the schema -----------------------------------------------------------------------------


def test_the_appraisal_api_is_in_the_openapi_schema(client):
    r = client.get("/api/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    for path in ("/api/v1/applications/", "/api/v1/applications/{id}/school-certify/",
                 "/api/v1/applications/{id}/preview-checks/", "/api/v1/applications/{id}/files/",
                 "/api/v1/pa-results/", "/api/v1/qualification-checks/{id}/record/"):
        assert path in text, path
    assert "tus" in text  # evidence uploads go through the resumable endpoint
