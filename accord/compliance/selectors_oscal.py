"""What the OSCAL exports read: the organisation's objects as the plain data of
`accord.compliance.oscal.export` (a constant number of queries however many there are)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils import timezone

from accord.compliance.choices import FindingKind, FindingStatus, ResultValue
from accord.compliance.models_assessments import Assessment, AssessmentResult, Finding, Remediation
from accord.compliance.models_controls import Control, ControlRequirement
from accord.compliance.oscal.export import (
    AssessedRequirement,
    Audit,
    AuditFinding,
    AuditRemediation,
    LibraryControl,
    LinkedRequirement,
)
from accord.core.models import Organization


def library_controls(org: Organization) -> list[LibraryControl]:
    """`org`'s controls by reference, each with the requirements it is linked to (two queries)."""
    links = (ControlRequirement.objects.for_org(org).select_related("requirement__framework")
             .order_by("requirement__framework__key", "requirement__position"))
    found = Control.objects.for_org(org).prefetch_related(Prefetch("requirement_links", queryset=links)) \
        .order_by("number")
    return [LibraryControl(
        ref=c.ref, name=c.name, description=c.description, kind=c.kind, status=c.status,
        requirements=tuple(LinkedRequirement(
            framework_key=link.requirement.framework.key, framework_name=link.requirement.framework.name,
            framework_version=link.requirement.framework.version,
            framework_source=link.requirement.framework.source, ref=link.requirement.ref,
            oscal_id=link.requirement.oscal_id) for link in c.requirement_links.all()),
    ) for c in found]


# --- audits ----------------------------------------------------------------------------------------------

def _start(assessment: Assessment) -> dt.datetime:
    day = assessment.starts_on or timezone.localdate(assessment.created_at)
    return dt.datetime.combine(day, dt.time(0), dt.UTC)


def audit_document(org: Organization, assessment: Assessment) -> Audit:
    """An audit as the plain data of the OSCAL writers: the results it has assessed and its findings (two
    queries)."""
    framework = assessment.framework
    assessed = (AssessmentResult.objects.for_org(org).filter(assessment=assessment)
                .exclude(result=ResultValue.NOT_ASSESSED).select_related("requirement")
                .order_by("requirement__position"))
    found = (Finding.objects.for_org(org).filter(assessment=assessment).select_related("requirement")
             .order_by("number"))
    return Audit(
        ref=assessment.ref, title=assessment.title, scope=assessment.scope, status=assessment.status,
        framework_key=framework.key, framework_name=framework.name, framework_version=framework.version,
        start=_start(assessment),
        end=dt.datetime.combine(assessment.ends_on, dt.time(0), dt.UTC) if assessment.ends_on else None,
        results=tuple(AssessedRequirement(
            ref=r.requirement.ref, oscal_id=r.requirement.oscal_id, title=r.requirement.title, result=r.result,
            justification=r.justification, notes=r.notes, assessed_at=r.assessed_at) for r in assessed),
        findings=tuple(_finding(f, with_remediations=False) for f in found))


def _finding(f: Finding, *, with_remediations: bool) -> AuditFinding:
    return AuditFinding(
        ref=f.ref, kind=f.kind, severity=f.severity, title=f.title, description=f.description, status=f.status,
        requirement_ref=f.requirement.ref if f.requirement else "",
        requirement_oscal_id=f.requirement.oscal_id if f.requirement else "", created_at=f.created_at,
        remediations=tuple(AuditRemediation(ref=str(k), title=a.title, description=a.description, status=a.status,
                                            due_on=a.due_on)
                           for k, a in enumerate(f.remediations.all(), start=1)) if with_remediations else ())


def open_findings(org: Organization) -> list[Audit]:
    """The open findings of every audit, with their remediation actions, grouped by audit (the plan of
    action and milestones; three queries however many)."""
    found = (Finding.objects.for_org(org).filter(kind=FindingKind.FINDING, status=FindingStatus.OPEN)
             .select_related("requirement", "assessment__framework")
             .prefetch_related(Prefetch("remediations", Remediation.objects.for_org(org).order_by("pk")))
             .order_by("assessment__number", "number"))
    by_audit: dict[int, tuple[Assessment, list[AuditFinding]]] = {}
    for f in found:
        by_audit.setdefault(f.assessment_id, (f.assessment, []))[1].append(_finding(f, with_remediations=True))
    return [Audit(ref=a.ref, title=a.title, scope=a.scope, status=a.status, framework_key=a.framework.key,
                  framework_name=a.framework.name, framework_version=a.framework.version, start=_start(a),
                  findings=tuple(items)) for a, items in by_audit.values()]
