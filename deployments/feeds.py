"""An Atom feed of status changes, for analysts who follow updates in a reader."""

from __future__ import annotations

import datetime
import re
from typing import Any
from urllib.parse import urlsplit

from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

from deployments.models import readable
from deployments.status.changes import StatusChange, status_changes
from deployments.validators import revalidated

# RFC 4151 tag URIs name an authority and a date on which it minted them: the
# host the feed is served from, and the day the feed was first published. A
# fixed date keeps every entry's id the same however its record changes.
TAG_DATE = "2026-11-24"
DNS_NAME = re.compile(
    r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"
)


class ReadableXMLGenerator(SimplerXMLGenerator):
    """Writes whatever is stored as well-formed XML: characters XML cannot
    carry (or no reader should get) are dropped, where Django's generator
    would fail the whole feed with a 500."""

    def characters(self, content: str) -> None:
        super().characters(readable(content))

    def startElement(self, name: str, attrs: dict[str, Any]) -> None:  # noqa: N802
        super().startElement(
            name,
            {
                key: readable(value) if isinstance(value, str) else value
                for key, value in (attrs or {}).items()
            },
        )


class TextAtomFeed(Atom1Feed):
    """Atom with plain-text summaries (Django writes ``type="html"``, so a
    reader would run the quotes' words as markup), ``tag:`` ids, and stored
    text made safe for XML."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.feed["id"] = self.tag_uri(self.feed["id"])

    def write(self, outfile: Any, encoding: str) -> None:
        # Atom1Feed.write with the generator swapped.
        handler = ReadableXMLGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")

    def add_item(self, *args: Any, unique_id: str | None = None, **kwargs: Any) -> None:
        if unique_id is not None:
            unique_id = self.tag_uri(unique_id)
        super().add_item(*args, unique_id=unique_id, **kwargs)

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})

    def tag_uri(self, specific: str) -> str:
        """``tag:<host>,<date>:<specific>``; the host is the one the feed is
        served from (Django puts it in the feed's link)."""
        host = (urlsplit(self.feed["link"]).hostname or "").lower()
        if not DNS_NAME.match(host):  # e.g. an IPv6 address: no DNS name
            host = "localhost"
        return f"tag:{host},{TAG_DATE}:{specific}"


class StatusChangesFeed(Feed):
    feed_type = TextAtomFeed
    title = "Troop-deployment status changes"
    subtitle = (
        "Each new troop figure or stance per nation and host country, with the "
        "previous value and the source."
    )

    @method_decorator(revalidated)
    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return super().__call__(request, *args, **kwargs)

    def link(self) -> str:
        return reverse("status-feed")

    def feed_guid(self) -> str:
        return "status-changes"

    def items(self) -> list[StatusChange]:
        return status_changes(limit=50)

    def item_title(self, item: StatusChange) -> str:
        return item.summary

    def item_description(self, item: StatusChange) -> str:
        before = item.before or "none recorded"
        return (
            f"Before: {before}. Now: {item.after}. Source: {item.source}. "
            f"“{item.quote}”"
        )

    def item_link(self, item: StatusChange) -> str:
        return item.source_url or f"{reverse('status-feed')}#{self.item_guid(item)}"

    def item_guid(self, item: StatusChange) -> str:
        """The part after ``tag:<host>,<date>:``, which TextAtomFeed adds."""
        return f"{item.kind}-{item.record_type}-{item.record_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: StatusChange) -> datetime.datetime:
        return datetime.datetime.combine(
            item.changed_on, datetime.time(), tzinfo=datetime.UTC
        )

    def item_updateddate(self, item: StatusChange) -> datetime.datetime:
        return self.item_pubdate(item)
