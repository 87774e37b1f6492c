"""Web pages of the risk register (the register, risk pages, heat map, appetite, matrix and categories):
thin, each parses input, calls one service or selector, renders.

Writes have their own URL names, so the role table checks each one; htmx requests get the part of
the page they replace (the `_*.html` partials) and plain requests the whole page, so every page also
works without JavaScript.
"""

from __future__ import annotations

import dataclasses
import decimal
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core import selectors as core_selectors
from accord.core.models import AuditEvent, Membership, User
from accord.core.permissions import allows
from accord.core.web import OrgRequest, apply_errors, is_htmx, org_view
from accord.risks import charts, quantified, selectors, services
from accord.risks import io as risk_files
from accord.risks.choices import AcceptanceStatus, Level, RaisedBy, RiskStatus, Signatory, Treatment
from accord.risks.forms import (
    SECTION_TITLES,
    SECTIONS,
    AcceptanceRequestForm,
    AppetiteDraftForm,
    CategoryChangeForm,
    CategoryCreateForm,
    ImportForm,
    MatrixForm,
    RiskChoices,
    RiskFilterForm,
    RiskForm,
    matrix_size,
    risk_initial,
)
from accord.risks.models import AppetiteSignature, Risk, RiskAppetite, RiskCategory
from accord.risks.services.acceptances import org_today
from accord.risks.services.register import ImportRejected
from accord.risks.services.signing import fits
from accord.risks.views.money import risk_lec_spec

PAGE_SIZE = 25
HISTORY_LIMIT = 100
SORTABLE = (("ref", "Ref"), ("title", "Title"), ("category", "Category"), ("level", "Residual"),
            ("status", "Status"), ("review", "Next review"))


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _partial(request: HttpRequest) -> bool:
    """An htmx swap (not htmx restoring a page from history, which needs the whole page)."""
    return is_htmx(request) and request.headers.get("HX-History-Restore-Request") != "true"


def _render(request: HttpRequest, page: str, partial: str, context: dict[str, Any]) -> HttpResponse:
    is_partial = _partial(request)
    response = render(request, partial if is_partial else page, {**context, "partial": is_partial})
    patch_vary_headers(response, ["HX-Request"])  # a cache must not answer a page visit with a partial
    return response


def _go(request: HttpRequest, url: str) -> HttpResponse:
    """Redirect; an htmx request (a confirmed delete or signature) reloads the whole page at `url`."""
    if is_htmx(request):
        # Without the #fragment: a redirect to the same page with only a fragment would not reload it, and
        # the messages show at the top of the page anyway.
        response = HttpResponse()
        response["HX-Redirect"] = url.split("#", 1)[0]
        return response
    return redirect(url)


def _query(request: HttpRequest, *, drop: Iterable[str] = ("page",), **values: str) -> str:
    query = request.GET.copy()
    for name in (*drop, *values):
        query.pop(name, None)
    for name, value in values.items():
        query[name] = value
    return query.urlencode()


def _filter_form(request: OrgRequest) -> RiskFilterForm:
    return RiskFilterForm(request.GET, categories=selectors.categories(request.org),
                          members=core_selectors.members(request.org))


def _field_errors(form: forms.Form, exc: ValidationError, rename: Mapping[str, str] | None = None) -> None:
    """A service's errors on the form; a field the form lacks is named in the message."""
    if not hasattr(exc, "error_dict"):
        apply_errors(form, exc)
        return
    for field, errors in exc.message_dict.items():
        target = (rename or {}).get(field, field)
        for message in errors:
            if target in form.fields:
                form.add_error(target, message)
            else:
                form.add_error(None, f"{field.replace('_', ' ').capitalize()}: {message}")


# --- the register -------------------------------------------------------------------------------------

@org_view("risk.view")
@require_GET
def index(request: OrgRequest) -> HttpResponse:
    return redirect("risks:list", org=request.org.slug)


