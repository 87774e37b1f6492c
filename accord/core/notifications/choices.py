"""Enumerations of notifications."""

from django.db import models


class Delivery(models.TextChoices):
    """How a member receives one kind of notification by e-mail (the in-app inbox always has it)."""

    IMMEDIATE = "immediate", "E-mail at once"
    DIGEST = "digest", "Daily digest e-mail"
    OFF = "off", "No e-mail (inbox only)"
