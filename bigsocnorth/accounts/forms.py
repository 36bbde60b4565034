"""Forms for joining, logging in, editing a profile, tokens and deleting an account.

Forms only turn posted text into Python values; the rules live in
services.py (`profile_check_fields` and friends), shared with the API.
"""

from __future__ import annotations

from itertools import groupby

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import ReauthenticateForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from bigsocnorth.accounts import selectors, services
from bigsocnorth.accounts.models import Profile


def _drop_placeholders(form: forms.Form) -> None:
    # Labels are always shown; a placeholder repeating the label only adds noise
    # for screen readers and looks like a filled-in value to some people.
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


def _add_service_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)


class _RegionGroupedIterator(ModelChoiceIterator):
    """Local authorities in <optgroup>s by region, in one query."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for region, areas in groupby(self.queryset, key=lambda area: area.region):
            yield (region.name, [self.choice(area) for area in areas])


class LocalAuthorityChoiceField(forms.ModelChoiceField):
    iterator = _RegionGroupedIterator

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", selectors.local_authority_choices())
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Home area"))
        kwargs.setdefault("empty_label", _("No home area"))
        kwargs.setdefault(
            "help_text",
            _("The local authority area you live in or care most about. Shown on your profile."),
        )
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("Choose your home area from the list of local authorities.")},
        )
        super().__init__(**kwargs)


def _display_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("Display name"),
        help_text=_(
            "The name people see next to what you share. It does not have to be your "
            "real name. Up to 80 characters."
        ),
        strip=False,
        error_messages={"required": services.DISPLAY_NAME_REQUIRED},
        widget=forms.TextInput(
            attrs={"maxlength": Profile.DISPLAY_NAME_MAX, "autocomplete": "nickname"}
        ),
    )


class SignupForm(AllauthSignupForm):
    """Joining: email, display name, password twice, and optionally a home area.

    allauth's adapter saves the user; `AccountAdapter.save_user` gives the
    display name and area to `profile_create_for_new_user`.
    """

    display_name = _display_name_field()
    home_area = LocalAuthorityChoiceField()

    field_order = ["email", "display_name", "password1", "password2", "home_area"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        self.fields["email"].label = _("Email address")
        self.fields["email"].help_text = _(
            "We send you a link to confirm it. It is never shown to anyone."
        )
        self.fields["password1"].label = _("Password")
        if "password2" in self.fields:
            self.fields["password2"].label = _("Type your password again")

    def clean_display_name(self) -> str:
        try:
            cleaned = services.profile_check_fields(
                fields={"display_name": self.cleaned_data["display_name"]}
            )
        except ValidationError as error:
            raise ValidationError(error.message_dict["display_name"]) from None
        return cleaned["display_name"]

    def try_save(self, request):
        # User, profile and email address are created together or not at all.
        with transaction.atomic():
            return super().try_save(request)


class LoginForm(AllauthLoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        self.fields["login"].label = _("Email address")
        if "password" in self.fields:
            # The page links to the password reset itself, after the button.
            self.fields["password"].help_text = ""
        if "remember" in self.fields:
            self.fields["remember"].label = _("Keep me logged in on this device")


class LinksField(forms.CharField):
    """Web addresses typed one per line, given to the service as a list."""

    widget = forms.Textarea

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value


class ProfileForm(forms.Form):
    display_name = _display_name_field()
    pronouns = forms.CharField(
        label=_("Pronouns"),
        required=False,
        strip=False,
        help_text=_("For example: she/her, he/him, they/them. Up to 40 characters."),
        widget=forms.TextInput(attrs={"maxlength": Profile.PRONOUNS_MAX}),
    )
    home_area = LocalAuthorityChoiceField()
    bio = forms.CharField(
        label=_("About you"),
        required=False,
        strip=False,
        help_text=_(
            "In your own words: what you do, what you care about. You can use Markdown, "
            "for example **bold** and [a link](https://example.org). Up to 5,000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": Profile.BIO_MAX}),
    )
    links = LinksField(
        label=_("Links"),
        required=False,
        help_text=_(
            "Up to 5 web addresses, one on each line, starting with https:// "
            "(your website, a blog, social media)."
        ),
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "url", "spellcheck": "false"}),
    )

    @classmethod
    def initial_for(cls, profile: Profile) -> dict:
        return {
            "display_name": profile.display_name,
            "pronouns": profile.pronouns,
            "home_area": profile.home_area_id,
            "bio": profile.bio,
            "links": list(profile.links),
        }

    def clean(self):
        cleaned = super().clean()
        given = {name: cleaned[name] for name in services.PROFILE_FIELDS if name in cleaned}
        try:
            cleaned.update(services.profile_check_fields(fields=given))
        except ValidationError as error:
            _add_service_errors(self, error)
        return cleaned


class ApiTokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        help_text=_("Say what the token is for, so you know which one to revoke later."),
        strip=False,
        error_messages={"required": services.API_TOKEN_NAME_REQUIRED},
        widget=forms.TextInput(attrs={"maxlength": services.API_TOKEN_NAME_MAX}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "token")
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        try:
            return services.api_token_check_name(name=self.cleaned_data["name"])
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class AccountDeleteForm(ReauthenticateForm):
    """Your current password, checked (and rate limited) like a login."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _drop_placeholders(self)
        field = self.fields["password"]
        field.label = _("Your current password")
        field.help_text = ""
        field.error_messages["required"] = _("Enter your password to delete your account.")
