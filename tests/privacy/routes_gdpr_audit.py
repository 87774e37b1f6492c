"""The GDPR audit's suggestion routes for the generic suites (added to tests/privacy/routes.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.compliance import services as compliance_services
from accord.compliance import services_assessments
from accord.compliance.models import Framework
from accord.core.choices import Role
from accord.core.models import Membership, Organization
from accord.privacy import services_ropa
from tests.factories import Persona
from tests.routes import Route, Seed

API = "/api/v1/orgs/{org}/privacy/gdpr-audits/{assessment_id}/suggestions"


def seed_gdpr_audit(org: Organization) -> Seed:
    """In `org`: the built-in GDPR framework, an audit of it in progress naming every auditor-role member, and an
    activity screened as requiring a DPIA it lacks (so Art.35(1) is suggested non-compliant)."""
    if not Framework.objects.for_org(org).filter(key="gdpr").exists():  # another seeder may have installed it
        compliance_services.do_install_builtin_framework(None, org, "gdpr")
    auditors = Membership.objects.for_org(org).filter(role=Role.AUDITOR).select_related("user")
    assessment = services_assessments.do_create_assessment(None, org, {
        "title": f"{org.name} GDPR audit", "framework": "gdpr", "status": "in_progress",
        "scope": f"{org.name} canary GDPR scope", "auditors": [m.user.email for m in auditors]})
    activity = services_ropa.do_create_activity(None, org, {"name": f"{org.name} canary genetic testing"})
    services_ropa.do_screen_activity(None, org, activity, criteria=["sensitive_data", "large_scale"])
    return {"gdpr_assessment": assessment}


def _audit(seed: Seed, persona: Persona) -> dict[str, Any]:
    return {"assessment_id": seed["gdpr_assessment"].pk}


_AUDIT: Callable[[Seed, Persona], dict[str, Any]] = _audit

ROUTES: list[Route] = [
    Route(f"GET {API}", "GET", "assessment.view", kwargs=_AUDIT),
    Route(f"POST {API}/accept", "POST", "assessment.record", kwargs=_AUDIT,
          body=lambda s, p: {"requirement": "Art.35(1)"}),
    Route("gdpr_audit:suggestions", "GET", "assessment.view", kwargs=_AUDIT),
    Route("gdpr_audit:accept", "POST", "assessment.record", kwargs=_AUDIT,
          body=lambda s, p: {"requirement": "Art.35(1)"}),
]
