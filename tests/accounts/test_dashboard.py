import pytest

from accounts.rules import CommitteeKind, Role
from committees.models import Committee
from tests.factories import member

pytestmark = pytest.mark.django_db


def test_the_province_admin_sees_the_committees_it_is_secretary_of(client, world):
    Committee.objects.create(province=world.a.province, kind=CommitteeKind.KTJ)
    Committee.objects.create(province=world.a.province, kind=CommitteeKind.KOBTJ)
    Committee.objects.create(province=world.b.province, kind=CommitteeKind.KJJ)
    client.force_login(world.a.users[Role.PROVINCE_ADMIN])
    html = client.get("/").content.decode()
    assert "เลขานุการคณะกรรมการ" in html
    assert "ก.ท.จ." in html
    assert "ก.อบต.จังหวัด" in html
    assert html.index("ก.ท.จ.") < html.index("ก.อบต.จังหวัด")  # in the order of RULES §1
    assert "ก.จ.จ." not in html  # province B's committee
    client.force_login(world.a.users[Role.LAO_ADMIN])
    assert "เลขานุการคณะกรรมการ" not in client.get("/").content.decode()


def test_dashboard_queries_are_bounded_per_card(client, world, django_assert_max_num_queries):

    admin = world.a.users[Role.PROVINCE_ADMIN]
    client.force_login(admin)
    # session, user, memberships, the bell's count; per admin card: ancestors, counts, staff,
    # and one query per panel (committees, appraisal; the assessor's, on the first card only)
    with django_assert_max_num_queries(10):
        client.get("/")
    member(admin, world.a.school, Role.STAFF)
    # a staff card adds its ancestors and the panels' queries (own application, e-learning)
    with django_assert_max_num_queries(12):
        client.get("/")
