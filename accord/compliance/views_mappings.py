"""The mapping sets' pages: the organisation's sets, one set with its pairs, and a requirement's page in the
framework browser: what it asks, and the requirements of other frameworks the organisation's mapping sets
relate to it (both directions, each relationship read from this requirement)."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from accord.compliance import selectors, selectors_mappings
from accord.core.permissions import allows
from accord.core.web import OrgRequest, org_view, render_page


@org_view("framework.view")
@require_GET
def requirement_detail(request: OrgRequest, key: str, ref: str) -> HttpResponse:
    org = request.org
    framework = selectors.access_framework(org, key)
    requirement = selectors_mappings.access_requirement(org, framework, ref)
    mapped = (selectors_mappings.requirement_mappings(org, requirement)
              if allows(request.membership.role, "mapping.view") else None)
    return render_page(request, "compliance/requirement.html", "compliance/_requirement_mappings.html",
                       {"framework": framework, "requirement": requirement, "mapped": mapped})


@org_view("mapping.view")
@require_GET
def mapping_set_list(request: OrgRequest) -> HttpResponse:
    return render_page(request, "compliance/mapping_sets.html", "compliance/_mapping_sets.html",
                       {"mapping_sets": list(selectors_mappings.mapping_sets(request.org))})


@org_view("mapping.view")
@require_GET
def mapping_set_detail(request: OrgRequest, key: str) -> HttpResponse:
    found = selectors_mappings.access_mapping_set(request.org, key)
    return render_page(request, "compliance/mapping_set.html", "compliance/_mapping_pairs.html",
                       {"mapping_set": found, "pairs": list(selectors_mappings.pairs(request.org, found))})
