"""How a spreadsheet's cells are read on import, strictly.

A cell read "helpfully" changes data without a word: the library reads
01/12/2019 month-first, cuts 2.99 to 2, fails on 5,200 without naming the
field and reads "yes" as false. These widgets refuse instead, with a message
that says what to write.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from import_export import widgets

from deployments.spreadsheets import csv_boolean, from_spreadsheet

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WHOLE_NUMBER = re.compile(r"[+-]?\d{1,15}")


class IsoDateWidget(widgets.DateWidget):
    """Dates as YYYY-MM-DD only. A date like 01/12/2019 is refused: the
    library would read it month-first while the admin shows day-first."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime.datetime):
            # A spreadsheet's date cell is read as a datetime at midnight.
            if value.time() != datetime.time(0):
                raise ValueError(f"{value} has a time of day; give only the date")
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        if ISO_DATE.fullmatch(text):
            try:
                return datetime.date.fromisoformat(text)
            except ValueError:
                raise ValueError(f"{text!r} is not a real date") from None
        raise ValueError(
            f"{text!r} is not a date written YYYY-MM-DD (e.g. 2020-01-08); "
            "dates such as 01/12/2019 are refused because they read as "
            "either 1 December or 12 January"
        )


class WholeNumberWidget(widgets.IntegerWidget):
    """Whole numbers only: 2.99 is refused rather than cut to 2, and 5,200
    rather than guessed (a comma is a decimal mark in much of the world)."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Any:
        if self.is_empty(value):
            return None
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number")
        if isinstance(value, int):
            return value
        if isinstance(value, float | Decimal):
            # Spreadsheets store every number as a float: 350.0 is 350.
            if value == int(value):
                return int(value)
            raise ValueError(f"{value} is not a whole number")
        text = str(value).strip()
        if WHOLE_NUMBER.fullmatch(text):
            return int(text)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                f"{text!r} is not a whole number; write digits only, without "
                "separators (5200, not 5,200)"
            ) from None
        if number.is_finite() and number == number.to_integral_value():
            return int(number)
        raise ValueError(f"{text!r} is not a whole number")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        # Digits only, as clean() reads them: never a localised "5,200".
        if self.coerce_to_string and not kwargs.get("force_native_type"):
            return "" if value is None else str(value)
        return value


class TrueFalseWidget(widgets.BooleanWidget):
    """``true``/``false`` in every text export, as in the JSON API; on import
    also 1/0, and nothing else (the library would read "yes" as false)."""

    READS = {"true": True, "1": True, "false": False, "0": False}

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Any:
        if value is None or isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text == "":
            return None
        if text in self.READS:
            return self.READS[text]
        raise ValueError(f"{value!r} is not true or false")

    def render(self, value: Any, obj: Any = None, **kwargs: Any) -> Any:
        if self.coerce_to_string and not kwargs.get("force_native_type"):
            return csv_boolean(value)
        return value


class TextWidget(widgets.CharWidget):
    """Text as stored; a ' added on export to keep a formula text is dropped."""

    def clean(self, value: Any, row: dict | None = None, **kwargs: Any) -> Any:
        return from_spreadsheet(super().clean(value, row, **kwargs))