@org_view("risk.view")
@require_GET
def risk_list(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = _filter_form(request)
    filters = form.to_filter()
    page = Paginator(selectors.risks(org, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    # One cached result for the whole register (O(1) queries); figures built for this page's risks only.
    money = quantified.risk_money(org, only={risk.pk for risk in page.object_list})
    for risk in page.object_list:
        risk.money = money.get(risk.pk)  # read by the template's money columns
    columns = []
    for key, label in SORTABLE:
        state = "ascending" if filters.sort == key else "descending" if filters.sort == f"-{key}" else ""
        columns.append({"label": label, "state": state,
                        "query": _query(request, sort=f"-{key}" if state == "ascending" else key)})
    filtered = filters != dataclasses.replace(selectors.RiskFilter(), sort=filters.sort)
    context = {
        "form": form, "filters": filters, "page": page, "columns": columns, "filtered": filtered,
        "query": _query(request), "today": org_today(org),
        "cell_label": _cell_label(filters),
        "query_without_cell": _query(request, drop=("page", "inherent_cell", "residual_cell")),
        "has_money": any(risk.money for risk in page.object_list),
    }
    return _render(request, "risks/list.html", "risks/_list_results.html", context)


def _cell_label(filters: selectors.RiskFilter) -> str:
    if filters.inherent_cell:
        return "inherent likelihood {} × impact {}".format(*filters.inherent_cell)
    if filters.residual_cell:
        return "residual likelihood {} × impact {}".format(*filters.residual_cell)
    return ""


@org_view("risk.export")
@require_GET
def export(request: OrgRequest) -> HttpResponse:
    filters = _filter_form(request).to_filter()
    try:
        fmt = request.GET.get("format", "csv")
        content, content_type, filename = risk_files.export_register(request.org, filters, fmt)
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages), content_type="text/plain; charset=utf-8")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@org_view("risk.import")
@require_http_methods(["GET", "POST"])
def import_risks(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = ImportForm(request.POST or None, request.FILES or None)
    rejected: list[tuple[int, str, str]] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = services.do_import_risks(_actor(request), org, risk_files.parse_upload(upload, upload.name))
        except ImportRejected as exc:
            rejected = exc.rows
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, f"Imported {len(created)} risk{'s' if len(created) != 1 else ''}.")
            return redirect("risks:list", org=org.slug)
    optional = [c for c in risk_files.COLUMNS
                if c not in risk_files.REQUIRED_COLUMNS and c not in risk_files.READ_ONLY_COLUMNS]
    context = {"form": form, "rejected": rejected, "columns": optional,
               "required": risk_files.REQUIRED_COLUMNS, "categories": selectors.categories(org, active_only=True),
               "levels": Level.values}
    return render(request, "risks/import.html", context)


# --- one risk -------------------------------------------------------------------------------------------

def _choices(org: Any) -> RiskChoices:
    return RiskChoices(categories=list(selectors.categories(org)), members=list(core_selectors.members(org)),
                       matrix=selectors.current_matrix(org))


def _groups(form: RiskForm) -> list[tuple[str, list[forms.BoundField]]]:
    """The form's fields in the risk page's sections, for the full create and edit pages."""
    return [(SECTION_TITLES[name], [form[f] for f in fields if f in form.fields]) for name, fields in SECTIONS.items()]


def _default_raised_by(membership: Membership) -> str:
    return membership.role if membership.role in RaisedBy.values else RaisedBy.CISO.value


@org_view("risk.create")
@require_http_methods(["GET", "POST"])
def risk_create(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = RiskForm(request.POST or None, choices=_choices(org), currency=org.currency,
                    initial={"raised_by": _default_raised_by(request.membership), "status": "identified"})
    if request.method == "POST" and form.is_valid():
        try:
            risk = services.do_create_risk(_actor(request), org, form.service_data())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, f"{risk.ref} added to the register.")
            return redirect("risks:detail", org=org.slug, risk_id=risk.pk)
    return render(request, "risks/risk_form.html", {"form": form, "groups": _groups(form), "risk": None})


@org_view("risk.change")
@require_http_methods(["GET", "POST"])
def risk_edit(request: OrgRequest, risk_id: int) -> HttpResponse:
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    form = RiskForm(request.POST or None, choices=_choices(org), initial=risk_initial(risk), currency=org.currency)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_risk(_actor(request), org, risk, form.service_data())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, f"{risk.ref} saved.")
            return redirect("risks:detail", org=org.slug, risk_id=risk.pk)
    return render(request, "risks/risk_form.html", {"form": form, "groups": _groups(form), "risk": risk})


