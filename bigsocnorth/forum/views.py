"""Forum pages: the lists, a topic and its posts, writing, editing, likes and levels.

Reads go through the selectors' visibility rules; every write through the
services. Moderators' tools are in moderating_views.py, feeds in feeds.py.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.core.markdown import render_markdown
from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.pagination import page_number
from bigsocnorth.forum import reading, selectors, services
from bigsocnorth.forum.forms import EditForm, LevelForm, ReplyForm, TopicForm
from bigsocnorth.forum.jsonld import topic_jsonld
from bigsocnorth.forum.limits import limits_explained, pictures_wait_explained
from bigsocnorth.forum.models import Level
from bigsocnorth.forum.permissions import can_edit_post, can_moderate_forum, can_post
from bigsocnorth.forum.text import quote_block
from bigsocnorth.moderation.permissions import is_public
from bigsocnorth.moderation.registry import title_for

TABS = ("latest", "top", "unread", "new")


def add_errors(form, error: ValidationError) -> None:
    if hasattr(form, "add_problems"):
        form.add_problems(error)  # the pictures' problems, shown beside their fields too
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


def _list_page(request, *, tab: str, topics, category=None, period: str = ""):
    page = selectors.topics_page(topics, number=page_number(request), user=request.user)
    return render(
        request,
        "forum/topic_list.html",
        {
            "tab": tab,
            "start_url": reverse("forum:topic_create")
            + (f"?category={category.slug}" if category is not None else ""),
            "page_obj": page,
            "topics": page.object_list,
            "pinned": selectors.pinned_topics(category=category) if page.number == 1 else [],
            "category": category,
            "categories": selectors.categories(),
            "period": period,
            "periods": list(selectors.TOP_PERIODS),
            "level": selectors.category_level(user=request.user, category=category)
            if category is not None
            else None,
            "level_form": LevelForm() if category is not None else None,
        },
    )


@require_GET
@cached_for_visitors
def topic_latest(request):
    return _list_page(request, tab="latest", topics=selectors.latest_topics(user=request.user))


@require_GET
@cached_for_visitors
def topic_top(request):
    period = request.GET.get("period", "month")
    if period not in selectors.TOP_PERIODS:
        period = "month"
    return _list_page(
        request,
        tab="top",
        topics=selectors.top_topics(user=request.user, period=period),
        period=period,
    )


@never_cache
@login_required
@require_GET
def topic_unread(request):
    return _list_page(request, tab="unread", topics=selectors.unread_topics(user=request.user))


@never_cache
@login_required
@require_GET
def topic_new(request):
    return _list_page(request, tab="new", topics=selectors.new_topics(user=request.user))


@require_GET
@cached_for_visitors
def category_list(request):
    return render(request, "forum/category_list.html", {"categories": selectors.categories()})


@require_GET
@cached_for_visitors
def category_detail(request, slug: str):
    category = selectors.category_get(slug=slug)
    return _list_page(
        request,
        tab="latest",
        topics=selectors.latest_topics(user=request.user, category=category),
        category=category,
    )


@require_GET
@cached_for_visitors
def topic_detail(request, pk: int, slug: str):
    topic = selectors.topic_get_for(user=request.user, pk=pk)
    if slug != (topic.slug or "-"):
        return redirect(topic.get_absolute_url(), permanent=True)
    user = request.user
    if user.is_authenticated and "page" not in request.GET:
        # A member coming back opens at the first post they have not read.
        first_unread = selectors.first_unread_number(user=user, topic=topic)
        if first_unread is not None:
            return _redirect_to_post(request, topic=topic, number=first_unread)
    view = selectors.topic_page(user=user, topic=topic, number=page_number(request))
    shown = view.page.object_list
    if shown:
        reading.topic_read_mark(user=user, topic=topic, number=shown[-1].number)
    return render(
        request,
        "forum/topic_detail.html",
        {
            "topic": topic,
            "view": view,
            "page_obj": view.page,
            "posts": shown,
            "subject": _subject(topic),
            "reply_form": ReplyForm() if can_post(user=user) else None,
            "can_reply": _can_reply(user, topic),
            "can_moderate": can_moderate_forum(user=user),
            "level_form": LevelForm(initial={"level": view.level}),
            "levels": Level,
            "limits": limits_explained(user=user),
            "pictures_wait": pictures_wait_explained(user=user),
            "conclusions_html": render_markdown(topic.conclusions) if topic.is_closed else "",
            "jsonld": topic_jsonld(topic=topic, posts=shown, page=view.page),
        },
    )


def _subject(topic):
    """What a discussion is about, when anyone may see it: (title, url)."""
    if not topic.subject_id:
        return None
    subject = topic.subject
    if subject is None or not is_public(subject):
        return None
    return {"title": title_for(subject), "url": subject.get_absolute_url()}


def _can_reply(user, topic) -> bool:
    try:
        services.check_can_reply(user=user, topic=topic)
    except ValidationError:
        return False
    return True


def _redirect_to_post(request, *, topic, number: int) -> HttpResponseRedirect:
    page = selectors.post_page_number(user=request.user, topic=topic, number=number)
    return redirect(f"{topic.get_absolute_url()}?page={page}#post-{number}")


@require_GET
def post_permalink(request, pk: int):
    post = selectors.post_get_for(user=request.user, pk=pk)
    return _redirect_to_post(request, topic=post.topic, number=post.number)


@require_GET
@cached_for_visitors
def post_history(request, pk: int):
    post = selectors.post_get_for(user=request.user, pk=pk)
    return render(
        request,
        "forum/post_history.html",
        {
            "post": post,
            "topic": post.topic,
            "revisions": selectors.post_history(user=request.user, post=post),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def topic_create(request):
    if request.method == "POST":
        form = TopicForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                topic = services.topic_create(
                    author=request.user,
                    pictures=form.new_pictures(),
                    **form.fields_besides_pictures(),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                if is_public(topic):
                    messages.success(request, _("Your topic is published."))
                else:
                    messages.info(
                        request,
                        _(
                            "Thank you! Your topic waits for a moderator to read it, as a new "
                            "member's first posts do. You will be told when it is published."
                        ),
                    )
                return redirect(topic.get_absolute_url())
    else:
        category = request.GET.get("category")
        form = TopicForm(
            initial={"category": selectors.Category.objects.filter(slug=category).first()}
        )
    return render(
        request,
        "forum/topic_form.html",
        {
            "form": form,
            "limits": limits_explained(user=request.user),
            "pictures_wait": pictures_wait_explained(user=request.user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def topic_reply(request, pk: int):
    topic = selectors.topic_get_for(user=request.user, pk=pk)
    reply_to = selectors.post_for_quote(
        user=request.user, pk=request.POST.get("reply_to") or request.GET.get("reply_to")
    )
    if reply_to is not None and reply_to.topic_id != topic.pk:
        reply_to = None
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                post = services.post_create(
                    author=request.user,
                    topic=topic,
                    body=form.cleaned_data["body"],
                    reply_to=reply_to,
                    pictures=form.new_pictures(),
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                reading.topic_track_on_posting(user=request.user, topic=topic)
                topic.refresh_from_db(fields=["last_public_number"])
                reading.topic_read_mark(user=request.user, topic=topic, number=post.number)
                if not is_public(post):
                    messages.info(
                        request,
                        _(
                            "Thank you! Your post waits for a moderator to read it, as a new "
                            "member's first posts do. Only you can see it until then."
                        ),
                    )
                return redirect(post.get_absolute_url())
    else:
        initial = {"reply_to": reply_to.pk if reply_to else None}
        quoted = selectors.post_for_quote(user=request.user, pk=request.GET.get("quote"))
        if quoted is not None and quoted.topic_id == topic.pk:
            initial["body"] = quote_block(
                body=quoted.body,
                author_name=str(quoted.author) if quoted.author_id else _("Someone"),
                post_url=quoted.get_absolute_url(),
                part=request.GET.get("part", "")[:5000],
            )
            initial["reply_to"] = quoted.pk
            reply_to = quoted
        form = ReplyForm(initial=initial)
    return render(
        request,
        "forum/reply_form.html",
        {
            "form": form,
            "topic": topic,
            "reply_to": reply_to,
            "can_reply": _can_reply(request.user, topic),
            "limits": limits_explained(user=request.user),
            "pictures_wait": pictures_wait_explained(user=request.user),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def post_edit(request, pk: int):
    post = selectors.post_get_for(user=request.user, pk=pk)
    if not can_edit_post(user=request.user, post=post):
        messages.error(request, _("Only the person who wrote a post, or a moderator, can edit it."))
        return redirect(post.get_absolute_url())
    pictures = list(post.pictures.all())
    if request.method == "POST":
        form = EditForm(request.POST, request.FILES, pictures=pictures)
        if form.is_valid():
            try:
                services.post_edit(
                    actor=request.user,
                    post=post,
                    body=form.cleaned_data["body"],
                    pictures=form.new_pictures(),
                    remove_pictures=form.cleaned_data["remove_pictures"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Your changes are saved; the earlier text stays in the post's history."),
                )
                return redirect(post.get_absolute_url())
    else:
        form = EditForm(initial={"body": post.body}, pictures=pictures)
    return render(
        request,
        "forum/post_edit.html",
        {
            "form": form,
            "post": post,
            "topic": post.topic,
            "pictures_wait": pictures_wait_explained(user=request.user),
        },
    )


@login_required
@require_POST
def post_like(request, pk: int):
    post = selectors.post_get_for(user=request.user, pk=pk)
    try:
        if request.POST.get("undo"):
            services.post_unlike(user=request.user, post=post)
        else:
            services.post_like(user=request.user, post=post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(post.get_absolute_url())


@login_required
@require_POST
def topic_level(request, pk: int):
    topic = selectors.topic_get_for(user=request.user, pk=pk)
    try:
        reading.topic_level_set(user=request.user, topic=topic, level=request.POST.get("level"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved: you will hear about this topic as you chose."))
    return redirect(f"{topic.get_absolute_url()}?page={page_number(request)}")


@login_required
@require_POST
def category_level(request, slug: str):
    category = selectors.category_get(slug=slug)
    try:
        reading.category_level_set(
            user=request.user, category=category, level=request.POST.get("level")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved: you will hear about this category as you chose."))
    return redirect(reverse("forum:category", kwargs={"slug": category.slug}))


def _subject_for(request, content_type_id: int, object_id: int):
    from bigsocnorth.moderation.selectors import content_get_for_view

    return content_get_for_view(
        user=request.user, content_type_id=content_type_id, object_id=object_id
    )


@login_required
@require_POST
def discussion_start(request, content_type_id: int, object_id: int):
    from bigsocnorth.forum.discussions import discussion_post
    from bigsocnorth.forum.forms import DiscussionForm

    subject = _subject_for(request, content_type_id, object_id)
    form = DiscussionForm(request.POST)
    if form.is_valid():
        try:
            post = discussion_post(
                author=request.user, subject=subject, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            if not is_public(post) or not is_public(post.topic):
                messages.info(
                    request,
                    _(
                        "Thank you! Your post waits for a moderator to read it, as a new "
                        "member's first posts do."
                    ),
                )
            else:
                messages.success(request, _("Thank you: your post is in the discussion."))
            return redirect(post.get_absolute_url())
    return render(
        request,
        "forum/discussion_form.html",
        {"form": form, "subject": subject, "subject_title": title_for(subject)},
        status=400,
    )


@login_required
@require_POST
def discussion_switch(request, content_type_id: int, object_id: int):
    from bigsocnorth.forum.discussions import discussion_switch as switch

    subject = _subject_for(request, content_type_id, object_id)
    try:
        switch(actor=request.user, subject=subject, on=request.POST.get("on") == "1")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect(subject.get_absolute_url())
