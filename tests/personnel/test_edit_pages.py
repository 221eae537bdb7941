import pytest

from accounts.rules import Role
from personnel.choices import PersonStatus
from personnel.models import Degree, Person
from tests.factories import valid_national_id

pytestmark = pytest.mark.django_db


def test_an_admin_adds_a_person_and_only_its_own_units_are_offered(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    page = client.get("/personnel/new/").content.decode()
    assert world.a.school.name in page
    assert world.a.school2.name not in page  # the sibling school is not this admin's
    assert "MARKER-B" not in page
    number = valid_national_id()
    r = client.post("/personnel/new/", {
        "national_id_number": number, "organization": world.a.school.pk,
        "first_name": "วิไล", "last_name": "ใจงาม", "position_type": "teacher",
        "standing": "none",
    })
    person = Person.objects.get(national_id=number)
    assert r.status_code == 302
    assert r["Location"] == f"/personnel/{person.pk}/"


def test_bad_input_keeps_what_was_typed_and_explains_in_thai(client, world):
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    r = client.post("/personnel/new/", {
        "national_id_number": "1234567890123", "organization": world.a.school.pk,
        "first_name": "วิไล", "last_name": "ใจงาม", "position_type": "teacher",
        "standing": "professional",
    })
    html = r.content.decode()
    assert r.status_code == 200
    assert "ตัวเลขตรวจสอบ" in html
    assert 'value="วิไล"' in html  # nothing lost
    r = client.post("/personnel/new/", {
        "national_id_number": world.a.person.national_id, "organization": world.a.school.pk,
        "first_name": "ซ้ำ", "last_name": "ซ้ำ", "position_type": "teacher", "standing": "none",
    })
    assert "มีในทะเบียน" in r.content.decode()
    r = client.post("/personnel/new/", {
        "national_id_number": valid_national_id(), "organization": world.b.school.pk,
        "first_name": "x", "last_name": "y", "position_type": "teacher", "standing": "none",
    })
    assert r.status_code == 200  # another province's school is not a valid choice
    assert Person.objects.count() == 2


def test_edit_history_and_status_through_the_pages(client, world):
    person = world.a.person
    client.force_login(world.a.users[Role.LAO_ADMIN])
    html = client.get(f"/personnel/{person.pk}/").content.decode()
    assert 'data-testid="add-degree"' in html
    r = client.post(f"/personnel/{person.pk}/history/degree/add/", {
        "level": "master", "field_of_study": "การบริหารการศึกษา", "institution": "มข.",
        "graduated_on": "2021-03-31",
    })
    assert r.status_code == 302
    assert Degree.objects.filter(person=person).count() == 1
    r = client.post(f"/personnel/{person.pk}/history/licence/add/", {
        "number": "1", "issued_on": "2025-01-01", "expires_on": "2020-01-01",
    })
    assert r.status_code == 200  # the check constraint, as a message
    edit = client.get(f"/personnel/{person.pk}/edit/").content.decode()
    assert person.first_name in edit
    data = {"title_th": "นาง", "first_name": person.first_name, "last_name": "ใจดีเสมอ",
            "position_type": "teacher", "standing": "none", "salary_rank": "ks1",
            "birth_date": "1985-06-15", "appointed_on": "2018-05-16", "gender": "female"}
    assert client.post(f"/personnel/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert person.last_name == "ใจดีเสมอ"
    r = client.post(f"/personnel/{person.pk}/status/", {
        "status": PersonStatus.RETIRED, "effective_on": "2045-09-30", "order_ref": "1/2588"})
    assert r.status_code == 302
    person.refresh_from_db()
    assert person.status == PersonStatus.RETIRED


def test_staff_and_outsiders_cannot_open_the_edit_pages(client, world):
    person = world.a.person
    for user in (world.a.users[Role.STAFF], world.b.users[Role.PROVINCE_ADMIN]):
        client.force_login(user)
        for url in (f"/personnel/{person.pk}/edit/", f"/personnel/{person.pk}/status/",
                    f"/personnel/{person.pk}/history/degree/add/"):
            assert client.get(url).status_code == 404
    client.force_login(world.a.users[Role.STAFF])
    assert client.get("/personnel/new/").status_code == 404
