"""Web pages of audits ("assessments" in the API): the list, planning and changing an audit, the audit page
that works through its requirements (each row opens in place as a small form: the verdict first and focused,
Enter saves and opens the next requirement, Cancel puts the row back), its exports (the XLSX at once, the PDF
report as a job), findings (list, page, edit, raising a risk), remediation actions, and evidence (a result's
evidence and uploads, versions, downloads). Thin: each parses input, calls one service or selector, renders."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.compliance import exports_assessments, rules, services_evidence
from accord.compliance import selectors_assessments as selectors
from accord.compliance import services_assessments as services
from accord.compliance.choices import FindingStatus, ResultValue
from accord.compliance.downloads import evidence_file_response
from accord.compliance.forms_assessments import (
    AssessmentForm,
    EvidenceForm,
    FindingEditForm,
    FindingForm,
    RemediationForm,
    ResultFilterForm,
    ResultForm,
    VersionForm,
)
from accord.compliance.models_assessments import Assessment, AssessmentResult, Finding
from accord.compliance.reports_assessments import AUDIT_REPORT_NAME
from accord.core.clock import org_today
from accord.core.reports.services import do_request_report
from accord.core.selectors import object_history
from accord.core.web import (
    OrgRequest,
    apply_errors,
    go,
    org_view,
    push_clean_url,
    query_string,
    render_page,
    vary_on_htmx,
    wants_partial,
)

#: Requirements on one page of an audit (its filters narrow them; the page's queries do not grow with them).
RESULTS_PAGE = 100


def _audit_url(request: OrgRequest, assessment: Assessment | int) -> str:
    pk = assessment if isinstance(assessment, int) else assessment.pk
    return reverse("audits:detail", kwargs={"org": request.org.slug, "assessment_id": pk})


def _finding_url(request: OrgRequest, finding: Finding) -> str:
    return reverse("audits:finding", kwargs={"org": request.org.slug, "finding_id": finding.pk})


# --- audits --------------------------------------------------------------------------------------------------

@org_view("assessment.view")
@require_GET
def audit_list(request: OrgRequest) -> HttpResponse:
    audits = list(selectors.assessments(request.org))
    return render_page(request, "compliance/audits/list.html", "compliance/audits/_list.html", {"audits": audits})


def _form_page(request: OrgRequest, form: AssessmentForm, assessment: Assessment | None) -> HttpResponse:
    return render(request, "compliance/audits/form.html", {"form": form, "assessment": assessment},
                  status=422 if form.errors else 200)


@org_view("assessment.manage")
@require_http_methods(["GET", "POST"])
def audit_create(request: OrgRequest) -> HttpResponse:
    form = AssessmentForm(request.org, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.do_create_assessment(request.user, request.org, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s planned, with a result to record for each requirement.")
                             % {"ref": assessment.ref})
            return go(request, _audit_url(request, assessment))
    return _form_page(request, form, None)


@org_view("assessment.manage")
@require_http_methods(["GET", "POST"])
def audit_edit(request: OrgRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.org, assessment_id)
    initial = {"title": assessment.title, "scope": assessment.scope, "starts_on": assessment.starts_on,
               "ends_on": assessment.ends_on, "status": assessment.status,
               "auditors": [m.user.email for m in selectors.auditors(assessment)]}
    form = AssessmentForm(request.org, request.POST or None, initial=initial, creating=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_assessment(request.user, request.org, assessment, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": assessment.ref})
            return go(request, _audit_url(request, assessment))
    return _form_page(request, form, assessment)


def _results_context(request: OrgRequest, assessment: Assessment) -> dict[str, Any]:
    form = ResultFilterForm(request.GET or None)
    flt = selectors.ResultFilter()
    if form.is_valid():
        flt = selectors.ResultFilter(q=form.cleaned_data["q"], result=form.cleaned_data["result"])
    page = Paginator(selectors.results(request.org, assessment, flt), RESULTS_PAGE).get_page(request.GET.get("page"))
    return {"assessment": assessment, "results": list(page.object_list), "page": page,
            "query": query_string(request), "filter_form": form, "filtered": bool(flt.q or flt.result),
            "recording": assessment.status in rules.RECORDING and _may_record(request, assessment)}


def _may_record(request: OrgRequest, assessment: Assessment) -> bool:
    from accord.core.permissions import allows

    return allows(request.membership.role, "assessment.record") and rules.may_record(
        request.membership.role, request.membership.pk, {m.pk for m in selectors.auditors(assessment)})


@org_view("assessment.view")
@require_GET
def audit_detail(request: OrgRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.org, assessment_id)
    context = _results_context(request, assessment)
    if wants_partial(request):
        return push_clean_url(request, render_page(request, "compliance/audits/detail.html",
                                                   "compliance/audits/_results.html", context))
    context.update(
        progress=[(ResultValue(v).label, n) for v, n in selectors.progress(assessment).items()],
        findings=list(selectors.findings(request.org, selectors.FindingFilter(assessment=assessment.pk))),
        finding_form=FindingForm(auto_id="finding-%s"), history=object_history(request.org, assessment))
    return render_page(request, "compliance/audits/detail.html", "compliance/audits/_results.html", context)


@org_view("assessment.view")
@require_GET
def audit_export(request: OrgRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.org, assessment_id)
    content, content_type, filename = exports_assessments.export(request.org, assessment, "xlsx")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # The same workbook either way; the header only says so to a cache (its zip carries the time it was written).
    return vary_on_htmx(response)


@org_view("assessment.view")
@require_POST
def audit_report(request: OrgRequest, assessment_id: int) -> HttpResponse:
    """Queue the audit's PDF report (a job of the report pipeline) and follow it on the job's page."""
    assessment = selectors.access_assessment(request.org, assessment_id)
    job = do_request_report(request.user, request.org, AUDIT_REPORT_NAME, {"assessment": assessment.pk})
    messages.info(request, _("Printing the audit report of %(ref)s. Download it here once it is done.")
                  % {"ref": assessment.ref})
    return go(request, reverse("core:job", kwargs={"org": request.org.slug, "job_id": job.pk}))


# --- results -------------------------------------------------------------------------------------------------

def _row(request: OrgRequest, assessment: Assessment, result: AssessmentResult, *, form: ResultForm | None = None,
         oob: bool = False) -> str:
    template = "compliance/audits/_result_form.html" if form is not None else "compliance/audits/_result_row.html"
    return render_to_string(template, {"assessment": assessment, "r": result, "form": form, "oob": oob,
                                       "recording": True}, request=request)


def _result_form(result: AssessmentResult, data: Any = None) -> ResultForm:
    return ResultForm(data, auto_id=f"result-{result.pk}-%s", initial={
        "result": result.result, "justification": result.justification, "notes": result.notes,
        "controls": ", ".join(link.control.ref for link in result.control_links.all())})


@org_view("assessment.view")
@require_GET
def result_row(request: OrgRequest, assessment_id: int, result_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.org, assessment_id)
    result = selectors.access_result(request.org, assessment, result_id)
    return HttpResponse(_row(request, assessment, result))


@org_view("assessment.record")
@require_http_methods(["GET", "POST"])
def result_record(request: OrgRequest, assessment_id: int, result_id: int) -> HttpResponse:
    """GET: the row as a form (htmx swaps it in place; without htmx, a page of its own). POST: record it; with
    `next`, the following requirement's row opens as a form too."""
    assessment = selectors.access_assessment(request.org, assessment_id)
    result = selectors.access_result(request.org, assessment, result_id)
    form = _result_form(result, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_record_result(request.user, request.org, result, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not wants_partial(request):
                return go(request, _audit_url(request, assessment) + f"#result-{result.pk}")
            saved = selectors.access_result(request.org, assessment, result.pk)
            html = _row(request, assessment, saved)
            following = (selectors.results(request.org, assessment)
                         .filter(requirement__position__gt=saved.requirement.position).first()
                         if request.POST.get("next") else None)
            if following is not None:
                html += _row(request, assessment, following, form=_result_form(following), oob=True)
            return vary_on_htmx(HttpResponse(html))
    if wants_partial(request):
        return vary_on_htmx(HttpResponse(_row(request, assessment, result, form=form)))
    return vary_on_htmx(render(request, "compliance/audits/result.html",
                               {"assessment": assessment, "r": result, "form": form},
                               status=422 if form.errors else 200))


# --- findings ------------------------------------------------------------------------------------------------

@org_view("assessment.record")
@require_POST
def finding_create(request: OrgRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.org, assessment_id)
    form = FindingForm(request.POST, auto_id="finding-%s")
    if form.is_valid():
        try:
            finding = services.do_create_finding(request.user, request.org, assessment, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s recorded.") % {"ref": finding.ref})
            return go(request, _finding_url(request, finding))
    context = _results_context(request, assessment)
    context.update(progress=[(ResultValue(v).label, n) for v, n in selectors.progress(assessment).items()],
                   findings=list(selectors.findings(request.org, selectors.FindingFilter(assessment=assessment.pk))),
                   finding_form=form, history=object_history(request.org, assessment))
    return render(request, "compliance/audits/detail.html", context, status=422)


@org_view("assessment.view")
@require_GET
def finding_list(request: OrgRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    flt = selectors.FindingFilter(status=status if status in FindingStatus.values else "")
    return render_page(request, "compliance/audits/findings.html", "compliance/audits/_findings.html",
                       {"findings": list(selectors.findings(request.org, flt)), "status": flt.status,
                        "statuses": FindingStatus.choices})


def _finding_page(request: OrgRequest, finding: Finding, *, form: RemediationForm | None = None,
                  status: int = 200) -> HttpResponse:
    return render(request, "compliance/audits/finding.html", {
        "finding": finding, "status": status,
        "remediations": list(selectors.remediations(request.org, selectors.RemediationFilter(finding=finding.pk))),
        "remediation_form": form or RemediationForm(request.org, auto_id="remediation-%s"),
        "history": object_history(request.org, finding)}, status=status)


@org_view("assessment.view")
@require_GET
def finding_detail(request: OrgRequest, finding_id: int) -> HttpResponse:
    return _finding_page(request, selectors.access_finding(request.org, finding_id))


@org_view("assessment.record")
@require_http_methods(["GET", "POST"])
def finding_edit(request: OrgRequest, finding_id: int) -> HttpResponse:
    finding = selectors.access_finding(request.org, finding_id)
    initial = {"kind": finding.kind, "severity": finding.severity, "title": finding.title,
               "description": finding.description, "status": finding.status,
               "requirement": finding.requirement.ref if finding.requirement else ""}
    form = FindingEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.do_update_finding(request.user, request.org, finding, changed)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": finding.ref})
            return go(request, _finding_url(request, finding))
    return render(request, "compliance/audits/finding_form.html", {"form": form, "finding": finding},
                  status=422 if form.errors else 200)


@org_view("finding.raise_risk")
@require_POST
def finding_raise_risk(request: OrgRequest, finding_id: int) -> HttpResponse:
    finding = selectors.access_finding(request.org, finding_id)
    try:
        risk = services.do_raise_finding_risk(request.user, request.org, finding)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return go(request, _finding_url(request, finding))
    messages.success(request, _("%(risk)s raised in the register from %(finding)s.") % {
        "risk": risk.ref, "finding": finding.ref})
    return go(request, _finding_url(request, finding))


# --- remediations --------------------------------------------------------------------------------------------

@org_view("remediation.change")
@require_POST
def remediation_create(request: OrgRequest, finding_id: int) -> HttpResponse:
    finding = selectors.access_finding(request.org, finding_id)
    form = RemediationForm(request.org, request.POST, auto_id="remediation-%s")
    if form.is_valid():
        try:
            services.do_create_remediation(request.user, request.org, finding, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Remediation action planned."))
            return go(request, _finding_url(request, finding))
    return _finding_page(request, finding, form=form, status=422)


@org_view("assessment.view")
@require_GET
def remediation_list(request: OrgRequest) -> HttpResponse:
    overdue = request.GET.get("overdue") == "1"
    found = selectors.remediations(request.org, selectors.RemediationFilter(overdue=True if overdue else None))
    return render_page(request, "compliance/audits/remediations.html", "compliance/audits/_remediations.html",
                       {"remediations": list(found), "overdue": overdue})


@org_view("remediation.change")
@require_http_methods(["GET", "POST"])
def remediation_edit(request: OrgRequest, remediation_id: int) -> HttpResponse:
    remediation = selectors.access_remediation(request.org, remediation_id)
    initial = {"title": remediation.title, "description": remediation.description, "due_on": remediation.due_on,
               "status": remediation.status, "owner": remediation.owner.user.email if remediation.owner else ""}
    form = RemediationForm(request.org, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_remediation(request.user, request.org, remediation, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Remediation action saved."))
            return go(request, _finding_url(request, remediation.finding))
    return render(request, "compliance/audits/remediation_form.html", {"form": form, "remediation": remediation},
                  status=422 if form.errors else 200)


# --- evidence ------------------------------------------------------------------------------------------------

def _evidence_page(request: OrgRequest, assessment: Assessment, result: AssessmentResult, *,
                   form: EvidenceForm | None = None, status: int = 200) -> HttpResponse:
    today = org_today(request.org)
    items = [(item, rules.evidence_state(item.expires_on, today), list(item.versions.all()))
             for item in selectors.evidence(request.org).filter(result=result)]
    return render(request, "compliance/audits/evidence.html", {
        "assessment": assessment, "r": result, "items": items, "form": form or EvidenceForm(),
        "version_form": VersionForm(auto_id="version-%s")}, status=status)


@org_view("assessment.view")
@require_GET
def result_evidence(request: OrgRequest, assessment_id: int, result_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.org, assessment_id)
    return _evidence_page(request, assessment, selectors.access_result(request.org, assessment, result_id))


@org_view("evidence.add")
@require_POST
def evidence_add(request: OrgRequest, assessment_id: int, result_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.org, assessment_id)
    result = selectors.access_result(request.org, assessment, result_id)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data.pop("file")
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            item = services_evidence.do_add_evidence(request.user, request.org, data, result=result, upload=upload,
                                                     filename=upload.name if upload else "")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s attached.") % {"ref": item.ref})
            return go(request, reverse("audits:result_evidence", kwargs={
                "org": request.org.slug, "assessment_id": assessment.pk, "result_id": result.pk}))
    return _evidence_page(request, assessment, result, form=form, status=422)


@org_view("evidence.add")
@require_POST
def evidence_version(request: OrgRequest, evidence_id: int) -> HttpResponse:
    item = selectors.access_evidence(request.org, evidence_id)
    form = VersionForm(request.POST, request.FILES)
    back = reverse("audits:list", kwargs={"org": request.org.slug})
    if item.result is not None:
        back = reverse("audits:result_evidence", kwargs={
            "org": request.org.slug, "assessment_id": item.result.assessment_id, "result_id": item.result_id})
    if form.is_valid():
        upload = form.cleaned_data.pop("file")
        data = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        try:
            version = services_evidence.do_add_evidence_version(request.user, request.org, item, data, upload=upload,
                                                                filename=upload.name if upload else "")
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(ref)s: version %(number)s added.") % {"ref": item.ref,
                                                                               "number": version.number})
    else:
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, str(problem))
    return go(request, back)


@org_view("assessment.view")
@require_GET
def evidence_download(request: OrgRequest, evidence_id: int) -> HttpResponse:
    item = selectors.access_evidence(request.org, evidence_id)
    return evidence_file_response(selectors.evidence_version(request.org, item))


@org_view("assessment.view")
@require_GET
def evidence_version_download(request: OrgRequest, evidence_id: int, number: int) -> HttpResponse:
    item = selectors.access_evidence(request.org, evidence_id)
    return evidence_file_response(selectors.evidence_version(request.org, item, number))


@org_view("assessment.view")
@require_GET
def evidence_file(request: OrgRequest, name: str) -> HttpResponse:
    """A stored file by its name (the last part of its storage name), in the member's organisation only."""
    return evidence_file_response(selectors.access_evidence_file(request.org, name))
