"""REST API of the GDPR audit's suggestions from the privacy registers (mounted under /api/v1/orgs/ by
accord/api.py): read them for an audit of the built-in GDPR framework, and accept one into the audit's results
(and findings). The rules are `rules_gdpr_audit`'s; the writes are the compliance app's services."""

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accord.compliance import selectors_assessments
from accord.compliance.choices import ResultValue
from accord.core.apikit import ERRORS, BodyIn, Id, org_access
from accord.privacy import selectors_gdpr_audit, services_gdpr_audit

router = Router(tags=["privacy: GDPR audit"])
API = "/{org}/privacy/gdpr-audits/{assessment_id}/suggestions"


class SuggestionOut(Schema):
    requirement: str = Field(description="The requirement of the built-in GDPR framework (Art.30(1), …)")
    result: ResultValue = Field(description="The result the registers suggest")
    reason: str = Field(description="Why (a key: record_incomplete, dpia_missing, …)")
    reason_text: str
    evidence: list[str] = Field(description="The references (with what they lack) the suggestion rests on")
    proposes_finding: bool
    recorded: str = Field(description="The audit's result for the requirement as it stands")


def _rows(org: Any, assessment_id: int) -> list[dict[str, Any]]:
    assessment = selectors_assessments.access_assessment(org, assessment_id)
    return [{"requirement": r.suggestion.requirement, "result": r.suggestion.result, "reason": r.suggestion.reason,
             "reason_text": r.reason_text, "evidence": list(r.suggestion.evidence),
             "proposes_finding": r.suggestion.proposes_finding, "recorded": r.recorded}
            for r in selectors_gdpr_audit.suggestions(org, assessment)]


class SuggestionAcceptIn(BodyIn):
    requirement: str = Field(max_length=100, description="The suggestion's requirement (Art.35(1))")
    result: ResultValue | None = Field(None, description="The auditor's result instead of the suggested one")
    finding: bool | None = Field(None, description="Open a finding (default: when not compliant)")


@router.get(API, response={200: list[SuggestionOut], **ERRORS}, summary="The GDPR audit's suggestions",
            operation_id="accord_privacy_api_list_gdpr_suggestions")
def list_gdpr_suggestions(request: HttpRequest, org: str, assessment_id: Id) -> list[dict[str, Any]]:
    """What the privacy registers suggest for six requirements, with the evidence (docs/privacy.md)."""
    m = org_access(request, org, "assessment.view")
    return _rows(m.organization, assessment_id)


@router.post(f"{API}/accept", response={200: list[SuggestionOut], **ERRORS},
             summary="Accept a suggestion into the audit", operation_id="accord_privacy_api_accept_gdpr_suggestion")
def accept_gdpr_suggestion(request: HttpRequest, org: str, assessment_id: Id,
                           payload: SuggestionAcceptIn) -> list[dict[str, Any]]:
    """Record the suggested (or the auditor's) result with its evidence, and a finding when not compliant."""
    m = org_access(request, org, "assessment.record")
    assessment = selectors_assessments.access_assessment(m.organization, assessment_id)
    services_gdpr_audit.do_accept_gdpr_suggestion(m.user, m.organization, assessment, payload.requirement,
                                                  result=payload.result or "", finding=payload.finding)
    return _rows(m.organization, assessment_id)
