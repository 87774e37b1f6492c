"""Web pages of the policies: the list (kind, owner, version in force, approvals awaited and from whom,
review due), a policy's page (its text rendered safely, versions, approve, attestation progress, its
exceptions, history), a version with its difference from another, the forms (new from a template, edit,
new draft), attestation campaigns and the exceptions. Thin: each parses input, calls one service or
selector, renders; htmx requests get the part of the page they replace."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accord.core.approvals.rules import labels
from accord.core.reports.services import do_request_report
from accord.core.selectors import object_history
from accord.core.web import OrgRequest, apply_errors, go, org_view, push_clean_url, query_string, render_page
from accord.policies import selectors, services
from accord.policies.forms import (
    CampaignForm,
    CreateForm,
    DraftForm,
    ExceptionFilterForm,
    ExceptionForm,
    FilterForm,
    PolicyForm,
)
from accord.policies.models import Policy
from accord.policies.reports import POLICY
from accord.policies.texts import diff_lines, render_markdown


def _detail_url(request: OrgRequest, policy: Policy | int) -> str:
    pk = policy if isinstance(policy, int) else policy.pk
    return reverse("policies:detail", kwargs={"org": request.org.slug, "policy_id": pk})


def _refused(request: OrgRequest, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


@org_view("policy.view")
@require_GET
def policy_list(request: OrgRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = form.filters()
    rows = selectors.policy_rows(request.org, filters)
    context = {"form": form, "rows": rows, "filtered": filters != selectors.PolicyFilter(),
               "query": query_string(request)}
    return push_clean_url(request, render_page(request, "policies/list.html", "policies/_list_results.html",
                                               context))


def detail_context(request: OrgRequest, policy: Policy, **forms: Any) -> dict[str, Any]:
    """What a policy's page shows (the campaign form may come with its errors)."""
    org = request.org
    row = selectors.policy_row(org, policy, people=True)
    shown = row.in_force or row.draft
    requirements, controls = selectors.links(org, policy)
    return {
        "policy": policy, "row": row, "shown": shown, "html": render_markdown(shown.body) if shown else "",
        "versions": selectors.versions(org, policy),
        "may_approve": row.draft_state is not None and row.draft_state.can_sign(request.membership),
        "campaigns": selectors.campaigns(org, policy), "exceptions": selectors.policy_exceptions(org, policy),
        "requirements": requirements, "controls": controls,
        "approvers": (row.draft_state.required_labels if row.draft_state is not None
                      else labels(row.in_force.required_signatories) if row.in_force is not None else []),
        "campaign_form": forms.get("campaign_form") or CampaignForm(org),
        "history": object_history(org, policy),
    }


@org_view("policy.view")
@require_GET
def policy_detail(request: OrgRequest, policy_id: int) -> HttpResponse:
    policy = selectors.access_policy(request.org, policy_id)
    return render(request, "policies/detail.html", detail_context(request, policy))


