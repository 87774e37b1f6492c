"""A risk level as a badge: `{% level_badge risk.residual_level %}`, `{% level_badge level prefix="Residual" %}`.
A tag, not an included template: the register shows two per row, and an include costs a template lookup
and a new context each time."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from accord.risks.choices import Level

register = template.Library()

_LABELS = dict(Level.choices)


@register.simple_tag
def level_badge(level: str | None, prefix: str = "") -> SafeString | str:
    """The level's badge (its label, after `prefix`), or nothing for no level."""
    if not level:
        return ""
    label = _LABELS.get(level, level)
    return format_html('<span class="badge level-badge level-{}">{}{}</span>', level,
                       f"{prefix} " if prefix else "", label)
