"""The nations and alliances proposals may name, by the tracker's codes.

States are ISO 3166-1 alpha-3, named as ``pycountry`` (the ISO data, kept up
by its maintainers) names them, by their common name where ISO's official
one is long ("Iran" rather than "Iran, Islamic Republic of"); alliances are
kept beside this module in ``alliances.json``.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import NamedTuple

import pycountry

ALLIANCES_FILE = Path(__file__).with_name("alliances.json")


class KnownNation(NamedTuple):
    code: str
    name: str
    kind: str  # "state" or "alliance", as Nation.Kind


@functools.cache
def _alliances() -> dict[str, str]:
    return json.loads(ALLIANCES_FILE.read_text(encoding="utf-8"))


def known_nation(code: str) -> KnownNation | None:
    """The state or alliance with ``code``, or None when there is none."""
    if code in _alliances():
        return KnownNation(code, _alliances()[code], "alliance")
    if len(code) != 3:
        return None
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return None
    name = getattr(country, "common_name", None) or country.name
    # ISO's "Iran, Islamic Republic of" reads as "Iran" on every page.
    return KnownNation(code, name.split(",")[0], "state")


NAMES_FILE = Path(__file__).with_name("nations.json")

# ISO names that are mostly something else in English news: New Jersey, the
# Channel Island's sweaters.
AMBIGUOUS_ISO_NAMES = {"Jersey", "Guernsey", "Man"}


class NationMention(NamedTuple):
    """A nation named in a text: where, and whether by a name (which may
    also name the place: "troops in Iraq") or by a demonym ("Danish")."""

    code: str
    start: int
    end: int
    text: str
    demonym: bool
    possessive: bool


@functools.cache
def _labels() -> dict[str, tuple[str, bool]]:
    """Every label → (code, is a demonym): pycountry's names and common
    names for every state, then ``nations.json``'s short names and demonyms."""
    labels: dict[str, tuple[str, bool]] = {}
    for country in pycountry.countries:
        for label in (country.name, getattr(country, "common_name", None)):
            if label and "," not in label and label not in AMBIGUOUS_ISO_NAMES:
                labels[label] = (country.alpha_3, False)
    for code, names in json.loads(NAMES_FILE.read_text(encoding="utf-8")).items():
        if code.startswith("_"):
            continue
        for label in names["names"]:
            labels[label] = (code, False)
        for label in names["demonyms"]:
            labels[label] = (code, True)
    return labels


@functools.cache
def _mention_pattern() -> re.Pattern[str]:
    # Longest first, so "South Sudan" wins over "Sudan"; case-sensitive, so
    # "US" is not the pronoun "us".
    alternatives = "|".join(
        re.escape(label) for label in sorted(_labels(), key=len, reverse=True)
    )
    return re.compile(rf"(?<![\w.-])({alternatives})(['’]s)?(?![\w])")


_LED = re.compile(r"-(?:led|backed|based|trained|funded|allied|sponsored|made)\b")


def nation_mentions(text: str) -> list[NationMention]:
    """The nations and alliances ``text`` names, in order."""
    mentions = []
    labels = _labels()
    for match in _mention_pattern().finditer(text):
        if _LED.match(text, match.end()):
            # "the US-led coalition" is the coalition, not the US.
            continue
        label = match.group(1)
        code, demonym = labels[label]
        start = match.start()
        if label.startswith("the ") or label.startswith("The "):
            start += 4
        mentions.append(
            NationMention(
                code, start, match.end(), match.group(), demonym, bool(match.group(2))
            )
        )
    return mentions
