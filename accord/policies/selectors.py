"""Tenant-scoped reads of the policies app. Every front reads the same answers here: where a version's
approvals stand (`version_state`, on the approvals kit), which version is in force, whether a review is
overdue, who has acknowledged a campaign's version and where an exception's signatures stand. Lists keep
a constant number of queries (prefetches, one members query)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accord.core.approvals import rules as approvals
from accord.core.approvals.rules import SignatureState
from accord.core.clock import org_today
from accord.core.models import GovernanceProfile, Membership, Organization
from accord.policies import rules
from accord.policies.choices import ExceptionState, ExceptionStatus, VersionStatus
from accord.policies.models import (
    Attestation,
    AttestationCampaign,
    Policy,
    PolicyApproval,
    PolicyControl,
    PolicyException,
    PolicyExceptionSignature,
    PolicyRequirement,
    PolicyVersion,
)


def profile_of(org: Organization) -> GovernanceProfile:
    return GovernanceProfile.objects.for_org(org).get()


def members(org: Organization) -> list[Membership]:
    """The organisation's members with their users, in a stable order (one query)."""
    return list(Membership.objects.for_org(org).select_related("user").order_by("pk"))


# --- versions and their approvals -----------------------------------------------------------------------

def _approvals_prefetch(org: Organization) -> Any:
    return Prefetch("approvals", queryset=PolicyApproval.objects.for_org(org).select_related("user"))


def version_state(version: PolicyVersion, policy: Policy, profile: GovernanceProfile, *,
                  people: Iterable[Membership] | None = None) -> SignatureState:
    """Who must approve `version`, who approved which slot, and which approvals are awaited (none once it
    is no longer a draft): the one answer the pages, the API, the CLI and the approving service read.
    Reads `version.approvals` (prefetched with their users by the selectors here); with `people`, also
    who could give an awaited approval."""
    required = rules.version_slots(is_draft=version.is_draft, recorded=list(version.required_signatories),
                                   profile=profile, kind=policy.kind)
    return approvals.signature_state(required, list(version.approvals.all()), is_open=version.is_draft,
                                     members=people)


@dataclass(frozen=True)
class PolicyRow:
    """A policy as its list and page read it: the version in force, the open draft with where its
    approvals stand, and whether its review is overdue."""

    policy: Policy
    in_force: PolicyVersion | None
    draft: PolicyVersion | None
    draft_state: SignatureState | None
    overdue: bool
    latest: int = 0
    awaiting_people: tuple[str, ...] = field(default=())

    @property
    def pending_labels(self) -> list[str]:
        return self.draft_state.awaiting_labels if self.draft_state is not None else []


def _open_versions(org: Organization) -> Any:
    return Prefetch("versions", to_attr="open_versions", queryset=PolicyVersion.objects.for_org(org).filter(
        status__in=(VersionStatus.DRAFT, VersionStatus.IN_FORCE)).prefetch_related(_approvals_prefetch(org)))


def _policies(org: Organization) -> QuerySet[Policy]:
    return Policy.objects.for_org(org).select_related("owner__user").prefetch_related(
        _open_versions(org), Prefetch("requirement_links", queryset=PolicyRequirement.objects.for_org(org)),
        Prefetch("control_links", queryset=PolicyControl.objects.for_org(org)))


def _row(policy: Policy, profile: GovernanceProfile, today: dt.date,
         people: Sequence[Membership] | None = None) -> PolicyRow:
    found = {v.status: v for v in getattr(policy, "open_versions", ())}
    draft = found.get(VersionStatus.DRAFT)
    state = version_state(draft, policy, profile, people=people) if draft is not None else None
    return PolicyRow(policy=policy, in_force=found.get(VersionStatus.IN_FORCE), draft=draft, draft_state=state,
                     overdue=rules.review_overdue(policy.next_review_on, today),
                     awaiting_people=state.awaiting_people if state is not None else ())


@dataclass(frozen=True)
class PolicyFilter:
    kind: str = ""
    overdue: bool = False
    awaiting: bool = False


def policy_rows(org: Organization, filters: PolicyFilter | None = None) -> list[PolicyRow]:
    """Every policy of `org` (filtered) with its version in force, its draft's approvals and its review
    flag, by reference; a constant number of queries. `awaiting`: those with a draft awaiting approvals."""
    filters = filters or PolicyFilter()
    found = _policies(org)
    if filters.kind:
        found = found.filter(kind=filters.kind)
    today = org_today(org)
    if filters.overdue:
        found = found.filter(next_review_on__lt=today)
    if filters.awaiting:
        found = found.filter(versions__status=VersionStatus.DRAFT)
    profile = profile_of(org)
    return [_row(policy, profile, today) for policy in found]


