"""What notifications hold about a person, for their data export (accounts/personal_data.py)."""

from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts.personal_data import register_personal_data
from bigsocnorth.notifications.selectors import notification_export_data

register_personal_data(
    "notifications",
    describe=_(
        "What you follow (areas, categories, groups, members and more), the notices the site "
        "gave you, and how often you asked to be emailed about them."
    ),
    collect=lambda user: (notification_export_data(user=user), []),
)
