"""API schemas every router shares."""

from __future__ import annotations

from ninja import Field, Schema


class Message(Schema):
    message: str = Field(description="What went wrong, in words a person can act on.")
