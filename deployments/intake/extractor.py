"""The rules-and-lexicon extractor: an article's text in, proposed troop
counts and stated intentions out, each pointing at its sentence.

Every proposal is a reading of one sentence, with two things taken from the
article around it: the host, when the sentence does not name one (the
country most of the article's troop sentences are in), and a speaker's
nation, when a later sentence names the speaker alone ("Berg said").
The words it reads by are in ``lexicon.json`` and ``nations.json``.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from deployments.intake.dates import date_phrase, resolve_date
from deployments.intake.figures import Figure, troop_figures
from deployments.intake.gazetteer import NationMention, nation_mentions
from deployments.intake.lexicon import lexicon, pattern
from deployments.intake.sentences import Sentence, article_sentences

EXTRACTOR_VERSION = "1.0"

STANCES = ["staying", "withdrawing", "partial_withdrawal", "repositioning",
           "reinforcing", "undecided"]  # fmt: skip


@dataclass(frozen=True)
class ProposedRecord:
    """A count or statement as the extractor read it; the fields are the
    ``Proposal`` model's."""

    kind: str
    nation: str
    host: str
    host_from: str
    troops: int | None
    troops_low: int | None
    troops_high: int | None
    precision: str
    figure_text: str
    stance: str
    temporary: bool
    troops_affected: int | None
    destination: str
    target_troops: int | None
    location: str
    speaker: str
    speaker_role: str
    stated_on: datetime.date | None
    quote: str
    start: int
    end: int
    extractor: str = EXTRACTOR_VERSION

    def as_json(self) -> dict[str, Any]:
        """The proposal as JSON: empty stance and destination as null, the
        date as ISO text."""
        values = dataclasses.asdict(self)
        values["stance"] = self.stance or None
        values["destination"] = self.destination or None
        values["stated_on"] = self.stated_on.isoformat() if self.stated_on else None
        return values


@dataclass(frozen=True)
class Cue:
    stance: str
    start: int
    end: int
    text: str


@dataclass
class Reading:
    """What one sentence says, before the article's context is added."""

    sentence: Sentence
    mentions: list[NationMention]
    figures: list[Figure]
    host: str
    destinations: list[tuple[int, str]]
    cues: list[Cue]
    troop_reference: bool
    speaker: str
    speaker_role: str


def propose(text: str, published_on: datetime.date) -> list[ProposedRecord]:
    """The counts and statements ``text`` reports, in text order."""
    readings = [
        _read(clause)
        for sentence in article_sentences(text)
        for clause in _clauses(sentence)
    ]
    context_host = _context_host(readings)
    speaker_nations: dict[str, str] = {}
    found = [
        _proposals(reading, context_host, speaker_nations, published_on)
        for reading in readings
    ]
    article_nation = _article_nation(found)
    if article_nation:
        # A local report on "the 82nd Airborne" never says "US": its troop
        # sentences without a nation are about the nation the article is.
        for index, reading in enumerate(readings):
            if not found[index] and (reading.figures or reading.troop_reference):
                found[index] = _proposals(
                    reading,
                    context_host,
                    speaker_nations,
                    published_on,
                    article_nation=article_nation,
                )
    return [proposal for proposals in found for proposal in proposals]


_OWN_GROUND = re.compile(
    r"\b(?:its|their|our)\s+(?:own\s+)?(?:\w+ern\s+)?"
    r"(?:border|borders|frontier|territory|soil|flank)\b",
    re.IGNORECASE,
)


_PEAK = re.compile(
    r"\b(?:at\s+(?:its|their|the)\s+peak|at\s+the\s+height\s+of|peak\s+of|"
    r"once\s+(?:had|numbered|stood))\b",
    re.IGNORECASE,
)
_PAST_YEAR = re.compile(r"\b(?:in|during|by)\s+((?:19|20)\d\d)\b", re.IGNORECASE)
_PAST_VERB = re.compile(r"\b(?:was|were|had|numbered|involved|sent|deployed)\b")
_PRESENT_VERB = re.compile(r"\b(?:has|have|is|are|remain|remains|still|now)\b")


