"""Field specifications: each field of a model declared once, and what every front lists derived from it.

A `ModelSpec` holds a model's `FieldSpec`s in the order the API shows them. From it come the names a
service accepts (`input_names`) and the model fields they write (`model_name`), the fields the audit
trail records (`audited`), the columns of a file export and which of them an import reads
(`columns`, `import_columns`, `required_columns`), the value of a cell (`cell_value`), the fields of
a form section (`section`), and, through `accord.core.fieldschemas`, the API's input and output
schemas. What the model already states (null, max_length, decimal places, default) is read from the
model field, never repeated here.

A new field of a model is one `FieldSpec` (plus the model field and its migration); the app's
service says what its values mean (ranges, lookups), keyed by the field's `kind`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models

if TYPE_CHECKING:
    from accord.core.languages import Text

#: How lists are joined in one cell of a file.
LIST_SEPARATOR = "; "


class Kind(enum.StrEnum):
    """What a field holds, which decides its API type, its cell in a file and its form field."""

    TEXT = "text"  # a text; a model TextField is a long text
    CHOICE = "choice"  # one value of a TextChoices (`FieldSpec.choices`)
    INTEGER = "integer"
    DECIMAL = "decimal"  # an amount, exact (Decimal)
    SHARE = "share"  # a Decimal from 0 to 1, also given as a percentage ("40%")
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    LIST = "list"  # a list of short texts; joined with "; " in a file
    JSON = "json"  # an object; its JSON text in a file
    MEMBER = "member"  # a Membership, given and shown as the member's e-mail address
    KEY = "key"  # a related object of the organisation, given and shown by its `key`


# The attribute path a kind reads from the related object, after the model field.
_RELATED_PATH = {Kind.MEMBER: ".user.email", Kind.KEY: ".key"}


@dataclass(frozen=True)
class FieldSpec:
    """One field as the fronts see it.

    `name` is the field's name in the API, in files and in the service's input; `model_field` the
    model attribute it writes and the audit trail records (default: `name`); `source` the dotted
    path the API and exports read (default: the model field, then `.user.email` for a member or
    `.key` for a key), None anywhere on the path reads as None.

    Where it appears: `input` (API input schemas, the service's input, imports), `output` (the API's
    output schema), `column` (exports; imported when `input` too), `audited`.
    Texts: `label` for people (forms, docs), `hint` a form's help text, `help` the API output
    description, `input_help` the API input description (each empty for none).
    `required`: must be given when creating. `bound` names a limit only the app's validation knows
    (e.g. the risk matrix's likelihood axis); `bound_max` the largest that limit can be (the document
    states it as the field's maximum). `section`: the form section that edits it.
    """

    name: str
    kind: Kind
    label: Text = ""
    model_field: str = ""
    source: str = ""
    choices: type[models.TextChoices] | None = None
    required: bool = False
    input: bool = True
    output: bool = True
    column: bool = True
    audited: bool = True
    help: str = ""
    input_help: str = ""
    hint: Text = ""
    bound: str = ""
    bound_max: int | None = None
    section: str = ""
    #: Computes the value instead of reading `source` (a figure computed outside SQL, set by the caller).
    compute: Callable[[Any], Any] | None = None

    @property
    def attr(self) -> str:
        """The model attribute this field writes and the audit trail records."""
        return self.model_field or self.name

    @property
    def path(self) -> str:
        return self.source or self.attr + _RELATED_PATH.get(self.kind, "")

    def read(self, obj: Any) -> Any:
        """The field's value on `obj` (an API answer's value: lists as lists, objects as dicts)."""
        if self.compute is not None:
            return self.compute(obj)
        value = obj
        for part in self.path.split("."):
            if value is None:
                return None
            value = getattr(value, part)
        return value

    def cell_value(self, obj: Any) -> Any:
        """The field's value in a file: typed (dates, numbers), lists joined, objects as JSON text,
        booleans as yes/no, a missing member as an empty text."""
        value = self.read(obj)
        if self.kind is Kind.LIST:
            return LIST_SEPARATOR.join(value or [])
        if self.kind is Kind.JSON:
            return json.dumps(value) if value is not None else None
        if self.kind is Kind.BOOLEAN:
            return "yes" if value else "no"
        if self.kind is Kind.MEMBER:
            return value or ""
        return value


@dataclass(frozen=True)
class ModelSpec:
    """A model's fields in the order the API shows them; `key` is the column that names an existing
    object in a file (its reference), and comes first in exports."""

    model: type[models.Model]
    fields: tuple[FieldSpec, ...]
    key: str = ""
    _by_name: dict[str, FieldSpec] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_name: dict[str, FieldSpec] = {}
        for spec in self.fields:
            if spec.name in by_name:
                raise ValueError(f"{self.model.__name__}: the field '{spec.name}' is specified twice.")
            if spec.kind is Kind.CHOICE and spec.choices is None:
                raise ValueError(f"{self.model.__name__}.{spec.name}: a choice field needs its `choices`.")
            if (spec.input or spec.audited) and spec.compute is None:
                self.model._meta.get_field(spec.attr)  # a misspelt model field fails at import
            by_name[spec.name] = spec
        if self.key and self.key not in by_name:
            raise ValueError(f"{self.model.__name__}: the key '{self.key}' is not a field.")
        object.__setattr__(self, "_by_name", by_name)

    def __iter__(self) -> Iterator[FieldSpec]:
        return iter(self.fields)

    def __getitem__(self, name: str) -> FieldSpec:
        return self._by_name[name]

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    # --- facts the model states ----------------------------------------------------------------------

    def model_field_of(self, spec: FieldSpec) -> models.Field[Any, Any] | None:
        """The model field behind `spec` (the first step of its path; else the field it writes, for an
        input read from a property), or None for a computed one."""
        if spec.compute is not None:
            return None
        for name in dict.fromkeys((spec.path.split(".")[0], spec.attr)):
            try:
                found = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            return found if isinstance(found, models.Field) else None
        return None

    def nullable(self, spec: FieldSpec) -> bool:
        """The value may be None: the model field is nullable, or the figure is computed (and may be missing)."""
        if spec.compute is not None:
            return True
        found = self.model_field_of(spec)
        return bool(found is not None and found.null)

    def default(self, spec: FieldSpec) -> Any:
        """The model field's default, or None."""
        found = self.model_field_of(spec)
        if found is None or not found.has_default():
            return None
        return found.get_default()

    # --- derived lists -------------------------------------------------------------------------------

    @property
    def inputs(self) -> tuple[FieldSpec, ...]:
        return tuple(s for s in self.fields if s.input)

    @property
    def input_names(self) -> tuple[str, ...]:
        """The names the service's input, the API's input and imports use, in order."""
        return tuple(s.name for s in self.inputs)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.inputs if s.required)

    def model_name(self, name: str) -> str:
        """The model attribute an input name writes (`likelihood` → `inherent_likelihood`)."""
        return self._by_name[name].attr

    @property
    def audited(self) -> tuple[str, ...]:
        """The model attributes the audit trail records, in order."""
        return tuple(s.attr for s in self.fields if s.audited)

    @property
    def outputs(self) -> tuple[FieldSpec, ...]:
        return tuple(s for s in self.fields if s.output)

    @property
    def columns(self) -> tuple[FieldSpec, ...]:
        """The columns of an export: the key first, then what an import reads, then what it ignores
        (computed columns), each group in the spec's order."""
        key = [s for s in self.fields if s.name == self.key]
        read = [s for s in self.fields if s.column and s.input and s.name != self.key]
        ignored = [s for s in self.fields if s.column and not s.input and s.name != self.key]
        return (*key, *read, *ignored)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.columns)

    @property
    def import_columns(self) -> tuple[str, ...]:
        """The columns an import reads (the key, to find the object, and the input fields)."""
        return tuple(s.name for s in self.columns if s.input or s.name == self.key)

    @property
    def ignored_columns(self) -> tuple[str, ...]:
        """Columns an export writes and an import ignores (read-only and computed values)."""
        return tuple(s.name for s in self.columns if s.name not in self.import_columns)

    def section(self, name: str) -> tuple[str, ...]:
        """The input fields a form section edits, in order."""
        return tuple(s.name for s in self.inputs if s.section == name)

    def sections(self) -> tuple[str, ...]:
        """The form sections, in the order their first field appears."""
        return tuple(dict.fromkeys(s.section for s in self.inputs if s.section))

    def of_kind(self, *kinds: Kind) -> tuple[FieldSpec, ...]:
        return tuple(s for s in self.fields if s.kind in kinds)
