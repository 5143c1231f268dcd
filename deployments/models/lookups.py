"""``id__in_ids=[...]``: membership in a long list of whole numbers, sent as
one parameter.

``pk__in=[...]`` with thousands of ids (the status reads each deployment's
newest few counts and statements by id) costs more in Django and the driver
than in the database: every value is prepared and bound one by one, and the
statement carries thousands of placeholders. This lookup sends the list as
one array (PostgreSQL: ``= ANY(%s)``) or one JSON text (SQLite: ``IN
(SELECT value FROM json_each(%s))``), and both databases still walk the
primary-key index.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models


@models.IntegerField.register_lookup
class InIds(models.Lookup):
    lookup_name = "in_ids"

    def get_prep_lookup(self) -> list[int]:
        return [int(value) for value in self.rhs]

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [
            *params,
            json.dumps(self.rhs),
        ]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, self.rhs]
