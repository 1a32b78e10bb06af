"""Inserting many rows fast with PostgreSQL's COPY (tens of thousands a second), for imports
whose rows were already checked by their service.

Django's bulk_create prepares every value through its fields, which for 10 000 hazards with
their events and history costs tens of seconds; COPY streams the values as they are. Primary
keys are taken from the table's sequence first, so the caller can point related rows at them.
Nothing here runs model methods, signals or validation: callers do that before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum
from typing import Any

from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb


def take_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys of the model's table, from its own sequence."""
    if count == 0:
        return []
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _plain(value: Any, field: models.Field) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(field, models.JSONField) and value is not None:
        return Jsonb(value)
    return value


def copy_objects(objects: Sequence[models.Model]) -> None:
    """Insert unsaved instances of one model with COPY, giving each a primary key first.
    auto_now / auto_now_add fields left empty get the current time."""
    if not objects:
        return
    model = type(objects[0])
    fields = list(model._meta.concrete_fields)
    now = timezone.now()
    stamped = [
        f for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    pk = model._meta.pk
    missing = [o for o in objects if getattr(o, pk.attname) is None]
    for obj, new in zip(missing, take_ids(model, len(missing)), strict=True):
        setattr(obj, pk.attname, new)
    for obj in objects:
        for f in stamped:
            if getattr(obj, f.attname) is None:
                setattr(obj, f.attname, now)
    copy_rows(
        model._meta.db_table,
        [f.column for f in fields],
        ([_plain(getattr(o, f.attname), f) for f in fields] for o in objects),
    )
    for obj in objects:
        obj._state.adding = False


def copy_rows(table: str, columns: list[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY rows of plain values (str, int, date, datetime, Decimal, None, Jsonb) into a table."""
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(table)} ({names}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(row)
