"""OSCAL in for audits: Accord's own assessment-results read back into a new audit of the same framework,
with its results and its findings, through the audits' services (each write audited), all or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accord.compliance import services_assessments
from accord.compliance.choices import AssessmentStatus, FindingStatus
from accord.compliance.models import Framework
from accord.compliance.models_assessments import Assessment, AssessmentResult
from accord.compliance.oscal import OscalError
from accord.compliance.oscal.export import read_assessment_results
from accord.core.models import Organization, User


@transaction.atomic
def do_import_assessment_results(actor: User | None, org: Organization, document: Mapping[str, Any]) -> Assessment:
    """A new audit from an assessment-results document Accord exported: the same framework (key and
    version, already in the organisation), title, scope, period, results and findings; closed if the
    exported audit was. Every requirement the organisation's framework lacks is named; nothing is written
    on any problem."""
    try:
        audit = read_assessment_results(dict(document))
    except OscalError as exc:
        raise ValidationError({"file": list(exc.errors)}) from None
    framework = Framework.objects.for_org(org).filter(key=audit.framework_key, version=audit.framework_version).first()
    if framework is None:
        raise ValidationError({"file": _("The audit is of %(key)s version %(version)s, which this organisation has "
                                         "not imported; import that framework first.") % {
            "key": audit.framework_key, "version": audit.framework_version}})
    assessment = services_assessments.do_create_assessment(actor, org, {
        "title": audit.title or audit.ref, "framework": f"{framework.key}@{framework.version}", "scope": audit.scope,
        "starts_on": audit.start.date().isoformat(),
        "ends_on": audit.end.date().isoformat() if audit.end is not None else None,
        "status": AssessmentStatus.IN_PROGRESS})
    results = {r.requirement.ref: r for r in AssessmentResult.objects.for_org(org).filter(assessment=assessment)
               .select_related("requirement", "assessment")}
    unknown = [r.ref for r in audit.results if r.ref not in results]
    unknown += [f.requirement_ref for f in audit.findings
                if f.requirement_ref and f.requirement_ref not in results and f.requirement_ref not in unknown]
    if unknown:
        raise ValidationError({"file": _("%(framework)s has no assessable requirement %(refs)s.") % {
            "framework": framework.name, "refs": ", ".join(unknown)}})
    for r in audit.results:
        services_assessments.do_record_result(actor, org, results[r.ref], {
            "result": r.result, "justification": r.justification, "notes": r.notes})
    for f in audit.findings:
        finding = services_assessments.do_create_finding(actor, org, assessment, {
            "kind": f.kind, "title": f.title or f.ref, "severity": f.severity, "description": f.description,
            "requirement": f.requirement_ref or None})
        if f.status == FindingStatus.CLOSED:
            services_assessments.do_update_finding(actor, org, finding, {"status": FindingStatus.CLOSED})
    if audit.status == AssessmentStatus.CLOSED:
        services_assessments.do_update_assessment(actor, org, assessment, {"status": AssessmentStatus.CLOSED})
    return Assessment.objects.for_org(org).get(pk=assessment.pk)
