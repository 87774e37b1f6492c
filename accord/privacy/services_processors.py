"""Writes of the processors (Art. 28) and the transfers outside the EEA (Chapter V), each in one transaction with
its audit event. A transfer's mechanism is checked for what it needs (`rules_ropa.transfer_issues`) when it is
read, not refused when written: a DPO records an incomplete transfer to see what it lacks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.models import Organization, User
from accord.core.tenancy import check_same_org
from accord.portfolio.models_systems import System
from accord.privacy.adequacy import shipped
from accord.privacy.choices_ropa import CONTRACT_CLAUSES, Approval, Authorisation, Derogation, Mechanism, SccModule
from accord.privacy.models_processors import Processor, ProcessorSystem, Transfer
from accord.privacy.models_ropa import ProcessingActivity
from accord.privacy.services_common import lock_org
from accord.privacy.services_ropa import _allowed, _Cleaner, _refs, _resolve, refresh_completeness

CLAUSES = tuple(name for name, _label in CONTRACT_CLAUSES)
PROCESSOR_FIELDS = ("name", "contact", "country", "services", *CLAUSES, "authorisation", "sub_processors",
                    "contract_signed_on", "last_reviewed_on", "next_review_on", "systems")
PROCESSOR_AUDITED = tuple(f for f in PROCESSOR_FIELDS if f != "systems")
TRANSFER_FIELDS = ("activity", "processor", "destination", "recipient", "mechanism", "scc_module", "derogation",
                   "safeguards", "in_scope", "tia_done_on", "tia_conclusion")
TRANSFER_AUDITED = TRANSFER_FIELDS


def _date(c: _Cleaner, name: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        c.fail(name, _("'%(value)s' is not a date; write it as YYYY-MM-DD.") % {"value": value})
        return None


def _country(c: _Cleaner, name: str, value: Any, *, organisation: bool = False) -> str:
    code = "" if value is None else str(value).strip().upper()
    if not code:
        return ""
    if (len(code) == 2 and code.isalpha()) or (organisation and shipped().find(code) is not None):
        return code
    c.fail(name, _("'%(value)s' is not an ISO 3166-1 alpha-2 country code.") % {"value": value})
    return ""


def _sub_processors(c: _Cleaner, value: Any) -> list[dict[str, Any]]:
    out = []
    for index, row in enumerate(c.table("sub_processors", value,
                                        ("name", "country", "service", "approval", "approved_on"))):
        approval = str(row.get("approval") or Approval.PENDING)
        if approval not in Approval.values:
            c.fail("sub_processors", _("Item %(n)s: approval %(msg)s") % {"n": index + 1,
                                                                        "msg": _allowed(approval, Approval)})
        approved_on = _date(c, "sub_processors", row.get("approved_on"))
        out.append({"name": c.text("sub_processors", row["name"], 200),
                    "country": _country(c, "sub_processors", row.get("country")),
                    "service": c.text("sub_processors", row.get("service"), 300), "approval": approval,
                    "approved_on": approved_on.isoformat() if approved_on else None})
    return out


def clean_processor(org: Organization, data: Mapping[str, Any], *, current: Processor | None = None
                    ) -> tuple[dict[str, Any], list[System] | None]:
    """A processor's checked input: (model values, its systems or None when not given)."""
    unknown = sorted(set(data) - set(PROCESSOR_FIELDS))
    if unknown:
        raise ValidationError({n: _("Unknown field; use: %(fields)s.") % {"fields": ", ".join(PROCESSOR_FIELDS)}
                               for n in unknown})
    c = _Cleaner(org)
    values: dict[str, Any] = {}
    systems = None
    for name, value in data.items():
        if name in ("name", "contact", "services"):
            values[name] = c.text(name, value, {"name": 200, "contact": 300}.get(name, 10_000))
        elif name in CLAUSES:
            values[name] = c.flag(name, value)
        elif name == "country":
            values[name] = _country(c, name, value)
        elif name == "authorisation":
            if value not in Authorisation.values:
                c.fail(name, _allowed(value, Authorisation))
            values[name] = value
        elif name == "sub_processors":
            values[name] = _sub_processors(c, value)
        elif name in ("contract_signed_on", "last_reviewed_on", "next_review_on"):
            values[name] = _date(c, name, value)
        elif name == "systems":
            systems = _resolve(c, name, value, list(System.objects.for_org(org).only("pk", "number", "name")), "S-")
    if (current is None or "name" in data) and not values.get("name") and "name" not in c.errors:
        c.fail("name", _("This field is required."))
    if c.errors:
        raise ValidationError(c.errors)
    return values, systems


