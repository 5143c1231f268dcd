"""An uploaded article file, read as text: ``.txt`` as UTF-8, ``.html`` down
to its main text (scripts, navigation and boilerplate dropped)."""

from __future__ import annotations

from pathlib import PurePath

from deployments.intake.articles import (
    ARTICLE_SUFFIXES,
    HTML_SUFFIXES,
    ArticleRefused,
    decode,
    read_html,
)


def text_of_upload(name: str, data: bytes) -> str:
    suffix = PurePath(name).suffix.lower()
    if suffix not in ARTICLE_SUFFIXES:
        raise ArticleRefused("Upload a .txt or .html file.", field="file")
    try:
        text = decode(data)
        return read_html(text).text if suffix in HTML_SUFFIXES else text
    except ArticleRefused as refused:
        raise ArticleRefused(str(refused), field="file") from None
