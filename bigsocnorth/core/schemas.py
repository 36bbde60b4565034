"""API schemas every router shares."""

from __future__ import annotations

from ninja import Field, Schema


class Message(Schema):
    message: str = Field(description="What went wrong, in words a person can act on.")


class FieldProblem(Schema):
    field: str = Field(description="The input that is not valid: a parameter or a body field.")
    message: str = Field(description="What is wrong with it.")


class InvalidInput(Schema):
    message: str = Field(description="What went wrong, in words a person can act on.")
    errors: list[FieldProblem] = Field(description="Each input that is not valid, and why.")
