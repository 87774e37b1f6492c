"""An audit's offers page (under the audit, o/<org>/audits/<id>/offers/): the results recorded against
requirements mapped to the ones the audit has still to assess, offered by the mapping sets' rule, each with
a button that accepts it (recorded through the audits' own service). The audit page loads it in place."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accord.compliance import rules, selectors_assessments, selectors_offers, services_offers
from accord.core.permissions import allows
from accord.core.web import OrgRequest, go, org_view, render_page


def _offers_url(request: OrgRequest, assessment_id: int) -> str:
    return reverse("audits:offers", kwargs={"org": request.org.slug, "assessment_id": assessment_id})


@org_view("assessment.view")
@require_GET
def audit_offers(request: OrgRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors_assessments.access_assessment(request.org, assessment_id)
    member = request.membership
    auditors = {m.pk for m in selectors_assessments.auditors(assessment)}
    accepting = (assessment.status in rules.RECORDING and allows(member.role, "assessment.record")
                 and rules.may_record(member.role, member.pk, auditors))
    return render_page(request, "compliance/offers.html", "compliance/_offers.html", {
        "assessment": assessment, "items": selectors_offers.assessment_offers(request.org, assessment),
        "accepting": accepting})


@org_view("assessment.record")
@require_POST
def audit_offer_accept(request: OrgRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors_assessments.access_assessment(request.org, assessment_id)
    target, source = request.POST.get("result", ""), request.POST.get("source", "")
    try:
        recorded = services_offers.do_accept_offer(request.user, request.org, assessment, target, source)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(ref)s recorded as %(result)s.") % {
            "ref": recorded.requirement.ref, "result": recorded.get_result_display().lower()})
    return go(request, reverse("audits:detail", kwargs={"org": request.org.slug, "assessment_id": assessment.pk})
              + "#offers-heading")
