"""The demo's notices are history, not news: none of them is emailed.

Loading the demo publishes hundreds of entries and stories, each announced
to followers; without this, the first `make run` would print a digest email
for every demo member as soon as the scheduler starts.
"""

from __future__ import annotations

from django.utils import timezone

from bigsocnorth.core.demo.registry import DemoResult
from bigsocnorth.notifications.models import Notification


def demo_notices_quieten() -> DemoResult:
    quietened = Notification.objects.filter(emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    return DemoResult(
        summary=[f"{quietened} notices from the demo are on the site; none will be emailed."]
    )
