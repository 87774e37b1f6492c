"""Policy exceptions: a request to depart from a policy until an expiry date, with a justification,
compensating measures and the risk in the register it leaves open, co-signed as the governance profile
requires for a risk acceptance above tolerance (the approvals kit). In force only once every signature
is in; past its expiry it reads expired (selectors)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
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
from accord.policies.choices import ExceptionState, ExceptionStatus
from accord.policies.models import Policy, PolicyException, PolicyExceptionSignature
from accord.policies.notifications import EXCEPTION_SIGNATURE
from accord.policies.services.common import lock_org, membership_of
from accord.risks.models import Risk

MAX_TEXT = 10_000


@transaction.atomic
def do_request_policy_exception(actor: User | None, org: Organization, policy: Policy, risk: Risk, *,
                                justification: str, compensating_measures: str = "",
                                expires_on: dt.date) -> PolicyException:
    """Ask to depart from `policy` until `expires_on`, leaving `risk` open. While it is pending the
    governance profile as it is names its signatories (recorded when it comes into force); a requester who
    is one of them signs in the same step."""
    check_same_org(org, policy=policy, risk=risk)
    lock_org(org)
    policy = Policy.objects.for_org(org).get(pk=policy.pk)
    errors: dict[str, str] = {}
    justification = (justification or "").strip()
    if not justification:
        errors["justification"] = _("Explain why the policy cannot be followed.")
    elif len(justification) > MAX_TEXT:
        errors["justification"] = _("At most %(n)s characters.") % {"n": MAX_TEXT}
    compensating_measures = (compensating_measures or "").strip()
    if len(compensating_measures) > MAX_TEXT:
        errors["compensating_measures"] = _("At most %(n)s characters.") % {"n": MAX_TEXT}
    today = org_today(org)
    if expires_on <= today:
        errors["expires_on"] = _("The expiry date must be after today (%(today)s).") % {"today": today.isoformat()}
    elif (expires_on - today).days > rules.MAX_EXCEPTION_DAYS:
        errors["expires_on"] = _("An exception may last at most three years; review it before then.")
    if errors:
        raise ValidationError(errors)
    profile = selectors.profile_of(org)
    required = rules.exception_slots(profile, policy.kind)
    missing = unfillable(required, Membership.objects.for_org(org))
    if missing:
        raise Conflict({"policy": _("An exception to %(ref)s needs the signature of the %(slots)s, and no member "
                                    "of %(org)s can sign as that; invite one first.")
                        % {"ref": policy.ref, "slots": and_join(labels(missing)), "org": org.name}})
    exception = PolicyException.objects.for_org(org).create(
        organization=org, policy=policy, risk=risk, justification=justification,
        compensating_measures=compensating_measures, expires_on=expires_on, required_signatories=required,
        created_by=actor)
    audit.record(org, actor, AuditAction.CREATE, exception, object_repr=f"Exception to {policy.ref}",
                 changes={"policy": [None, policy.pk], "risk": [None, risk.pk],
                          "justification": [None, justification],
                          "compensating_measures": [None, compensating_measures],
                          "expires_on": [None, expires_on.isoformat()], "required_signatories": [None, required]})
    membership = membership_of(org, actor)
    if membership is not None and selectors.access_exception(org, exception.pk).signature_state.can_sign(  # type: ignore[attr-defined]
            membership):
        exception = do_sign_policy_exception(actor, org, exception)  # type: ignore[arg-type]
    if exception.status == ExceptionStatus.PENDING:
        notify(org, EXCEPTION_SIGNATURE, exception, actor=actor)
    return exception


@transaction.atomic
def do_sign_policy_exception(actor: User, org: Organization, exception: PolicyException) -> PolicyException:
    """Sign a pending exception in the actor's slot; the last required signature puts it in force."""
    check_same_org(org, exception=exception)
    lock_org(org)
    exception = PolicyException.objects.for_org(org).select_related("policy").get(pk=exception.pk)
    if exception.status != ExceptionStatus.PENDING:
        raise Conflict({"exception": _("This exception is %(status)s; only one awaiting signatures can be signed.")
                        % {"status": exception.get_status_display().lower()}})
    if not rules.exception_signable(exception.status, exception.expires_on, org_today(org)):
        raise Conflict({"exception": _("This exception expired before it was fully signed.")})
    required = list(selectors.exception_state(exception, selectors.profile_of(org), org_today(org)).required)
    signature = approvals.add_signature(actor, org, exception, PolicyExceptionSignature, to="exception",
                                        required=required,
                                        what=_("The exception to %(ref)s") % {"ref": exception.policy.ref})
    changes: dict[str, list[object]] = {"slot": [None, signature.slot]}
    if not selectors.access_exception(org, exception.pk).signature_state.awaiting:  # type: ignore[attr-defined]
        exception.status, exception.in_force_at = ExceptionStatus.IN_FORCE, timezone.now()
        if list(exception.required_signatories) != required:
            changes["required_signatories"] = [exception.required_signatories, required]
        exception.required_signatories = required
        exception.save(update_fields=["status", "in_force_at", "required_signatories"])
        changes["status"] = [ExceptionStatus.PENDING.value, ExceptionStatus.IN_FORCE.value]
    audit.record(org, actor, AuditAction.SIGN, exception, changes=changes,
                 object_repr=f"Exception to {exception.policy.ref} signed as {label(signature.slot)}")
    return exception


@transaction.atomic
def do_withdraw_policy_exception(actor: User | None, org: Organization, exception: PolicyException, *,
                                 reason: str) -> PolicyException:
    """End an exception before its expiry (the departure is over, or the request is no longer wanted),
    pending or in force, with the reason; its signatures stay on record. An expired or withdrawn one has
    nothing left to end."""
    check_same_org(org, exception=exception)
    lock_org(org)
    exception = PolicyException.objects.for_org(org).select_related("policy").get(pk=exception.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the exception is withdrawn.")})
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": _("At most %(n)s characters.") % {"n": MAX_TEXT}})
    state = rules.exception_state(exception.status, exception.expires_on, org_today(org))
    if state not in (ExceptionStatus.PENDING, ExceptionStatus.IN_FORCE):
        raise Conflict({"exception": _("This exception is %(state)s; only one pending or in force can be "
                                       "withdrawn.") % {"state": _state_label(state)}})
    before = exception.status
    exception.status, exception.withdrawn_at = ExceptionStatus.WITHDRAWN, timezone.now()
    exception.withdrawn_by, exception.withdrawal_reason = actor, reason
    exception.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit.record(org, actor, AuditAction.UPDATE, exception,
                 object_repr=f"Exception to {exception.policy.ref} withdrawn",
                 changes={"status": [before, ExceptionStatus.WITHDRAWN.value], "withdrawal_reason": [None, reason]})
    return exception


def _state_label(state: str) -> str:
    return str(ExceptionState(state).label).lower()
