"""Attestation campaigns: members (by role, or named) are asked to acknowledge the version of a policy in
force at launch; each acknowledges once, for themselves; reminders go through the notifications kit to
those who have not yet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction, Role
from accord.core.clock import org_today
from accord.core.conflict import Conflict
from accord.core.models import Membership, Organization, User
from accord.core.notifications.services import notify
from accord.core.tenancy import check_same_org
from accord.policies import selectors
from accord.policies.choices import VersionStatus
from accord.policies.models import Attestation, AttestationCampaign, Policy, PolicyVersion
from accord.policies.notifications import ATTESTATION_DUE
from accord.policies.services.common import lock_org, membership_of

MAX_CAMPAIGN_DAYS = 366


@transaction.atomic
def do_launch_attestation_campaign(actor: User | None, org: Organization, policy: Policy, *,
                                   roles: Sequence[str] = (), members: Sequence[str] = (),
                                   due_on: dt.date) -> AttestationCampaign:
    """Ask the members holding one of `roles`, and the `members` named by e-mail address, to acknowledge
    `policy`'s version in force by `due_on`; each of them is told."""
    check_same_org(org, policy=policy)
    lock_org(org)
    policy = Policy.objects.for_org(org).get(pk=policy.pk)
    errors: dict[str, str] = {}
    version = PolicyVersion.objects.for_org(org).filter(policy=policy, status=VersionStatus.IN_FORCE).first()
    if version is None:
        raise Conflict({"policy": _("%(ref)s has no version in force to acknowledge yet.") % {"ref": policy.ref}})
    wrong = [r for r in roles if r not in Role.values]
    if wrong:
        errors["roles"] = _("Unknown roles: %(roles)s; choose among %(known)s.") % {
            "roles": ", ".join(wrong), "known": ", ".join(Role.values)}
    by_email = {m.user.email.casefold(): m for m in Membership.objects.for_org(org).select_related("user")}
    unknown = [e for e in members if str(e).strip().casefold() not in by_email]
    if unknown:
        errors["members"] = _("Not members of %(org)s: %(emails)s.") % {"org": org.name, "emails": ", ".join(unknown)}
    today = org_today(org)
    if due_on < today:
        errors["due_on"] = _("The due date must be today (%(today)s) or later.") % {"today": today.isoformat()}
    elif (due_on - today).days > MAX_CAMPAIGN_DAYS:
        errors["due_on"] = _("A campaign lasts at most a year.")
    if not roles and not members and not errors:
        errors["roles"] = _("Say whom to ask: one or more roles, or members by e-mail address.")
    if errors:
        raise ValidationError(errors)
    user_ids = sorted({by_email[str(e).strip().casefold()].user_id for e in members})
    campaign = AttestationCampaign.objects.for_org(org).create(
        organization=org, policy=policy, version=version, roles=sorted(set(roles)), user_ids=user_ids,
        due_on=due_on, created_by=actor)
    audit.record(org, actor, AuditAction.CREATE, campaign,
                 object_repr=f"Attestation of {policy.ref} v{version.version}",
                 changes={"policy": [None, policy.pk], "version": [None, version.version],
                          "roles": [None, campaign.roles], "user_ids": [None, user_ids],
                          "due_on": [None, due_on.isoformat()]})
    notify(org, ATTESTATION_DUE, campaign, actor=actor)
    return campaign


@transaction.atomic
def do_acknowledge_policy(actor: User, org: Organization, campaign: AttestationCampaign) -> Attestation:
    """The actor acknowledges the version `campaign` is about (for themselves only, once)."""
    check_same_org(org, campaign=campaign)
    lock_org(org)
    campaign = AttestationCampaign.objects.for_org(org).select_related("policy", "version").get(pk=campaign.pk)
    membership = membership_of(org, actor)
    if membership is None or not selectors.in_audience(campaign, membership):
        raise ValidationError({"campaign": _("This campaign does not ask you to acknowledge %(ref)s.")
                               % {"ref": campaign.policy.ref}})
    if Attestation.objects.for_org(org).filter(campaign=campaign, user=actor).exists():
        raise Conflict({"campaign": _("You have already acknowledged %(ref)s v%(version)s.")
                        % {"ref": campaign.policy.ref, "version": campaign.version.version}})
    attestation = Attestation.objects.for_org(org).create(organization=org, campaign=campaign, user=actor)
    audit.record(org, actor, AuditAction.ACCEPT, attestation,
                 object_repr=f"{campaign.policy.ref} v{campaign.version.version} acknowledged",
                 changes={"campaign": [None, campaign.pk], "version": [None, campaign.version.version]})
    return attestation


@transaction.atomic
def do_remind_attestation_campaign(actor: User | None, org: Organization, campaign: AttestationCampaign) -> int:
    """Remind the members who have not acknowledged yet (each told once per reminder); returns how many."""
    check_same_org(org, campaign=campaign)
    lock_org(org)
    campaign = selectors.access_campaign(org, campaign.pk)
    pending = len(campaign.progress.pending)  # type: ignore[attr-defined]
    if not pending:
        raise Conflict({"campaign": _("Everyone asked has acknowledged; there is nobody to remind.")})
    now = timezone.now()
    before = campaign.last_reminded_at
    campaign.last_reminded_at = now
    campaign.save(update_fields=["last_reminded_at"])
    audit.record(org, actor, AuditAction.UPDATE, campaign, object_repr=f"Attestation of {campaign.policy.ref}",
                 changes={"last_reminded_at": [before.isoformat() if before else None, now.isoformat()],
                          "reminded": [None, pending]})
    return len(notify(org, ATTESTATION_DUE, campaign, actor=actor, key=f"{campaign.pk}:{now.isoformat()}"))
