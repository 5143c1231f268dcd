"""The browsable API: DRF's HTML pages, kept within the content security policy."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import BrowsableAPIRenderer


class TrackerBrowsableAPIRenderer(BrowsableAPIRenderer):
    """DRF's page without Pygments' inline ``<style>`` block.

    The block only colours code in Markdown view descriptions, which ours do
    not have, and its text (so the hash the policy would need) changes with
    every Pygments release. The page's other inline styles are allowed by hash
    (tracker/csp.py).
    """

    def get_context(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(*args, **kwargs)
        context["code_style"] = None
        return context
