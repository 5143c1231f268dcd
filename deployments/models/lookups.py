"""``id__in_ids={...}``: membership in a long set of whole numbers, sent as
one parameter.

``pk__in=[...]`` with thousands of ids (the status reads each deployment's
newest few counts and statements by id) costs more in Django and the driver
than in the database: every value is prepared and bound one by one, and the
statement carries thousands of placeholders. This lookup sends the list as
one array (PostgreSQL: ``= ANY(%s)``) or one JSON text (SQLite: ``IN
(SELECT value FROM json_each(%s))``), and both databases still walk the
primary-key index.

Give it a set: Django walks a list or a tuple item by item before any lookup
sees it (each item might be an expression to resolve), which at thousands of
ids costs more than the query. The ids go out sorted, so the same ids always
make the same statement.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models


@models.IntegerField.register_lookup
class InIds(models.Lookup):
    lookup_name = "in_ids"

    def get_prep_lookup(self) -> list[int]:
        return sorted({int(value) for value in self.rhs})

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [
            *params,
            json.dumps(self.rhs),
        ]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        # As array text ("{1,2,3}"): the driver dumps a list item by item.
        ids = "{" + ",".join(map(str, self.rhs)) + "}"
        return f"{lhs} = ANY(%s::text::bigint[])", [*params, ids]


class _IdList(models.Field):
    """What ``IdList`` gives back: a list of ids, decoded from SQLite's JSON."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


class IdList(models.Subquery):
    """The ids a subquery of ``.values("pk")`` returns, in its order, as one
    list.

    Each record a correlated ``Subquery`` picks costs a subquery of its own
    (the third newest is ``OFFSET 2``, walking the index again from the
    start). This reads the first few in one walk: an array on PostgreSQL
    (``ARRAY(...)``), a JSON array on SQLite (``json_group_array``).
    """

    output_field = _IdList()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        column = connection.ops.quote_name(self.query.values_select[0])
        template = f"(SELECT json_group_array({column}) FROM (%(subquery)s))"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler, connection, template="ARRAY(%(subquery)s)", **extra
        )


class DaysBefore(models.Func):
    """The date ``days`` days before a date expression, on both databases
    (PostgreSQL subtracts whole days from a date; SQLite's ``date()`` takes a
    modifier)."""

    output_field = models.DateField()

    def __init__(self, date: Any, days: int) -> None:
        super().__init__(date)
        self.days = int(days)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, %s)", [*params, f"-{self.days} days"]

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} - %s::integer)", [*params, self.days]
