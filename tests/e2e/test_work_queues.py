"""Issue 17 item 3: every work queue is reached from the dashboard of the roles that act on it,
with the count of what waits. For each role: log in, read each queue's count on the role's card,
click it, land on the queue with the waiting item in sight."""

import re

import pytest
from playwright.sync_api import expect

from accounts.rules import Role
from personnel import services
from tests.factories import (
    build_world,
    certification_round,
    pending_move,
    pending_registration,
    school_admin_request,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# queue → (its address, its page's heading, a text of the waiting item on it)
PAGES = {
    "staff_registrations": ("/personnel/registrations/", "การลงทะเบียนที่รออนุมัติ", "สมหมาย"),
    "school_admin_requests": ("/accounts/school-admin-requests/",
                              "คำขอเป็นผู้ดูแลสถานศึกษาที่รออนุมัติ", "มอบหมาย"),
    "corrections": ("/personnel/corrections/", "คำขอแก้ไขข้อมูลที่รอพิจารณา", "ใจดี MARKER-A"),
    "moves": ("/personnel/moves/", "การย้ายข้อมูลบุคลากร", "ใจดี MARKER-A"),
    "certification": ("/personnel/certification/", "การรับรองข้อมูลบุคลากร", "2569"),
    "issuing": ("/accounts/issuing/", "ออกบัญชีผู้ใช้ผู้ดูแลหน่วยงาน", None),
    "audit": ("/accounts/audit/", "บันทึกการดำเนินการ", None),
}
# role → {queue: the count its card shows (None: a link without a count)}; side A has one of
# each waiting item, its school2 (a child-development centre) no admin yet, its LAO nothing
# certified in the open round
EXPECTED = {
    Role.SCHOOL_ADMIN: {"staff_registrations": 1, "corrections": 1, "moves": 1, "audit": None},
    Role.LAO_ADMIN: {"staff_registrations": 1, "school_admin_requests": 1, "corrections": 1,
                     "moves": 1, "certification": 1, "issuing": 1, "audit": None},
    Role.PROVINCE_ADMIN: {"staff_registrations": 1, "school_admin_requests": 1,
                          "corrections": 1, "moves": 1, "certification": 0, "issuing": 1,
                          "audit": None},
    Role.OFFICER: {"corrections": 1, "moves": 1, "certification": 0},
    Role.GROUP_HEAD: {"corrections": 1, "moves": 1, "certification": 0},
    Role.DLA_ADMIN: {"staff_registrations": 1, "school_admin_requests": 1, "corrections": 1,
                     "moves": 1, "issuing": None, "audit": None},
}


def waiting_world():
    world = build_world()
    pending_registration(world.a)
    school_admin_request(world.a)
    pending_move(world)
    services.propose_correction(actor=world.a.users[Role.STAFF], person=world.a.person,
                                changes={"address": "ที่อยู่ใหม่"}, reason="ย้ายบ้าน")
    certification_round(world.a)
    return world


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_reaches_its_queues_from_the_dashboard_with_their_counts(page, log_in, role):
    world = waiting_world()
    user = world.dla_admin if role == Role.DLA_ADMIN else world.a.users[role]
    log_in(user)
    card = page.get_by_test_id("role-card").first
    queues = card.get_by_test_id("panel-queues")
    expect(queues).to_contain_text("งานรอดำเนินการ")
    shown = queues.locator("[data-testid^=queue-]:not([data-testid=queue-count])")
    assert sorted(shown.evaluate_all("els => els.map(e => e.dataset.testid)")) == sorted(
        f"queue-{key}" for key in EXPECTED[role])
    for key, count in EXPECTED[role].items():
        item = queues.get_by_test_id(f"queue-{key}")
        badge = item.get_by_test_id("queue-count")
        if count is None:
            expect(badge).to_have_count(0)
        else:
            # the number, and for a screen reader what it counts
            expect(badge).to_have_text(re.compile(rf"^{count}\s*รายการรอดำเนินการ$"))
        address, heading, waiting = PAGES[key]
        item.get_by_role("link").click()
        page.wait_for_url(re.compile(re.escape(address) + "$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        if waiting and count:
            expect(page.locator("main")).to_contain_text(waiting)
        page.goto("/")
    # another side's queues are not counted here
    if role != Role.DLA_ADMIN:
        assert "MARKER-B" not in queues.inner_text()


def test_staff_see_no_queues(page, log_in):
    world = waiting_world()
    log_in(world.a.users[Role.STAFF])
    expect(page.get_by_test_id("role-card")).to_have_count(1)
    expect(page.get_by_test_id("panel-queues")).to_have_count(0)
