"""Risk acceptances: a risk above tolerance needs the CISO and the person the CISO reports to
(the CIO, or the CEO/board representative); a risk within tolerance, its owner alone. An acceptance
records what it is signed for (residual position and level, category, tolerance verdict); a signature
is refused once the risk differs from that. In force only when fully signed; it lapses by itself on its
expiry date, and stops covering a risk that rises above what was signed (read side:
`selectors.in_force_q`)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.approvals import services as approvals
from accord.core.approvals.rules import labels, unfillable
from accord.core.choices import AuditAction, Role
from accord.core.clock import org_today
from accord.core.conflict import Conflict
from accord.core.models import GovernanceProfile, Membership, Organization, User
from accord.core.notifications.services import notify
from accord.core.tenancy import check_same_org
from accord.core.wording import and_join, or_join
from accord.risks.choices import AcceptanceStatus, Level, Signatory
from accord.risks.models import AcceptanceSignature, Risk, RiskAcceptance
from accord.risks.notifications import ACCEPTANCE_SIGNATURE
from accord.risks.rules import may_withdraw, required_acceptance_slots
from accord.risks.selectors import is_above_tolerance, signature_state
from accord.risks.services.register import lock_org, refuse_if_archived

MAX_ACCEPTANCE_DAYS = 3 * 366


@transaction.atomic
def do_request_acceptance(actor: User | None, org: Organization, risk: Risk, *, justification: str,
                          compensating_measures: str = "", expires_on: dt.date) -> RiskAcceptance:
    """Ask for a risk to be accepted until `expires_on`. The required signatures are fixed now, and so is
    what they are for: the risk's category, residual position and level, and the tolerance verdict. A
    requester who is one of the required signatories signs in the same step."""
    check_same_org(org, risk=risk)
    lock_org(org)
    risk = Risk.objects.for_org(org).select_related("category", "owner").get(pk=risk.pk)
    refuse_if_archived(risk, _("ask for its acceptance"))
    errors: dict[str, str] = {}
    if not (justification or "").strip():
        errors["justification"] = _("Explain why the risk is accepted.")
    today = org_today(org)
    if expires_on <= today:
        errors["expires_on"] = _("The expiry date must be after today (%(today)s).") % {"today": today.isoformat()}
    elif (expires_on - today).days > MAX_ACCEPTANCE_DAYS:
        errors["expires_on"] = _("An acceptance may last at most three years; review it before then.")
    above = is_above_tolerance(org, risk)
    if not above and risk.owner_id is None:
        errors["risk"] = _("The risk has no owner to accept it; assign an owner first.")
    if errors:
        raise ValidationError(errors)
    profile = GovernanceProfile.objects.for_org(org).get()
    required = required_acceptance_slots(profile, above_tolerance=above, privacy=risk.category.is_privacy,
                                         owner_is_dpo=risk.owner is not None and risk.owner.role == Role.DPO)
    missing = unfillable(required, Membership.objects.for_org(org), owner_id=risk.owner_id)
    if missing:
        values = {"risk": risk.ref, "slots": and_join(labels(missing)), "org": org.name}
        raise Conflict({"risk": (_(
            "The acceptance of %(risk)s needs the signature of the %(slots)s, and no member of %(org)s can sign "
            "as that; invite one or give a member that role or turn off \"the DPO signs privacy acceptances\" "
            "in the governance settings first.") if Signatory.DPO in missing else _(
            "The acceptance of %(risk)s needs the signature of the %(slots)s, and no member of %(org)s can sign "
            "as that; invite one or give a member that role first.")) % values})
    acceptance = RiskAcceptance.objects.for_org(org).create(
        organization=org, risk=risk, justification=justification.strip(),
        compensating_measures=(compensating_measures or "").strip(), expires_on=expires_on,
        required_signatories=required,
        category_id=risk.category_id, residual_likelihood=risk.residual_likelihood,
        residual_impact=risk.residual_impact, residual_level=risk.residual_level, residual_rank=risk.residual_rank,
        above_tolerance_when_requested=above, created_by=actor,
    )
    audit.record(org, actor, AuditAction.CREATE, acceptance, object_repr=f"Acceptance of {risk.ref}",
                 changes={"risk": [None, risk.pk], "justification": [None, acceptance.justification],
                          "compensating_measures": [None, acceptance.compensating_measures],
                          "expires_on": [None, expires_on.isoformat()],
                          "required_signatories": [None, acceptance.required_signatories],
                          "category": [None, risk.category_id], "residual": [None, signed_for(acceptance)],
                          "above_tolerance": [None, above]})
    if actor is not None:
        # The requester who is one of the required signatories signs in the same step (its own event).
        membership = Membership.objects.for_org(org).filter(user=actor).first()
        if membership is not None and signature_state(org, acceptance).can_sign(membership):
            acceptance = do_sign_acceptance(actor, org, acceptance)
    if acceptance.status == AcceptanceStatus.PENDING:  # the signatures still awaited: their people are told
        notify(org, ACCEPTANCE_SIGNATURE, acceptance, actor=actor)
    return acceptance


def signed_for(acceptance: RiskAcceptance) -> str:
    """What an acceptance is signed for, as people read it: "5×4 critical"."""
    return f"{acceptance.residual_likelihood}×{acceptance.residual_impact} {acceptance.residual_level}"


def refuse_if_changed(org: Organization, acceptance: RiskAcceptance, risk: Risk) -> None:
    """A signature binds to what the acceptance records: refuse it once the risk's residual, its category
    or its tolerance verdict differ from the request (the signer would sign something they were not shown)."""
    above = is_above_tolerance(org, risk)
    recorded = (acceptance.residual_likelihood, acceptance.residual_impact, acceptance.residual_level,
                acceptance.category_id, acceptance.above_tolerance_when_requested)
    if recorded == (risk.residual_likelihood, risk.residual_impact, risk.residual_level, risk.category_id, above):
        return
    verdict = {True: _("above tolerance"), False: _("within tolerance")}
    then = verdict[acceptance.above_tolerance_when_requested]
    values = {"risk": risk.ref,
              "then": f"{acceptance.residual_likelihood}×{acceptance.residual_impact} "
                      f"({Level(acceptance.residual_level).label}), {then}",
              "now": f"{risk.residual_likelihood}×{risk.residual_impact} ({Level(risk.residual_level).label}), "
                     f"{verdict[above]}"}
    raise Conflict({"acceptance": (_(
        "This acceptance of %(risk)s was requested for a residual of %(then)s; it is now %(now)s. Withdraw it and "
        "request a new acceptance for the risk as it is now.") if acceptance.category_id == risk.category_id else _(
        "This acceptance of %(risk)s was requested for a residual of %(then)s; it is now %(now)s, in another "
        "category. Withdraw it and request a new acceptance for the risk as it is now.")) % values})


@transaction.atomic
def do_sign_acceptance(actor: User, org: Organization, acceptance: RiskAcceptance) -> RiskAcceptance:
    """Sign in the actor's slot; the last signature puts the acceptance in force and supersedes older
    acceptances of the risk. The risk itself is not written: it reads accepted while the acceptance is
    in force (`selectors.annotated_risks`, decision 0021)."""
    check_same_org(org, acceptance=acceptance)
    lock_org(org)
    acceptance = RiskAcceptance.objects.for_org(org).select_related("risk").get(pk=acceptance.pk)
    if acceptance.status != AcceptanceStatus.PENDING:
        raise Conflict({"acceptance": _("This acceptance is %(status)s; only one awaiting signatures can be "
                                        "signed.") % {"status": acceptance.get_status_display().lower()}})
    if acceptance.expires_on <= org_today(org):
        raise Conflict({"acceptance": _("This acceptance has expired before it was fully signed.")})
    risk = acceptance.risk
    refuse_if_changed(org, acceptance, risk)
    required = list(signature_state(org, acceptance).required)
    signature = approvals.add_signature(actor, org, acceptance, AcceptanceSignature, to="acceptance",
                                        required=required, owner_id=risk.owner_id,
                                        what=_("The acceptance of %(risk)s") % {"risk": risk.ref})
    slot = signature.slot
    changes: dict[str, list[object]] = {"slot": [None, slot]}
    if not signature_state(org, acceptance).awaiting:
        superseded = f"Superseded by acceptance {acceptance.pk}, in force from today."
        for older in RiskAcceptance.objects.for_org(org).filter(risk=risk, status=AcceptanceStatus.IN_FORCE):
            older.status = AcceptanceStatus.WITHDRAWN
            older.withdrawn_at, older.withdrawn_by, older.withdrawal_reason = timezone.now(), actor, superseded
            older.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
            audit.record(org, actor, AuditAction.UPDATE, older, object_repr=f"Acceptance of {risk.ref}",
                         changes={"status": ["in_force", "withdrawn"], "reason": [None, superseded]})
        acceptance.status = AcceptanceStatus.IN_FORCE
        acceptance.in_force_at = timezone.now()
        acceptance.save(update_fields=["status", "in_force_at"])
        changes["status"] = ["pending", "in_force"]
    audit.record(org, actor, AuditAction.SIGN, acceptance, changes=changes,
                 object_repr=f"Acceptance of {risk.ref} signed as {Signatory(slot).label}")
    return acceptance


@transaction.atomic
def do_withdraw_acceptance(actor: User | None, org: Organization, acceptance: RiskAcceptance, *,
                           reason: str) -> RiskAcceptance:
    """Withdraw a pending or in-force acceptance, saying why: the requester, a required signatory or an
    admin may (`rules.may_withdraw`; PermissionDenied otherwise); the operator's command line (no actor)
    acts as the system. From now on the risk is judged against the appetite again, everywhere."""
    check_same_org(org, acceptance=acceptance)
    lock_org(org)
    acceptance = RiskAcceptance.objects.for_org(org).select_related("risk").get(pk=acceptance.pk)
    if actor is not None:
        membership = Membership.objects.for_org(org).filter(user=actor).first()
        if membership is None or not may_withdraw(membership, requested_by_id=acceptance.created_by_id,
                                                  required=acceptance.required_signatories,
                                                  owner_id=acceptance.risk.owner_id):
            raise PermissionDenied(_("Only the requester, a required signatory (%(slots)s) or an admin may "
                                     "withdraw this acceptance.")
                                   % {"slots": or_join(Signatory(s).label for s in acceptance.required_signatories)})
    if acceptance.status not in (AcceptanceStatus.PENDING, AcceptanceStatus.IN_FORCE):
        raise Conflict({"acceptance": _("Only a pending or in-force acceptance can be withdrawn.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the acceptance is withdrawn; the audit trail keeps it.")})
    before = acceptance.status
    acceptance.status = AcceptanceStatus.WITHDRAWN
    acceptance.withdrawn_at, acceptance.withdrawn_by, acceptance.withdrawal_reason = timezone.now(), actor, reason
    acceptance.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    audit.record(org, actor, AuditAction.UPDATE, acceptance, object_repr=f"Acceptance of {acceptance.risk.ref}",
                 changes={"status": [before, "withdrawn"], "reason": [None, reason]})
    return acceptance
