"""Enumerations of the IT portfolio: initiatives, their phases and health, security review gates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class InitiativeKind(models.TextChoices):
    DIGITAL_TRANSFORMATION = "digital_transformation", _("Digital transformation")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    MODERNISATION = "modernisation", _("Modernisation")
    COMPLIANCE = "compliance", _("Compliance")
    SECURITY = "security", _("Security")
    OTHER = "other", _("Other")


class Phase(models.TextChoices):
    """Where an initiative stands; the allowed moves are `rules.TRANSITIONS`."""

    IDEA = "idea", _("Idea")
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    IN_DELIVERY = "in_delivery", _("In delivery")
    LIVE = "live", _("Live")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Health(models.TextChoices):
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    OFF_TRACK = "off_track", _("Off track")


class Gate(models.TextChoices):
    """A security review gate: `approval` guards proposed → approved, `go_live` in delivery → live."""

    APPROVAL = "approval", _("Approval")
    GO_LIVE = "go_live", _("Go-live")


class Outcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", _("Approved with conditions")
    REJECTED = "rejected", _("Rejected")


#: Outcomes that open the gate.
PASSING_OUTCOMES = frozenset({Outcome.APPROVED, Outcome.APPROVED_WITH_CONDITIONS})


class ConditionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class ExceptionStatus(models.TextChoices):
    """A gate exception: pending until every required signature is in, then in force."""

    PENDING = "pending", _("Awaiting signatures")
    IN_FORCE = "in_force", _("In force")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: The checklist a new organisation's security reviews answer (key, question); each organisation may change it.
DEFAULT_CHECKLIST: tuple[tuple[str, str], ...] = (
    ("data_classification", "The classification of the data the initiative handles is known"),
    ("threat_model", "A threat model is done"),
    ("dpia_needed", "Personal data: is a DPIA needed? (answered, and started when it is)"),
    ("controls_named", "The required security controls are named"),
    ("residual_risks", "Residual risks are within appetite or accepted"),
)

#: Working days a security review may take before it is overdue, unless the organisation says otherwise.
DEFAULT_REVIEW_TARGET_DAYS = 10
#: Yearly discount rate for the NPV, unless the organisation says otherwise.
DEFAULT_DISCOUNT_RATE = "0.08"


class CostCategory(models.TextChoices):
    """What a budget line pays for: running what exists, changing it (projects), or security."""

    RUN = "run", pgettext_lazy("cost category", "Run")
    CHANGE = "change", pgettext_lazy("cost category", "Change")
    SECURITY = "security", pgettext_lazy("cost category", "Security")


class CostNature(models.TextChoices):
    """How a budget line is accounted for: capital (an asset, depreciated) or operating expenditure."""

    CAPEX = "capex", _("Capex")
    OPEX = "opex", _("Opex")
