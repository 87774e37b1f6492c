"""`{% load wording %}`: `{% colon %}` after a label ("Inherent{% colon %}" reads "Inhérent :" in French)
and `{{ names|and_join }}` ("CISO and CEO/board representative"); see accord.core.wording."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from accord.core import wording

register = template.Library()


@register.simple_tag
def colon() -> str:
    return wording.colon()


@register.filter
def and_join(items: Iterable[object]) -> str:
    return wording.and_join(items)


@register.filter
def in_a_sentence(label: object) -> str:
    return wording.in_a_sentence(label)
