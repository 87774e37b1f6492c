"""Policies and their versions. A version is drafted, never edited: a change is a new draft, which
withdraws the open one with its approvals (decision 0062). A draft comes into force once every approver
its kind names under the governance profile has approved that same version (the approvals kit,
decision 0011); the version it replaces is superseded, and the next review falls due one review cycle
later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.approvals import services as approvals
from accord.core.approvals.rules import label, labels, unfillable
from accord.core.choices import AuditAction
from accord.core.clock import org_today
from accord.core.conflict import Conflict
from accord.core.models import Membership, Organization, User
from accord.core.notifications.services import notify
from accord.core.tenancy import check_same_org
from accord.core.wording import and_join
from accord.policies import rules, selectors
from accord.policies.choices import PolicyKind, VersionStatus
from accord.policies.fields import POLICY
from accord.policies.models import Policy, PolicyApproval, PolicyControl, PolicyRequirement, PolicyVersion
from accord.policies.notifications import VERSION_APPROVAL
from accord.policies.services.common import lock_org, member_by_email
from accord.policies.starters import starter

MAX_BODY = 100_000
MAX_TITLE = 200
AUDITED = POLICY.audited


def _clean(org: Organization, data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """The model values of `data` (the spec's inputs), or one ValidationError naming every bad field."""
    unknown = sorted(set(data) - set(POLICY.input_names))
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    if "title" in data or creating:
        title = str(data.get("title") or "").strip()
        if not title:
            errors["title"] = _("Give the policy a title.")
        elif len(title) > MAX_TITLE:
            errors["title"] = _("A title has at most %(n)s characters.") % {"n": MAX_TITLE}
        values["title"] = title
    if "kind" in data or creating:
        kind = str(data.get("kind") or "")
        if kind not in PolicyKind.values:
            errors["kind"] = _("'%(value)s' is not a policy kind; choose one of %(kinds)s.") % {
                "value": kind, "kinds": ", ".join(PolicyKind.values)}
        values["kind"] = kind
    if "owner" in data:
        try:
            values["owner"] = member_by_email(org, data["owner"], field="owner")
        except ValidationError as exc:
            errors.update({k: " ".join(v) for k, v in exc.message_dict.items()})
    if "review_interval_months" in data and data["review_interval_months"] is not None:
        months = data["review_interval_months"]
        if isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= rules.MAX_REVIEW_MONTHS:
            errors["review_interval_months"] = _("Review every 1 to %(max)s months.") % {
                "max": rules.MAX_REVIEW_MONTHS}
        values["review_interval_months"] = months
    if errors:
        raise ValidationError(errors)
    return values


def _check_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the policy's text (Markdown).")})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": _("A policy's text has at most %(n)s characters.") % {"n": MAX_BODY}})
    if "\x00" in body:
        raise ValidationError({"body": _("The text holds a NUL character; remove it.")})
    return body


def _set_links(org: Organization, policy: Policy, *, requirements: Sequence[int] | None,
               controls: Sequence[int] | None) -> dict[str, list[Any]]:
    """Link `policy` to exactly these requirements and controls (ids of `org`; None leaves a list as it
    is); the changes for the policy's audit event."""
    from accord.compliance.models import Control, Requirement

    changes: dict[str, list[Any]] = {}
    for name, ids, model, link, attr in (("requirements", requirements, Requirement, PolicyRequirement, "requirement"),
                                         ("controls", controls, Control, PolicyControl, "control")):
        if ids is None:
            continue
        wanted = sorted({int(i) for i in ids})
        found = set(model.objects.for_org(org).filter(pk__in=wanted).values_list("pk", flat=True))
        missing = [i for i in wanted if i not in found]
        if missing:
            raise ValidationError({name: _("No %(what)s with the id %(ids)s in this organisation.") % {
                "what": attr, "ids": ", ".join(str(i) for i in missing)}})
        links = link.objects.for_org(org).filter(policy=policy)
        before = sorted(links.values_list(f"{attr}_id", flat=True))
        if before == wanted:
            continue
        links.exclude(**{f"{attr}_id__in": wanted}).delete()
        for pk in sorted(set(wanted) - set(before)):
            link.objects.for_org(org).create(organization=org, policy=policy, **{f"{attr}_id": pk})
        changes[name] = [before, wanted]
    return changes


@transaction.atomic
def do_create_policy(actor: User | None, org: Organization, data: Mapping[str, Any], *, body: str = "",
                     template: str = "", note: str = "", requirements: Sequence[int] | None = None,
                     controls: Sequence[int] | None = None) -> Policy:
    """Add a policy with its first draft: the `body` given, or a starter `template`'s text (its title,
    kind and review cycle too, unless `data` names them). The draft awaits its approvers."""
    lock_org(org)
    values = dict(data)
    if template:
        found = starter(template)
        if found is None:
            raise ValidationError({"template": _("'%(value)s' is not a policy template.") % {"value": template}})
        values.setdefault("title", str(found.title))
        values.setdefault("kind", found.kind)
        values.setdefault("review_interval_months", found.review_interval_months)
        body = body or found.body
    cleaned = _clean(org, values, creating=True)
    body = _check_body(body)
    number = (Policy.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    policy = Policy.objects.for_org(org).create(organization=org, number=number, **cleaned)
    changes = audit.diff({}, audit.snapshot(policy, AUDITED))
    changes.update(_set_links(org, policy, requirements=requirements, controls=controls))
    if template:
        changes["template"] = [None, template]
    audit.record(org, actor, AuditAction.CREATE, policy, object_repr=str(policy), changes=changes)
    _new_draft(actor, org, policy, body, note or _("First version"))
    return policy


@transaction.atomic
def do_update_policy(actor: User | None, org: Organization, policy: Policy, data: Mapping[str, Any], *,
                     requirements: Sequence[int] | None = None, controls: Sequence[int] | None = None) -> Policy:
    """Change a policy's title, kind, owner, review cycle or links (its text changes by a new version).
    A new review cycle moves the next review date from the current one's start."""
    check_same_org(org, policy=policy)
    lock_org(org)
    policy = Policy.objects.for_org(org).select_for_update().get(pk=policy.pk)
    cleaned = _clean(org, data, creating=False)
    check_same_org(org, owner=cleaned.get("owner"))
    before = audit.snapshot(policy, AUDITED)
    old_months = policy.review_interval_months
    for name, value in cleaned.items():
        setattr(policy, name, value)
    if policy.review_interval_months != old_months and policy.next_review_on is not None:
        started = rules.add_months(policy.next_review_on, -old_months)
        policy.next_review_on = rules.next_review_on(started, policy.review_interval_months)
    changes = audit.diff(before, audit.snapshot(policy, AUDITED))
    if changes:
        policy.updated_at = timezone.now()
        policy.save(update_fields=[*cleaned, "next_review_on", "updated_at"])
    changes.update(_set_links(org, policy, requirements=requirements, controls=controls))
    if changes:
        audit.record(org, actor, AuditAction.UPDATE, policy, object_repr=str(policy), changes=changes)
    return policy


def _new_draft(actor: User | None, org: Organization, policy: Policy, body: str, note: str) -> PolicyVersion:
    profile = selectors.profile_of(org)
    required = rules.approval_slots(profile, policy.kind)
    missing = unfillable(required, Membership.objects.for_org(org))
    if missing:
        raise Conflict({"policy": _(
            "A %(kind)s policy is approved by the %(slots)s, and no member of %(org)s can approve as that; "
            "invite one or give a member that role first.") % {
            "kind": PolicyKind(policy.kind).label.lower(), "slots": and_join(labels(missing)), "org": org.name}})
    within = {"policy": policy}
    approvals.withdraw_draft(actor, org, PolicyVersion, within=within)
    version = PolicyVersion.objects.for_org(org).create(
        organization=org, policy=policy, version=approvals.next_version(org, PolicyVersion, within=within),
        body=body, note=(note or "").strip()[:500], required_signatories=required, created_by=actor)
    audit.record(org, actor, AuditAction.CREATE, version, object_repr=f"{policy.ref} v{version.version}",
                 changes={"policy": [None, policy.pk], "version": [None, version.version],
                          "body": [None, body], "note": [None, version.note],
                          "required_signatories": [None, required]})
    notify(org, VERSION_APPROVAL, version, actor=actor)
    return version


@transaction.atomic
def do_draft_policy_version(actor: User | None, org: Organization, policy: Policy, *, body: str,
                            note: str = "") -> PolicyVersion:
    """A new draft of `policy`'s text. An open draft is withdrawn with its approvals (they approved
    another text); the version in force stays in force until this one is fully approved."""
    check_same_org(org, policy=policy)
    lock_org(org)
    policy = Policy.objects.for_org(org).get(pk=policy.pk)
    body = _check_body(body)
    latest = PolicyVersion.objects.for_org(org).filter(policy=policy).exclude(
        status=VersionStatus.WITHDRAWN).order_by("-version").first()
    if latest is not None and latest.body == body:
        raise Conflict({"body": _("This text is the same as v%(version)s; change it before drafting a new "
                                  "version.") % {"version": latest.version}})
    return _new_draft(actor, org, policy, body, note)


@transaction.atomic
def do_approve_policy_version(actor: User, org: Organization, policy: Policy, *, version: int | None) -> PolicyVersion:
    """Approve draft `version` of `policy` in the actor's own slot (the kit's `pick_slot`: an approver the
    kind names, once, never in another person's slot). The last awaited approval puts the version in
    force, supersedes the one before and sets the next review date."""
    check_same_org(org, policy=policy)
    lock_org(org)
    policy = Policy.objects.for_org(org).get(pk=policy.pk)
    within = {"policy": policy}
    draft = approvals.current_draft(org, PolicyVersion, version, what=_("policy %(ref)s") % {"ref": policy.ref},
                                    within=within)
    profile = selectors.profile_of(org)
    required = rules.approval_slots(profile, policy.kind)
    what = _("Version %(version)s of %(ref)s") % {"version": draft.version, "ref": policy.ref}
    approval = approvals.add_signature(actor, org, draft, PolicyApproval, to="version", required=required, what=what)
    changes: dict[str, list[object]] = {"slot": [None, approval.slot]}
    draft = selectors.access_version(org, policy, draft.version)
    if not selectors.version_state(draft, policy, profile).awaiting:
        changes.update(approvals.put_in_force(actor, org, draft, required=required, within=within))
        _set_review(actor, org, policy, org_today(org), reason="in_force")
    audit.record(org, actor, AuditAction.SIGN, draft, changes=changes,
                 object_repr=f"{policy.ref} v{draft.version} approved as {label(approval.slot)}")
    return draft


def _set_review(actor: User | None, org: Organization, policy: Policy, on: Any, *, reason: str) -> None:
    before = policy.next_review_on
    policy.next_review_on = rules.next_review_on(on, policy.review_interval_months)
    policy.updated_at = timezone.now()
    policy.save(update_fields=["next_review_on", "updated_at"])
    audit.record(org, actor, AuditAction.UPDATE, policy, object_repr=str(policy), changes={
        "next_review_on": [before.isoformat() if before else None, policy.next_review_on.isoformat()],
        "reason": [None, reason]})


@transaction.atomic
def do_record_policy_review(actor: User | None, org: Organization, policy: Policy, *, note: str = "",
                            reviewed_on: dt.date | None = None) -> Policy:
    """Record that `policy` was reviewed (today, or on `reviewed_on`, a past day: a review held on paper) and
    still stands: its next review falls due one cycle from then. A policy with no version in force has
    nothing to review yet."""
    check_same_org(org, policy=policy)
    lock_org(org)
    policy = Policy.objects.for_org(org).get(pk=policy.pk)
    today = org_today(org)
    if reviewed_on is not None and reviewed_on > today:
        raise ValidationError({"reviewed_on": _("A review is recorded once held: today (%(today)s) or before.")
                               % {"today": today.isoformat()}})
    if not PolicyVersion.objects.for_org(org).filter(policy=policy, status=VersionStatus.IN_FORCE).exists():
        raise Conflict({"policy": _("%(ref)s has no version in force yet; approve one before recording a review.")
                        % {"ref": policy.ref}})
    _set_review(actor, org, policy, reviewed_on or today, reason=(note or "").strip()[:500] or "reviewed")
    return policy


@transaction.atomic
def do_hand_over_member_policies(actor: User | None, org: Organization, membership: Membership,
                                 reassign_to: Membership | None) -> int:
    """Give the policies `membership` owns to `reassign_to` (None: nobody); one audit event per policy."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    lock_org(org)
    changed = 0
    new = reassign_to.pk if reassign_to is not None else None
    for policy in Policy.objects.for_org(org).filter(owner=membership).select_for_update():
        policy.owner = reassign_to
        policy.updated_at = timezone.now()
        policy.save(update_fields=["owner", "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, policy, object_repr=str(policy),
                     changes={"owner": [membership.pk, new]})
        changed += 1
    return changed
