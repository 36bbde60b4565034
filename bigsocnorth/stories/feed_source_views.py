"""The page of an entry's news feed: its editors' consent to take stories from it, and
how polling it goes (so they can see and fix a broken feed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bigsocnorth.directory.entries import selectors as directory_selectors
from bigsocnorth.directory.permissions import check_entry_edit_permission
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.stories.feed_polling import FEED_ITEMS_FIRST_POLL, feed_poll_interval
from bigsocnorth.stories.feed_sources import feed_source_consent_set, feed_source_for_entry
from bigsocnorth.stories.forms_feed import FeedSourceSwitchForm


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def feed_source(request, slug: str):
    try:
        entry = directory_selectors.entry_get_for_view(user=request.user, slug=slug)
    except directory_selectors.EntryMoved as moved:
        return redirect("stories:feed_source", slug=moved.target.slug)
    check_entry_edit_permission(user=request.user, entry=entry)
    form = FeedSourceSwitchForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            source = feed_source_consent_set(
                actor=request.user, entry=entry, enabled=form.wants_enabled
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if source.enabled:
                messages.success(
                    request,
                    _(
                        "Stories will be taken from the feed. The first check is on its way; "
                        "it takes the newest %(count)s items."
                    )
                    % {"count": FEED_ITEMS_FIRST_POLL},
                )
            else:
                messages.success(
                    request,
                    _(
                        "No more stories will be taken from the feed. The stories already "
                        "taken stay."
                    ),
                )
            return redirect("stories:feed_source", slug=entry.slug)
    source = feed_source_for_entry(entry)
    return render(
        request,
        "stories/feed_source.html",
        {
            "entry": entry,
            "source": source,
            "form": form,
            "entry_is_published": is_public(entry),
            "address_changed": bool(source and entry.feed_url and source.url != entry.feed_url),
            "first_poll_items": FEED_ITEMS_FIRST_POLL,
            "interval_minutes": int(feed_poll_interval().total_seconds() // 60),
        },
        status=400 if form.errors else 200,
    )
