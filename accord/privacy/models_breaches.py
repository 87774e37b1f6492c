"""Personal-data breaches (Art. 33 and 34 GDPR): when the organisation became aware (stored in UTC, shown in its
zone), the 72-hour deadline to the supervisory authority, the Art. 33(3) content, the notifications in phases
(Art. 33(4)), the Art. 34 decision on informing the people, and the documentation every breach keeps (33(5))."""

from __future__ import annotations

from django.db import models
from django.utils.timezone import now

from accord.core.tenancy import TenantManager, TenantModel
from accord.privacy.choices import NotifyDecision, SubjectsDecision
from accord.risks.models import Risk

#: The Art. 33(3) content of a notification: (field, what it says), in the order of the article.
CONTENT_ITEMS = (
    ("nature", "Art. 33(3)(a): the nature of the breach"),
    ("subject_categories", "Art. 33(3)(a): the categories of data subjects"),
    ("subjects_approx", "Art. 33(3)(a): the approximate number of data subjects"),
    ("record_categories", "Art. 33(3)(a): the categories of personal data records"),
    ("records_approx", "Art. 33(3)(a): the approximate number of records"),
    ("dpo_contact", "Art. 33(3)(b): the DPO's or another contact point's details"),
    ("likely_consequences", "Art. 33(3)(c): the likely consequences"),
    ("measures", "Art. 33(3)(d): the measures taken or proposed, including to mitigate its effects"),
)


class Breach(TenantModel):
    """A personal-data breach, documented whether or not it is notified (Art. 33(5))."""

    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    became_aware_at = models.DateTimeField()
    notify_authority_by = models.DateTimeField()
    occurred_at = models.DateTimeField(null=True, blank=True)
    nature = models.TextField(blank=True)
    subject_categories = models.TextField(blank=True)
    subjects_approx = models.PositiveIntegerField(null=True, blank=True)
    record_categories = models.TextField(blank=True)
    records_approx = models.PositiveBigIntegerField(null=True, blank=True)
    dpo_contact = models.CharField(max_length=300, blank=True)
    likely_consequences = models.TextField(blank=True)
    measures = models.TextField(blank=True)
    notify_decision = models.CharField(max_length=20, choices=NotifyDecision.choices, default=NotifyDecision.PENDING)
    not_notified_reason = models.TextField(blank=True)
    late_reasons = models.TextField(blank=True)
    subjects_decision = models.CharField(max_length=20, choices=SubjectsDecision.choices,
                                         default=SubjectsDecision.PENDING)
    subjects_decision_reason = models.TextField(blank=True)
    subjects_informed_at = models.DateTimeField(null=True, blank=True)
    risk = models.ForeignKey(Risk, null=True, blank=True, on_delete=models.RESTRICT, related_name="+")
    created_at = models.DateTimeField(default=now)
    updated_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-number")
        verbose_name_plural = "breaches"
        constraints = [models.UniqueConstraint(fields=["organization", "number"], name="breach_number_unique")]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"BR-{self.number:03d}"

    @property
    def missing_content(self) -> list[str]:
        """The Art. 33(3) items not written yet (field names, in the article's order)."""
        return [name for name, _ in CONTENT_ITEMS if getattr(self, name) in (None, "")]


class BreachNotification(TenantModel):
    """One phase of the notification to the supervisory authority (Art. 33(4): information may be given in
    phases): when it was sent and what it said."""

    breach = models.ForeignKey(Breach, on_delete=models.RESTRICT, related_name="notifications")
    phase = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField()
    content = models.TextField()
    authority_reference = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=now)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("breach", "phase")
        constraints = [models.UniqueConstraint(fields=["breach", "phase"], name="breachnotification_phase_unique")]

    def __str__(self) -> str:
        return f"phase {self.phase} of breach {self.breach_id}"
