"""The audit trail as a person reads it: object types by name ("Risk", not "risks.risk"), fields by
label, and the ids a change records turned into names and references ("Owner: Ada Lovelace → Ben
Okafor", "Risk: — → R-001").

Each app says how its object types read by calling `register` in its AppConfig.ready() (the core never
imports an app): a label, how to name its objects from their ids (one query for a page of events), and
how each field's values read: `Ref(object type)` for the id of another object, a `TextChoices` class,
or a function of the stored value. A field or type nobody registered reads as stored.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accord.core import csvsafe
from accord.core.fields import Kind, ModelSpec
from accord.core.models import AuditEvent, Organization

#: ids (as stored, as text) → what a person calls those objects; ids not found are left out.
Namer = Callable[[Organization, set[str]], Mapping[str, str]]
EMPTY = "—"


@dataclass(frozen=True)
class Ref:
    """A field whose value is the id of an object of `object_type` ('app_label.model')."""

    object_type: str


Show = Ref | type[models.Choices] | Callable[[Any], str]


@dataclass(frozen=True)
class ObjectType:
    """How the events of one object type read."""

    label: str | Promise  # lazy: read in the language of the page
    name: Namer | None = None
    fields: Mapping[str, Show] = field(default_factory=dict)
    labels: Mapping[str, str | Promise] = field(default_factory=dict)

    def field_label(self, name: str) -> str:
        return str(self.labels.get(name) or COMMON_LABELS.get(name) or name.replace("_", " ").capitalize())


#: Labels of fields many object types share, so that no type needs to name them again.
COMMON_LABELS: dict[str, str | Promise] = {
    "name": _("Name"), "key": _("Key"), "slug": _("Slug"), "status": _("Status"), "version": _("Version"),
    "description": _("Description"), "role": _("Role"), "external": _("External"), "active": _("Active"),
    "position": _("Position"), "currency": _("Currency"), "timezone": _("Time zone"), "language": _("Language"),
    "email": _("E-mail"), "scope": _("Scope"), "expires_at": _("Expires at"), "revoked_at": _("Revoked at"),
    "reason": _("Reason"), "text": _("Text"), "title": _("Title"), "category": _("Category"), "user": _("Person"),
    "membership": _("Member"), "kind": _("Kind"), "label": _("Label"), "prefix": _("Prefix"),
    "full_name": _("Name"), "two_factor_required": _("Two-factor authentication required"),
}


OBJECT_TYPES: dict[str, ObjectType] = {}


def register(object_type: str, spec: ObjectType) -> None:
    """Say how the events of `object_type` read (an app calls it once, in its AppConfig.ready())."""
    OBJECT_TYPES[object_type] = spec


def object_type_label(object_type: str) -> str:
    """'Risk' for 'risks.risk'; the type itself when no app registered it."""
    spec = OBJECT_TYPES.get(object_type)
    return str(spec.label) if spec else object_type


def spec_fields(spec: ModelSpec, *, shows: Mapping[Kind, Callable[[Any], str]] | None = None,
                ) -> tuple[dict[str, Show], dict[str, str]]:
    """The audited fields of a field specification as `ObjectType.fields` and `.labels`: related objects
    (members, keys) by `Ref` to their model's type, choices by label, and `shows[kind]` for the rest."""
    fields: dict[str, Show] = {}
    labels: dict[str, str] = {}
    for field_spec in spec.fields:
        if not field_spec.audited:
            continue
        labels[field_spec.attr] = field_spec.label or field_spec.attr.replace("_", " ").capitalize()  # type: ignore[assignment]  # lazy: read in the language of the page
        model_field = spec.model_field_of(field_spec)
        if isinstance(model_field, models.ForeignKey):
            related = model_field.related_model._meta  # type: ignore[union-attr]
            fields[field_spec.attr] = Ref(f"{related.app_label}.{related.model_name}")
        elif field_spec.choices is not None:
            fields[field_spec.attr] = field_spec.choices
        elif shows and field_spec.kind in shows:
            fields[field_spec.attr] = shows[field_spec.kind]
    return fields, labels


@dataclass(frozen=True)
class Change:
    """One changed field of an event, as read: label, value before and after."""

    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class EventRow:
    """One audit event as a person reads it."""

    event: AuditEvent
    type_label: str
    changes: list[Change]


def describe(org: Organization, events: Iterable[AuditEvent]) -> list[EventRow]:
    """`events` as people read them. The ids their changes record are named with one query per object
    type a registered field refers to, whatever the number of events and whatever their mix (so that a
    page of the trail costs the same queries whichever events it shows); an object deleted since reads
    as the trail last named it, marked removed (one more query), or as its number if it never did."""
    events = list(events)
    wanted: dict[str, set[str]] = {t: set() for t in _referenced_types()} if events else {}
    for event in events:
        spec = OBJECT_TYPES.get(event.object_type)
        for name, pair in _pairs(event):
            show = spec.fields.get(name) if spec else None
            if isinstance(show, Ref):
                wanted.setdefault(show.object_type, set()).update(_ids(pair))
    names: dict[str, Mapping[str, str]] = {}
    for object_type, ids in wanted.items():
        namer = OBJECT_TYPES[object_type].name if object_type in OBJECT_TYPES else None
        names[object_type] = namer(org, ids) if namer else {}
    if events:
        _name_the_removed(org, wanted, names)
    rows = []
    for event in events:
        spec = OBJECT_TYPES.get(event.object_type) or ObjectType(label=event.object_type)
        changes = [Change(name, spec.field_label(name), *(_show(spec.fields.get(name), v, names) for v in pair))
                   for name, pair in _pairs(event)]
        if event.action == "create":  # a new object's empty fields say nothing
            changes = [c for c in changes if c.after != EMPTY]
        rows.append(EventRow(event=event, type_label=str(spec.label), changes=changes))
    return rows