def access_policy(org: Organization, policy_id: int | str) -> Policy:
    """One policy of `org` by its id (or its reference, "POL-003"), or 404: missing and another
    organisation's answer the same."""
    key = str(policy_id).strip().upper()
    if key.startswith("POL-") and key[4:].isdigit():
        lookup = Q(number=int(key[4:]))
    elif key.isdigit():
        lookup = Q(pk=int(key))
    else:
        raise Http404("No such policy.")
    policy = _policies(org).filter(lookup).first()
    if policy is None:
        raise Http404("No such policy.")
    return policy


def policy_row(org: Organization, policy: Policy, *, people: bool = False) -> PolicyRow:
    """The row of one policy (read again unless `access_policy` loaded it); `people`: who could give an
    awaited approval."""
    if not hasattr(policy, "open_versions"):
        policy = access_policy(org, policy.pk)
    return _row(policy, profile_of(org), org_today(org), members(org) if people else None)


def versions(org: Organization, policy: Policy) -> list[PolicyVersion]:
    """Every version of `policy`, newest first, with its approvals and their signers."""
    return list(PolicyVersion.objects.for_org(org).filter(policy=policy).select_related("created_by")
                .prefetch_related(_approvals_prefetch(org)).order_by("-version"))


def access_version(org: Organization, policy: Policy, version: int) -> PolicyVersion:
    """Version `version` of `policy`, or 404."""
    found = PolicyVersion.objects.for_org(org).filter(policy=policy, version=version).select_related(
        "created_by").prefetch_related(
        _approvals_prefetch(org)).first()
    if found is None:
        raise Http404("No such version.")
    return found


def previous_version(org: Organization, version: PolicyVersion) -> PolicyVersion | None:
    """The version before `version` of the same policy (what its diff compares against), or None."""
    return (PolicyVersion.objects.for_org(org).filter(policy_id=version.policy_id, version__lt=version.version)
            .order_by("-version").first())


def links(org: Organization, policy: Policy) -> tuple[list[Any], list[Any]]:
    """The requirements (with their framework) and controls `policy` is linked to."""
    from accord.compliance.models import Control, Requirement

    requirements = list(Requirement.objects.for_org(org).filter(policy_links__policy=policy)
                        .select_related("framework").order_by("framework__name", "position"))
    controls = list(Control.objects.for_org(org).filter(policy_links__policy=policy).order_by("number"))
    return requirements, controls


def policies_owned_by(org: Organization, membership: Membership) -> list[str]:
    """The policies `membership` owns, as people read them (what they hand over on leaving)."""
    return [f"{p.ref} {p.title}" for p in Policy.objects.for_org(org).filter(owner=membership).order_by("number")]


def policy_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Policies by reference and title, for the audit trail (one query, as every namer)."""
    from accord.core.history import names_by_id

    return names_by_id(Policy.objects.for_org(org), ids, str)


def campaign_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Attestation campaigns by their policy, for the audit trail (one query, as every namer)."""
    from accord.core.history import names_by_id

    return names_by_id(AttestationCampaign.objects.for_org(org).select_related("policy"), ids, str)


# --- attestations -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Progress:
    """Who a campaign asks, who has acknowledged its version and who has not yet (display names)."""

    acknowledged: tuple[str, ...]
    pending: tuple[str, ...]
    pending_ids: frozenset[int]
    acknowledged_ids: frozenset[int]

    @property
    def asked(self) -> int:
        return len(self.acknowledged) + len(self.pending)

    @property
    def percent(self) -> int:
        return round(100 * len(self.acknowledged) / self.asked) if self.asked else 0


def in_audience(campaign: AttestationCampaign, membership: Membership) -> bool:
    """`membership` is asked by `campaign`: their role is one it names, or they are named."""
    return membership.role in campaign.roles or membership.user_id in campaign.user_ids


def progress(campaign: AttestationCampaign, people: Sequence[Membership]) -> Progress:
    """Where `campaign` stands among `people` (the organisation's members); reads
    `campaign.attestations` (prefetched by `campaigns`)."""
    done = {a.user_id for a in campaign.attestations.all()}
    asked = [m for m in people if in_audience(campaign, m) or m.user_id in done]
    return Progress(acknowledged=tuple(m.user.display_name for m in asked if m.user_id in done),
                    pending=tuple(m.user.display_name for m in asked if m.user_id not in done),
                    pending_ids=frozenset(m.user_id for m in asked if m.user_id not in done),
                    acknowledged_ids=frozenset(done))


def _campaigns(org: Organization) -> QuerySet[AttestationCampaign]:
    return (AttestationCampaign.objects.for_org(org).select_related("policy", "version", "created_by")
            .prefetch_related(Prefetch("attestations", queryset=Attestation.objects.for_org(org))))


def campaigns(org: Organization, policy: Policy | None = None) -> list[AttestationCampaign]:
    """The attestation campaigns of `org` (of one policy), newest first, each with its `progress`
    (a constant number of queries)."""
    found = _campaigns(org)
    if policy is not None:
        found = found.filter(policy=policy)
    people = members(org)
    out = list(found)
    for campaign in out:
        campaign.progress = progress(campaign, people)  # type: ignore[attr-defined]
    return out


