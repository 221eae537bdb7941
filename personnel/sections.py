"""Sections of the person page contributed by higher apps.

``personnel`` must not import ``appraisal`` (imports flow accounts ← personnel ← appraisal), yet
a teacher's record shows their PA results. So a higher app registers a function in its
``AppConfig.ready()``; the person page calls every registered function and shows what they
render. A function takes ``(request, person)`` and returns a ``Section`` or None; it must be
cheap and must not grow with the data (one query, with what its template needs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils.safestring import SafeString


@dataclass
class Section:
    template: str
    context: dict = field(default_factory=dict)


SectionFunction = Callable[[object, object], "Section | None"]  # (request, person) -> Section

_sections: list[SectionFunction] = []


def register(func: SectionFunction) -> SectionFunction:
    if func not in _sections:
        _sections.append(func)
    return func


def sections_for(request, person) -> list[SafeString]:
    """The HTML of every registered section for ``person``, in the order of registration."""
    html = []
    for func in _sections:
        section = func(request, person)
        if section is not None:
            html.append(render_to_string(section.template,
                                         {"person": person, **section.context},
                                         request=request))
    return html
