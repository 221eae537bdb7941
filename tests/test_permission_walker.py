"""Every URL pattern and API route, walked as an anonymous user and as each role of an unrelated
organisation (see tests/walker.py)."""

import pytest
from django.test import Client

from accounts.rules import Role
from tests import walker


def _client_factory(user):
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _outsiders(world):
    b = world.b.users
    return {
        "province_admin of B": b[Role.PROVINCE_ADMIN],
        "officer of B": b[Role.OFFICER],
        "group_head of B": b[Role.GROUP_HEAD],
        "lao_admin of B": b[Role.LAO_ADMIN],
        "school_admin of B": b[Role.SCHOOL_ADMIN],
        "staff of B": b[Role.STAFF],
    }


@pytest.mark.django_db
def test_every_route_is_refused_or_scoped_for_outsiders(world):
    routes = list(walker.iter_routes())
    assert len(routes) > 20  # the walk really covers the site, the admin and the API
    violations = walker.walk(_client_factory, world, _outsiders(world))
    assert violations == [], "\n".join(str(v) for v in violations)


@pytest.mark.django_db
def test_walker_catches_deliberately_unscoped_views(world, settings):
    settings.ROOT_URLCONF = "tests.leaky_urls"
    staff_b = {"staff of B": world.b.users[Role.STAFF]}
    violations = walker.walk(_client_factory, world, staff_b, urlconf="tests.leaky_urls")
    caught = {(v.route, v.why) for v in violations}
    assert ("leaky_org_detail", "response shows the other organisation's data") in caught
    assert ("leaky_org_list", "response shows the other organisation's data") in caught
    # and nothing else is reported: the real routes stay clean under the same walk
    assert {v.route for v in violations} == {"leaky_org_detail", "leaky_org_list"}


@pytest.mark.django_db
def test_walker_reports_routes_it_cannot_fill(world, settings, monkeypatch):
    monkeypatch.delitem(walker.SAMPLES, "organization_detail")
    violations = walker.walk(_client_factory, world, {})
    assert any(
        v.route == "organization_detail" and "no sample" in v.why for v in violations
    ), violations


@pytest.mark.django_db
def test_walker_sees_a_served_object_even_without_the_marker(world, settings):
    """An unscoped detail page that happens not to print the name is still caught: a 200 on
    another organisation's object is a violation by itself."""
    settings.ROOT_URLCONF = "tests.leaky_urls"
    world.a.school.name = "no marker here"
    world.a.school.save()
    staff_b = {"staff of B": world.b.users[Role.STAFF]}
    violations = walker.walk(_client_factory, world, staff_b, urlconf="tests.leaky_urls")
    assert any(
        v.route == "leaky_org_detail" and "served, not refused" in v.why for v in violations
    ), violations
