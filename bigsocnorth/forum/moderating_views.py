"""Moderators' pages for the forum: one page of tools per topic, and the categories.

Each tool is a plain form posting to its page with an `action` field; the
services in moderating.py check and do the work. A good change redirects
with a notice; a bad one shows the page again with the problem at the top
of its form (status 400). Everyone else gets a 403.
"""

from __future__ import annotations

import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from bigsocnorth.forum import moderating, selectors
from bigsocnorth.forum.models import Category, Topic
from bigsocnorth.forum.permissions import can_moderate_forum
from bigsocnorth.forum.views import add_errors
from bigsocnorth.places.models import Region

# --- Forms: they collect, the services check ------------------------------------


class CategoryChoiceField(forms.ModelChoiceField):
    default_error_messages = {
        "invalid_choice": gettext_lazy("Choose a category from the list."),
        "required": gettext_lazy("Choose a category from the list."),
    }


class CloseForm(forms.Form):
    conclusions = forms.CharField(
        label=gettext_lazy("Conclusions"),
        # The service says how long it is when it is too long: the text is kept.
        max_length=Topic.CONCLUSIONS_MAX * 2,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": gettext_lazy(
                "Write the conclusions: what the topic came to, in a few lines."
            )
        },
        help_text=gettext_lazy(
            "What the conversation came to, shown at the top of the closed topic. Markdown "
            "works: **bold**, _italic_, [a link](https://…) and lists."
        ),
    )


class NoFieldsForm(forms.Form):
    """Reopen, lock, unlock, pin, unpin: a button is the whole form."""


class MoveForm(forms.Form):
    category = CategoryChoiceField(
        label=gettext_lazy("Move it to"), queryset=Category.objects.all(), empty_label=None
    )


class SplitForm(forms.Form):
    from_number = forms.IntegerField(
        label=gettext_lazy("First post to move (its number)"),
        min_value=2,
        max_value=10**9,
        error_messages={
            "required": gettext_lazy("Give the number of the first post to move, such as 5."),
            "invalid": gettext_lazy("Give the number of the first post to move, such as 5."),
            "min_value": gettext_lazy(
                "The opening post stays with its topic: give the number of a reply, 2 or more."
            ),
            "max_value": gettext_lazy("There is no post with that number in this topic."),
        },
        help_text=gettext_lazy(
            "It and every post after it go to the new topic, which it opens. Each post's "
            "number is after the # at its top."
        ),
    )
    title = forms.CharField(
        label=gettext_lazy("Title of the new topic"), max_length=Topic.TITLE_MAX * 2
    )
    category = CategoryChoiceField(
        label=gettext_lazy("Category of the new topic"),
        queryset=Category.objects.all(),
        empty_label=None,
    )


class MergeForm(forms.Form):
    target = forms.CharField(
        label=gettext_lazy("The topic to merge into"),
        max_length=500,
        help_text=gettext_lazy(
            "Its web address, or its number (the number after /t/ in its address). This "
            "topic's posts go to its end and this topic is hidden."
        ),
        error_messages={"required": gettext_lazy("Give the address of the topic to merge into.")},
    )

    def clean_target(self) -> Topic | None:
        text = self.cleaned_data["target"].strip()
        found = re.search(r"/t/(\d+)(?:/|$)", text) or re.fullmatch(r"#?(\d+)", text)
        if found is None:
            raise ValidationError(
                _(
                    "Give the topic's web address, such as https://…/forum/t/123/its-title/, "
                    "or its number."
                )
            )
        number = int(found.group(1))
        if number > 2**62:
            return None
        return Topic.objects.filter(pk=number).first()


class CategoryForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=Category.NAME_MAX * 2)
    slug = forms.CharField(
        label=gettext_lazy("Web address name"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "Lower-case letters, numbers and hyphens, as in /forum/c/housing-and-homes/. "
            "Made from the name when left empty. Changing it changes the category's address."
        ),
    )
    description = forms.CharField(
        label=gettext_lazy("What it is for"),
        max_length=Category.DESCRIPTION_MAX * 2,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("One or two sentences, shown in the list of categories."),
    )
    position = forms.IntegerField(
        label=gettext_lazy("Position in the list"),
        initial=100,
        min_value=0,
        max_value=moderating.POSITION_MAX,
        help_text=gettext_lazy("Lower numbers come first; equal ones go by name."),
    )
    region = forms.ModelChoiceField(
        label=gettext_lazy("Region"),
        queryset=Region.objects.all(),
        required=False,
        empty_label=gettext_lazy("None: the whole North"),
        help_text=gettext_lazy(
            "A region's own category: its new topics reach the region's followers."
        ),
    )


# --- One topic's tools --------------------------------------------------------


# Each tool's form, by the `action` its button posts.
TOPIC_FORMS = {
    "close": CloseForm,
    "reopen": NoFieldsForm,
    "lock": NoFieldsForm,
    "unlock": NoFieldsForm,
    "pin": NoFieldsForm,
    "unpin": NoFieldsForm,
    "move": MoveForm,
    "split": SplitForm,
    "merge": MergeForm,
}


def _check_moderator(user) -> None:
    if not can_moderate_forum(user=user):
        raise PermissionDenied(_("Only the forum's moderators can see this page."))


