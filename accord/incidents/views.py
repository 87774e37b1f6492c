"""Web pages of the incidents: the list (filters by kind, status and severity, with the clocks), a new incident,
the incident's page (its clocks, roles, affected systems with their recovery countdown, the timeline with its add
form, tasks, communications, the post-incident review with its lessons, history) and the posts that advance it,
add to its timeline, add or update a task, log a communication, record a NIS2 report and the DPO's own breach
awareness, write the review, add a lesson and mark its action done, and ask for the incident's PDF; the playbooks
and their edit form, and the incident matrix's edit form. Thin: each parses input, calls one service or selector,
renders. No page changes or removes a timeline entry."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.answers import fragment
from accord.core.conflict import Conflict
from accord.core.models import Organization
from accord.core.reports.services import do_request_report
from accord.core.selectors import object_history
from accord.core.web import OrgRequest, apply_errors, go, org_view, push_clean_url, query_string, render_page
from accord.incidents import rules, selectors, services, services_reviews
from accord.incidents.choices import IncidentKind, IncidentRole, LessonStatus, Nis2Report
from accord.incidents.forms import (
    AwarenessForm,
    CommunicationForm,
    IncidentFilterForm,
    IncidentForm,
    IncidentMatrixForm,
    LessonForm,
    LessonStatusForm,
    PlaybookForm,
    ReportForm,
    ReviewForm,
    TaskForm,
    TaskStatusForm,
    TimelineForm,
)
from accord.incidents.models import Incident, IncidentReview
from accord.incidents.reports import INCIDENT

PAGE_SIZE = 25


def _url(request: OrgRequest, obj: Incident, anchor: str = "") -> str:
    return reverse("incidents:detail", kwargs={"org": request.org.slug, "incident_id": obj.pk}) + anchor


def _filters(form: IncidentFilterForm) -> selectors.IncidentFilter:
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status", "")
    return selectors.IncidentFilter(kind=data.get("kind", ""), status="" if status == "open" else status,
                                    severity=data.get("severity", ""), open_only=status == "open")


def _clock_rows(org: Any, obj: Incident) -> list[dict[str, Any]]:
    now = timezone.now()
    labels = dict(Nis2Report.choices)
    return [{"key": c.key, "label": labels[c.key], "due_at": c.due_at, "done_at": c.done_at, "late": c.late(now)}
            for c in selectors.clocks(org, obj)]


@org_view("incident.view")
@require_GET
def incident_list(request: OrgRequest) -> HttpResponse:
    form = IncidentFilterForm(request.GET or None)
    filters = _filters(form)
    page = Paginator(selectors.incidents(request.org, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"incident": obj, "clocks": _clock_rows(request.org, obj)} for obj in page]
    context = {"form": form, "page": page, "rows": rows, "filtered": filters != selectors.IncidentFilter(),
               "query": query_string(request), "now": timezone.now()}
    return push_clean_url(request, render_page(request, "incidents/list.html", "incidents/_list_results.html",
                                               context))


@org_view("incident.change")
@require_http_methods(["GET", "POST"])
def incident_create(request: OrgRequest) -> HttpResponse:
    grid = selectors.matrix(request.org)
    form = IncidentForm(request.org, grid.impacts, grid.urgencies, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            obj = services.do_open_incident(request.user, request.org, form.data_for_service())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s opened.") % {"ref": obj.ref})
            return go(request, _url(request, obj))
    return render(request, "incidents/form.html", {"form": form}, status=422 if form.errors else 200)


def _page(request: OrgRequest, obj: Incident, *, status: int = 200, **forms: Any) -> HttpResponse:
    org = request.org
    roles = [(IncidentRole(r).label, getattr(obj, r)) for r in IncidentRole.values]
    review = selectors.review(org, obj)
    context = {
        "incident": obj, "clocks": _clock_rows(org, obj), "roles": roles,
        "systems": selectors.affected_systems(org, obj), "timeline": list(selectors.timeline(org, obj)),
        "tasks": list(selectors.tasks(org, obj)), "communications": list(selectors.communications(org, obj)),
        "next_status": rules.next_phase(obj.status), "now": timezone.now(),
        "timeline_form": forms.get("timeline_form") or TimelineForm(auto_id="entry-%s"),
        "task_form": forms.get("task_form") or TaskForm(org, auto_id="task-%s"),
        "communication_form": forms.get("communication_form") or CommunicationForm(auto_id="comm-%s"),
        "awareness_form": forms.get("awareness_form") or AwarenessForm(auto_id="aware-%s"),
        "report_form": ReportForm(auto_id="report-%s"),
        "history": object_history(org, obj),
        "may_review": rules.may_review(obj.status), "review": review, "lessons": list(selectors.lessons(org, obj)),
        "review_form": forms.get("review_form") or ReviewForm(auto_id="review-%s", initial=_review_initial(review)),
        "lesson_form": forms.get("lesson_form") or LessonForm(org, auto_id="lesson-%s"),
        "lesson_statuses": LessonStatus.choices,
    }
    return render(request, "incidents/detail.html", context, status=status)


def _review_initial(review: IncidentReview | None) -> dict[str, Any]:
    if review is None:
        return {}
    return {"what_happened": review.what_happened, "worked": review.worked, "did_not_work": review.did_not_work,
            "held_on": review.held_on}


@org_view("incident.view")
@require_GET
def incident_detail(request: OrgRequest, incident_id: int) -> HttpResponse:
    return _page(request, selectors.access_incident(request.org, incident_id))


@org_view("incident.change")
@require_POST
def incident_advance(request: OrgRequest, incident_id: int) -> HttpResponse:
    obj = selectors.access_incident(request.org, incident_id)
    try:
        done = services.do_advance_incident(request.user, request.org, obj)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(ref)s is now %(status)s.") % {"ref": done.ref,
                                                                     "status": done.get_status_display()})
    return go(request, _url(request, obj))


def _add(request: OrgRequest, obj: Incident, form: Any, name: str, write: Callable[[], object], done: str,
         anchor: str) -> HttpResponse:
    """What a form of the incident's page does once posted: a valid form calls `write` (the service), says `done`
    and goes back to the page at `anchor`; an invalid form, or the service's refusal on its fields, shows the page
    again with the form (`name` in its context) and its errors (422)."""
    if form.is_valid():
        try:
            write()
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return go(request, _url(request, obj, anchor))
    return _page(request, obj, status=422, **{name: form})


@org_view("incident.timeline")
@require_POST
def timeline_add(request: OrgRequest, incident_id: int) -> HttpResponse:
    obj = selectors.access_incident(request.org, incident_id)
    form = TimelineForm(request.POST, auto_id="entry-%s")
    return _add(request, obj, form, "timeline_form",
                lambda: services.do_add_timeline_entry(request.user, request.org, obj, form.cleaned_data),
                _("Entry added to the timeline of %(ref)s.") % {"ref": obj.ref}, "#timeline")


@org_view("incident.task")
@require_POST
def task_add(request: OrgRequest, incident_id: int) -> HttpResponse:
    obj = selectors.access_incident(request.org, incident_id)
    form = TaskForm(request.org, request.POST, auto_id="task-%s")
    return _add(request, obj, form, "task_form",
                lambda: services.do_add_incident_task(request.user, request.org, obj, form.cleaned_data),
                _("Task added to %(ref)s.") % {"ref": obj.ref}, "#tasks")


@org_view("incident.task")
@require_POST
def task_status(request: OrgRequest, incident_id: int, task_id: int) -> HttpResponse:
    obj = selectors.access_incident(request.org, incident_id)
    task = selectors.access_task(request.org, obj, task_id)
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        services.do_update_incident_task(request.user, request.org, task, form.cleaned_data)
        messages.success(request, _("Task saved."))
    else:
        messages.error(request, _("Choose a status for the task."))
    return go(request, _url(request, obj, "#tasks"))


@org_view("incident.task")
@require_POST
def communication_add(request: OrgRequest, incident_id: int) -> HttpResponse:
    obj = selectors.access_incident(request.org, incident_id)
    form = CommunicationForm(request.POST, auto_id="comm-%s")
    return _add(request, obj, form, "communication_form",
                lambda: services.do_log_communication(request.user, request.org, obj, form.cleaned_data),
                _("Communication logged on %(ref)s.") % {"ref": obj.ref}, "#communications")


@org_view("incident.change")
@require_POST
def nis2_report(request: OrgRequest, incident_id: int, report: str) -> HttpResponse:
    obj = selectors.access_incident(request.org, incident_id)
    if report not in Nis2Report.values:
        raise Http404("No such report.")
    form = ReportForm(request.POST)
    at = form.cleaned_data.get("at") if form.is_valid() else None
    try:
        services.do_record_nis2_report(request.user, request.org, obj, report,
                                       at=_instant(request, at) if at else None)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("%(report)s recorded as sent.") % {"report": Nis2Report(report).label})
    return go(request, _url(request, obj, "#clocks"))


def _instant(request: OrgRequest, value: str) -> Any:
    from accord.privacy.services_common import Cleaner

    cleaner = Cleaner(request.org)
    moment = cleaner.instant("at", value)
    if cleaner.errors:
        raise ValidationError(cleaner.errors)
    return moment


@org_view("incident.breach")
@require_POST
def breach_awareness(request: OrgRequest, incident_id: int) -> HttpResponse:
    obj = selectors.access_incident(request.org, incident_id)
    form = AwarenessForm(request.POST, auto_id="aware-%s")
    return _add(request, obj, form, "awareness_form",
                lambda: services.do_set_breach_awareness(request.user, request.org, obj,
                                                         form.cleaned_data["became_aware_at"],
                                                         reason=form.cleaned_data["reason"]),
                _("The breach's awareness instant is recorded."), "#breach")


@org_view("incident.view")
@require_POST
def incident_report(request: OrgRequest, incident_id: int) -> HttpResponse:
    """Queue the incident's PDF (a job of the report pipeline) and follow it on the job's page."""
    obj = selectors.access_incident(request.org, incident_id)
    job = do_request_report(request.user, request.org, INCIDENT, {"incident": obj.pk})
    messages.info(request, _("Printing %(ref)s. Download it here once it is done.") % {"ref": obj.ref})
    return go(request, reverse("core:job", kwargs={"org": request.org.slug, "job_id": job.pk}))


def _refused(request: OrgRequest, obj: Incident, form: Any, exc: ValidationError, **forms: Any) -> HttpResponse:
    """The page again with the service's refusal: on the form (422), or, when the incident's state refuses it
    (not recovered yet: the form is not shown), as a message (409)."""
    if isinstance(exc, Conflict):
        for message in exc.messages:
            messages.error(request, message)
        return _page(request, obj, status=409, **forms)
    apply_errors(form, exc)
    return _page(request, obj, status=422, **forms)


@org_view("incident.review")
@require_POST
def review_write(request: OrgRequest, incident_id: int) -> HttpResponse:
    obj = selectors.access_incident(request.org, incident_id)
    form = ReviewForm(request.POST, auto_id="review-%s")
    if form.is_valid():
        try:
            services_reviews.do_write_incident_review(request.user, request.org, obj, form.cleaned_data)
        except ValidationError as exc:
            return _refused(request, obj, form, exc, review_form=form)
        messages.success(request, _("The review of %(ref)s is saved.") % {"ref": obj.ref})
        return go(request, _url(request, obj, "#review"))
    return _page(request, obj, status=422, review_form=form)


@org_view("incident.review")
@require_POST
def lesson_add(request: OrgRequest, incident_id: int) -> HttpResponse:
    obj = selectors.access_incident(request.org, incident_id)
    form = LessonForm(request.org, request.POST, auto_id="lesson-%s")
    if form.is_valid():
        try:
            services_reviews.do_add_lesson(request.user, request.org, obj, form.cleaned_data)
        except ValidationError as exc:
            return _refused(request, obj, form, exc, lesson_form=form)
        messages.success(request, _("Lesson added to the review of %(ref)s.") % {"ref": obj.ref})
        return go(request, _url(request, obj, "#lessons"))
    return _page(request, obj, status=422, lesson_form=form)


@org_view("incident.review")
@require_POST
def lesson_status(request: OrgRequest, incident_id: int, lesson_id: int) -> HttpResponse:
    obj = selectors.access_incident(request.org, incident_id)
    lesson = selectors.access_lesson(request.org, obj, lesson_id)
    form = LessonStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status for the lesson's action."))
        return go(request, _url(request, obj, "#lessons"))
    try:
        services_reviews.do_update_lesson(request.user, request.org, lesson, form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Lesson saved."))
    return go(request, _url(request, obj, "#lessons"))


def _metric_labels() -> dict[str, str]:
    return {"detect": _("Mean time to detect"), "acknowledge": _("Mean time to acknowledge"),
            "contain": _("Mean time to contain"), "recover": _("Mean time to recover")}


def _table(groups: dict[str, dict[str, rules.Mean]], names: dict[str, str]) -> list[dict[str, Any]]:
    return [{"group": names.get(g, g), "means": [metrics[k] for k in ("detect", "acknowledge", "contain", "recover")]}
            for g, metrics in groups.items()]


@org_view("incident.view")
@require_GET
def incident_metrics(request: OrgRequest) -> HttpResponse:
    # The figures carry nothing of the viewer: stored per role and data version (accord/core/answers.py), so a
    # second read of 10,000 incidents costs what a read of 100 does.
    body = fragment(request, "incidents:metrics", "incidents/_metrics_body.html", lambda: _metrics(request.org))
    return render(request, "incidents/metrics.html", {"body": body})


def _metrics(org: Organization) -> dict[str, Any]:
    from django.utils.safestring import mark_safe

    from accord.charts.bars import BarSeries, BarSpec, bar_svg
    from accord.incidents.choices import Severity

    found = selectors.metrics(org)
    labels = _metric_labels()
    chart = None
    if found.by_quarter:
        quarters = list(found.by_quarter)
        spec = BarSpec(_("Mean times per quarter"),
                       _("Mean elapsed hours to detect, acknowledge, contain and recover, per quarter of awareness."),
                       quarters, [BarSeries(labels[k], [round(found.by_quarter[q][k].hours or 0.0, 1)
                                                        for q in quarters])
                                  for k in ("detect", "acknowledge", "contain", "recover")],
                       y_title=_("Hours"), value_format=lambda v: f"{v:.0f}", id_prefix="incident-metrics")
        chart = mark_safe(bar_svg(spec, standalone=False))  # noqa: S308 - every text escaped by the chart module
    return {"labels": list(labels.values()), "chart": chart, "total": found.incidents,
            "by_severity": _table(found.by_severity, {k: str(v) for k, v in Severity.choices}),
            "by_quarter": _table(found.by_quarter, {})}


@org_view("incident.view")
@require_GET
def playbook_list(request: OrgRequest) -> HttpResponse:
    labels = dict(IncidentKind.choices)
    books = [{"kind": p.kind, "label": labels[p.kind], "tasks": p.tasks, "customised": p.customised}
             for p in selectors.playbooks(request.org)]
    grid = selectors.matrix(request.org)
    matrix = [(label, row) for label, row in zip(grid.urgencies, grid.levels, strict=True)]
    return render(request, "incidents/playbooks.html", {"playbooks": books, "grid": grid, "matrix": matrix})


@org_view("incident.playbook")
@require_http_methods(["GET", "POST"])
def playbook_edit(request: OrgRequest, kind: str) -> HttpResponse:
    if kind not in IncidentKind.values:
        raise Http404("No such kind.")
    book = selectors.playbook(request.org, kind)
    form = PlaybookForm(request.POST or None, initial={"steps": PlaybookForm.as_text(book.tasks)})
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_playbook(request.user, request.org, kind, form.tasks())
        except ValidationError as exc:
            apply_errors(form, exc, rename={"tasks": "steps", "kind": "steps"})
        else:
            messages.success(request, _("The playbook is saved."))
            return go(request, reverse("incidents:playbooks", kwargs={"org": request.org.slug}))
    return render(request, "incidents/playbook_form.html",
                  {"form": form, "kind": kind, "label": IncidentKind(kind).label},
                  status=422 if form.errors else 200)


def _matrix_form(request: OrgRequest, data: Any = None) -> IncidentMatrixForm:
    grid = selectors.matrix(request.org)
    size = IncidentMatrixForm.size_asked(data if data is not None else request.GET,
                                         (len(grid.urgencies), len(grid.impacts)))
    return IncidentMatrixForm(data, impacts=grid.impacts, urgencies=grid.urgencies, levels=grid.levels, size=size)


@org_view("incident.playbook")
@require_http_methods(["GET", "POST"])
def matrix_edit(request: OrgRequest) -> HttpResponse:
    """The incident matrix's labels and severities (the same grid form as the risk matrix's); saving reads every
    incident's severity again from it."""
    form = _matrix_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_set_incident_matrix(request.user, request.org, **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The incident matrix is saved; every incident's severity was read again "
                                        "from it."))
            return go(request, reverse("incidents:playbooks", kwargs={"org": request.org.slug}))
    return render(request, "incidents/matrix_form.html", {"form": form, "sizes": range(form.minimum,
                                                                                          form.maximum + 1)},
                  status=422 if form.errors else 200)
