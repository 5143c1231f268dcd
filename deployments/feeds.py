"""An Atom feed of status changes, for analysts who follow updates in a reader."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from deployments.status import StatusChange, status_changes


class StatusChangesFeed(Feed):
    feed_type = Atom1Feed
    title = "Troop-deployment status changes"
    subtitle = (
        "Each new troop figure or stance per nation and host country, with the "
        "previous value and the source."
    )

    def link(self) -> str:
        return reverse("status-feed")

    def items(self) -> list[StatusChange]:
        return status_changes(limit=50)

    def item_title(self, item: StatusChange) -> str:
        return item.summary

    def item_description(self, item: StatusChange) -> str:
        quote = getattr(item.record, "quote", None) or item.record.excerpt
        before = item.before or "none recorded"
        return f"Before: {before}. Now: {item.after}. Source: {item.source}. “{quote}”"

    def item_link(self, item: StatusChange) -> str:
        return item.source.url or f"{reverse('status-feed')}#{self.item_guid(item)}"

    def item_guid(self, item: StatusChange) -> str:
        return f"{item.kind}-{item.record._meta.model_name}-{item.record.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: StatusChange) -> datetime.datetime:
        return datetime.datetime.combine(
            item.changed_on, datetime.time(), tzinfo=datetime.UTC
        )

    def item_updateddate(self, item: StatusChange) -> datetime.datetime:
        return self.item_pubdate(item)
