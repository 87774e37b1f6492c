"""Enumerations of the data-privacy audit, with their labels. The discrepancy kinds' values are the pure rule's
(`rules_discrepancies.KINDS`), so a stored value is what the rule gave."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionnaireStatus(models.TextChoices):
    """Where a system owner's data-inventory questionnaire stands."""

    SENT = "sent", _("Sent, awaiting the owner's answer")
    ANSWERED = "answered", _("Answered")


class DiscrepancyKind(models.TextChoices):
    """What the comparison found (docs/privacy-audit.md)."""

    UNDECLARED_CATEGORY = "undeclared_category", _("Category observed but not declared")
    UNNAMED_SYSTEM = "unnamed_system", _("System holding personal data that no activity names")
    RETENTION_EXCEEDED = "retention_exceeded", _("Retention applied longer than declared")
    UNDECLARED_TRANSFER = "undeclared_transfer", _("Region outside the EEA with no declared transfer")
    UNOBSERVED_CATEGORY = "unobserved_category", _("Declared category never observed")


class DiscrepancyStatus(models.TextChoices):
    """Whether the latest comparison still finds a discrepancy."""

    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("No longer found")


#: The categories of the classifier (`rules_classify.CATEGORIES`) as people read them, by key.
CATEGORY_LABELS = {
    "name": _("Name"),
    "email": _("E-mail address"),
    "phone": _("Telephone number"),
    "postal_address": _("Postal address"),
    "birth_date": _("Date of birth"),
    "gender": _("Gender"),
    "national_id": _("National identification number"),
    "bank_account": _("Bank account (IBAN)"),
    "payment_card": _("Payment card"),
    "financial": _("Income and financial situation"),
    "online_id": _("Online identifier (IP address, device, cookie)"),
    "location": _("Location data"),
    "health": _("Health data"),
    "biometric": _("Biometric data"),
    "beliefs": _("Religious or philosophical beliefs, political opinions, union membership"),
    "ethnic_origin": _("Racial or ethnic origin"),
}
