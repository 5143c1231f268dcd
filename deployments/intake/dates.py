"""When a statement was made, from the words of the report and its date.

dateparser reads the phrase ("yesterday afternoon", "last week", "on Oct.
19") against the publication date, preferring the past; a bare weekday is
the latest such day on or before publication (a report on a Wednesday that
says "on Wednesday" means that day, not a week before).
"""

from __future__ import annotations

import datetime
import functools
import re

import dateparser

WEEKDAYS = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
]
MONTHS = (
    r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?|January|February|"
    r"March|April|May|June|July|August|September|October|November|December"
)
DATE_PHRASE = re.compile(
    rf"\b(?:(?:on|last|this|early|late)\s+)?(?:{'|'.join(WEEKDAYS)})"
    rf"(?:\s+(?:morning|afternoon|evening|night))?\b"
    rf"|\b(?:yesterday|today|tonight|the day before yesterday)"
    rf"(?:\s+(?:morning|afternoon|evening))?\b"
    rf"|\blast\s+(?:week|month|year|night)\b"
    rf"|\b(?:on\s+)?(?:{MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?\b"
    rf"|\b(?:on\s+)?\d{{1,2}}\s+(?:{MONTHS})(?:\s+\d{{4}})?\b",
    re.IGNORECASE,
)


# "by Jan. 15", "until Monday": a deadline, not when it was said.
DEADLINE_BEFORE = re.compile(
    r"\b(?:by|until|till|before|after|since|from|through|in|within|next)\s*\Z",
    re.IGNORECASE,
)


def date_phrase(sentence: str) -> re.Match[str] | None:
    """The first words of ``sentence`` that say when something was said."""
    for match in DATE_PHRASE.finditer(sentence):
        if not DEADLINE_BEFORE.search(sentence[: match.start()]):
            return match
    return None


@functools.cache
def resolve_date(phrase: str, published_on: datetime.date) -> datetime.date | None:
    """The date ``phrase`` means in a report published on ``published_on``;
    None when it cannot be read or falls after publication."""
    words = re.sub(r"\s+", " ", phrase.strip().lower())
    words = re.sub(r"^(?:on|this|early|late) ", "", words)
    weekday = words.split(" ")[0]
    if weekday in WEEKDAYS:
        back = (published_on.weekday() - WEEKDAYS.index(weekday)) % 7
        return published_on - datetime.timedelta(days=back)
    if words.startswith("last ") and words.split(" ")[1] in WEEKDAYS:
        back = (published_on.weekday() - WEEKDAYS.index(words.split(" ")[1])) % 7
        return published_on - datetime.timedelta(days=back or 7)
    base = datetime.datetime.combine(published_on, datetime.time(12))
    parsed = dateparser.parse(
        words,
        languages=["en"],
        settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"},
    )
    if parsed is None or parsed.date() > published_on:
        return None
    return parsed.date()
