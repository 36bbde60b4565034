"""Gatherings in open formats: iCalendar files and Atom / JSON feeds, and the page of a
member's private "going" calendar address.

Every public calendar and feed holds public gatherings only (the selectors'
visibility rule), costs the same few queries however many it holds, and is
kept for visitors like the lists. The "going" calendar is a member's own:
its address is signed (calendar.py), works without signing in, so calendar
apps can read it, and is never kept.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from bigsocnorth.accounts import services as account_services
from bigsocnorth.accounts.models import ApiToken, Profile
from bigsocnorth.core.feeds import JsonFeed, absolute_url
from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.directory.models import Entry
from bigsocnorth.events import calendar, selectors
from bigsocnorth.events.models import Gathering, Rsvp, RsvpState
from bigsocnorth.places.selectors import area_get_by_slug

FEED_SIZE = 30
# The personal API token a member's "going" calendar address hangs on (see calendar.py).
GOING_ANCHOR_NAME = "Gatherings calendar address"


def _ics(gatherings, *, name: str, **kwargs) -> HttpResponse:
    body = calendar.calendar_bytes(gatherings, name=name, **kwargs)
    return HttpResponse(body, content_type=calendar.CONTENT_TYPE)


# --- Public calendars ----------------------------------------------------------------------


@require_GET
@cached_for_visitors
def gathering_ics(request, slug: str):
    """One public gathering (a series with its RRULE), for "Add to calendar"."""
    gathering = Gathering.objects.public().filter(slug=slug)
    found = calendar.calendar_gatherings(gathering)
    if not found:
        raise Http404
    return _ics(found, name=found[0].title)


@require_GET
@cached_for_visitors
def all_ics(request):
    name = _("Gatherings in %(site)s") % {"site": settings.SITE_NAME}
    return _ics(calendar.calendar_gatherings(selectors.upcoming_gatherings()), name=name)


@require_GET
@cached_for_visitors
def area_ics(request, slug: str):
    """A local authority's, or a whole region's, gatherings to come."""
    area = area_get_by_slug(slug=slug, boundaries=False)
    if area is None:
        raise Http404
    gatherings = selectors.gatherings_in_area(selectors.upcoming_gatherings(), area)
    name = _("Gatherings in %(area)s") % {"area": area.name}
    return _ics(calendar.calendar_gatherings(gatherings), name=name)


@require_GET
@cached_for_visitors
def organiser_ics(request, handle: str):
    """What a member organises (as its author), to come."""
    profile = Profile.objects.filter(handle=handle, user__is_active=True).first()
    if profile is None:
        raise Http404
    gatherings = selectors.upcoming_gatherings().filter(author_id=profile.user_id)
    name = _("Gatherings organised by %(name)s") % {"name": profile.display_name}
    return _ics(calendar.calendar_gatherings(gatherings), name=name)


@require_GET
@cached_for_visitors
def entry_ics(request, slug: str):
    """What a public group in the directory organises, to come."""
    entry = Entry.objects.public().filter(slug=slug).only("pk", "name").first()
    if entry is None:
        raise Http404
    gatherings = selectors.upcoming_gatherings().filter(entries=entry)
    name = _("Gatherings organised by %(name)s") % {"name": entry.name}
    return _ics(calendar.calendar_gatherings(gatherings), name=name)


def filtered_calendar_link(filters: selectors.GatheringFilters) -> dict | None:
    """The calendar subscription matching a list's filter by a group, an organiser or an
    area (in that order), as {"url", "label"}; None when the list is not filtered by one.
    At most one query."""
    if filters.entry:
        entry = Entry.objects.public().filter(pk=filters.entry).only("slug", "name").first()
        if entry is not None:
            return {
                "url": reverse("events:entry_ics", kwargs={"slug": entry.slug}),
                "label": _("Add gatherings %(name)s organises to your calendar (.ics)")
                % {"name": entry.name},
            }
    if filters.organiser:
        profile = Profile.objects.filter(handle=filters.organiser, user__is_active=True).first()
        if profile is not None:
            return {
                "url": reverse("events:organiser_ics", kwargs={"handle": profile.handle}),
                "label": _("Add gatherings %(name)s organises to your calendar (.ics)")
                % {"name": profile.display_name},
            }
    if filters.area:
        area = area_get_by_slug(slug=filters.area, boundaries=False)
        if area is not None:
            return {
                "url": reverse("events:area_ics", kwargs={"slug": area.slug}),
                "label": _("Add gatherings in %(area)s to your calendar (.ics)")
                % {"area": area.name},
            }
    return None


# --- The private "going" calendar ----------------------------------------------------------


def _going_anchor(user) -> ApiToken | None:
    return (
        ApiToken.objects.filter(user=user, name=GOING_ANCHOR_NAME, revoked_at__isnull=True)
        .order_by("-created_at")
        .first()
    )


def going_ics_url(user, anchor: ApiToken) -> str:
    token = calendar.going_calendar_token(user=user, anchor=anchor)
    return absolute_url(reverse("events:going_ics", kwargs={"token": token}))


@never_cache
@require_GET
def going_ics(request, token: str):
    """The gatherings a member is going to (or waiting for), by the address only they have.

    A forged, garbled or revoked address is a plain 404: it says nothing
    about whether the member exists.
    """
    found = calendar.going_calendar_read(token)
    if found is None:
        raise Http404
    user_id, anchor_id, piece = found
    anchor = (
        ApiToken.objects.filter(
            pk=anchor_id,
            user_id=user_id,
            user__is_active=True,
            name=GOING_ANCHOR_NAME,
            revoked_at__isnull=True,
        )
        .only("pk", "key_hash")
        .first()
    )
    if anchor is None or not constant_time_compare(anchor.key_hash[:16], piece):
        raise Http404
    rsvps = list(
        Rsvp.objects.filter(
            user_id=user_id,
            state__in=(RsvpState.GOING, RsvpState.WAITING),
            gathering__in=selectors.upcoming_gatherings().values("pk"),
        )
        .select_related("gathering__local_authority", "gathering__author__profile")
        .defer("gathering__local_authority__boundary")
        .order_by("gathering__starts_at", "gathering__pk")[: calendar.CALENDAR_MAX]
    )
    gatherings = [rsvp.gathering for rsvp in rsvps]
    links, prefixes = {}, {}
    for rsvp in rsvps:
        gathering = rsvp.gathering
        # As the page would show it to them: people going always, people waiting only
        # when the organiser shows the link to everyone.
        shown = rsvp.state == RsvpState.GOING or not gathering.online_url_going_only
        if gathering.online and gathering.online_url and shown:
            links[gathering.pk] = gathering.online_url
        if rsvp.state == RsvpState.WAITING:
            prefixes[gathering.pk] = _("Waiting list: ")
    return _ics(gatherings, name=_("Gatherings I am going to"), links=links, prefixes=prefixes)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def going_calendar(request):
    """The member's private calendar address, and "make a new address" (the old one stops)."""
    anchor = _going_anchor(request.user)
    if request.method == "POST":
        if anchor is not None:
            account_services.api_token_revoke(actor=request.user, token=anchor)
        try:
            account_services.api_token_create(user=request.user, name=GOING_ANCHOR_NAME)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if anchor is None:
                messages.success(request, _("Your calendar address is ready."))
            else:
                messages.success(
                    request, _("You have a new calendar address. The old one no longer works.")
                )
        return redirect("events:going_calendar")
    return render(
        request,
        "events/going_calendar.html",
        {"address": going_ics_url(request.user, anchor) if anchor is not None else ""},
    )