def _at_a_peak(text: str, figure: Figure) -> bool:
    """ "down from a peak of 100,000", "at its peak, 9,500 soldiers"."""
    return any(0 <= figure.start - peak.end() <= 60 for peak in _PEAK.finditer(text))


def _historical(text: str, published_on: datetime.date) -> bool:
    """A sentence about the past ("150,000 troops were sent in 2003"): its
    figures are not the troops there now."""
    year = _PAST_YEAR.search(text)
    return bool(
        year
        and int(year.group(1)) < published_on.year
        and _PAST_VERB.search(text)
        and not _PRESENT_VERB.search(text)
    )


def _article_nation(found: list[list[ProposedRecord]]) -> str:
    """The nation at least two thirds of the article's proposals are about."""
    nations = Counter(proposal.nation for proposals in found for proposal in proposals)
    if not nations:
        return ""
    nation, times = nations.most_common(1)[0]
    return nation if times * 3 >= 2 * sum(nations.values()) else ""


# --- reading one sentence -------------------------------------------------

_CLAUSE_BREAK = re.compile(r";\s+|,\s+(?=(?:while|whereas|but)\s)")


def _clauses(sentence: Sentence) -> list[Sentence]:
    """ "Hungary's troops will stay, while Croatia is weighing its options":
    two nations, each with its own intention, read apart. A sentence is
    split only where each part names a nation and states something."""
    breaks = list(_CLAUSE_BREAK.finditer(sentence.text))
    if not breaks:
        return [sentence]
    bounds = [0, *(match.end() for match in breaks), len(sentence.text)]
    ends = [*(match.start() for match in breaks), len(sentence.text)]
    parts = [
        Sentence(
            sentence.text[start:end],
            sentence.start + start,
            sentence.start + end,
        )
        for start, end in zip(bounds[:-1], ends, strict=True)
    ]
    if all(
        nation_mentions(part.text) and (_cues(part.text) or troop_figures(part.text))
        for part in parts
    ):
        return parts
    return [sentence]


_DIRECTION = (
    r"(?:(?:north|south|east|west|central|north-?east|north-?west|south-?east|"
    r"south-?west)(?:ern)?\s+)?"
)
_HOST_BEFORE = re.compile(
    rf"(?:\b(?:in|inside|within|across|throughout|out\s+of|leave|leaving|left|"
    rf"exit|exiting|quit|quitting|withdraw|withdrawing|withdrew)\s+(?:the\s+)?"
    rf"{_DIRECTION})\Z",
    re.IGNORECASE,
)
_FROM_BEFORE = re.compile(rf"\bfrom\s+(?:the\s+)?{_DIRECTION}\Z", re.IGNORECASE)
_TO_BEFORE = re.compile(
    rf"\b(?:to|into|towards?|for)\s+(?:the\s+)?(?:neighbou?ring\s+)?{_DIRECTION}\Z",
    re.IGNORECASE,
)


def _read(sentence: Sentence) -> Reading:
    text = sentence.text
    mentions = nation_mentions(text)
    cues = _cues(text)
    moving = any(cue.stance != "staying" for cue in cues)
    host = ""
    destinations: list[tuple[int, str]] = []
    for mention in mentions:
        if mention.demonym:
            continue
        before = text[: mention.start]
        if _TO_BEFORE.search(before) and moving:
            destinations.append((mention.start, mention.code))
        elif not host and (
            _HOST_BEFORE.search(before)
            or re.match(
                r"(?:\s+\w+ly)?\s+(?:hosts?|hosted|hosting|is\s+hosting)\b",
                text[mention.end :],
            )
            or (
                _FROM_BEFORE.search(before)
                and any(0 <= mention.start - cue.end < 40 for cue in cues)
            )
        ):
            host = mention.code
    reinforcing = cues and all(cue.stance == "reinforcing" for cue in cues)
    if reinforcing and not host and destinations:
        # "send troops to Iraq": where they are sent is where they will be.
        host = destinations.pop(0)[1]
    if not host and not moving:
        # "has deployed soldiers to Iraq since 2014": there they are.
        sent_to = [
            mention.code
            for mention in mentions
            if not mention.demonym and _TO_BEFORE.search(text[: mention.start])
        ]
        host = sent_to[0] if sent_to else ""
    destinations = [(place, code) for place, code in destinations if code != host]
    speaker, role = _speaker(text)
    return Reading(
        sentence=sentence,
        mentions=mentions,
        figures=troop_figures(text),
        host=host,
        destinations=destinations,
        cues=cues,
        troop_reference=bool(pattern("troop_nouns").search(text)),
        speaker=speaker,
        speaker_role=role,
    )


