"""Whole pages kept for visitors who are not signed in, until anything on the site changes.

Most people read: a journalist following a link, a volunteer checking what is
on near them. Their pages are the same for everyone, so a page is rendered
once and kept, under the site's *content version*, for PAGE_CACHE_SECONDS at
most (pages also show relative dates and "upcoming" lists, which age).

The version is one value in the shared cache (so every web process sees it).
Any committed write to a model of the platform's own apps gives it a new
value: the content contract's change fan-out does (moderation.changes), and
so does a save, delete or many-to-many change of any such model (signals,
connected in core's AppConfig.ready). Writes through QuerySet.update() send
no signal: one that changes what a public page shows goes through the fan-out
or calls `forget_pages()` itself. So a page is never stale after an edit, and
nothing needs to know which page shows what.

A response is kept only when it is safe to share: a GET for someone not signed
in and sending no API token, answered 200, that set no cookie, used no CSRF token (a form that posts
needs the visitor's own token) and had no messages to show. Pages are kept
in each process's memory (caches["pages"]), never in the shared cache: they
are large, and the version keeps the processes consistent.
"""

from __future__ import annotations

import functools
import hashlib
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache, caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse

VERSION_KEY = "pages:content-version"
# Kept from a response; the middleware adds the rest (security headers) again.
_KEPT_HEADERS = ("Content-Type", "Content-Language", "Link")


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def content_version() -> str:
    """The current content version, made if there is none yet."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        # add(), not set(): two processes starting at once agree on one value.
        if not cache.add(VERSION_KEY, version, timeout=None):
            version = cache.get(VERSION_KEY, version)
    return version


def _new_version() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)


def forget_pages() -> None:
    """Every kept page is out of date: once the current transaction commits, or now.

    After the commit, not before: a page rendered while the change is not yet
    visible would otherwise be kept under the new version. One new version
    per transaction, however many rows it writes.
    """
    if not enabled():
        return
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _new_version()
    elif not any(entry[1] is _new_version for entry in connection.run_on_commit):
        transaction.on_commit(_new_version)


@functools.cache
def _platform_app_labels() -> frozenset[str]:
    from django.apps import apps

    return frozenset(
        config.label for config in apps.get_app_configs() if config.name.startswith("bigsocnorth.")
    )


def model_written(sender, **kwargs) -> None:
    """A receiver for post_save, post_delete and m2m_changed: platform models only."""
    if kwargs.get("raw") or kwargs.get("action", "post_").startswith("pre_"):
        return
    # Migrations write through historical models, before the cache table may
    # exist; what they change is on no page kept before the site restarts.
    if sender.__module__ == "__fake__":
        return
    if sender._meta.app_label in _platform_app_labels():
        forget_pages()


def _versioned_key(kind: str, *parts: object) -> str:
    """A key under the current content version: a new version makes every old key unused."""
    raw = "|".join(str(part) for part in parts)
    digest = hashlib.blake2b(raw.encode(), digest_size=20).hexdigest()
    return f"{kind}:{content_version()}:{digest}"


def _key(request: HttpRequest, vary_on_cookies: tuple[str, ...]) -> str:
    cookies = "&".join(f"{name}={request.COOKIES.get(name, '')}" for name in vary_on_cookies)
    # The whole address: pages name themselves absolutely (canonical links, feeds).
    return _versioned_key("page", request.build_absolute_uri(), cookies)


def _may_share(request: HttpRequest) -> bool:
    """Whether this request may be answered with, and may leave, a shared page."""
    if request.method not in {"GET", "HEAD"} or request.headers.get("HX-Request"):
        return False
    # An API caller with a token may be shown more than everyone else.
    if request.headers.get("Authorization"):
        return False
    # Messages wait in a cookie, or in the session of someone with one.
    if request.COOKIES.get("messages"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES and request.session.get("_messages"):
        return False
    return not request.user.is_authenticated


def _shareable(request: HttpRequest, response: HttpResponse) -> bool:
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
        and not request.user.is_authenticated
        # The view remembered something for this visitor, or told them something.
        and not (session is not None and session.modified)
        and not len(get_messages(request))
    )


def cached_for_visitors(view: Callable | None = None, *, vary_on_cookies: tuple[str, ...] = ()):
    """Keep the view's pages for visitors who are not signed in (see the module's docstring).

    `vary_on_cookies` names the cookies the page depends on (the home page's
    chosen area); the path and query string always count.
    """

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs):
            if not enabled() or not _may_share(request):
                return view(request, *args, **kwargs)
            pages = caches["pages"]
            key = _key(request, vary_on_cookies)
            kept = pages.get(key)
            if kept is not None:
                content, headers = kept
                response = HttpResponse(content)
                for name, value in headers:
                    response[name] = value
                return response
            response = view(request, *args, **kwargs)
            if _shareable(request, response):
                if hasattr(response, "render") and callable(response.render):
                    response.render()
                headers = [(name, response[name]) for name in _KEPT_HEADERS if name in response]
                pages.set(key, (response.content, headers), timeout=settings.PAGE_CACHE_SECONDS)
            return response

        return wrapped

    return decorate(view) if view is not None else decorate


def remembered[T](name: str, build: Callable[[], T], *parts: object) -> T:
    """What `build()` returns, kept like a page: for data that is the same for
    everyone and derived from content only (an open-data page, say).
    `name` and `parts` tell one value from another."""
    if not enabled():
        return build()
    key = _versioned_key("data", name, *(repr(part) for part in parts))
    pages = caches["pages"]
    found = pages.get(key)
    if found is None:
        found = build()
        pages.set(key, found, timeout=settings.PAGE_CACHE_SECONDS)
    return found
