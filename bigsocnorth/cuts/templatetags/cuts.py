"""Template filters for threats and cuts: money as people read it, a state's badge class."""

from __future__ import annotations

from django import template

from bigsocnorth.cuts.choices import state_group
from bigsocnorth.cuts.money import money_format

register = template.Library()


@register.filter
def money(pence: int | None) -> str:
    """Pence as "£1.2m", "£12,500"; empty for unknown."""
    return money_format(pence)


@register.filter
def number(value: int | None) -> str:
    """A whole number with thousands separated: 29,171."""
    return "" if value is None else f"{value:,}"


@register.filter
def cut_state_group(state: str) -> str:
    """ "open", "carried-out" or "stopped": the badge's colour."""
    return state_group(state)
