"""Reads of audits, all tenant-scoped: the audits with their counts, one audit (`access_assessment`: another
organisation's answers 404 like a missing one), its results in the framework's order with their controls and
evidence (a constant number of queries whatever the framework's size), findings, remediation actions with
`overdue` computed in SQL (the same rule as `rules.remediation_overdue`), and evidence with its versions
(`access_evidence_file`: by the storage's name, 404 for any other organisation's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext as _

from accord.compliance import rules
from accord.compliance.choices import (
    AssessmentStatus,
    FindingKind,
    FindingStatus,
    RemediationStatus,
    ResultValue,
    Severity,
)
from accord.compliance.models import Group
from accord.compliance.models_assessments import (
    Assessment,
    AssessmentAuditor,
    AssessmentResult,
    Evidence,
    EvidenceVersion,
    Finding,
    Remediation,
    ResultControl,
)
from accord.compliance.models_controls import Control
from accord.core.clock import org_today
from accord.core.models import Membership, Organization
from accord.risks.models import Risk


def _by_ref(text: str, prefix: str) -> int | None:
    """The number in a ref such as `AUD-003` (None when `text` is not one)."""
    text = text.strip().upper()
    if text.startswith(prefix) and text[len(prefix):].isdigit() and len(text) < 16:
        return int(text[len(prefix):])
    return None


def _ident(query: QuerySet[Any], ident: int | str, prefix: str) -> Any:
    text = str(ident).strip()
    number = _by_ref(text, prefix)
    if number is not None:
        return query.filter(number=number).first()
    if text.isdigit() and len(text) < 16:
        return query.filter(pk=int(text)).first()
    return None


def _count(model: Any, org: Organization, link: str, **conditions: Any) -> Coalesce:
    rows = (model.objects.for_org(org).filter(**{link: OuterRef("pk")}, **conditions).order_by()
            .values(link).annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


# --- audits --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AssessmentFilter:
    status: str = ""
    framework: str = ""

    def validate(self) -> None:
        if self.status and self.status not in AssessmentStatus.values:
            raise ValidationError({"status": _("'%(value)s' is not one of: %(choices)s.") % {
                "value": self.status, "choices": ", ".join(AssessmentStatus.values)}})


def _result_counts(org: Organization) -> dict[str, Coalesce]:
    counts = {f"{value}_count": _count(AssessmentResult, org, "assessment", result=value)
              for value in ResultValue.values}
    return {**counts, "result_count": _count(AssessmentResult, org, "assessment"),
            "finding_count": _count(Finding, org, "assessment"),
            "open_finding_count": _count(Finding, org, "assessment", status=FindingStatus.OPEN)}


def assessments(org: Organization, flt: AssessmentFilter | None = None) -> QuerySet[Assessment]:
    """The audits of `org`, newest first, with their framework, auditors and counts: results by value
    (`compliant_count`, ...), `result_count`, `finding_count`, `open_finding_count` (a constant number of
    queries)."""
    found = (Assessment.objects.for_org(org).select_related("framework", "created_by")
             .annotate(**_result_counts(org))
             .prefetch_related(Prefetch("auditor_links", AssessmentAuditor.objects.for_org(org)
                                        .select_related("membership__user").order_by("membership__user__email"))))
    if flt is not None:
        flt.validate()
        if flt.status:
            found = found.filter(status=flt.status)
        if flt.framework:
            found = found.filter(framework__key=flt.framework.partition("@")[0])
    return found.order_by("-number")


def access_assessment(org: Organization, ident: int | str) -> Assessment:
    """The audit `ident` names (its id, or its ref such as `AUD-003`); missing or another organisation's: 404."""
    found = _ident(assessments(org), ident, "AUD-")
    if found is None:
        raise Http404("No such audit.")
    return found


def auditors(assessment: Assessment) -> list[Membership]:
    """The audit's auditors (read by `assessments`' prefetch)."""
    return [link.membership for link in assessment.auditor_links.all()]


def progress(assessment: Any) -> dict[str, int]:
    """How many results of each value the audit has (from `assessments`' annotations)."""
    return {value: getattr(assessment, f"{value}_count", 0) for value in ResultValue.values}


# --- results -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResultFilter:
    result: str = ""
    q: str = ""
    group: str = ""

    def validate(self) -> None:
        if self.result and self.result not in ResultValue.values:
            raise ValidationError({"result": _("'%(value)s' is not one of: %(choices)s.") % {
                "value": self.result, "choices": ", ".join(ResultValue.values)}})