# "If the attacks go on, Spain will withdraw": the whole sentence hangs on it.
_CONDITIONAL_OPENING = re.compile(r"\W*(?:if|unless|should|were)\b", re.IGNORECASE)


# Reported as accusation, rumour or threat: not a stated intention.
_HEARSAY = re.compile(
    r"\b(?:accus\w*|alleg\w*|rumou?r\w*|speculat\w*|threat\w*|fears?|feared|worr\w*)\b",
    re.IGNORECASE,
)
_BARE_STATE = re.compile(
    r"(?:remain|remains|remaining|stay|stays|staying|keep|keeps|maintain|maintains)"
    r"(?:\s+(?:in|at))?",
    re.IGNORECASE,
)
_MODAL_BEFORE = re.compile(
    r"\b(?:will|would|should|shall|must|can|could|to|going|plans?|'ll|intends?)\b"
    r"(?:\s+\w+)?\s*\Z",
    re.IGNORECASE,
)
_PAST_CUE = re.compile(
    r"withdrew|left|pulled\s+out|pulled\s+troops|brought\s+home|moved|"
    r"relocated|redeployed|sent|deployed|reinforced|ended\s+its\s+mission",
    re.IGNORECASE,
)
_HISTORY = re.compile(r"\b(?:in|since|until|by)\s+(?:19|20)\d\d\b|\bago\b")


def _cues(text: str) -> list[Cue]:
    """The stance cues of ``text`` that state an intention: negated ones
    turned round ("not leaving" is staying), and none that are wished for,
    called for or conditional ("if we leave")."""
    found = []
    for stance in STANCES:
        for match in pattern(f"stance_cues.{stance}").finditer(text):
            found.append(Cue(stance, match.start(), match.end(), match.group()))
    # The longest reading of overlapping cues: "no intention of withdrawing".
    found.sort(key=lambda cue: (cue.start, -(cue.end - cue.start)))
    cues: list[Cue] = []
    for cue in found:
        if cues and cue.start < cues[-1].end:
            continue
        cues.append(cue)
    stated = []
    for cue in cues:
        clause = re.split(r"[,;:—–]|\s-\s", text[: cue.start])[-1]
        near = " ".join(text[: cue.start].split()[-4:]) + " "
        if (
            re.search(r"\b(?:if|unless)\b", clause, re.IGNORECASE)
            or _CONDITIONAL_OPENING.match(text)
            or re.search(r"\bonly\s+if\b", text[cue.end :], re.IGNORECASE)
        ):
            continue
        if pattern("desires").search(near) or _HEARSAY.search(clause):
            continue
        if _BARE_STATE.fullmatch(cue.text) and not _MODAL_BEFORE.search(near):
            # "2,500 troops remain in Afghanistan" says where they are, not
            # what anyone intends.
            continue
        if _PAST_CUE.fullmatch(cue.text) and _HISTORY.search(text):
            # "withdrew its troops from Iraq in 2011": history, not intent.
            continue
        stance = cue.stance
        if pattern("negations").search(" ".join(clause.split()[-3:])):
            if stance in ("withdrawing", "repositioning", "partial_withdrawal"):
                stance = "staying"
            elif stance == "staying" and not re.match(
                r"(?:not|no)\b", cue.text, re.IGNORECASE
            ):
                stance = "withdrawing"
            else:
                continue
        stated.append(Cue(stance, cue.start, cue.end, cue.text))
    return stated


