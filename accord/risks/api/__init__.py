"""REST API of the risk register: one router, `router`, mounted under /api/v1/orgs/ by accord/api.py.

It is assembled here from one router per part, in the order the paths are listed: reference data
(`reference`), risks and the register as a file (`risks`), the appetite (`appetite`), acceptances
(`acceptances`) and the register in money (`money`). Schemas more than one part uses are in `schemas`.
"""

from ninja import Router

from accord.risks.api import acceptances, appetite, money, reference, risks

PARTS = (reference, risks, appetite, acceptances, money)

#: Operation ids as they were when the API was the one module `accord.risks.api` (ninja derives them
#: from the handler's module, and API clients generate code from them): `accord_risks_api_<handler>`.
OPERATION_ID_PREFIX = "accord_risks_api_"

router = Router(tags=["risks"])
for part in PARTS:
    for path_view in part.router.path_operations.values():
        for operation in path_view.operations:
            if operation.operation_id is None:
                operation.operation_id = OPERATION_ID_PREFIX + operation.view_func.__name__
    router.add_router("", part.router)

__all__ = ["router"]
