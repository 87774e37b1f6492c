"""The joint risk appetite: drafted in versions, in force once both signatories named by the
governance profile have signed the same version; the previous version stays in force until then."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.approvals import services as approvals
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.models import GovernanceProfile, Membership, Organization, User
from accord.core.notifications.services import notify
from accord.core.wording import too_long
from accord.risks.choices import Level
from accord.risks.models import AppetiteOpinion, AppetiteSignature, RiskAppetite, RiskCategory
from accord.risks.notifications import APPETITE_SIGNATURE
from accord.risks.rules import consults_dpo_on_appetite, may_give_appetite_opinion, required_appetite_slots
from accord.risks.selectors import signature_state
from accord.risks.services.register import lock_org

MAX_TOLERANCE_POINTS = 10


def _clean(org: Organization, statement: str, category_levels: Mapping[str, Any],
           tolerance: Sequence[Sequence[Any]]) -> tuple[str, dict[str, str], list[list[float]]]:
    errors: dict[str, str] = {}
    statement = (statement or "").strip()
    if not statement:
        errors["statement"] = _("Write the appetite statement.")
    keys = set(RiskCategory.objects.for_org(org).values_list("key", flat=True))
    levels: dict[str, str] = {}
    for key, level in (category_levels or {}).items():
        if key not in keys:
            errors[f"category_levels.{key}"] = _("'%(key)s' is not a category; use one of: %(keys)s.") % {
                "key": key, "keys": ", ".join(sorted(keys))}
        elif level not in Level.values:
            errors[f"category_levels.{key}"] = _("'%(level)s' is not a level; use one of: %(levels)s.") % {
                "level": level, "levels": ", ".join(Level.values)}
        else:
            levels[key] = str(level)
    points: list[list[float]] = []
    if len(tolerance or []) > MAX_TOLERANCE_POINTS:
        errors["tolerance"] = _("At most %(most)d tolerance points.") % {"most": MAX_TOLERANCE_POINTS}
    for i, point in enumerate(tolerance or []):
        try:
            loss, prob = float(point[0]), float(point[1])
            if len(point) != 2:
                raise ValueError
        except (TypeError, ValueError, IndexError):
            errors[f"tolerance[{i}]"] = _("Give [loss, highest acceptable annual probability of exceeding it].")
            continue
        if not loss > 0:
            errors[f"tolerance[{i}]"] = _("The loss (%(loss)s) must be positive.") % {"loss": point[0]}
        elif not 0 < prob < 1:
            errors[f"tolerance[{i}]"] = _("The probability (%(p)s) must be between 0 and 1.") % {"p": point[1]}
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
    notify(org, APPETITE_SIGNATURE, appetite, actor=actor)
    return appetite


@transaction.atomic
def do_sign_appetite(actor: User, org: Organization, *, version: int) -> RiskAppetite:
    """Sign draft `version` in the slot the actor holds; the last required signature puts it in force and
    supersedes the previous version. A signature names the version its signer read: it is refused when
    that is not the current draft (a newer draft was put up meanwhile). The governance profile in force
    when signing decides who signs (`selectors.signature_state`); one person signs a version once."""
    lock_org(org)
    draft = approvals.current_draft(org, RiskAppetite, version, what=_("risk appetite"))
    required = list(signature_state(org, draft).required)
    signature = approvals.add_signature(actor, org, draft, AppetiteSignature, to="appetite", required=required,
                                        what=_("Risk appetite v%(version)s") % {"version": draft.version})
    changes: dict[str, Any] = {"slot": [None, signature.slot]}
    if not signature_state(org, draft).awaiting:
        changes.update(approvals.put_in_force(actor, org, draft, required=required))
    audit.record(org, actor, AuditAction.SIGN, draft, changes=changes,
                 object_repr=f"Risk appetite v{draft.version} signed as {signature.get_slot_display()}")
    return draft


MAX_OPINION_CHARS = 5000


@transaction.atomic
def do_record_appetite_opinion(actor: User, org: Organization, *, version: int, text: str) -> AppetiteOpinion:
    """Record the actor's opinion on draft `version` as a consultee of the appetite (the DPO, when the
    governance profile consults the DPO). Audited; shown to the signatories; it is not a signature and
    blocks nothing. Like a signature it names the version read, and only the current draft takes one."""
    lock_org(org)
    draft = approvals.current_draft(org, RiskAppetite, version, what=_("risk appetite"))
    membership = Membership.objects.for_org(org).filter(user=actor).first()
    profile = GovernanceProfile.objects.for_org(org).get()
    if not consults_dpo_on_appetite(profile):
        raise Conflict({"opinion": _("The governance profile does not consult the DPO on the risk appetite.")})
    if membership is None or not may_give_appetite_opinion(profile, membership):
        raise ValidationError({"opinion": _("Only the DPO (or an admin) records an opinion on the risk appetite.")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the opinion.")})
    if len(text) > MAX_OPINION_CHARS:
        raise ValidationError({"text": too_long(MAX_OPINION_CHARS, len(text))})
    opinion = AppetiteOpinion.objects.for_org(org).create(organization=org, appetite=draft, user=actor, text=text)
    audit.record(org, actor, AuditAction.CREATE, opinion, changes={"appetite": [None, draft.pk], "text": [None, text]},
                 object_repr=f"Opinion of the {membership.get_role_display()} on risk appetite v{draft.version}")
    return opinion