#: The columns of the audit trail as a file: what people read, then the event as stored (`changes_json`,
#: the hashes and the key that sealed it) for those who check it against the chain.
CSV_HEADER = ("seq", "at", "actor", "action", "object_type", "object_id", "object", "changes", "changes_json",
              "prev_hash", "hash", "key_id")
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
# Events named per batch: each batch costs one query per referenced object type, so a batch is large enough that
# an organisation's whole trail is one or a few batches (5,000 events hold a few megabytes at most).
_CSV_CHUNK = 5000


def csv_of(org: Organization, events: QuerySet[AuditEvent]) -> bytes:
    """`events` as a CSV file (UTF-8 with a byte-order mark, for Excel) through `csvsafe`: every cell
    quoted, texts a spreadsheet would run as formulas neutralised, times in UTC (ISO 8601). Names are
    looked up five thousand events at a time."""
    out = io.StringIO()
    writer = csvsafe.writer(out)
    writer.writerow(CSV_HEADER)
    iterator = events.iterator(chunk_size=_CSV_CHUNK)
    while chunk := list(islice(iterator, _CSV_CHUNK)):
        for row in describe(org, chunk):
            e = row.event
            cells = [str(e.seq), e.at.astimezone(dt.UTC).isoformat(), e.actor_label, e.action_label, row.type_label,
                     e.object_id, e.object_repr, "; ".join(f"{c.label}: {c.before} → {c.after}" for c in row.changes),
                     json.dumps(e.changes, sort_keys=True, ensure_ascii=False), e.prev_hash, e.hash, e.key_id]
            writer.writerow([csvsafe.neutralise(cell) for cell in cells])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _name_the_removed(org: Organization, wanted: Mapping[str, set[str]], names: dict[str, Mapping[str, str]]) -> None:
    """Name the referenced objects that no longer exist (a removed member) by what the trail last called
    them, in one query that runs even when none is missing (the count never depends on the events)."""
    missing = {t: {i for i in ids if i not in names.get(t, {})} for t, ids in wanted.items()}
    scope = models.Q(pk__lt=0)
    for object_type, ids in missing.items():
        if ids:
            scope |= models.Q(object_type=object_type, object_id__in=sorted(ids))
    last: dict[tuple[str, str], str] = {}
    rows = AuditEvent.objects.for_org(org).filter(scope).order_by("seq")
    for object_type, object_id, object_repr in rows.values_list("object_type", "object_id", "object_repr"):
        if object_repr:
            last[(object_type, object_id)] = object_repr
    for (object_type, object_id), label in last.items():
        names[object_type] = {**names.get(object_type, {}),
                              object_id: gettext("%(name)s (removed)") % {"name": label}}


def _referenced_types() -> list[str]:
    """The object types some registered field refers to (`Ref`), in a stable order."""
    return sorted({show.object_type for spec in OBJECT_TYPES.values() for show in spec.fields.values()
                   if isinstance(show, Ref)})


def names_by_id(queryset: QuerySet[Any], ids: set[str], name: Callable[[Any], str]) -> dict[str, str]:
    """For a `Namer`: the objects of `queryset` whose id is one of `ids` (as text) → `name(object)`, in
    one query that runs even for no ids (Django skips `pk__in=[]`), so the count never depends on them."""
    wanted = [int(i) for i in ids if i.isdigit()]
    rows = queryset.filter(pk__in=wanted) if wanted else queryset.filter(pk__lt=0)
    return {str(obj.pk): name(obj) for obj in rows}


def _pairs(event: AuditEvent) -> list[tuple[str, tuple[Any, Any]]]:
    """The event's changes as (field, (before, after)); an entry not of that shape is left out."""
    return [(name, (pair[0], pair[1])) for name, pair in (event.changes or {}).items()
            if isinstance(pair, list) and len(pair) == 2]


def _ids(pair: tuple[Any, Any]) -> set[str]:
    return {str(v) for v in pair if v not in (None, "")}


def _show(show: Show | None, value: Any, names: Mapping[str, Mapping[str, str]]) -> str:
    if value in (None, "", [], {}):
        return EMPTY
    if isinstance(show, Ref):
        return names.get(show.object_type, {}).get(str(value), f"#{value}")
    if isinstance(show, type):  # a Choices class
        return str(dict(getattr(show, "choices", ())).get(value, value))
    if show is not None:
        return show(value)
    return plain(value)


def plain(value: Any) -> str:
    """A stored value with nothing registered for its field: lists joined, objects as compact JSON."""
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, list):
        return "; ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, separators=(", ", ": "), ensure_ascii=False)
    return str(value)


def number(value: Any) -> str:
    """A stored decimal as a person reads it: "1500000.00" → 1,500,000."""
    try:
        return number_format(decimal.Decimal(str(value)).normalize(), force_grouping=True)
    except decimal.InvalidOperation:
        return str(value)


def share(value: Any) -> str:
    """A stored share as a percentage: 0.4 → 40 %."""
    try:
        return f"{(decimal.Decimal(str(value)) * 100).normalize():f} %"
    except decimal.InvalidOperation:
        return str(value)


def json_numbers(value: Any) -> str:
    """An audited JSON object with its numbers back as numbers (the trail stores decimals as text)."""
    return json.dumps(_numbers(value), separators=(", ", ": "), ensure_ascii=False)


def _numbers(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, str):
        try:
            parsed = decimal.Decimal(value)
        except decimal.InvalidOperation:
            return value
        if not parsed.is_finite():
            return value
        return int(parsed) if parsed == parsed.to_integral_value() else float(parsed)
    return value
