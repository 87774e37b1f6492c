"""Web pages of the data-privacy audits: the list with the form to plan one, an audit's page (scope, imports,
questionnaires, the discrepancy matrix, discrepancies with their findings), the data-discovery upload (a job), the
questionnaires sent to the owners and the owner's answer, the comparison, and the PDF report (a job). Thin: each
parses input, calls one service or selector, renders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.permissions import allows
from accord.core.reports.services import do_request_report
from accord.core.web import OrgRequest, apply_errors, go, org_view
from accord.privacy import selectors_discovery, services_discovery
from accord.privacy.forms_discovery import AnswerForm, DataAuditForm, DiscoveryUploadForm
from accord.privacy.jobs_discovery import do_queue_discovery_import
from accord.privacy.models_discovery import DataAudit
from accord.privacy.reports_discovery import DATA_AUDIT_REPORT_NAME

PAGE_SIZE = 50


def _detail_url(request: OrgRequest, audit: DataAudit) -> str:
    return reverse("dataaudits:detail", kwargs={"org": request.org.slug, "audit_id": audit.pk})


@org_view("privacy.data_audit.view")
@require_GET
def audit_list(request: OrgRequest) -> HttpResponse:
    audits = list(selectors_discovery.data_audits(request.org)[:PAGE_SIZE])
    mine = list(selectors_discovery.questionnaires_for(request.org, request.membership)[:PAGE_SIZE])
    form = DataAuditForm(request.org) if allows(request.membership.role, "privacy.data_audit.change") else None
    return render(request, "privacy/dataaudits/list.html", {"audits": audits, "mine": mine, "form": form})


@org_view("privacy.data_audit.change")
@require_http_methods(["GET", "POST"])
def audit_create(request: OrgRequest) -> HttpResponse:
    form = DataAuditForm(request.org, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services_discovery.do_create_data_audit(request.user, request.org, form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s planned.") % {"ref": created.ref})
            return go(request, _detail_url(request, created))
    return render(request, "privacy/dataaudits/create.html", {"form": form}, status=422 if form.errors else 200)


def _detail(request: OrgRequest, audit: DataAudit, *, upload: DiscoveryUploadForm | None = None) -> HttpResponse:
    comparison = selectors_discovery.comparison(request.org, audit)
    context = {
        "audit": audit, "comparison": comparison,
        "columns": [(key, comparison.label(key)) for key in comparison.categories],
        "rows": [(s, [comparison.matrix[s.ref][key] for key in comparison.categories]) for s in comparison.systems],
        "questionnaires": list(selectors_discovery.questionnaires(request.org, audit)),
        "discrepancies": list(selectors_discovery.discrepancies(request.org, audit)),
        "pending": len({d.key for d in comparison.found} - set(
            selectors_discovery.discrepancies(request.org, audit).values_list("key", flat=True))),
        "upload": upload or DiscoveryUploadForm(),
    }
    return render(request, "privacy/dataaudits/detail.html", context,
                  status=422 if upload is not None and upload.errors else 200)


@org_view("privacy.data_audit.view")
@require_GET
def audit_detail(request: OrgRequest, audit_id: int) -> HttpResponse:
    return _detail(request, selectors_discovery.access_data_audit(request.org, audit_id))


@org_view("privacy.data_audit.change")
@require_POST
def discovery_upload(request: OrgRequest, audit_id: int) -> HttpResponse:
    audit = selectors_discovery.access_data_audit(request.org, audit_id)
    form = DiscoveryUploadForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        job = do_queue_discovery_import(request.user, request.org, audit, upload.read(), upload.name)
        messages.info(request, _("Importing %(name)s into %(ref)s.") % {"name": upload.name, "ref": audit.ref})
        return go(request, reverse("core:job", kwargs={"org": request.org.slug, "job_id": job.pk}))
    return _detail(request, audit, upload=form)


@org_view("privacy.data_audit.change")
@require_POST
def questionnaires_send(request: OrgRequest, audit_id: int) -> HttpResponse:
    audit = selectors_discovery.access_data_audit(request.org, audit_id)
    done = services_discovery.do_send_questionnaires(request.user, request.org, audit)
    messages.success(request, _("%(n)s questionnaire(s) sent.") % {"n": len(done.sent)})
    if done.without_owner:
        messages.warning(request, _("No owner to send to: %(systems)s. Give them an owner, then send again.") % {
            "systems": ", ".join(f"{s.ref} {s.name}" for s in done.without_owner)})
    return go(request, _detail_url(request, audit))


@org_view("privacy.data_audit.answer")
@require_http_methods(["GET", "POST"])
def questionnaire(request: OrgRequest, audit_id: int, questionnaire_id: int) -> HttpResponse:
    audit = selectors_discovery.access_data_audit(request.org, audit_id)
    q = selectors_discovery.access_questionnaire(request.org, audit, questionnaire_id)
    initial = {"fields_text": "\n".join("; ".join(p for p in (f.get("name", ""), f.get("location", ""),
                                                                 f.get("retention", "")) if p) for f in q.fields),
               "stored_in": ", ".join(q.stored_in), "retention": q.retention, "access": q.access,
               "shared_with": q.shared_with}
    form = AnswerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services_discovery.do_answer_questionnaire(request.user, request.org, q, form.answer())
        except PermissionDenied:
            raise
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Thank you: the answer for %(system)s is recorded.") % {
                "system": q.system.name})
            return go(request, reverse("dataaudits:list", kwargs={"org": request.org.slug}))
    return render(request, "privacy/dataaudits/questionnaire.html", {"audit": audit, "q": q, "form": form},
                  status=422 if form.errors else 200)


@org_view("privacy.data_audit.change")
@require_POST
def audit_compare(request: OrgRequest, audit_id: int) -> HttpResponse:
    audit = selectors_discovery.access_data_audit(request.org, audit_id)
    try:
        done = services_discovery.do_compare_data_audit(request.user, request.org, audit)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Compared: %(created)s new discrepancies (each a finding), %(unchanged)s found "
                                    "again, %(resolved)s no longer found.") % done.as_data())
    return go(request, _detail_url(request, audit))


@org_view("privacy.data_audit.view")
@require_POST
def audit_report(request: OrgRequest, audit_id: int) -> HttpResponse:
    audit = selectors_discovery.access_data_audit(request.org, audit_id)
    job = do_request_report(request.user, request.org, DATA_AUDIT_REPORT_NAME, {"audit": audit.pk})
    messages.info(request, _("Printing the report of %(ref)s. Download it here once it is done.") % {"ref": audit.ref})
    return go(request, reverse("core:job", kwargs={"org": request.org.slug, "job_id": job.pk}))
