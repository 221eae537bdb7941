"""Query budgets for list pages: the count must stay under a literal budget, and must not grow
with the number of rows (the same page at two data sizes makes the same number of queries)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext


def count_queries(fetch: Callable[[], object]) -> tuple[int, object]:
    """The queries of ``fetch`` as a first visitor makes them: nothing kept between visits
    (core/kept.py, the dashboards' counts), so every query the page can make is counted, and
    rows written behind the services' back (bulk_create in a test) are read."""
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        result = fetch()
    return len(ctx.captured_queries), result


def assert_query_budget(
    fetch: Callable[[], object],
    grow: Callable[[int], None],
    *,
    budget: int,
    sizes: tuple[int, int] = (3, 60),
    check: Callable[[object, int], None] | None = None,
) -> tuple[int, int]:
    """Grow the data to ``sizes[0]`` rows, fetch, grow to ``sizes[1]``, fetch again.

    ``fetch`` requests the page (and returns the response); ``grow(n)`` makes sure the page has
    ``n`` rows to show; ``check(response, n)`` may assert that the rows are really there.
    Returns the two counts.
    """
    counts = []
    for n in sizes:
        grow(n)
        queries, response = count_queries(fetch)
        if check is not None:
            check(response, n)
        counts.append(queries)
    small, large = counts
    assert large <= budget, f"{large} queries with {sizes[1]} rows, budget {budget}"
    assert small == large, f"query count grows with the data: {small} → {large}"
    return small, large
