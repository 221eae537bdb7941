"""Import history lines (ก.พ.7 sections) from Excel/CSV through the one runner of imports
(``core.tabular.run_import``), with the same row report as the people import: every bad row with
its Thai reasons; nothing is written when a row is wrong, unless "good rows only" is asked.

Layout: one line per row; the header row names the columns by their field names (or
"Thai label (field)"): ``national_id`` and ``kind`` always, then the fields of that kind, e.g.

    national_id | kind   | level  | field_of_study | institution | graduated_on
    1101700230708 | degree | master | หลักสูตรและการสอน | มหาวิทยาลัยนครพนม | 31/03/2565

``kind`` is one of position, degree, licence, discipline, ethics, performance, language,
hardship, pqf, workload (or the section's Thai name). Dates as in the people import (Buddhist
era dd/mm/yyyy or ISO); choices by key or Thai label; yes/no as ใช่/ไม่ใช่, 1/0, true/false.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit, national_id, scoping
from accounts.scoping import Access
from core import tabular
from core.tabular import (
    CellError,
    ImportReport,
    RowProblem,
    parse_date,
)

from . import services
from .models import Person

HIDDEN = {"id", "person", "created_at", "created_by"}
FUTURE_DATES = {"expires_on", "ended_on"}  # may lie ahead; every other date is in the past
TRUE = {"1", "true", "yes", "y", "ใช่", "มี", "✓"}
FALSE = {"0", "false", "no", "n", "ไม่ใช่", "ไม่", "ไม่มี", "-", ""}


def _key(header) -> str:
    text = str(header or "").strip()
    match = re.search(r"\(([a-z_]+)\)\s*$", text)
    return (match.group(1) if match else text).strip().lower()


def _kind_lookup() -> dict[str, str]:
    lookup = {}
    for kind, model in services.HISTORY_KINDS.items():
        lookup[kind] = kind
        with translation.override("th"):
            lookup[str(model._meta.verbose_name)] = kind
    return lookup


def _fields(model):
    return {f.name: f for f in model._meta.concrete_fields if f.name not in HIDDEN}


def _parse(field: models.Field, raw):
    text = "" if raw is None else str(raw).strip()
    if isinstance(field, models.BooleanField):
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError(_("ต้องเป็น ใช่ หรือ ไม่ใช่"))
    if text == "":
        return None
    if isinstance(field, models.DateField):
        return parse_date(raw, allow_future=field.name in FUTURE_DATES)
    if field.choices:
        for value, label in field.choices:
            if text.lower() in {str(value).lower(), str(label).lower()}:
                return value
        raise ValueError(_("ไม่รู้จักค่า “%(value)s”") % {"value": text})
    if isinstance(field, models.DecimalField):
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("ต้องเป็นตัวเลข")) from None
    if isinstance(field, models.IntegerField):
        if not text.isdigit():
            raise ValueError(_("ต้องเป็นตัวเลข"))
        return int(text)
    return text


def run_history_import(*, actor, upload, good_rows_only: bool = False) -> ImportReport:
    """ก.พ.7 history lines from a file, through ``core.tabular.run_import``."""
    return tabular.run_import(
        upload,
        report=ImportReport(file_name=getattr(upload, "name", "") or "",
                            good_rows_only=good_rows_only, noun=gettext_lazy("รายการ")),
        key_of=_key,
        missing=lambda columns: [key for key in ("national_id", "kind") if key not in columns],
        check=lambda header, body, report: _check(actor, header, body, report),
        write=lambda good, report: _write(actor, good, report))


def _check(actor, header, data_rows, report) -> list[tuple[str, Person, dict]]:
    kinds = _kind_lookup()
    numbers = {national_id.normalize(str(header.values(r).get("national_id") or ""))
               for _n, r in data_rows}
    reach = scoping.reach(actor, Access.WORK)
    people = {} if reach.nothing else {
        p.national_id: p for p in Person.objects.filter(reach.q("organization"),
                                                         national_id__in=numbers)
        .select_related("organization")}
    good = []
    for number, row in data_rows:
        values = header.values(row)
        reasons = []
        person = people.get(national_id.normalize(str(values.get("national_id") or "")))
        if person is None:
            reasons.append(_("ไม่พบเลขประจำตัวประชาชนนี้ในทะเบียนที่ท่านดูแล"))
        kind = kinds.get(str(values.get("kind") or "").strip().lower()) or kinds.get(
            str(values.get("kind") or "").strip())
        if kind is None:
            reasons.append(_("ไม่รู้จักประเภทประวัติ “%(kind)s”") % {"kind": values.get("kind")})
        if reasons:
            report.problems.append(RowProblem(row=number, reasons=reasons))
            continue
        model = services.HISTORY_KINDS[kind]
        fields = _fields(model)
        parsed = {}
        for name, field in fields.items():
            if name not in values:
                continue
            try:
                value = _parse(field, values[name])
            except (ValueError, CellError) as exc:
                reasons.append(f"{field.verbose_name}: {exc}")
                continue
            if value is not None:
                parsed[name] = value
        line = model(person=person, **parsed)
        try:
            line.full_clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                label = fields[name].verbose_name if name in fields else ""
                reasons.extend(f"{label}: {m}" if label else m for m in messages)
        if reasons:
            report.problems.append(RowProblem(row=number, reasons=reasons,
                                              name=person.full_name_th))
        else:
            good.append((kind, person, parsed))
    return good


@transaction.atomic
def _write(actor, good, report) -> int:
    """Append the lines through the one service that adds history (permission, validation,
    certification reopened), then one audit record for the file."""
    for kind, person, parsed in good:
        services.add_history_line(actor=actor, person=person, kind=kind, **parsed)
    counts: dict[str, int] = {}
    for kind, _person, _parsed in good:
        counts[kind] = counts.get(kind, 0) + 1
    audit.record("person.history_import", actor=actor, source=report.file_name,
                 rows_in_file=report.rows_total, rows_rejected=len(report.problems),
                 lines=counts)
    return len(good)