@org_view("risk.delete")
@require_POST
def risk_delete(request: OrgRequest, risk_id: int) -> HttpResponse:
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    services.do_delete_risk(_actor(request), org, risk)
    messages.success(request, f"{risk.ref} {risk.title} deleted; the audit trail keeps what it was.")
    return _go(request, reverse("risks:list", kwargs={"org": org.slug}))


def _history(org: Any, risk: Risk, categories: Iterable[RiskCategory],
             members: Iterable[Membership]) -> list[dict[str, Any]]:
    """The risk's audit events as a person reads them: who changed what, before → after, with ids
    and codes turned into names (a member or category deleted since shows as its number)."""
    names: dict[str, dict[Any, str]] = {"category": {c.pk: c.name for c in categories}}
    names["owner"] = names["treatment_owner"] = {m.pk: m.user.display_name for m in members}
    for field, choices in (("raised_by", RaisedBy), ("treatment", Treatment), ("status", RiskStatus),
                           ("inherent_level", Level), ("residual_level", Level)):
        names[field] = {str(value): str(label) for value, label in choices.choices}

    def show(field: str, value: Any) -> str:
        if value in (None, "", []):
            return "—"
        if field in names:
            return names[field].get(value, f"#{value}")
        if isinstance(value, list):
            return "; ".join(str(v) for v in value)
        if field.startswith(("frequency_", "loss_", "treatment_frequency_", "treatment_loss_")):
            try:
                number = decimal.Decimal(str(value))
            except decimal.InvalidOperation:
                return str(value)
            if field.startswith("treatment_"):
                return f"{(number * 100).normalize():f} %"
            return f"{number.normalize():,f}"
        if field == "fair":
            return json.dumps(_numbers(value), separators=(", ", ": "))
        return str(value)

    rows = []
    event: AuditEvent
    for event in selectors.risk_history(org, risk)[:HISTORY_LIMIT]:
        changes = []
        for field, pair in (event.changes or {}).items():
            if not (isinstance(pair, list) and len(pair) == 2):
                continue
            before, after = show(field, pair[0]), show(field, pair[1])
            if event.action == "create" and after == "—":
                continue  # a new risk's empty fields say nothing
            changes.append((field.replace("_", " ").capitalize(), before, after))
        rows.append({"event": event, "changes": changes})
    return rows


def _numbers(value: Any) -> Any:
    """An audited JSON value with its numbers back as numbers (the audit trail stores decimals as text)."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, str):
        try:
            number = decimal.Decimal(value)
        except decimal.InvalidOperation:
            return value
        if not number.is_finite():
            return value
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def _money_context(org: Any, risk: Risk) -> dict[str, Any]:
    """The risk in money for its page (None without an estimate, or when it is closed), and the text
    equivalent of its loss exceedance curve for the image's `alt`."""
    money = quantified.risk_money(org, only={risk.pk}).get(risk.pk) if risk.has_money_estimate else None
    return {"money": money, "money_chart": risk_lec_spec(org, risk, money).description if money else ""}


