"""The characters a text field takes: what every reader (the pages, the API,
the Atom feed, a spreadsheet) can show.

Tab and line breaks (LF, or CRLF as browsers send a text box) are the only
control characters allowed. Other C0 controls, DEL and C1 controls make XML
ill-formed or move a terminal's cursor; lone surrogates and U+FFFE/U+FFFF are
not characters at all. Text made only of spaces and invisible format
characters (U+200B zero-width space, U+FEFF, ...) looks empty but is not.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from django.core.exceptions import ValidationError

# XML 1.0 cannot carry the first range; the others it allows but no reader
# should receive: DEL and C1 controls, surrogates, the two non-characters.
UNREADABLE_CHARACTER = "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]"

# A CR is only accepted as the first half of a CRLF line break: alone it sends
# a terminal's cursor back over what was printed.
REFUSED_CHARACTER = re.compile(f"{UNREADABLE_CHARACTER}|\r(?!\n)")
UNREADABLE = re.compile(UNREADABLE_CHARACTER)


def validate_text(value: str) -> None:
    """Refuse control characters (but tab and line breaks) and invisible-only text.

    Every free-text field of the records runs this, so the API, the admin and
    imports refuse the same values, each naming the field.
    """
    refused = REFUSED_CHARACTER.search(value)
    if refused:
        raise ValidationError(
            "Contains the control character %(character)s; text may hold tab "
            "and line breaks but no other control characters.",
            code="control_character",
            params={"character": f"U+{ord(refused.group()):04X}"},
        )
    if value and all(
        character.isspace() or unicodedata.category(character) == "Cf"
        for character in value
    ):
        raise ValidationError(
            "Only invisible characters (spaces, zero-width characters such as "
            "U+200B): write the text itself.",
            code="invisible_text",
        )


def readable(text: str) -> str:
    """``text`` without the characters no reader should receive, for output
    of values stored before ``validate_text`` refused them (or written around
    it with SQL)."""
    return UNREADABLE.sub("", text)


def _ranges(code_points: list[int]) -> str:
    """A character-class body for these (sorted) code points, as ranges."""
    runs: list[list[int]] = []
    for point in code_points:
        if runs and point == runs[-1][1] + 1:
            runs[-1][1] = point
        else:
            runs.append([point, point])
    return "".join(
        _escape(start) if start == end else f"{_escape(start)}-{_escape(end)}"
        for start, end in runs
    )


def _escape(point: int) -> str:
    # Escapes both Python's re and ECMAScript read; a character beyond the
    # BMP as itself (JSON carries it as a surrogate pair, read back whole).
    if point < 0x100:
        return f"\\x{point:02x}"
    return f"\\u{point:04x}" if point < 0x10000 else chr(point)


@functools.cache
def text_pattern(*, required: bool) -> str:
    """A regular expression of the values ``validate_text`` takes, as the API
    receives them: DRF first strips what ``str.isspace()`` calls space from
    both ends, and a required field must keep something visible.

    For the OpenAPI schema, so that it allows exactly what the server does.
    Written for code points (as Python's ``re`` and ECMAScript's ``u`` mode
    read it); built once, from the same rule as the validator.
    """
    stripped, space, invisible = [], [], []
    for point in range(0x110000):
        character = chr(point)
        if character.isspace():
            stripped.append(point)
        if UNREADABLE.match(character) or character == "\r":
            continue
        if character.isspace():
            space.append(point)
        elif unicodedata.category(character) == "Cf":
            invisible.append(point)
    # The refused ranges, escaped: as they stand they hold lone surrogates,
    # which no UTF-8 text (a JSON or YAML schema) can carry.
    unreadable = "".join(
        character if character == "-" else _escape(ord(character))
        for character in UNREADABLE_CHARACTER[1:-1]
    )
    around = f"[{_ranges(stripped)}]*"
    before = f"(?:[{_ranges(space)}{_ranges(invisible)}]|\\r\\n)*"
    visible = f"[^{unreadable}\\r{_ranges(space)}{_ranges(invisible)}]"
    inner = f"(?:[^{unreadable}\\r]|\\r\\n)"
    last = f"[^{unreadable}\\r{_ranges(space)}]"
    # Something visible, maybe after spaces and invisible characters, and
    # ending on a character that is not space (DRF stripped the rest).
    text = f"{before}{visible}(?:{inner}*{last})?"
    if required:
        return f"^{around}{text}{around}$"
    return f"^{around}(?:{text}{around})?$"
