"""Punctuation and list joining that differ between languages, written once for templates (the `wording`
template library) and Python: a colon after a label ("Inherent:" / "Inhérent :", the French catalogue's
space before a colon), and a list joined with "and" ("CISO and CEO" / "RSSI et DG") or with "or"."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import number_format
from django.utils.translation import gettext, pgettext


def colon() -> str:
    """The colon after a label, with the space the language puts before it (none in English)."""
    return pgettext("punctuation after a label, before its value", ":")


def labelled(label: object) -> str:
    """`label` followed by the language's colon: "Inherent:" / "Inhérent :"."""
    return f"{label}{colon()}"


def and_join(items: Iterable[object]) -> str:
    """Items joined as a sentence lists them: "A", "A and B", "A, B and C" ("A, B et C")."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + gettext(" and ") + words[-1]


def or_join(items: Iterable[object]) -> str:
    """Items joined as alternatives: "A", "A or B", "A, B or C" ("A, B ou C")."""
    words = [str(item) for item in items]
    if len(words) < 2:
        return "".join(words)
    return ", ".join(words[:-1]) + gettext(" or ") + words[-1]


def too_long(most: int, given: int) -> str:
    """The refusal of a text past its limit, both counts written as the reader writes numbers."""
    return gettext("At most %(most)s characters (%(given)s given).") % {
        "most": number_format(most, force_grouping=True), "given": number_format(given, force_grouping=True)}


def in_a_sentence(label: object) -> str:
    """A label as it reads inside a sentence: its first letter lowered ("Risk" → "risk", "Processing activity" →
    "processing activity"), unless its first word is an acronym ("DPIA", "RoPA" stay as they are)."""
    text = str(label)
    first = text.split(" ", 1)[0]
    if len(first) > 1 and sum(ch.isupper() for ch in first) > 1:
        return text
    return text[:1].lower() + text[1:]
