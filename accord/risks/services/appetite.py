"""The joint risk appetite: drafted in versions, in force once both signatories named by the
governance profile have signed the same version; the previous version stays in force until then."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accord.core import audit
from accord.core.approvals import services as approvals
from accord.core.choices import AuditAction
from accord.core.models import GovernanceProfile, Organization, User
from accord.risks.choices import Level
from accord.risks.models import AppetiteSignature, RiskAppetite, RiskCategory
from accord.risks.rules import required_appetite_slots
from accord.risks.selectors import signature_state
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
    approvals.withdraw_draft(actor, org, RiskAppetite)
    version = approvals.next_version(org, RiskAppetite)
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
def do_sign_appetite(actor: User, org: Organization, *, version: int) -> RiskAppetite:
    """Sign draft `version` in the slot the actor holds; the last required signature puts it in force and
    supersedes the previous version. A signature names the version its signer read: it is refused when
    that is not the current draft (a newer draft was put up meanwhile). The governance profile in force
    when signing decides who signs (`selectors.signature_state`); one person signs a version once."""
    lock_org(org)
    draft = approvals.current_draft(org, RiskAppetite, version, what="risk appetite")
    required = list(signature_state(org, draft).required)
    signature = approvals.add_signature(actor, org, draft, AppetiteSignature, to="appetite", required=required,
                                        what=f"Risk appetite v{draft.version}")
    changes: dict[str, Any] = {"slot": [None, signature.slot]}
    if not signature_state(org, draft).awaiting:
        changes.update(approvals.put_in_force(actor, org, draft, required=required))
    audit.record(org, actor, AuditAction.SIGN, draft, changes=changes,
                 object_repr=f"Risk appetite v{draft.version} signed as {signature.get_slot_display()}")
    return draft
