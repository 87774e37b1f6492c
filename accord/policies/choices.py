"""Enumerations of the policies app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from accord.core.choices import DocumentStatus

#: A policy version's state is a co-signed document's (accord.core.approvals).
VersionStatus = DocumentStatus


class PolicyKind(models.TextChoices):
    """What a policy governs; the kind decides who approves its versions (rules.approval_slots)."""

    INFORMATION_SECURITY = "information_security", _("Information security")
    ACCEPTABLE_USE = "acceptable_use", _("Acceptable use")
    ACCESS_CONTROL = "access_control", _("Access control")
    BACKUP = "backup", _("Backup")
    INCIDENT_RESPONSE = "incident_response", _("Incident response")
    PRIVACY = "privacy", _("Privacy")
    SUPPLIER = "supplier", _("Supplier security")
    OTHER = "other", _("Other")


#: The kinds the DPO approves (with the CISO) instead of the CIO.
PRIVACY_KINDS = frozenset({PolicyKind.PRIVACY})


class ExceptionStatus(models.TextChoices):
    """Where a policy exception stands; an exception in force past its expiry reads "expired" (selectors)."""

    PENDING = "pending", _("Awaiting signatures")
    IN_FORCE = "in_force", _("In force")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ExceptionState(models.TextChoices):
    """What people read of an exception: its status, or expired once its expiry date has passed."""

    PENDING = "pending", _("Awaiting signatures")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