@functools.cache
def _role_pattern() -> str:
    roles = sorted(lexicon()["speaker_roles"], key=len, reverse=True)
    return "|".join(re.escape(role) for role in roles)


_NAME = (
    r"[A-Z][\w'’.-]*[\w'’-](?:\s+(?:al-|bin\s+|de\s+|van\s+|von\s+|of\s+(?:the\s+)?)?"
    r"[A-Z][\w'’-]+){0,3}"
)


def _speaker(text: str) -> tuple[str, str]:
    """(who speaks, their role) in ``text``, or empty strings."""
    speech = pattern("speech_verbs")
    if not speech.search(text) and "according to" not in text.lower():
        return "", ""
    titled = re.search(
        rf"(?P<role>(?:{_role_pattern()})(?:\s+(?:{_role_pattern()}))*)\s+(?P<name>{_NAME})",
        text,
    )
    if titled and titled.group("name").split()[0] not in lexicon()["speaker_roles"]:
        name = _trim_name(titled.group("name"))
        if name:
            return name, titled.group("role")
    according = re.search(rf"\baccording\s+to\s+(?:the\s+)?(?P<name>{_NAME})", text)
    if according:
        return according.group("name"), ""
    verbs = "|".join(lexicon()["speech_verbs"])
    subject = re.search(
        rf"(?P<name>{_NAME})\s+(?:also\s+|has\s+|had\s+)?(?:{verbs})\b", text
    )
    if subject:
        name = _trim_name(subject.group("name"))
        if name:
            return name, ""
    after = re.search(rf"\b(?:{verbs})\s+(?P<name>{_NAME})", text)
    if after:
        name = _trim_name(after.group("name"))
        if name:
            return name, ""
    return "", ""


_NOT_NAMES = {"The", "A", "An", "But", "And", "It", "He", "She", "They", "We",
              "This", "That", "In", "On", "At", "Then", "However", "Also", "If",
              "I", "Its", "Their", "Our", "His", "Her"}  # fmt: skip


def _trim_name(name: str) -> str:
    words = name.split()
    while words and words[0] in _NOT_NAMES:
        words.pop(0)
    return " ".join(words)


# --- the article around a sentence ----------------------------------------


def _context_host(readings: list[Reading]) -> str:
    """The country most of the article's troop sentences are in."""
    hosts = Counter(
        reading.host
        for reading in readings
        if reading.host and (reading.troop_reference or reading.figures)
    )
    if not hosts:
        return ""
    best = max(hosts.values())
    for reading in readings:
        if hosts.get(reading.host) == best:
            return reading.host
    return ""


# --- proposals from a reading ---------------------------------------------


