"""The compliance posture over the API: `posture/` (selectors_posture.posture, the page's answer)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accord.compliance import selectors_posture
from accord.compliance.selectors_posture import AuditScore
from accord.core.apikit import ERRORS, org_access

router = Router(tags=["audits"])


class ScoreOut(Schema):
    assessment_id: int
    assessment_ref: str
    status: str
    day: dt.date | None = Field(description="When it closed (else when it ends, else starts)")
    share: float | None = Field(description="Compliant share of the applicable requirements, 0 to 1 (partially "
                                            "compliant counts half); null when nothing applies")
    counts: dict[str, int] = Field(description="Results by value")


class FrameworkPostureOut(Schema):
    key: str
    version: str
    name: str
    current: ScoreOut | None = Field(description="The latest closed audit")
    in_progress: ScoreOut | None
    trend: list[ScoreOut] = Field(description="Every closed audit, oldest first")
    direction: Literal["up", "down", "steady", ""] = Field(
        description="Which way compliance went from the closed audit before the latest to the latest (a change "
                    "under half a point is steady); empty with fewer than two closed audits")


class PostureOut(Schema):
    frameworks: list[FrameworkPostureOut]
    controls_by_status: dict[str, int]
    overdue_remediations: int
    evidence_to_refresh: int = Field(description="Evidence whose refresh date is past or within 30 days")


def _score(score: AuditScore | None) -> dict[str, object] | None:
    if score is None:
        return None
    a = score.assessment
    return {"assessment_id": a.pk, "assessment_ref": a.ref, "status": a.status, "day": score.day,
            "share": None if score.share is None else round(score.share, 4), "counts": score.counts}


@router.get("/{org}/posture/", response={200: PostureOut, **ERRORS}, summary="The compliance posture",
            operation_id="accord_compliance_api_posture")
def posture(request: HttpRequest, org: str) -> dict[str, object]:
    """Each framework's compliance from its latest closed audit (docs/audits.md#posture) with its trend and
    the audit in progress, the controls by status, and how many remediation actions are overdue and evidence
    items are due for refresh."""
    m = org_access(request, org, "assessment.view")
    found = selectors_posture.posture(m.organization)
    return {
        "frameworks": [{"key": f.framework.key, "version": f.framework.version, "name": f.framework.name,
                        "current": _score(f.current), "in_progress": _score(f.in_progress),
                        "trend": [_score(s) for s in f.trend], "direction": f.direction} for f in found.frameworks],
        "controls_by_status": {status: n for status, _label, n in found.controls_by_status},
        "overdue_remediations": found.overdue_count, "evidence_to_refresh": found.expiring_count}
