"""What the directory holds about a person, for their data export (accounts/personal_data.py):
the entries they added or edit, their requests to edit one, and memberships they asked for."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.personal_data import register_personal_data, rows, site_url
from bigsocnorth.directory.models import EditorRequest, Entry, EntryPlace, Membership

ENTRY_FIELDS = (
    "id",
    "uuid",
    "name",
    "slug",
    "kind__name",
    "sector",
    "tags",
    "description",
    "website",
    "feed_url",
    "social_links",
    "public_contact",
    "private_contact",
    "logo",
    "status",
    "created_at",
    "updated_at",
    "published_at",
    "author_id",
)


def directory_personal_data(user):
    editor_of = Entry.editors.through.objects.filter(entry_id=OuterRef("pk"), user_id=user.pk)
    entries = rows(
        Entry.objects.filter(Q(author=user) | Q(Exists(editor_of)))
        .annotate(you_edit=Exists(editor_of))
        .order_by("created_at", "pk"),
        *ENTRY_FIELDS,
        "you_edit",
    )
    ids = [entry["id"] for entry in entries]
    categories: dict[int, list[str]] = {}
    for entry_id, name in Entry.categories.through.objects.filter(entry_id__in=ids).values_list(
        "entry_id", "category__name"
    ):
        categories.setdefault(entry_id, []).append(name)
    places: dict[int, list[dict]] = {}
    for place in (
        EntryPlace.objects.filter(entry_id__in=ids)
        .order_by("position", "pk")
        .values("entry_id", "name", "latitude", "longitude", "local_authority__name")
    ):
        places.setdefault(place.pop("entry_id"), []).append(place)
    files = []
    for entry in entries:
        entry["you_added"] = entry.pop("author_id") == user.pk
        entry["kind"] = entry.pop("kind__name")
        entry["url"] = site_url(reverse("directory:entry_detail", kwargs={"slug": entry["slug"]}))
        entry["categories"] = categories.get(entry["id"], [])
        entry["places"] = places.get(entry["id"], [])
        if not entry["you_edit"]:
            # The private contact is for the editors and moderators only.
            entry.pop("private_contact")
        if entry["logo"]:
            files.append(entry["logo"])
    editor_requests = rows(
        EditorRequest.objects.filter(requester=user).order_by("created_at", "pk"),
        "entry__name",
        "message",
        "status",
        "created_at",
        "decided_at",
    )
    memberships = rows(
        Membership.objects.filter(requested_by=user).order_by("created_at", "pk"),
        "network__name",
        "member__name",
        "role",
        "since",
        "status",
        "created_at",
        "decided_at",
    )
    return {
        "entries": entries,
        "editor_requests": editor_requests,
        "memberships_asked_for": memberships,
    }, files


register_personal_data(
    "directory",
    describe=_(
        "The directory entries you added or are an editor of (with their logos in uploads/), "
        "your requests to become an editor, and the network memberships you asked for."
    ),
    collect=directory_personal_data,
    covers=(Entry,),
)
