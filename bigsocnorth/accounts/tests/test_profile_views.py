"""Your profile page (/profile/) and public profile pages (/people/<handle>/)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from bigsocnorth.accounts.models import Profile
from bigsocnorth.accounts.tests.conftest import assert_accessible_page, audit
from bigsocnorth.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def profile_data(**overrides) -> dict:
    data = {
        "display_name": "Kath Hughes",
        "pronouns": "she/her",
        "home_area": "",
        "bio": "I run a **repair café** in Walkley.",
        "links": "https://walkleyrepair.example.org\nhttps://social.example/@kath",
    }
    data.update(overrides)
    return data


def test_profile_page_needs_logging_in(client):
    response = client.get(reverse("accounts:profile_edit"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_profile_page_shows_every_section_accessibly(member_client, member):
    response = member_client.get(reverse("accounts:profile_edit"))

    assert response.status_code == 200
    assert_accessible_page(response)
    html = response.content.decode()
    for text in (
        "Your profile",
        member.email,
        reverse("account_email"),
        reverse("account_change_password"),
        reverse("mfa_index"),
        "API tokens",
        reverse("accounts:profile_export"),
        reverse("accounts:profile_delete"),
    ):
        assert text in html
    assert response["Cache-Control"].startswith("max-age=0")


def test_saving_a_profile_in_your_own_words(member_client, member, area):
    response = member_client.post(reverse("accounts:profile_edit"), profile_data(home_area=area.pk))

    assert response.status_code == 302
    assert response.url == reverse("accounts:profile_edit")
    profile = Profile.objects.get(user=member)
    assert profile.display_name == "Kath Hughes"
    assert profile.pronouns == "she/her"
    assert profile.home_area == area
    assert profile.bio == "I run a **repair café** in Walkley."
    assert profile.links == ["https://walkleyrepair.example.org", "https://social.example/@kath"]
    page = member_client.get(response.url)
    assert "Your profile is saved." in page.content.decode()
    assert "https://walkleyrepair.example.org\nhttps://social.example/@kath</textarea>" in (
        page.content.decode()
    )


def test_blank_lines_and_repeats_in_links_are_ignored(member_client, member):
    member_client.post(
        reverse("accounts:profile_edit"),
        profile_data(links="\n https://a.example.org \n\nhttps://a.example.org\n"),
    )

    member.profile.refresh_from_db()
    assert member.profile.links == ["https://a.example.org"]


def post_bad_profile(member_client, member, **overrides) -> str:
    before = Profile.objects.get(user=member)
    response = member_client.post(reverse("accounts:profile_edit"), profile_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    after = Profile.objects.get(user=member)
    for field in ("display_name", "pronouns", "home_area_id", "bio", "links"):
        assert getattr(after, field) == getattr(before, field), field
    return html


def test_a_huge_display_name_is_refused(member_client, member):
    html = post_bad_profile(member_client, member, display_name="y" * 10_000)
    assert "Display name must be 80 characters or fewer; this one has 10000." in html


def test_huge_pronouns_are_refused(member_client, member):
    html = post_bad_profile(member_client, member, pronouns="p" * 10_000)
    assert "Pronouns must be 40 characters or fewer; this one has 10000." in html


def test_a_huge_bio_is_refused(member_client, member):
    html = post_bad_profile(member_client, member, bio="b" * 5001)
    assert "About you must be 5000 characters or fewer; this has 5001." in html


def test_an_empty_display_name_is_refused(member_client, member):
    html = post_bad_profile(member_client, member, display_name="  ")
    assert "Enter a display name" in html


@pytest.mark.parametrize("bogus", ["999999", "abc", "1; DROP TABLE"])
def test_a_home_area_that_does_not_exist_is_refused(member_client, member, bogus):
    html = post_bad_profile(member_client, member, home_area=bogus)
    assert "Choose your home area from the list of local authorities." in html


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "ftp://files.example.org",
        "//evil.example",
    ],
)
def test_links_that_are_not_web_addresses_are_refused(member_client, member, link):
    html = post_bad_profile(member_client, member, links=f"https://ok.example.org\n{link}")
    assert "Link 2 must start with https:// or http://" in html


def test_a_link_that_is_not_a_complete_address_is_refused(member_client, member):
    html = post_bad_profile(member_client, member, links="https://")
    assert "Link 1 is not a complete web address" in html


def test_more_than_five_links_are_refused(member_client, member):
    links = "\n".join(f"https://site{number}.example.org" for number in range(6))
    html = post_bad_profile(member_client, member, links=links)
    assert "Add up to 5 links; there are 6." in html


def test_every_problem_is_reported_at_once(member_client, member):
    html = post_bad_profile(
        member_client, member, display_name="", pronouns="p" * 41, links="javascript:x"
    )
    assert 'href="#id_display_name"' in html
    assert 'href="#id_pronouns"' in html
    assert 'href="#id_links"' in html


# --- Public profile -------------------------------------------------------------


def test_public_profile_shows_what_the_person_wrote_and_never_their_email(client, area):
    person = UserFactory()
    profile = person.profile
    profile.display_name = "Kath Hughes"
    profile.pronouns = "she/her"
    profile.home_area = area
    profile.bio = "I run a **repair café** in Walkley."
    profile.links = ["https://walkleyrepair.example.org"]
    profile.save()

    response = client.get(reverse("accounts:profile_detail", args=[profile.handle]))

    assert response.status_code == 200
    page = assert_accessible_page(response)
    html = response.content.decode()
    assert '<h1 id="profile-name">Kath Hughes</h1>' in html
    assert "she/her" in html
    assert "<strong>repair café</strong>" in html
    assert f'<a href="{area.get_absolute_url()}">Sheffield</a>, Yorkshire and The Humber' in html
    assert '<a href="https://walkleyrepair.example.org" rel="me nofollow ugc noopener">' in html
    assert person.email not in html
    assert page.meta["og:title"] == "Kath Hughes"
    assert page.meta["og:type"] == "profile"
    assert page.meta["og:url"] == f"http://testserver/people/{profile.handle}/"
    assert page.meta["og:description"] == "I run a repair café in Walkley."


def test_script_in_a_bio_is_kept_as_text_but_never_runs(member_client, member):
    attack = (
        "<script>alert(1)</script>\n\n[click me](javascript:alert(2)) "
        '<img src=x onerror="alert(3)"> <a href="javascript:alert(4)">x</a>'
    )
    response = member_client.post(reverse("accounts:profile_edit"), profile_data(bio=attack))
    assert response.status_code == 302
    member.profile.refresh_from_db()
    assert member.profile.bio == attack

    public = Client().get(reverse("accounts:profile_detail", args=[member.profile.handle]))

    html = public.content.decode()
    page = audit(public)
    assert "<script>alert" not in html
    # The layout has its own pictures (the logo); none comes from the bio.
    assert "<img src=x" not in html and 'src="x"' not in html
    assert not [name for name in page.attribute_names if name.startswith("on")]
    assert all(script.get("src") for script in page.scripts)
    hrefs = [link.get("href", "") for link in page.links]
    assert not [href for href in hrefs if href.strip().lower().startswith(("javascript:", "data:"))]
    # The text is still there for people to read, escaped.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_handle_is_not_found(client, db):
    assert client.get(reverse("accounts:profile_detail", args=["nobody-here"])).status_code == 404


def test_inactive_persons_profile_is_not_found(client):
    person = UserFactory(is_active=False)

    response = client.get(reverse("accounts:profile_detail", args=[person.profile.handle]))

    assert response.status_code == 404


def test_profile_of_someone_who_has_not_confirmed_their_email_is_not_shown(client):
    person = UserFactory()
    person.emailaddress_set.update(verified=False)

    response = client.get(reverse("accounts:profile_detail", args=[person.profile.handle]))

    assert response.status_code == 404


def test_public_profile_takes_a_query_per_section(client, django_assert_num_queries, area):
    person = UserFactory()
    person.profile.home_area = area
    person.profile.links = ["https://a.example.org", "https://b.example.org"]
    person.profile.save()
    url = reverse("accounts:profile_detail", args=[person.profile.handle])

    # The profile, the stories they told, the cuts they reported, the gatherings
    # they organise and the forum topics they started.
    with django_assert_num_queries(5):
        response = client.get(url)

    assert response.status_code == 200


def test_public_profile_for_a_logged_in_viewer_adds_only_the_session_queries(
    member_client, django_assert_num_queries, area
):
    person = UserFactory()
    person.profile.home_area = area
    person.profile.save()
    url = reverse("accounts:profile_detail", args=[person.profile.handle])
    member_client.get(url)

    # session, user, profile, whether the viewer follows them (the follow button),
    # their stories, their cuts, their gatherings, their forum topics, and the
    # header's unread notification count
    with django_assert_num_queries(9):
        response = member_client.get(url)

    assert response.status_code == 200


def test_profile_page_for_an_account_made_without_sign_up_creates_a_profile(client, db):
    from bigsocnorth.accounts.models import User

    user = User.objects.create_user(email="made-by-hand@example.org", password="x")
    client.force_login(user)

    response = client.get(reverse("accounts:profile_edit"))

    assert response.status_code == 200
    assert Profile.objects.get(user=user).display_name == "Member"
    assert "made-by-hand" not in Profile.objects.get(user=user).handle
