"""Troop figures in a sentence: the number, how sure the report is of it,
and what it counts.

A number is a troop figure only when a troop noun governs it ("500 troops",
"the 5,100-member force", "100 of the 133 Danish soldiers"); casualties
("three soldiers were killed"), money, percentages, years and ages never are.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple

from deployments.intake.gazetteer import nation_mentions
from deployments.intake.lexicon import lexicon, pattern, phrase_pattern


class Figure(NamedTuple):
    """A troop figure. ``role`` says what it counts: ``total`` (the troops
    there: "its 500 troops", "the 133 Danish troops"), ``bare`` ("500 troops
    will leave"), ``part`` ("100 of the 133"), ``whole`` ("all of the 1,000")
    or ``target`` (the level after a move: "down to 2,500")."""

    troops: int | None
    low: int | None
    high: int | None
    precision: str
    text: str
    start: int
    end: int
    role: str


_DIGITS = r"\d{1,3}(?:,\d{3})+(?!\d)|\d+(?:\.\d+)?"


def _word_number() -> str:
    words = sorted(
        [*lexicon()["number_words"], *lexicon()["number_scales"]],
        key=len,
        reverse=True,
    )
    word = "|".join(words)
    return rf"(?:{word})(?:(?:\s+and\s+|[\s-]+)(?:{word}))*"


def _number_pattern() -> re.Pattern[str]:
    vague = "|".join(
        re.escape(phrase).replace(r"\ ", r"\s+")
        for phrase in sorted(lexicon()["vague_quantities"], key=len, reverse=True)
    )
    scales = "|".join(lexicon()["number_scales"])
    return re.compile(
        rf"(?<![\w$£€.,])(?P<vague>{vague})(?![\w])"
        rf"|(?<![\w$£€.,])(?P<digits>{_DIGITS})(?:\s+(?P<scale>{scales}))?"
        rf"(?![\w%]|,\d)"
        rf"|(?<![\w$£€-])(?P<words>{_word_number()})(?![\w-])",
        re.IGNORECASE,
    )


_patterns: dict[str, re.Pattern[str]] = {}


def _compiled(name: str) -> re.Pattern[str]:
    if name not in _patterns:
        _patterns[name] = _build(name)
    return _patterns[name]


def _build(name: str) -> re.Pattern[str]:
    lex = lexicon()
    if name == "number":
        return _number_pattern()
    if name == "troop_after":
        # What may stand between a number and its troop noun: modifiers,
        # nations, names of units ("Lion"), then the noun.
        modifiers = "|".join(
            re.escape(word) for word in sorted(lex["troop_modifiers"], key=len)[::-1]
        )
        nouns = "|".join(
            re.escape(noun).replace(r"\ ", r"\s+")
            for noun in sorted(lex["troop_nouns"], key=len, reverse=True)
        )
        units = "|".join(re.escape(unit) for unit in lex["unit_nouns"])
        return re.compile(
            rf"(?P<suffix>-(?:member|strong|man|person|soldier|troop))?"
            rf"(?:[\s-]+(?:{modifiers}|(?-i:[A-Z][\w.'’-]*))){{0,4}}?"
            rf"[\s-]+(?P<noun>{nouns}|(?P<unit>{units}))(?![\w-])",
            re.IGNORECASE,
        )
    raise KeyError(name)


def _value_of_words(words: str) -> int | None:
    numbers = lexicon()["number_words"]
    scales = lexicon()["number_scales"]
    total, current, seen = 0, 0, False
    for word in re.split(r"[\s-]+", words.lower()):
        if word == "and":
            continue
        if word in scales:
            current = max(current, 1) * scales[word]
            if scales[word] >= 1000:
                total += current
                current = 0
            seen = True
        elif word in numbers:
            if word == "a":
                current += 1
                continue
            if word == "dozen":
                current = max(current, 1) * 12
            else:
                current += numbers[word]
            seen = True
    value = total + current
    return value if seen and value > 0 else None


def _value(match: re.Match[str]) -> tuple[int | None, bool]:
    """(the number, whether it is vague)."""
    if match.group("vague"):
        phrase = re.sub(r"\s+", " ", match.group("vague").lower())
        return lexicon()["vague_quantities"][phrase], True
    if match.group("digits"):
        value = float(match.group("digits").replace(",", ""))
        scale = match.group("scale")
        if scale:
            value *= lexicon()["number_scales"][scale.lower()]
        return int(value), False
    words = match.group("words")
    if words.lower() in ("a", "a and a"):
        return None, False
    return _value_of_words(words), False


def _hedge(before: str) -> tuple[str, str]:
    """(precision, hedge words) from the words just before a number."""
    # "the approximately US 5,200 troops": nations between hedge and number.
    trimmed = before
    for mention in reversed(nation_mentions(before)):
        if trimmed[mention.end :].strip() == "":
            trimmed = trimmed[: mention.start]
    trimmed = re.sub(r"(\s+of)?\s*\Z", "", trimmed)
    for precision in ("estimated", "approximate"):
        hedge = _hedge_at_end(precision).search(trimmed)
        if hedge:
            # "some of" is a part of the troops, not a hedge on the number.
            if hedge.group().lower() == "some" and re.match(
                r"\s+of\b", before[hedge.end() :]
            ):
                continue
            return precision, hedge.group()
    return "exact", ""


@functools.cache
def _hedge_at_end(precision: str) -> re.Pattern[str]:
    words = lexicon()["hedges"][precision]
    return re.compile(rf"(?:{phrase_pattern(words).pattern})\Z", re.IGNORECASE)


def _bounds(hedge: str, value: int) -> tuple[int | None, int | None]:
    hedge = hedge.lower()
    if pattern("lower_bounds").fullmatch(hedge):
        return value, None
    if pattern("upper_bounds").fullmatch(hedge):
        return None, value
    return None, None


def _is_not_troops(sentence: str, start: int, end: int) -> bool:
    before = sentence[max(0, start - 45) : start]
    after = sentence[end : end + 60]
    if re.search(r"[$£€]\s*\Z|\b(?:aged|age)\s*\Z", before):
        return True
    year = re.match(r"(?:19|20)\d\d(?![\d,.])", sentence[start:end])
    if year and re.search(
        r"\b(?:in|since|by|of|from|until|till|before|after|during)\s*\Z",
        before,
        re.IGNORECASE,
    ):
        return True  # "in 2020 troops were sent"
    window = " ".join(before.split()[-5:] + after.split()[:6])
    return bool(pattern("casualty_words").search(window))


def troop_figures(sentence: str) -> list[Figure]:
    """The troop figures of ``sentence``, in order."""
    figures: list[Figure] = []
    numbers = list(_compiled("number").finditer(sentence))
    index = 0
    while index < len(numbers):
        match = numbers[index]
        index += 1
        value, vague = _value(match)
        if value is None and not vague:
            continue
        start, end = match.start(), match.end()
        low = high = None
        second = None
        # A range: "30 to 40", "2,500-3,000", "between 30 and 40".
        if index < len(numbers):
            following = numbers[index]
            gap = sentence[end : following.start()]
            if re.fullmatch(r"\s*(?:to|and|or|-|–|—)\s*", gap) and not (
                _FROM_BEFORE.search(sentence[:start])
            ):
                second, _ = _value(following)
        noun_from = numbers[index].end() if second else end
        governed = _compiled("troop_after").match(sentence, noun_from)
        role = ""
        if governed is None:
            # "100 of the 133 troops": a part of a figure that follows.
            partitive = re.match(
                r"\s+of\s+(?:the|its|their|his|her|our|[A-Z]\w*['’]s)\s+",
                sentence[end:],
            )
            if (
                partitive
                and index < len(numbers)
                and numbers[index].start() == (end + partitive.end())
            ):
                role = "part"
            elif (
                _FROM_BEFORE.search(sentence[:start])
                and index < len(numbers)
                and re.fullmatch(r"\s*to\s*", sentence[end : numbers[index].start()])
                and _compiled("troop_after").match(sentence, numbers[index].end())
            ):
                # "from about 120 to 32 soldiers": the level before the move.
                role = "total"
            elif _TARGET_BEFORE.search(sentence[:start]) and pattern(
                "troop_nouns"
            ).search(sentence):
                role = "target"
            elif _numbering(sentence, start) or (
                figures and _MOVE_OF_SAME.match(sentence, end)
            ):
                role = "bare"
            else:
                continue
        elif governed.group("unit") and not governed.group("suffix"):
            continue
        elif re.match(r"\s+of\s", sentence[end:]):
            role = "part"  # "200 of its soldiers"
        if second is not None and not role:
            index += 1
        if _is_not_troops(sentence, start, governed.end() if governed else end):
            continue
        before = sentence[:start]
        if re.search(r"\bbetween\s*\Z", before):
            before = before[: before.rstrip().rfind("between")]
        precision, hedge = _hedge(before)
        if second is not None and not role:
            if value is not None and second < value and second < 10 <= value:
                second = None  # "30 to 5 troops" is not a range we know
            low, high = value, second
            troops = None
            precision = "estimated" if precision == "estimated" else "approximate"
            figure_end = numbers[index - 1].end()
        elif vague:
            troops, low = None, value
            precision = "approximate"
            figure_end = end
        else:
            troops = value
            low, high = _bounds(hedge, value) if value is not None else (None, None)
            figure_end = end
        text_start = max(0, sentence.rfind(hedge, 0, start)) if hedge else start
        if not role:
            role = _role(sentence[:text_start])
        figures.append(
            Figure(
                troops,
                low,
                high,
                precision,
                sentence[text_start:figure_end][:100],
                text_start,
                figure_end,
                role,
            )
        )
    return figures


# "32 troops to Jordan and 3 to Kuwait": the second figure's noun is the first's.
_MOVE_OF_SAME = re.compile(
    r"\s+(?:more\s+|others?\s+)?(?:to|into|in|at)\s+(?:the\s+)?[A-Z]"
)


# "would be reduced to 300", "down to 24,000": the level after a move.
_FROM_BEFORE = re.compile(
    r"\bfrom\s+(?:about\s+|around\s+|roughly\s+|some\s+|nearly\s+|over\s+)?\Z",
    re.IGNORECASE,
)
_TARGET_BEFORE = re.compile(
    r"\b(?:(?:reduced?|reducing|cut|cutting|brought|bring|bringing|lowered|"
    r"increased?|increasing|raised?|boosted?)\s+(?:down\s+|up\s+)?to|down\s+to)"
    r"\s+(?:about\s+|around\s+|roughly\s+|some\s+|just\s+)?\Z",
    re.IGNORECASE,
)


def _numbering(sentence: str, start: int) -> bool:
    """ "they would number about a thousand", in a sentence about troops."""
    return bool(
        re.search(
            r"\b(?:number|numbering|numbered|total|totalling|totaling)\s+(?:\w+\s+){0,2}\Z",
            sentence[:start],
        )
        and pattern("troop_nouns").search(sentence)
    )


def _role(before: str) -> str:
    words = before.rstrip().lower()
    if re.search(
        r"\b(?:all|all of|the entire|the whole)(?:\s+of)?\s+(?:the|its|their)?\s*\Z",
        words,
    ):
        return "whole"
    if re.search(
        r"\b(?:down to|reduce\w* (?:\w+ ){0,3}to|cut\w* (?:\w+ ){0,3}to|"
        r"increase\w* (?:\w+ ){0,3}to|bring\w* (?:\w+ ){0,3}to|from (?:\S+ ){1,2}to|"
        r"boost\w* (?:\w+ ){0,3}to|to a level of|level of)\s*\Z",
        words,
    ):
        return "target"
    if re.search(
        r"\b(?:has|have|had|keeps|kept|maintains|there\s+are|there\s+were|"
        r"numbering|totalling|totaling)(?:\s+an?)?\s*\Z",
        words,
    ):
        return "total"
    if re.search(
        r"(?:\b(?:the|its|their|his|our|her|of the)|['’]s)\s*(?:\S+\s+)?\Z", words
    ):
        return "total"
    return "bare"
