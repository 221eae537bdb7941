"""The dashboard's work-queue counts (issue 17 item 3) are kept between visits (core.kept) and
move on the moment an item they count is made or decided: kept, the province's and the LAO's
dashboards stay within 2× the floor in make bench; stale, a queue would lie."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import staff_registration
from accounts.rules import Role
from personnel import services
from tests.factories import build_world, pending_registration

pytestmark = pytest.mark.django_db


def _count(html: str, queue: str) -> int:
    match = re.search(rf'data-testid="queue-{queue}".*?data-testid="queue-count">(\d+)', html)
    assert match, queue
    return int(match[1])


def test_a_kept_count_moves_on_when_an_item_is_made_or_decided(client):
    world = build_world()
    admin = world.a.users[Role.LAO_ADMIN]
    client.force_login(admin)
    assert _count(client.get("/").content.decode(), "staff_registrations") == 0
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    registration = pending_registration(world.a)  # made: the next visit counts it
    with CaptureQueriesContext(connection) as after_change:
        html = client.get("/").content.decode()
    assert _count(html, "staff_registrations") == 1
    assert len(after_change) > len(warm)  # counted again, not read from the cache
    staff_registration.reject_staff(actor=world.a.users[Role.SCHOOL_ADMIN],
                                    registration=registration, reason="ไม่ใช่บุคลากรของโรงเรียน")
    assert _count(client.get("/").content.decode(), "staff_registrations") == 0
    services.propose_correction(actor=world.a.users[Role.STAFF], person=world.a.person,
                                changes={"address": "ที่อยู่ใหม่"}, reason="ย้ายบ้าน")
    assert _count(client.get("/").content.decode(), "corrections") == 1


def test_a_change_in_another_province_keeps_the_count(client):
    world = build_world()
    client.force_login(world.a.users[Role.LAO_ADMIN])
    client.get("/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/")
    pending_registration(world.b)
    with CaptureQueriesContext(connection) as again:
        html = client.get("/").content.decode()
    assert len(again) == len(warm)
    assert _count(html, "staff_registrations") == 0
