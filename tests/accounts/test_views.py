import re

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Organization
from accounts.rules import OrgKind, Role
from tests.factories import PASSWORD, UserFactory, make_org, member
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db


def children_count(org):
    return Organization.objects.filter(path__startswith=org.path, depth=org.depth + 1).count()


def test_the_login_page_is_thai_by_default(client):
    r = client.get("/login/")
    assert r.status_code == 200
    html = r.content.decode()
    assert '<html lang="th">' in html
    assert "เข้าสู่ระบบ" in html
    assert "ชื่อผู้ใช้" in html


def test_a_browser_set_to_english_still_gets_thai_until_the_switch_is_used(client):
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="th">' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="th").content.decode()
    assert '<html lang="en">' in html


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    r = client.get("/")
    assert r.status_code == 302
    assert r["Location"].startswith("/login/")


def test_a_wrong_password_gets_a_clear_thai_message(client, world):
    user = world.a.users[Role.STAFF]
    r = client.post("/login/", {"username": user.username, "password": "wrong"})
    assert r.status_code == 200
    assert "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง" in r.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_and_logout(client, world):
    user = world.a.users[Role.STAFF]
    r = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert r.status_code == 302
    assert r["Location"] == "/"
    assert client.get("/").status_code == 200
    r = client.post("/logout/")
    assert r.status_code == 302
    assert client.get("/").status_code == 302


def test_a_one_time_password_forces_a_change_before_anything_else(client):
    user = UserFactory(must_change_password=True)
    client.force_login(user)
    r = client.get("/orgs/")
    assert r.status_code == 302
    assert r["Location"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "รหัสผ่านชั่วคราว" in page
    r = client.post(reverse("password_change"), {
        "old_password": PASSWORD, "new_password1": "short", "new_password2": "short",
    })
    assert r.status_code == 200  # refused: too short, flag kept
    user.refresh_from_db()
    assert user.must_change_password
    r = client.post(reverse("password_change"), {
        "old_password": PASSWORD,
        "new_password1": "Kru-Thai-2568!",
        "new_password2": "Kru-Thai-2568!",
    })
    assert r.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert AuditEvent.objects.filter(action="user.change_password").count() == 1
    assert client.get("/orgs/").status_code == 200  # the session survived the change


def test_each_role_sees_its_own_part_of_the_tree_on_the_dashboard(client, world):
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    html = client.get("/").content.decode()
    assert "ผู้ดูแลระดับจังหวัด" in html
    assert world.a.province.name in html
    assert "MARKER-B" not in html
    client.force_login(world.a.users[Role.STAFF])
    html = client.get("/").content.decode()
    assert world.a.school.name in html
    assert "บุคลากร" in html
    assert "หน่วยงานในความดูแล" not in html


def test_dashboard_counts_what_the_admin_administers(client, world):
    client.force_login(world.a.users[Role.LAO_ADMIN])
    html = client.get("/").content.decode()
    # two schools under the LAO, one staff member
    assert re.search(r"สถานศึกษา</a><span[^>]*>2</span>", html), html


def test_the_dashboard_date_is_buddhist_era(client, world):
    client.force_login(world.a.users[Role.STAFF])
    html = client.get("/").content.decode()
    assert re.search(r"\b25[6-9]\d\b", html)


def test_organisation_list_is_scoped_and_filterable(client, world):
    client.force_login(world.a.users[Role.LAO_ADMIN])
    html = client.get("/orgs/").content.decode()
    assert world.a.school.name in html
    assert world.a.lao.name in html
    assert world.a.district.name not in html
    assert "MARKER-B" not in html
    html = client.get("/orgs/", {"kind": OrgKind.LAO}).content.decode()
    assert world.a.lao.name in html
    assert world.a.school.name not in html
    html = client.get("/orgs/", {"kind": "not-a-kind"}).content.decode()
    assert "text-danger" in html  # a clear message, not a 500


def test_organisation_detail_of_another_province_is_404_in_thai(client, world):
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    r = client.get(f"/orgs/{world.b.school.pk}/")
    assert r.status_code == 404
    assert "ไม่พบ" in r.content.decode()
    r = client.get(f"/orgs/{world.a.lao.pk}/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "ก.อบต.จังหวัด" in html  # the committee of an อบต.
    assert world.a.school.name in html


def test_english_switch(client, world):
    client.force_login(world.a.users[Role.STAFF])
    r = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert r.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Log out" in html
    assert "ออกจากระบบ" not in html


def test_organisation_list_queries_do_not_grow_with_rows(client, world):
    admin = world.a.users[Role.LAO_ADMIN]
    client.force_login(admin)

    def grow(n):
        existing = children_count(world.a.lao)
        for i in range(existing, n):
            make_org(world.a.lao, OrgKind.SCHOOL, f"โรงเรียนทดสอบ {i:03d}")

    def check(response, n):
        assert response.status_code == 200
        rows = response.content.decode().count('data-testid="org-row"')
        assert rows == min(50, n + 1)  # the LAO itself and its schools, 50 a page

    assert_query_budget(lambda: client.get("/orgs/"), grow, budget=8, check=check)


def test_organisation_detail_queries_do_not_grow_with_children(client, world):
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    member(UserFactory(), world.a.lao, Role.OFFICER)

    def grow(n):
        for i in range(children_count(world.a.lao), n):
            make_org(world.a.lao, OrgKind.SCHOOL, f"ศพด. {i:03d}")

    assert_query_budget(lambda: client.get(f"/orgs/{world.a.lao.pk}/"), grow, budget=14)