def _categories_once(topic_forms: dict[str, forms.Form]) -> None:
    """The forms' lists of categories, read once for the page (checking still reads the table)."""
    choices = list(Category.objects.values_list("pk", "name"))
    for form in topic_forms.values():
        field = form.fields.get("category")
        if field is not None:
            field.choices = choices


def _topic_forms(topic: Topic) -> dict[str, forms.Form]:
    return {
        "close": CloseForm(prefix="close", initial={"conclusions": topic.conclusions}),
        "move": MoveForm(prefix="move"),
        "split": SplitForm(prefix="split", initial={"category": topic.category_id}),
        "merge": MergeForm(prefix="merge"),
    }


def _topic_action(action: str, *, actor, topic: Topic, data: dict):
    """Do one tool's work; returns (where to go next, the notice)."""
    if action == "close":
        was_closed = topic.is_closed
        moderating.topic_close(actor=actor, topic=topic, conclusions=data["conclusions"])
        if was_closed:
            return topic, _("The conclusions are changed.")
        return topic, _("The topic is closed; its conclusions are at its top.")
    if action == "reopen":
        moderating.topic_reopen(actor=actor, topic=topic)
        return topic, _("The topic is open again: members can reply.")
    if action == "lock":
        moderating.topic_lock(actor=actor, topic=topic)
        return topic, _("The topic is locked: nobody but moderators can reply or edit.")
    if action == "unlock":
        moderating.topic_unlock(actor=actor, topic=topic)
        return topic, _("The topic is unlocked: members can reply again.")
    if action == "pin":
        moderating.topic_pin(actor=actor, topic=topic)
        return topic, _("The topic is pinned at the top of its lists.")
    if action == "unpin":
        moderating.topic_unpin(actor=actor, topic=topic)
        return topic, _("The topic is not pinned any more.")
    if action == "move":
        moderating.topic_move(actor=actor, topic=topic, category=data["category"])
        return topic, _("The topic is in “%(name)s” now.") % {"name": data["category"].name}
    if action == "split":
        new_topic = moderating.topic_split(
            actor=actor,
            topic=topic,
            from_number=data["from_number"],
            title=data["title"],
            category=data["category"],
        )
        return new_topic, _(
            "Split: the posts from number %(number)d on are this new topic. "
            "“%(old)s” keeps the posts before them."
        ) % {"number": data["from_number"], "old": topic.title}
    if action == "merge":
        target = moderating.topic_merge(actor=actor, source=topic, target=data["target"])
        return target, _(
            "Merged: the posts of “%(source)s” are at the end of this topic, and that topic "
            "is hidden."
        ) % {"source": topic.title}
    raise ValueError(action)


@never_cache
@require_http_methods(["GET", "POST"])
def topic_moderate(request, pk: int):
    _check_moderator(request.user)
    topic = selectors.topic_get_for(user=request.user, pk=pk)
    topic_forms = _topic_forms(topic)
    problem = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        form_class = TOPIC_FORMS.get(action)
        if form_class is None:
            problem = _("Choose one of the tools on this page.")
            status = 400
        else:
            form = form_class(request.POST, prefix=action)
            if action in topic_forms:
                topic_forms[action] = form
            if form.is_valid():
                try:
                    destination, notice = _topic_action(
                        action, actor=request.user, topic=topic, data=form.cleaned_data
                    )
                except ValidationError as error:
                    add_errors(form, error)
                else:
                    messages.success(request, notice)
                    return redirect(destination.get_absolute_url())
            if action not in topic_forms:
                problem = " ".join(str(message) for message in form.non_field_errors())
            status = 400
    _categories_once(topic_forms)
    return render(
        request,
        "forum/topic_moderate.html",
        {
            "topic": topic,
            "forms": topic_forms,
            "problem": problem,
            "has_errors": bool(problem) or any(form.errors for form in topic_forms.values()),
        },
        status=status,
    )


# --- Categories -----------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def category_manage(request):
    """The list of categories, a form to add one, and (with ?edit=<id>) a form to change one."""
    _check_moderator(request.user)
    editing = None
    edit_id = request.GET.get("edit", "")
    if edit_id:
        if not edit_id.isdigit() or len(edit_id) > 18:
            raise Http404
        editing = get_object_or_404(Category, pk=int(edit_id))
    status = 200
    if request.method == "POST":
        form = CategoryForm(request.POST)
        if form.is_valid():
            try:
                if editing is None:
                    category = moderating.category_create(actor=request.user, **form.cleaned_data)
                    notice = _("The category “%(name)s” is added.")
                else:
                    category = moderating.category_update(
                        actor=request.user, category=editing, **form.cleaned_data
                    )
                    notice = _("The category “%(name)s” is saved.")
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, notice % {"name": category.name})
                return redirect(reverse("forum:category_manage"))
        status = 400
    elif editing is not None:
        form = CategoryForm(
            initial={
                "name": editing.name,
                "slug": editing.slug,
                "description": editing.description,
                "position": editing.position,
                "region": editing.region_id,
            }
        )
    else:
        form = CategoryForm()
    return render(
        request,
        "forum/category_manage.html",
        {"form": form, "editing": editing, "categories": selectors.categories()},
        status=status,
    )
