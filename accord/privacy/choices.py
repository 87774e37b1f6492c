"""Enumerations of the privacy app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestKind(models.TextChoices):
    """The right a data subject exercises (Art. 15 to 22 GDPR)."""

    ACCESS = "access", _("Access (Art. 15)")
    RECTIFICATION = "rectification", _("Rectification (Art. 16)")
    ERASURE = "erasure", _("Erasure (Art. 17)")
    RESTRICTION = "restriction", _("Restriction of processing (Art. 18)")
    PORTABILITY = "portability", _("Data portability (Art. 20)")
    OBJECTION = "objection", _("Objection (Art. 21)")
    AUTOMATED_DECISION = "automated_decision", _("Automated decision-making (Art. 22)")


class RequestStatus(models.TextChoices):
    """Where a data-subject request stands: open (received, identity pending, in progress) or closed."""

    RECEIVED = "received", _("Received")
    IDENTITY_PENDING = "identity_pending", _("Identity pending (clock paused)")
    IN_PROGRESS = "in_progress", _("In progress")
    ANSWERED = "answered", _("Answered")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: A request still to be answered.
OPEN_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IDENTITY_PENDING, RequestStatus.IN_PROGRESS)
#: A request whose clock runs (identity pending stops it).
RUNNING_STATUSES = (RequestStatus.RECEIVED, RequestStatus.IN_PROGRESS)
#: How a request is closed.
CLOSING_STATUSES = (RequestStatus.ANSWERED, RequestStatus.REFUSED, RequestStatus.WITHDRAWN)


class NotifyDecision(models.TextChoices):
    """Art. 33(1): notify the supervisory authority, or not (unlikely to result in a risk), documented (33(5))."""

    PENDING = "pending", _("Not decided yet")
    NOTIFY = "notify", _("Notify the supervisory authority")
    NOT_REQUIRED = "not_required", _("Not notified: unlikely to result in a risk to people")


class SubjectsDecision(models.TextChoices):
    """Art. 34: inform the data subjects, or not (no high risk, or one of the exemptions of Art. 34(3))."""

    PENDING = "pending", _("Not decided yet")
    INFORM = "inform", _("Inform the data subjects")
    NO_HIGH_RISK = "no_high_risk", _("Not informed: no high risk to people")
    EXEMPT_PROTECTED = "exempt_protected", _("Exempt, Art. 34(3)(a): the data were unintelligible (e.g. encrypted)")
    EXEMPT_MITIGATED = "exempt_mitigated", _("Exempt, Art. 34(3)(b): later measures removed the high risk")
    EXEMPT_PUBLIC = "exempt_public", _("Exempt, Art. 34(3)(c): disproportionate effort, a public communication "
                                       "instead")


#: The decisions that inform nobody and need a reason.
NOT_INFORMING = (SubjectsDecision.NO_HIGH_RISK, SubjectsDecision.EXEMPT_PROTECTED, SubjectsDecision.EXEMPT_MITIGATED,
                 SubjectsDecision.EXEMPT_PUBLIC)
