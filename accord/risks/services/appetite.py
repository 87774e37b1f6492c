"""The joint risk appetite: drafted in versions, in force once both signatories named by the
governance profile have signed the same version; the previous version stays in force until then."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.models import GovernanceProfile, Membership, Organization, User
from accord.core.tenancy import check_same_org
from accord.risks.choices import AppetiteStatus, Level
from accord.risks.models import AppetiteSignature, RiskAppetite, RiskCategory
from accord.risks.rules import pick_slot, required_appetite_slots
from accord.risks.services.register import lock_org

MAX_TOLERANCE_POINTS = 10


def _clean(org: Organization, statement: str, category_levels: Mapping[str, Any],
           tolerance: Sequence[Sequence[Any]]) -> tuple[str, dict[str, str], list[list[float]]]:
    errors: dict[str, str] = {}
    statement = (statement or "").strip()
    if not statement:
        errors["statement"] = "Write the appetite statement."
    keys = set(RiskCategory.objects.for_org(org).values_list("key", flat=True))
    levels: dict[str, str] = {}
    for key, level in (category_levels or {}).items():
        if key not in keys:
            errors[f"category_levels.{key}"] = f"'{key}' is not a category; use one of: {', '.join(sorted(keys))}."
        elif level not in Level.values:
            errors[f"category_levels.{key}"] = f"'{level}' is not a level; use one of: {', '.join(Level.values)}."
        else:
            levels[key] = str(level)
    points: list[list[float]] = []
    if len(tolerance or []) > MAX_TOLERANCE_POINTS:
        errors["tolerance"] = f"At most {MAX_TOLERANCE_POINTS} tolerance points."
    for i, point in enumerate(tolerance or []):
        try:
            loss, prob = float(point[0]), float(point[1])
            if len(point) != 2:
                raise ValueError
        except (TypeError, ValueError, IndexError):
            errors[f"tolerance[{i}]"] = "Give [loss, highest acceptable annual probability of exceeding it]."
            continue
        if not loss > 0:
            errors[f"tolerance[{i}]"] = f"The loss ({point[0]}) must be positive."
        elif not 0 < prob < 1:
            errors[f"tolerance[{i}]"] = f"The probability ({point[1]}) must be between 0 and 1."
        else:
            points.append([loss, prob])
    if errors:
        raise ValidationError(errors)
    return statement, levels, sorted(points)


@transaction.atomic
def do_draft_appetite(actor: User | None, org: Organization, *, statement: str,
                      category_levels: Mapping[str, Any], tolerance: Sequence[Sequence[Any]] = ()) -> RiskAppetite:
    """Make a new draft version (an earlier unsigned draft is withdrawn; its signatures do not carry
    over). The version in force, if any, stays in force until this draft is fully signed."""
    lock_org(org)
    statement, levels, points = _clean(org, statement, category_levels, tolerance)
    for old in RiskAppetite.objects.for_org(org).filter(status=AppetiteStatus.DRAFT):
        old.status = AppetiteStatus.WITHDRAWN
        old.save(update_fields=["status"])
        audit.record(org, actor, AuditAction.UPDATE, old, changes={"status": ["draft", "withdrawn"]})
    version = (RiskAppetite.objects.for_org(org).aggregate(v=Max("version"))["v"] or 0) + 1
    profile = GovernanceProfile.objects.for_org(org).get()
    appetite = RiskAppetite.objects.for_org(org).create(
        organization=org, version=version, statement=statement, category_levels=levels, tolerance=points,
        required_signatories=required_appetite_slots(profile), created_by=actor,
    )
    audit.record(org, actor, AuditAction.CREATE, appetite, changes={
        "version": [None, version], "statement": [None, statement], "category_levels": [None, levels],
        "tolerance": [None, points]})
    return appetite


@transaction.atomic
def do_sign_appetite(actor: User, org: Organization, appetite: RiskAppetite | None = None) -> RiskAppetite:
    """Sign the draft (or the given version) in the slot the actor holds; the last required signature
    puts it in force and supersedes the previous version."""
    check_same_org(org, appetite=appetite)
    lock_org(org)
    draft = (RiskAppetite.objects.for_org(org).filter(pk=appetite.pk) if appetite
             else RiskAppetite.objects.for_org(org).filter(status=AppetiteStatus.DRAFT)).first()
    if draft is None or draft.status != AppetiteStatus.DRAFT:
        raise ValidationError({"appetite": "There is no draft risk appetite awaiting signatures."})
    membership = Membership.objects.for_org(org).filter(user=actor).first()
    if membership is None:
        raise ValidationError({"signature": "Only members of the organisation can sign."})
    # The governance profile in force when signing decides who signs.
    required = required_appetite_slots(GovernanceProfile.objects.for_org(org).get())
    signed = list(AppetiteSignature.objects.for_org(org).filter(appetite=draft).values_list("slot", flat=True))
    signed = [s for s in signed if s in required]
    slot = pick_slot(membership, required, signed, what=f"Risk appetite v{draft.version}")
    signature = AppetiteSignature.objects.for_org(org).create(organization=org, appetite=draft, slot=slot,
                                                              user=actor)
    changes: dict[str, Any] = {"slot": [None, slot]}
    if draft.required_signatories != required:
        draft.required_signatories = required
        draft.save(update_fields=["required_signatories"])
    if set(required) <= {*signed, slot}:
        for current in RiskAppetite.objects.for_org(org).filter(status=AppetiteStatus.IN_FORCE):
            current.status = AppetiteStatus.SUPERSEDED
            current.save(update_fields=["status"])
            audit.record(org, actor, AuditAction.UPDATE, current, changes={"status": ["in_force", "superseded"]})
        draft.status = AppetiteStatus.IN_FORCE
        draft.in_force_at = timezone.now()
        draft.save(update_fields=["status", "in_force_at"])
        changes["status"] = ["draft", "in_force"]
    audit.record(org, actor, AuditAction.SIGN, draft, changes=changes,
                 object_repr=f"Risk appetite v{draft.version} signed as {signature.get_slot_display()}")
    return draft
