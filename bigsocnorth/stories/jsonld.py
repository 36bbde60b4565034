"""schema.org JSON-LD for story pages: an Article (or a link to one told elsewhere)."""

from __future__ import annotations

from bigsocnorth.stories.models import Story


def story_json_ld(*, story: Story, url: str, image_url: str = "", profile=None) -> dict:
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Article",
        "@id": url,
        "url": url,
        "headline": story.title[:110],
        "inLanguage": "en-GB",
    }
    if story.summary:
        data["description"] = story.summary
    if story.published_at:
        data["datePublished"] = story.published_at.isoformat()
        data["dateModified"] = story.updated_at.isoformat()
    if image_url:
        data["image"] = image_url
    if story.tags:
        data["keywords"] = story.tag_list
    if story.on_behalf_of_id:
        data["author"] = {"@type": "Organization", "name": story.on_behalf_of.name}
    elif profile is not None:
        data["author"] = {"@type": "Person", "name": profile.display_name}
    if story.is_linked and story.url:
        # The story itself is told elsewhere: this page shares and describes it.
        data["isBasedOn"] = story.url
        if story.source_name:
            data["publisher"] = {"@type": "Organization", "name": story.source_name}
    if story.has_place:
        data["contentLocation"] = {
            "@type": "Place",
            "name": story.place_name or story.local_authority.name,
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": story.latitude,
                "longitude": story.longitude,
            },
        }
    about = list(story.about.all())
    if about:
        data["about"] = [{"@type": "Organization", "name": entry.name} for entry in about]
    return data
