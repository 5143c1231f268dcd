"""Who may keep a read, and for how long: the Cache-Control of every read.

Anonymous reads are the same for every anonymous reader, so shared caches (a
reverse proxy, a CDN: deploy/nginx.conf) may keep them for
``PUBLIC_CACHE_SECONDS`` and serve them stale for up to
``STALE_WHILE_REVALIDATE_SECONDS`` more while they revalidate. A signed-in
user's reads may show what the public does not (usernames, the browsable
API's forms): only their own browser keeps them, and it revalidates each
time. The validators themselves (ETag, Last-Modified) are
``deployments/validators.py``'s.

Anonymous reads must not say ``Vary: Cookie``, which would split a shared
cache's copy per visitor (analytics cookies, a stale CSRF cookie): Django
adds it whenever the session is opened, and looking at ``request.user``
opens it. ``AnonymousWithoutSessionMiddleware`` answers ``request.user``
without the session when the request has no session cookie, which is what
the session would have said. A response that sets a cookie is for its one
reader: ``PrivateWhenSettingCookiesMiddleware`` keeps it out of shared caches.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_cache_control

ANONYMOUS = "anonymous"


def viewer(request: Any) -> str:
    """Whom a read is for, as far as what it shows can differ: anonymous, or
    one signed-in user (staff see usernames; the browsable API's forms follow
    each user's permissions). ``request`` is Django's or DRF's."""
    user = request.user
    if not user.is_authenticated:
        return ANONYMOUS
    return f"{'staff' if user.is_staff else 'user'}:{user.pk}"


def patch_read_cache_control(response: HttpResponseBase, request: Any) -> None:
    """Public for a while when the read is anonymous; otherwise private and
    revalidated every time (``no-cache``: without it, a browser may reuse a
    response with a Last-Modified for a while by its own rule of thumb)."""
    if viewer(request) == ANONYMOUS:
        patch_cache_control(
            response,
            public=True,
            max_age=settings.PUBLIC_CACHE_SECONDS,
            stale_while_revalidate=settings.STALE_WHILE_REVALIDATE_SECONDS,
        )
    else:
        patch_cache_control(response, private=True, no_cache=True)


class AnonymousWithoutSessionMiddleware:
    """Without a session cookie, ``request.user`` is the anonymous user, as
    the session would say, without opening it (which adds ``Vary: Cookie``).
    After ``AuthenticationMiddleware``; logging in still works, as
    ``login()`` opens the session itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            anonymous = AnonymousUser()
            request.user = anonymous

            async def auser() -> AnonymousUser:
                return anonymous

            request.auser = auser  # type: ignore[attr-defined]
        return self.get_response(request)


class PrivateWhenSettingCookiesMiddleware:
    """A response that sets a cookie (a session, a CSRF token for a form) is
    never kept by a shared cache, whatever the view said: the cookie is for
    its one reader. Above the session and CSRF middleware, which may add
    theirs on the way out."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.cookies and "public" in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_cache=True)
        return response
