"""What the benchmark measures: the floor and the key pages, each as the login that uses it.

Logins are the hot spots' (``devdata.scale.plan.hot_logins``): the roster is the hot school's (500
active people), the queue the hot office's (1,000 requests), the assessor's queue the hot
assessor's (5 invitations awaiting a reply, 15 accepted; not paginated). A page's ``check``
says what the answer must show, so a page that answers quickly with the wrong thing (an empty
list, a login redirect) is not a good figure.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from accounts.rules import Role
from devdata.scale.plan import Plan

PAGE_ROWS_ROSTER = 100  # personnel/views.py PAGE_SIZE
PAGE_ROWS_QUEUE = 50  # appraisal/views.py PAGE_SIZE
PAGE_ROWS_API = 50  # REST_FRAMEWORK PAGE_SIZE


def _count(marker: str, expected: Callable[[Plan], int]):
    def check(body: bytes, plan: Plan) -> str | None:
        found, want = body.decode().count(marker), expected(plan)
        return None if found == want else f"{found} rows shown, {want} expected"
    return check


def _assessor_queue(body: bytes, plan: Plan) -> str | None:
    text = body.decode()
    found = (text.count('data-testid="awaiting-row"'), text.count('data-testid="accepted-row"'))
    want = (plan.hot_assessor_awaiting, plan.hot_assessor_accepted)
    return None if found == want else f"{found} rows (awaiting, accepted), {want} expected"


def _api_results(expected: int):
    def check(body: bytes, plan: Plan) -> str | None:
        found = len(json.loads(body)["results"])
        return None if found == expected else f"{found} results, {expected} expected"
    return check


def _card(body: bytes, plan: Plan) -> str | None:
    return None if b'data-testid="role-card"' in body else "no role card on the dashboard"


@dataclass(frozen=True)
class Page:
    name: str
    login: str  # a key of devdata.scale.plan.hot_logins()
    path: str
    api: bool = False
    check: Callable[[bytes, Plan], str | None] | None = None

    @property
    def label(self) -> str:
        return f"{self.name} ({self.login})"


FLOOR = Page("floor", Role.STAFF, "/bench/floor/",
             check=lambda body, plan: None if b'data-testid="floor"' in body else "no floor")

PAGES = [
    Page("dashboard", Role.DLA_ADMIN, "/", check=_card),
    Page("dashboard", Role.PROVINCE_ADMIN, "/", check=_card),
    Page("dashboard", Role.OFFICER, "/", check=_card),
    Page("dashboard", Role.GROUP_HEAD, "/", check=_card),
    Page("dashboard", Role.LAO_ADMIN, "/", check=_card),
    Page("dashboard", Role.SCHOOL_ADMIN, "/", check=_card),
    Page("dashboard", Role.STAFF, "/", check=_card),
    Page("roster", Role.SCHOOL_ADMIN, "/personnel/",
         check=_count('data-testid="person-row"', lambda p: min(p.hot_roster, PAGE_ROWS_ROSTER))),
    Page("office queue", Role.LAO_ADMIN, "/appraisal/queue/",
         check=_count('data-testid="queue-row"', lambda p: min(p.hot_queue, PAGE_ROWS_QUEUE))),
    Page("assessor's queue", "assessor", "/appraisal/assessment/mine/", check=_assessor_queue),
    Page("api organizations", Role.DLA_ADMIN, "/api/v1/organizations/", api=True,
         check=_api_results(PAGE_ROWS_API)),
    Page("api organizations", Role.PROVINCE_ADMIN, "/api/v1/organizations/", api=True,
         check=_api_results(PAGE_ROWS_API)),
]

# Key pages that do not exist yet, and the issue that brings them (bench/run.py reports them).
PENDING: list[tuple[str, str]] = []
