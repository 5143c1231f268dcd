"""Reading an article: its text from a file, checked before anything is
proposed from it or saved.

A ``.txt`` file is plain text, or the development set's layout (line 1 the
title, line 2 "Outlet, YYYY-MM-DD ...", line 3 the URL, the body from line
4, which offsets count in). An ``.html`` file is a web page: its main text
comes from trafilatura, without scripts, navigation or page furniture.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from deployments.intake.lexicon import lexicon
from deployments.models import Source
from deployments.models.base import MAX_ARTICLE_CHARS

HTML_SUFFIXES = (".html", ".htm")
ARTICLE_SUFFIXES = (".txt", *HTML_SUFFIXES)

# English is told from other languages by the share of its function words
# ("the", "of", "said"): a third or more of English prose, a tenth at least
# in a short brief full of names; a text with more function words of the
# languages most often pasted by mistake (German, French, Spanish, Italian,
# Portuguese, Dutch) than English ones is not English. The words are in
# lexicon.json.
MIN_ENGLISH_SHARE = 0.1
HEADER_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


class ArticleRefused(ValueError):
    """The text cannot be taken in; the message says why, for the person who
    gave it. ``field`` is the input at fault; ``existing`` the source already
    entered for the article, when that is the reason."""

    def __init__(
        self, message: str, *, field: str = "text", existing: Source | None = None
    ) -> None:
        super().__init__(message)
        self.field = field
        self.existing = existing


@dataclass(frozen=True)
class ArticleText:
    """An article's text as read, with what its file's header says."""

    text: str
    title: str = ""
    publisher: str = ""
    published_on: datetime.date | None = None
    url: str = ""


def check_article_text(text: str) -> str:
    """``text`` when it is an article the extractor can read; otherwise
    ArticleRefused saying what is wrong with it."""
    if "\x00" in text:
        raise ArticleRefused(
            "The file is binary (it holds NUL bytes), not an article's text."
        )
    if not text.strip():
        raise ArticleRefused("The article's text is empty.")
    if len(text) > MAX_ARTICLE_CHARS:
        raise ArticleRefused(
            f"The article's text is {len(text):,} characters; the tracker takes "
            f"at most {MAX_ARTICLE_CHARS:,}."
        )
    words = re.findall(r"[^\W\d_]+", text.lower())
    english_words = set(lexicon()["english_function_words"])
    foreign_words = set(lexicon()["foreign_function_words"])
    english = sum(word in english_words for word in words)
    foreign = sum(word in foreign_words for word in words)
    if len(words) < 3 or english < MIN_ENGLISH_SHARE * len(words) or foreign > english:
        raise ArticleRefused(
            "The text does not read as English; only English articles are supported."
        )
    return text


def decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ArticleRefused(
            "The file is binary (it holds NUL bytes), not an article's text."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleRefused(
            f"The file is not UTF-8 text (byte {error.start:,} cannot be read)."
        ) from None


def read_article_file(path: str | Path) -> ArticleText:
    """The article in the file at ``path``, checked."""
    path = Path(path)
    if path.suffix.lower() not in ARTICLE_SUFFIXES:
        raise ArticleRefused(f"{path.name}: only .txt and .html articles can be read.")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ArticleRefused(f"{path}: {error.strerror}.") from None
    text = decode(data)
    if path.suffix.lower() in HTML_SUFFIXES:
        article = read_html(text)
    else:
        article = read_text(text)
    check_article_text(article.text)
    return article


def read_html(html: str) -> ArticleText:
    """The main text of a web page, with its title and date when it has
    them."""
    if not html.strip():
        raise ArticleRefused("The article's text is empty.")
    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    if not text:
        raise ArticleRefused("The page holds no article text (only markup).")
    metadata = trafilatura.extract_metadata(html)
    published_on = None
    if metadata is not None and metadata.date:
        try:
            published_on = datetime.date.fromisoformat(metadata.date[:10])
        except ValueError:
            published_on = None
    return ArticleText(
        text=text,
        title=(metadata.title or "") if metadata else "",
        publisher=(metadata.sitename or "") if metadata else "",
        published_on=published_on,
        url=(metadata.url or "") if metadata else "",
    )


def read_text(text: str) -> ArticleText:
    """Plain text, or the development set's layout when line 2 names the
    outlet and date."""
    lines = text.split("\n")
    if len(lines) >= 4:
        date = HEADER_DATE.search(lines[1])
        if date and "," in lines[1][: date.start()]:
            try:
                published_on = datetime.date.fromisoformat(date.group(1))
            except ValueError:
                published_on = None
            if published_on is not None:
                return ArticleText(
                    text="\n".join(lines[3:]),
                    title=lines[0].strip(),
                    publisher=lines[1][: date.start()].rstrip(" ,").strip(),
                    published_on=published_on,
                    url=lines[2].strip(),
                )
    return ArticleText(text=text)


def existing_source(
    title: str, publisher: str, published_on: datetime.date
) -> Source | None:
    """The source already entered for this article (same publisher, title
    and date; case does not matter), so callers point to it rather than
    entering it twice."""
    return (
        Source.objects.filter(
            title__iexact=title.strip(),
            publisher__iexact=publisher.strip(),
            published_on=published_on,
        )
        .order_by("pk")
        .first()
    )
