"""The e-Learning API: the same services and selectors, in the OpenAPI schema."""

import datetime

import pytest
from rest_framework.test import APIClient

from accounts.rules import Role
from elearning import rules, services
from elearning.models import Completion, UnitReport
from tests.elearning import helpers
from tests.elearning.helpers import DAY_IN_2569_R1, png

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_channels_courses_and_rounds_are_listed(world, round1):
    helpers.course()
    client = api(world.a.users[Role.STAFF])
    channels = client.get("/api/v1/elearning/channels/").json()
    assert [c["code"] for c in channels] == [rules.OCSC, rules.THAI_MOOC, rules.LOCAL_MOOC]
    courses = client.get("/api/v1/elearning/courses/?q=ทดสอบ").json()
    assert courses["count"] == 1
    rounds = client.get("/api/v1/elearning/rounds/").json()
    assert {(r["fiscal_year_be"], r["number"]) for r in rounds} == {(2569, 1), (2569, 2)}
    # only the DLA admin adds courses
    response = client.post("/api/v1/elearning/courses/", {
        "channel": helpers.channel(rules.OCSC).pk, "name": "ใหม่"})
    assert response.status_code == 403
    response = api(world.dla_admin).post("/api/v1/elearning/courses/", {
        "channel": helpers.channel(rules.OCSC).pk, "name": "ใหม่", "hours": "2.5"})
    assert response.status_code == 201, response.json()


def test_record_accept_and_see_the_status(world, round1):
    a = world.a
    staff = api(a.users[Role.STAFF])
    response = staff.post("/api/v1/elearning/completions/", {
        "course": helpers.course().pk, "completed_on": "2025-11-10", "certificate": png()},
        format="multipart")
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "pending"
    assert response.json()["has_certificate"]
    assert staff.post(f"/api/v1/elearning/completions/{pk}/accept/").status_code == 403
    supervisor = api(a.users[Role.SCHOOL_ADMIN])
    queue = supervisor.get("/api/v1/elearning/completions/?to_review=1").json()
    assert [c["id"] for c in queue["results"]] == [pk]
    assert supervisor.post(f"/api/v1/elearning/completions/{pk}/accept/").json()[
        "status"] == "accepted"
    status = supervisor.get(f"/api/v1/elearning/status/?round={round1.pk}"
                            f"&organization={a.school.pk}").json()
    assert (status["total"], status["passed"], status["percent"]) == (2, 1, 50)
    mine = next(p for p in status["people"] if p["user"] == a.users[Role.STAFF].pk)
    assert mine["reason"] == "ผ่าน 1 จาก 1 หลักสูตร"
    assert mine["passed"]
    certificate = staff.get(f"/api/v1/elearning/completions/{pk}/certificate/")
    assert certificate.status_code == 200
    assert b"".join(certificate.streaming_content) == helpers.PNG_BYTES


def test_bad_input_is_a_400_with_thai_reasons(world, round1):
    staff = api(world.a.users[Role.STAFF])
    response = staff.post("/api/v1/elearning/completions/", {
        "course": helpers.course().pk, "completed_on": "2025-11-10",
        "certificate": helpers.pdf(data=b"not a pdf")}, format="multipart")
    assert response.status_code == 400
    assert "PDF, JPG หรือ PNG" in str(response.json())
    completion = helpers.completion_of(world.a)
    response = api(world.a.users[Role.SCHOOL_ADMIN]).post(
        f"/api/v1/elearning/completions/{completion.pk}/reject/", {"reason": ""})
    assert response.status_code == 400
    assert Completion.objects.get().status == "pending"


def test_outsiders_get_404(world, round1):
    completion = helpers.completion_of(world.a)
    outsider = api(world.b.users[Role.PROVINCE_ADMIN])
    assert outsider.get(f"/api/v1/elearning/completions/{completion.pk}/").status_code == 404
    assert outsider.post(f"/api/v1/elearning/completions/{completion.pk}/accept/"
                         ).status_code == 404
    assert outsider.get("/api/v1/elearning/completions/").json()["count"] == 0
    assert outsider.get(f"/api/v1/elearning/status/?round={round1.pk}"
                        f"&organization={world.a.school.pk}").status_code == 404
    assert outsider.get(f"/api/v1/elearning/reports/xlsx/?round={round1.pk}"
                        f"&organization={world.a.school.pk}").status_code == 404


def test_reports_record_the_submission_and_download(world, round1):
    services.accept_completion(actor=world.a.users[Role.SCHOOL_ADMIN],
                               completion=helpers.completion_of(world.a))
    dla = api(world.dla_admin)
    response = dla.post("/api/v1/elearning/reports/", {
        "round": round1.pk, "organization": world.a.province.pk, "submitted_on": "2026-03-23"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["working_days_late"], body["penalty"], body["counted"]) == (6, "1.50", False)
    listed = api(world.a.users[Role.PROVINCE_ADMIN]).get(
        f"/api/v1/elearning/reports/?round={round1.pk}").json()
    assert [r["id"] for r in listed["results"]] == [UnitReport.objects.get().pk]
    assert api(world.b.users[Role.PROVINCE_ADMIN]).get(
        "/api/v1/elearning/reports/").json()["count"] == 0
    query = f"?round={round1.pk}&organization={world.a.province.pk}"
    xlsx = dla.get(f"/api/v1/elearning/reports/xlsx/{query}")
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"
    pdf = dla.get(f"/api/v1/elearning/reports/pdf/{query}")
    assert pdf.status_code == 200
    assert pdf.content[:5] == b"%PDF-"


def test_the_schema_describes_the_elearning_api(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path in ("/api/v1/elearning/channels/", "/api/v1/elearning/courses/",
                 "/api/v1/elearning/rounds/", "/api/v1/elearning/completions/",
                 "/api/v1/elearning/completions/{id}/accept/",
                 "/api/v1/elearning/completions/{id}/reject/",
                 "/api/v1/elearning/status/", "/api/v1/elearning/reports/",
                 "/api/v1/elearning/reports/xlsx/", "/api/v1/elearning/reports/pdf/"):
        assert path in paths, path
    create = paths["/api/v1/elearning/completions/"]["post"]
    assert "multipart/form-data" in create["requestBody"]["content"]


def test_day_in_round_helper_is_in_round_one(round1):
    assert round1.contains(DAY_IN_2569_R1)
    assert not round1.contains(datetime.date(2026, 4, 1))
