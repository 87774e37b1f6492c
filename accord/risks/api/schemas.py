"""Schemas more than one part of the risk API uses: the two bases of its input (texts PostgreSQL
can store; request bodies that refuse unknown fields) and a signature of an appetite or acceptance."""

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from accord.risks.choices import Signatory


class TextIn(Schema):
    """Input whose texts PostgreSQL can store: a NUL character is refused up front (422), not on save."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("Text may not contain NUL characters")
        return value


class BodyIn(TextIn):
    """A request body: unknown fields are refused, so a misspelt field is not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class SignatureOut(Schema):
    slot: Signatory
    user: str = Field(description="The signatory's e-mail address")
    signed_at: dt.datetime

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return str(obj.user.email)
