"""The policies app's kinds of notification, registered by PoliciesConfig.ready():

- a policy version awaits a member's approval: those who can give an awaited approval now
  (`selectors.version_state`, the rule the approving service reads);
- an attestation campaign asks a member to acknowledge a policy: those asked who have not yet (at
  launch, and again at each reminder: the reminder names its own occasion);
- a policy exception awaits a member's signature: likewise, from the exception's required slots;
- a policy is past its review date: its owner (the CISO when it has none), once per policy and date;
- an exception in force ends within 30 days: whoever asked for it and those who signed it, once per
  exception and expiry date.

The daily scans (`register_scan`, run by the scheduler at 06:00 UTC or `accord notify scan`) send the
last two, and remind those asked by a campaign due within 7 days who have not acknowledged yet (once per
campaign and due date, on top of any reminder sent by hand).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core.choices import Role
from accord.core.models import Membership, Organization
from accord.core.notifications.registry import Kind, register, register_scan
from accord.core.notifications.services import notify
from accord.policies import selectors
from accord.policies.choices import VersionStatus
from accord.policies.models import AttestationCampaign, Policy, PolicyException, PolicyVersion

VERSION_APPROVAL = "policies.version_approval"
ATTESTATION_DUE = "policies.attestation_due"
EXCEPTION_SIGNATURE = "policies.exception_signature"
REVIEW_OVERDUE = "policies.review_overdue"
EXCEPTION_EXPIRING = "policies.exception_expiring"


def _approvers(org: Organization, version: PolicyVersion) -> list[Membership]:
    people = selectors.members(org)
    state = selectors.version_state(version, version.policy, selectors.profile_of(org))
    return [m for m in people if state.can_sign(m)] if state.awaiting else []


def _draft(org: Organization, object_id: str) -> PolicyVersion | None:
    return (PolicyVersion.objects.for_org(org).select_related("policy").prefetch_related("approvals__user")
            .filter(pk=int(object_id), status=VersionStatus.DRAFT).first())


def _asked(org: Organization, campaign: AttestationCampaign) -> list[Membership]:
    progress = selectors.access_campaign(org, campaign.pk).progress  # type: ignore[attr-defined]
    return [m for m in selectors.members(org) if m.user_id in progress.pending_ids]


def _campaign(org: Organization, object_id: str) -> AttestationCampaign | None:
    found = AttestationCampaign.objects.for_org(org).select_related("policy", "version")
    return found.filter(pk=int(object_id)).first()


def _signers(org: Organization, exception: PolicyException) -> list[Membership]:
    state = selectors.access_exception(org, exception.pk).signature_state  # type: ignore[attr-defined]
    return [m for m in selectors.members(org) if state.can_sign(m)] if state.awaiting else []


def _exception(org: Organization, object_id: str) -> PolicyException | None:
    found = selectors.policy_exceptions(org, state="pending")
    return next((e for e in found if e.pk == int(object_id)), None)


def _owner_or_ciso(org: Organization, policy: Policy) -> list[Membership]:
    people = selectors.members(org)
    return [m for m in people if m.pk == policy.owner_id] or [m for m in people if m.role == Role.CISO]


def _overdue(org: Organization, object_id: str) -> Policy | None:
    return selectors.overdue_for_review(org).filter(pk=int(object_id)).first()


def _requester_and_signers(org: Organization, exception: PolicyException) -> list[Membership]:
    signed = set(exception.signatures.values_list("user_id", flat=True))
    return [m for m in selectors.members(org) if m.user_id == exception.created_by_id or m.user_id in signed]


def _expiring(org: Organization, object_id: str) -> PolicyException | None:
    return selectors.exceptions_expiring(org).filter(pk=int(object_id)).first()


def notify_overdue_reviews(org: Organization) -> int:
    """The daily check: each policy past its review date, told once per policy and date."""
    return sum(len(notify(org, REVIEW_OVERDUE, policy, key=f"{policy.pk}:{policy.next_review_on}"))
               for policy in selectors.overdue_for_review(org))


def notify_expiring_exceptions(org: Organization) -> int:
    """The daily check: each exception in force ending within 30 days, told once per exception and date."""
    return sum(len(notify(org, EXCEPTION_EXPIRING, exception, key=f"{exception.pk}:{exception.expires_on}"))
               for exception in selectors.exceptions_expiring(org))


def remind_campaigns_due_soon(org: Organization) -> int:
    """The daily check: those a campaign due within 7 days still waits for, reminded once per campaign and
    due date (the kind's rule names only those who have not acknowledged)."""
    return sum(len(notify(org, ATTESTATION_DUE, campaign, key=f"{campaign.pk}:due-soon:{campaign.due_on}"))
               for campaign in selectors.campaigns_due_soon(org))


def _policy_link(org: Organization, policy_id: int) -> str:
    return reverse("policies:detail", kwargs={"org": org.slug, "policy_id": policy_id})


def register_policy_kinds() -> None:
    register(Kind(
        VERSION_APPROVAL, gettext_lazy("A policy version awaits your approval"), "policy.approve",
        recipients=_approvers,
        title=lambda v, m: _("%(policy)s v%(version)s awaits your approval") % {
            "policy": f"{v.policy.ref} {v.policy.title}", "version": v.version},
        link=lambda org, v: _policy_link(org, v.policy_id) + "#versions", load=_draft,
        description=gettext_lazy("A new version of a policy needs your approval before it takes effect.")))
    register(Kind(
        ATTESTATION_DUE, gettext_lazy("A policy asks for your acknowledgement"), "policy.view",
        recipients=_asked,
        title=lambda c, m: _("Read and acknowledge %(policy)s v%(version)s by %(date)s") % {
            "policy": f"{c.policy.ref} {c.policy.title}", "version": c.version.version,
            "date": f"{c.due_on:%Y-%m-%d}"},
        link=lambda org, c: reverse("policies:campaign", kwargs={"org": org.slug, "campaign_id": c.pk}),
        load=_campaign,
        description=gettext_lazy("An attestation campaign asks you to acknowledge a policy in force.")))
    register(Kind(
        EXCEPTION_SIGNATURE, gettext_lazy("A policy exception awaits your signature"), "policyexception.sign",
        recipients=_signers,
        title=lambda e, m: _("The exception to %(policy)s until %(date)s awaits your signature") % {
            "policy": f"{e.policy.ref} {e.policy.title}", "date": f"{e.expires_on:%Y-%m-%d}"},
        link=lambda org, e: reverse("policies:exceptions", kwargs={"org": org.slug}), load=_exception,
        description=gettext_lazy("Someone asked to depart from a policy, and you are one of its required "
                                 "signatories.")))
    register(Kind(
        REVIEW_OVERDUE, gettext_lazy("A policy is past its review date"), "policy.change",
        recipients=_owner_or_ciso,
        title=lambda p, m: _("%(policy)s was due for review on %(date)s") % {
            "policy": f"{p.ref} {p.title}", "date": f"{p.next_review_on:%Y-%m-%d}"},
        link=lambda org, p: _policy_link(org, p.pk), load=_overdue,
        description=gettext_lazy("A policy you own (or, with no owner, that you look after as CISO) has passed "
                                 "its review date.")))
    register(Kind(
        EXCEPTION_EXPIRING, gettext_lazy("A policy exception ends soon"), "policy.view",
        recipients=_requester_and_signers,
        title=lambda e, m: _("The exception to %(policy)s ends on %(date)s") % {
            "policy": f"{e.policy.ref} {e.policy.title}", "date": f"{e.expires_on:%Y-%m-%d}"},
        link=lambda org, e: reverse("policies:exceptions", kwargs={"org": org.slug}) + f"#exception-{e.pk}",
        load=_expiring,
        description=gettext_lazy("An exception you asked for or signed ends within 30 days: renew it, or make "
                                 "sure the policy is followed again.")))
    register_scan("policies.reviews_overdue", notify_overdue_reviews)
    register_scan("policies.exceptions_expiring", notify_expiring_exceptions)
    register_scan("policies.campaigns_due_soon", remind_campaigns_due_soon)
