"""Writes of the DPIA workflow (Art. 35 and 36 GDPR), each in one transaction with its audit events: open a DPIA
on a processing activity (the screening requires one, or the controller chooses to, saying why), write the
assessment and its measures, add its risks (risks of the shared register, created through the risk app's service
in the privacy category, or an existing privacy risk linked), submit it to the DPO, record the DPO's advice, and
sign the controller's decision (the approvals kit: the slots the governance profile names, distinct people).
Status: draft → in review → awaiting the decision → decided (approved or rejected, on the organisation's date)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.compliance.models_controls import Control
from accord.core import audit
from accord.core.approvals import services as approvals
from accord.core.approvals.rules import label, labels, unfillable
from accord.core.choices import AuditAction, Role
from accord.core.clock import org_today
from accord.core.conflict import Conflict
from accord.core.models import Membership, Organization, User
from accord.core.notifications.services import notify
from accord.core.tenancy import check_same_org
from accord.core.wording import and_join
from accord.privacy import selectors_dpias
from accord.privacy.choices_dpias import EDITABLE_STATUSES, DpiaDecision, DpiaOrigin, DpiaStatus
from accord.privacy.choices_ropa import ScreeningOutcome
from accord.privacy.models_dpias import Dpia, DpiaControl, DpiaRisk, DpiaSignature
from accord.privacy.models_ropa import ProcessingActivity
from accord.privacy.services_common import Cleaner, lock_org
from accord.risks import selectors as risk_selectors
from accord.risks.models import Risk
from accord.risks.services.register import do_create_risk

#: What a person writes on a DPIA (the API's names).
DPIA_FIELDS = ("description", "necessity", "controls")
AUDITED = ("description", "necessity", "status", "dpo_advice", "decision", "decision_reason", "decided_on",
           "consultation_required")
LIMIT = 20_000
#: Kinds of notification (accord/privacy/notifications_dpias.py): a submitted DPIA awaits the DPO's advice; an
#: advised one awaits the decision of those the governance profile names.
DPIA_ADVICE = "privacy.dpia_advice"
DPIA_DECISION = "privacy.dpia_decision"


def _locked(org: Organization, dpia: Dpia) -> Dpia:
    check_same_org(org, dpia=dpia)
    lock_org(org)
    return Dpia.objects.for_org(org).select_related("activity").get(pk=dpia.pk)


def _refuse_unless(dpia: Dpia, statuses: tuple[str, ...], what: str) -> None:
    if dpia.status not in statuses:
        raise Conflict({"status": _("%(ref)s is %(status)s; %(what)s only while it is %(allowed)s.") % {
            "ref": dpia.ref, "status": dpia.get_status_display().lower(), "what": what,
            "allowed": " / ".join(str(DpiaStatus(s).label).lower() for s in statuses)}})


def _controls(org: Organization, c: Cleaner, value: Any) -> list[Control]:
    """Controls by reference (C-001) or number; every unknown one named."""
    if not isinstance(value, list | tuple):
        c.fail("controls", _("Give a list of control references (C-001)."))
        return []
    numbers: list[int] = []
    for item in value:
        text = str(item).strip().upper().removeprefix("C-")
        if not text.isdigit():
            c.fail("controls", _("'%(value)s' is not a control reference; write it as C-001.") % {"value": item})
            return []
        numbers.append(int(text))
    found = {ctl.number: ctl for ctl in Control.objects.for_org(org).filter(number__in=numbers)}
    unknown = [f"C-{n:03d}" for n in numbers if n not in found]
    if unknown:
        c.fail("controls", _("No control %(refs)s in %(org)s.") % {"refs": ", ".join(unknown), "org": org.name})
    return [found[n] for n in dict.fromkeys(numbers) if n in found]


@transaction.atomic
def do_create_dpia(actor: User | None, org: Organization, activity: ProcessingActivity, *, reason: str = "",
                   description: str = "", necessity: str = "") -> Dpia:
    """Open a DPIA on `activity`: where its screening requires one (origin `screening`), or by choice with the
    `reason` (an activity not screened, screened as not requiring one, or excepted). One open DPIA per activity:
    a second answers 409."""
    check_same_org(org, activity=activity)
    lock_org(org)
    activity = ProcessingActivity.objects.for_org(org).get(pk=activity.pk)
    c = Cleaner(org)
    reason = c.text("reason", reason)
    description = c.text("description", description, limit=LIMIT)
    necessity = c.text("necessity", necessity, limit=LIMIT)
    required = activity.screening_outcome == ScreeningOutcome.REQUIRED
    if not required and not reason:
        c.fail("reason", _("%(ref)s's screening does not require a DPIA; say why one is carried out all the same.")
               % {"ref": activity.ref})
    if c.errors:
        raise ValidationError(c.errors)
    current = selectors_dpias.open_dpia(org, activity)
    if current is not None:
        raise Conflict({"activity": _("%(activity)s already has %(ref)s open; finish it before opening another.")
                        % {"activity": activity.ref, "ref": current.ref}})
    number = (Dpia.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    dpia = Dpia.objects.for_org(org).create(
        organization=org, number=number, activity=activity,
        origin=DpiaOrigin.SCREENING if required else DpiaOrigin.CHOICE, origin_reason="" if required else reason,
        description=description, necessity=necessity, created_by=actor)
    audit.record(org, actor, AuditAction.CREATE, dpia, object_repr=f"{dpia.ref} ({activity.ref})",
                 changes={"activity": [None, activity.pk], "origin": [None, dpia.origin],
                          "origin_reason": [None, dpia.origin_reason], "description": [None, description],
                          "necessity": [None, necessity], "status": [None, dpia.status]})
    return dpia


@transaction.atomic
def do_update_dpia(actor: User | None, org: Organization, dpia: Dpia, data: Mapping[str, Any]) -> Dpia:
    """Change the assessment (`description`, `necessity`) and its measures (`controls`: the full list of control
    references), while the DPIA is a draft or in review."""
    dpia = _locked(org, dpia)
    _refuse_unless(dpia, EDITABLE_STATUSES, _("the assessment changes"))
    c = Cleaner(org)
    c.unknown(data, DPIA_FIELDS)
    values = {name: c.text(name, data[name], limit=LIMIT) for name in ("description", "necessity") if name in data}
    controls = _controls(org, c, data["controls"]) if "controls" in data else None
    if c.errors:
        raise ValidationError(c.errors)
    before = audit.snapshot(dpia, ("description", "necessity"))
    for name, value in values.items():
        setattr(dpia, name, value)
    changes = audit.diff(before, audit.snapshot(dpia, ("description", "necessity")))
    if controls is not None:
        had = list(DpiaControl.objects.for_org(org).filter(dpia=dpia).order_by("control__number")
                   .values_list("control__number", flat=True))
        wanted = sorted(ctl.number for ctl in controls)
        if had != wanted:
            DpiaControl.objects.for_org(org).filter(dpia=dpia).delete()
            DpiaControl.objects.for_org(org).bulk_create(
                [DpiaControl(organization=org, dpia=dpia, control=ctl) for ctl in controls])
            changes["controls"] = [[f"C-{n:03d}" for n in had], [f"C-{n:03d}" for n in wanted]]
    if changes:
        dpia.updated_at = timezone.now()
        dpia.save(update_fields=[*values, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, dpia, changes=changes, object_repr=dpia.ref)
    return dpia


@transaction.atomic
def do_add_dpia_risk(actor: User | None, org: Organization, dpia: Dpia, data: Mapping[str, Any]) -> Risk:
    """Add a risk to the rights and freedoms of data subjects: with `risk` (a reference, R-001), an existing risk
    of a privacy category; otherwise a new risk of the register, created by the risk app's service from the
    register's fields (title, likelihood, impact, residual_likelihood, …) in the privacy category. Either way the
    register judges it against the signed appetite and shows it on its heat map."""
    dpia = _locked(org, dpia)
    _refuse_unless(dpia, EDITABLE_STATUSES, _("risks are added"))
    values = dict(data)
    key = values.pop("risk", None)
    if key not in (None, ""):
        if values:
            raise ValidationError({"risk": _("Name an existing risk alone, or describe a new one without 'risk'.")})
        lookup = risk_selectors.risk_key_lookup(str(key).strip())
        found = Risk.objects.for_org(org).select_related("category").filter(lookup).first() if lookup else None
        if found is None:
            raise ValidationError({"risk": _("No risk %(key)s in %(org)s.") % {"key": key, "org": org.name}})
        if not found.category.is_privacy:
            raise ValidationError({"risk": _("%(ref)s is in the category %(category)s; a DPIA assesses risks of a "
                                             "privacy category.")
                                   % {"ref": found.ref, "category": found.category.name}})
        risk = found
    else:
        category = selectors_dpias.privacy_category(org)
        if category is None:
            raise Conflict({"risk": _("%(org)s has no active privacy category of risk; add one to the register "
                                      "first.") % {"org": org.name}})
        given = values.get("category")
        if given not in (None, "", category.key):
            raise ValidationError({"category": _("A DPIA's risks go in the privacy category (%(key)s).")
                                   % {"key": category.key}})
        values["category"] = category.key
        risk = do_create_risk(actor, org, values)
    if DpiaRisk.objects.for_org(org).filter(dpia=dpia, risk=risk).exists():
        raise Conflict({"risk": _("%(risk)s is already a risk of %(ref)s.") % {"risk": risk.ref, "ref": dpia.ref}})
    link = DpiaRisk.objects.for_org(org).create(organization=org, dpia=dpia, risk=risk)
    audit.record(org, actor, AuditAction.CREATE, link, object_repr=f"{risk.ref} in {dpia.ref}",
                 changes={"dpia": [None, dpia.pk], "risk": [None, risk.pk]})
    return risk


def _transition(actor: User | None, org: Organization, dpia: Dpia, status: str, fields: dict[str, Any]) -> Dpia:
    before = audit.snapshot(dpia, AUDITED)
    dpia.status = status
    for name, value in fields.items():
        setattr(dpia, name, value)
    dpia.updated_at = timezone.now()
    dpia.save(update_fields=["status", *fields, "updated_at"])
    audit.record(org, actor, AuditAction.UPDATE, dpia, changes=audit.diff(before, audit.snapshot(dpia, AUDITED)),
                 object_repr=dpia.ref)
    return dpia


@transaction.atomic
def do_submit_dpia(actor: User | None, org: Organization, dpia: Dpia) -> Dpia:
    """Submit a draft to the DPO for advice: it needs its description, its necessity and proportionality, and at
    least one risk."""
    dpia = _locked(org, dpia)
    _refuse_unless(dpia, (DpiaStatus.DRAFT,), _("it is submitted"))
    errors: dict[str, str] = {}
    if not dpia.description:
        errors["description"] = _("Describe the processing before submitting the DPIA.")
    if not dpia.necessity:
        errors["necessity"] = _("Assess the necessity and proportionality before submitting the DPIA.")
    if not DpiaRisk.objects.for_org(org).filter(dpia=dpia).exists():
        errors["risks"] = _("Add at least one risk to the rights and freedoms of data subjects.")
    if errors:
        raise ValidationError(errors)
    dpia = _transition(actor, org, dpia, DpiaStatus.IN_REVIEW, {})
    notify(org, DPIA_ADVICE, dpia, actor=actor, key=f"{dpia.pk}:advice:{dpia.updated_at.isoformat()}")
    return dpia


@transaction.atomic
def do_advise_dpia(actor: User, org: Organization, dpia: Dpia, *, advice: str) -> Dpia:
    """Record the DPO's advice (Art. 35(2)) on a DPIA in review; it then awaits the controller's decision. Only
    the DPO gives it (the admin may record one the organisation's DPO sent). Refused (409) when no member could
    sign the decision the governance profile asks for."""
    dpia = _locked(org, dpia)
    membership = Membership.objects.for_org(org).filter(user=actor).first()
    if membership is None or membership.role not in (Role.DPO, Role.ADMIN):
        raise ValidationError({"advice": _("Only the DPO records the DPO's advice.")})
    _refuse_unless(dpia, (DpiaStatus.IN_REVIEW,), _("the DPO's advice is recorded"))
    c = Cleaner(org)
    text = c.text("advice", advice, required=True, limit=LIMIT)
    if c.errors:
        raise ValidationError(c.errors)
    missing = unfillable(selectors_dpias.required_slots(org, dpia), Membership.objects.for_org(org))
    if missing:
        raise Conflict({"advice": _("The decision on %(ref)s needs the signature of the %(slots)s, and no member of "
                                    "%(org)s can sign as that; invite one first.")
                        % {"ref": dpia.ref, "slots": and_join(labels(missing)), "org": org.name}})
    dpia = _transition(actor, org, dpia, DpiaStatus.AWAITING_DECISION,
                       {"dpo_advice": text, "dpo_advice_by": actor, "dpo_advice_at": timezone.now()})
    notify(org, DPIA_DECISION, dpia, actor=actor)
    return dpia


@transaction.atomic
def do_sign_dpia_decision(actor: User, org: Organization, dpia: Dpia, *, decision: str = "",
                          reason: str = "") -> Dpia:
    """Sign the controller's decision in the actor's slot (the approvals kit refuses anyone the governance profile
    does not name, a slot taken, a second signature by the same person). The first signatory states the decision
    (`approved` or `rejected`, a rejection with its reason); the others sign it as stated (naming another answers
    409). The last signature decides it, on the organisation's date, and records whether prior consultation
    (Art. 36) is required."""
    dpia = _locked(org, dpia)
    _refuse_unless(dpia, (DpiaStatus.AWAITING_DECISION,), _("the decision is signed"))
    c = Cleaner(org)
    reason = c.text("reason", reason, limit=LIMIT)
    first = not DpiaSignature.objects.for_org(org).filter(dpia=dpia).exists()
    if decision not in ("", *DpiaDecision.values):
        c.choice("decision", decision, DpiaDecision)
    elif first and not decision:
        c.fail("decision", _("State the decision: approved or rejected."))
    elif first and decision == DpiaDecision.REJECTED and not reason:
        c.fail("reason", _("Give the reasons for rejecting the processing."))
    if c.errors:
        raise ValidationError(c.errors)
    if not first and decision and decision != dpia.decision:
        raise Conflict({"decision": _("The decision being signed is '%(decision)s'; sign it as it is.")
                        % {"decision": dpia.get_decision_display()}})
    required = selectors_dpias.required_slots(org, dpia)
    signature = approvals.add_signature(actor, org, dpia, DpiaSignature, to="dpia", required=required,
                                        what=dpia.ref)
    before = audit.snapshot(dpia, AUDITED)
    fields: list[str] = []
    if first:
        dpia.decision, dpia.decision_reason = decision, reason
        fields += ["decision", "decision_reason"]
    state = selectors_dpias.signature_state(org, Dpia.objects.for_org(org).get(pk=dpia.pk))
    if not state.awaiting:
        dpia.consultation_required = selectors_dpias.reading(org, dpia).consultation_required  # while still open
        dpia.status, dpia.decided_on = DpiaStatus.DECIDED, org_today(org)
        dpia.required_signatories = list(required)
        fields += ["status", "decided_on", "consultation_required", "required_signatories"]
    if fields:
        dpia.updated_at = timezone.now()
        dpia.save(update_fields=[*fields, "updated_at"])
    changes: dict[str, Any] = {"slot": [None, signature.slot], **audit.diff(before, audit.snapshot(dpia, AUDITED))}
    audit.record(org, actor, AuditAction.SIGN, dpia, changes=changes,
                 object_repr=f"{dpia.ref} signed as {label(signature.slot)}")
    return dpia
