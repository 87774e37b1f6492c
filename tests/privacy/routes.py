"""The privacy app's routes for the generic suites (see tests/routes.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from accord.core.clock import org_today
from accord.core.models import Organization
from accord.privacy import services_breaches, services_requests
from tests.factories import Persona
from tests.routes import Route, Seed

API = "/api/v1/orgs/{org}/privacy"


def seed_privacy(org: Organization) -> Seed:
    """In `org`: an open request (to change, pause, extend, close), one whose clock is paused (to resume), one
    answered; a breach awaiting its notification and one notified; texts carry the organisation's name (B's
    canary)."""
    today = org_today(org)

    def request(kind: str, days_ago: int) -> Any:
        return services_requests.do_create_request(None, org, {
            "kind": kind, "received_on": today - dt.timedelta(days=days_ago), "channel": "e-mail",
            "subject_name": f"{org.name} canary person", "subject_contact": f"person@{org.slug}.test",
            "details": f"{org.name} canary details"})

    open_request = request("access", 3)
    paused = request("erasure", 5)
    services_requests.do_pause_request(None, org, paused, reason=f"{org.name} canary identity check",
                                       paused_on=today - dt.timedelta(days=2))
    answered = request("portability", 20)
    services_requests.do_close_request(None, org, answered, outcome="answered", response=f"{org.name} canary answer")
    now = timezone.now()
    breach = services_breaches.do_open_breach(None, org, {
        "title": f"{org.name} canary breach", "became_aware_at": now - dt.timedelta(hours=5),
        "nature": f"{org.name} canary nature"})
    notified = services_breaches.do_open_breach(None, org, {
        "title": f"{org.name} canary notified breach", "became_aware_at": now - dt.timedelta(hours=30)})
    services_breaches.do_add_breach_notification(None, org, notified, {
        "sent_at": now - dt.timedelta(hours=20), "content": f"{org.name} canary first phase"})
    return {"dsr_open": open_request, "dsr_paused": paused, "dsr_answered": answered, "breach": breach,
            "breach_notified": notified}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_privacy]


def grow_privacy(seed: Seed, n: int) -> None:
    """`n` more requests of every kind and stage, and `n` more breaches with a notification each."""
    org = seed["org"]
    today = org_today(org)
    kinds = ["access", "rectification", "erasure", "restriction", "portability", "objection", "automated_decision"]
    now = timezone.now()
    for k in range(n):
        made = services_requests.do_create_request(None, org, {
            "kind": kinds[k % len(kinds)], "received_on": today - dt.timedelta(days=k % 60),
            "subject_name": f"Grown person {k}"})
        if k % 3 == 1:
            services_requests.do_pause_request(None, org, made, reason="Identity", paused_on=made.received_on)
        elif k % 3 == 2:
            services_requests.do_close_request(None, org, made, outcome="withdrawn")
        breach = services_breaches.do_open_breach(None, org, {"title": f"Grown breach {k}",
                                                              "became_aware_at": now - dt.timedelta(hours=k + 1)})
        services_breaches.do_add_breach_notification(None, org, breach, {"sent_at": now, "content": "Phase",
                                                                         "late_reasons": "Grown"})


GROWERS = [grow_privacy]


def _dsr(key: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {"request_id": seed[key].pk}


def _breach(key: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {"breach_id": seed[key].pk}


def _notification(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"sent_at": timezone.now().isoformat(), "content": "Probe phase"}


_REQUEST = {"kind": "objection", "received_on": "2026-01-05", "subject_name": "Probe person"}
_BREACH = {"title": "Probe breach", "became_aware_at": "2026-03-28T09:30:00+01:00"}

ROUTES: list[Route] = [
    # --- requests: API ---
    Route(f"GET {API}/requests/", "GET", "privacy.request.view", lists_data=True),
    Route(f"POST {API}/requests/", "POST", "privacy.request.change", body=lambda s, p: _REQUEST),
    Route(f"GET {API}/requests/{{request_id}}", "GET", "privacy.request.view", kwargs=_dsr("dsr_open")),
    Route(f"PATCH {API}/requests/{{request_id}}", "PATCH", "privacy.request.change", kwargs=_dsr("dsr_open"),
          body=lambda s, p: {"channel": "letter", "status": "in_progress"}),
    Route(f"POST {API}/requests/{{request_id}}/extend", "POST", "privacy.request.change", kwargs=_dsr("dsr_open"),
          body=lambda s, p: {"reason": "Probe: many records"}),
    Route(f"POST {API}/requests/{{request_id}}/pause", "POST", "privacy.request.change", kwargs=_dsr("dsr_open"),
          body=lambda s, p: {"reason": "Probe: identity"}),
    Route(f"POST {API}/requests/{{request_id}}/resume", "POST", "privacy.request.change", kwargs=_dsr("dsr_paused"),
          body=lambda s, p: {}),
    Route(f"POST {API}/requests/{{request_id}}/close", "POST", "privacy.request.change", kwargs=_dsr("dsr_open"),
          body=lambda s, p: {"outcome": "refused", "refusal_reasons": "Probe: manifestly unfounded",
                             "complaint_right_given": True}),
    # --- breaches: API ---
    Route(f"GET {API}/breaches/", "GET", "privacy.breach.view", lists_data=True),
    Route(f"POST {API}/breaches/", "POST", "privacy.breach.change", body=lambda s, p: _BREACH),
    Route(f"GET {API}/breaches/{{breach_id}}", "GET", "privacy.breach.view", kwargs=_breach("breach")),
    Route(f"PATCH {API}/breaches/{{breach_id}}", "PATCH", "privacy.breach.change", kwargs=_breach("breach"),
          body=lambda s, p: {"measures": "Probe: passwords reset", "subjects_approx": 120}),
    Route(f"POST {API}/breaches/{{breach_id}}/notifications/", "POST", "privacy.breach.change",
          kwargs=_breach("breach"), body=_notification),
]

_REQUEST_FORM = {"kind": "access", "received_on": "2026-01-05", "channel": "letter", "subject_name": "Probe"}
_BREACH_FORM = {"title": "Probe breach", "became_aware_at": "2026-03-28T09:30", "notify_decision": "pending",
                "subjects_decision": "pending"}

ROUTES += [
    # --- requests: UI ---
    Route("privacy:requests", "GET", "privacy.request.view", lists_data=True),
    Route("privacy:request_create", "GET", "privacy.request.change"),
    Route("privacy:request_create", "POST", "privacy.request.change", body=lambda s, p: _REQUEST_FORM),
    Route("privacy:request_detail", "GET", "privacy.request.view", kwargs=_dsr("dsr_open")),
    Route("privacy:request_edit", "GET", "privacy.request.change", kwargs=_dsr("dsr_open")),
    Route("privacy:request_edit", "POST", "privacy.request.change", kwargs=_dsr("dsr_open"),
          body=lambda s, p: {**_REQUEST_FORM, "channel": "web form"}),
    Route("privacy:request_pause", "POST", "privacy.request.change", kwargs=_dsr("dsr_open"),
          body=lambda s, p: {"reason": "Probe"}),
    Route("privacy:request_resume", "POST", "privacy.request.change", kwargs=_dsr("dsr_paused"),
          body=lambda s, p: {}),
    Route("privacy:request_extend", "POST", "privacy.request.change", kwargs=_dsr("dsr_open"),
          body=lambda s, p: {"reason": "Probe"}),
    Route("privacy:request_close", "POST", "privacy.request.change", kwargs=_dsr("dsr_open"),
          body=lambda s, p: {"outcome": "withdrawn"}),
    # --- breaches: UI ---
    Route("privacy:breaches", "GET", "privacy.breach.view", lists_data=True),
    Route("privacy:breach_create", "GET", "privacy.breach.change"),
    Route("privacy:breach_create", "POST", "privacy.breach.change", body=lambda s, p: _BREACH_FORM),
    Route("privacy:breach_detail", "GET", "privacy.breach.view", kwargs=_breach("breach")),
    Route("privacy:breach_edit", "GET", "privacy.breach.change", kwargs=_breach("breach")),
    Route("privacy:breach_edit", "POST", "privacy.breach.change", kwargs=_breach("breach"),
          body=lambda s, p: {**_BREACH_FORM, "measures": "Probe"}),
    Route("privacy:breach_notification_add", "POST", "privacy.breach.change", kwargs=_breach("breach"),
          body=lambda s, p: {"sent_at": timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M"),
                             "content": "Probe"}),
]

# The record of processing, processors and transfers (tests/privacy/routes_ropa.py), collected here.
from tests.privacy.routes_ropa import ROUTES as _ROPA_ROUTES  # noqa: E402
from tests.privacy.routes_ropa import grow_ropa, seed_ropa  # noqa: E402

SEEDERS.append(seed_ropa)
GROWERS.append(grow_ropa)
ROUTES += _ROPA_ROUTES

# The data-privacy audit (tests/privacy/routes_discovery.py), collected here.
from tests.privacy.routes_discovery import ROUTES as _DISCOVERY_ROUTES  # noqa: E402
from tests.privacy.routes_discovery import grow_data_audits, seed_data_audit  # noqa: E402

SEEDERS.append(seed_data_audit)
GROWERS.append(grow_data_audits)
ROUTES += _DISCOVERY_ROUTES
# The DPIAs (tests/privacy/routes_dpias.py), collected here.
from tests.privacy.routes_dpias import ROUTES as _DPIA_ROUTES  # noqa: E402
from tests.privacy.routes_dpias import grow_dpias, seed_dpias  # noqa: E402

SEEDERS.append(seed_dpias)
GROWERS.append(grow_dpias)
ROUTES += _DPIA_ROUTES

# The GDPR audit's suggestions (tests/privacy/routes_gdpr_audit.py), collected here.
from tests.privacy.routes_gdpr_audit import ROUTES as _GDPR_ROUTES  # noqa: E402
from tests.privacy.routes_gdpr_audit import seed_gdpr_audit  # noqa: E402

SEEDERS.append(seed_gdpr_audit)
ROUTES += _GDPR_ROUTES
