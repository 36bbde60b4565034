"""Network pages: the list of networks, the network graph and its CSV files, and membership forms.

Every form works as a plain POST without JavaScript (htmx only shows the
matching entries while you type), and every POST ends in a redirect with a
message. Permissions are decided in directory.permissions, through the
services; visibility through the selectors.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from bigsocnorth.core.csv import csv_response
from bigsocnorth.directory.models import Entry
from bigsocnorth.directory.networks import selectors, services
from bigsocnorth.directory.networks.forms import MembershipChooseForm, MembershipEditForm
from bigsocnorth.directory.permissions import (
    check_membership_change_permission,
    check_membership_end_permission,
    check_network_join_permission,
    check_network_member_add_permission,
)

CHOOSE_TEMPLATE = "directory/network_choose/_form.html"


def _safe_next(request) -> str | None:
    """The `next` address if it is on this site, so a crafted link cannot send people away."""
    next_url = request.POST.get("next") or request.GET.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return None


def _redirect_back(request, default: Entry):
    return redirect(_safe_next(request) or default.get_absolute_url())


def _messages_of(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [message for messages_ in error.message_dict.values() for message in messages_]
    return list(error.messages)


def _add_service_errors(form, error: ValidationError, *, field_for: dict[str, str]) -> None:
    for key, field_messages in error.message_dict.items():
        target = field_for.get(key, key)
        form.add_error(target if target in form.fields else None, field_messages)


# --- Public pages ------------------------------------------------------------


@require_GET
def network_list(request):
    return render(
        request,
        "directory/network_list/index.html",
        {"networks": selectors.network_list(user=request.user)},
    )


@require_GET
def network_graph(request):
    graph = selectors.network_graph()
    return render(
        request,
        "directory/network_graph/index.html",
        {"graph": graph, "graph_data": graph.as_data()},
    )


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@require_GET
def network_graph_elements_csv(request):
    graph = selectors.network_graph(with_details=True)
    return csv_response(
        filename="bigsocnorth-network-elements.csv",
        header=selectors.ELEMENT_COLUMNS,
        rows=selectors.graph_element_rows(graph, base_url=_base_url(request)),
    )


@require_GET
def network_graph_connections_csv(request):
    graph = selectors.network_graph()
    return csv_response(
        filename="bigsocnorth-network-connections.csv",
        header=selectors.CONNECTION_COLUMNS,
        rows=selectors.graph_connection_rows(graph),
    )


# --- Choosing the other entry by name ------------------------------------------


def _choose(request, form, *, networks_only: bool, exclude: Entry):
    """(chosen entry or None, candidates to choose from) for a valid choose form.

    A `choice` (a slug from the list of candidates) wins over the typed name.
    Adds an error to the form when nothing matches.
    """
    choice = form.cleaned_data.get("choice")
    name = form.cleaned_data.get("name") or ""
    if choice:
        try:
            return selectors.entry_get_for_network_action(user=request.user, slug=choice), []
        except Http404:
            form.add_error("name", _("That entry is not in the directory any more. Search again."))
            return None, []
    candidates = selectors.entry_candidates_by_name(
        user=request.user, name=name, networks_only=networks_only, exclude=exclude
    )
    if not candidates:
        if networks_only:
            message = _(
                "No network in the directory has a name like “%(name)s”. Check the spelling, "
                "or try part of the name."
            )
        else:
            message = _(
                "No entry in the directory has a name like “%(name)s”. Check the spelling, "
                "try part of the name, or add the group to the directory first."
            )
        form.add_error("name", message % {"name": name})
        return None, []
    return selectors.entry_choose_by_name(candidates, name=name), candidates


def _choose_page(request, *, entry, form, candidates, status, page):
    context = {
        "entry": entry,
        "form": form,
        "candidates": candidates,
        # Only the htmx list says "nothing found"; a submitted form has its own error.
        "searched": False,
        "page": page,
        "search_name": form.data.get("name", ""),
    }
    template = f"directory/network_{page}/index.html"
    return render(request, template, context, status=status)


def _lookup_fragment(request, *, networks_only: bool, exclude: Entry):
    """The matching entries as radio buttons, for htmx while someone types."""
    name = request.GET.get("name", "")[:200]
    candidates = selectors.entry_candidates_by_name(
        user=request.user, name=name, networks_only=networks_only, exclude=exclude
    )
    return render(
        request,
        f"{CHOOSE_TEMPLATE}#choices",
        {"candidates": candidates, "searched": bool(name.strip()), "search_name": name},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def network_member_add(request, slug: str):
    """The network's editors add a member, chosen by name."""
    network = selectors.entry_get_for_network_action(user=request.user, slug=slug)
    check_network_member_add_permission(user=request.user, network=network)
    if not network.kind.is_network:
        messages.error(
            request,
            _("“%(name)s” is not a network, so it cannot have members.") % {"name": network.name},
        )
        return redirect(network)
    if request.method == "GET" and request.htmx:
        return _lookup_fragment(request, networks_only=False, exclude=network)
    form_options = {
        "name_label": _("Name of the member"),
        "name_help": _("Type the name of the group as it is in the directory, or part of it."),
        "lookup_url": request.path,
    }
    if request.method == "GET":
        form = MembershipChooseForm(**form_options)
        return _choose_page(
            request, entry=network, form=form, candidates=[], status=200, page="member_add"
        )
    form = MembershipChooseForm(request.POST, **form_options)
    candidates: list[Entry] = []
    if form.is_valid():
        member, candidates = _choose(request, form, networks_only=False, exclude=network)
        if member is not None:
            try:
                services.membership_add(
                    actor=request.user,
                    network=network,
                    member=member,
                    role=form.cleaned_data["role"],
                    since=form.cleaned_data["since"],
                )
            except ValidationError as error:
                _add_service_errors(form, error, field_for={"member": "name", "network": None})
            else:
                messages.success(
                    request,
                    _("“%(member)s” is now listed as a member of “%(network)s”.")
                    % {"member": member.name, "network": network.name},
                )
                return redirect(network)
    # Several candidates and no error: ask which one (not an error, so 200).
    status = 400 if form.errors else 200
    return _choose_page(
        request, entry=network, form=form, candidates=candidates, status=status, page="member_add"
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def network_join(request, slug: str):
    """An entry's editors ask for it to join a network, chosen by name."""
    member = selectors.entry_get_for_network_action(user=request.user, slug=slug)
    check_network_join_permission(user=request.user, member=member)
    if request.method == "GET" and request.htmx:
        return _lookup_fragment(request, networks_only=True, exclude=member)
    form_options = {
        "name_label": _("Name of the network"),
        "name_help": _("Type the name of the network as it is in the directory, or part of it."),
        "lookup_url": request.path,
    }
    if request.method == "GET":
        form = MembershipChooseForm(**form_options)
        return _choose_page(
            request, entry=member, form=form, candidates=[], status=200, page="join"
        )
    form = MembershipChooseForm(request.POST, **form_options)
    candidates: list[Entry] = []
    if form.is_valid():
        network, candidates = _choose(request, form, networks_only=True, exclude=member)
        if network is not None:
            try:
                services.membership_request(
                    actor=request.user,
                    network=network,
                    member=member,
                    role=form.cleaned_data["role"],
                    since=form.cleaned_data["since"],
                )
            except ValidationError as error:
                # Both the network's and the pair's problems are about the chosen network.
                _add_service_errors(form, error, field_for={"network": "name", "member": "name"})
            else:
                messages.success(
                    request,
                    _(
                        "Your request to join “%(network)s” is sent. It shows on both pages "
                        "once the network's editors approve it."
                    )
                    % {"network": network.name},
                )
                return redirect(member)
    status = 400 if form.errors else 200
    return _choose_page(
        request, entry=member, form=form, candidates=candidates, status=status, page="join"
    )


# --- Answering, changing and ending ------------------------------------------------


def _decide(request, slug: str, pk: int, *, approve: bool):
    network = selectors.entry_get_for_network_action(user=request.user, slug=slug)
    membership = selectors.membership_get(network=network, pk=pk)
    try:
        if approve:
            services.membership_approve(actor=request.user, membership=membership)
        else:
            services.membership_decline(actor=request.user, membership=membership)
    except ValidationError as error:
        for message in _messages_of(error):
            messages.error(request, message)
    else:
        names = {"member": membership.member.name, "network": network.name}
        if approve:
            messages.success(request, _("“%(member)s” is now a member of “%(network)s”.") % names)
        else:
            messages.success(
                request, _("You declined “%(member)s”'s request to join “%(network)s”.") % names
            )
    return _redirect_back(request, network)


@login_required
@require_POST
def membership_approve(request, slug: str, pk: int):
    return _decide(request, slug, pk, approve=True)


@login_required
@require_POST
def membership_decline(request, slug: str, pk: int):
    return _decide(request, slug, pk, approve=False)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request, slug: str, pk: int):
    """Change the role or since-date (editors of either side, moderators)."""
    network = selectors.entry_get_for_network_action(user=request.user, slug=slug)
    membership = selectors.membership_get(network=network, pk=pk)
    check_membership_change_permission(user=request.user, membership=membership)
    if request.method == "POST":
        form = MembershipEditForm(request.POST)
        if form.is_valid():
            try:
                services.membership_update(
                    actor=request.user,
                    membership=membership,
                    role=form.cleaned_data["role"],
                    since=form.cleaned_data["since"],
                )
            except ValidationError as error:
                _add_service_errors(form, error, field_for={"member": None, "network": None})
            else:
                messages.success(request, _("The membership is changed."))
                return _redirect_back(request, network)
    else:
        form = MembershipEditForm(initial=MembershipEditForm.initial_for(membership))
    return render(
        request,
        "directory/network_membership_edit/index.html",
        {"membership": membership, "form": form, "next": _safe_next(request) or ""},
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def membership_end(request, slug: str, pk: int):
    """Confirm, then end a membership or withdraw or remove a request."""
    network = selectors.entry_get_for_network_action(user=request.user, slug=slug)
    membership = selectors.membership_get(network=network, pk=pk)
    check_membership_end_permission(user=request.user, membership=membership)
    if request.method == "POST":
        services.membership_end(actor=request.user, membership=membership)
        messages.success(
            request,
            _("“%(member)s” is no longer listed in “%(network)s”.")
            % {"member": membership.member.name, "network": network.name},
        )
        return _redirect_back(request, network)
    return render(
        request,
        "directory/network_membership_end/index.html",
        {
            "membership": membership,
            "next": _safe_next(request) or "",
            "cancel_url": _safe_next(request) or network.get_absolute_url(),
        },
    )
