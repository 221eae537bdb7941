"""Figures and rows kept between visits, until something they show changes.

A page about a whole office (what waits at each step in a province, an LAO's queue of 1,000
requests, a school's roster) reads thousands of rows on every visit, and most visits find
nothing changed since the last one. ``kept`` keeps what such a page computed and drops it as
soon as a row it shows changes: the app that owns the rows calls ``changed`` (from its
models' signals, and after its bulk writes, which send none) with the organisations touched,
which moves on a version number per province (and one for the whole country); a kept value
belongs to the versions it was computed under, and a value is kept for at most
``KEPT_SECONDS`` whatever happens.

The version moves at once and again after the commit, so a value computed in between from
rows not yet committed does not outlive the transaction. With the in-memory cache of ``make
run`` each process has its own versions (a value may then be up to ``KEPT_SECONDS`` old in
another worker); deployments use Redis, which all processes share.

What is kept must be plain data for one audience: the caller puts into the key whatever the
value depends on besides the rows (the user's reach, the filters, the page, the language).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

PATH_STEP = 4  # accounts.Organization (treebeard) steplen
EVERYWHERE = "*"  # a path for rows that belong to no organisation (an assessor's invitations)


def _scopes(path: str) -> list[str]:
    """The country's version and, below the agency, the province's."""
    if path == EVERYWHERE:
        return [EVERYWHERE]
    return [path[:PATH_STEP]] + ([path[:2 * PATH_STEP]] if len(path) > PATH_STEP else [])


def _version_key(namespace: str, scope: str) -> str:
    return f"kept-version:{namespace}:{scope}"


def _version(key: str) -> int:
    """A version starts from the clock, never from 0: one evicted from the cache comes back as
    a number no kept value was computed under."""
    version = cache.get(key)
    if version is None:
        cache.add(key, time.time_ns(), None)
        version = cache.get(key)
    return version


def kept(namespace: str, key: str, paths: Iterable[str], compute: Callable[[], object],
         seconds: int | None = None):
    """``compute()``, or the value kept under ``key`` since nothing of ``namespace`` changed in
    the provinces of ``paths`` (the organisations whose rows the value shows)."""
    seconds = settings.KEPT_SECONDS if seconds is None else seconds
    scopes = sorted({_scopes(path)[-1] for path in paths if path})
    if not seconds or not scopes:
        return compute()
    versions = ".".join(str(_version(_version_key(namespace, s))) for s in scopes)
    digest = hashlib.sha256(f"{key}|{'|'.join(scopes)}|{versions}".encode()).hexdigest()
    full_key = f"kept:{namespace}:{digest}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, seconds)
    return value


def changed(namespace: str, paths: Iterable[str]) -> None:
    """Rows of ``namespace`` changed in the organisations at ``paths``."""
    keys = {_version_key(namespace, scope) for path in paths if path for scope in _scopes(path)}

    def bump() -> None:
        for key in keys:
            try:
                cache.incr(key)
            except ValueError:  # not there (never read, or evicted): a fresh one
                cache.set(key, time.time_ns(), None)

    bump()
    transaction.on_commit(bump)


# The namespaces: what the kept values show. Person names and unit names are on the office's
# queue too, so a person or an organisation that changes moves both on.
APPLICATIONS = "applications"
PEOPLE = "people"
INVITATIONS = "invitations"  # an assessor's invitations and score sheets, kept EVERYWHERE
QUEUES = "queues"  # the dashboard's work queues (personnel/queues.py)


def list_key(request, *parts) -> str:
    """What a list page's rows depend on besides the rows themselves: the view, the language,
    the query string (filters and page), and the caller's ``parts`` (the user's reach: the
    subtree paths, never only their provinces; the user, where the list holds their own
    record)."""
    from django.utils import translation

    query = sorted(request.GET.lists())
    return repr((request.resolver_match.view_name if request.resolver_match else request.path,
                 translation.get_language(), query, parts))


def kept_page(namespace: str, key: str, paths: Iterable[str], queryset, per_page: int,
              number, rows_of: Callable, paginator_class=None):
    """A page of ``queryset`` and its rows (``rows_of(page)``: plain data), kept as ``kept``
    keeps values. Returns (page, rows): the page rebuilt from the kept count and number, its
    ``object_list`` a lazy slice that nothing reads (the rows are what is shown)."""
    from django.core.paginator import Paginator

    paginator_class = paginator_class or Paginator

    def compute():
        page = paginator_class(queryset, per_page).get_page(number)
        return page.paginator.count, page.number, rows_of(page)

    count, number, rows = kept(namespace, key, paths, compute)
    paginator = Paginator(queryset, per_page)
    paginator.__dict__["count"] = count  # Paginator.count is a cached_property
    return paginator.page(number), rows
