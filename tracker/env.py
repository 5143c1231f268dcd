"""Typed readers of environment variables that fail loudly on a bad value.

A module of their own, apart from the settings, so that gunicorn.conf.py
reads its variables with the same rules and messages as tracker/settings.py.
"""

from __future__ import annotations

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    """Read a yes/no variable; anything but a clear yes or no is an error."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}"
        ) from None


def envlist(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list, ignoring blanks around the commas."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def envnetworks(
    name: str, default: list[str]
) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """Read comma-separated addresses or networks (``10.0.0.0/8``), as gunicorn
    reads FORWARDED_ALLOW_IPS; ``*`` (trust everyone) is refused."""
    networks = []
    for entry in envlist(name, default):
        if entry == "*":
            raise ImproperlyConfigured(
                f"{name} must list the proxies' addresses; '*' would let any "
                "client choose the address it is counted under"
            )
        try:
            networks.append(ipaddress.ip_network(entry))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be addresses or networks, not {entry!r}"
            ) from None
    return networks
