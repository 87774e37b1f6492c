"""Writes of the portfolio's objectives, each in one transaction with its audit events: objectives (with
their key results given at once or one by one), key results, the initiatives' contributions (weights)
and a leaving member's objectives.

Input uses the API's names: the owner by e-mail address, numbers as decimals; every bad field is reported
at once, naming the field, the value and what is allowed.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.models import Membership, Organization, User
from accord.core.tenancy import check_same_org
from accord.portfolio.models import Initiative
from accord.portfolio.models_objectives import MAX_WEIGHT, InitiativeObjective, KeyResult, Objective
from accord.portfolio.services import _Cleaner, lock_org

OBJECTIVE_FIELDS = ("title", "description", "owner", "horizon_start", "horizon_end")
KEY_RESULT_FIELDS = ("metric", "unit", "baseline", "target", "current", "due_on")
#: The largest magnitude a key result's value may have (the column holds 16 digits before the point).
MAX_VALUE = decimal.Decimal("1e15")


def _repr(obj: Objective) -> str:
    return str(obj)[:200]


def _gone(obj: Any, fields: Sequence[str]) -> dict[str, list[Any]]:
    """The changes of a removed object: each field's value, then nothing."""
    return audit.diff(audit.snapshot(obj, fields), dict.fromkeys(fields))


def _number(c: _Cleaner, name: str, value: Any) -> decimal.Decimal | None:
    if value in (None, ""):
        c.errors[name] = "This field is required."
        return None
    try:
        number = decimal.Decimal(str(value).strip().replace(",", "."))
    except decimal.InvalidOperation:
        c.errors[name] = f"'{value}' is not a number."
        return None
    if not number.is_finite() or abs(number) >= MAX_VALUE:
        c.errors[name] = f"'{value}' is out of range: below {MAX_VALUE:,.0f} in size."
        return None
    return number.quantize(decimal.Decimal("0.0001"))


def clean_objective_input(org: Organization, data: Mapping[str, Any], *,
                          current: Objective | None = None) -> dict[str, Any]:
    unknown = sorted(set(data) - set(OBJECTIVE_FIELDS))
    if unknown:
        raise ValidationError({name: f"Unknown field; use: {', '.join(OBJECTIVE_FIELDS)}." for name in unknown})
    c = _Cleaner(org)
    out: dict[str, Any] = {}
    if current is None:
        for name in ("title", "horizon_start", "horizon_end"):
            if data.get(name) in (None, ""):
                c.errors[name] = "This field is required."
    for name, value in data.items():
        if name in c.errors:
            continue
        match name:
            case "title":
                out[name] = c.text(name, value, required=True, limit=200)
            case "description":
                out[name] = c.text(name, value, limit=10_000)
            case "owner":
                out[name] = c.member(name, value)
            case "horizon_start" | "horizon_end":
                out[name] = c.date(name, value)
                if out[name] is None and name not in c.errors:
                    c.errors[name] = "This field is required."
    start = out.get("horizon_start", current.horizon_start if current else None)
    end = out.get("horizon_end", current.horizon_end if current else None)
    if start and end and end < start and "horizon_end" not in c.errors:
        c.errors["horizon_end"] = f"The horizon's end ({end}) is before its start ({start})."
    if c.errors:
        raise ValidationError(c.errors)
    return out


def clean_key_result_input(org: Organization, data: Mapping[str, Any], *, current: KeyResult | None = None,
                           prefix: str = "") -> dict[str, Any]:
    """A key result's values; on creation metric, baseline and target are required and the current value
    starts at the baseline. The target must differ from the baseline (progress is measured between them)."""
    unknown = sorted(set(data) - set(KEY_RESULT_FIELDS))
    if unknown:
        raise ValidationError({f"{prefix}{name}": f"Unknown field; use: {', '.join(KEY_RESULT_FIELDS)}."
                               for name in unknown})
    c = _Cleaner(org)
    out: dict[str, Any] = {}
    if current is None:
        for name in ("metric", "baseline", "target"):
            if data.get(name) in (None, ""):
                c.errors[name] = "This field is required."
    for name, value in data.items():
        if name in c.errors:
            continue
        match name:
            case "metric":
                out[name] = c.text(name, value, required=True, limit=200)
            case "unit":
                out[name] = c.text(name, value, limit=30)
            case "baseline" | "target":
                out[name] = _number(c, name, value)
            case "current":
                if value not in (None, "") or current is not None:
                    out[name] = _number(c, name, value)
            case "due_on":
                out[name] = c.date(name, value)
    baseline = out.get("baseline", current.baseline if current else None)
    target = out.get("target", current.target if current else None)
    if baseline is not None and target is not None and baseline == target and "target" not in c.errors:
        c.errors["target"] = f"The target ({target}) must differ from the baseline; progress runs between them."
    if current is None and "current" not in out and baseline is not None:
        out["current"] = baseline
    if c.errors:
        raise ValidationError({f"{prefix}{k}": v for k, v in c.errors.items()})
    return out


