import datetime

import pytest
from rest_framework.test import APIClient

from accounts.rules import Role
from personnel import services
from personnel.choices import DegreeLevel, PersonStatus
from personnel.models import Person
from tests.factories import PersonFactory, valid_national_id
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db


def test_the_roster_is_scoped_and_masks_national_ids(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    html = client.get("/personnel/").content.decode()
    assert world.a.person.full_name_th in html
    assert world.a.person.masked_national_id in html
    assert world.a.person.national_id not in html
    assert "MARKER-B" not in html


def test_staff_see_only_their_own_record_on_the_roster(client, world):
    PersonFactory(organization=world.a.school, first_name="เพื่อนร่วมงาน")
    client.force_login(world.a.users[Role.STAFF])
    html = client.get("/personnel/").content.decode()
    assert world.a.person.full_name_th in html
    assert "เพื่อนร่วมงาน" not in html


def test_the_roster_searches_names_and_national_id_prefixes(client, world):
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    other = PersonFactory(organization=world.a.school2, first_name="บุญมี", last_name="มีสุข")
    html = client.get("/personnel/", {"q": "บุญมี"}).content.decode()
    assert "บุญมี" in html
    assert world.a.person.full_name_th not in html
    html = client.get("/personnel/", {"q": other.national_id[:6]}).content.decode()
    assert "บุญมี" in html
    html = client.get("/personnel/", {"organization": world.a.school2.pk}).content.decode()
    assert "บุญมี" in html
    assert world.a.person.full_name_th not in html
    r = client.get("/personnel/", {"organization": world.b.school.pk})
    assert r.status_code == 404


def test_a_roster_of_500_renders_in_a_bounded_number_of_queries(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])

    def grow(n):
        have = Person.objects.filter(organization=world.a.school).count()
        Person.objects.bulk_create(
            Person(national_id=valid_national_id(), first_name=f"ครู{i:04d}",
                   last_name="ทดสอบ", organization=world.a.school)
            for i in range(have, n)
        )

    def check(response, n):
        assert response.status_code == 200
        assert response.content.decode().count('data-testid="person-row"') == min(n, 100)

    assert_query_budget(lambda: client.get("/personnel/"), grow, budget=8, sizes=(5, 500),
                        check=check)


def test_the_person_page_shows_every_history_section_and_derived_values(client, world):
    person = world.a.person
    person.birth_date = datetime.date(1966, 10, 1)
    person.appointed_on = datetime.date(2017, 5, 29)
    person.save()
    services.add_history_line(actor=None, person=person, kind="degree",
                              level=DegreeLevel.MASTER, field_of_study="การสอนภาษาไทย",
                              institution="มหาวิทยาลัยราชภัฏสกลนคร",
                              graduated_on=datetime.date(2020, 3, 1))
    client.force_login(world.a.users[Role.LAO_ADMIN])
    html = client.get(f"/personnel/{person.pk}/").content.decode()
    for section in ("positionhistory", "degree", "teachinglicence", "disciplinaryaction",
                    "ethicsdecision", "performanceresult", "languagetest", "hardshipservice",
                    "professionalqualification", "workload", "statuschange"):
        assert f'data-testid="section-{section}"' in html, section
    assert "การสอนภาษาไทย" in html
    assert "1 มี.ค. 2563" in html  # Buddhist-era date in the table
    assert person.national_id in html  # the registry keeper sees the full number


def test_the_person_page_of_another_province_is_404(client, world):
    client.force_login(world.b.users[Role.PROVINCE_ADMIN])
    assert client.get(f"/personnel/{world.a.person.pk}/").status_code == 404


def test_staff_see_their_own_page_with_a_masked_number(client, world):
    client.force_login(world.a.users[Role.STAFF])
    html = client.get(f"/personnel/{world.a.person.pk}/").content.decode()
    assert world.a.person.masked_national_id in html
    assert world.a.person.national_id not in html


def test_person_page_queries_do_not_grow_with_history(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    person = world.a.person

    def grow(n):
        have = person.degree_lines.count()
        for i in range(have, n):
            services.add_history_line(actor=None, person=person, kind="degree",
                                      level=DegreeLevel.BACHELOR, field_of_study=f"สาขา {i}",
                                      institution="มหาวิทยาลัย",
                                      graduated_on=datetime.date(2010, 1, 1))

    assert_query_budget(lambda: client.get(f"/personnel/{person.pk}/"), grow, budget=20,
                        sizes=(1, 30))


class TestAPI:
    @pytest.fixture
    def api(self):
        return APIClient()

    def test_list_and_detail_are_scoped(self, api, world):
        api.force_authenticate(world.a.users[Role.LAO_ADMIN])
        body = api.get("/api/v1/people/").json()
        assert [p["id"] for p in body["results"]] == [world.a.person.pk]
        assert body["results"][0]["national_id"] == world.a.person.masked_national_id
        detail = api.get(f"/api/v1/people/{world.a.person.pk}/").json()
        assert detail["national_id"] == world.a.person.national_id
        assert set(detail["history"]) >= {"position", "degree", "licence", "workload", "status"}
        assert detail["employment"]["organization_name"] == world.a.school.name
        r = api.get(f"/api/v1/people/{world.b.person.pk}/")
        assert r.status_code == 404
        assert "ไม่พบข้อมูลบุคลากร" in r.json()["detail"]

    def test_create_update_history_and_status(self, api, world):
        api.force_authenticate(world.a.users[Role.SCHOOL_ADMIN])
        number = valid_national_id()
        r = api.post("/api/v1/people/", {
            "national_id": number, "organization": world.a.school.pk,
            "first_name": "สมหญิง", "last_name": "ตั้งใจ", "birth_date": "1990-01-31",
        }, format="json")
        assert r.status_code == 201, r.content
        pk = r.json()["id"]
        r = api.patch(f"/api/v1/people/{pk}/", {"position_number": "ค.7"}, format="json")
        assert r.status_code == 200
        assert r.json()["employment"]["position_number"] == "ค.7"
        r = api.post(f"/api/v1/people/{pk}/history/language/", {
            "test_name": "CU-TEP", "cefr_level": "B2", "tested_on": "2025-08-01",
        }, format="json")
        assert r.status_code == 201, r.content
        r = api.post(f"/api/v1/people/{pk}/status/", {
            "status": PersonStatus.RETIRED, "effective_on": "2050-09-30", "order_ref": "1/2593",
        }, format="json")
        assert r.status_code == 200
        assert r.json()["status"] == "retired"

    def test_bad_input_is_a_clear_400_and_outside_is_404(self, api, world):
        api.force_authenticate(world.a.users[Role.SCHOOL_ADMIN])
        r = api.post("/api/v1/people/", {
            "national_id": "1111111111111", "organization": world.a.school.pk,
            "first_name": "x", "last_name": "y",
        }, format="json")
        assert r.status_code == 400
        assert "เลขประจำตัวประชาชน" in r.json()["national_id"][0]
        r = api.post("/api/v1/people/", {
            "national_id": valid_national_id(), "organization": world.b.school.pk,
            "first_name": "x", "last_name": "y",
        }, format="json")
        assert r.status_code == 404
        r = api.post(f"/api/v1/people/{world.a.person.pk}/history/licence/", {
            "number": "1", "issued_on": "2025-01-01", "expires_on": "2020-01-01",
        }, format="json")
        assert r.status_code == 400
        r = api.post(f"/api/v1/people/{world.a.person.pk}/history/nonsense/", {}, format="json")
        assert r.status_code == 404
