"""Schemas more than one part of the risk API uses: a signature of an appetite or acceptance and the
risk named in a path. (The bases of input schemas, `TextIn` and `BodyIn`, are core's: accord.core.apikit.)"""

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Path, Schema

from accord.risks.choices import Signatory

#: The `{risk_id}` of a path: a risk's id or its reference; `selectors.access_risk` reads either.
RiskKey = Annotated[str, Path(description="The risk's id (`45`) or its reference (`R-001`; any case, "
                                          "leading zeros optional)", examples=["R-001", "45"])]


class SignatureOut(Schema):
    slot: Signatory
    user: str = Field(description="The signatory's e-mail address")
    signed_at: dt.datetime

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return str(obj.user.email)
