"""The record of processing's routes for the generic suites (added to tests/privacy/routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.core.models import Organization
from accord.portfolio import services_systems
from accord.privacy import services_processors, services_ropa
from tests.factories import Persona
from tests.routes import Route, Seed

API = "/api/v1/orgs/{org}/privacy"


def seed_ropa(org: Organization) -> Seed:
    """In `org`: a system, a processor serving it, a complete activity carried by both with a transfer to the US,
    a screened one with gaps; texts carry the organisation's name (B's canary)."""
    system = services_systems.do_create_system(None, org, {"name": f"{org.name} patient records system"})
    processor = services_processors.do_create_processor(None, org, {
        "name": f"{org.name} hosting", "contact": "privacy@host.test", "country": "US", "clause_a": True,
        "systems": [system.ref], "sub_processors": [{"name": f"{org.name} backup site", "approval": "pending"}]})
    activity = services_ropa.do_create_activity(None, org, {
        "name": f"{org.name} patient records", "controller_name": org.name, "controller_contact": "dpo@org.test",
        "purposes": [{"name": "Care", "legal_basis": "c"}], "data_subjects": ["Patients"],
        "data_categories": [{"name": "Diagnoses", "special": True, "art9_condition": "h"}],
        "recipients": [{"name": "Hosting", "country": "US"}], "retention": "20 years",
        "security_measures": "Encryption", "systems": [system.ref], "processors": [processor.ref]})
    screened = services_ropa.do_create_activity(None, org, {"name": f"{org.name} CCTV"})
    services_ropa.do_screen_activity(None, org, screened, criteria=["systematic_monitoring", "large_scale"])
    transfer = services_processors.do_create_transfer(None, org, {
        "activity": activity.pk, "processor": processor.pk, "destination": "US", "mechanism": "scc",
        "scc_module": 2, "recipient": f"{org.name} hosting"})
    return {"ropa_activity": activity, "ropa_screened": screened, "ropa_processor": processor,
            "ropa_transfer": transfer, "ropa_system": system}


def grow_ropa(seed: Seed, n: int) -> None:
    """`n` more activities (with systems, processors, transfers and a screening each), processors and transfers."""
    org = seed["org"]
    for k in range(n):
        processor = services_processors.do_create_processor(None, org, {
            "name": f"Grown processor {k}", "systems": [seed["ropa_system"].ref]})
        activity = services_ropa.do_create_activity(None, org, {
            "name": f"Grown activity {k}", "purposes": [{"name": "Care", "legal_basis": "f"}],
            "data_categories": [{"name": "Health", "special": True}], "recipients": [{"name": "R", "country": "JP"}],
            "systems": [seed["ropa_system"].ref], "processors": [processor.ref, seed["ropa_processor"].ref]})
        services_ropa.do_screen_activity(None, org, activity, criteria=["large_scale"])
        services_processors.do_create_transfer(None, org, {"activity": activity.pk, "processor": processor.pk,
                                                           "destination": "JP", "mechanism": "adequacy"})


def _id(key: str, name: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {name: seed[key].pk}


_ACTIVITY = _id("ropa_activity", "activity_id")
_SCREENED = _id("ropa_screened", "activity_id")
_PROCESSOR = _id("ropa_processor", "processor_id")
_TRANSFER = _id("ropa_transfer", "transfer_id")


def _screening(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"criteria": ["large_scale", "sensitive_data"], "cases": []}


ROUTES: list[Route] = [
    # --- API ---
    Route(f"GET {API}/activities/", "GET", "privacy.ropa.view", lists_data=True),
    Route(f"POST {API}/activities/", "POST", "privacy.ropa.change", body=lambda s, p: {"name": "Probe activity"}),
    Route(f"GET {API}/activities/{{activity_id}}/", "GET", "privacy.ropa.view", kwargs=_ACTIVITY, lists_data=True),
    Route(f"PATCH {API}/activities/{{activity_id}}/", "PATCH", "privacy.ropa.change", kwargs=_ACTIVITY,
          body=lambda s, p: {"retention": "Probe retention"}),
    Route(f"GET {API}/activities/{{activity_id}}/screening", "GET", "privacy.ropa.view", kwargs=_SCREENED),
    Route(f"PUT {API}/activities/{{activity_id}}/screening", "PUT", "privacy.ropa.screen", kwargs=_ACTIVITY,
          body=_screening),
    Route(f"POST {API}/activities/{{activity_id}}/screening", "POST", "privacy.ropa.screen", kwargs=_ACTIVITY,
          body=_screening),
    Route(f"GET {API}/processors/", "GET", "privacy.ropa.view", lists_data=True),
    Route(f"POST {API}/processors/", "POST", "privacy.ropa.change", body=lambda s, p: {"name": "Probe processor"}),
    Route(f"GET {API}/processors/{{processor_id}}/", "GET", "privacy.ropa.view", kwargs=_PROCESSOR, lists_data=True),
    Route(f"PATCH {API}/processors/{{processor_id}}/", "PATCH", "privacy.ropa.change", kwargs=_PROCESSOR,
          body=lambda s, p: {"clause_b": True}),
    Route(f"GET {API}/transfers/", "GET", "privacy.ropa.view", lists_data=True),
    Route(f"POST {API}/transfers/", "POST", "privacy.ropa.change",
          body=lambda s, p: {"activity": s["ropa_activity"].pk, "destination": "CH", "mechanism": "adequacy"}),
    Route(f"GET {API}/transfers/{{transfer_id}}/", "GET", "privacy.ropa.view", kwargs=_TRANSFER, lists_data=True),
    Route(f"PATCH {API}/transfers/{{transfer_id}}/", "PATCH", "privacy.ropa.change", kwargs=_TRANSFER,
          body=lambda s, p: {"tia_done_on": "2026-01-10", "tia_conclusion": "Probe"}),
    # An XLSX file (binary): the isolation suite's canary check reads text; tests/privacy/test_ropa_api.py reads it.
    Route(f"GET {API}/ropa/export", "GET", "privacy.ropa.export"),
    # --- web ---
    Route("ropa:register", "GET", "privacy.ropa.view", lists_data=True),
    Route("ropa:export", "GET", "privacy.ropa.export"),
    Route("ropa:activity", "GET", "privacy.ropa.view", kwargs=_ACTIVITY, lists_data=True),
    Route("ropa:screen", "POST", "privacy.ropa.screen", kwargs=_ACTIVITY,
          body=lambda s, p: {"criteria": ["large_scale", "sensitive_data"]}),
    Route("ropa:activity_create", "GET", "privacy.ropa.change"),
    Route("ropa:activity_create", "POST", "privacy.ropa.change",
          body=lambda s, p: {"name": "Probe activity", "record_kind": "controller",
                             "purposes": "Probe care | c", "data_categories": "Probe health | yes | h"}),
    Route("ropa:activity_edit", "GET", "privacy.ropa.change", kwargs=_ACTIVITY),
    Route("ropa:activity_edit", "POST", "privacy.ropa.change", kwargs=_ACTIVITY,
          body=lambda s, p: {"name": "Probe activity", "record_kind": "controller", "retention": "Probe"}),
    Route("ropa:processors", "GET", "privacy.ropa.view", lists_data=True),
    Route("ropa:processor_create", "GET", "privacy.ropa.change"),
    Route("ropa:processor_create", "POST", "privacy.ropa.change",
          body=lambda s, p: {"name": "Probe processor", "authorisation": "specific", "clause_a": "on"}),
    Route("ropa:processor_edit", "GET", "privacy.ropa.change", kwargs=_PROCESSOR),
    Route("ropa:processor_edit", "POST", "privacy.ropa.change", kwargs=_PROCESSOR,
          body=lambda s, p: {"name": "Probe processor", "authorisation": "general", "clause_b": "on"}),
    Route("ropa:transfers", "GET", "privacy.ropa.view", lists_data=True),
    Route("ropa:transfer_create", "GET", "privacy.ropa.change"),
    Route("ropa:transfer_create", "POST", "privacy.ropa.change",
          body=lambda s, p: {"activity": s["ropa_activity"].pk, "destination": "CH", "mechanism": "adequacy"}),
    Route("ropa:transfer_edit", "GET", "privacy.ropa.change", kwargs=_TRANSFER),
    Route("ropa:transfer_edit", "POST", "privacy.ropa.change", kwargs=_TRANSFER,
          body=lambda s, p: {"activity": s["ropa_activity"].pk, "destination": "US", "mechanism": "scc",
                             "scc_module": "2", "tia_conclusion": "Probe"}),
]
