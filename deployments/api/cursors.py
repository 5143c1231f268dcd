"""Keyset cursors for long lists: ``?cursor=`` pages that cost the same at any
depth and stay put when records are added.

A page number makes the database count past every earlier row
(``OFFSET 250000``). A cursor names the row a page ends (or starts) at, by the
values the list is ordered by, with the primary key as the last tie-break,
and the next page is read as "the rows after these values" along the
ordering's index. Rows added before the cursor's place never shift it.

The token is opaque to clients (base64url of a small JSON document); its
values are checked as the fields' own values, so a forged token is a 400
like any other bad parameter. Lists ordered by a field that may be empty
(``?ordering=troops``) cannot be walked this way: an empty value has no
place to compare with, so those ask for page numbers instead.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, Model, Q, QuerySet
from rest_framework.exceptions import ValidationError

FORWARD, BACKWARD = "next", "prev"


@dataclass(frozen=True)
class OrderField:
    """One field a list is ordered by: its lookup path, its direction, and
    the model field at the end of the path."""

    path: str
    descending: bool
    field: Field


@dataclass(frozen=True)
class Cursor:
    """Where a page starts: after (``next``) or before (``prev``) the row
    with these values of the list's order fields."""

    direction: str
    values: tuple[Any, ...]

    def encode(self) -> str:
        document = {
            "d": self.direction,
            "v": [_plain(value) for value in self.values],
        }
        text = json.dumps(document, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _plain(value: Any) -> Any:
    """A value as JSON holds it: dates as ISO text, numbers and text as is."""
    return value.isoformat() if hasattr(value, "isoformat") else value


def decode(token: str, order: list[OrderField]) -> Cursor:
    """The cursor a token names, or a 400 saying it is none of ours."""
    problem = ValidationError(
        {"cursor": ["Not a cursor from this list: follow the next or previous link."]}
    )
    try:
        padded = token + "=" * (-len(token) % 4)
        document = json.loads(base64.urlsafe_b64decode(padded.encode()))
        direction, raw = document["d"], document["v"]
    except (binascii.Error, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise problem from None
    if (
        direction not in (FORWARD, BACKWARD)
        or not isinstance(raw, list)
        or len(raw) != len(order)
    ):
        raise problem
    try:
        values = tuple(
            field.field.to_python(value)
            for field, value in zip(order, raw, strict=True)
        )
    except (DjangoValidationError, TypeError, ValueError):
        raise problem from None
    if any(value is None for value in values):
        raise problem
    return Cursor(direction, values)


def order_of(queryset: QuerySet) -> list[OrderField]:
    """The fields ``queryset`` is ordered by, ending with the primary key (added
    as the last tie-break when the order lacks it); a 400 when a field may be
    empty or the order is not plain fields."""
    model = queryset.model
    order: list[OrderField] = []
    for item in queryset.query.order_by or ("pk",):
        if not isinstance(item, str) or item.lstrip("-") == "?":
            raise _unorderable("this order")
        descending = item.startswith("-")
        path = item.lstrip("-")
        if path == "pk":
            path = model._meta.pk.name
        field = _field_at(model, path)
        if field.null:
            raise _unorderable(f"“{path}”, which may be empty")
        order.append(OrderField(path, descending, field))
    if not any(f.field.primary_key and "__" not in f.path for f in order):
        pk = model._meta.pk
        order.append(OrderField(pk.name, order[-1].descending, pk))
    return order


def _field_at(model: type[Model], path: str) -> Field:
    try:
        *relations, name = path.split("__")
        for relation in relations:
            model = model._meta.get_field(relation).related_model  # type: ignore[assignment]
        return model._meta.get_field(name)  # type: ignore[return-value]
    except (FieldDoesNotExist, AttributeError):
        raise _unorderable(f"“{path}”") from None


def _unorderable(what: str) -> ValidationError:
    return ValidationError(
        {
            "cursor": [
                f"Cursor pages cannot follow an order by {what}; "
                "leave out ordering, or use page numbers."
            ]
        }
    )


def values_of(row: Model, order: list[OrderField]) -> tuple[Any, ...]:
    """A row's values of the order fields, following relations it holds."""
    values = []
    for field in order:
        value: Any = row
        for name in field.path.split("__"):
            value = getattr(value, name)
        values.append(value.pk if isinstance(value, Model) else value)
    return tuple(values)


def beyond(cursor: Cursor, order: list[OrderField]) -> Q:
    """The rows after the cursor's row in the list's order (before it for a
    ``prev`` cursor): a row comparison spelled out field by field, led by a
    bound on the first field alone, so the database starts its index walk
    at the cursor instead of filtering from the top."""
    forward = cursor.direction == FORWARD
    first, value = order[0], cursor.values[0]
    # Rows after, in a descending order, have smaller values.
    smaller = first.descending == forward
    condition = Q(**{f"{first.path}__{'lte' if smaller else 'gte'}": value})
    either = Q()
    for index, field in enumerate(order):
        smaller = field.descending == forward
        step = Q(
            **{
                earlier.path: earlier_value
                for earlier, earlier_value in zip(
                    order[:index], cursor.values[:index], strict=True
                )
            },
            **{f"{field.path}__{'lt' if smaller else 'gt'}": cursor.values[index]},
        )
        either |= step
    return condition & either


def reversed_order(order: list[OrderField]) -> list[str]:
    """``order_by`` arguments that read the list backwards (for ``prev``)."""
    return [f"{'' if f.descending else '-'}{f.path}" for f in order]


def forward_order(order: list[OrderField]) -> list[str]:
    return [f"{'-' if f.descending else ''}{f.path}" for f in order]
