"""What the accounts app contributes to the shared mechanisms: the demo's people, a figure,
following a member, and clearing data exports past their time.

Found at start-up by core (see docs/adding-a-content-type.md).
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from bigsocnorth.accounts.data_export import data_exports_clear
from bigsocnorth.accounts.demo import load_people
from bigsocnorth.accounts.models import Profile
from bigsocnorth.accounts.permissions import (
    check_profile_follow_permission,
    filter_profiles_visible_to,
)
from bigsocnorth.accounts.selectors import people_count
from bigsocnorth.core import sections
from bigsocnorth.core.demo.registry import register_demo
from bigsocnorth.core.scheduler import register_job
from bigsocnorth.notifications import registry as follows

register_demo("people", load=load_people, order=10)
sections.register_figure(
    "people",
    label=lambda count: ngettext("%(count)s person", "%(count)s people", count) % {"count": count},
    # There is no list of people to link to: profiles are found through what people do.
    count=lambda *, obj: (people_count(area=obj), ""),
    order=40,
)
# Following a member is following their profile: it is their page, and it names
# them. Only public profiles load, so a member deactivated or deleted since is
# "no longer available" on the "what you follow" page, and still unfollowable.
follows.register(
    Profile,
    key="accounts.profile",
    label=_("member"),
    queryset=lambda: filter_profiles_visible_to(viewer=None, queryset=Profile.objects.all()),
    check=lambda user, profile: check_profile_follow_permission(user=user, profile=profile),
)
# Members' copies of their data are kept a week, then deleted with their files.
register_job("data_exports_clear", run=data_exports_clear)
