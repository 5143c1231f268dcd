"""Keep query strings out of the logs.

Query strings can carry secrets (``?token=…``, a password reset key) and
whatever a client chose to send. gunicorn's access log already leaves them
out; this filter, on the one log handler, does the same for every other line:
Django's request warnings (whose JSON form carried the whole request), the
development server's request lines, and any message or traceback that quotes
a URL.
"""

from __future__ import annotations

import logging
import re

from django.http import HttpRequest

# A "?" right after a path or URL, up to the next space or quote, if it holds
# a "name=value" (so a question mark in a sentence is left alone).
_QUERY_STRING = re.compile(r"(?<=[^\s?])\?(?=[^\s\"'<>]*=)[^\s\"'<>]*")


def without_query_strings(text: str) -> str:
    return _QUERY_STRING.sub("", text)


class StripQueryStrings(logging.Filter):
    """Rewrite a record so that no query string reaches any formatter."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if isinstance(request, HttpRequest):
            # The JSON formatter writes every extra attribute; a request would
            # be written as its repr, query string included.
            record.request = f"{request.method} {request.path}"
        message = record.getMessage()
        cleaned = without_query_strings(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info:
            # Formatted here, once, so that the formatter uses this text.
            trace = logging.Formatter().formatException(record.exc_info)
            record.exc_text = without_query_strings(trace)
            record.exc_info = None
        return True
