"""What the accounts app contributes to the shared mechanisms: the demo's people, and a figure.

Found at start-up by core (see docs/adding-a-content-type.md).
"""

from django.utils.translation import ngettext

from bigsocnorth.accounts.demo import load_people
from bigsocnorth.accounts.selectors import people_count
from bigsocnorth.core import sections
from bigsocnorth.core.demo.registry import register_demo

register_demo("people", load=load_people, order=10)
sections.register_figure(
    "people",
    label=lambda count: ngettext("%(count)s person", "%(count)s people", count) % {"count": count},
    # There is no list of people to link to: profiles are found through what people do.
    count=lambda *, obj: (people_count(area=obj), ""),
    order=40,
)
