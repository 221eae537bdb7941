"""Issue 17 item 12: every page the journeys visit is checked by axe-core (tests/e2e/conftest.py
fails a test at teardown on a serious or critical finding); here the pieces every page shares:
the skip link to the main content, the page's language, and that axe really runs in the page."""

import pytest

from accounts.rules import Role
from tests.e2e.conftest import AXE_CHECK
from tests.factories import build_world

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_skip_link_is_the_first_stop_and_leads_to_the_main_content(page, log_in):
    world = build_world()
    log_in(world.a.users[Role.STAFF])
    assert page.locator("html").get_attribute("lang") == "th"
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="ข้ามไปยังเนื้อหาหลัก")
    assert skip.evaluate("a => a === document.activeElement")
    assert skip.is_visible()  # shown while it has the focus
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("location.hash") == "#main"


def test_axe_runs_in_every_page_and_sees_what_is_wrong(page, axe_findings):
    page.goto("/login/")
    assert page.evaluate(AXE_CHECK) is True  # the page's own run, on its load
    assert axe_findings == {}  # the login page has nothing serious
    # an input without a label, as the committee page had: axe reports it (critical)
    found = page.evaluate("""async () => {
        const input = document.createElement("input");
        document.querySelector("main").appendChild(input);
        const result = await window.axe.run(document, {runOnly: ["label"]});
        input.remove();
        return result.violations.map((v) => [v.id, v.impact]);
    }""")
    assert ["label", "critical"] in found
