"""OSCAL out over the API: `oscal/component-definition` (the controls library). The documents are built by
the pure `accord.compliance.oscal.export` from the selectors' data; every export validates against the
OSCAL models in the tests."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router

from accord.compliance.oscal.export import component_definition
from accord.compliance.selectors_oscal import library_controls
from accord.core.apikit import ERRORS, org_access

router = Router(tags=["oscal"])


@router.get("/{org}/oscal/component-definition", response={200: dict[str, Any], **ERRORS},
            summary="The controls library as an OSCAL component-definition",
            operation_id="accord_compliance_api_oscal_component_definition")
def oscal_component_definition(request: HttpRequest, org: str) -> dict[str, Any]:
    """Every control that is not retired as an OSCAL 1.1.2 component (its kind as the component type, its
    status as `implementation-status`), implementing the requirements it is linked to, one control
    implementation per framework. Requirements imported from OSCAL keep their catalog ids."""
    m = org_access(request, org, "control.view")
    organization = m.organization
    return component_definition(organization.slug, f"Controls library of {organization.name}",
                                library_controls(organization), now=timezone.now())
