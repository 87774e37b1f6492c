"""The compliance posture: each framework's compliance (the latest closed audit's results, by one rule,
`rules.compliance_share`) and its trend (every closed audit of it: a closed audit keeps its results, so it
is its own snapshot; which way it went since the one before is `rules.trend`), the audit in progress, the
controls by status, overdue remediation actions and evidence due for refresh within 30 days. A constant
number of queries; the page, the API and the dashboard's compliance panel read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q

from accord.compliance import rules
from accord.compliance.choices import AssessmentStatus, ControlStatus, ResultValue
from accord.compliance.models import Framework
from accord.compliance.models_assessments import Assessment, Evidence, Remediation
from accord.compliance.models_controls import Control
from accord.compliance.selectors_assessments import overdue_q
from accord.core.clock import org_today
from accord.core.models import Organization

#: How many overdue remediations and expiring evidence the posture names (it counts them all).
LISTED = 10


@dataclass(frozen=True)
class AuditScore:
    assessment: Assessment
    share: float | None  # None: nothing of the framework applies
    counts: dict[str, int]

    @property
    def day(self) -> dt.date | None:
        """When it closed (else when it ends, else starts)."""
        if self.assessment.closed_at is not None:
            return self.assessment.closed_at.date()
        return self.assessment.ends_on or self.assessment.starts_on


@dataclass(frozen=True)
class FrameworkPosture:
    framework: Framework
    current: AuditScore | None  # the latest closed audit
    in_progress: AuditScore | None  # the latest audit in progress, if any
    trend: list[AuditScore] = field(default_factory=list)  # every closed audit, oldest first

    @property
    def direction(self) -> str:
        """`up`, `down` or `steady` from the closed audit before the latest to the latest (`rules.trend`); ""
        with fewer than two closed audits."""
        if len(self.trend) < 2:
            return ""
        return rules.trend(self.trend[-2].share, self.trend[-1].share)


@dataclass(frozen=True)
class Posture:
    frameworks: list[FrameworkPosture]
    controls_by_status: list[tuple[str, str, int]]  # (status, label, count), every status
    overdue_count: int
    overdue: list[Remediation]
    expiring_count: int
    expiring: list[Evidence]
    today: dt.date


def _score(assessment: Assessment) -> AuditScore:
    counts = {value: getattr(assessment, f"n_{value}") for value in ResultValue.values}
    return AuditScore(assessment, rules.share_of(counts), counts)


def posture(org: Organization) -> Posture:
    today = org_today(org)
    tallies = {f"n_{value}": Count("results", filter=Q(results__result=value)) for value in ResultValue.values}
    audits = (Assessment.objects.for_org(org).exclude(status=AssessmentStatus.PLANNED).annotate(**tallies)
              .order_by(F("closed_at").asc(nulls_first=True), "number"))
    by_framework: dict[int, list[Assessment]] = {}
    for audit in audits:
        by_framework.setdefault(audit.framework_id, []).append(audit)
    frameworks = []
    for framework in Framework.objects.for_org(org).order_by("name", "version"):
        found = by_framework.get(framework.pk, [])
        closed = [_score(a) for a in found if a.status == AssessmentStatus.CLOSED]
        running = [a for a in found if a.status == AssessmentStatus.IN_PROGRESS]
        frameworks.append(FrameworkPosture(
            framework, current=closed[-1] if closed else None,
            in_progress=_score(max(running, key=lambda a: a.number)) if running else None, trend=closed))
    counted = {row["status"]: row["n"] for row in
               Control.objects.for_org(org).values("status").annotate(n=Count("pk")).order_by()}
    statuses = [(value, str(label), counted.get(value, 0)) for value, label in ControlStatus.choices]
    overdue = (Remediation.objects.for_org(org).filter(overdue_q(today))
               .select_related("finding", "owner__user").order_by("due_on", "pk"))
    expiring = (Evidence.objects.for_org(org)
                .filter(expires_on__lte=today + dt.timedelta(days=rules.EVIDENCE_EXPIRING_DAYS))
                .order_by("expires_on", "number"))
    return Posture(frameworks, statuses, overdue.count(), list(overdue[:LISTED]), expiring.count(),
                   list(expiring[:LISTED]), today)


def dashboard_panel(org: Organization) -> dict[str, Any]:
    """The compliance panel of the organisation's dashboard: the posture page's own reading (`posture`), for
    the organisation only (the dashboard's body is shared by one role, decision 0035)."""
    return {"posture": posture(org)}
