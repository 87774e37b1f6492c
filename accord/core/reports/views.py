"""Web front of the report pipeline: a member asks for a report; it is printed by a worker, and the job's
page (which follows it until done) offers the PDF for download."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accord.core import reports
from accord.core.permissions import require
from accord.core.reports.services import do_request_report
from accord.core.web import OrgRequest, go, org_view


@org_view("organization.view")
@require_POST
def report_request(request: OrgRequest, name: str) -> HttpResponse:
    try:
        report = reports.get(name)
    except reports.UnknownReport:
        raise Http404("No such report.") from None
    if report.parameters is not None:  # a report of one thing (an audit) is asked for from that thing's page
        raise Http404("No such report.")
    require(request.membership.role, report.action)
    job = do_request_report(request.user, request.org, report.name)
    messages.info(request, _("Printing: %(report)s. Download it here once it is done.")
                  % {"report": report.title})
    return go(request, reverse("core:job", kwargs={"org": request.org.slug, "job_id": job.pk}))
