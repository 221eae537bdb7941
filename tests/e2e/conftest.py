"""Playwright driving Debian's Chromium (/usr/bin/chromium). The browser is never downloaded.

Without Chromium the browser tests are skipped, unless REQUIRE_BROWSER=1 (CI), where a missing
browser is a failure."""

import os
import re
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# themselves (creating users) are still plain synchronous code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but no Chromium at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="th-TH",
                                  viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    yield pg
    context.close()


@pytest.fixture
def artifact():
    """Path for a file that the run keeps (screenshots), under test-artifacts/e2e/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return lambda name: ARTIFACTS / name


@pytest.fixture
def log_in(page):
    """``log_in(user, password=PASSWORD, on=page, dashboard=True)``: the login form as a person
    fills it (a username works too), on the test's page or another one (a second browser
    context); waits for the dashboard unless told the login stops before it (a second
    factor)."""
    from tests.factories import PASSWORD

    def _log_in(user, password=PASSWORD, *, on=None, dashboard=True):
        tab = on or page
        tab.context.clear_cookies()
        tab.goto("/login/")
        tab.get_by_label("ชื่อผู้ใช้").fill(getattr(user, "username", user))
        tab.get_by_label("รหัสผ่าน").fill(password)
        tab.get_by_role("button", name="เข้าสู่ระบบ").click()
        if dashboard:
            tab.wait_for_url(re.compile(r"/$"))

    return _log_in
