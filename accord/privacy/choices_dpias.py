"""Enumerations of the DPIA workflow (Art. 35 and 36 GDPR)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DpiaStatus(models.TextChoices):
    """Where a DPIA stands: drafted, submitted to the DPO for advice, awaiting the controller's signed decision,
    decided (approved or rejected, on a date)."""

    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review (DPO's advice)")
    AWAITING_DECISION = "awaiting", _("Awaiting the decision")
    DECIDED = "decided", _("Decided")


#: The statuses of a DPIA still open (at most one per processing activity).
OPEN_STATUSES = (DpiaStatus.DRAFT, DpiaStatus.IN_REVIEW, DpiaStatus.AWAITING_DECISION)
#: The statuses in which the assessment itself (texts, risks, measures) may still change.
EDITABLE_STATUSES = (DpiaStatus.DRAFT, DpiaStatus.IN_REVIEW)


class DpiaOrigin(models.TextChoices):
    """Why the DPIA was opened: the activity's screening requires one, or the controller chose to assess."""

    SCREENING = "screening", _("Required by the screening")
    CHOICE = "choice", _("By choice")


class DpiaDecision(models.TextChoices):
    """The controller's decision on the processing, once assessed."""

    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
