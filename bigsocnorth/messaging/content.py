"""Private messages on the shared mechanisms: a "Send a message" button on profile pages.

Found at start-up (bigsocnorth/core/apps.py). Messages are private, so they
are not a content type: nothing here registers them with moderation,
search, the map or the menu.
"""

from __future__ import annotations

from bigsocnorth.core import sections
from bigsocnorth.messaging.sections import profile_messaging_section

# First on a profile, before what the person contributed.
sections.register_section(sections.PROFILE, "messaging", build=profile_messaging_section, order=5)
