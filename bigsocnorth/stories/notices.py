"""What stories tell people: their author when a story is published, and followers of
its area, its region and the directory entries it is about or told for.

Called from the story's change hook (content.py), inside the transaction of
the change, so a notice exists exactly when its change does. Stories
themselves are not followed: people follow areas and entries.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from bigsocnorth.notifications.services import (
    announcement_claim,
    notify,
    notify_followers_each_once,
)
from bigsocnorth.stories.models import Story


class Kind:
    STORY_PUBLISHED = "stories.story_published"  # to its author
    NEW_STORY = "stories.new_story"  # to followers of its area, region and entries


def story_published_notify(*, story: Story, actor=None) -> int:
    """Announce a newly published story, once ever; returns how many people were told.

    The author hears "Your story … was published" unless they published it
    themselves. Followers hear once each, with the most specific message:
    an entry it is about or told for, then its local authority, then its
    region.
    """
    if not announcement_claim(key=Kind.NEW_STORY, target=story):
        return 0
    url = story.get_absolute_url()
    told: set[int] = set()
    if actor is not None:
        told.add(actor.pk)
    count = 0
    if story.author_id and story.author_id not in told:
        count += len(
            notify(
                recipients=[story.author_id],
                kind=Kind.STORY_PUBLISHED,
                message=_("Your story “%(title)s” was published.") % {"title": story.title},
                url=url,
                actor=actor,
                target=story,
            )
        )
        told.add(story.author_id)

    entries = list(story.about.all())
    if story.on_behalf_of_id and story.on_behalf_of not in entries:
        entries.insert(0, story.on_behalf_of)
    groups = [
        (
            entry,
            _("A new story about “%(name)s”: “%(title)s”")
            % {"name": entry.name, "title": story.title},
        )
        for entry in entries
    ]
    area = story.local_authority
    if area is not None:
        groups.append(
            (
                area,
                _("A new story in %(area)s: “%(title)s”")
                % {"area": area.name, "title": story.title},
            )
        )
        groups.append(
            (
                area.region,
                _("A new story in %(region)s: “%(title)s”")
                % {"region": area.region.name_in_sentence, "title": story.title},
            )
        )
    return count + notify_followers_each_once(
        groups=groups,
        kind=Kind.NEW_STORY,
        url=url,
        actor=actor or (story.author if story.author_id else None),
        target=story,
        told=told,
    )