def _acceptance_rows(request: OrgRequest, risk: Risk) -> list[dict[str, Any]]:
    role = request.membership.role
    can_sign, can_withdraw = allows(role, "acceptance.sign"), allows(role, "acceptance.request")
    rows = []
    for acceptance in selectors.acceptances(request.org, risk):
        signatures = list(acceptance.signatures.all())
        signed = {s.slot for s in signatures}
        open_slots = [s for s in acceptance.required_signatories if s not in signed]
        state = acceptance.state  # type: ignore[attr-defined]  # annotated by the selector
        rows.append({
            "acceptance": acceptance, "state": state, "state_label": AcceptanceStatus(state).label,
            "signatures": signatures, "awaiting": [Signatory(s).label for s in open_slots],
            "required": [Signatory(s).label for s in acceptance.required_signatories],
            "can_sign": can_sign and state == AcceptanceStatus.PENDING and any(
                fits(s, request.membership, owner_id=risk.owner_id) for s in open_slots),
            "can_withdraw": can_withdraw and state in (AcceptanceStatus.PENDING, AcceptanceStatus.IN_FORCE),
        })
    return rows


def _detail_context(request: OrgRequest, risk: Risk, *,
                    acceptance_form: AcceptanceRequestForm | None = None) -> dict[str, Any]:
    org = request.org
    categories, members = list(selectors.categories(org)), list(core_selectors.members(org))
    return {
        "risk": risk, "matrix": selectors.current_matrix(org), "today": org_today(org),
        "history": _history(org, risk, categories, members),
        "acceptances": _acceptance_rows(request, risk),
        "acceptance_form": acceptance_form or AcceptanceRequestForm(),
        "sections": [(name, SECTION_TITLES[name]) for name in SECTIONS],
        **_money_context(org, risk),
    }


@org_view("risk.view")
@require_GET
def risk_detail(request: OrgRequest, risk_id: int) -> HttpResponse:
    risk = selectors.access_risk(request.org, risk_id)
    return render(request, "risks/detail.html", _detail_context(request, risk))


def _section_name(section: str) -> str:
    if section not in SECTIONS:
        raise Http404("No such section.")
    return section


@org_view("risk.view")
@require_GET
def risk_section(request: OrgRequest, risk_id: int, section: str) -> HttpResponse:
    """One section of the risk page as shown (what an inline edit's Cancel swaps back)."""
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    section = _section_name(section)
    if not _partial(request):
        return redirect(reverse("risks:detail", kwargs={"org": org.slug, "risk_id": risk.pk}) + f"#section-{section}")
    context = {"risk": risk, "section": section, "title": SECTION_TITLES[section], "refocus": True,
               "matrix": selectors.current_matrix(org), "today": org_today(org),
               **(_money_context(org, risk) if section == "money" else {})}
    return _render(request, "risks/section_edit.html", "risks/_section.html", context)


@org_view("risk.change")
@require_http_methods(["GET", "POST"])
def risk_section_edit(request: OrgRequest, risk_id: int, section: str) -> HttpResponse:
    """Edit one section in place: the form replaces the section, saving swaps the section back."""
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    section = _section_name(section)
    form = RiskForm(request.POST or None, choices=_choices(org), only=SECTIONS[section],
                    initial=risk_initial(risk), currency=org.currency)
    form.fields[SECTIONS[section][0]].widget.attrs["autofocus"] = True  # the swapped-in form takes the focus
    context: dict[str, Any] = {"risk": risk, "section": section, "title": SECTION_TITLES[section], "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_risk(_actor(request), org, risk, form.service_data())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            if not _partial(request):
                messages.success(request, f"{risk.ref} saved.")
                return redirect(reverse("risks:detail", kwargs={"org": org.slug, "risk_id": risk.pk})
                                + f"#section-{section}")
            risk = selectors.access_risk(org, risk.pk)  # fresh levels and flags for the page's header
            context = {**_detail_context(request, risk), "section": section, "title": SECTION_TITLES[section],
                       "saved": True}
            return _render(request, "risks/section_edit.html", "risks/_section_saved.html", context)
    return _render(request, "risks/section_edit.html", "risks/_section_form.html", context)


# --- acceptances ---------------------------------------------------------------------------------------

@org_view("acceptance.request")
@require_POST
def acceptance_request(request: OrgRequest, risk_id: int) -> HttpResponse:
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    form = AcceptanceRequestForm(request.POST)
    if form.is_valid():
        try:
            services.do_request_acceptance(_actor(request), org, risk, **form.cleaned_data)
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, f"Acceptance of {risk.ref} requested; it is in force once signed.")
            if not _partial(request):
                return redirect(reverse("risks:detail", kwargs={"org": org.slug, "risk_id": risk.pk})
                                + "#acceptances")
            form = AcceptanceRequestForm()
    context = _detail_context(request, risk, acceptance_form=form)
    return _render(request, "risks/detail.html", "risks/_acceptances.html", context)


