"""Enumerations of the risk register."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accord.charts import Swatch
from accord.core.choices import DocumentStatus
from accord.core.choices import ImportAction as ImportAction  # the tables kit's, re-exported for the risk app
from accord.core.choices import Signatory as Signatory  # the kit's slots, re-exported for the risk app

#: A risk appetite version's state is a co-signed document's (accord.core.approvals).
AppetiteStatus = DocumentStatus


class Level(models.TextChoices):
    """Risk levels, in increasing order of severity (see LEVEL_RANK)."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


LEVEL_RANK = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3, Level.CRITICAL: 4}
RANK_LEVEL = {rank: level for level, rank in LEVEL_RANK.items()}

#: (cell fill, text colour) of each level on a heat map: low green, medium yellow, high orange, critical
#: red; every pair reads at least 4.5:1 (tests/risks/test_enumerations.py ties it to `Level`).
LEVEL_COLOURS: dict[str, tuple[str, str]] = {
    Level.LOW.value: ("#2e7d32", "#ffffff"),
    Level.MEDIUM.value: ("#fdd835", "#212529"),
    Level.HIGH.value: ("#f57c00", "#212529"),
    Level.CRITICAL.value: ("#c62828", "#ffffff"),
}
#: The heat map's palette of the risk levels, in their order.
# The labels stay lazy translations: a chart drawn for a page or a report names the levels in its language.
LEVEL_PALETTE = tuple(Swatch(level.value, level.label, *LEVEL_COLOURS[level.value])  # type: ignore[arg-type]
                      for level in Level)


class RaisedBy(models.TextChoices):
    """Which side of the house raised the risk."""

    CIO = "cio", _("CIO side")
    CISO = "ciso", _("CISO side")
    DPO = "dpo", _("DPO side")


class Treatment(models.TextChoices):
    MITIGATE = "mitigate", _("Mitigate")
    TRANSFER = "transfer", _("Transfer")
    AVOID = "avoid", _("Avoid")
    ACCEPT = "accept", _("Accept")


class RiskStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    ASSESSED = "assessed", _("Assessed")
    IN_TREATMENT = "in_treatment", _("In treatment")
    ACCEPTED = "accepted", pgettext_lazy("risk status", "Accepted")
    CLOSED = "closed", _("Closed")


class AcceptanceStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting signatures")
    IN_FORCE = "in_force", _("In force")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    #: Never stored: an acceptance in force that no longer covers its risk (it rose above the level signed,
    #: or left the tolerance it was judged within, or its category); see `selectors.in_force_q`.
    EXCEEDED = "exceeded", _("No longer covers the risk (it changed since the signatures)")


#: The seeded category whose risks are about personal data (`RiskCategory.is_privacy`).
PRIVACY_CATEGORY = "privacy"

DEFAULT_CATEGORIES = (
    ("strategic", "Strategic"),
    ("it_operations", "IT operations"),
    ("cyber_security", "Cyber security"),
    ("privacy", "Privacy"),
    ("compliance", "Compliance"),
    ("third_party", "Third party"),
    ("financial", "Financial"),
)


