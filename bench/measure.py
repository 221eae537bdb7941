"""In-process side of the benchmark: logins (sessions and tokens for the hot spots' roles),
query counts per page (Django's CaptureQueriesContext on the same database), and EXPLAIN of the
queries the pages run."""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from devdata.scale.plan import Plan, hot_logins

from .pages import Page

BIG_TABLE_ROWS = 10_000  # a sequential scan of a table this big is reported
BIG_SORT_ROWS = 5_000  # so is a sort of this many rows (an ordering with no index behind it)


@dataclass
class Login:
    role: str
    username: str
    session_key: str
    token: str

    def wrk_header(self, api: bool) -> str:
        if api:
            return f"Authorization: Token {self.token}"
        return f"Cookie: {settings.SESSION_COOKIE_NAME}={self.session_key}"


PLANNER_SETTINGS = ("server_version", "random_page_cost", "effective_cache_size",
                    "shared_buffers", "work_mem")


def planner_settings() -> dict[str, str]:
    """What the database's planner works with (the bench sets random_page_cost; run.py)."""
    with connection.cursor() as cursor:
        values = {}
        for name in PLANNER_SETTINGS:
            cursor.execute(f"SHOW {name}")
            values[name] = cursor.fetchone()[0]
    return values


def prepare_logins() -> dict[str, Login]:
    """A fresh session (and an API token) for each role of the hot spots. The roles that must
    use two-factor authentication get a confirmed authenticator and a session that passed it,
    as after a real login, so their pages pay what such a session pays."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts import tokens, two_factor
    from accounts.models import User

    logins = {}
    for role, username in hot_logins().items():
        user = User.objects.get(username=username)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if two_factor.is_required(user):
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name=two_factor.DEVICE_NAME, defaults={"confirmed": True})
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.create()
        token = tokens.issue(user=user, second_factor=two_factor.is_required(user))[1]
        logins[role] = Login(role, username, session.session_key, token)
    return logins


@dataclass
class Count:
    page: Page
    status: int
    queries: int  # with nothing in the cache (the dashboards keep their counts a while)
    problem: str | None
    sql: list[str] = field(default_factory=list)
    queries_warm: int = 0  # the same request again, the cache filled
    wall_ms: float = 0.0  # in-process, median of the timed requests
    sql_ms: float = 0.0  # of which in the database driver
    cold_ms: float = 0.0  # in-process, median of the timed requests with the cache emptied


class _SQLTimer:
    """connection.execute_wrapper: the time spent in the database driver."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def _client(page: Page, login: Login) -> tuple[Client, dict]:
    client = Client()
    if page.api:
        return client, {"HTTP_AUTHORIZATION": f"Token {login.token}"}
    client.cookies[settings.SESSION_COOKIE_NAME] = login.session_key
    return client, {}


def count_queries(page: Page, login: Login, plan: Plan, *, timed: int = 0) -> Count:
    """The page's queries, after one warm-up request (which may save the session): with the
    cache emptied (every query the page can make), then again with the cache as that request
    left it; then ``timed`` more requests for the in-process time and the time spent in SQL
    (cache warm, as under load), and ``timed`` with the cache emptied before each (the first
    visit after a change)."""
    client, headers = _client(page, login)
    client.get(page.path, **headers)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(page.path, **headers)
    problem = None if response.status_code == 200 else f"HTTP {response.status_code}"
    if problem is None and page.check is not None:
        problem = page.check(response.content, plan)
    count = Count(page, response.status_code, len(ctx.captured_queries), problem,
                  [q["sql"] for q in ctx.captured_queries])
    with CaptureQueriesContext(connection) as warm:
        client.get(page.path, **headers)
    count.queries_warm = len(warm.captured_queries)
    walls, sqls = [], []
    for _ in range(timed):
        timer = _SQLTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            client.get(page.path, **headers)
            walls.append(time.perf_counter() - started)
        sqls.append(timer.seconds)
    colds = []
    for _ in range(timed):  # as the first visit after a change: nothing kept (core/kept.py)
        cache.clear()
        started = time.perf_counter()
        client.get(page.path, **headers)
        colds.append(time.perf_counter() - started)
    if timed:
        count.wall_ms = round(statistics.median(walls) * 1000, 2)
        count.sql_ms = round(statistics.median(sqls) * 1000, 2)
        count.cold_ms = round(statistics.median(colds) * 1000, 2)
    return count


@dataclass
class Explained:
    sql: str
    pages: list[str]
    ms: float
    plan_text: str = ""
    findings: list[str] = field(default_factory=list)


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _table_rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relkind = 'r' "
                       "AND relnamespace = 'public'::regnamespace")
        return dict(cursor.fetchall())


def explain(counts: list[Count], heaviest: int = 6) -> tuple[list[Explained], list[Explained]]:
    """EXPLAIN ANALYZE every distinct SELECT the pages ran (inside a transaction that is rolled
    back). Returns the heaviest ones with their plans in text, and those whose plans scan a big
    table sequentially or sort many rows."""
    by_sql: dict[str, list[str]] = {}
    for count in counts:
        for sql in count.sql:
            if sql.lstrip().upper().startswith("SELECT"):
                by_sql.setdefault(sql, [])
                if count.page.label not in by_sql[sql]:
                    by_sql[sql].append(count.page.label)
    sizes = _table_rows()
    done: list[Explained] = []
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, pages in by_sql.items():
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
            document = cursor.fetchone()[0]
            document = json.loads(document) if isinstance(document, str) else document
            top = document[0]
            item = Explained(sql, pages, top["Execution Time"] + top.get("Planning Time", 0))
            for node in _nodes(top["Plan"]):
                kind = node["Node Type"]
                table = node.get("Relation Name")
                if kind == "Seq Scan" and sizes.get(table, 0) >= BIG_TABLE_ROWS:
                    item.findings.append(
                        f"Seq Scan on {table} ({sizes[table]} rows, "
                        f"filter: {node.get('Filter', '-')})")
                if kind == "Sort" and node.get("Actual Rows", 0) >= BIG_SORT_ROWS:
                    item.findings.append(f"Sort of {node['Actual Rows']} rows by "
                                         f"{', '.join(node.get('Sort Key', []))}")
            done.append(item)
        heavy = sorted(done, key=lambda e: e.ms, reverse=True)[:heaviest]
        for item in heavy:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {item.sql}")
            item.plan_text = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return heavy, [e for e in done if e.findings]
