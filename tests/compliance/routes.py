"""The compliance app's routes for the generic suites (see tests/routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from accord.compliance import services, services_controls
from accord.compliance.models import Requirement
from accord.core.models import Organization
from accord.risks import services as risk_services
from tests.factories import Persona
from tests.routes import Route, Seed


def framework_document(key: str, name: str, *, groups: int = 2, per_group: int = 3,
                       version: str = "1") -> dict[str, Any]:
    """A framework in Accord's format: `groups` groups (the first with a sub-group) of `per_group`
    requirements, the first requirement of each group split into two sub-requirements."""
    tops = []
    for g in range(1, groups + 1):
        requirements = [{"id": f"G{g}.{r}", "title": f"{name} requirement {g}.{r}",
                         "description": f"{name} asks {g}.{r}", "evidence": ["A record"]}
                        for r in range(1, per_group + 1)]
        requirements[0] = {**requirements[0], "assessable": False, "requirements": [
            {"id": f"G{g}.1({s})", "title": f"{name} part {s} of {g}.1", "description": "Part"} for s in "ab"]}
        group: dict[str, Any] = {"id": f"G{g}", "title": f"{name} group {g}", "requirements": requirements}
        if g == 1:
            group["groups"] = [{"id": "G1.X", "title": f"{name} sub-group", "requirements": [
                {"id": "G1.X.1", "title": f"{name} nested requirement", "parameters": [
                    {"id": "p1", "label": "Frequency", "values": ["yearly"], "choices": ["yearly", "monthly"]}]}]}]
        tops.append(group)
    return {"accord_framework": 1, "key": key, "name": name, "version": version, "publisher": f"{name} publisher",
            "description": f"{name} canary description", "licence_note": "Written for the tests", "source": "",
            "groups": tops}


def seed_frameworks(org: Organization) -> Seed:
    """A framework of the organisation's own (key unique to it, texts naming it: B's carry the canary)."""
    framework = services.do_import_framework(None, org, framework_document(f"seed-{org.slug}", f"{org.name} controls"))
    return {"framework": framework}


def seed_controls(org: Organization) -> Seed:
    """A risk with an estimate and a requirement (of a framework of the organisation's own), and a control linked to
    both with a cost (texts naming the organisation: B's carry the canary); a second control with no link."""
    framework = services.do_import_framework(None, org, framework_document(f"ctl-{org.slug}", f"{org.name} library"))
    requirement = Requirement.objects.for_org(org).get(framework=framework, ref="G1.2")
    risk = risk_services.do_create_risk(None, org, {
        "title": f"{org.name} control risk", "category": "cyber_security", "likelihood": 3, "impact": 3,
        "frequency_low": "0.5", "frequency_high": "3", "loss_low": "5000", "loss_high": "200000"})
    control = services_controls.do_create_control(None, org, {
        "name": f"{org.name} canary control", "description": f"{org.name} canary description",
        "status": "implemented", "kind": "technical", "run_cost": 120_000, "build_cost": 300_000})
    risk_link = services_controls.do_link_control_risk(None, org, control, risk, frequency_reduction="0.4")
    requirement_link = services_controls.do_link_control_requirement(None, org, control, requirement)
    bare = services_controls.do_create_control(None, org, {"name": f"{org.name} planned control"})
    return {"control": control, "control_bare": bare, "control_risk": risk, "control_requirement": requirement,
            "control_framework": framework, "control_risk_link": risk_link,
            "control_requirement_link": requirement_link}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_frameworks, seed_controls]


def grow_frameworks(seed: Seed, n: int) -> None:
    """`n` more frameworks in the list, and a new version of the seeded one with about `2n/3` more requirements, which
    its pages then show (its key names the newest version; under one page of requirements, so that a page's
    count query, which only runs when more may follow, is not mistaken for a query per row)."""
    org = seed["org"]
    for k in range(n):
        services.do_import_framework(None, org, framework_document(f"grown-{k}", f"Grown {k}", groups=1))
    services.do_import_framework(None, org, framework_document(f"seed-{org.slug}", f"{org.name} controls",
                                                               per_group=3 + n // 3, version="2"))


def grow_controls(seed: Seed, n: int) -> None:
    """`n` more controls of every status and kind, each linked to the seeded risk (with an effect) and requirement,
    owned in turn by the admin and nobody."""
    org, owner = seed["org"], seed["persona"]
    statuses, kinds = ("planned", "in_progress", "implemented", "retired"), ("policy", "process", "technical",
                                                                              "physical")
    for k in range(n):
        control = services_controls.do_create_control(None, org, {
            "name": f"Grown control {k}", "status": statuses[k % 4], "kind": kinds[k % 4], "run_cost": 1000 * k,
            "build_days": "1.5", "owner": owner.user.email if owner is not None and k % 2 else None})
        services_controls.do_link_control_risk(None, org, control, seed["control_risk"],
                                               frequency_reduction=f"{k % 10}%", loss_reduction="0.1")
        services_controls.do_link_control_requirement(None, org, control, seed["control_requirement"])


GROWERS = [grow_frameworks, grow_controls]


def _framework(seed: Seed, persona: Persona) -> dict[str, Any]:
    # The key alone names the newest version: the grown one where the query-count suite grew the lists.
    return {"key": seed["framework"].key}


def _oscal_catalog(seed: Seed, persona: Persona) -> dict[str, Any]:
    from tests.compliance.test_oscal import authored_catalog

    return authored_catalog()


def _sheet(seed: Seed, persona: Persona) -> dict[str, Any]:
    content = (b"framework_key,framework_name,framework_version,group,group_title,ref,title\r\n"
               b"probe-sheet,Probe,1,P,Probe group,P.1,Probe requirement\r\n")
    return {"file": SimpleUploadedFile("framework.csv", content, content_type="text/csv")}


def _control(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"control_id": seed["control"].pk}


def _link(key: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    kind = "risk" if key == "control_risk_link" else "requirement"
    return lambda seed, persona: {"control_id": seed["control"].pk, "link_id": f"{kind}-{seed[key].pk}"}


def _web_link(key: str) -> Callable[[Seed, Persona], dict[str, Any]]:
    return lambda seed, persona: {"control_id": seed["control"].pk, "link_id": seed[key].pk}


_CONTROL_FORM = {"name": "Probe control", "kind": "technical", "status": "planned", "run_cost": "1500.50",
                 "build_days": "2"}

API = "/api/v1/orgs/{org}"

ROUTES: list[Route] = [
    # --- web ---
    Route("compliance:frameworks", "GET", "framework.view", lists_data=True),
    Route("compliance:framework", "GET", "framework.view", kwargs=_framework, lists_data=True),
    # --- API ---
    Route("GET /api/v1/orgs/{org}/frameworks/", "GET", "framework.view", lists_data=True),
    Route("POST /api/v1/orgs/{org}/frameworks/", "POST", "framework.import",
          body=lambda s, p: {"builtin": "iso27001-2022"}),
    Route("POST /api/v1/orgs/{org}/oscal/import", "POST", "framework.import", body=_oscal_catalog),
    Route("POST /api/v1/orgs/{org}/frameworks/import", "POST", "framework.import", body=_sheet),
    Route("GET /api/v1/orgs/{org}/frameworks/{key}/", "GET", "framework.view", kwargs=_framework, lists_data=True),
    Route("GET /api/v1/orgs/{org}/frameworks/{key}/requirements/", "GET", "framework.view", kwargs=_framework,
          lists_data=True),
    # --- controls: API ---
    Route(f"GET {API}/controls/", "GET", "control.view", lists_data=True),
    Route(f"POST {API}/controls/", "POST", "control.change", body=lambda s, p: {"name": "Probe control",
                                                                               "run_cost": 1000}),
    Route(f"GET {API}/controls/cost-effectiveness/", "GET", "control.view", lists_data=True),
    Route(f"GET {API}/oscal/component-definition", "GET", "control.view", lists_data=True),
    Route(f"GET {API}/controls/{{control_id}}/", "GET", "control.view", kwargs=_control, lists_data=True),
    Route(f"PATCH {API}/controls/{{control_id}}/", "PATCH", "control.change", kwargs=_control,
          body=lambda s, p: {"name": "Renamed control", "status": "retired"}),
    Route(f"GET {API}/controls/{{control_id}}/links/", "GET", "control.view", kwargs=_control, lists_data=True),
    Route(f"POST {API}/controls/{{control_id}}/links/", "POST", "control.change", kwargs=_control,
          body=lambda s, p: {"risk": s["control_risk"].ref, "frequency_reduction": "55%"}),
    Route(f"DELETE {API}/controls/{{control_id}}/links/{{link_id}}", "DELETE", "control.change",
          kwargs=_link("control_risk_link")),
    # --- controls: web ---
    Route("compliance:controls", "GET", "control.view", lists_data=True),
    Route("compliance:controls_export", "GET", "control.view", lists_data=True),
    Route("compliance:cost_effectiveness", "GET", "control.view", lists_data=True),
    Route("compliance:control_create", "GET", "control.change"),
    Route("compliance:control_create", "POST", "control.change", body=lambda s, p: _CONTROL_FORM),
    Route("compliance:control", "GET", "control.view", kwargs=_control, lists_data=True),
    Route("compliance:control_edit", "GET", "control.change", kwargs=_control),
    Route("compliance:control_edit", "POST", "control.change", kwargs=_control,
          body=lambda s, p: {**_CONTROL_FORM, "name": "Renamed control", "status": "retired"}),
    Route("compliance:control_risk_link", "POST", "control.change", kwargs=_control,
          body=lambda s, p: {"risk": s["control_risk"].pk, "frequency_reduction": "55%", "loss_reduction": ""}),
    Route("compliance:control_risk_unlink", "POST", "control.change", kwargs=_web_link("control_risk_link")),
    Route("compliance:control_requirement_link", "POST", "control.change", kwargs=_control,
          body=lambda s, p: {"framework": s["control_framework"].ref, "requirement": "G2.3"}),
    Route("compliance:control_requirement_unlink", "POST", "control.change",
          kwargs=_web_link("control_requirement_link")),
]

# The mapping sets' routes, seeders and growers (after the frameworks': they map the seeded framework).
from tests.compliance import routes_mappings  # noqa: E402

SEEDERS += routes_mappings.SEEDERS
GROWERS += routes_mappings.GROWERS
ROUTES += routes_mappings.ROUTES

# The audits' routes, seeders and growers (after the frameworks': they audit the seeded framework).
from tests.compliance import routes_assessments  # noqa: E402

SEEDERS += routes_assessments.SEEDERS
GROWERS += routes_assessments.GROWERS
ROUTES += routes_assessments.ROUTES


def _own_assessment_results(seed: Seed, persona: Persona) -> dict[str, Any]:
    """The seeded audit as Accord exports it: the body that reads it back as a new audit."""
    import datetime as dt

    from accord.compliance.oscal.export import assessment_results
    from accord.compliance.selectors_oscal import audit_document

    return assessment_results(seed["org"].slug, audit_document(seed["org"], seed["assessment"]),
                              now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))


# OSCAL for audits (accord/compliance/api_oscal.py).
ROUTES += [
    Route(f"GET {API}/assessments/{{assessment_id}}/oscal/assessment-results", "GET", "assessment.view",
          kwargs=lambda s, p: {"assessment_id": s["assessment"].pk}, lists_data=True),
    Route(f"GET {API}/oscal/poam", "GET", "assessment.view", lists_data=True),
    Route(f"POST {API}/oscal/assessment-results", "POST", "assessment.manage", body=_own_assessment_results),
]
# The offers' routes (after the audits' and the mapping sets': audits offered results through the seeded set).
from tests.compliance import routes_offers  # noqa: E402

SEEDERS += routes_offers.SEEDERS
GROWERS += routes_offers.GROWERS
ROUTES += routes_offers.ROUTES

# The compliance posture (accord/compliance/selectors_posture.py).
ROUTES += [
    Route(f"GET {API}/posture/", "GET", "assessment.view", lists_data=True),
    Route("compliance:posture", "GET", "assessment.view", lists_data=True),
]

# The Statement of Applicability (accord/compliance/selectors_soa.py).
from tests.compliance import routes_soa  # noqa: E402

SEEDERS += routes_soa.SEEDERS
GROWERS += routes_soa.GROWERS
ROUTES += routes_soa.ROUTES