def results(org: Organization, assessment: Assessment, flt: ResultFilter | None = None) -> QuerySet[AssessmentResult]:
    """The audit's results in its framework's order, each with its requirement and group, its controls
    (`control_links`, with the control) and its evidence (`evidence`), and `finding_count`: three queries
    whatever their number."""
    found = (AssessmentResult.objects.for_org(org).filter(assessment=assessment)
             .select_related("requirement__group", "assessed_by")
             .annotate(finding_count=Subquery(
                 Finding.objects.for_org(org).filter(assessment=assessment, requirement=OuterRef("requirement"))
                 .order_by().values("requirement").annotate(n=Count("pk")).values("n"), output_field=IntegerField()))
             .prefetch_related(
                 Prefetch("control_links", ResultControl.objects.for_org(org).select_related("control")
                          .order_by("control__number")),
                 Prefetch("evidence", Evidence.objects.for_org(org).order_by("number"))))
    if flt is not None:
        flt.validate()
        if flt.result:
            found = found.filter(result=flt.result)
        if flt.group:
            group = Group.objects.for_org(org).filter(framework_id=assessment.framework_id, ref=flt.group).first()
            if group is None:
                raise ValidationError({"group": _("%(framework)s has no group '%(group)s'.") % {
                    "framework": assessment.framework.name, "group": flt.group}})
            found = found.filter(requirement__position__gt=group.position, requirement__position__lte=group.end)
        if flt.q.strip():
            q = flt.q.strip()
            found = found.filter(Q(requirement__ref__icontains=q) | Q(requirement__title__icontains=q)
                                 | Q(notes__icontains=q))
    return found.order_by("requirement__position")


def access_result(org: Organization, assessment: Assessment, result_id: int | str) -> AssessmentResult:
    """One result of the audit by its id; 404 otherwise."""
    text = str(result_id)
    found = results(org, assessment).filter(pk=int(text)).first() if text.isdigit() and len(text) < 16 else None
    if found is None:
        raise Http404("No such result.")
    return found


def control_choices(org: Organization) -> list[Control]:
    """The controls a result can be linked to (not retired), in number order."""
    return list(Control.objects.for_org(org).exclude(status="retired").only("number", "name").order_by("number"))


# --- findings and remediations -----------------------------------------------------------------------------

def overdue_q(today: dt.date) -> Q:
    """`rules.remediation_overdue` in SQL (one rule: the same statuses and the same comparison)."""
    return Q(due_on__lt=today) & ~Q(status__in=rules.REMEDIATION_ENDED)


def _overdue(today: dt.date) -> Case:
    return Case(When(overdue_q(today), then=Value(True)), default=Value(False), output_field=BooleanField())


@dataclass(frozen=True)
class FindingFilter:
    assessment: int | None = None
    status: str = ""
    severity: str = ""
    kind: str = ""

    def validate(self) -> None:
        errors = {}
        for name, choices in (("status", FindingStatus), ("severity", Severity), ("kind", FindingKind)):
            value = getattr(self, name)
            if value and value not in choices.values:
                errors[name] = _("'%(value)s' is not one of: %(choices)s.") % {
                    "value": value, "choices": ", ".join(choices.values)}
        if errors:
            raise ValidationError(errors)


