"""The content contract: every content type plugs into the shared mechanisms the same way.

Two parts:
- every moderated model the project ships is registered everywhere it must be,
  and the rules the contract rests on hold in the source tree;
- a content type that exists only in this module (a plaque on a wall) goes
  through the whole lifecycle, from review to deletion, with nothing outside
  this module but its registration: what docs/adding-a-content-type.md says a
  new type needs.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.template import Template
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.personal_data import part_covering
from bigsocnorth.accounts.tests.factories import UserFactory
from bigsocnorth.core import sections
from bigsocnorth.core.navigation import menu_items
from bigsocnorth.mapping import registry as map_registry
from bigsocnorth.mapping.models import MapItem
from bigsocnorth.mapping.registry import MapPoint
from bigsocnorth.moderation import lifecycle
from bigsocnorth.moderation import registry as moderation_registry
from bigsocnorth.moderation import services as moderation
from bigsocnorth.moderation.changes import Change, content_changed
from bigsocnorth.moderation.models import ModeratedContent, Status
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.notifications.models import Notification
from bigsocnorth.notifications.services import follow_create, notify_followers
from bigsocnorth.search import registry as search_registry
from bigsocnorth.search.models import SearchDocument
from bigsocnorth.search.registry import SearchFields

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "bigsocnorth"


# --- What the project ships ---------------------------------------------------------


def _shipped_content_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if issubclass(model, ModeratedContent) and ".tests." not in model.__module__
    ]


def test_the_project_ships_content_types():
    names = {model.__name__ for model in _shipped_content_models()}
    assert {"Entry", "Story"} <= names


@pytest.mark.parametrize("model", _shipped_content_models(), ids=lambda model: model.__name__)
def test_every_content_type_is_registered_everywhere_it_must_be(model):
    registered = moderation_registry.registered_type_for(model)
    assert registered is not None, f"{model.__name__} is not registered with moderation"
    assert hasattr(model, registered.title_attr)
    # What people contribute, parts included, is in their data export (UK GDPR right of access).
    assert part_covering(model) is not None, f"{model.__name__} has no personal-data collector"
    if registered.part_of:
        # A part (a timeline entry, a reply) shows on its parent's page: the
        # parent is registered content, and the part links to its place there.
        parent = model._meta.get_field(registered.part_of).related_model
        assert moderation_registry.is_registered(parent)
        assert hasattr(model, "get_absolute_url")
        return
    assert search_registry.searchable_type_for_model(model) is not None
    # Located content (with a point of its own) is on the map, where only
    # published things show. A forum topic is about an area but has no point.
    field_names = {field.name for field in model._meta.get_fields()}
    if field_names & {"latitude", "location", "places"}:
        layer = map_registry.layer_for_model(model)
        assert layer is not None
        assert layer.add_label and layer.add_url_name, "the map offers to add one at a place"
    # Anything can be discussed: the pages of content show what goes under them.
    assert sections.section_keys(sections.CONTENT)
    assert model.objects.public().query.where, "public() filters"
    # Its app adds a way in to the main menu, and shows on area pages.
    app_label = model._meta.app_label
    assert any(item.url_name.startswith(f"{app_label}:") for item in menu_items())
    assert sections.section_keys(sections.AREA)


def test_only_registered_models_are_on_the_map_and_in_search():
    for layer in map_registry.map_layers():
        assert moderation_registry.is_registered(layer.model)
    for searchable in search_registry.searchable_types():
        assert moderation_registry.is_registered(searchable.model)


def _source_files(pattern: str, *, skip=("tests", "migrations")) -> list[Path]:
    return [
        path
        for path in PACKAGE.rglob(pattern)
        if not any(part in skip for part in path.relative_to(PACKAGE).parts)
        and path.name != "demo.py"
    ]


def test_only_moderation_names_the_published_status_or_stamps_publication():
    offenders = []
    for path in _source_files("*.py"):
        if path.relative_to(PACKAGE).parts[0] == "moderation":
            continue
        text = path.read_text()
        if "Status.PUBLISHED" in text or re.search(r"(?<![\w.])\w+\.published_at\s*=[^=]", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []


def test_no_template_compares_a_status_with_a_string():
    status_names = "published|draft|in_review|hidden|archived"
    comparison = re.compile(rf"\.status\s*(==|!=)\s*[\"']({status_names})[\"']")
    offenders = [
        str(path.relative_to(ROOT))
        for path in _source_files("*.html", skip=())
        if "templates" in path.parts and comparison.search(path.read_text())
    ]
    assert offenders == []


def test_core_imports_no_other_app():
    other_app = re.compile(r"^\s*(from|import)\s+bigsocnorth\.(?!core\b)", re.MULTILINE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in (PACKAGE / "core").rglob("*.py")
        if other_app.search(path.read_text())
    ]
    assert offenders == []


# --- A content type defined only here -----------------------------------------------


class Plaque(ModeratedContent):
    """A commemorative plaque someone spotted: the smallest located content type."""

    title = models.CharField(max_length=200)
    latitude = models.FloatField()
    longitude = models.FloatField()
    local_authority = models.ForeignKey(
        "places.LocalAuthority", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        app_label = "moderation"

    def get_absolute_url(self) -> str:
        return f"/plaques/{self.pk}/"


# Only while a test uses it is the plaque a model Django knows (the `plaques`
# fixture): other tests' deletions of people and areas must not look for a
# table that is not there.
del apps.all_models[Plaque._meta.app_label][Plaque._meta.model_name]
apps.clear_cache()

PLAQUE_NEW = "plaques.new_plaque"


def _plaque_changed(change: Change) -> None:
    # The type's own hook: tell followers of the area about a new plaque, once.
    if change.first_publication:
        plaque = change.obj
        notify_followers(
            targets=[plaque.local_authority],
            kind=PLAQUE_NEW,
            message=f"A new plaque in {plaque.local_authority.name}: {plaque.title}",
            url=plaque.get_absolute_url(),
            target=plaque,
        )


def _plaque_area_section(*, obj, user):
    plaques = list(Plaque.objects.public().filter(local_authority=obj))
    if not plaques:
        return None
    return sections.Section(
        template=Template(
            "<h2>Plaques</h2>{% for p in section.plaques %}<p>{{ p.title }}</p>{% endfor %}"
        ),
        context={"plaques": plaques},
    )


def _register_plaques() -> None:
    """Everything a new type declares in its content.py (docs/adding-a-content-type.md)."""
    moderation_registry.register(Plaque, title_attr="title", on_change=_plaque_changed)
    search_registry.register(
        Plaque,
        key="plaque",
        label=_("Plaque"),
        build=lambda plaque: SearchFields(
            title=plaque.title,
            body="",
            url=plaque.get_absolute_url(),
            area_ids=[plaque.local_authority_id],
            published_at=plaque.published_at,
        ),
    )
    map_registry.register(
        Plaque,
        key="plaques",
        label=_("Plaques"),
        points=lambda plaque: [
            MapPoint(
                place_key=0,
                title=plaque.title,
                url=plaque.get_absolute_url(),
                kind="plaque",
                categories=(),
                local_authority_id=plaque.local_authority_id,
                latitude=plaque.latitude,
                longitude=plaque.longitude,
                published_at=plaque.published_at,
            )
        ],
        kinds=lambda: [("plaque", "Plaque")],
        categories=lambda: [],
    )
    sections.register_section(sections.AREA, "plaques", build=_plaque_area_section, order=90)


def _unregister_plaques() -> None:
    sections.unregister_section(sections.AREA, "plaques")
    map_registry.unregister("plaques")
    search_registry.unregister(Plaque)
    moderation_registry.unregister(Plaque)


@pytest.fixture
def plaques(transactional_db):
    apps.register_model(Plaque._meta.app_label, Plaque)
    apps.clear_cache()
    with connection.schema_editor() as editor:
        editor.create_model(Plaque)
    _register_plaques()
    yield Plaque
    _unregister_plaques()
    with connection.schema_editor() as editor:
        editor.delete_model(Plaque)
    del apps.all_models[Plaque._meta.app_label][Plaque._meta.model_name]
    apps.clear_cache()


def _plaque_create(*, author, title: str, area) -> Plaque:
    """A create service as a content app writes it: stamp, save, fan out."""
    plaque = Plaque(
        author=author,
        title=title,
        latitude=area.centre_latitude,
        longitude=area.centre_longitude,
        local_authority=area,
    )
    with transaction.atomic():
        lifecycle.status_stamp(plaque, lifecycle.initial_status(author=author))
        plaque.save()
        content_changed(plaque, previous_status=None)
    return plaque


def _found_by_search(client, words: str) -> list[str]:
    answer = client.get("/api/v1/search", {"q": words, "type": "plaque"}).json()
    return [item["title"] for item in answer["items"]]


def _on_the_map(client, area) -> list[str]:
    bbox = ",".join(
        str(value)
        for value in (
            area.centre_longitude - 0.05,
            area.centre_latitude - 0.05,
            area.centre_longitude + 0.05,
            area.centre_latitude + 0.05,
        )
    )
    answer = client.get("/api/v1/map", {"bbox": bbox, "zoom": 16, "layer": "plaques"}).json()
    return [feature["properties"].get("title") for feature in answer["features"]]


def test_a_new_type_goes_through_the_whole_lifecycle(plaques, client, area, moderator):
    newcomer = UserFactory()
    follower = UserFactory()
    follow_create(user=follower, target=area)
    area_page = area.get_absolute_url()

    plaque = _plaque_create(author=newcomer, title="Mary Hope Fowler, mill reformer", area=area)

    # A newcomer's first contribution waits for review: public nowhere.
    assert lifecycle.is_in_review(plaque) and not is_public(plaque)
    assert plaque.first_published_at is None
    assert not _found_by_search(client, "Fowler")
    assert _on_the_map(client, area) == []
    assert "Mary Hope Fowler" not in client.get(area_page).content.decode()
    assert not Notification.objects.filter(kind=PLAQUE_NEW).exists()
    # …and in the moderators' queue.
    client.force_login(moderator)
    assert "Mary Hope Fowler" in client.get("/moderation/").content.decode()
    client.logout()

    moderation.content_approve(actor=moderator, content=plaque)

    plaque.refresh_from_db()
    assert is_public(plaque) and plaque.first_published_at == plaque.published_at
    assert _found_by_search(client, "Fowler")
    assert _on_the_map(client, area) == ["Mary Hope Fowler, mill reformer"]
    assert "Mary Hope Fowler" in client.get(area_page).content.decode()
    notice = Notification.objects.get(kind=PLAQUE_NEW)
    assert notice.recipient == follower
    assert Plaque.objects.public().count() == 1

    moderation.content_hide(actor=moderator, content=plaque, reason="Wrong address")

    assert not _found_by_search(client, "Fowler")
    assert _on_the_map(client, area) == []
    assert "Mary Hope Fowler" not in client.get(area_page).content.decode()
    assert Plaque.objects.public().count() == 0

    moderation.content_restore(actor=moderator, content=plaque)

    assert _found_by_search(client, "Fowler")
    assert _on_the_map(client, area) == ["Mary Hope Fowler, mill reformer"]
    # Restored is not new: nobody is told twice.
    assert Notification.objects.filter(kind=PLAQUE_NEW).count() == 1

    plaque.delete()

    assert not SearchDocument.objects.exists()
    assert not MapItem.objects.exists()
    assert _on_the_map(client, area) == []


def test_a_trusted_author_publishes_at_once_and_followers_are_told_once(plaques, area, moderator):
    follower = UserFactory()
    follow_create(user=follower, target=area)

    plaque = _plaque_create(author=moderator, title="The first co-op shop", area=area)
    lifecycle.archive(plaque)
    lifecycle.restore(plaque)

    assert is_public(plaque)
    assert Notification.objects.filter(kind=PLAQUE_NEW, recipient=follower).count() == 1


def test_a_failed_change_leaves_no_index_behind(plaques, area, moderator):
    class Broken(Exception):
        pass

    with pytest.raises(Broken), transaction.atomic():
        _plaque_create(author=moderator, title="Never saved", area=area)
        raise Broken

    assert not Plaque.objects.exists()
    assert not SearchDocument.objects.exists()
    assert not MapItem.objects.exists()


def test_status_and_dates_are_set_by_the_lifecycle_alone(plaques, area):
    plaque = Plaque(title="A draft", latitude=1, longitude=1, local_authority=area, author=None)
    assert plaque.status == Status.DRAFT
    fields = lifecycle.status_stamp(plaque, Status.PUBLISHED)
    assert set(fields) >= {"status", "published_at", "first_published_at"}
    first = plaque.first_published_at
    lifecycle.status_stamp(plaque, Status.HIDDEN, hidden_reason="x" * 2000)
    assert len(plaque.hidden_reason) == 1000
    lifecycle.status_stamp(plaque, Status.PUBLISHED)
    assert plaque.first_published_at == first


def test_an_unregistered_model_cannot_be_fanned_out():
    user = get_user_model()(email="someone@example.org")
    with pytest.raises(LookupError):
        content_changed(user, previous_status=None)


def test_no_app_names_a_content_app_in_its_templates_or_code():
    """Sections, the menu and the map's "add here" show a content type; nothing else names it.

    An app that is not installed then shows nowhere, and nothing leads to its pages.
    """
    content_apps = {model._meta.app_label for model in _shipped_content_models()}
    offenders = []
    for app_dir in PACKAGE.iterdir():
        if not app_dir.is_dir() or app_dir.name in content_apps:
            continue
        for path in _source_files("*"):
            if app_dir not in path.parents or path.suffix not in (".py", ".html"):
                continue
            text = path.read_text()
            for app in content_apps:
                if re.search(rf"[\"']{app}:[a-z_]+[\"']|bigsocnorth\.{app}\b", text):
                    offenders.append(f"{path.relative_to(ROOT)} names {app}")
    assert offenders == []
