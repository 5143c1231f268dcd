"""Which address a request really comes from, trusting only our own proxies.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed
only when the connection comes from an address in ``FORWARDED_ALLOW_IPS`` (the
same variable gunicorn reads). Each proxy appends the address it saw to the
right of the list; everything left of that was sent by the client and may be
invented. So the client is the right-most address that is not one of our
proxies.

``ClientAddressMiddleware`` writes that address into ``REMOTE_ADDR``, first
thing, so that the API's rate limits (DRF, with ``NUM_PROXIES = 0``), the
admin's lock-outs (django-axes) and gunicorn's access log (which reads the
same WSGI environ) all key on one and the same address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable, Mapping

from django.conf import settings
from django.http import HttpRequest, HttpResponse

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _is_proxy(address: str, proxies: Iterable[Network]) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in proxies)


def client_address(meta: Mapping[str, str], proxies: Iterable[Network]) -> str:
    """The client's address from a WSGI environ, following ``X-Forwarded-For``
    back only through hops that are ``proxies``."""
    proxies = list(proxies)
    address = meta.get("REMOTE_ADDR", "")
    if not _is_proxy(address, proxies):
        return address
    hops = [hop.strip() for hop in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # garbage in the chain: the last proxy's word is all we have
        address = hop
        if not _is_proxy(hop, proxies):
            break
    return address


class ClientAddressMiddleware:
    """Put the real client's address in ``REMOTE_ADDR`` (the first middleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = client_address(
            request.META, settings.FORWARDED_ALLOW_IPS
        )
        return self.get_response(request)


def request_address(request: HttpRequest) -> str:
    """The address ``ClientAddressMiddleware`` settled on (django-axes asks)."""
    return request.META.get("REMOTE_ADDR", "")
