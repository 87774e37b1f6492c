"""REST API of the risk register: one router, `router`, mounted under /api/v1/orgs/ by accord/api.py.

It is assembled here from one router per part, in the order the paths are listed: reference data
(`reference`), risks and the register as a file (`risks`), the appetite (`appetite`), acceptances
(`acceptances`) and the register in money (`money`). Schemas more than one part uses are in `schemas`.

Every operation names its `operation_id` (API clients generate code from them): `accord_risks_api_<handler>`,
as ninja derived them when the API was the one module `accord.risks.api`, so they stay put when a
handler moves.
"""

from ninja import Router

from accord.risks.api import acceptances, appetite, money, reference, risks

PARTS = (reference, risks, appetite, acceptances, money)

router = Router(tags=["risks"])
for part in PARTS:
    router.add_router("", part.router)

__all__ = ["router"]
