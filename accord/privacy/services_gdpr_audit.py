"""Accepting a GDPR audit's suggestion from the privacy registers: the auditor confirms the suggested result (or
gives their own) and it is recorded through the compliance app's services (the audit's result with the
evidence in its notes, and, when not compliant, a finding on the requirement), each write with its audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accord.compliance import services_assessments
from accord.compliance.choices import ResultValue
from accord.compliance.models_assessments import Assessment, AssessmentResult
from accord.core.models import Organization, User
from accord.core.tenancy import check_same_org
from accord.privacy import selectors_gdpr_audit


@transaction.atomic
def do_accept_gdpr_suggestion(actor: User | None, org: Organization, assessment: Assessment, requirement: str, *,
                              result: str = "", finding: bool | None = None) -> AssessmentResult:
    """Record the suggestion for `requirement` (Art.30(1), …) in `assessment`: its result, or the auditor's
    `result` instead; the evidence goes in the result's notes. `finding` (default: when the result is not
    compliant) also opens a finding on the requirement with the evidence."""
    check_same_org(org, assessment=assessment)
    rows = {row.suggestion.requirement: row for row in selectors_gdpr_audit.suggestions(org, assessment)}
    row = rows.get(requirement)
    if row is None:
        raise ValidationError({"requirement": _("The registers suggest nothing for '%(ref)s'; choose one of: "
                                                "%(refs)s.") % {"ref": requirement, "refs": ", ".join(rows)}})
    if row.result is None:
        raise ValidationError({"requirement": _("%(ref)s has no requirement %(requirement)s.")
                               % {"ref": assessment.ref, "requirement": requirement}})
    if result and result not in ResultValue.values:
        raise ValidationError({"result": _("'%(value)s' is not allowed; use one of: %(allowed)s.")
                               % {"value": result, "allowed": ", ".join(ResultValue.values)}})
    chosen = result or row.suggestion.result
    evidence = "\n".join([row.reason_text, *row.suggestion.evidence])
    recorded = services_assessments.do_record_result(actor, org, row.result, {
        "result": chosen, "notes": _("From the privacy registers: %(evidence)s") % {"evidence": evidence}})
    if finding if finding is not None else chosen not in (ResultValue.COMPLIANT, ResultValue.NOT_APPLICABLE):
        services_assessments.do_create_finding(actor, org, assessment, {
            "title": f"{requirement}: {row.reason_text}"[:200], "requirement": requirement,
            "severity": "high" if chosen == ResultValue.NON_COMPLIANT else "medium", "description": evidence})
    return recorded
