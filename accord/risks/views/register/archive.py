"""Archiving a risk (with its reason) and restoring it: a risk leaves the register, never the database
(docs/decisions/0015-archive-not-delete.md)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accord.core.web import OrgRequest, apply_errors, go, org_view
from accord.risks import selectors, services
from accord.risks.forms import ArchiveForm


@org_view("risk.archive")
@require_http_methods(["GET", "POST"])
def risk_archive(request: OrgRequest, risk_id: str) -> HttpResponse:
    """Ask why, then take the risk out of the register; its pending acceptances are withdrawn."""
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.do_archive_risk(request.user, org, risk, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(ref)s %(title)s archived: it left the register and can be restored from the "
                                        "archived risks.") % {"ref": risk.ref, "title": risk.title})
            return go(request, reverse("risks:list", kwargs={"org": org.slug}))
    pending = selectors.acceptances(org, risk).filter(status="pending").count()
    return render(request, "risks/archive.html", {"risk": risk, "form": form, "pending": pending})


@org_view("risk.archive")
@require_POST
def risk_restore(request: OrgRequest, risk_id: str) -> HttpResponse:
    """Bring an archived risk back into the register."""
    org = request.org
    risk = selectors.access_risk(org, risk_id)
    form = ArchiveForm(request.POST)
    form.is_valid()
    try:
        services.do_restore_risk(request.user, org, risk, reason=form.cleaned_data.get("reason") or "")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(ref)s %(title)s is back in the register.")
                                  % {"ref": risk.ref, "title": risk.title})
    return go(request, reverse("risks:detail", kwargs={"org": org.slug, "risk_id": risk.pk}))
