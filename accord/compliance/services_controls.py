"""Writes of the controls library: a control (created, changed), its links to risks (with its effect on each)
and to requirements (made, removed), handing a leaving member's controls over, and a file import (all or
nothing). One audit event per changed object, inside one transaction; the organisation's lock (its audit
chain's head) serialises writers that number controls.

Input uses the field specification's names (`accord.compliance.fields.CONTROL`); every front passes what it
received to `clean_control_input`, which parses text (imports, forms) as well as typed values (API) and
reports every bad field at once."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.compliance.choices import ControlKind, ControlStatus
from accord.compliance.fields import AUDITED_CONTROL_FIELDS, CONTROL, CONTROL_FIELDS, LINK_FIELDS
from accord.compliance.models import Requirement
from accord.compliance.models_controls import Control, ControlRequirement, ControlRisk
from accord.core import audit, inputs
from accord.core.choices import AuditAction
from accord.core.fields import Kind
from accord.core.models import AuditChain, Membership, Organization, User
from accord.core.tenancy import check_same_org
from accord.core.wording import too_long
from accord.risks.models import Risk

#: The largest cost a control may have, in minor units (a trillion in a two-digit currency).
MAX_COST = 10**14
MAX_DAYS = decimal.Decimal("100000")


def lock_org(org: Organization) -> None:
    """Serialise writers of `org` (the audit chain head is the organisation's lock)."""
    AuditChain.objects.for_org(org).select_for_update().get()


class _Parser:
    """Input values (typed, or text from a file or form) as model values; errors collected by field."""

    def __init__(self, org: Organization, members: Mapping[str, Membership] | None = None) -> None:
        self.org = org
        self.errors: dict[str, str] = {}
        self._members = members

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    @property
    def members(self) -> Mapping[str, Membership]:
        if self._members is None:
            self._members = {m.user.email.lower(): m for m in
                             Membership.objects.for_org(self.org).select_related("user")}
        return self._members

    def parse(self, name: str, kind: Kind, value: Any, *, required: bool = False) -> Any:
        empty = value is None or (isinstance(value, str) and not value.strip())
        if kind is Kind.TEXT:
            text = "" if empty else str(value).strip()
            limit = getattr(Control._meta.get_field(name), "max_length", None)
            if required and not text:
                self.fail(name, _("This field is required."))
            elif limit and len(text) > limit:
                self.fail(name, too_long(limit, len(text)))
            return text
        if kind is Kind.CHOICE:
            choices = {"kind": ControlKind, "status": ControlStatus}[name]
            text = str(CONTROL.default(CONTROL[name]) if empty else value).strip().lower().replace(" ", "_")
            if text not in choices.values:
                self.fail(name, _("'%(value)s' is not one of: %(choices)s.") % {
                    "value": value, "choices": ", ".join(choices.values)})
                return None
            return text
        if kind is Kind.MEMBER:
            if empty:
                return None
            if isinstance(value, Membership):
                if value.organization_id == self.org.pk:
                    return value
                value = value.pk
            found = self.members.get(str(value).strip().lower())
            if found is None:
                self.fail(name, _("'%(value)s' is not a member of this organisation.") % {"value": value})
            return found
        if kind is Kind.DATE:
            if empty:
                return None
            if isinstance(value, dt.date):
                return value
            try:
                return dt.date.fromisoformat(str(value).strip()[:10])
            except ValueError:
                self.fail(name, _("'%(value)s' is not a date; write it as YYYY-MM-DD.") % {"value": value})
                return None
        if kind is Kind.INTEGER:
            if empty:
                return 0
            number = self._number(name, value)
            if number is None:
                return None
            if number != number.to_integral_value() or not 0 <= number <= MAX_COST:
                self.fail(name, _("%(value)s is not a whole number of minor units from 0 to %(most)s.") % {
                    "value": value, "most": MAX_COST})
                return None
            return int(number)
        if kind is Kind.DECIMAL:
            if empty:
                return None
            number = self._number(name, value)
            if number is None:
                return None
            if not 0 <= number <= MAX_DAYS or number != round(number, 2):
                self.fail(name, _("%(value)s is not a number of people-days from 0 to %(most)s with at most two "
                                  "decimals.") % {"value": value, "most": MAX_DAYS})
                return None
            return number.quantize(decimal.Decimal("0.01"))  # as stored: 2.5 and 2.50 are the same days
        raise NotImplementedError(kind)  # pragma: no cover - a kind the control does not use

    def _number(self, name: str, value: Any) -> decimal.Decimal | None:
        if isinstance(value, bool):
            self.fail(name, _("'%(value)s' is not a number.") % {"value": value})
            return None
        try:
            number = decimal.Decimal(str(value).strip().replace(",", "").replace(" ", ""))
        except decimal.InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            self.fail(name, _("'%(value)s' is not a number.") % {"value": value})
            return None
        return number

    def share(self, name: str, value: Any) -> decimal.Decimal | None:
        """A share from 0 to 1, or a percentage ("40%"); empty is no effect (0)."""
        number, problem = inputs.share(value)
        if problem:
            self.fail(name, problem)
            return None
        return decimal.Decimal("0.0000") if number is None else number


def clean_control_input(org: Organization, data: Mapping[str, Any], *, creating: bool,
                        members: Mapping[str, Membership] | None = None) -> dict[str, Any]:
    """Validate `data` (every field for a new control, some for a change): model values, or a ValidationError
    naming every bad field with the input's names."""
    p = _Parser(org, members)
    for name in sorted(set(data) - set(CONTROL_FIELDS)):
        p.fail(name, _("Unknown field; the fields are: %(fields)s.") % {"fields": ", ".join(CONTROL_FIELDS)})
    out: dict[str, Any] = {}
    for spec in CONTROL.inputs:
        if spec.name in data:
            out[spec.attr] = p.parse(spec.name, spec.kind, data[spec.name], required=spec.required)
        elif creating and spec.required:
            p.fail(spec.name, _("This field is required."))
    if p.errors:
        raise ValidationError(p.errors)
    return out


def _next_number(org: Organization) -> int:
    return (Control.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def do_create_control(actor: User | None, org: Organization, data: Mapping[str, Any]) -> Control:
    """Add a control to the library (numbered C-001, C-002, ... in the organisation)."""
    values = clean_control_input(org, data, creating=True)
    lock_org(org)
    control = Control(organization=org, number=_next_number(org), **values)
    control.save()
    audit.record(org, actor, AuditAction.CREATE, control,
                 changes=audit.diff({}, audit.snapshot(control, AUDITED_CONTROL_FIELDS)))
    return control


@transaction.atomic
def do_update_control(actor: User | None, org: Organization, control: Control, data: Mapping[str, Any]) -> Control:
    """Change some of a control's fields; nothing is written (nor audited) when nothing changes."""
    check_same_org(org, control=control)
    values = clean_control_input(org, data, creating=False)
    before = audit.snapshot(control, AUDITED_CONTROL_FIELDS)
    for name, value in values.items():
        setattr(control, name, value)
    changes = audit.diff(before, audit.snapshot(control, AUDITED_CONTROL_FIELDS))
    if changes:
        control.updated_at = timezone.now()
        control.save(update_fields=[*changes, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, control, changes=changes)
    return control


def risk_link_entry(action: str, link: ControlRisk, control: Control, risk: Risk,
                    before: Mapping[str, Any] | None = None) -> audit.Entry:
    """The audit event of a link to a risk made (`before` None), changed (`before` its effect's snapshot) or
    removed, as `do_link_control_risk`, `do_unlink_control_risk` and the import record it."""
    named = {"control": control.ref, "risk": risk.ref}
    if action == AuditAction.CREATE:
        changes = audit.diff({}, {**named, **audit.snapshot(link, LINK_FIELDS)})
    elif action == AuditAction.DELETE:
        changes = audit.diff({**named, **audit.snapshot(link, LINK_FIELDS)}, {})
    else:
        changes = audit.diff(before or {}, audit.snapshot(link, LINK_FIELDS))
    return audit.Entry(action, link, changes, f"{control.ref} → {risk.ref}")


def requirement_link_entry(action: str, link: ControlRequirement, control: Control,
                           requirement: Requirement) -> audit.Entry:
    """The audit event of a link to a requirement made or removed."""
    if action == AuditAction.CREATE:
        changes = {"control": [None, control.ref], "requirement": [None, requirement.ref],
                   "framework": [None, requirement.framework.ref]}
    else:
        changes = {"control": [control.ref, None], "requirement": [requirement.ref, None]}
    return audit.Entry(action, link, changes, f"{control.ref} → {requirement.ref}")


def _record(org: Organization, actor: User | None, entry: audit.Entry) -> None:
    audit.record(org, actor, entry.action, entry.obj, changes=entry.changes, object_repr=entry.object_repr)


@transaction.atomic
def do_link_control_risk(actor: User | None, org: Organization, control: Control, risk: Risk, *,
                         frequency_reduction: Any = None, loss_reduction: Any = None) -> ControlRisk:
    """Link `control` to `risk` with its effect (shares of the events it prevents and of the loss per event it
    removes, 0 to 1 or a percentage; empty: none), or change the effect of the link they already have."""
    check_same_org(org, control=control, risk=risk)
    p = _Parser(org)
    values = {"frequency_reduction": p.share("frequency_reduction", frequency_reduction),
              "loss_reduction": p.share("loss_reduction", loss_reduction)}
    if risk.archived_at is not None:
        p.fail("risk", _("%(risk)s is archived; restore it before you link a control to it.") % {"risk": risk.ref})
    if p.errors:
        raise ValidationError(p.errors)
    link = ControlRisk.objects.for_org(org).filter(control=control, risk=risk).first()
    if link is None:
        link = ControlRisk.objects.for_org(org).create(organization=org, control=control, risk=risk, **values)
        _record(org, actor, risk_link_entry(AuditAction.CREATE, link, control, risk))
        return link
    before = audit.snapshot(link, LINK_FIELDS)
    for name, value in values.items():
        setattr(link, name, value)
    entry = risk_link_entry(AuditAction.UPDATE, link, control, risk, before)
    if entry.changes:
        link.save(update_fields=list(entry.changes))
        _record(org, actor, entry)
    return link


@transaction.atomic
def do_unlink_control_risk(actor: User | None, org: Organization, link: ControlRisk) -> None:
    """Remove a control's link to a risk (the control and the risk stay)."""
    check_same_org(org, link=link)
    _record(org, actor, risk_link_entry(AuditAction.DELETE, link, link.control, link.risk))
    link.delete()


@transaction.atomic
def do_link_control_requirement(actor: User | None, org: Organization, control: Control,
                                requirement: Requirement) -> ControlRequirement:
    """Record that `control` serves `requirement` (of any framework of the organisation); linking twice is one
    link (nothing new is written)."""
    check_same_org(org, control=control, requirement=requirement)
    link = ControlRequirement.objects.for_org(org).filter(control=control, requirement=requirement).first()
    if link is not None:
        return link
    link = ControlRequirement.objects.for_org(org).create(organization=org, control=control, requirement=requirement)
    _record(org, actor, requirement_link_entry(AuditAction.CREATE, link, control, requirement))
    return link


@transaction.atomic
def do_unlink_control_requirement(actor: User | None, org: Organization, link: ControlRequirement) -> None:
    """Remove a control's link to a requirement."""
    check_same_org(org, link=link)
    _record(org, actor, requirement_link_entry(AuditAction.DELETE, link, link.control, link.requirement))
    link.delete()


@transaction.atomic
def do_hand_over_member_controls(actor: User | None, org: Organization, membership: Membership,
                                 reassign_to: Membership | None) -> int:
    """Make `reassign_to` (None: nobody) the owner of every control `membership` owns; one audit event per
    control. Returns the number of controls changed."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    controls = list(Control.objects.for_org(org).filter(owner=membership).select_for_update())
    now = timezone.now()
    entries = []
    for control in controls:
        before = audit.snapshot(control, ("owner",))
        control.owner = reassign_to
        control.updated_at = now
        entries.append(audit.Entry(AuditAction.UPDATE, control, audit.diff(before, audit.snapshot(control, ("owner",))),
                                   str(control)))
    if controls:
        Control.objects.for_org(org).bulk_update(controls, ["owner", "updated_at"])
        audit.record_many(org, actor, entries)
    return len(controls)