def findings(org: Organization, flt: FindingFilter | None = None) -> QuerySet[Finding]:
    """The findings of `org` by number with their audit, requirement and risk, and `remediation_count`,
    `open_remediation_count` and `overdue_count` (one query)."""
    today = org_today(org)
    found = (Finding.objects.for_org(org).select_related("assessment__framework", "requirement", "risk", "created_by")
             .annotate(remediation_count=_count(Remediation, org, "finding"),
                       open_remediation_count=_count(Remediation, org, "finding", status__in=[
                           RemediationStatus.OPEN, RemediationStatus.IN_PROGRESS]),
                       overdue_count=Coalesce(Subquery(
                           Remediation.objects.for_org(org).filter(overdue_q(today), finding=OuterRef("pk")).order_by()
                           .values("finding").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                           Value(0))))
    if flt is not None:
        flt.validate()
        if flt.assessment is not None:
            found = found.filter(assessment_id=flt.assessment)
        for name in ("status", "severity", "kind"):
            if getattr(flt, name):
                found = found.filter(**{name: getattr(flt, name)})
    return found.order_by("number")


def access_finding(org: Organization, ident: int | str) -> Finding:
    """The finding `ident` names (its id, or its ref such as `F-007`); 404 otherwise."""
    found = _ident(findings(org), ident, "F-")
    if found is None:
        raise Http404("No such finding.")
    return found


def findings_of_risk(org: Organization, risk: Risk) -> list[Finding]:
    """The findings that raised `risk` (the risk page's way back to them)."""
    return list(Finding.objects.for_org(org).filter(risk=risk).select_related("assessment").order_by("number"))


@dataclass(frozen=True)
class RemediationFilter:
    finding: int | None = None
    status: str = ""
    overdue: bool | None = None
    owner: int | None = None

    def validate(self) -> None:
        if self.status and self.status not in RemediationStatus.values:
            raise ValidationError({"status": _("'%(value)s' is not one of: %(choices)s.") % {
                "value": self.status, "choices": ", ".join(RemediationStatus.values)}})


def remediations(org: Organization, flt: RemediationFilter | None = None) -> QuerySet[Remediation]:
    """The remediation actions of `org` by due date (undated last), with their finding, owner and `overdue`
    (one query)."""
    today = org_today(org)
    found = (Remediation.objects.for_org(org).select_related("finding__assessment", "owner__user")
             .annotate(overdue=_overdue(today)))
    if flt is not None:
        flt.validate()
        if flt.finding is not None:
            found = found.filter(finding_id=flt.finding)
        if flt.status:
            found = found.filter(status=flt.status)
        if flt.owner is not None:
            found = found.filter(owner_id=flt.owner)
        if flt.overdue is not None:
            found = found.filter(overdue_q(today)) if flt.overdue else found.exclude(overdue_q(today))
    return found.order_by(Coalesce("due_on", Value(dt.date.max)), "pk")


def access_remediation(org: Organization, remediation_id: int | str) -> Remediation:
    text = str(remediation_id)
    found = remediations(org).filter(pk=int(text)).first() if text.isdigit() and len(text) < 16 else None
    if found is None:
        raise Http404("No such remediation action.")
    return found


def member_audit_work(org: Organization, membership: Membership) -> list[str]:
    """What `membership` holds in audits, one line each: the remediation actions they own and the audits that
    name them as an auditor."""
    lines = [f"{r.finding.ref} {r.title}: owner" for r in Remediation.objects.for_org(org).filter(owner=membership)
             .select_related("finding").order_by("finding__number", "pk")]
    lines += [f"{link.assessment.ref} {link.assessment.title}: auditor" for link in
              AssessmentAuditor.objects.for_org(org).filter(membership=membership).select_related("assessment")
              .order_by("assessment__number")]
    return lines


# --- evidence ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EvidenceFilter:
    assessment: int | None = None
    control: int | None = None
    expiring: bool = False


def evidence(org: Organization, flt: EvidenceFilter | None = None) -> QuerySet[Evidence]:
    """Evidence of `org` by number with what it is attached to and its versions (newest first): two queries."""
    found = (Evidence.objects.for_org(org).select_related("result__requirement", "result__assessment", "control",
                                                          "created_by")
             .prefetch_related(Prefetch("versions", EvidenceVersion.objects.for_org(org).select_related("created_by")
                                        .order_by("-number"))))
    if flt is not None:
        if flt.assessment is not None:
            found = found.filter(result__assessment_id=flt.assessment)
        if flt.control is not None:
            found = found.filter(control_id=flt.control)
        if flt.expiring:
            found = found.filter(expires_on__lte=org_today(org) + dt.timedelta(days=rules.EVIDENCE_EXPIRING_DAYS))
    return found.order_by("number")


def access_evidence(org: Organization, ident: int | str) -> Evidence:
    """The evidence `ident` names (its id, or its ref such as `E-004`); 404 otherwise."""
    found = _ident(evidence(org), ident, "E-")
    if found is None:
        raise Http404("No such evidence.")
    return found


def evidence_version(org: Organization, item: Evidence, number: int | None = None) -> EvidenceVersion:
    """A version of `item` (the newest when `number` is None); 404 when it has no such version."""
    versions = EvidenceVersion.objects.for_org(org).filter(evidence=item)
    found = versions.filter(number=number).first() if number is not None else versions.order_by("-number").first()
    if found is None:
        raise Http404("No such version.")
    return found


def access_evidence_file(org: Organization, name: str) -> EvidenceVersion:
    """The version whose stored file is called `name` (the last part of its storage name), in `org` only: any
    other organisation's file, or a name that is not one, answers 404."""
    if not name or "/" in name or "\\" in name or len(name) > 100:
        raise Http404("No such file.")
    found = (EvidenceVersion.objects.for_org(org).filter(stored__endswith=f"/{name}").select_related("evidence")
             .first())
    if found is None or found.stored.rsplit("/", 1)[-1] != name:
        raise Http404("No such file.")
    return found