def _proposals(
    reading: Reading,
    context_host: str,
    speaker_nations: dict[str, str],
    published_on: datetime.date,
    article_nation: str = "",
) -> list[ProposedRecord]:
    text = reading.sentence.text
    host, host_from = reading.host, "sentence"
    if not host and _in_a_region(text):
        # "in the Sahel": the report names a region, not one host.
        host_from = ""
    elif not host:
        host, host_from = context_host, ("context" if context_host else "")
    nations = _nations(reading, host)
    if not nations and reading.speaker:
        known = speaker_nations.get(reading.speaker.split()[-1])
        if known and known != host:
            nations = [known]
    if not reading.host and _OWN_GROUND.search(text):
        # "troops to its eastern border": at home, not deployed abroad.
        return []
    unnamed = not any(mention.code != host for mention in reading.mentions)
    if not nations and article_nation and article_nation != host and unnamed:
        nations = [article_nation]
    if reading.speaker and nations:
        for word in reading.speaker.split():
            speaker_nations.setdefault(word, nations[0])
    if not nations:
        return []
    phrase = date_phrase(text)
    common = {
        "host": host,
        "host_from": host_from,
        "location": _location(text),
        "speaker": reading.speaker,
        "speaker_role": reading.speaker_role,
        "stated_on": resolve_date(phrase.group(), published_on) if phrase else None,
        "quote": text,
        "start": reading.sentence.start,
        "end": reading.sentence.end,
    }
    stance = _stance(reading, host)
    proposals = []
    past = _historical(text, published_on)
    for figure in reading.figures:
        if past or _at_a_peak(text, figure):
            continue
        counted = figure.role in ("total", "whole") or (
            figure.role == "bare" and not stance
        )
        if not counted:
            continue
        nation = _figure_nation(reading, figure, host) or nations[0]
        figure_host, figure_host_from = _figure_host(reading, figure), "sentence"
        if not figure_host:
            figure_host, figure_host_from = host, host_from
        if nation == figure_host:
            continue
        proposals.append(
            ProposedRecord(
                kind="troop_count",
                nation=nation,
                **{
                    **common,
                    "host": figure_host,
                    "host_from": figure_host_from,
                },
                troops=figure.troops,
                troops_low=figure.low,
                troops_high=figure.high,
                precision=figure.precision,
                figure_text=figure.text,
                stance="",
                temporary=False,
                troops_affected=None,
                destination="",
                target_troops=None,
            )
        )
    if stance:
        for nation in nations:
            proposals.extend(_statements(reading, nation, stance, common))
    return proposals


def _statements(
    reading: Reading, nation: str, stance: str, common: dict[str, Any]
) -> list[ProposedRecord]:
    text = reading.sentence.text
    affected = [
        figure for figure in reading.figures if figure.role in ("part", "whole", "bare")
    ]
    targets = [figure for figure in reading.figures if figure.role == "target"]
    target = targets[0] if targets else None
    temporary = bool(pattern("temporary_cues").search(text))
    moves: list[tuple[Figure | None, str]] = []
    if len(affected) > 1 and len(reading.destinations) > 1:
        # "32 to Jordan and 3 to Kuwait": a move per figure, each to the
        # place named after it.
        for figure in affected:
            after = [code for place, code in reading.destinations if place > figure.end]
            moves.append((figure, after[0] if after else ""))
    else:
        destination = reading.destinations[0][1] if reading.destinations else ""
        moves.append((affected[0] if affected else None, destination))
    statements = []
    for figure, destination in moves:
        if nation == destination:
            continue
        move_stance = stance
        if (
            stance == "repositioning"
            and destination
            and destination != common["host"]
            and _partial(reading)
        ):
            move_stance = "partial_withdrawal"
        precision = (figure or target).precision if (figure or target) else "unknown"
        troops = figure.troops if figure else None
        statements.append(
            ProposedRecord(
                kind="intention",
                nation=nation,
                troops=troops,
                troops_low=figure.low if figure else None,
                troops_high=figure.high if figure else None,
                precision=precision,
                figure_text=(figure or target).text if (figure or target) else "",
                stance=move_stance,
                temporary=temporary,
                troops_affected=troops,
                destination=destination,
                target_troops=(
                    target.troops if target.troops is not None else target.low
                )
                if target
                else None,
                **common,
            )
        )
    return statements


def _partial(reading: Reading) -> bool:
    """Whether the sentence speaks of part of the troops: "some of", "a
    majority of", "100 of the 133", a planned lower level."""
    text = reading.sentence.text
    some = re.search(
        rf"\bsome\s+(?:[A-Za-z][\w-]*\s+){{0,2}}?{pattern('troop_nouns').pattern}",
        text,
        re.IGNORECASE,
    )
    return bool(
        some
        or pattern("partial_quantifiers").search(text)
        or any(figure.role in ("part", "target") for figure in reading.figures)
    )


_NOUN_CUES = re.compile(
    r"\b(?:withdrawal|exit|pullout|pull-out|drawdown|departure|redeployment|"
    r"repatriation|removal|reduction|relocation)\b",
    re.IGNORECASE,
)


