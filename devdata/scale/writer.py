"""Bulk writes for the synthetic country (``devdata.scale``): PostgreSQL's COPY, or a plain
``executemany`` INSERT on other databases (SQLite in the tests).

Rows are tuples in the order of the given columns; primary keys are handed out here
(``ids``), so that foreign keys can be computed before anything is written and nothing is read
back. Columns that are not given take the field's default (``auto_now``/``auto_now_add`` take the
build's time); a column that has no default and is not given is an error, so a field added later
by another app is noticed instead of silently breaking the data.
"""

from __future__ import annotations

import datetime
import io
import json
import time
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal

from django.db import connections
from django.db.models import DateTimeField, Model
from django.db.models.fields import NOT_PROVIDED

CHUNK_ROWS = 20_000
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime.date):  # datetime too: isoformat keeps the offset
        return value.isoformat()
    if isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.translate(_ESCAPES)
    return text


class Writer:
    def __init__(self, using: str = "default", *, copy: bool | None = None,
                 now: datetime.datetime):
        self.connection = connections[using]
        self.copy = self.connection.vendor == "postgresql" if copy is None else copy
        if self.copy and self.connection.vendor != "postgresql":
            raise ValueError("COPY needs PostgreSQL")
        self.now = now
        self.rows = Counter()  # table -> rows written
        self.seconds = Counter()  # table -> seconds spent writing
        self._next_id: dict[type[Model], int] = {}
        self._touched: set[type[Model]] = set()

    # --- primary keys ---------------------------------------------------------------------

    def ids(self, model: type[Model], n: int) -> int:
        """Reserve ``n`` primary keys of ``model``; returns the first."""
        if model not in self._next_id:
            table = self.connection.ops.quote_name(model._meta.db_table)
            pk = self.connection.ops.quote_name(model._meta.pk.column)
            with self.connection.cursor() as cursor:
                cursor.execute(f"SELECT MAX({pk}) FROM {table}")  # noqa: S608 (names quoted)
                self._next_id[model] = (cursor.fetchone()[0] or 0) + 1
        first = self._next_id[model]
        self._next_id[model] += n
        return first

    # --- rows -----------------------------------------------------------------------------

    def _columns(self, model: type[Model], columns: list[str]):
        """The given columns' fields, and (column, field, constant value or callable) for the
        columns left to their defaults."""
        by_column = {f.column: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(by_column)
        if unknown:
            raise ValueError(f"{model.__name__}: no columns {sorted(unknown)}")
        fields = [by_column[c] for c in columns]
        rest = []
        for column, field in by_column.items():
            if column in columns:
                continue
            if isinstance(field, DateTimeField) and (field.auto_now or field.auto_now_add):
                rest.append((column, field, self.now))
            elif field.default is not NOT_PROVIDED:
                rest.append((column, field, field.default))  # a callable is called per row
            elif field.null:
                rest.append((column, field, None))
            elif field.empty_strings_allowed:
                rest.append((column, field, ""))
            else:
                raise ValueError(f"{model.__name__}.{field.name} ({column}) needs a value: "
                                 "add it to the synthetic data (devdata/scale/)")
        return fields, rest

    def write(self, model: type[Model], columns: list[str], rows: Iterable[tuple]) -> int:
        fields, rest = self._columns(model, columns)
        all_columns = list(columns) + [c for c, _f, _v in rest]
        started = time.perf_counter()
        if self.copy:
            n = self._copy(model, all_columns, rows, rest)
        else:
            n = self._insert(model, fields + [f for _c, f, _v in rest], all_columns, rows, rest)
        table = model._meta.db_table
        self.rows[table] += n
        self.seconds[table] += time.perf_counter() - started
        self._touched.add(model)
        return n

    def _copy(self, model, columns, rows, rest) -> int:
        qn = self.connection.ops.quote_name
        sql = (f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "
               "FROM STDIN")
        constant = all(not callable(v) for _c, _f, v in rest)
        tail = ("\t" + "\t".join(copy_text(v) for _c, _f, v in rest)) if rest and constant else ""
        buffer, n = io.StringIO(), 0
        with self.connection.cursor() as cursor:
            for row in rows:
                line = "\t".join(map(copy_text, row))
                if rest and not constant:
                    line += "\t" + "\t".join(copy_text(v() if callable(v) else v)
                                             for _c, _f, v in rest)
                buffer.write(line + tail + "\n")
                n += 1
                if n % CHUNK_ROWS == 0:
                    self._flush(cursor, sql, buffer)
                    buffer = io.StringIO()
            self._flush(cursor, sql, buffer)
        return n

    @staticmethod
    def _flush(cursor, sql, buffer) -> None:
        if not buffer.tell():
            return
        buffer.seek(0)
        raw = cursor.cursor
        if hasattr(raw, "copy_expert"):  # psycopg2
            raw.copy_expert(sql, buffer)
        else:  # pragma: no cover - psycopg 3
            with raw.copy(sql) as copy:
                copy.write(buffer.getvalue())

    def _insert(self, model, fields, columns, rows, rest) -> int:
        qn = self.connection.ops.quote_name
        names = ", ".join(qn(c) for c in columns)
        marks = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {qn(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        connection = self.connection
        preps = [f.get_db_prep_save for f in fields]
        n, batch = 0, []
        with connection.cursor() as cursor:
            for row in rows:
                values = list(row) + [v() if callable(v) else v for _c, _f, v in rest]
                batch.append([p(v, connection) for p, v in zip(preps, values, strict=True)])
                n += 1
                if len(batch) >= CHUNK_ROWS:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
        return n

    def execute(self, sql: str, params=()) -> int:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    def finish(self) -> None:
        """Move the sequences past the keys handed out here (PostgreSQL)."""
        from django.core.management.color import no_style

        statements = self.connection.ops.sequence_reset_sql(no_style(), list(self._touched))
        with self.connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
