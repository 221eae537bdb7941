import pytest
from rest_framework.test import APIClient

from accounts.rules import OrgKind, Role
from tests.factories import PASSWORD, UserFactory, make_org
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def token_for(api, user):
    r = api.post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                 format="json")
    assert r.status_code == 200, r.content
    return r.json()["token"]


def test_token_login_and_me(api, world):
    user = world.a.users[Role.SCHOOL_ADMIN]
    token = token_for(api, user)
    assert token != token_for(api, user)  # every login gets a token of its own
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api.get("/api/v1/me/").json()
    assert me["username"] == user.username
    assert me["memberships"] == [{
        "id": user.memberships.get().pk, "role": "school_admin", "role_display": "ผู้ดูแลสถานศึกษา",
        "position": "", "organization": {
            "id": world.a.school.pk, "code": world.a.school.code, "name": world.a.school.name,
            "kind": "school",
        },
    }]
    # personal data is masked in the API too
    assert me["national_id"] != user.national_id
    assert me["national_id"].endswith(user.national_id[-1])
    assert "xxxxx" in me["national_id"]


def test_a_wrong_password_gets_400_with_a_thai_message(api, world):
    r = api.post("/api/v1/auth/token/", {"username": "nobody", "password": "x"}, format="json")
    assert r.status_code == 400
    assert "ไม่ถูกต้อง" in r.json()["non_field_errors"][0]
    r = api.post("/api/v1/auth/token/", {}, format="json")
    assert r.status_code == 400
    assert "username" in r.json()


def test_anonymous_gets_401(api):
    assert api.get("/api/v1/me/").status_code == 401
    assert api.get("/api/v1/organizations/").status_code == 401


def test_a_one_time_password_must_be_changed_before_using_the_api(api):
    user = UserFactory(must_change_password=True)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token_for(api, user)}")
    r = api.get("/api/v1/me/")
    assert r.status_code == 403
    assert "เปลี่ยนรหัสผ่าน" in r.json()["detail"]


def test_organizations_are_scoped_paginated_and_filterable(api, world):
    api.force_authenticate(world.a.users[Role.PROVINCE_ADMIN])
    body = api.get("/api/v1/organizations/").json()
    assert body["count"] == 5
    ids = {o["id"] for o in body["results"]}
    assert world.b.school.pk not in ids
    assert world.agency.pk not in ids
    school = next(o for o in body["results"] if o["id"] == world.a.school.pk)
    assert school["parent"] == world.a.lao.pk
    assert school["kind_display"] == "สถานศึกษา"
    province = next(o for o in body["results"] if o["id"] == world.a.province.pk)
    assert province["parent"] == world.agency.pk  # the parent id even when it is out of reach

    schools = api.get("/api/v1/organizations/", {"kind": "school"}).json()
    assert {o["id"] for o in schools["results"]} == {world.a.school.pk, world.a.school2.pk}
    children = api.get("/api/v1/organizations/", {"parent": world.a.district.pk}).json()
    assert [o["id"] for o in children["results"]] == [world.a.lao.pk]
    outside = api.get("/api/v1/organizations/", {"parent": world.b.district.pk}).json()
    assert outside["count"] == 0
    r = api.get("/api/v1/organizations/", {"kind": "planet"})
    assert r.status_code == 400


def test_organization_outside_the_tree_is_404_in_thai(api, world):
    api.force_authenticate(world.a.users[Role.LAO_ADMIN])
    r = api.get(f"/api/v1/organizations/{world.b.school.pk}/")
    assert r.status_code == 404
    assert "ไม่พบหน่วยงาน" in r.json()["detail"]
    assert api.get(f"/api/v1/organizations/{world.a.district.pk}/").status_code == 404
    assert api.get("/api/v1/organizations/99999999/").status_code == 404
    assert api.get("/api/v1/organizations/abc/").status_code == 404
    r = api.get(f"/api/v1/organizations/{world.a.school.pk}/")
    assert r.status_code == 200
    assert r.json()["parent"] == world.a.lao.pk


def test_organization_list_queries_do_not_grow(api, world):
    api.force_authenticate(world.a.users[Role.LAO_ADMIN])

    def grow(n):
        for i in range(api.get("/api/v1/organizations/").json()["count"], n):
            make_org(world.a.lao, OrgKind.SCHOOL, f"โรงเรียน API {i}")

    def check(response, n):
        assert len(response.json()["results"]) == min(n, 50)

    assert_query_budget(
        lambda: api.get("/api/v1/organizations/"), grow, budget=6, sizes=(3, 60), check=check
    )


def test_openapi_schema_and_docs_are_served_without_a_cdn(client):
    r = client.get("/api/schema/")
    assert r.status_code == 200
    text = r.content.decode()
    for path in ("/api/v1/organizations/", "/api/v1/me/", "/api/v1/auth/token/"):
        assert path in text
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs.lower()
    assert "cdn.jsdelivr" not in docs
    assert "unpkg.com" not in docs
    assert "/static/drf_spectacular_sidecar/" in docs
