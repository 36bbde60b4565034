"""Needs and offers pages: the open needs across gatherings, and the forms behind the
"What this gathering needs" section of a gathering's page.

The forms are plain fields (kept here, next to the only views that use
them); the checks that matter are in needs.py, and so is who may do what.
Every page works without JavaScript: each button is a small form that
posts and comes back to the gathering's page.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.core.pagecache import cached_for_visitors
from bigsocnorth.core.pagination import page_number
from bigsocnorth.core.widgets import QuickSelect
from bigsocnorth.events import needs, permissions, selectors
from bigsocnorth.events.models import Gathering, GatheringNeed, GatheringOffer, NeedKind
from bigsocnorth.places.fields import PlaceField

# --- Forms -----------------------------------------------------------------------------------


class NeedForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What does it need?"),
        choices=NeedKind.choices,
        error_messages={"required": gettext_lazy("Choose what the gathering needs.")},
    )
    description = forms.CharField(
        label=gettext_lazy("More about it"),
        required=False,
        max_length=GatheringNeed.DESCRIPTION_MAX,
        help_text=gettext_lazy("For example “a hall for 30 people, step-free”."),
    )
    wanted = forms.CharField(
        label=gettext_lazy("How many?"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
        help_text=gettext_lazy("From 1 to 50 (a venue is always one)."),
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["kind"]


class OfferForm(forms.Form):
    message = forms.CharField(
        label=gettext_lazy("A message for the organisers"),
        required=False,
        max_length=GatheringOffer.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    covers = forms.CharField(
        label=gettext_lazy("How many can you cover?"),
        required=False,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    entry = forms.ChoiceField(label=gettext_lazy("Offer for"), required=False)
    venue_name = forms.CharField(
        label=gettext_lazy("Venue"),
        max_length=Gathering.VENUE_MAX,
        error_messages={"required": gettext_lazy("Name the venue you offer.")},
    )
    venue_address = forms.CharField(
        label=gettext_lazy("Address"), required=False, max_length=Gathering.ADDRESS_MAX
    )
    place = PlaceField(
        label=gettext_lazy("Where is it?"),
        required=False,
        help_text=gettext_lazy(
            "Its place on the map, or its area. Leave empty to use your group's own place."
        ),
    )

    def __init__(self, *args, need: GatheringNeed, user, **kwargs):
        kwargs.setdefault("auto_id", f"offer{need.pk}_%s")
        super().__init__(*args, **kwargs)
        from bigsocnorth.directory.models import Entry

        self._entries = {
            str(entry.pk): entry
            for entry in Entry.objects.public()
            .filter(editors=user, merged_into__isnull=True)
            .order_by("name")[:50]
        }
        if self._entries:
            self.fields["entry"].choices = [("", _("Myself"))] + [
                (pk, entry.name) for pk, entry in self._entries.items()
            ]
        else:
            del self.fields["entry"]
        if need.is_venue:
            del self.fields["covers"]
        else:
            for name in ("venue_name", "venue_address", "place"):
                del self.fields[name]
            self.fields["covers"].help_text = _("From 1 to %(max)d.") % {"max": need.wanted}

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["entry"] = self._entries.get(data.get("entry") or "")
        return data


class NeedFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What is needed"),
        required=False,
        choices=[("", gettext_lazy("Anything")), *NeedKind.choices],
    )
    area = forms.ChoiceField(label=gettext_lazy("Area"), required=False, widget=QuickSelect)

    def __init__(self, *args, **kwargs):
        from bigsocnorth.places.forms import area_choices

        kwargs.setdefault("auto_id", "filter_%s")
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = area_choices()

    def filters(self) -> needs.NeedFilters:
        self.is_valid()
        data = self.cleaned_data
        return needs.NeedFilters(kind=data.get("kind") or "", area=data.get("area") or "")


# --- Pages -----------------------------------------------------------------------------------


def _problems(error: ValidationError) -> str:
    return " ".join(error.messages)


def _add_errors(form, error: ValidationError) -> None:
    for field, problems in error.message_dict.items():
        form.add_error(field if field in form.fields else None, problems)


@require_GET
@cached_for_visitors
def needs_list(request):
    """Open needs across the gatherings to come: "gatherings near you that need a venue"."""
    form = NeedFilterForm(request.GET)
    page = needs.open_needs(filters=form.filters(), page=page_number(request))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "events/needs/needs_list.html",
        {
            "form": form,
            "page_obj": page,
            "needs": page.object_list,
            "query_without_page": query.urlencode(),
            "filtered": any(value for key, value in request.GET.items() if key != "page"),
        },
    )


def _need_page(request, template, context, *, status=200):
    return render(request, f"events/needs/{template}", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def need_add(request, slug: str):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    permissions.check_manage_permission(request.user, gathering)
    form = NeedForm(request.POST or None, initial={"wanted": "1"})
    if request.method == "POST" and form.is_valid():
        try:
            needs.need_add(actor=request.user, gathering=gathering, values=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Added to what the gathering needs."))
            return redirect(gathering.get_absolute_url() + "#needs-title")
    status = 400 if request.method == "POST" else 200
    return _need_page(
        request, "need_form.html", {"form": form, "gathering": gathering}, status=status
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def need_edit(request, slug: str, pk: int):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    permissions.check_manage_permission(request.user, gathering)
    need = needs.need_get(gathering=gathering, pk=pk)
    initial = {"description": need.description, "wanted": str(need.wanted)}
    form = NeedForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            needs.need_edit(actor=request.user, need=need, values=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The changes are saved."))
            return redirect(gathering.get_absolute_url() + "#needs-title")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "gathering": gathering, "need": need}
    return _need_page(request, "need_form.html", context, status=status)


@login_required
@require_POST
def need_remove(request, slug: str, pk: int):
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    need = needs.need_get(gathering=gathering, pk=pk)
    needs.need_remove(actor=request.user, need=need)
    messages.success(request, _("Taken off the list. Anyone who offered is told, with thanks."))
    return redirect(gathering.get_absolute_url() + "#needs-title")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def offer_make(request, slug: str, pk: int):
    """The offer form on a page of its own (a venue's needs the place picker), and where the
    short form on the gathering's page posts."""
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    need = needs.need_get(gathering=gathering, pk=pk)
    if not permissions.can_offer(request.user, gathering):
        raise PermissionDenied
    form = OfferForm(request.POST or None, need=need, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            needs.offer_make(user=request.user, need=need, values=form.values())
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("Thank you for offering. The organisers are told, and will answer.")
            )
            return redirect(gathering.get_absolute_url() + "#needs-title")
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "gathering": gathering, "need": need}
    return _need_page(request, "offer_form.html", context, status=status)


@login_required
@require_POST
def offer_answer(request, slug: str, pk: int, action: str):
    """Accept, decline (the organisers) or withdraw (the member who offered)."""
    gathering = selectors.gathering_get(user=request.user, slug=slug)
    offer = needs.offer_get(gathering=gathering, pk=pk)
    done = {
        "accept": (
            lambda: needs.offer_accept(actor=request.user, offer=offer),
            _("Offer accepted, and the member who offered is told."),
        ),
        "decline": (
            lambda: needs.offer_decline(actor=request.user, offer=offer),
            _("Offer declined, and the member who offered is told, with thanks."),
        ),
        "withdraw": (
            lambda: needs.offer_withdraw(user=request.user, offer=offer),
            _("Your offer is withdrawn, and the organisers are told."),
        ),
    }
    if action not in done:
        raise Http404
    verb, said = done[action]
    try:
        verb()
    except ValidationError as error:
        messages.error(request, _problems(error))
    else:
        messages.success(request, said)
    return redirect(gathering.get_absolute_url() + "#needs-title")
