"""Writes of organisations: creating one, its settings, its governance profile and its two-factor policy."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.auth import has_second_factor
from accord.core.choices import AuditAction, CisoModel, CisoReportsTo, DpoModel
from accord.core.conflict import Conflict
from accord.core.i18n import SUPPORTED, unknown_language_message
from accord.core.models import GovernanceProfile, Organization, User
from accord.core.notifications.kinds import TWO_FACTOR_REQUIRED
from accord.core.notifications.services import notify
from accord.core.services._common import full_clean as _full_clean
from accord.core.signals import organization_created

GOVERNANCE_FIELDS = ("ciso_reports_to", "ciso_model", "dpo_model", "dpo_consulted_on_appetite",
                     "dpo_signs_privacy_acceptances")
#: The profile's yes/no settings; the others are choices.
GOVERNANCE_FLAGS = ("dpo_consulted_on_appetite", "dpo_signs_privacy_acceptances")
ORGANIZATION_FIELDS = ("slug", "name", "timezone", "currency", "day_rate", "country", "subdivision", "nis2")

@transaction.atomic
def do_create_organization(
    actor: User | None, *, slug: str, name: str, timezone_name: str = "UTC", currency: str = "EUR",
    country: str = "", subdivision: str = "",
) -> Organization:
    """Create a tenant with its governance profile and an audit chain whose first event is its birth. Its
    `country` (and `subdivision`) name the public holidays its clocks skip (accord.core.workdays)."""
    org = Organization(slug=slug.strip().lower(), name=name.strip(), timezone=timezone_name,
                       currency=currency.strip().upper(), country=country, subdivision=subdivision)
    _full_clean(org)
    if Organization.objects.filter(slug=org.slug).exists():
        raise Conflict({"slug": _("An organisation with the slug '%(slug)s' already exists.") % {"slug": org.slug}})
    org.save()
    audit.start_chain(org)
    GovernanceProfile.objects.for_org(org).create(organization=org)
    audit.record(org, actor, AuditAction.CREATE, org, changes=audit.diff({}, audit.snapshot(org, ORGANIZATION_FIELDS)))
    organization_created.send(sender=Organization, organization=org, actor=actor)
    return org


@transaction.atomic
def do_update_organization(actor: User | None, org: Organization, **fields: Any) -> Organization:
    """Change an organisation's name, time zone, currency, day rate (minor units, or None), country or
    subdivision (its public holidays) or NIS2 designation (none, important, essential: an entity's incidents
    track the Art. 23 clocks); one audit event naming what changed."""
    allowed = {"name", "timezone", "currency", "day_rate", "country", "subdivision", "nis2"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), _("This field cannot be changed.")))
    before = audit.snapshot(org, ORGANIZATION_FIELDS)
    kept = {name: getattr(org, name) for name in allowed}
    for name, value in fields.items():
        setattr(org, name, value)
    try:
        _full_clean(org)
    except ValidationError:
        for name, value in kept.items():  # the caller's object keeps the values it had
            setattr(org, name, value)
        raise
    changes = audit.diff(before, audit.snapshot(org, ORGANIZATION_FIELDS))
    if changes:
        org.save(update_fields=list(changes))
        audit.record(org, actor, AuditAction.UPDATE, org, changes=changes)
    return org


@transaction.atomic
def do_set_two_factor_policy(actor: User | None, org: Organization, *, required: bool) -> Organization:
    """Require (or stop requiring) a second factor of every member before they work in `org`.

    An admin cannot require it while having no second factor: the policy would shut them out of
    the organisation they are changing. Operators (no actor, the CLI) can always change it, which
    is also the way back in for an organisation whose admins all lost their second factor.
    """
    if required and actor is not None and not has_second_factor(actor):
        raise Conflict({"two_factor_required": _(
            "Set up two-factor authentication for your own account first: requiring it now would lock you "
            "out of %(org)s.") % {"org": org.name}})
    before = audit.snapshot(org, ("two_factor_required",))
    org.two_factor_required = required
    changes = audit.diff(before, audit.snapshot(org, ("two_factor_required",)))
    if changes:
        org.save(update_fields=["two_factor_required"])
        audit.record(org, actor, AuditAction.UPDATE, org, changes=changes)
        if required:  # every member is told, each time the policy starts (key "": no earlier time counts)
            notify(org, TWO_FACTOR_REQUIRED, org, actor=actor, key="")
    return org


@transaction.atomic
def do_set_organization_language(actor: User | None, org: Organization, *, language: str) -> Organization:
    """The language of `org`'s members who chose none ("": each member's browser decides); audited."""
    if language not in ("", *SUPPORTED):
        raise ValidationError({"language": unknown_language_message(language)})
    before = audit.snapshot(org, ("language",))
    org.language = language
    changes = audit.diff(before, audit.snapshot(org, ("language",)))
    if changes:
        org.save(update_fields=["language"])
        audit.record(org, actor, AuditAction.UPDATE, org, changes=changes)
    return org


@transaction.atomic
def do_update_governance(actor: User | None, org: Organization, **fields: Any) -> GovernanceProfile:
    """Set who the CISO reports to, how the CISO and DPO functions are staffed, whether the DPO is
    consulted on the risk appetite and whether the DPO signs acceptances of privacy risks."""
    unknown = set(fields) - set(GOVERNANCE_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), _("Unknown governance field.")))
    profile = GovernanceProfile.objects.for_org(org).select_for_update().get()
    before = audit.snapshot(profile, GOVERNANCE_FIELDS)
    choices: dict[str, type[models.TextChoices]] = {
        "ciso_reports_to": CisoReportsTo, "ciso_model": CisoModel, "dpo_model": DpoModel,
    }
    errors: dict[str, str] = {}
    for name, value in fields.items():
        if name in GOVERNANCE_FLAGS:
            if not isinstance(value, bool):
                errors[name] = f"'{value}' is not true or false."
            else:
                setattr(profile, name, value)
            continue
        allowed = [c.value for c in choices[name]]
        if value not in allowed:
            errors[name] = f"'{value}' is not one of: {', '.join(allowed)}."
        else:
            setattr(profile, name, value)
    if errors:
        raise ValidationError(errors)
    if profile.ciso_model == CisoModel.HYBRID and profile.ciso_reports_to == CisoReportsTo.CIO:
        raise ValidationError({"ciso_reports_to": _("A hybrid CIO-CISO cannot report to the CIO: "
                                                    "choose the CEO or the board.")})
    changes = audit.diff(before, audit.snapshot(profile, GOVERNANCE_FIELDS))
    if changes:
        profile.updated_at = timezone.now()
        profile.save(update_fields=[*changes, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, profile, changes=changes, object_repr="Governance profile")
    return profile


