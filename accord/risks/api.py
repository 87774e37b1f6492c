"""REST API of the risk register."""

from ninja import Router

router = Router(tags=["risks"])