def _set_systems(org: Organization, processor: Processor, systems: list[System] | None,
                 changes: dict[str, Any]) -> None:
    if systems is None:
        return
    check_same_org(org, **{f"systems[{i}]": s for i, s in enumerate(systems)})
    current = sorted((link.system for link in ProcessorSystem.objects.for_org(org).filter(processor=processor)
                      .select_related("system")), key=lambda s: s.number)
    if [s.pk for s in current] == [s.pk for s in systems]:
        return
    ProcessorSystem.objects.for_org(org).filter(processor=processor).exclude(system__in=systems).delete()
    have = {s.pk for s in current}
    ProcessorSystem.objects.for_org(org).bulk_create([ProcessorSystem(organization=org, processor=processor, system=s)
                                                      for s in systems if s.pk not in have])
    changes["systems"] = [_refs(current), _refs(systems)]


@transaction.atomic
def do_create_processor(actor: User | None, org: Organization, data: Mapping[str, Any]) -> Processor:
    """Add a processor (PR-NNN) with its contract checklist, sub-processors and systems; one audit event."""
    values, systems = clean_processor(org, data)
    lock_org(org)
    number = (Processor.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    processor = Processor(organization=org, number=number, **values)
    processor.save(force_insert=True)
    changes = audit.diff({}, audit.snapshot(processor, PROCESSOR_AUDITED))
    _set_systems(org, processor, systems, changes)
    audit.record(org, actor, AuditAction.CREATE, processor, changes=changes)
    return processor


@transaction.atomic
def do_update_processor(actor: User | None, org: Organization, processor: Processor,
                        data: Mapping[str, Any]) -> Processor:
    """Change the fields given; one audit event naming what changed, none if nothing did."""
    check_same_org(org, processor=processor)
    values, systems = clean_processor(org, data, current=processor)
    lock_org(org)
    before = audit.snapshot(processor, PROCESSOR_AUDITED)
    for name, value in values.items():
        setattr(processor, name, value)
    changes = audit.diff(before, audit.snapshot(processor, PROCESSOR_AUDITED))
    _set_systems(org, processor, systems, changes)
    if changes:
        processor.updated_at = timezone.now()
        processor.save(update_fields=[*values, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, processor, changes=changes)
    return processor


def clean_transfer(org: Organization, data: Mapping[str, Any], *, current: Transfer | None = None
                   ) -> dict[str, Any]:
    """A transfer's checked input as model values; the activity and the processor by id (of `org`), the
    destination an ISO 3166-1 alpha-2 code outside the EEA or an international organisation's key."""
    unknown = sorted(set(data) - set(TRANSFER_FIELDS))
    if unknown:
        raise ValidationError({n: _("Unknown field; use: %(fields)s.") % {"fields": ", ".join(TRANSFER_FIELDS)}
                               for n in unknown})
    c = _Cleaner(org)
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "activity":
            values[name] = _owner(c, name, value, ProcessingActivity.objects.for_org(org))
        elif name == "processor":
            values[name] = _owner(c, name, value, Processor.objects.for_org(org))
        elif name == "destination":
            values[name] = _country(c, name, value, organisation=True)
            if values[name] and shipped().is_eea(values[name]):
                c.fail(name, _("%(code)s is in the EEA: sending data there is not a transfer under Chapter V.")
                       % {"code": values[name]})
        elif name in ("recipient", "safeguards", "tia_conclusion"):
            values[name] = c.text(name, value, 200 if name == "recipient" else 10_000)
        elif name == "mechanism":
            if value not in ("", None, *Mechanism.values):
                c.fail(name, _allowed(value, Mechanism))
            values[name] = value or ""
        elif name == "derogation":
            if value not in ("", None, *Derogation.values):
                c.fail(name, _allowed(value, Derogation))
            values[name] = value or ""
        elif name == "scc_module":
            if value not in (None, "", *SccModule.values):
                c.fail(name, _allowed(value, SccModule))
            values[name] = int(value) if value not in (None, "") and value in SccModule.values else None
        elif name == "in_scope":
            values[name] = c.flag(name, value)
        elif name == "tia_done_on":
            values[name] = _date(c, name, value)
    if (current is None or "destination" in data) and not values.get("destination") and "destination" not in c.errors:
        c.fail("destination", _("This field is required."))
    owner_activity = values.get("activity", current.activity if current else None)
    owner_processor = values.get("processor", current.processor if current else None)
    if owner_activity is None and owner_processor is None and not ({"activity", "processor"} & set(c.errors)):
        c.fail("activity", _("Give the activity or the processor the transfer belongs to (or both)."))
    if c.errors:
        raise ValidationError(c.errors)
    return values


def _owner(c: _Cleaner, name: str, value: Any, queryset: Any) -> Any:
    if value in (None, ""):
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        pk = 0
    found = queryset.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if found is None:
        c.fail(name, _("No %(what)s of this organisation has the id %(value)s.") % {
            "what": queryset.model._meta.verbose_name, "value": value})
    return found


def _transfer_snapshot(transfer: Transfer) -> dict[str, Any]:
    snap = audit.snapshot(transfer, [f for f in TRANSFER_AUDITED if f not in ("activity", "processor")])
    snap["activity"] = transfer.activity.ref if transfer.activity else None
    snap["processor"] = transfer.processor.ref if transfer.processor else None
    return snap


@transaction.atomic
def do_create_transfer(actor: User | None, org: Organization, data: Mapping[str, Any]) -> Transfer:
    """Record a transfer outside the EEA (TR-NNN) of an activity or a processor; one audit event."""
    values = clean_transfer(org, data)
    check_same_org(org, activity=values.get("activity"), processor=values.get("processor"))
    lock_org(org)
    number = (Transfer.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    transfer = Transfer(organization=org, number=number, **values)
    transfer.save(force_insert=True)
    audit.record(org, actor, AuditAction.CREATE, transfer, changes=audit.diff({}, _transfer_snapshot(transfer)))
    if transfer.activity_id is not None:
        refresh_completeness(org, transfer.activity_id)
    return transfer


@transaction.atomic
def do_update_transfer(actor: User | None, org: Organization, transfer: Transfer, data: Mapping[str, Any]) -> Transfer:
    """Change the fields given; one audit event naming what changed, none if nothing did."""
    check_same_org(org, transfer=transfer)
    values = clean_transfer(org, data, current=transfer)
    check_same_org(org, activity=values.get("activity"), processor=values.get("processor"))
    lock_org(org)
    before = _transfer_snapshot(transfer)
    owners: set[int | None] = {transfer.activity_id}
    for name, value in values.items():
        setattr(transfer, name, value)
    changes = audit.diff(before, _transfer_snapshot(transfer))
    if changes:
        transfer.updated_at = timezone.now()
        transfer.save(update_fields=[*values, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, transfer, changes=changes)
        for activity_id in sorted(pk for pk in owners | {transfer.activity_id} if pk is not None):
            refresh_completeness(org, activity_id)
    return transfer
