"""Threats and cuts as a content type: how they plug into every shared mechanism.

Found at start-up (see docs/adding-a-content-type.md). A cut is moderated,
searched, mapped, followed and shown on area, entry, profile and home pages;
its timeline entries are parts of it, moderated but shown on its page. The
dashboards' tallies are an index of the fan-out, so every write keeps them.
"""

from __future__ import annotations

from django.db.models.signals import post_delete, pre_delete
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bigsocnorth.core import sections
from bigsocnorth.core.demo.registry import register_demo
from bigsocnorth.core.navigation import register_menu_item
from bigsocnorth.cuts import notices, tallies
from bigsocnorth.cuts.choices import CutKind, Sector
from bigsocnorth.cuts.demo import load_cuts_demo
from bigsocnorth.cuts.indexing import cut_index_queryset, cut_map_points, cut_search_fields
from bigsocnorth.cuts.models import Cut, TimelineEntry
from bigsocnorth.cuts.permissions import can_edit_cut
from bigsocnorth.cuts.sections import (
    area_cuts_section,
    cuts_figure,
    entry_cuts_section,
    home_cuts_section,
    profile_cuts_section,
)
from bigsocnorth.cuts.services import cut_refresh_and_fan_out
from bigsocnorth.mapping import registry as map_registry
from bigsocnorth.moderation import registry as moderation
from bigsocnorth.moderation.changes import Change
from bigsocnorth.notifications import registry as follows
from bigsocnorth.search import registry as search_registry


def cut_changed(change: Change) -> None:
    if change.first_publication:
        actor = change.obj.author if change.is_new else None
        notices.cut_published_notify(cut=change.obj, actor=actor)


def timeline_entry_changed(change: Change) -> None:
    """An entry approved, hidden or restored moves the cut's state; followers hear of new ones."""
    entry = change.obj
    cut_refresh_and_fan_out(entry.cut)
    if change.first_publication:
        notices.timeline_moved_notify(entry=entry)


moderation.register(
    Cut,
    title_attr="title",
    on_change=cut_changed,
    editable_by=lambda user, cut: can_edit_cut(user, cut),
)
moderation.register(
    TimelineEntry, title_attr="title", on_change=timeline_entry_changed, part_of="cut"
)
moderation.register_index(
    "cut_tallies",
    covers=lambda model: model is Cut,
    sync=tallies.tally_sync,
    sync_many=tallies.tally_sync_many,
    is_empty=tallies.tallies_are_empty,
    rebuild=tallies.tallies_rebuild,
)
search_registry.register(
    Cut,
    key="cut",
    label=_("Threat or cut"),
    build=cut_search_fields,
    queryset=cut_index_queryset,
    categories=lambda: [(value, str(label)) for value, label in Sector.choices],
)
map_registry.register(
    Cut,
    key="cuts",
    label=_("Threats and cuts"),
    points=cut_map_points,
    queryset=cut_index_queryset,
    search_type="cut",
    kinds=lambda: [(value, str(label)) for value, label in CutKind.choices],
    categories=lambda: [(value, str(label)) for value, label in Sector.choices],
    add_label=_("Report a threat or cut here"),
    add_url_name="cuts:cut_report",
    colour="#a4161a",
    icon="cut",
)
follows.register(Cut, key="cuts.cut", label=_("threat or cut"))
sections.register_section(sections.AREA, "cuts", build=area_cuts_section, order=30)
sections.register_section(sections.ENTRY, "cuts", build=entry_cuts_section, order=40)
sections.register_section(sections.PROFILE, "cuts", build=profile_cuts_section, order=30)
sections.register_section(sections.HOME, "cuts", build=home_cuts_section, order=30)
sections.register_figure(
    "cuts",
    label=lambda count: (
        ngettext("%(count)s open threat", "%(count)s open threats", count) % {"count": count}
    ),
    count=cuts_figure,
    order=50,
)
register_menu_item("cuts:cut_list", label=_("Cuts"), order=40)


def _cut_deleted(sender, instance, **kwargs) -> None:
    # Whatever deletes it, what it added to the dashboards goes with it (as
    # stored, in the delete's transaction: the instance may be stale).
    tallies.tally_forget(
        Cut.objects.filter(pk=instance.pk).values_list("tallied", flat=True).first()
    )
    # Reports merged into it lose their merged_into in SQL, with no signal:
    # once it is gone, those that are public count again.
    instance._merged_from_ids = list(
        Cut.objects.filter(merged_into=instance).values_list("pk", flat=True)
    )


def _cut_gone(sender, instance, **kwargs) -> None:
    for cut in Cut.objects.filter(pk__in=getattr(instance, "_merged_from_ids", [])):
        tallies.tally_sync(cut)


post_delete.connect(_cut_gone, sender=Cut, dispatch_uid="cuts-cut-gone")
pre_delete.connect(_cut_deleted, sender=Cut, dispatch_uid="cuts-cut-deleted")
register_demo("cuts", load=load_cuts_demo, order=40)
