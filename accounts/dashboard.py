"""Dashboard panels contributed by other apps.

``accounts`` sits at the bottom of the import chain, so it cannot ask committees or appraisal
what to show. Instead each app registers a function in its ``AppConfig.ready()``; the dashboard
calls every registered function for every membership card. A function returns a ``Panel`` or
None, and must be cheap (a query or two).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class PanelItem:
    label: str
    value: str | int = ""
    url: str = ""
    key: str = ""  # names the item for tests (data-testid)
    waiting: bool = False  # ``value`` counts items waiting for the user (a queue's badge)


@dataclass
class Panel:
    title: str
    items: list[PanelItem] = field(default_factory=list)
    key: str = ""


PanelFunction = Callable[[object, object], "Panel | None"]  # (user, membership) -> Panel | None

_panels: list[PanelFunction] = []


def register(func: PanelFunction) -> PanelFunction:
    if func not in _panels:
        _panels.append(func)
    return func


def panels_for(user, membership) -> list[Panel]:
    return [p for p in (func(user, membership) for func in _panels) if p is not None]


# --- Figures kept between visits -----------------------------------------------------------------


def kept(namespace: str, panel: str, membership, compute: Callable[[], object]):
    """``compute()`` for this membership's card and ``panel``, or the figure kept from an earlier
    visit that nothing counted (``namespace``) has changed since (``core.kept``), for at most
    ``DASHBOARD_COUNTS_SECONDS``. ``compute`` must return plain data (no translated text: the
    next visitor may read another language)."""
    from django.conf import settings

    from core import kept as keeping

    # the membership's creation time too: a key never outlives its membership (ids come back
    # in a test database rolled back), as in accounts.selectors._counts_key
    key = (f"panel:{panel}:{membership.pk}:{membership.organization_id}:"
           f"{membership.created_at.timestamp():.6f}")
    return keeping.kept(namespace, key, [membership.organization.path], compute,
                        seconds=settings.DASHBOARD_COUNTS_SECONDS)
