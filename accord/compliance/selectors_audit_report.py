"""One audit as its exports show it, read once for the XLSX workbook and the PDF report alike (one rule, one
place): what it covers and who audits it, its results by value and its compliance (`rules.share_of`), its
results by the framework's top-level groups (each group's counts and compliance), its findings and its
remediation plan with `overdue` (`selectors_assessments.remediations`: the rule `rules.remediation_overdue` in
SQL). A constant number of queries whatever the audit's size."""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass

from accord.compliance import rules
from accord.compliance import selectors_assessments as selectors
from accord.compliance.choices import ResultValue
from accord.compliance.models import Group
from accord.compliance.models_assessments import Assessment, AssessmentResult, Finding, Remediation
from accord.core.clock import org_today
from accord.core.models import Membership, Organization


@dataclass(frozen=True)
class GroupResults:
    """The results under one top-level group of the framework (a theme, a function, a chapter)."""

    group: Group
    results: list[AssessmentResult]

    @property
    def counts(self) -> dict[str, int]:
        """How many of its results have each value (every `ResultValue`, 0 included)."""
        counts = dict.fromkeys(ResultValue.values, 0)
        for result in self.results:
            counts[result.result] += 1
        return counts

    @property
    def share(self) -> float | None:
        return rules.share_of(self.counts)


@dataclass(frozen=True)
class AuditReport:
    assessment: Assessment  # with `assessments`' annotations (counts of results by value, of findings)
    auditors: list[Membership]
    counts: dict[str, int]  # results by value, every value
    share: float | None  # the audit's compliance; None when nothing applies
    groups: list[GroupResults]  # in the framework's order, groups without results left out
    findings: list[Finding]  # by number, with their requirement and counts of remediation actions
    remediations: list[Remediation]  # by due date (undated last), each with `overdue`
    today: dt.date  # the organisation's date the overdue flags are computed for

    @property
    def results(self) -> list[AssessmentResult]:
        """Every result in the framework's order."""
        return [result for group in self.groups for result in group.results]

    @property
    def overdue_count(self) -> int:
        return sum(1 for r in self.remediations if getattr(r, "overdue", False))  # annotated by the selector


def _by_top_group(org: Organization, assessment: Assessment,
                  results: list[AssessmentResult]) -> list[GroupResults]:
    """`results` (in position order) under the framework's top-level groups, in the framework's order: a group
    holds the positions after its own up to its `end` (decision 0041)."""
    tops = list(Group.objects.for_org(org).filter(framework_id=assessment.framework_id, parent__isnull=True)
                .order_by("position"))
    starts = [g.position for g in tops]
    placed: dict[int, GroupResults] = {}  # in the order first met: the framework's, as the results are
    for result in results:
        index = bisect.bisect_left(starts, result.requirement.position) - 1
        found = tops[index] if index >= 0 and result.requirement.position <= tops[index].end else None
        group = found or result.requirement.group  # a tree always has one; its own group otherwise
        placed.setdefault(group.pk, GroupResults(group, [])).results.append(result)
    return list(placed.values())


def audit_report(org: Organization, ident: int | str) -> AuditReport:
    """The audit `ident` names (its id or ref; another organisation's answers 404) as its exports print it."""
    assessment = selectors.access_assessment(org, ident)
    counts = selectors.progress(assessment)
    results = list(selectors.results(org, assessment))
    findings = list(selectors.findings(org, selectors.FindingFilter(assessment=assessment.pk)))
    plan = list(selectors.remediations(org).filter(finding__assessment=assessment))
    return AuditReport(assessment=assessment, auditors=selectors.auditors(assessment), counts=counts,
                       share=rules.share_of(counts), groups=_by_top_group(org, assessment, results),
                       findings=findings, remediations=plan, today=org_today(org))
