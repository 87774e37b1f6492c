"""Enumerations of the systems inventory: what a system is, how critical, what data it holds, where it runs
and its TIME classification."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SystemKind(models.TextChoices):
    APPLICATION = "application", _("Application")
    INFRASTRUCTURE = "infrastructure", _("Infrastructure")
    SAAS = "saas", _("SaaS")
    DATA_STORE = "data_store", _("Data store")
    NETWORK = "network", _("Network")
    ENDPOINT_GROUP = "endpoint_group", _("Endpoint group")


class Criticality(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class DataClassification(models.TextChoices):
    PUBLIC = "public", _("Public")
    INTERNAL = "internal", _("Internal")
    CONFIDENTIAL = "confidential", _("Confidential")
    RESTRICTED = "restricted", _("Restricted")


class Hosting(models.TextChoices):
    """Where a system runs: on premises, with a cloud provider (and region), or as a vendor's SaaS."""

    ON_PREMISES = "on_premises", _("On premises")
    CLOUD = "cloud", _("Cloud")
    SAAS = "saas", _("SaaS")


class TimeClass(models.TextChoices):
    """The TIME classification the CIO gives a system (Gartner's application portfolio grid)."""

    TOLERATE = "tolerate", _("Tolerate")
    INVEST = "invest", _("Invest")
    MIGRATE = "migrate", _("Migrate")
    ELIMINATE = "eliminate", _("Eliminate")


#: What the security input suggests for a system it flags (`rules.time_suggestion`): not to keep it as it is.
SUGGESTED_TIME = (TimeClass.MIGRATE, TimeClass.ELIMINATE)