def _acceptance_action(request: OrgRequest, risk_id: int, acceptance_id: int, *, sign: bool) -> HttpResponse:
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    acceptance = selectors.access_acceptance(org, risk, acceptance_id)
    try:
        if sign:
            acceptance = services.do_sign_acceptance(_actor(request), org, acceptance)
        else:
            acceptance = services.do_withdraw_acceptance(_actor(request), org, acceptance)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if not sign:
            messages.success(request, f"The acceptance of {risk.ref} is withdrawn.")
        elif acceptance.status == AcceptanceStatus.IN_FORCE:
            messages.success(request, f"Signed: the acceptance of {risk.ref} is now in force until "
                                      f"{acceptance.expires_on:%d %B %Y}.")
        else:
            messages.success(request, f"Signed; the acceptance of {risk.ref} still awaits other signatures.")
    return _go(request, reverse("risks:detail", kwargs={"org": org.slug, "risk_id": risk.pk}) + "#acceptances")


@org_view("acceptance.sign")
@require_POST
def acceptance_sign(request: OrgRequest, risk_id: int, acceptance_id: int) -> HttpResponse:
    return _acceptance_action(request, risk_id, acceptance_id, sign=True)


@org_view("acceptance.request")
@require_POST
def acceptance_withdraw(request: OrgRequest, risk_id: int, acceptance_id: int) -> HttpResponse:
    return _acceptance_action(request, risk_id, acceptance_id, sign=False)


# --- heat map ------------------------------------------------------------------------------------------------

def _heatmap_specs(request: OrgRequest, filters: selectors.RiskFilter, *, links: bool) -> dict[str, charts.HeatmapSpec]:
    org = request.org
    data = selectors.heatmap(org, filters)
    above = None
    if filters.above_tolerance is not False and selectors.appetite_in_force(org) is not None:
        grid = selectors.heatmap(org, dataclasses.replace(filters, above_tolerance=True), residual_only=True).residual
        above = grid if any(any(row) for row in grid) else None
    list_url = reverse("risks:list", kwargs={"org": org.slug})
    base = _query(request, drop=("page", "inherent_cell", "residual_cell", "kind"))
    m = data.matrix
    shown = ", ".join(f"{k} {v}" for k, v in request.GET.items() if v and k not in ("page", "kind", "sort"))

    def linker(kind: str) -> Callable[[int, int], str]:
        return lambda li, im: f"{list_url}?{base}{'&' if base else ''}{kind}_cell={li}-{im}"

    specs = {}
    for kind, counts in (("inherent", data.inherent), ("residual", data.residual)):
        total = sum(map(sum, counts))
        specs[kind] = charts.HeatmapSpec(
            title=f"{kind.capitalize()} risk heat map of {org.name}",
            description=(f"{total} risk{'s' if total != 1 else ''} by {kind} likelihood and impact, risk matrix "
                         f"v{m.version}, {org_today(org):%d %B %Y}" + (f"; filters: {shown}" if shown else "") + "."),
            likelihood_labels=m.likelihood_labels, impact_labels=m.impact_labels, levels=m.levels,
            counts=counts, id_prefix=f"heatmap-{kind}", above=above if kind == "residual" else None,
            link=linker(kind) if links else None,
        )
    return specs