def access_campaign(org: Organization, campaign_id: int) -> AttestationCampaign:
    """One attestation campaign of `org` with its progress, or 404."""
    campaign = _campaigns(org).filter(pk=campaign_id).first()
    if campaign is None:
        raise Http404("No such attestation campaign.")
    campaign.progress = progress(campaign, members(org))  # type: ignore[attr-defined]
    return campaign


# --- exceptions ---------------------------------------------------------------------------------------

def exception_state(exception: PolicyException, profile: GovernanceProfile, today: dt.date, *,
                    people: Iterable[Membership] | None = None) -> SignatureState:
    """Where an exception's signatures stand (reads `exception.signatures`, prefetched with their users)."""
    # While pending, the governance profile as it is now names the signatories (as for a draft appetite);
    # once in force, the slots it was signed in.
    pending = exception.status == ExceptionStatus.PENDING
    required = (rules.exception_slots(profile, exception.policy.kind) if pending
                else list(exception.required_signatories))
    return approvals.signature_state(required, list(exception.signatures.all()),
                                     is_open=rules.exception_signable(exception.status, exception.expires_on, today),
                                     members=people)


def _exceptions(org: Organization) -> QuerySet[PolicyException]:
    found = PolicyException.objects.for_org(org).select_related("policy", "risk", "created_by", "withdrawn_by")
    return found.prefetch_related(
        Prefetch("signatures", queryset=PolicyExceptionSignature.objects.for_org(org).select_related("user")))


def _annotate(exception: PolicyException, profile: GovernanceProfile, today: dt.date,
              people: Sequence[Membership] | None = None) -> PolicyException:
    exception.state = rules.exception_state(exception.status, exception.expires_on, today)  # type: ignore[attr-defined]
    exception.state_label = ExceptionState(exception.state).label  # type: ignore[attr-defined]
    exception.signature_state = exception_state(exception, profile, today, people=people)  # type: ignore[attr-defined]
    return exception


def policy_exceptions(org: Organization, policy: Policy | None = None, *, state: str = "") -> list[PolicyException]:
    """The exceptions of `org` (of one policy; in one `state`), newest first, each with its `state`
    (expired flagged) and `signature_state`; a constant number of queries."""
    found = _exceptions(org)
    if policy is not None:
        found = found.filter(policy=policy)
    profile, today = profile_of(org), org_today(org)
    out = [_annotate(e, profile, today) for e in found]
    return [e for e in out if e.state == state] if state else out  # type: ignore[attr-defined]


def access_exception(org: Organization, exception_id: int, *, people: bool = False) -> PolicyException:
    """One exception of `org`, annotated as in `policy_exceptions`, or 404."""
    exception = _exceptions(org).filter(pk=exception_id).first()
    if exception is None:
        raise Http404("No such policy exception.")
    return _annotate(exception, profile_of(org), org_today(org), members(org) if people else None)


def expired_exceptions(org: Organization) -> QuerySet[PolicyException]:
    """Exceptions still marked pending or in force whose expiry date has passed."""
    return PolicyException.objects.for_org(org).filter(
        status__in=(ExceptionStatus.PENDING, ExceptionStatus.IN_FORCE), expires_on__lt=org_today(org))


def overdue_for_review(org: Organization) -> QuerySet[Policy]:
    """The policies past their review date (`rules.review_overdue` as a query), with their owners."""
    return Policy.objects.for_org(org).filter(next_review_on__lt=org_today(org)).select_related("owner__user")


def exceptions_expiring(org: Organization, *, within_days: int = 30) -> QuerySet[PolicyException]:
    """The exceptions in force whose expiry date comes within `within_days` (today included)."""
    today = org_today(org)
    return (PolicyException.objects.for_org(org).select_related("policy", "created_by")
            .filter(status=ExceptionStatus.IN_FORCE, expires_on__gte=today,
                    expires_on__lte=today + dt.timedelta(days=within_days)))


def campaigns_due_soon(org: Organization, *, within_days: int = 7) -> QuerySet[AttestationCampaign]:
    """The attestation campaigns whose due date comes within `within_days` (today included): the
    periodic reminder tells whoever has not acknowledged yet."""
    today = org_today(org)
    return (AttestationCampaign.objects.for_org(org).select_related("policy", "version")
            .filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=within_days)))


# --- dashboards ---------------------------------------------------------------------------------------

def review_panel(org: Organization) -> dict[str, object]:
    """The dashboard panel of the CISO and the CIO: policies overdue for review, drafts awaiting
    approvals and expired exceptions (the organisation only, never the viewer: decision 0035)."""
    today = org_today(org)
    overdue = list(overdue_for_review(org).order_by("next_review_on", "number")[:10])
    awaiting = list(_policies(org).filter(versions__status=VersionStatus.DRAFT).order_by("number")[:10])
    profile = profile_of(org)
    return {"policy_panel": {"overdue": overdue, "awaiting": [_row(p, profile, today) for p in awaiting],
                             "expired": expired_exceptions(org).count(), "today": today}}
