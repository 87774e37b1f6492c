"""The systems inventory's routes for the generic suites (added to tests/portfolio/routes.py)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.compliance import services_assessments
from accord.compliance.models_assessments import AssessmentResult
from accord.core.clock import org_today
from accord.core.models import Organization
from accord.portfolio import services as portfolio_services
from accord.portfolio import services_systems
from accord.risks import services as risk_services
from tests.factories import Persona, make_member
from tests.routes import Route, Seed

API = "/api/v1/orgs/{org}"


def seed_systems(org: Organization) -> Seed:
    """In `org`: a database, an ERP that needs it (support ending soon), a portal that needs the ERP, a risk
    affecting the ERP, and a risk whose affected asset names the database (typed after the system existed, so
    it waits for review); texts carry the organisation's name (B's canary)."""
    cio = make_member(org, "cio", full_name=f"{org.name} systems CIO")
    soon = (org_today(org) + dt.timedelta(days=90)).isoformat()
    database = services_systems.do_create_system(cio.user, org, {
        "name": f"{org.name} database", "kind": "data_store", "description": f"{org.name} canary system",
        "it_owner": cio.user.email, "criticality": "critical"})
    erp = services_systems.do_create_system(cio.user, org, {
        "name": f"{org.name} ERP", "dependencies": [database.name], "end_of_support_on": soon,
        "business_owner": cio.user.email, "licence_cost": 100_000})
    portal = services_systems.do_create_system(cio.user, org, {"name": f"{org.name} portal",
                                                               "dependencies": [erp.name]})
    risk = risk_services.do_create_risk(cio.user, org, {"title": f"{org.name} ERP outage", "category": "cyber_security",
                                                        "likelihood": 3, "impact": 4})
    services_systems.do_link_risk(cio.user, org, erp, risk)
    loose = risk_services.do_create_risk(cio.user, org, {"title": f"{org.name} data leak", "category": "cyber_security",
                                                         "likelihood": 2, "impact": 4})
    risk_services.do_update_risk(cio.user, org, loose, {"affected_assets": [database.name.upper(),
                                                                            f"{org.name} canary asset"]})
    return {"system_database": database, "system_erp": erp, "system_portal": portal, "system_risk": risk,
            "systems_cio": cio}


def grow_systems(seed: Seed, n: int) -> None:
    """`n` more systems of every kind, each depending on the seeded database and the previous one, with an owner,
    risk links (one relying on a failing control), personal data categories, edits (history), affected by two
    seeded initiatives."""
    org, cio = seed["org"], seed["systems_cio"]
    kinds = ["application", "infrastructure", "saas", "data_store", "network", "endpoint_group"]
    previous = seed["system_database"].name
    grown: list[int] = []
    # The compliance seed's implemented control fails: its requirement stands non-compliant in an audit in
    # progress; every grown system relies on it through the control's risk (the TIME input's third reason).
    audit = services_assessments.do_create_assessment(None, org, {
        "title": "Systems' audit", "framework": f"ctl-{org.slug}", "status": "in_progress"})
    services_assessments.do_record_result(None, org, AssessmentResult.objects.for_org(org).get(
        assessment=audit, requirement=seed["control_requirement"]), {"result": "non_compliant"})
    for k in range(n):
        kind = kinds[k % 6]
        system = services_systems.do_create_system(cio.user, org, {
            "name": f"Grown system {k}", "kind": kind, "it_owner": cio.user.email, "business_owner": cio.user.email,
            "hosting": "saas" if kind == "saas" else "on_premises", "saas_vendor": "Vendor" if kind == "saas" else "",
            "personal_data": bool(k % 2), "personal_data_categories": ["customers"] if k % 2 else [],
            "end_of_support_on": (org_today(org) + dt.timedelta(days=30 * k)).isoformat(),
            "dependencies": [seed["system_database"].name, previous]})
        services_systems.do_link_risk(cio.user, org, system, seed["system_risk"])
        services_systems.do_link_risk(cio.user, org, system, seed["control_risk"])
        grown.append(system.pk)
        # The seeded initiatives affect every grown system: their pages, the list and the API list them.
        for key in ("initiative_idea", "initiative_reviewed"):
            portfolio_services.do_update_initiative(cio.user, org, seed[key], {"systems": grown})
        services_systems.do_update_system(cio.user, org, seed["system_erp"], {"description": f"Take {k}"})
        previous = system.name


def _system(key: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {"system_id": seed[key].pk}


def _risk_link(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"system_id": seed["system_erp"].pk, "risk_id": seed["system_risk"].pk}


def _import_file(seed: Seed, persona: Persona) -> dict[str, Any]:
    content = b"name,kind,criticality\r\nProbe system,application,high\r\n"
    return {"file": SimpleUploadedFile("systems.csv", content, content_type="text/csv")}


def _sbom_file(seed: Seed, persona: Persona) -> dict[str, Any]:
    sbom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
            "components": [{"type": "library", "name": "probe-lib", "version": "1.0"}]}
    return {"file": SimpleUploadedFile("sbom.json", json.dumps(sbom).encode(), content_type="application/json")}


def _time(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"time_class": "migrate", "reason": "Probe"}


_FORM = {"name": "Probe system", "kind": "application", "criticality": "medium", "data_classification": "internal",
         "hosting": "on_premises"}

ROUTES: list[Route] = [
    # --- API ---
    Route(f"GET {API}/systems/", "GET", "system.view", lists_data=True),
    Route(f"POST {API}/systems/", "POST", "system.change", body=lambda s, p: {"name": "Probe system"}),
    Route(f"GET {API}/systems/export", "GET", "system.export", lists_data=True),
    Route(f"POST {API}/systems/import", "POST", "system.import", body=_import_file),
    Route(f"GET {API}/systems/unmatched-assets", "GET", "system.view", lists_data=True),
    Route(f"POST {API}/systems/unmatched-assets/link", "POST", "system.change"),
    Route(f"GET {API}/systems/{{system_id}}/", "GET", "system.view", kwargs=_system("system_database"),
          lists_data=True),
    Route(f"PATCH {API}/systems/{{system_id}}/", "PATCH", "system.change", kwargs=_system("system_erp"),
          body=lambda s, p: {"criticality": "high"}),
    Route(f"DELETE {API}/systems/{{system_id}}/", "DELETE", "system.change", kwargs=_system("system_portal")),
    Route(f"POST {API}/systems/{{system_id}}/time", "POST", "system.decide_time", kwargs=_system("system_erp"),
          body=_time),
    Route(f"POST {API}/systems/{{system_id}}/risks/", "POST", "system.change", kwargs=_system("system_portal"),
          body=lambda s, p: {"risk": s["system_risk"].ref}),
    Route(f"DELETE {API}/systems/{{system_id}}/risks/{{risk_id}}", "DELETE", "system.change", kwargs=_risk_link),
    Route(f"GET {API}/systems/{{system_id}}/sbom", "GET", "system.view", kwargs=_system("system_erp"),
          lists_data=True),
    Route(f"POST {API}/systems/{{system_id}}/sbom", "POST", "system.change", kwargs=_system("system_erp"),
          body=_sbom_file),
    # --- web ---
    Route("systems:list", "GET", "system.view", lists_data=True),
    Route("systems:create", "GET", "system.change"),
    Route("systems:create", "POST", "system.change", body=lambda s, p: _FORM),
    Route("systems:export", "GET", "system.export", lists_data=True),
    Route("systems:import", "GET", "system.import"),
    Route("systems:import", "POST", "system.import", body=_import_file),
    Route("systems:assets", "GET", "system.view", lists_data=True),
    Route("systems:assets_link", "POST", "system.change"),
    Route("systems:detail", "GET", "system.view", kwargs=_system("system_erp"), lists_data=True),
    Route("systems:edit", "GET", "system.change", kwargs=_system("system_erp")),
    Route("systems:edit", "POST", "system.change", kwargs=_system("system_erp"),
          body=lambda s, p: {**_FORM, "name": s["system_erp"].name, "criticality": "high"}),
    Route("systems:delete", "POST", "system.change", kwargs=_system("system_portal")),
    Route("systems:time", "POST", "system.decide_time", kwargs=_system("system_erp"), body=_time),
    Route("systems:risk_link", "POST", "system.change", kwargs=_system("system_portal"),
          body=lambda s, p: {"risk": s["system_risk"].ref}),
    Route("systems:risk_unlink", "POST", "system.change", kwargs=_risk_link),
    Route("systems:sbom", "POST", "system.change", kwargs=_system("system_erp"), body=_sbom_file),
]