def _stance(reading: Reading, host: str) -> str:
    """The stance the sentence states, or "" when it states none."""
    for cue in reading.cues:
        if not _about_troops(reading, cue):
            continue
        stance = cue.stance
        if stance == "withdrawing" and _partial(reading):
            return "partial_withdrawal"
        return stance
    return ""


def _about_troops(reading: Reading, cue: Cue) -> bool:
    """A cue states an intention about troops when the sentence speaks of
    troops, or its object is a country ("leaving Iraq"), or it is a noun an
    announcement carries ("announce ... an exit")."""
    text = reading.sentence.text
    if reading.troop_reference or reading.figures:
        return True
    after = text[cue.end : cue.end + 30]
    if any(
        mention.start >= cue.end
        and mention.start - cue.end <= 12
        and not mention.demonym
        for mention in reading.mentions
    ) and re.match(r"\s+(?:from\s+|out\s+of\s+)?(?:the\s+)?[A-Z]", after):
        return True
    return bool(
        _NOUN_CUES.fullmatch(cue.text) and pattern("assertive_verbs").search(text)
    )


def _nations(reading: Reading, host: str) -> list[str]:
    """The nations whose troops the sentence is about: the one named with
    the troops ("Danish soldiers", "US 5,200 troops"), else the first nation
    named that is not the host or a destination, with those listed with it
    ("Germany and Romania")."""
    text = reading.sentence.text
    destinations = {code for _, code in reading.destinations}
    owners = [
        mention
        for mention in reading.mentions
        if _modifies_troops(text, mention) and mention.code != host
    ]
    if owners:
        # "Belgian and Dutch troops" are both; "the UK's troops would leave
        # alongside US forces" is the UK's statement alone.
        chosen = [owners[0]]
        for mention in owners[1:]:
            gap = text[chosen[-1].end : mention.start]
            if not _COORDINATION.fullmatch(gap):
                break
            chosen.append(mention)
        return list(dict.fromkeys(mention.code for mention in chosen))
    names = [
        mention
        for mention in reading.mentions
        if mention.code not in destinations
        and mention.code != host
        and (not mention.demonym or mention.text.endswith("s"))
        and not _in_between(text, mention)
    ]
    if not names:
        # "Swedish Defence Minister Anna Berg said ...": the speaker's nation.
        roles = _role_pattern()
        titled = [
            mention.code
            for mention in reading.mentions
            if mention.code != host
            and re.match(rf"\s+(?:{roles})\b", text[mention.end :])
        ]
        if titled:
            return titled[:1]
        # "The German government said it would reduce its contingent".
        adjectives = [
            mention.code
            for mention in reading.mentions
            if mention.demonym
            and mention.code not in destinations
            and mention.code != host
            and not _in_between(text, mention)
        ]
        return adjectives[:1]
    chosen = [names[0]]
    for mention in names[1:]:
        gap = text[chosen[-1].end : mention.start]
        if re.fullmatch(r"\s*(?:,|,?\s+and|,?\s+or|\s+as\s+well\s+as)\s*", gap):
            chosen.append(mention)
        else:
            break
    return list(dict.fromkeys(mention.code for mention in chosen))


_COORDINATION = re.compile(r"\s*(?:,|,?\s+and|,?\s+or)\s*")


def _in_between(text: str, mention: NationMention) -> bool:
    """ "talks between Iran and the US": neither is the troops' nation."""
    return bool(
        re.search(
            r"\b(?:between|against|by|with)\s+(?:the\s+)?(?:\w+\s+(?:and|&)\s+(?:the\s+)?)?\Z",
            text[: mention.start],
        )
    )