def _form_page(request: OrgRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    form = context["form"]
    return render(request, template, context, status=422 if form.errors else 200)


@org_view("policy.change")
@require_http_methods(["GET", "POST"])
def policy_create(request: OrgRequest) -> HttpResponse:
    form = CreateForm(request.org, request.POST or None, initial={"template": request.GET.get("template", "")})
    if request.method == "POST" and form.is_valid():
        try:
            policy = services.do_create_policy(
                request.user, request.org, form.data_for_service(), body=form.cleaned_data["body"],
                template=form.cleaned_data["template"], requirements=form.cleaned_data["requirements"],
                controls=form.cleaned_data["controls"])
        except ValidationError as exc:
            apply_errors(form, exc, {"policy": "__all__"})
        else:
            messages.success(request, _("%(ref)s added; its first version awaits its approvers.") % {"ref": policy.ref})
            return go(request, _detail_url(request, policy))
    return _form_page(request, "policies/policy_form.html", {"form": form, "policy": None})


@org_view("policy.change")
@require_http_methods(["GET", "POST"])
def policy_edit(request: OrgRequest, policy_id: int) -> HttpResponse:
    policy = selectors.access_policy(request.org, policy_id)
    form = PolicyForm(request.org, request.POST or None, policy=policy)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_update_policy(request.user, request.org, policy, form.data_for_service(),
                                      requirements=form.cleaned_data["requirements"],
                                      controls=form.cleaned_data["controls"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s saved.") % {"ref": policy.ref})
            return go(request, _detail_url(request, policy))
    return _form_page(request, "policies/policy_form.html", {"form": form, "policy": policy})


@org_view("policy.change")
@require_http_methods(["GET", "POST"])
def version_draft(request: OrgRequest, policy_id: int) -> HttpResponse:
    policy = selectors.access_policy(request.org, policy_id)
    latest = next(iter(selectors.versions(request.org, policy)), None)
    form = DraftForm(request.POST or None, initial={"body": latest.body if latest else ""})
    if request.method == "POST" and form.is_valid():
        try:
            version = services.do_draft_policy_version(request.user, request.org, policy,
                                                        body=form.cleaned_data["body"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            apply_errors(form, exc, {"policy": "__all__"})
        else:
            messages.success(request, _("Version %(version)s drafted; it awaits its approvers.")
                             % {"version": version.version})
            return go(request, _detail_url(request, policy) + "#versions")
    return _form_page(request, "policies/draft_form.html", {"form": form, "policy": policy})


@org_view("policy.view")
@require_GET
def version_detail(request: OrgRequest, policy_id: int, version: int) -> HttpResponse:
    """One version's text, and its difference from another version (`?against=N`, default the one before)."""
    org = request.org
    policy = selectors.access_policy(org, policy_id)
    shown = selectors.access_version(org, policy, version)
    against = request.GET.get("against", "")
    other = (selectors.access_version(org, policy, int(against)) if against.isdigit()
             else selectors.previous_version(org, shown))
    older, newer = (other or shown, shown) if other is None or other.version < shown.version else (shown, other)
    context = {"policy": policy, "version": shown, "other": other, "html": render_markdown(shown.body),
               "diff": diff_lines(older.body, newer.body) if other is not None else [],
               "older": older, "newer": newer,
               "versions": [v for v in selectors.versions(org, policy) if v.version != shown.version],
               "state": selectors.version_state(shown, policy, selectors.profile_of(org))}
    return render(request, "policies/version.html", context)


@org_view("policy.approve")
@require_POST
def version_approve(request: OrgRequest, policy_id: int, version: int) -> HttpResponse:
    policy = selectors.access_policy(request.org, policy_id)
    try:
        approved = services.do_approve_policy_version(request.user, request.org, policy, version=version)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        if approved.status == "in_force":
            messages.success(request, _("Version %(version)s approved: it is now in force.") % {"version": version})
        else:
            messages.success(request, _("Version %(version)s approved; it still awaits other approvers.")
                             % {"version": version})
    return go(request, _detail_url(request, policy) + "#versions")


@org_view("policy.change")
@require_POST
def policy_review(request: OrgRequest, policy_id: int) -> HttpResponse:
    policy = selectors.access_policy(request.org, policy_id)
    try:
        services.do_record_policy_review(request.user, request.org, policy, note=request.POST.get("note", ""))
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Review recorded."))
    return go(request, _detail_url(request, policy))


@org_view("policy.export")
@require_POST
def policy_export(request: OrgRequest, policy_id: int) -> HttpResponse:
    policy = selectors.access_policy(request.org, policy_id)
    version = request.POST.get("version", "")
    try:
        job = do_request_report(request.user, request.org, POLICY,
                                {"policy": policy.pk, "version": int(version) if version.isdigit() else None})
    except ValidationError as exc:
        _refused(request, exc)
        return go(request, _detail_url(request, policy))
    messages.info(request, _("Printing %(ref)s. Download it here once it is done.") % {"ref": policy.ref})
    return go(request, reverse("core:job", kwargs={"org": request.org.slug, "job_id": job.pk}))


# --- attestations -------------------------------------------------------------------------------------

@org_view("policy.view")
@require_GET
def campaign_list(request: OrgRequest) -> HttpResponse:
    return render(request, "policies/campaigns.html", {"campaigns": selectors.campaigns(request.org)})


@org_view("attestation.launch")
@require_POST
def campaign_launch(request: OrgRequest, policy_id: int) -> HttpResponse:
    policy = selectors.access_policy(request.org, policy_id)
    form = CampaignForm(request.org, request.POST)
    if form.is_valid():
        try:
            campaign = services.do_launch_attestation_campaign(
                request.user, request.org, policy, roles=form.cleaned_data["roles"],
                members=form.cleaned_data["members"], due_on=form.cleaned_data["due_on"])
        except ValidationError as exc:
            apply_errors(form, exc, {"policy": "__all__"})
        else:
            messages.success(request, _("Campaign launched: the members asked are told."))
            return go(request, reverse("policies:campaign", kwargs={"org": request.org.slug,
                                                                    "campaign_id": campaign.pk}))
    return render(request, "policies/detail.html", detail_context(request, policy, campaign_form=form), status=422)


@org_view("policy.view")
@require_GET
def campaign_detail(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.org, campaign_id)
    mine = request.membership
    context = {"campaign": campaign, "asked_me": selectors.in_audience(campaign, mine),
               "acknowledged_me": mine.user_id in campaign.progress.acknowledged_ids,  # type: ignore[attr-defined]
               "html": render_markdown(campaign.version.body)}
    return render(request, "policies/campaign.html", context)


def _campaign_url(request: OrgRequest, campaign_id: int) -> str:
    return reverse("policies:campaign", kwargs={"org": request.org.slug, "campaign_id": campaign_id})


@org_view("attestation.acknowledge")
@require_POST
def campaign_acknowledge(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.org, campaign_id)
    try:
        services.do_acknowledge_policy(request.user, request.org, campaign)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Thank you: your acknowledgement is recorded."))
    return go(request, _campaign_url(request, campaign_id))


@org_view("attestation.launch")
@require_POST
def campaign_remind(request: OrgRequest, campaign_id: int) -> HttpResponse:
    campaign = selectors.access_campaign(request.org, campaign_id)
    try:
        told = services.do_remind_attestation_campaign(request.user, request.org, campaign)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Reminder sent to %(n)s members.") % {"n": told})
    return go(request, _campaign_url(request, campaign_id))


# --- exceptions ---------------------------------------------------------------------------------------

@org_view("policy.view")
@require_GET
def exception_list(request: OrgRequest) -> HttpResponse:
    form = ExceptionFilterForm(request.GET or None)
    state = form.cleaned_data.get("state", "") if form.is_valid() else ""
    found = selectors.policy_exceptions(request.org, state=state)
    for exception in found:
        exception.can_sign = exception.signature_state.can_sign(request.membership)  # type: ignore[attr-defined]
    return render_page(request, "policies/exceptions.html", "policies/_exception_results.html",
                       {"form": form, "exceptions": found, "query": query_string(request)})


@org_view("policyexception.request")
@require_http_methods(["GET", "POST"])
def exception_request(request: OrgRequest) -> HttpResponse:
    from accord.risks.selectors import access_risk

    form = ExceptionForm(request.org, request.POST or None, initial={"policy": request.GET.get("policy")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exception = services.do_request_policy_exception(
                request.user, request.org, selectors.access_policy(request.org, data["policy"]),
                access_risk(request.org, data["risk"]), justification=data["justification"],
                compensating_measures=data["compensating_measures"], expires_on=data["expires_on"])
        except ValidationError as exc:
            apply_errors(form, exc, {"exception": "__all__"})
        else:
            messages.success(request, _("Exception requested: it takes effect once every signature is in."))
            return go(request, reverse("policies:exceptions", kwargs={"org": request.org.slug})
                      + f"#exception-{exception.pk}")
    return _form_page(request, "policies/exception_form.html", {"form": form})


@org_view("policyexception.sign")
@require_POST
def exception_sign(request: OrgRequest, exception_id: int) -> HttpResponse:
    exception = selectors.access_exception(request.org, exception_id)
    try:
        services.do_sign_policy_exception(request.user, request.org, exception)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Exception signed."))
    return go(request, reverse("policies:exceptions", kwargs={"org": request.org.slug}) + f"#exception-{exception_id}")


@org_view("policyexception.withdraw")
@require_POST
def exception_withdraw(request: OrgRequest, exception_id: int) -> HttpResponse:
    exception = selectors.access_exception(request.org, exception_id)
    try:
        services.do_withdraw_policy_exception(request.user, request.org, exception,
                                              reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Exception withdrawn."))
    return go(request, reverse("policies:exceptions", kwargs={"org": request.org.slug}) + f"#exception-{exception_id}")
