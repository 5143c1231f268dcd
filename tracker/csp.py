"""Hashes of the inline styles and handlers that third-party pages we serve carry.

Swagger UI's page (drf-spectacular) has a small ``<style>`` block, the
browsable API's templates (Django REST framework) use ``style="..."``
attributes, and its "Log out" link an ``onclick`` handler. Rather than allow
every inline style or script, the content security policy lists the hash of
each one, read from the installed packages themselves, so an upgrade that
changes them keeps working and nothing else is allowed.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import re
from pathlib import Path

STYLE_BLOCK = re.compile(r"<style>(.*?)</style>", re.DOTALL)
STYLE_ATTRIBUTE = re.compile(r'style="([^"{}]*)"')
ONCLICK_ATTRIBUTE = re.compile(r"onclick='([^']*)'")


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(name)
    return Path(next(iter(spec.submodule_search_locations)))


def csp_hash(text: str) -> str:
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def inline_style_hashes() -> list[str]:
    """Hashes for Swagger UI's style block and the browsable API's attributes."""
    swagger = package_dir("drf_spectacular") / "templates/drf_spectacular"
    styles = set(STYLE_BLOCK.findall((swagger / "swagger_ui.html").read_text()))
    browsable = package_dir("rest_framework") / "templates/rest_framework"
    for template in sorted(browsable.rglob("*.html")):
        styles.update(STYLE_ATTRIBUTE.findall(template.read_text()))
    return sorted(csp_hash(style) for style in styles)


def inline_handler_hashes() -> list[str]:
    """Hashes for the browsable API's inline event handlers (its "Log out")."""
    tags = package_dir("rest_framework") / "templatetags" / "rest_framework.py"
    return sorted(
        csp_hash(handler) for handler in ONCLICK_ATTRIBUTE.findall(tags.read_text())
    )