@org_view("risk.view")
@require_GET
def heatmap(request: OrgRequest) -> HttpResponse:
    form = _filter_form(request)
    specs = _heatmap_specs(request, form.to_filter(), links=True)
    context = {"form": form, "query": _query(request, drop=("page", "kind")),
               "charts": [(kind, spec, charts.heatmap_svg(spec)) for kind, spec in specs.items()]}
    return _render(request, "risks/heatmap.html", "risks/_heatmap_results.html", context)


@org_view("risk.view")
@require_GET
def heatmap_svg(request: OrgRequest) -> HttpResponse:
    kind = request.GET.get("kind", "residual")
    if kind not in ("inherent", "residual"):
        return HttpResponseBadRequest("kind must be 'inherent' or 'residual'.", content_type="text/plain")
    spec = _heatmap_specs(request, _filter_form(request).to_filter(), links=False)[kind]
    response = HttpResponse(charts.heatmap_svg(spec, standalone=True), content_type="image/svg+xml; charset=utf-8")
    stamp = org_today(request.org).isoformat()
    response["Content-Disposition"] = f'attachment; filename="{request.org.slug}-{kind}-heatmap-{stamp}.svg"'
    return response


# --- appetite ---------------------------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class AppetiteVersion:
    """One appetite version as the page shows it: category names, money, signatures."""

    appetite: RiskAppetite
    levels: list[tuple[str, str]]
    tolerance: list[tuple[str, str]]
    signatures: list[AppetiteSignature]
    required: list[str]


def _appetite_context(request: OrgRequest, form: AppetiteDraftForm | None = None) -> dict[str, Any]:
    org = request.org
    status = selectors.appetite_status(org)
    categories = list(selectors.categories(org))
    names = {c.key: c.name for c in categories}
    order = list(names)  # the categories' own order, whatever order the version stored them in
    rows = [AppetiteVersion(
        appetite=v, levels=[(names.get(k, k), v.category_levels[k]) for k in order if k in v.category_levels],
        tolerance=[(f"{loss:,.0f} {org.currency}", f"{prob * 100:g} %") for loss, prob in v.tolerance],
        signatures=list(v.signatures.all()), required=[Signatory(s).label for s in v.required_signatories],
    ) for v in selectors.appetite_versions(org)]
    by_pk = {r.appetite.pk: r for r in rows}
    draft = by_pk.get(status.draft.pk) if status.draft else None
    can_sign = False
    if draft is not None and allows(request.membership.role, "appetite.sign"):
        signed = {s.slot for s in draft.signatures}
        required = services.required_appetite_slots(core_selectors.governance(org))
        can_sign = any(fits(s, request.membership) for s in required if s not in signed)
    if form is None and allows(request.membership.role, "appetite.draft"):
        form = AppetiteDraftForm(categories=categories, basis=status.draft or status.in_force)
    return {
        "status": status, "versions": rows, "form": form, "can_sign": can_sign, "draft": draft,
        "in_force": by_pk.get(status.in_force.pk) if status.in_force else None,
    }


@org_view("appetite.view")
@require_GET
def appetite(request: OrgRequest) -> HttpResponse:
    return render(request, "risks/appetite.html", _appetite_context(request))


@org_view("appetite.draft")
@require_POST
def appetite_draft(request: OrgRequest) -> HttpResponse:
    org = request.org
    status = selectors.appetite_status(org)
    form = AppetiteDraftForm(request.POST, categories=selectors.categories(org),
                             basis=status.draft or status.in_force)
    if form.is_valid():
        try:
            draft = services.do_draft_appetite(_actor(request), org, **form.service_kwargs())
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                _field_errors(form, exc, {f: form.error_field(f) or f for f in exc.message_dict})
            else:
                apply_errors(form, exc)
        else:
            messages.success(request, f"Draft v{draft.version} saved; it comes into force once "
                                      f"{' and '.join(Signatory(s).label for s in draft.required_signatories)} "
                                      "have signed it.")
            return redirect("risks:appetite", org=org.slug)
    return render(request, "risks/appetite.html", _appetite_context(request, form))


