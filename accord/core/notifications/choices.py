"""Enumerations of notifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Delivery(models.TextChoices):
    """How a member receives one kind of notification by e-mail (the in-app inbox always has it)."""

    IMMEDIATE = "immediate", _("E-mail at once")
    DIGEST = "digest", _("Daily digest e-mail")
    OFF = "off", _("No e-mail (inbox only)")