def _modifies_troops(text: str, mention: NationMention) -> bool:
    """ "Danish troops", "US 5,200 troops", "Canada's estimated 500 soldiers",
    "Belgian and Dutch troops": the nation is the troops' own."""
    after = text[mention.end : mention.end + 80]
    if _OWNER_AFTER().match(after):
        return True
    listed = re.match(r"(?:\s*,|\s+and|\s+or)\s+", after)
    if listed:
        rest = text[mention.end + listed.end() :]
        following = nation_mentions(rest[:40])
        if following and following[0].start == 0:
            return bool(_OWNER_AFTER().match(rest[following[0].end :]))
    return False


@functools.cache
def _OWNER_AFTER() -> re.Pattern[str]:  # noqa: N802
    lex = lexicon()
    words = [
        *lex["troop_modifiers"],
        *lex["hedges"]["approximate"],
        *lex["hedges"]["estimated"],
    ]
    modifier = "|".join(
        re.escape(word).replace(r"\ ", r"\s+")
        for word in sorted(words, key=len, reverse=True)
    )
    return re.compile(
        rf"(?:\s+(?:{modifier}|\d[\d,.]*(?:-\w+)?|(?-i:[A-Z][\w.-]*))){{0,4}}?"
        rf"\s+{pattern('troop_nouns').pattern}",
        re.IGNORECASE,
    )


def _in_a_region(text: str) -> bool:
    return bool(
        re.search(
            rf"\b(?:in|across|to|into|throughout)\s+(?:the\s+)?{_DIRECTION}"
            rf"(?:{pattern('regions').pattern})",
            text,
        )
    )


def _figure_host(reading: Reading, figure: Figure) -> str:
    """ "900 troops in Syria and 2,500 in Iraq": the place named right after
    a figure is its own."""
    text = reading.sentence.text
    for mention in reading.mentions:
        if mention.demonym or mention.start < figure.end:
            continue
        between = text[figure.end : mention.start]
        if (
            len(between) <= 40
            and re.search(
                rf"\b(?:in|inside|at|stationed\s+in|based\s+in|deployed\s+in)\s+"
                rf"(?:the\s+)?{_DIRECTION}\Z",
                between,
            )
            and not re.search(r"[,;]|\band\b|\d", between)
        ):
            return mention.code
        break
    return ""


def _figure_nation(reading: Reading, figure: Figure, host: str) -> str:
    """The nation named with a figure's troops, or the nearest one before."""
    text = reading.sentence.text
    for mention in reading.mentions:
        if figure.start <= mention.start < figure.end + 40 and _modifies_troops(
            text, mention
        ):
            return mention.code
        if (
            mention.end <= figure.start
            and mention.start >= figure.start - 30
            and _modifies_troops(text, mention)
        ):
            return mention.code
    # "..., while Croatia is weighing its options for its 14 soldiers": the
    # nation named last before the figure, in its clause.
    destinations = {code for _, code in reading.destinations}
    clause_start = max(
        (
            match.end()
            for match in re.finditer(
                r"[;]|,\s+(?:while|but|whereas)\b", text[: figure.start]
            )
        ),
        default=0,
    )
    before = [
        mention
        for mention in reading.mentions
        if clause_start <= mention.start
        and mention.end <= figure.start
        and mention.code != host
        and mention.code not in destinations
        and not mention.demonym
        and not _in_between(text, mention)
    ]
    if clause_start and before:
        return before[-1].code
    return ""


_LOCATION = re.compile(
    r"\b(?:at|in|on|from|to)\s+(?:the\s+)?"
    r"(?P<name>(?:(?:[A-Z]|al-|el-|ad-|as-|ash-)[\w'’-]*\s+){1,3}?)"
    r"(?:[Aa]ir\s+)?(?:[Bb]ase|[Aa]irbase|[Aa]irfield|[Cc]amp|[Gg]arrison)\b"
    r"|\b(?:Camp|Fort|Base)\s+(?P<named>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?)"
)


def _location(text: str) -> str:
    match = _LOCATION.search(text)
    if not match:
        return ""
    name = (match.group("name") or match.group("named") or "").strip()
    if match.group("named"):
        name = match.group().strip()
    return name[:200]