# --- Atom and JSON Feed --------------------------------------------------------------------


class UpcomingFeed(Feed):
    """Public gatherings to come, soonest first: the list page, for feed readers."""

    def __init__(self, *, feed_format: str) -> None:
        self.feed_format = feed_format
        self.feed_type = JsonFeed if feed_format == "json" else Atom1Feed

    def title(self) -> str:
        return _("Gatherings in %(site)s") % {"site": settings.SITE_NAME}

    def description(self) -> str:
        return _("Gatherings to come across the North of England, soonest first.")

    def link(self) -> str:
        return absolute_url(reverse("events:gathering_list"))

    def feed_url(self) -> str:
        name = "events:feed_json" if self.feed_format == "json" else "events:feed_atom"
        return absolute_url(reverse(name))

    def author_name(self) -> str:
        return settings.SITE_NAME

    def items(self) -> list[Gathering]:
        return list(
            selectors.upcoming_gatherings()
            .select_related("local_authority", "author__profile")
            .defer("local_authority__boundary")
            .order_by("starts_at", "pk")[:FEED_SIZE]
        )

    def item_title(self, gathering: Gathering) -> str:
        when = timezone.localtime(gathering.starts_at, calendar.recurrence.LONDON)
        day = f"{when:%a} {when.day} {when:%b %Y}, {when:%H:%M}"
        state = ""
        if gathering.is_cancelled:
            state = _("Cancelled: ")
        elif gathering.is_postponed:
            state = _("Postponed: ")
        return f"{state}{gathering.title} ({day})"

    def item_description(self, gathering: Gathering) -> str:
        where = calendar.location_text(gathering)
        head = f"<p>{escape(where)}</p>" if where else ""
        return mark_safe(head + str(render_markdown(gathering.description)))  # noqa: S308

    def item_link(self, gathering: Gathering) -> str:
        return absolute_url(gathering.get_absolute_url())

    def item_guid(self, gathering: Gathering) -> str:
        return f"urn:uuid:{gathering.uuid}"

    def item_guid_is_permalink(self, gathering: Gathering) -> bool:
        return False

    def item_pubdate(self, gathering: Gathering):
        return gathering.published_at or gathering.created_at

    def item_updateddate(self, gathering: Gathering):
        return gathering.updated_at

    def item_author_name(self, gathering: Gathering) -> str:
        return str(gathering.author) if gathering.author_id else ""

    def item_categories(self, gathering: Gathering) -> list[str]:
        tags = [tag.strip() for tag in gathering.tags.split(",") if tag.strip()]
        return ([gathering.local_authority.name] if gathering.local_authority_id else []) + tags


@require_GET
@cached_for_visitors
def upcoming_feed(request, *, format: str):
    return UpcomingFeed(feed_format=format)(request)
