"""Pages of a long list that count themselves: one query where Django's Paginator makes two.

Django's ``Paginator`` asks the database for the count, then for the page. On the busiest lists
(a roster of 500, an office's 1,000 requests) both queries do the same work: find every row in
reach, the count to count them, the page to sort them. ``CountedPaginator`` asks once, with
``COUNT(*) OVER ()`` beside each row of the page (the window is computed before LIMIT, so it is
the count of the whole list). Only a page that comes back empty (past the end, or an empty list)
falls back to Django's way, so the numbers and the last-page rule are Django's own.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import Count, Window

TOTAL = "rows_in_list"  # the window's column: a plain name (namedtuple rows take no "_x")


class CountedPaginator(Paginator):
    """``Paginator`` over a queryset (of models or of ``values_list(named=True)`` rows) whose
    ``get_page`` counts with the page. The rows of the page are the queryset's own rows; with
    models each carries the count as ``rows_in_list``, with named rows as a field of that name."""

    def get_page(self, number) -> Page:
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if number >= 1 and not self.orphans and "count" not in self.__dict__:
            bottom = (number - 1) * self.per_page
            counted = self.object_list.annotate(**{TOTAL: Window(Count("pk"))})
            fields = self.object_list._fields  # values_list rows: the count as one more field
            if fields:
                counted = counted.values_list(*fields, TOTAL, named=True)
            rows = list(counted[bottom:bottom + self.per_page])
            if rows:
                self.__dict__["count"] = getattr(rows[0], TOTAL)  # Paginator.count is cached
                return self._get_page(rows, number, self)
        return super().get_page(number)
