"""Enumerations of mapping sets: how a source requirement relates to a target requirement."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Relationship(models.TextChoices):
    """Read from the source: `subset` says the source asks less than the target, which covers all of it;
    seen from the target the pair reads the other way round (rules_mappings.inverse)."""

    EQUIVALENT = "equivalent", _("Equivalent")
    SUBSET = "subset", _("Subset")
    SUPERSET = "superset", _("Superset")
    INTERSECTS = "intersects", _("Intersects")
