"""Pages kept for visitors who are not signed in: shared only when safe.

These tests commit (transaction=True), as the site does: a kept page is
forgotten when a change commits, never before. tests/test_kept_pages.py
shows real pages kept and forgotten as content changes.
"""

from __future__ import annotations

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory

from bigsocnorth.core.pagecache import cached_for_visitors, content_version, forget_pages

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def kept(settings):
    settings.PAGE_CACHE_SECONDS = 300
    return settings


class CountingView:
    """A view that says how often it really ran."""

    def __init__(self, body=lambda request: "a page"):
        self.calls = 0
        self.body = body

    def __call__(self, request):
        self.calls += 1
        return HttpResponse(self.body(request))


def _get(view, path="/somewhere/", user=None, cookies=None, **headers):
    request = RequestFactory().get(path, headers=headers)
    request.user = user or AnonymousUser()
    request.COOKIES.update(cookies or {})
    return view(request)


def test_a_visitor_is_served_the_kept_page_without_the_view_running_again():
    counting = CountingView()
    view = cached_for_visitors(counting)
    first, second = _get(view), _get(view)
    assert counting.calls == 1
    assert second.status_code == 200 and second.content == first.content == b"a page"
    assert second["Content-Type"] == first["Content-Type"]

    _get(view, path="/somewhere/?page=2")  # another query string, another page
    assert counting.calls == 2


def test_pages_are_not_kept_when_switched_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    counting = CountingView()
    view = cached_for_visitors(counting)
    _get(view), _get(view)
    assert counting.calls == 2


def test_a_signed_in_person_never_gets_or_leaves_a_kept_page(member):
    counting = CountingView(lambda request: f"hello {request.user}")
    view = cached_for_visitors(counting)
    _get(view)
    mine = _get(view, user=member)
    assert counting.calls == 2 and str(member).encode() in mine.content
    assert _get(view).content == b"hello AnonymousUser"
    _get(view, user=member)
    assert counting.calls == 3


def test_a_page_with_a_form_token_is_never_shared():
    counting = CountingView(lambda request: get_token(request))
    view = cached_for_visitors(counting)
    first, second = _get(view), _get(view)
    assert counting.calls == 2
    assert first.content != second.content  # each visitor their own token


def test_a_visitor_with_messages_waiting_gets_the_page_rendered_for_them():
    counting = CountingView()
    view = cached_for_visitors(counting)
    _get(view)
    request = RequestFactory().get("/")
    storage = CookieStorage(request)
    storage.add(constants.SUCCESS, "Saved.")
    response = HttpResponse()
    storage.update(response)
    _get(view, cookies={"messages": response.cookies["messages"].value})
    assert counting.calls == 2


def test_htmx_requests_and_responses_with_cookies_are_not_kept():
    counting = CountingView()
    view = cached_for_visitors(counting)
    _get(view, **{"HX-Request": "true"}), _get(view, **{"HX-Request": "true"})
    assert counting.calls == 2

    def with_cookie(request):
        counting.calls += 1
        response = HttpResponse("chosen")
        response.set_cookie("home_area", "leeds")
        return response

    view = cached_for_visitors(with_cookie)
    _get(view, path="/other/"), _get(view, path="/other/")
    assert counting.calls == 4


def test_a_page_that_depends_on_a_cookie_is_kept_per_value():
    counting = CountingView(lambda request: request.COOKIES.get("home_area", "the North"))
    view = cached_for_visitors(counting, vary_on_cookies=("home_area",))
    assert _get(view).content == b"the North"
    assert _get(view, cookies={"home_area": "leeds"}).content == b"leeds"
    assert _get(view, cookies={"home_area": "leeds"}).content == b"leeds"
    assert counting.calls == 2


def test_the_version_changes_once_a_transaction_commits_and_not_if_it_rolls_back():
    before = content_version()
    with transaction.atomic():
        forget_pages()
        forget_pages()
        assert content_version() == before  # not yet visible to anyone else
        assert len(connection.run_on_commit) == 1  # one new version per transaction
    after = content_version()
    assert after != before

    with pytest.raises(RuntimeError), transaction.atomic():
        forget_pages()
        raise RuntimeError
    assert content_version() == after


def test_api_callers_with_a_token_are_never_served_a_kept_response():
    counting = CountingView()
    view = cached_for_visitors(counting)
    _get(view)
    _get(view, Authorization="Bearer a-token")
    assert counting.calls == 2


def test_each_host_name_keeps_its_own_page(settings):
    settings.ALLOWED_HOSTS = ["testserver", "www.example.org"]
    counting = CountingView(lambda request: request.build_absolute_uri())
    view = cached_for_visitors(counting)
    assert _get(view).content == b"http://testserver/somewhere/"
    request = RequestFactory().get("/somewhere/", HTTP_HOST="www.example.org")
    request.user = AnonymousUser()
    assert view(request).content == b"http://www.example.org/somewhere/"


def _tells_the_visitor(request):
    messages.info(request, "Your search found nothing.")
    return HttpResponse("told")


def _remembers_for_the_visitor(request):
    request.session["seen"] = True
    return HttpResponse("remembered")


@pytest.mark.parametrize("body", [_tells_the_visitor, _remembers_for_the_visitor])
def test_a_page_that_tells_the_visitor_something_or_remembers_it_is_not_kept(body):
    counting = CountingView(lambda request: body(request).content)
    view = cached_for_visitors(counting)
    for _ in range(2):
        request = RequestFactory().get("/somewhere/")
        request.user = AnonymousUser()
        request.session = SessionStore()
        request._messages = FallbackStorage(request)
        view(request)
    assert counting.calls == 2
