"""The demo policies: each demo organisation gets the starter set (7 policies) with believable histories: most
approved and in force, one version awaiting the CIO's approval (the CIO-CISO's where the roles are hybrid),
one policy overdue for review, an attestation campaign half done and one exception linked to a register
risk, awaiting its last signature. Idempotent: an organisation that has policies is left as it is."""

from __future__ import annotations

import datetime as dt

from accord.core.choices import CisoModel, Role
from accord.core.clock import org_today
from accord.core.demo import DemoContext
from accord.core.models import GovernanceProfile, Membership, Organization, User
from accord.policies import rules, services
from accord.policies.models import Policy
from accord.policies.starters import STARTERS


def _user(org: Organization, *roles: str, board: bool = False) -> User | None:
    people = Membership.objects.for_org(org).select_related("user").order_by("pk")
    found = people.filter(board_representative=True) if board else people.filter(role__in=roles)
    member = found.first()
    return member.user if member is not None else None


def _approve_all(org: Organization, policy: Policy, version: int, approvers: list[User]) -> None:
    for user in approvers:
        services.do_approve_policy_version(user, org, policy, version=version)


def load_org(org: Organization) -> int:
    """The demo policies of `org`; the number added (0 when it has some already)."""
    if Policy.objects.for_org(org).exists():
        return 0
    profile = GovernanceProfile.objects.for_org(org).get()
    hybrid = profile.ciso_model == CisoModel.HYBRID
    cio, ciso, dpo = _user(org, Role.CIO), _user(org, Role.CISO), _user(org, Role.DPO)
    board = _user(org, board=True)
    security_lead = ciso or cio
    if cio is None or security_lead is None or dpo is None or (hybrid and board is None):
        return 0
    infosec_approvers: list[User] = [cio, board] if hybrid and board is not None else [security_lead, cio]
    privacy_approvers: list[User] = [cio, dpo] if hybrid else [security_lead, dpo]
    today = org_today(org)
    policies: dict[str, Policy] = {}
    for starter in STARTERS:
        owner = dpo if starter.kind == "privacy" else security_lead
        policy = services.do_create_policy(security_lead, org, {"owner": owner.email}, template=starter.key)
        _approve_all(org, policy, 1, privacy_approvers if starter.kind == "privacy" else infosec_approvers)
        policies[starter.key] = policy
    # The acceptable use policy was last reviewed on paper thirteen months ago: overdue.
    services.do_record_policy_review(security_lead, org, policies["acceptable_use"],
                                     reviewed_on=rules.add_months(today, -13),
                                     note="Reviewed at the security committee")
    # A stricter access control policy: approved by the security side, awaiting the CIO (the CIO-CISO).
    access = policies["access_control"]
    body = access.versions.get(version=1).body.replace(
        "every six months\n  for the rest.", "every six months\n  for the rest, and after every reorganisation.")
    body += "\n## Break-glass accounts\nEmergency accounts are sealed, tested every quarter and alerted on use.\n"
    services.do_draft_policy_version(security_lead, org, access, body=body, note="Break-glass accounts; reviews "
                                                                                 "after reorganisations")
    services.do_approve_policy_version(board if hybrid else security_lead, org, access, version=2)  # type: ignore[arg-type]
    # Everyone is asked to acknowledge the information security policy; half of them have.
    infosec = policies["information_security"]
    campaign = services.do_launch_attestation_campaign(security_lead, org, infosec, roles=list(Role.values),
                                                       due_on=today + dt.timedelta(days=21))
    people = list(Membership.objects.for_org(org).select_related("user").order_by("pk"))
    for member in people[: max(1, len(people) // 2)]:
        services.do_acknowledge_policy(member.user, org, campaign)
    # A legacy system cannot follow the access control policy: an exception linked to a register risk.
    from accord.risks.models import Risk

    risk = Risk.objects.for_org(org).filter(archived_at__isnull=True).order_by("-residual_rank", "number").first()
    if risk is not None:
        services.do_request_policy_exception(
            security_lead, org, access, risk,
            justification="The legacy billing system cannot enforce multi-factor authentication until its "
                          "replacement goes live.",
            compensating_measures="Reachable only from the admin network; sessions recorded; accounts reviewed "
                                  "monthly.", expires_on=today + dt.timedelta(days=120))
    return len(policies)


def load(context: DemoContext) -> None:
    for org in context.orgs.values():
        added = load_org(org)
        if added:
            context.log(f"{org.slug}: {added} policies")
