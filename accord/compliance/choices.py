"""Enumerations of the compliance app: what kind of control, and where it stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ControlKind(models.TextChoices):
    POLICY = "policy", _("Policy")
    PROCESS = "process", _("Process")
    TECHNICAL = "technical", _("Technical")
    PHYSICAL = "physical", _("Physical")


class ControlStatus(models.TextChoices):
    """Where a control stands: only an implemented control reduces the residual money figures; a planned
    or in-progress one shows what it would add (rules.COUNTS_IN_RESIDUAL, rules.WOULD_ADD)."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    RETIRED = "retired", _("Retired")
