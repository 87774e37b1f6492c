"""Choosing several objects of an organisation in a form (the systems an initiative changes, the systems an
activity runs on): a list to tick while there are few, references to type once there are too many to list.

A select of ten thousand systems is a megabyte of page nobody can scroll; past `MANY` candidates the field
becomes a text of references ("S-001, S-042"), checked against the organisation's objects and cleaned into the
very values the list would have given, so the form's service never knows which one the page showed."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: Past this many candidates, references are typed rather than picked from a list.
MANY = 300

_SPLIT = re.compile(r"[\s,;]+")


class ReferencesField(forms.CharField):
    """References typed as text, each `prefix` and a number (S-001), in the order typed, duplicates dropped;
    cleaned into each object's `value` (its id as text, or its reference)."""

    def __init__(self, queryset: QuerySet[Any], prefix: str, value: Callable[[Any], str], **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": f"{prefix}001, {prefix}002"}))
        super().__init__(**kwargs)
        self.queryset, self.prefix, self.value = queryset, prefix, value

    def _number(self, text: str) -> int | None:
        head, digits = text[: len(self.prefix)], text[len(self.prefix):]
        return int(digits) if head.upper() == self.prefix.upper() and digits.isdigit() else None

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value) or ""
        words = list(dict.fromkeys(w for w in _SPLIT.split(text) if w))
        numbers = {word: self._number(word) for word in words}
        bad = [word for word, number in numbers.items() if number is None]
        if bad:
            raise ValidationError(_("Give references such as %(example)s, not %(bad)s.") % {
                "example": f"{self.prefix}001", "bad": ", ".join(f"'{w}'" for w in bad)})
        found = {obj.number: obj for obj in self.queryset.filter(number__in=list(numbers.values()))}
        missing = [word for word, number in numbers.items() if number not in found]
        if missing:
            raise ValidationError(_("Nothing of this organisation has the reference %(refs)s.") % {
                "refs": ", ".join(missing)})
        return list(dict.fromkeys(self.value(found[number]) for number in numbers.values() if number is not None))

    def prepare_value(self, value: Any) -> Any:
        """A list of values (the form's initial, as the list would hold them) shown as references."""
        if not isinstance(value, list | tuple):
            return value
        wanted = {str(v) for v in value}
        if not wanted:
            return ""
        numbers = [n for n in (self._number(v) for v in wanted) if n is not None]
        ids = [int(v) for v in wanted if v.isdigit()]
        found = self.queryset.filter(Q(number__in=numbers) | Q(pk__in=ids)).order_by("number")
        return ", ".join(obj.ref for obj in found if str(self.value(obj)) in wanted)


def by_ref(obj: Any) -> str:
    """A candidate's value as its reference (S-001), for a service that takes references."""
    return str(obj.ref)


def ref_and_name(obj: Any) -> str:
    """A candidate's label: its reference and name ("S-001 Patient records")."""
    return f"{obj.ref} {obj.name}"


def _few(queryset: QuerySet[Any], limit: int | None) -> Sequence[Any] | None:
    """The candidates when there are at most `limit` (`MANY`) of them (one query), else None."""
    many = MANY if limit is None else limit
    rows: Sequence[Any] = list(queryset[: many + 1])
    return rows if len(rows) <= many else None


def choose_many(form: forms.Form, name: str, queryset: QuerySet[Any], *, prefix: str,
                value: Callable[[Model], str] = lambda obj: str(obj.pk),
                label: Callable[[Any], str] = str, limit: int | None = None) -> None:
    """Make `form.fields[name]` choose among `queryset` (ordered by number): the list itself while there are at
    most `limit` (`MANY`) candidates, else a `ReferencesField` with the same label and help."""
    field = form.fields[name]
    queryset = queryset.order_by("number")
    rows = _few(queryset, limit)
    if rows is not None:
        field.choices = [(value(obj), label(obj)) for obj in rows]  # type: ignore[attr-defined]
        return
    help_text = gettext_lazy("References separated by commas (%(example)s); too many to list here.") % {
        "example": f"{prefix}001, {prefix}014"}
    form.fields[name] = ReferencesField(queryset, prefix, value, label=field.label,
                                        help_text=f"{field.help_text} · {help_text}" if field.help_text else help_text)


class ReferenceField(ReferencesField):
    """One reference typed as text (S-001), cleaned into the object's `value`; blank is None unless required."""

    def clean(self, value: Any) -> Any:
        if value and len([w for w in _SPLIT.split(str(value)) if w]) > 1:
            raise ValidationError(_("Give one reference, such as %(example)s.") % {"example": f"{self.prefix}001"})
        found = super().clean(value)
        return found[0] if found else None

    def prepare_value(self, value: Any) -> Any:
        return "" if value in (None, "") else super().prepare_value([value])


def choose_one(form: forms.Form, name: str, queryset: QuerySet[Any], *, prefix: str,
               value: Callable[[Any], Any] = lambda obj: obj.pk, label: Callable[[Any], str] = str,
               blank: str | None = None, limit: int | None = None) -> None:
    """Make `form.fields[name]` choose one of `queryset` (ordered by number): the list itself while there are at
    most `limit` (`MANY`) candidates (first a `blank` choice when given), else a `ReferenceField` with the same
    label, help and requiredness, cleaned into the same `value` the list gives."""
    field = form.fields[name]
    queryset = queryset.order_by("number")
    rows = _few(queryset, limit)
    if rows is not None:
        field.choices = [*([("", blank)] if blank is not None else []),  # type: ignore[attr-defined]
                         *((value(obj), label(obj)) for obj in rows)]
        return
    help_text = gettext_lazy("A reference (%(example)s); too many to list here.") % {"example": f"{prefix}001"}
    form.fields[name] = ReferenceField(queryset, prefix, value, label=field.label, required=field.required,
                                       help_text=f"{field.help_text} · {help_text}" if field.help_text else help_text)
