"""Risk acceptances on the risk page: request one, sign it, withdraw it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accord.core.web import OrgRequest, apply_errors, go, org_view, render_page, wants_partial
from accord.risks import selectors, services
from accord.risks.choices import AcceptanceStatus
from accord.risks.forms import AcceptanceRequestForm
from accord.risks.views.register.detail import detail_context


@org_view("acceptance.request")
@require_POST
def acceptance_request(request: OrgRequest, risk_id: str) -> HttpResponse:
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    form = AcceptanceRequestForm(request.POST)
    if form.is_valid():
        try:
            acceptance = services.do_request_acceptance(request.user, org, risk, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            awaiting = selectors.signature_state(org, acceptance).awaiting_labels
            if acceptance.status == AcceptanceStatus.IN_FORCE:
                text = _("Acceptance of %(ref)s requested and signed by you: it is in force.") % {"ref": risk.ref}
            elif acceptance.signatures.filter(user=request.user).exists():
                text = (_("Acceptance of %(ref)s requested and signed by you; it awaits the %(awaiting)s.")
                        % {"ref": risk.ref, "awaiting": _(" and the ").join(str(a) for a in awaiting)})
            else:
                text = _("Acceptance of %(ref)s requested; it is in force once signed.") % {"ref": risk.ref}
            messages.success(request, text)
            if not wants_partial(request):
                return redirect(reverse("risks:detail", kwargs={"org": org.slug, "risk_id": risk.pk})
                                + "#acceptances")
            form = AcceptanceRequestForm()
    context = detail_context(request, risk, acceptance_form=form)
    return render_page(request, "risks/detail.html", "risks/_acceptances.html", context)


def _acceptance_action(request: OrgRequest, risk_id: str, acceptance_id: int, *, sign: bool) -> HttpResponse:
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    acceptance = selectors.access_acceptance(org, risk, acceptance_id)
    try:
        if sign:
            acceptance = services.do_sign_acceptance(request.user, org, acceptance)
        else:
            acceptance = services.do_withdraw_acceptance(request.user, org, acceptance,
                                                         reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if not sign:
            messages.success(request, _("The acceptance of %(ref)s is withdrawn.") % {"ref": risk.ref})
        elif acceptance.status == AcceptanceStatus.IN_FORCE:
            messages.success(request, _("Signed: the acceptance of %(ref)s is now in force until %(date)s.")
                             % {"ref": risk.ref, "date": date_format(acceptance.expires_on, "DATE_FORMAT")})
        else:
            messages.success(request, _("Signed; the acceptance of %(ref)s still awaits other signatures.")
                                      % {"ref": risk.ref})
    return go(request, reverse("risks:detail", kwargs={"org": org.slug, "risk_id": risk.pk}) + "#acceptances")


@org_view("acceptance.sign")
@require_POST
def acceptance_sign(request: OrgRequest, risk_id: str, acceptance_id: int) -> HttpResponse:
    return _acceptance_action(request, risk_id, acceptance_id, sign=True)


@org_view("acceptance.withdraw")
@require_POST
def acceptance_withdraw(request: OrgRequest, risk_id: str, acceptance_id: int) -> HttpResponse:
    return _acceptance_action(request, risk_id, acceptance_id, sign=False)
