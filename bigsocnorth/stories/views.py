"""Story pages: the list, one page per story, writing a story and sharing a link.

Every list and story goes through the selectors' visibility rules; every
write goes through the services.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.core.jsonld import json_ld_script_content
from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.pagination import page_number
from bigsocnorth.core.ratelimit import client_address
from bigsocnorth.moderation import lifecycle, limits
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.places.services import place_from_query
from bigsocnorth.stories import selectors, services
from bigsocnorth.stories.forms import (
    ShareLinkForm,
    StoryFilterForm,
    StoryForm,
    story_place_values,
)
from bigsocnorth.stories.jsonld import story_json_ld
from bigsocnorth.stories.models import PreviewState, Story, StoryKind
from bigsocnorth.stories.permissions import can_edit_story, check_story_edit_permission
from bigsocnorth.stories.syndication import story_feed_links


@require_GET
@cached_for_visitors
def story_list(request):
    form = StoryFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    page = selectors.story_list(
        user=request.user,
        tag=filters.get("tag") or None,
        area=filters.get("area") or None,
        kind=filters.get("kind") or None,
        new_voices_first=filters.get("order") == "new_voices",
        page=page_number(request),
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "stories/story_list.html",
        {
            "form": form,
            "page_obj": page,
            "stories": page.object_list,
            "filters": filters,
            "query_without_page": query.urlencode(),
            "feed_links": story_feed_links(
                tag=filters.get("tag") or None, area=filters.get("area") or None
            ),
        },
    )


def story_body_html(story: Story):
    return render_markdown(story.body, images_from=services.story_images_prefix())


@require_GET
@cached_for_visitors
def story_detail(request, slug: str):
    story = selectors.story_get(user=request.user, slug=slug)
    url = request.build_absolute_uri(story.get_absolute_url())
    body_html = story_body_html(story) if story.body else ""
    image_url = request.build_absolute_uri(story.image.url) if story.image else ""
    summary = story.summary or Truncator(html.unescape(strip_tags(body_html))).chars(200)
    profile = getattr(story.author, "profile", None) if story.author_id else None
    published = is_public(story)
    return render(
        request,
        "stories/story_detail.html",
        {
            "story": story,
            "body_html": body_html,
            "summary": summary,
            "canonical_url": url,
            "image_url": image_url,
            "profile": profile,
            # An entry hidden or merged since is not linked from a public page.
            "about": [entry for entry in story.about.all() if is_public(entry)],
            "can_edit": can_edit_story(user=request.user, story=story),
            "is_author": request.user.is_authenticated and story.author_id == request.user.pk,
            "share_links": _share_links(url=url, title=story.title) if published else [],
            "json_ld": (
                json_ld_script_content(
                    story_json_ld(story=story, url=url, image_url=image_url, profile=profile)
                )
                if published
                else ""
            ),
        },
    )


def _share_links(*, url: str, title: str) -> list[tuple[str, str]]:
    """Plain links to share a story: no third-party scripts, nothing loaded until clicked."""
    u, t = quote(url, safe=""), quote(title, safe="")
    return [
        (_("Email"), f"mailto:?subject={t}&body={u}"),
        ("Bluesky", f"https://bsky.app/intent/compose?text={t}%20{u}"),
        ("Mastodon", f"https://mastodonshare.com/?text={t}&url={u}"),
        ("Facebook", f"https://www.facebook.com/sharer/sharer.php?u={u}"),
        ("LinkedIn", f"https://www.linkedin.com/sharing/share-offsite/?url={u}"),
        ("WhatsApp", f"https://wa.me/?text={t}%20{u}"),
    ]


# --- Writing and editing ---------------------------------------------------------------------


def _too_big_response(request, *, story, linked: bool):
    form = StoryForm(user=request.user, linked=linked)
    form.is_bound = True
    form._errors = {
        "__all__": form.error_class(
            [
                _(
                    "What you sent is far too big. The story can be at most %(max)s characters "
                    "and a picture at most 10 MB. Nothing was saved."
                )
                % {"max": f"{Story.BODY_MAX:,}"}
            ]
        )
    }
    return _render_form(request, form, story=story, status=413)


def _render_form(request, form, *, story, status=200, preview_html="", inserted=None):
    return render(
        request,
        "stories/story_form.html",
        {
            "form": form,
            "story": story,
            "linked": form.linked,
            "preview_html": preview_html,
            "inserted_picture": inserted,
            "image_was_chosen": bool(request.FILES.get("image"))
            if request.method == "POST"
            else False,
        },
        status=status,
    )


def _values(form: StoryForm) -> dict:
    values = dict(form.cleaned_data)
    for name in ("image", "remove_image", "picture", "picture_alt"):
        values.pop(name, None)
    values.update(story_place_values(values.pop("place", None)))
    if "source_published_at" in values:
        date = values["source_published_at"]
        values["source_published_at"] = _midday(date) if date else None
    return values


def _midday(date):
    # A date without a time: noon UTC is that date in every UK time zone.
    from datetime import UTC, datetime, time

    return datetime.combine(date, time(12), tzinfo=UTC)


def _add_errors(form: StoryForm, error: ValidationError) -> None:
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_errors)


def _action(request) -> str:
    return services.Action.PUBLISH if "publish" in request.POST else services.Action.SAVE_DRAFT


def _saved_message(request, story: Story, action: str) -> None:
    if action != services.Action.PUBLISH:
        messages.success(request, _("Your draft is saved. Only you can see it."))
    elif is_public(story):
        messages.success(request, _("Your story is published. Thank you for telling it."))
    else:
        messages.success(
            request,
            _("Thank you. You will get a notification when a moderator has published it."),
        )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def story_create(request):
    if request.method == "GET":
        form = StoryForm(initial={"place": place_from_query(request.GET)}, user=request.user)
        return _render_form(request, form, story=None)
    try:
        form = StoryForm(request.POST, request.FILES, user=request.user)
        form.is_valid()
    except RequestDataTooBig:
        return _too_big_response(request, story=None, linked=False)
    return _handle_post(request, form, story=None)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def story_edit(request, slug: str):
    story = selectors.story_get(user=request.user, slug=slug)
    check_story_edit_permission(user=request.user, story=story)
    linked = story.is_linked
    if request.method == "GET":
        form = StoryForm(initial=StoryForm.initial_for(story), user=request.user, linked=linked)
        return _render_form(request, form, story=story)
    try:
        form = StoryForm(request.POST, request.FILES, user=request.user, linked=linked)
        form.is_valid()
    except RequestDataTooBig:
        return _too_big_response(request, story=story, linked=linked)
    return _handle_post(request, form, story=story)


def _more_problems(request, form: StoryForm, *, story: Story | None) -> None:
    """The service's checks on the fields the form could read, so a place still to
    choose does not hide that, say, publishing needs a title: every problem at once."""
    values = _values(form)
    try:
        services.check_story_fields(
            author=(story.author if story else None) or request.user,
            action=_action(request),
            kind=story.kind if story else StoryKind.OWN,
            **{name: value for name, value in values.items() if name not in form.errors},
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            if field in form.fields and field not in form.errors:
                form.add_error(field, messages)


def _handle_post(request, form: StoryForm, *, story: Story | None):
    if not form.is_valid():
        _more_problems(request, form, story=story)
        return _render_form(request, form, story=story, status=400)
    if "preview" in request.POST:
        preview = render_markdown(
            form.cleaned_data.get("body", ""), images_from=services.story_images_prefix()
        )
        return _render_form(request, form, story=story, preview_html=preview or " ")
    action = _action(request)
    values = _values(form)
    image = form.cleaned_data.get("image")
    try:
        if story is None:
            story = services.story_create(author=request.user, action=action, image=image, **values)
        elif story.is_linked:
            services.linked_story_update(
                actor=request.user, story=story, action=action, image=image,
                remove_image=form.cleaned_data.get("remove_image", False), **values,
            )  # fmt: skip
        else:
            services.story_update(
                actor=request.user, story=story, action=action, image=image,
                remove_image=form.cleaned_data.get("remove_image", False), **values,
            )  # fmt: skip
    except ValidationError as error:
        _add_errors(form, error)
        return _render_form(request, form, story=story, status=400)
    if "add_picture" in request.POST:
        return _add_picture(request, form, story)
    _saved_message(request, story, action)
    if action == services.Action.PUBLISH or not lifecycle.is_draft(story):
        return redirect(story)
    return redirect("stories:story_edit", slug=story.slug)


def _add_picture(request, form: StoryForm, story: Story):
    """The draft is saved; now the picture, whose Markdown goes at the end of the text."""
    try:
        picture = services.story_picture_add(
            actor=request.user,
            story=story,
            image=form.cleaned_data.get("picture"),
            alt=form.cleaned_data.get("picture_alt", ""),
        )
    except ValidationError as error:
        # What was typed is saved; say what is wrong with the picture.
        _add_errors(form, error)
        return _render_form(request, form, story=story, status=400)
    values = _values(form)
    values["body"] = f"{story.body.rstrip()}\n\n{services.picture_markdown(picture)}\n".lstrip()
    services.story_update(actor=request.user, story=story, **values)
    messages.success(
        request,
        _("The picture is added at the end of your story. Move its line to where it belongs."),
    )
    return redirect("stories:story_edit", slug=story.slug)


@never_cache
@login_required
@require_POST
def story_delete(request, slug: str):
    story = selectors.story_get(user=request.user, slug=slug)
    try:
        services.story_delete(actor=request.user, story=story)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(story)
    messages.success(request, _("The story is deleted."))
    return redirect("stories:story_list")


# --- Sharing a link --------------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def story_share(request):
    form = ShareLinkForm(request.POST or None, initial={"url": request.GET.get("url", "")[:2000]})
    already = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                story = services.linked_story_start(
                    author=request.user,
                    url=form.cleaned_data["url"],
                    address=client_address(request),
                )
            except services.AlreadyShared as shared:
                already = shared.story
                status = 409
            except limits.LinkSharesRateLimited as error:
                _add_errors(form, error)
                status = 429
            except ValidationError as error:
                _add_errors(form, error)
                status = 400
            else:
                return redirect("stories:story_edit", slug=story.slug)
        else:
            status = 400
    return render(
        request,
        "stories/story_share.html",
        {
            "form": form,
            "already": already,
            "already_visible": already is not None
            and (is_public(already) or can_edit_story(user=request.user, story=already)),
        },
        status=status,
    )


@never_cache
@login_required
@require_GET
def story_preview_state(request, slug: str):
    """The "fetching the preview" notice, polled by htmx; reloads the page once done."""
    story = selectors.story_get(user=request.user, slug=slug)
    check_story_edit_permission(user=request.user, story=story)
    if story.preview_state != PreviewState.FETCHING:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "stories/includes/preview_state.html", {"story": story})


@never_cache
@login_required
@require_POST
def story_preview_retry(request, slug: str):
    story = selectors.story_get(user=request.user, slug=slug)
    services.linked_story_preview_retry(actor=request.user, story=story)
    return redirect("stories:story_edit", slug=story.slug)
