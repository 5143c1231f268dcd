"""Values written to files that analysts open in spreadsheets, and read back.

Every export path (the API's CSV, ``/status.csv``, the admin's CSV, XLSX and
JSON, ``export_records``) writes text through :func:`spreadsheet_safe`, and
every import reads text through :func:`from_spreadsheet`, so that a quote
typed as ``=HYPERLINK(...)`` stays text in a spreadsheet and still comes back
exactly as stored when the file is imported again.
"""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is run as a formula by Excel, LibreOffice
# and Google Sheets ("CSV injection"); openpyxl also writes any text starting
# with "=" as a formula cell. Such text is prefixed with ' to keep it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TEXT_PREFIX = "'"


def spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would evaluate, prefixed with ' to keep it text.

    Text that already looks escaped (' then a formula start, or '') gets one
    more ', so that :func:`from_spreadsheet` gives back exactly the original.
    """
    if isinstance(value, str) and (
        value.startswith(FORMULA_STARTS) or _looks_escaped(value)
    ):
        return TEXT_PREFIX + value
    return value


def from_spreadsheet(value: Any) -> Any:
    """The inverse of :func:`spreadsheet_safe`: drop the one ' it added.

    Also what a person means by typing '=5 in a spreadsheet: the text "=5".
    """
    if isinstance(value, str) and _looks_escaped(value):
        return value[len(TEXT_PREFIX) :]
    return value


def _looks_escaped(value: str) -> bool:
    rest = value[len(TEXT_PREFIX) :]
    return value.startswith(TEXT_PREFIX) and rest.startswith(
        (*FORMULA_STARTS, TEXT_PREFIX)
    )


def csv_boolean(value: bool | None) -> str:
    """Booleans in every CSV as in the JSON API: ``true``, ``false``, or empty."""
    if value is None:
        return ""
    return "true" if value else "false"


def csv_cell(value: Any) -> Any:
    """One value as every CSV writes it: booleans as in the JSON API, empty
    for none, text kept text (dates and numbers as Python writes them)."""
    if isinstance(value, bool) or value is None:
        return csv_boolean(value)
    return spreadsheet_safe(value)


# Excel reads a CSV as UTF-8 (Arabic, Cyrillic names) only when it starts with
# a byte-order mark; programs reading CSV usually do not want one, so it is
# asked for: ``?bom=true`` on the API and ``/status.csv``, ``export_records
# --bom``; the admin's CSV export always has one.
UTF8_BOM = "\ufeff"
# Exactly the words the schema lists; empty is the same as absent, as for
# every optional parameter.
BOM_CHOICES = {"true": True, "false": False, "": False}


def bom_requested(raw: str | None) -> bool:
    """Read ``?bom=``: true, false, empty or absent; anything else is an error."""
    if raw is None:
        return False
    try:
        return BOM_CHOICES[raw]
    except KeyError:
        raise ValueError(f"bom must be true or false, not {raw!r}") from None
