"""Tenant-scoped reads of the privacy app, one module per register, gathered here."""

from accord.privacy.selectors_breaches import BreachFilter, access_breach, breaches, running_clocks
from accord.privacy.selectors_requests import RequestFilter, access_request, requests

__all__ = ["BreachFilter", "RequestFilter", "access_breach", "access_request", "breaches", "requests",
           "running_clocks"]