# --- objectives -------------------------------------------------------------------------------------

def _kr_changes(kr: KeyResult) -> dict[str, list[Any]]:
    changes = audit.diff({}, audit.snapshot(kr, KEY_RESULT_FIELDS))
    changes["objective"] = [None, kr.objective_id]
    return changes


@transaction.atomic
def do_create_objective(actor: User | None, org: Organization, data: Mapping[str, Any],
                        key_results: Sequence[Mapping[str, Any]] = ()) -> Objective:
    """Add an objective, with its first key results if given; one audit event for each."""
    lock_org(org)
    errors: dict[str, Any] = {}
    try:
        values = clean_objective_input(org, data)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    cleaned = []
    for n, item in enumerate(key_results):
        try:
            cleaned.append(clean_key_result_input(org, item, prefix=f"key_results.{n}."))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    number = (Objective.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    objective = Objective.objects.for_org(org).create(organization=org, number=number, **values)
    audit.record(org, actor, AuditAction.CREATE, objective, object_repr=_repr(objective),
                 changes=audit.diff({}, audit.snapshot(objective, OBJECTIVE_FIELDS)))
    for item in cleaned:
        kr = KeyResult.objects.for_org(org).create(organization=org, objective=objective, **item)
        audit.record(org, actor, AuditAction.CREATE, kr, object_repr=kr.metric[:200], changes=_kr_changes(kr))
    return objective


@transaction.atomic
def do_update_objective(actor: User | None, org: Organization, objective: Objective,
                        data: Mapping[str, Any]) -> Objective:
    """Change some fields of an objective; one audit event when anything changed."""
    check_same_org(org, objective=objective)
    lock_org(org)
    objective = Objective.objects.for_org(org).get(pk=objective.pk)
    values = clean_objective_input(org, data, current=objective)
    before = audit.snapshot(objective, OBJECTIVE_FIELDS)
    for name, value in values.items():
        setattr(objective, name, value)
    changes = audit.diff(before, audit.snapshot(objective, OBJECTIVE_FIELDS))
    if changes:
        objective.updated_at = timezone.now()
        objective.save(update_fields=[*values, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, objective, changes=changes, object_repr=_repr(objective))
    return objective


@transaction.atomic
def do_delete_objective(actor: User | None, org: Organization, objective: Objective) -> None:
    """Remove an objective with its key results and its initiatives' contributions (the initiatives stay);
    one audit event for each object removed."""
    check_same_org(org, objective=objective)
    lock_org(org)
    objective = Objective.objects.for_org(org).get(pk=objective.pk)
    entries = []
    for link in InitiativeObjective.objects.for_org(org).filter(objective=objective):
        entries.append(audit.Entry(AuditAction.DELETE, link, {"initiative": [link.initiative_id, None],
                                                               "weight": [link.weight, None]}, str(link)[:200]))
    for kr in KeyResult.objects.for_org(org).filter(objective=objective):
        entries.append(audit.Entry(AuditAction.DELETE, kr, _gone(kr, KEY_RESULT_FIELDS), kr.metric[:200]))
    entries.append(audit.Entry(AuditAction.DELETE, objective, _gone(objective, OBJECTIVE_FIELDS), _repr(objective)))
    audit.record_many(org, actor, entries)
    InitiativeObjective.objects.for_org(org).filter(objective=objective).delete()
    KeyResult.objects.for_org(org).filter(objective=objective).delete()
    objective.delete()


# --- key results ------------------------------------------------------------------------------------

@transaction.atomic
def do_add_key_result(actor: User | None, org: Organization, objective: Objective,
                      data: Mapping[str, Any]) -> KeyResult:
    check_same_org(org, objective=objective)
    lock_org(org)
    values = clean_key_result_input(org, data)
    kr = KeyResult.objects.for_org(org).create(organization=org, objective=objective, **values)
    audit.record(org, actor, AuditAction.CREATE, kr, object_repr=kr.metric[:200], changes=_kr_changes(kr))
    return kr


@transaction.atomic
def do_update_key_result(actor: User | None, org: Organization, key_result: KeyResult,
                         data: Mapping[str, Any]) -> KeyResult:
    """Change a key result (most often its current value); one audit event when anything changed."""
    check_same_org(org, key_result=key_result)
    lock_org(org)
    kr = KeyResult.objects.for_org(org).get(pk=key_result.pk)
    values = clean_key_result_input(org, data, current=kr)
    before = audit.snapshot(kr, KEY_RESULT_FIELDS)
    for name, value in values.items():
        setattr(kr, name, value)
    changes = audit.diff(before, audit.snapshot(kr, KEY_RESULT_FIELDS))
    if changes:
        kr.updated_at = timezone.now()
        kr.save(update_fields=[*values, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, kr, changes=changes, object_repr=kr.metric[:200])
    return kr


@transaction.atomic
def do_delete_key_result(actor: User | None, org: Organization, key_result: KeyResult) -> None:
    check_same_org(org, key_result=key_result)
    lock_org(org)
    kr = KeyResult.objects.for_org(org).get(pk=key_result.pk)
    audit.record(org, actor, AuditAction.DELETE, kr, object_repr=kr.metric[:200], changes={
        "objective": [kr.objective_id, None], **_gone(kr, KEY_RESULT_FIELDS)})
    kr.delete()


# --- contributions ----------------------------------------------------------------------------------

@transaction.atomic
def do_set_contribution(actor: User | None, org: Organization, objective: Objective, initiative: Initiative, *,
                        weight: Any = 1) -> InitiativeObjective:
    """Say that `initiative` contributes to `objective` with `weight` (1 to 100), or change its weight;
    one audit event when anything changed."""
    check_same_org(org, objective=objective, initiative=initiative)
    lock_org(org)
    c = _Cleaner(org)
    value = c.integer("weight", weight if weight not in (None, "") else 1, low=1, high=MAX_WEIGHT, optional=False)
    if c.errors or value is None:
        raise ValidationError(c.errors)
    link = InitiativeObjective.objects.for_org(org).filter(objective=objective, initiative=initiative).first()
    if link is None:
        link = InitiativeObjective.objects.for_org(org).create(organization=org, objective=objective,
                                                               initiative=initiative, weight=value)
        audit.record(org, actor, AuditAction.CREATE, link, object_repr=f"{initiative.ref} serves {objective.ref}",
                     changes={"initiative": [None, initiative.pk], "objective": [None, objective.pk],
                              "weight": [None, value]})
    elif link.weight != value:
        before = link.weight
        link.weight = value
        link.save(update_fields=["weight"])
        audit.record(org, actor, AuditAction.UPDATE, link, object_repr=f"{initiative.ref} serves {objective.ref}",
                     changes={"weight": [before, value]})
    return link


@transaction.atomic
def do_remove_contribution(actor: User | None, org: Organization, link: InitiativeObjective) -> None:
    check_same_org(org, link=link)
    lock_org(org)
    link = InitiativeObjective.objects.for_org(org).select_related("initiative", "objective").get(pk=link.pk)
    audit.record(org, actor, AuditAction.DELETE, link,
                 object_repr=f"{link.initiative.ref} serves {link.objective.ref}",
                 changes={"initiative": [link.initiative_id, None], "objective": [link.objective_id, None],
                          "weight": [link.weight, None]})
    link.delete()


@transaction.atomic
def do_hand_over_member_objectives(actor: User | None, org: Organization, membership: Membership,
                                   reassign_to: Membership | None) -> int:
    """Give the objectives `membership` owns to `reassign_to` (None: nobody); one audit event each."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    entries = []
    for objective in Objective.objects.for_org(org).filter(owner=membership).select_for_update():
        objective.owner = reassign_to
        objective.save(update_fields=["owner"])
        entries.append(audit.Entry(AuditAction.UPDATE, objective,
                                   {"owner": [membership.pk, reassign_to.pk if reassign_to else None]},
                                   _repr(objective)))
    if entries:
        audit.record_many(org, actor, entries)
    return len(entries)
