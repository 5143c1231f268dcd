"""The extractor's word lists (``lexicon.json``), loaded once, with the
patterns built from them."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

LEXICON_FILE = Path(__file__).with_name("lexicon.json")


@functools.cache
def lexicon() -> dict[str, Any]:
    return json.loads(LEXICON_FILE.read_text(encoding="utf-8"))


def phrase_pattern(phrases: list[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Any of ``phrases`` as whole words, longest first; spaces match any
    run of white space."""
    alternatives = "|".join(
        re.escape(phrase).replace(r"\ ", r"\s+")
        for phrase in sorted(phrases, key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", flags)


@functools.cache
def pattern(name: str) -> re.Pattern[str]:
    """The pattern of the lexicon's list ``name`` (a dotted path for nested
    lists: ``stance_cues.staying``)."""
    entry: Any = lexicon()
    for key in name.split("."):
        entry = entry[key]
    return phrase_pattern(list(entry))
