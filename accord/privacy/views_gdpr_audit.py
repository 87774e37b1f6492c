"""The GDPR audit's suggestions page: for one audit of the built-in GDPR framework, what the privacy registers
suggest for each requirement with its evidence and the audit's result as it stands, and the post by which the
auditor accepts one (the suggested result or their own). Thin: one selector, one service."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accord.compliance import selectors_assessments
from accord.compliance.choices import ResultValue
from accord.core.web import OrgRequest, go, org_view
from accord.privacy import selectors_gdpr_audit, services_gdpr_audit


@org_view("assessment.view")
@require_GET
def gdpr_suggestions(request: OrgRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors_assessments.access_assessment(request.org, assessment_id)
    try:
        rows = selectors_gdpr_audit.suggestions(request.org, assessment)
        refusal = ""
    except ValidationError as exc:
        rows, refusal = [], " ".join(exc.messages)
    return render(request, "privacy/gdpr_audit/suggestions.html", {
        "assessment": assessment, "rows": rows, "refusal": refusal, "results": ResultValue.choices})


@org_view("assessment.record")
@require_POST
def gdpr_accept(request: OrgRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors_assessments.access_assessment(request.org, assessment_id)
    requirement = request.POST.get("requirement", "")
    try:
        services_gdpr_audit.do_accept_gdpr_suggestion(
            request.user, request.org, assessment, requirement, result=request.POST.get("result", ""),
            finding=request.POST.get("finding") == "on" if "finding_given" in request.POST else None)
    except (ValidationError, PermissionDenied) as exc:
        for message in getattr(exc, "messages", [str(exc)]):
            messages.error(request, message)
    else:
        messages.success(request, _("%(requirement)s recorded in %(ref)s.")
                         % {"requirement": requirement, "ref": assessment.ref})
    return go(request, reverse("gdpr_audit:suggestions", kwargs={"org": request.org.slug,
                                                                  "assessment_id": assessment.pk}))
