"""Gatherings as a content type: how they plug into every shared mechanism.

Found at start-up (see docs/adding-a-content-type.md). A gathering is
moderated, searched, on the map while it is still to come, followed, and
shown on area, entry, profile and home pages. RSVPs are not content: they
are answers to it, kept by the services.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bigsocnorth.core import sections
from bigsocnorth.core.demo.registry import register_demo
from bigsocnorth.core.navigation import register_menu_item
from bigsocnorth.core.scheduler import register_job
from bigsocnorth.events import notices
from bigsocnorth.events.demo import load_events_demo
from bigsocnorth.events.indexing import (
    gathering_index_queryset,
    gathering_map_points,
    gathering_search_fields,
)
from bigsocnorth.events.jobs import gatherings_ended_refresh
from bigsocnorth.events.models import Gathering
from bigsocnorth.events.permissions import can_edit_gathering
from bigsocnorth.events.reminders import gathering_reminders_send
from bigsocnorth.events.sections import (
    area_gatherings_section,
    entry_gatherings_section,
    gatherings_figure,
    home_gatherings_section,
    profile_gatherings_section,
)
from bigsocnorth.mapping import registry as map_registry
from bigsocnorth.moderation import registry as moderation
from bigsocnorth.moderation.changes import Change
from bigsocnorth.notifications import registry as follows
from bigsocnorth.search import registry as search_registry


def gathering_changed(change: Change) -> None:
    if change.first_publication:
        actor = change.obj.author if change.is_new else None
        notices.gathering_published_notify(gathering=change.obj, actor=actor)


moderation.register(
    Gathering,
    title_attr="title",
    on_change=gathering_changed,
    refresh=("entries",),
    editable_by=lambda user, gathering: can_edit_gathering(user, gathering),
)
search_registry.register(
    Gathering,
    key="gathering",
    label=_("Gathering"),
    build=gathering_search_fields,
    queryset=gathering_index_queryset,
)
map_registry.register(
    Gathering,
    key="gatherings",
    label=_("Gatherings"),
    points=gathering_map_points,
    queryset=gathering_index_queryset,
    search_type="gathering",
    kinds=lambda: [
        ("in_person", str(_("In person"))),
        ("both", str(_("In person and online"))),
    ],
    categories=lambda: [],
    add_label=_("Organise a gathering here"),
    add_url_name="events:gathering_create",
    colour="#6a3d9a",
    icon="gathering",
)
follows.register(Gathering, key="events.gathering", label=_("gathering"))
sections.register_section(sections.AREA, "events", build=area_gatherings_section, order=40)
sections.register_section(sections.ENTRY, "events", build=entry_gatherings_section, order=50)
sections.register_section(sections.PROFILE, "events", build=profile_gatherings_section, order=40)
sections.register_section(sections.HOME, "events", build=home_gatherings_section, order=40)
sections.register_figure(
    "events",
    label=lambda count: (
        ngettext("%(count)s gathering to come", "%(count)s gatherings to come", count)
        % {"count": count}
    ),
    count=gatherings_figure,
    order=55,
)
register_menu_item("events:gathering_list", label=_("Gatherings"), order=60)
register_job("gatherings_ended", run=gatherings_ended_refresh)
register_job("gathering_reminders", run=gathering_reminders_send)

register_demo("gatherings", load=load_events_demo, order=60)
