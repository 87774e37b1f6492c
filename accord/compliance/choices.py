"""Enumerations of the compliance app: what kind of control, and where it stands."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class AssessmentStatus(models.TextChoices):
    """Where an audit stands: results and findings are recorded while it is in progress; a closed audit's
    results are kept as they were (rules.RECORDING)."""

    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class ResultValue(models.TextChoices):
    """An audit's verdict on one requirement; not applicable needs a justification."""

    NOT_ASSESSED = "not_assessed", _("Not assessed")
    COMPLIANT = "compliant", _("Compliant")
    PARTIAL = "partial", _("Partially compliant")
    NON_COMPLIANT = "non_compliant", _("Non-compliant")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class FindingKind(models.TextChoices):
    """A finding (a gap to remediate) or an observation (noted, nothing required)."""

    FINDING = "finding", _("Finding")
    OBSERVATION = "observation", _("Observation")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class FindingStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("finding status", "Open")
    CLOSED = "closed", _("Closed")


class RemediationStatus(models.TextChoices):
    """Where a remediation action stands; done and cancelled ones are never overdue (rules.REMEDIATION_ENDED)."""

    OPEN = "open", pgettext_lazy("remediation status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class EvidenceKind(models.TextChoices):
    FILE = "file", _("File")
    LINK = "link", _("Link")


class SoaStatus(models.TextChoices):
    """Where an Annex A control stands in the Statement of Applicability, computed from the organisation's
    controls linked to it by `rules.soa_status` (decision 0057)."""

    NOT_APPLICABLE = "not_applicable", _("Not applicable")
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")


class SoaReason(models.TextChoices):
    """Why an applicable Annex A control is included in the Statement of Applicability (any of them)."""

    RISK_TREATMENT = "risk_treatment", _("Risk treatment")
    LEGAL = "legal", _("Legal or contractual obligation")
    BUSINESS = "business", _("Business requirement")
