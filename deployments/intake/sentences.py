"""An article's sentences, each with its place in the text.

Paragraphs are the text's lines; a line that does not end as a sentence ends
(a headline, a photo caption, a dateline, tags) or that is a known piece of
page furniture ("READ ALSO: ...") carries no reported fact and is left out.
Sentences within a paragraph come from nupunkt, which knows that "U.S." and
"Oct." do not end one; a sentence that leaves a quotation open is joined to
the next, so that quoted words stay with who said them.
"""

from __future__ import annotations

import re
from typing import NamedTuple

import nupunkt

from deployments.models.base import MAX_QUOTE_LENGTH

PROSE_END = re.compile(r"[.!?…][\"”’'»)\]]*\s*\Z")
FURNITURE = re.compile(
    r"\A\W*(read also|read more|also read|related|see also|tags?|photo|image|"
    r"caption|advertisement|copyright|©|sign up|subscribe|share this|follow us|"
    r"click here|watch)\b",
    re.IGNORECASE,
)
MIN_WORDS = 5
# Longer than this is no sentence but a run-on list or pasted data: no record
# could quote it (they keep 500 characters), and reading it would cost time
# that grows with the square of its length.
MAX_SENTENCE_CHARS = 2 * MAX_QUOTE_LENGTH


class Sentence(NamedTuple):
    text: str
    start: int
    end: int


def article_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` worth reading, with ``text[start:end] ==
    sentence.text``."""
    sentences: list[Sentence] = []
    for line in re.finditer(r"[^\n]+", text):
        paragraph = line.group()
        if not is_prose(paragraph):
            continue
        pieces = []
        for _, (start, end) in nupunkt.sent_spans_with_text(paragraph):
            piece = _stripped(text, line.start() + start, line.start() + end)
            if piece is not None:
                pieces.append(piece)
        sentences.extend(
            sentence
            for sentence in _quotes_kept_together(text, pieces)
            if len(sentence.text) <= MAX_SENTENCE_CHARS
        )
    return sentences


def is_prose(paragraph: str) -> bool:
    stripped = paragraph.strip()
    return (
        len(stripped.split()) >= MIN_WORDS
        and PROSE_END.search(stripped) is not None
        and FURNITURE.match(stripped) is None
    )


def _stripped(text: str, start: int, end: int) -> Sentence | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        return None
    return Sentence(text[start:end], start, end)


def _open_quotes(sentence: str) -> bool:
    curly = sentence.count("“") - sentence.count("”")
    return curly > 0 or sentence.count('"') % 2 == 1


def _quotes_kept_together(text: str, pieces: list[Sentence]) -> list[Sentence]:
    joined: list[Sentence] = []
    for piece in pieces:
        if joined:
            last = joined[-1]
            if _open_quotes(last.text) and piece.end - last.start <= MAX_QUOTE_LENGTH:
                joined[-1] = Sentence(
                    text[last.start : piece.end], last.start, piece.end
                )
                continue
        joined.append(piece)
    return joined
