"""The risk appetite page: the versions with their signatures, drafting a new one, signing the draft."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accord.core import selectors as core_selectors
from accord.core.approvals.rules import SignatureState
from accord.core.permissions import allows
from accord.core.web import OrgRequest, apply_errors, go, org_view
from accord.core.wording import and_join
from accord.risks import rules, selectors, services
from accord.risks.choices import Signatory
from accord.risks.forms import AppetiteDraftForm, AppetiteOpinionForm
from accord.risks.models import AppetiteSignature, RiskAppetite
from accord.risks.preview import appetite_preview
from accord.risks.templatetags.risk_money import localized


@dataclasses.dataclass(frozen=True)
class AppetiteVersion:
    """One appetite version as the page shows it: category names, money, signatures."""

    appetite: RiskAppetite
    levels: list[tuple[str, str]]
    tolerance: list[tuple[str, str]]
    signatures: list[AppetiteSignature]
    required: list[str]
    state: SignatureState


def _appetite_context(request: OrgRequest, form: AppetiteDraftForm | None = None, *,
                      opinion_form: AppetiteOpinionForm | None = None) -> dict[str, Any]:
    org = request.org
    status = selectors.appetite_status(org)
    categories = list(selectors.categories(org))
    names = {c.key: c.name for c in categories}
    order = list(names)  # the categories' own order, whatever order the version stored them in
    profile = core_selectors.governance(org)
    rows = []
    for v in selectors.appetite_versions(org):
        state = selectors.signature_state(org, v, profile=profile)
        rows.append(AppetiteVersion(
            appetite=v, levels=[(names.get(k, k), v.category_levels[k]) for k in order if k in v.category_levels],
            tolerance=_tolerance(org, v.tolerance),
            signatures=list(v.signatures.all()), required=state.required_labels, state=state,
        ))
    by_pk = {r.appetite.pk: r for r in rows}
    draft = by_pk.get(status.draft.pk) if status.draft else None
    can_sign = (draft is not None and status.signatures is not None
                and allows(request.membership.role, "appetite.sign") and status.signatures.can_sign(request.membership))
    preview = appetite_preview(org, status.draft) if status.draft is not None else None
    can_consult = (draft is not None and allows(request.membership.role, "appetite.consult")
                   and rules.may_give_appetite_opinion(profile, request.membership))
    if opinion_form is None and can_consult:
        opinion_form = AppetiteOpinionForm()
    if form is None and allows(request.membership.role, "appetite.draft"):
        form = AppetiteDraftForm(categories=categories, basis=status.draft or status.in_force)
    return {
        "status": status, "versions": rows, "form": form, "can_sign": can_sign, "draft": draft,
        "in_force": by_pk.get(status.in_force.pk) if status.in_force else None,
        "preview": preview, "opinion_form": opinion_form if can_consult else None,
        "dpo_consulted": rules.consults_dpo_on_appetite(profile),
        "preview_tolerance": {
            "in_force": _tolerance(org, preview.tolerance_in_force), "draft": _tolerance(org, preview.tolerance_draft),
        } if preview else None,
    }


def _tolerance(org: Any, points: list[list[float]]) -> list[tuple[str, str]]:
    """Tolerance points as the page reads them: (loss with currency, probability in %)."""
    return [(f"{localized(f'{loss:,.0f}')} {org.currency}", f"{localized(f'{prob * 100:g}')} %")
            for loss, prob in points]


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
            draft = services.do_draft_appetite(request.user, org, **form.service_kwargs())
        except ValidationError as exc:
            apply_errors(form, exc, {f: form.error_field(f) or f for f in getattr(exc, "error_dict", {})})
        else:
            messages.success(request, _("Draft v%(version)s saved; it comes into force once %(signatories)s have "
                                        "signed it.")
                             % {"version": draft.version,
                                "signatories": and_join(Signatory(s).label for s in draft.required_signatories)})
            return redirect("risks:appetite", org=org.slug)
    return render(request, "risks/appetite.html", _appetite_context(request, form))


@org_view("appetite.sign")
@require_POST
def appetite_sign(request: OrgRequest) -> HttpResponse:
    """Sign the version the form showed (its hidden `version`); another version is refused."""
    org = request.org
    raw = request.POST.get("version", "")
    try:
        if not raw.isascii() or not raw.isdigit():
            raise ValidationError({"version": "The form did not say which version you sign; reload the page "
                                              "and sign the draft you read."})
        signed: RiskAppetite = services.do_sign_appetite(request.user, org, version=int(raw))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if signed.status == "in_force":
            messages.success(request, _("Signed: risk appetite v%(version)s is now in force.")
                                      % {"version": signed.version})
        else:
            messages.success(request, _("Signed: risk appetite v%(version)s still awaits a signature.")
                                      % {"version": signed.version})
    return go(request, reverse("risks:appetite", kwargs={"org": org.slug}))


@org_view("appetite.consult")
@require_POST
def appetite_opinion(request: OrgRequest) -> HttpResponse:
    """The DPO's opinion on the draft the page showed (its hidden `version`); audited, not a signature."""
    org = request.org
    form = AppetiteOpinionForm(request.POST)
    if form.is_valid():
        try:
            services.do_record_appetite_opinion(request.user, org, version=form.cleaned_data["version"],
                                                text=form.cleaned_data["text"])
        except ValidationError as exc:
            apply_errors(form, exc, {"version": "-"})  # the hidden version: said form-wide
        else:
            messages.success(request, _("Opinion recorded; the signatories see it beside the draft."))
            return go(request, reverse("risks:appetite", kwargs={"org": org.slug}))
    return render(request, "risks/appetite.html", _appetite_context(request, opinion_form=form))
