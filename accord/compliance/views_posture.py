"""The compliance posture page (o/<org>/compliance/posture/): each framework's compliance with its trend, the
controls by status, overdue remediation actions and evidence due for refresh (selectors_posture.posture)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accord.charts import BarSeries, BarSpec, bar_svg
from accord.compliance.selectors_posture import Posture, posture
from accord.core.web import OrgRequest, org_view


def posture_chart(found: Posture) -> SafeString | None:
    """Compliance per framework (latest closed audit, and the audit in progress) as bars, in per cent."""
    shown = [f for f in found.frameworks if (f.current and f.current.share is not None)
             or (f.in_progress and f.in_progress.share is not None)]
    if not shown:
        return None

    def percent(score: object) -> float:
        share = getattr(score, "share", None)
        return 0.0 if share is None else round(100 * share, 1)

    spec = BarSpec(
        _("Compliance by framework"),
        _("The share of each framework's applicable requirements found compliant (partially compliant counts "
          "half), in its latest closed audit and in the audit in progress."),
        [f"{f.framework.name} {f.framework.version}" for f in shown],
        [BarSeries(_("Latest closed audit"), [percent(f.current) for f in shown]),
         BarSeries(_("Audit in progress"), [percent(f.in_progress) for f in shown])],
        y_title=_("Compliant (%)"), value_format=lambda v: f"{v:.0f}%", id_prefix="posture")
    return mark_safe(bar_svg(spec, standalone=False))  # noqa: S308 - every text escaped by the chart module


@org_view("assessment.view")
@require_GET
def posture_page(request: OrgRequest) -> HttpResponse:
    found = posture(request.org)
    return render(request, "compliance/posture.html", {"posture": found, "chart": posture_chart(found)})
