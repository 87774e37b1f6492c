"""Data-subject requests (Art. 12 and 15 to 22 GDPR): who asked what and when, the identity checks that paused
the clock, the extension, and how the request was closed. The due date is stored (lists filter on it) and set by
the services from `rules_deadlines.request_due_on` whenever what it depends on changes."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.core.models import Membership
from accord.core.tenancy import TenantManager, TenantModel
from accord.privacy import rules_deadlines
from accord.privacy.choices import OPEN_STATUSES, RequestKind, RequestStatus


class DataSubjectRequest(TenantModel):
    """One request of a data subject. `subject_name`, `subject_contact` and `details` are the person's own data:
    only roles holding `privacy.request.personal` read them, on every front."""

    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    received_on = models.DateField()
    channel = models.CharField(max_length=100, blank=True)
    subject_name = models.CharField(max_length=200, blank=True)
    subject_contact = models.CharField(max_length=200, blank=True)
    details = models.TextField(blank=True)
    # RESTRICT: a leaving member's requests are handed over by a service, audited (accord.core.handover).
    assignee = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    status = models.CharField(max_length=20, choices=RequestStatus.choices, default=RequestStatus.RECEIVED)
    due_on = models.DateField()
    paused_days = models.PositiveIntegerField(default=0)
    extended_on = models.DateField(null=True, blank=True)
    extension_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    response = models.TextField(blank=True)
    refusal_reasons = models.TextField(blank=True)
    complaint_right_given = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-number")
        constraints = [
            models.UniqueConstraint(fields=["organization", "number"], name="dsr_number_unique"),
            models.CheckConstraint(condition=models.Q(due_on__gt=models.F("received_on")),
                                   name="dsr_due_after_receipt"),
        ]
        indexes = [models.Index(fields=["organization", "status", "due_on"], name="dsr_open_due")]

    def __str__(self) -> str:
        return f"{self.ref} {self.get_kind_display()}"

    @property
    def ref(self) -> str:
        return f"DSR-{self.number:03d}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def clock_paused(self) -> bool:
        return self.status == RequestStatus.IDENTITY_PENDING

    @property
    def extended(self) -> bool:
        return self.extended_on is not None

    @property
    def answered_late(self) -> bool:
        """Answered or refused after its due date (`rules_deadlines.answered_late`)."""
        return self.status in (RequestStatus.ANSWERED, RequestStatus.REFUSED) and rules_deadlines.answered_late(
            self.due_on, self.closed_on)

    @property
    def is_overdue(self) -> bool:
        """Open, clock running, past its due date on the organisation's today: the selectors' annotation
        (`selectors_requests.overdue_q`); a request not read through them has none (KeyError)."""
        return bool(self.__dict__["overdue_now"])


class IdentityPause(TenantModel):
    """The clock of a request paused while the requester's identity is checked: when, why, and when it resumed
    (`resumed_on` empty: still paused). Each whole day paused pushes the due date by a day."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.RESTRICT, related_name="pauses")
    paused_on = models.DateField()
    reason = models.TextField()
    resumed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("request", "paused_on", "pk")
        constraints = [
            models.CheckConstraint(condition=models.Q(resumed_on__isnull=True) | models.Q(
                resumed_on__gte=models.F("paused_on")), name="identitypause_order"),
            models.UniqueConstraint(fields=["request"], condition=models.Q(resumed_on__isnull=True),
                                    name="identitypause_one_open"),
        ]

    def __str__(self) -> str:
        return f"pause of request {self.request_id} from {self.paused_on}"

    @property
    def days(self) -> int:
        return rules_deadlines.paused_days([rules_deadlines.Pause(self.paused_on, self.resumed_on)])
