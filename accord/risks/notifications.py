"""The risk register's kinds of notification, registered by RisksConfig.ready():

- a draft risk appetite awaits a member's signature: the members who can give an awaited signature now,
  under the governance profile (`selectors.signature_state`, the rule every front and the signing service read);
- an acceptance awaits a member's signature: likewise, from the acceptance's required slots;
- an acceptance in force expires within 30 days: its risk's owner, the members who signed it and the one
  who asked for it (a periodic check, `notify_expiring_acceptances`, tells each of them once).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core.approvals.rules import label
from accord.core.choices import DocumentStatus
from accord.core.clock import org_today
from accord.core.models import Membership, Organization
from accord.core.notifications.choices import Delivery
from accord.core.notifications.registry import Kind, register, register_scan
from accord.core.notifications.services import notify
from accord.risks import selectors
from accord.risks.choices import AcceptanceStatus
from accord.risks.models import RiskAcceptance, RiskAppetite

APPETITE_SIGNATURE = "risks.appetite_signature"
ACCEPTANCE_SIGNATURE = "risks.acceptance_signature"
ACCEPTANCE_EXPIRING = "risks.acceptance_expiring"


def _members(org: Organization) -> list[Membership]:
    return list(Membership.objects.for_org(org).select_related("user").order_by("pk"))


def _who_can_sign(org: Organization, obj: RiskAppetite | RiskAcceptance) -> list[Membership]:
    state = selectors.signature_state(org, obj)
    return [m for m in _members(org) if state.can_sign(m)] if state.awaiting else []


def _appetite(org: Organization, object_id: str) -> RiskAppetite | None:
    return RiskAppetite.objects.for_org(org).filter(pk=int(object_id), status=DocumentStatus.DRAFT).first()


def _acceptance(org: Organization, object_id: str) -> RiskAcceptance | None:
    return selectors.acceptances(org).filter(pk=int(object_id)).first()


def _pending_acceptance(org: Organization, object_id: str) -> RiskAcceptance | None:
    found = _acceptance(org, object_id)
    return found if found is not None and found.status == AcceptanceStatus.PENDING and \
        found.expires_on > org_today(org) else None


def _expiring_acceptance(org: Organization, object_id: str) -> RiskAcceptance | None:
    return selectors.acceptances_expiring(org).filter(pk=int(object_id)).first()


def _concerned_by_expiry(org: Organization, acceptance: RiskAcceptance) -> list[Membership]:
    """The risk's owner, the signers and the requester, as members today."""
    users = {s.user_id for s in acceptance.signatures.all()} | {acceptance.created_by_id}
    return [m for m in _members(org) if m.pk == acceptance.risk.owner_id or m.user_id in users]


def _appetite_title(appetite: RiskAppetite, membership: Membership) -> str:
    slots = _(" and the ").join(label(s) for s in appetite.required_signatories)
    return _("Risk appetite v%(version)s awaits your signature (it needs the %(slots)s)") % {
        "version": appetite.version, "slots": slots}


def _acceptance_link(org: Organization, acceptance: RiskAcceptance) -> str:
    return reverse("risks:detail", kwargs={"org": org.slug, "risk_id": acceptance.risk_id}) + "#acceptances"


def notify_expiring_acceptances(org: Organization) -> int:
    """The periodic check: tell the people of each acceptance in force that ends within 30 days, once per
    acceptance and expiry date. Returns the number of notifications written."""
    told = 0
    for acceptance in selectors.acceptances_expiring(org):
        told += len(notify(org, ACCEPTANCE_EXPIRING, acceptance, key=f"{acceptance.pk}:{acceptance.expires_on}"))
    return told


def register_risk_kinds() -> None:
    register(Kind(
        APPETITE_SIGNATURE, gettext_lazy("A risk appetite awaits your signature"), "appetite.sign",
        recipients=_who_can_sign, title=_appetite_title,
        link=lambda org, appetite: reverse("risks:appetite", kwargs={"org": org.slug}), load=_appetite,
        description=gettext_lazy("A new draft of the risk appetite needs your signature under the governance "
                                 "profile.")))
    register(Kind(
        ACCEPTANCE_SIGNATURE, gettext_lazy("A risk acceptance awaits your signature"), "acceptance.sign",
        recipients=_who_can_sign,
        title=lambda a, m: _("The acceptance of %(risk)s until %(date)s awaits your signature") % {
            "risk": f"{a.risk.ref} {a.risk.title}", "date": f"{a.expires_on:%Y-%m-%d}"},
        link=_acceptance_link, load=_pending_acceptance,
        description=gettext_lazy("Someone asked for a risk to be accepted, and you are one of its required "
                                 "signatories.")))
    register(Kind(
        ACCEPTANCE_EXPIRING, gettext_lazy("A risk acceptance expires within 30 days"), "acceptance.view",
        recipients=_concerned_by_expiry,
        title=lambda a, m: _("The acceptance of %(risk)s expires on %(date)s: renew it or treat the risk") % {
            "risk": f"{a.risk.ref} {a.risk.title}", "date": f"{a.expires_on:%Y-%m-%d}"},
        link=_acceptance_link, load=_expiring_acceptance, default=Delivery.DIGEST,
        description=gettext_lazy("An acceptance you own, signed or asked for ends soon.")))
    register_scan("risks.acceptances_expiring", notify_expiring_acceptances)
