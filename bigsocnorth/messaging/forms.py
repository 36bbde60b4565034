"""Forms for private messages. They check the shape; services.py decides the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from bigsocnorth.messaging.models import Conversation, Message


class MessageForm(forms.Form):
    """An answer in a conversation."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=Message.BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("Write your message."),
            "max_length": _(
                "A message can be at most %(limit_value)s characters; this one has "
                "%(show_value)s. Shorten it, or send it in parts."
            ),
        },
    )


class ConversationForm(MessageForm):
    """A new conversation: a subject and the first message."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=Conversation.SUBJECT_MAX,
        help_text=_("A few words on what it is about. It is shown in the notification."),
        error_messages={
            "required": _("Give your message a subject: a few words on what it is about."),
            "max_length": _(
                "A subject can be at most %(limit_value)s characters; this one has %(show_value)s."
            ),
        },
    )

    field_order = ["subject", "body"]
