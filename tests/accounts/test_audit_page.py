import pytest

from accounts import audit
from accounts.rules import Role
from personnel import services
from tests.querybudget import assert_query_budget

pytestmark = pytest.mark.django_db


def test_admins_read_the_audit_trail_of_their_tree_only(client, world):
    services.update_person(actor=world.a.users[Role.SCHOOL_ADMIN], person=world.a.person,
                           position_number="ค.99")
    services.update_person(actor=world.b.users[Role.SCHOOL_ADMIN], person=world.b.person,
                           position_number="ค.77")
    client.force_login(world.a.users[Role.LAO_ADMIN])
    html = client.get("/accounts/audit/").content.decode()
    assert "แก้ไขข้อมูลบุคลากร" in html
    assert "ค.99" in html  # the new value
    assert "ค.77" not in html  # province B's change
    html = client.get("/accounts/audit/", {"action": "certification"}).content.decode()
    assert "ค.99" not in html
    client.force_login(world.a.users[Role.STAFF])
    assert client.get("/accounts/audit/").status_code == 404
    client.force_login(world.a.users[Role.OFFICER])  # works on rows, administers nothing
    assert client.get("/accounts/audit/").status_code == 404


def test_audit_page_queries_do_not_grow(client, world):
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])

    def grow(n):
        from accounts.models import AuditEvent

        for i in range(AuditEvent.objects.filter(organization=world.a.school).count(), n):
            audit.record("person.update", actor=world.a.users[Role.SCHOOL_ADMIN],
                         organization=world.a.school, changes={"salary": [str(i), str(i + 1)]})

    assert_query_budget(lambda: client.get("/accounts/audit/"), grow, budget=11, sizes=(3, 60))
