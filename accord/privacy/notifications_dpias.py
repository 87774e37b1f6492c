"""The DPIA's kinds of notification, registered by PrivacyConfig.ready():

- a DPIA submitted for advice awaits the DPO's advice (Art. 35(2)): the organisation's DPOs, else its admins
  (who may record the advice a DPO outside Accord sent), while it is in review; told at each submission;
- an advised DPIA awaits the controller's decision: those who could give an awaited signature now
  (`selectors_dpias.signature_state`, the rule the signing service reads), while it awaits.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core.choices import Role
from accord.core.models import Membership, Organization
from accord.core.notifications.registry import Kind, register
from accord.privacy import selectors_dpias
from accord.privacy.choices_dpias import DpiaStatus
from accord.privacy.models_dpias import Dpia
from accord.privacy.services_dpias import DPIA_ADVICE, DPIA_DECISION


def _members(org: Organization) -> list[Membership]:
    return list(Membership.objects.for_org(org).select_related("user").order_by("pk"))


def _advisers(org: Organization, dpia: Dpia) -> list[Membership]:
    if dpia.status != DpiaStatus.IN_REVIEW:
        return []
    people = _members(org)
    return [m for m in people if m.role == Role.DPO] or [m for m in people if m.role == Role.ADMIN]


def _signers(org: Organization, dpia: Dpia) -> list[Membership]:
    state = selectors_dpias.signature_state(org, dpia)
    return [m for m in _members(org) if state.can_sign(m)] if state.awaiting else []


def _loader(status: str) -> Callable[[Organization, str], Dpia | None]:
    """The registry's `load`: the DPIA while it still has `status` (a notification of a past step is not sent)."""

    def load(org: Organization, object_id: str) -> Dpia | None:
        return (Dpia.objects.for_org(org).select_related("activity").prefetch_related("signatures")
                .filter(pk=int(object_id), status=status).first())

    return load


def _link(org: Organization, dpia: Dpia) -> str:
    return reverse("dpias:detail", kwargs={"org": org.slug, "dpia_id": dpia.pk})


def register_dpia_kinds() -> None:
    register(Kind(
        DPIA_ADVICE, gettext_lazy("A DPIA awaits your advice"), "privacy.dpia.advise", recipients=_advisers,
        title=lambda d, m: _("%(dpia)s (%(activity)s) awaits the DPO's advice") % {
            "dpia": d.ref, "activity": d.activity.name},
        link=_link, load=_loader(DpiaStatus.IN_REVIEW),
        description=gettext_lazy("A data protection impact assessment was submitted, and the DPO's advice comes "
                                 "before the decision.")))
    register(Kind(
        DPIA_DECISION, gettext_lazy("A DPIA awaits your decision"), "privacy.dpia.decide", recipients=_signers,
        title=lambda d, m: _("%(dpia)s (%(activity)s) awaits your signature on the decision") % {
            "dpia": d.ref, "activity": d.activity.name},
        link=_link, load=_loader(DpiaStatus.AWAITING_DECISION),
        description=gettext_lazy("The DPO has advised on a data protection impact assessment, and the governance "
                                 "profile names you among those who sign the decision.")))
