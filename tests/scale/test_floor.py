"""The benchmark's floor view (bench/views.py, routed only by bench.settings): login required,
and it shows nothing but the user's own unit, whoever asks."""

import pytest
from django.test import Client

from accounts.rules import Role
from tests.walker import MARKER

pytestmark = pytest.mark.django_db
FLOOR = "/bench/floor/"


@pytest.fixture(autouse=True)
def _bench_urls(settings):
    settings.ROOT_URLCONF = "bench.urls"


def test_the_floor_needs_a_login(client):
    for method in (client.get, client.post):
        response = method(FLOOR)
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_floor_shows_only_the_users_own_unit(world):
    for user in world.b.users.values():
        client = Client()
        client.force_login(user)
        response = client.get(FLOOR)
        assert response.status_code == 200
        assert MARKER not in response.content.decode()
    client = Client()
    client.force_login(world.a.users[Role.SCHOOL_ADMIN])
    assert world.a.school.name in client.get(FLOOR).content.decode()


def test_the_floor_is_one_query_over_the_framework(client, world, django_assert_num_queries):
    client.force_login(world.a.users[Role.STAFF])
    client.get(FLOOR)
    # session, user, the user's unit (the floor's one query), the bell's count (the layout)
    with django_assert_num_queries(4):
        client.get(FLOOR)
