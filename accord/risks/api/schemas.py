"""Schemas more than one part of the risk API uses: the two bases of its input (texts PostgreSQL
can store; request bodies that refuse unknown fields), a signature of an appetite or acceptance, and
the risk named in a path."""

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Path, Schema
from pydantic import ConfigDict, field_validator

from accord.risks.choices import Signatory

#: The `{risk_id}` of a path: a risk's id or its reference; `selectors.access_risk` reads either.
RiskKey = Annotated[str, Path(description="The risk's id (`45`) or its reference (`R-001`; any case, "
                                          "leading zeros optional)", examples=["R-001", "45"])]


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