@org_view("appetite.sign")
@require_POST
def appetite_sign(request: OrgRequest) -> HttpResponse:
    org = request.org
    try:
        signed: RiskAppetite = services.do_sign_appetite(_actor(request), org)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if signed.status == "in_force":
            messages.success(request, f"Signed: risk appetite v{signed.version} is now in force.")
        else:
            messages.success(request, f"Signed: risk appetite v{signed.version} still awaits a signature.")
    return _go(request, reverse("risks:appetite", kwargs={"org": org.slug}))


# --- matrix and categories ---------------------------------------------------------------------------------------

def _settings_context(request: OrgRequest, *, matrix_form: MatrixForm | None = None,
                      category_form: CategoryCreateForm | None = None) -> dict[str, Any]:
    org = request.org
    history = list(selectors.matrix_history(org))
    current = next(m for m in history if m.is_current)
    editable = allows(request.membership.role, "riskmatrix.change")
    if matrix_form is None and editable:
        matrix_form = MatrixForm(basis=current, size=matrix_size(request.GET, current.size))
    return {
        "matrix": current, "history": history, "categories": selectors.categories(org),
        "matrix_form": matrix_form, "category_form": category_form or (CategoryCreateForm() if editable else None),
        "sizes": range(3, 8),
        "matrix_rows": [(n, current.likelihood_labels[n - 1], current.levels[n - 1])
                        for n in range(len(current.likelihood_labels), 0, -1)],
    }


@org_view("risk.view")
@require_GET
def risk_settings(request: OrgRequest) -> HttpResponse:
    return render(request, "risks/settings.html", _settings_context(request))


@org_view("riskmatrix.change")
@require_POST
def matrix_change(request: OrgRequest) -> HttpResponse:
    org = request.org
    current = selectors.current_matrix(org)
    form = MatrixForm(request.POST, basis=current, size=matrix_size(request.POST, current.size))
    if form.is_valid():
        try:
            matrix = services.do_change_matrix(_actor(request), org, **form.service_kwargs())
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, f"Risk matrix v{matrix.version} is now current; every risk's levels were "
                                      "derived again from it.")
            return redirect("risks:settings", org=org.slug)
    return render(request, "risks/settings.html", _settings_context(request, matrix_form=form))


@org_view("riskmatrix.change")
@require_POST
def category_create(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = CategoryCreateForm(request.POST)
    if form.is_valid():
        try:
            category = services.do_create_category(_actor(request), org, **form.cleaned_data)
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            messages.success(request, f"Category {category.name} added.")
            return redirect(reverse("risks:settings", kwargs={"org": org.slug}) + "#categories")
    return render(request, "risks/settings.html", _settings_context(request, category_form=form))


@org_view("riskmatrix.change")
@require_http_methods(["GET", "POST"])
def category_edit(request: OrgRequest, category_id: int) -> HttpResponse:
    org = request.org
    category = selectors.access_category(org, category_id)
    form = CategoryChangeForm(request.POST or None, auto_id=f"category-{category.pk}-%s",
                              initial={"name": category.name, "position": category.position,
                                       "active": category.active})
    if request.method == "POST" and form.is_valid():
        try:
            category = services.do_update_category(_actor(request), org, category, **form.cleaned_data)
        except ValidationError as exc:
            _field_errors(form, exc)
        else:
            if _partial(request):
                return _render(request, "risks/category_edit.html", "risks/_category_row.html",
                               {"category": category})
            messages.success(request, f"Category {category.name} saved.")
            return redirect(reverse("risks:settings", kwargs={"org": org.slug}) + "#categories")
    return _render(request, "risks/category_edit.html", "risks/_category_edit.html",
                   {"category": category, "form": form})
