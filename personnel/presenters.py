"""Turn history lines into table sections for the person page (and later the ก.พ.7 PDF)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.money import format_baht
from core.thaidates import format_be

from .models import HISTORY_MODELS
from .services import HISTORY_KINDS

HIDDEN = {"id", "person", "created_at", "created_by"}
KIND_OF_MODEL = {model: kind for kind, model in HISTORY_KINDS.items()}


@dataclass
class Section:
    key: str
    title: str
    headers: list[str]
    rows: list[list[str]]
    kind: str | None = None  # the history kind that adds a line here (None: status changes)


def _columns(model):
    fields = [f for f in model._meta.concrete_fields if f.name not in HIDDEN]
    return sorted(fields, key=lambda f: f.name == "note")  # the remark last


def format_value(obj, field: models.Field) -> str:
    value = getattr(obj, field.attname)
    if value is None or value == "":
        return "–"
    if field.choices:
        return str(getattr(obj, f"get_{field.name}_display")())
    if isinstance(field, models.ForeignKey):
        return str(getattr(obj, field.name))
    if isinstance(value, bool):
        return "✓" if value else "–"
    if isinstance(field, models.DecimalField) and field.name == "salary":
        return format_baht(value)  # the same figure as the current-position card and the PDF
    if isinstance(value, datetime.date):
        lang = "en" if (get_language() or "th").startswith("en") else "th"
        return format_be(value, lang=lang, with_time=False)
    return str(value)


def history_sections(person) -> list[Section]:
    """Every history section of a person, in a fixed order, empty ones included (so that the
    page shows what is missing)."""
    sections = []
    for model in HISTORY_MODELS:
        columns = _columns(model)
        lines = getattr(person, f"{model._meta.model_name}_lines").all()
        sections.append(Section(
            kind=KIND_OF_MODEL.get(model),
            key=model._meta.model_name,
            title=str(model._meta.verbose_name),
            headers=[str(c.verbose_name) for c in columns],
            rows=[[format_value(line, c) for c in columns] for line in lines],
        ))
    return sections


def no_lines_text() -> str:
    return _("ยังไม่มีข้อมูล")
