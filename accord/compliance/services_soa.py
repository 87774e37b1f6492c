"""Writes of the Statement of Applicability: the organisation's statement on one Annex A control (applicable or
not, the reasons for including it, the justification), created on its first change and updated afterwards;
one audit event per change, inside one transaction, under the organisation's lock. The status is never written:
`rules.soa_status` computes it from the linked controls (decision 0057)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.compliance import rules
from accord.compliance import selectors_soa as selectors
from accord.compliance.choices import SoaReason
from accord.compliance.inputs_assessments import Input
from accord.compliance.models_soa import SoaEntry
from accord.compliance.services_assessments import lock_org
from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.models import Organization, User

SOA_FIELDS = ("applicable", "reasons", "justification")
_YES = {"true", "yes", "y", "1", "on", "applicable"}
_NO = {"false", "no", "n", "0", "off", "not_applicable", "not applicable"}


def _applicable(p: Input) -> None:
    if not p.given("applicable"):
        return
    value = p.data["applicable"]
    if isinstance(value, bool):
        p.values["applicable"] = value
        return
    text = str(value if value is not None else "").strip().lower()
    if text in _YES or text in _NO:
        p.values["applicable"] = text in _YES
    else:
        p.fail("applicable", _("'%(value)s' is neither yes nor no.") % {"value": value})


def _reasons(p: Input) -> None:
    if not p.given("reasons"):
        return
    value = p.data["reasons"]
    if value is None:
        value = []
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    if not isinstance(value, list | tuple):
        p.fail("reasons", _("Give a list of reasons: %(choices)s.") % {"choices": ", ".join(SoaReason.values)})
        return
    found: list[str] = []
    for item in value:
        text = str(item or "").strip().lower().replace(" ", "_").replace("-", "_")
        if text not in SoaReason.values:
            p.fail("reasons", _("'%(value)s' is not one of: %(choices)s.") % {
                "value": item, "choices": ", ".join(SoaReason.values)})
            return
        if text not in found:
            found.append(text)
    # Kept in the choices' order, so that the same reasons always read (and audit) the same.
    p.values["reasons"] = [r for r in SoaReason.values if r in found]


@transaction.atomic
def do_set_soa_entry(actor: User | None, org: Organization, ref: str, data: Mapping[str, Any]) -> selectors.SoaRow:
    """Write the organisation's statement on the Annex A control `ref` (`A.8.24`): `applicable` (yes or no),
    `reasons` (`SoaReason` values: why it is included), `justification` (free text). Fields not given keep their
    value (a control without a statement is applicable, with no reason yet). A control left out needs a
    justification; an included one a reason or a justification. 404 for a ref that is not an Annex A control of
    the organisation's ISO 27001 framework. Returns the row as the SoA reads it."""
    lock_org(org)
    row = selectors.soa_row(org, ref)
    p = Input(org, data, SOA_FIELDS)
    _applicable(p)
    _reasons(p)
    p.text("justification", 5000)
    values = p.done()
    entry = row.entry or SoaEntry(organization=org, requirement_id=row.requirement.pk)
    before = audit.snapshot(entry, SOA_FIELDS) if row.entry is not None else {}
    for name, value in values.items():
        setattr(entry, name, value)
    missing = rules.soa_unjustified(applicable=entry.applicable, reasons=entry.reasons,
                                    justification=entry.justification)
    if missing == "justification":
        raise ValidationError({"justification": _("Say why %(ref)s does not apply (a control left out of the "
                                                  "Statement of Applicability needs a justification).")
                               % {"ref": row.ref}})
    if missing == "reasons":
        raise ValidationError({"reasons": _("Say why %(ref)s is included: choose a reason (risk treatment, a legal "
                                            "or contractual obligation, a business requirement) or write a "
                                            "justification.") % {"ref": row.ref}})
    after = audit.snapshot(entry, SOA_FIELDS)
    changes = audit.diff(before, after) if row.entry is not None else {k: [None, v] for k, v in after.items()}
    if not changes:
        return row
    entry.updated_at, entry.updated_by = timezone.now(), actor
    if row.entry is None:
        entry.save(force_insert=True)
        action = AuditAction.CREATE
    else:
        entry.save(update_fields=[*changes, "updated_at", "updated_by"])
        action = AuditAction.UPDATE
    audit.record(org, actor, action, entry, changes=changes, object_repr=f"SoA {row.ref} {row.requirement.title}")
    return selectors.soa_row(org, ref)
