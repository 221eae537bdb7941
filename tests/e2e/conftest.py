"""Playwright driving Debian's Chromium (/usr/bin/chromium). The browser is never downloaded.

Without Chromium the browser tests are skipped, unless REQUIRE_BROWSER=1 (CI), where a missing
browser is a failure."""

import contextlib
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


# axe-core (tests/e2e/assets/README.md) checks every page a journey loads, in every context
# made by ``page``/``new_tab``: the page runs it on its "load" event, and once more at teardown
# for the page left open. (A page the test leaves while axe still runs goes unchecked: in
# practice axe finishes first, its work being queued in the page ahead of the test's next
# action; a check from a route handler on the next request cannot reach the old page.)
# The findings of impact serious or critical come back through a binding; the test fails at
# teardown listing their rules and selectors.
# E2E_SKIP_AXE=1 turns the failure off (to debug something else).
AXE_SOURCE = (Path(__file__).resolve().parent / "assets" / "axe.min.js").read_text(
    encoding="utf-8")
AXE_RUN = """
(() => {
  if (window.top !== window || !window.axe) { return; }
  let running = null;
  const report = (violations) => window.__dlepAxeReport(
    location.pathname + location.search, violations);
  window.__dlepAxeCheck = () => running || (running = window.axe.run(
    document, {resultTypes: ["violations"]}).then(
    (r) => r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map(
      (v) => ({id: v.id, impact: v.impact, help: v.help,
               targets: v.nodes.slice(0, 6).map((n) => n.target.join(" "))})),
    (e) => [{id: "axe-error", impact: "critical", help: String(e), targets: []}]).then(report));
  window.addEventListener("load", () => { window.__dlepAxeCheck(); });
})();
"""
AXE_CHECK = "() => window.__dlepAxeCheck ? window.__dlepAxeCheck().then(() => true) : false"


def _findings_text(findings: dict) -> str:
    lines = []
    for (url, rule), (violation, count) in sorted(findings.items()):
        lines.append(f"{url}: [{violation['impact']}] {rule}: {violation['help']} "
                     f"(seen {count}×)")
        lines += [f"    {target}" for target in violation["targets"]]
    return "\n".join(lines)


@pytest.fixture
def axe_findings():
    """{(url, rule): (violation, times seen)} of every checked page of the test."""
    findings: dict = {}
    yield findings
    if findings and os.environ.get("E2E_SKIP_AXE") != "1":
        pytest.fail("axe-core: serious/critical accessibility findings\n"
                    + _findings_text(findings), pytrace=False)


@pytest.fixture
def new_tab(browser, live_server, axe_findings):
    """``new_tab(**context_options)``: a page in a new browser context (another person, or the
    same after the browser was closed), checked by axe like ``page``; closed at teardown."""
    contexts = []

    loaded, checked = [], []  # E2E_AXE_DEBUG=1 prints both: a page loaded and never checked

    def collect(_source, url, violations):
        checked.append(url)
        for violation in violations:
            key = (url, violation["id"])
            axe_findings[key] = (violation, axe_findings.get(key, (violation, 0))[1] + 1)

    def _new_tab(**options):
        options = {"base_url": live_server.url, "locale": "th-TH",
                   "viewport": {"width": 1280, "height": 900}, **options}
        context = browser.new_context(**options)
        contexts.append(context)
        context.expose_binding("__dlepAxeReport", collect)
        context.add_init_script(script=AXE_SOURCE)
        context.add_init_script(script=AXE_RUN)
        tab = context.new_page()
        tab.on("load", lambda loaded_tab: loaded.append(loaded_tab.url))
        tab.set_default_timeout(15_000)
        return tab

    yield _new_tab
    for context in contexts:
        # the page left open is checked too (a context the test closed itself has none)
        for tab in context.pages:
            with contextlib.suppress(Exception):
                tab.main_frame.evaluate(AXE_CHECK)
        with contextlib.suppress(Exception):  # closed already by the test
            context.close()
    if os.environ.get("E2E_AXE_DEBUG") == "1":
        print(f"\naxe: {len(loaded)} pages loaded, {len(checked)} checks reported")  # noqa: T201
        print("\n".join(f"  loaded  {u}" for u in loaded))  # noqa: T201
        print("\n".join(f"  checked {u}" for u in checked))  # noqa: T201


@pytest.fixture
def page(new_tab):
    return new_tab()


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
