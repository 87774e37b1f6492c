"""Archiving a risk instead of deleting it (docs/decisions/0015-archive-not-delete.md): the risk leaves
the register, every count and every export, keeps its history, acceptances and signatures, and can be
restored. Nothing a risk-level operation changes goes without its audit event: the acceptances still
awaiting signatures are withdrawn, one event each."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.models import Organization, User
from accord.core.tenancy import check_same_org
from accord.core.wording import too_long
from accord.risks.choices import AcceptanceStatus
from accord.risks.models import Risk, RiskAcceptance
from accord.risks.services.register import lock_org

MAX_REASON = 2000
ARCHIVE_FIELDS = ("archived_at", "archived_by", "archive_reason")


def _reason(reason: str | None, *, required: bool) -> str:
    text = (reason or "").strip()
    if required and not text:
        raise ValidationError({"reason": _("Say why the risk leaves the register (a duplicate, out of scope, "
                                           "the asset retired, ...); the reason stays in its history.")})
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": too_long(MAX_REASON, len(text))})
    return text


@transaction.atomic
def do_archive_risk(actor: User | None, org: Organization, risk: Risk, *, reason: str) -> Risk:
    """Take a risk out of the register, saying why; its acceptances awaiting signatures are withdrawn
    (one audit event each), those in force stay on record. Restore it with `do_restore_risk`."""
    check_same_org(org, risk=risk)
    text = _reason(reason, required=True)
    lock_org(org)
    risk = Risk.objects.for_org(org).select_for_update().get(pk=risk.pk)
    if risk.archived_at is not None:
        raise Conflict({"risk": _("%(risk)s is already archived.") % {"risk": risk.ref}})
    before = audit.snapshot(risk, ARCHIVE_FIELDS)
    now = timezone.now()
    risk.archived_at, risk.archived_by, risk.archive_reason, risk.updated_at = now, actor, text, now
    risk.save(update_fields=[*ARCHIVE_FIELDS, "updated_at"])
    audit.record(org, actor, AuditAction.ARCHIVE, risk, object_repr=str(risk)[:200],
                 changes=audit.diff(before, audit.snapshot(risk, ARCHIVE_FIELDS)))
    pending = list(RiskAcceptance.objects.for_org(org).select_for_update()
                   .filter(risk=risk, status=AcceptanceStatus.PENDING).order_by("pk"))
    for acceptance in pending:
        acceptance.status = AcceptanceStatus.WITHDRAWN
        acceptance.withdrawn_at, acceptance.withdrawn_by = now, actor
        acceptance.withdrawal_reason = f"{risk.ref} was archived: {text}"
        acceptance.save(update_fields=["status", "withdrawn_at", "withdrawn_by", "withdrawal_reason"])
        audit.record(org, actor, AuditAction.UPDATE, acceptance, object_repr=f"Acceptance of {risk.ref}",
                     changes={"status": [AcceptanceStatus.PENDING.value, AcceptanceStatus.WITHDRAWN.value],
                              "reason": [None, f"{risk.ref} was archived: {text}"]})
    return risk


@transaction.atomic
def do_restore_risk(actor: User | None, org: Organization, risk: Risk, *, reason: str = "") -> Risk:
    """Bring an archived risk back into the register (acceptances withdrawn on archiving stay withdrawn:
    request a new one)."""
    check_same_org(org, risk=risk)
    text = _reason(reason, required=False)
    lock_org(org)
    risk = Risk.objects.for_org(org).select_for_update().get(pk=risk.pk)
    if risk.archived_at is None:
        raise Conflict({"risk": _("%(risk)s is not archived.") % {"risk": risk.ref}})
    before = audit.snapshot(risk, ARCHIVE_FIELDS)
    risk.archived_at, risk.archived_by, risk.archive_reason, risk.updated_at = None, None, "", timezone.now()
    risk.save(update_fields=[*ARCHIVE_FIELDS, "updated_at"])
    changes = audit.diff(before, audit.snapshot(risk, ARCHIVE_FIELDS))
    if text:
        changes["reason"] = [None, text]
    audit.record(org, actor, AuditAction.RESTORE, risk, object_repr=str(risk)[:200], changes=changes)
    return risk
