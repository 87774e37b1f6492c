"""The offers' routes for the generic suites (added to tests/compliance/routes.py after the audits' and the
mapping sets'): an audit of the mapped framework still to assess, offered a result by an audit of the seeded
framework through the seeded mapping set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.compliance import services_assessments, services_mappings
from accord.compliance.models_assessments import AssessmentResult
from accord.core.choices import Role
from accord.core.models import Membership, Organization
from tests.compliance.routes_mappings import mapping_document
from tests.factories import Persona
from tests.routes import Route, Seed

API = "/api/v1/orgs/{org}"


def _audit(org: Organization, title: str, framework: str) -> Any:
    auditors = Membership.objects.for_org(org).filter(role=Role.AUDITOR).select_related("user")
    return services_assessments.do_create_assessment(None, org, {
        "title": title, "framework": framework, "status": "in_progress", "auditors": [m.user.email for m in auditors]})


def _result(org: Organization, assessment: Any, ref: str) -> AssessmentResult:
    return AssessmentResult.objects.for_org(org).get(assessment=assessment, requirement__ref=ref)


def seed_offers(org: Organization) -> Seed:
    """G1.2 recorded compliant in an audit of the seeded framework offers compliant on G1.2 of an audit of the
    mapped framework (the seeded set says they are equivalent); B's titles carry the canary."""
    source_audit = _audit(org, f"{org.name} source audit", f"seed-{org.slug}@1")
    source = services_assessments.do_record_result(None, org, _result(org, source_audit, "G1.2"), {
        "result": "compliant", "notes": f"{org.name} canary source"})
    target_audit = _audit(org, f"{org.name} offered audit", f"mapped-{org.slug}@1")
    return {"offer_audit": target_audit, "offer_target": _result(org, target_audit, "G1.2"), "offer_source": source}


SEEDERS: list[Callable[[Organization], Seed]] = [seed_offers]


def grow_offers(seed: Seed, n: int) -> None:
    """About `n` more offers on the offered audit: a set relating each requirement of the seeded framework to
    each of the mapped one's (up to `n` pairs), every source requirement recorded."""
    org = seed["org"]
    source_audit = seed["offer_source"].assessment
    sources = list(AssessmentResult.objects.for_org(org).filter(assessment=source_audit, result="not_assessed")
                   .select_related("requirement").order_by("requirement__position"))
    targets = list(AssessmentResult.objects.for_org(org).filter(assessment=seed["offer_audit"])
                   .select_related("requirement").order_by("requirement__position"))
    pairs = [(s.requirement.ref, t.requirement.ref, "intersects", 0.3) for s in sources for t in targets][:n]
    services_mappings.do_import_mapping_set(None, org, mapping_document(
        org, "offers-grown", f"seed-{org.slug}@1", f"mapped-{org.slug}@1", pairs))
    for result in sources:
        services_assessments.do_record_result(None, org, result, {"result": "partial"})


GROWERS = [grow_offers]


def _offer_audit(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"assessment_id": seed["offer_audit"].pk}


def _accept(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"result": seed["offer_target"].pk, "source": seed["offer_source"].pk}


ROUTES: list[Route] = [
    # --- web ---
    Route("audits:offers", "GET", "assessment.view", kwargs=_offer_audit, lists_data=True),
    Route("audits:offer_accept", "POST", "assessment.record", kwargs=_offer_audit, body=_accept),
    # --- API ---
    Route(f"GET {API}/assessments/{{assessment_id}}/offers/", "GET", "assessment.view", kwargs=_offer_audit,
          lists_data=True),
    Route(f"POST {API}/assessments/{{assessment_id}}/offers/accept", "POST", "assessment.record",
          kwargs=_offer_audit, body=_accept),
]
