"""schema.org JSON-LD for entry pages, so search engines and other networks can read them."""

from __future__ import annotations

from bigsocnorth.directory.models import Entry


def entry_json_ld(*, entry: Entry, url: str, logo_url: str = "") -> dict:
    """An Organization with its places, areas served, identifiers and links.

    Only publishable coordinates (approximate when the entry asks) are used.
    """
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": url,
        "name": entry.name,
        "url": url,
    }
    same_as = [link for link in [entry.website, *entry.social_links] if link]
    if same_as:
        data["sameAs"] = same_as
    if logo_url:
        data["logo"] = logo_url
    if entry.public_contact:
        key = "email" if "@" in entry.public_contact else "telephone"
        data[key] = entry.public_contact
    places = list(entry.places.all())
    if places:
        data["location"] = [
            {
                "@type": "Place",
                **({"name": place.name} if place.name else {}),
                "address": {
                    "@type": "PostalAddress",
                    "addressRegion": place.local_authority.name,
                    "addressCountry": "GB",
                },
                "geo": {
                    "@type": "GeoCoordinates",
                    "latitude": place.public_latitude,
                    "longitude": place.public_longitude,
                },
            }
            for place in places
        ]
    served = list(entry.areas_served.all())
    if served:
        data["areaServed"] = [
            {"@type": "AdministrativeArea", "name": area.name, "identifier": area.code}
            for area in served
        ]
    identifiers = list(entry.identifiers.all())
    if identifiers:
        data["identifier"] = [
            {"@type": "PropertyValue", "propertyID": i.scheme, "value": i.value}
            for i in identifiers
        ]
    return data
