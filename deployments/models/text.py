"""The characters a text field takes: what every reader (the pages, the API,
the Atom feed, a spreadsheet) can show.

Tab and line breaks (LF, or CRLF as browsers send a text box) are the only
control characters allowed. Other C0 controls, DEL and C1 controls make XML
ill-formed or move a terminal's cursor; lone surrogates and U+FFFE/U+FFFF are
not characters at all. Text made only of spaces and invisible format
characters (U+200B zero-width space, U+FEFF, ...) looks empty but is not.
"""

from __future__ import annotations

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
