"""API schemas from a `ModelSpec` (accord.core.fields): the class you declare is the schema, with the
spec's fields added in the spec's order.

    @output_fields(RISK)
    class RiskOut(Schema): ...            # every `output` field, typed by kind, read along its path

    @input_fields(RISK, partial=True)
    class RiskPatch(BodyIn): ...          # every `input` field, optional (`null` clears)

    @input_fields(RISK)
    class RiskCreate(RiskPatch): ...      # the `required` fields made required

A field's description is its `help` (output) or `input_help` (input). Enumerations arrive as their
enum members; `input_data` gives a handler the fields the caller sent, enumerations as their values.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.validators import MinValueValidator
from django.db import models
from ninja import Field, Schema
from pydantic import StrictBool

from accord.core.fields import FieldSpec, Kind, ModelSpec

S = TypeVar("S", bound=Schema)

_OUTPUT_TYPES: dict[Kind, Any] = {
    Kind.TEXT: str, Kind.INTEGER: int, Kind.DECIMAL: decimal.Decimal, Kind.SHARE: decimal.Decimal,
    Kind.DATE: dt.date, Kind.DATETIME: dt.datetime, Kind.BOOLEAN: bool, Kind.LIST: list[str],
    Kind.JSON: dict[str, Any], Kind.MEMBER: str, Kind.KEY: str,
}
# Input is more lenient where people type: a share may be "40%", an object its JSON text. A boolean is
# true or false only (pydantic would read 0, 1, "yes" and "off" as booleans, which the document refuses).
_INPUT_TYPES: dict[Kind, Any] = {
    **_OUTPUT_TYPES, Kind.SHARE: decimal.Decimal | str, Kind.JSON: dict[str, Any] | str, Kind.BOOLEAN: StrictBool,
}


def _type(spec: FieldSpec, table: dict[Kind, Any]) -> Any:
    return spec.choices if spec.kind is Kind.CHOICE else table[spec.kind]


def _reader(spec: FieldSpec) -> Callable[[Any], Any]:
    def resolve(obj: Any) -> Any:
        return spec.read(obj)

    return resolve


def _subclass(cls: type[S], annotations: dict[str, Any], values: dict[str, Any]) -> type[S]:
    namespace: dict[str, Any] = {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                 "__doc__": cls.__doc__, "__annotations__": annotations, **values}
    # The schema's own metaclass (ninja's), so that the `resolve_*` functions are registered.
    metaclass: Any = type(cls)
    made: type[S] = metaclass(cls.__name__, (cls,), namespace)
    return made


def output_fields(model: ModelSpec) -> Callable[[type[S]], type[S]]:
    """Add the spec's `output` fields to the decorated schema: required, `| None` where the model
    field is nullable, resolved along each field's path."""

    def decorate(cls: type[S]) -> type[S]:
        annotations: dict[str, Any] = {}
        values: dict[str, Any] = {}
        for spec in model.outputs:
            kind_type = _type(spec, _OUTPUT_TYPES)
            annotations[spec.name] = kind_type | None if model.nullable(spec) else kind_type
            if spec.help:
                values[spec.name] = Field(description=spec.help)
            if spec.path != spec.name or spec.compute is not None:
                values[f"resolve_{spec.name}"] = staticmethod(_reader(spec))
        return _subclass(cls, annotations, values)

    return decorate


_TEXTS = (Kind.TEXT, Kind.KEY, Kind.MEMBER)


def _limits(model: ModelSpec, spec: FieldSpec) -> dict[str, Any]:
    """What the model enforces, stated in the OpenAPI document: a required text is not empty, none is
    longer than its column, and a bounded whole number starts at 1 and ends at most at `bound_max` (its
    own upper end is the app's to know, a matrix's size)."""
    if spec.bound and spec.kind == Kind.INTEGER:
        return {"json_schema_extra": {"minimum": 1, **({"maximum": spec.bound_max} if spec.bound_max else {})}}
    if spec.kind == Kind.DECIMAL:
        column = model.model_field_of(spec)
        whole_digits = (column.max_digits - column.decimal_places
                        if isinstance(column, models.DecimalField) and column.max_digits is not None else None)
        # A column that states a minimum of 0 (people-days) takes 0 too; any other amount is positive.
        zero = any(isinstance(v, MinValueValidator) and v.limit_value == 0 for v in getattr(column, "validators", ()))
        return {"json_schema_extra": _positive_amount(whole_digits, zero=zero)}
    if spec.kind == Kind.SHARE:
        return {"json_schema_extra": _share}
    if spec.kind not in _TEXTS:
        return {}
    found = model.model_field_of(spec)
    limits: dict[str, Any] = {"min_length": 1} if spec.required else {}
    if found is not None and getattr(found, "max_length", None):
        limits["max_length"] = found.max_length
    return limits


def _branches(schema: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    """The alternatives of `schema` (pydantic writes a Decimal as a number or its text) of JSON type `kind`."""
    return [b for b in schema.get("anyOf", [schema]) if b.get("type") == kind]


def _positive_amount(whole_digits: int | None, *, zero: bool = False) -> Callable[[dict[str, Any]], None]:
    """An amount (Kind.DECIMAL) is positive (or, with `zero`, at least 0) and fits its column: as a number,
    above 0 and below 10 to the power of the column's whole digits; as a text, a plain decimal number that says
    the same (pydantic reads an empty text as no number: "" is refused)."""
    digits = f"{{0,{whole_digits - 1}}}" if whole_digits else "*"
    nought = r"|0+(\.0*)?|0*\.0+" if zero else ""
    text = rf"^\s*\+?(0*[1-9]\d{digits}(\.\d*)?|0*\.0*[1-9]\d*{nought})\s*$"

    def state(schema: dict[str, Any]) -> None:
        for number in _branches(schema, "number"):
            if zero:
                number["minimum"] = 0
            else:
                number["exclusiveMinimum"] = 0
            if whole_digits:
                number["exclusiveMaximum"] = 10**whole_digits
        for string in _branches(schema, "string"):
            string["pattern"] = text

    return state


#: A share (Kind.SHARE) from 0 to 1, or as a text that number or a percentage from 0% to 100% (an empty
#: text is no share).
_SHARE_TEXT = r"^\s*(0*(0(\.\d*)?|\.\d+|1(\.0*)?)|0*(\d{1,2}(\.\d*)?|\.\d+|100(\.0*)?)\s*%)?\s*$"


def _share(schema: dict[str, Any]) -> None:
    for number in _branches(schema, "number"):
        number["minimum"], number["maximum"] = 0, 1
    for string in _branches(schema, "string"):
        string["pattern"] = _SHARE_TEXT


def input_fields(model: ModelSpec, *, partial: bool = False) -> Callable[[type[S]], type[S]]:
    """Add the spec's `input` fields to the decorated schema: all optional (`partial`, a null clears an
    optional field, never a required one), or else the `required` ones made required (decorate a subclass
    of the partial one); texts state their length limits."""

    def decorate(cls: type[S]) -> type[S]:
        annotations: dict[str, Any] = {}
        values: dict[str, Any] = {}
        for spec in model.inputs:
            kind_type = _type(spec, _INPUT_TYPES)
            options: dict[str, Any] = _limits(model, spec)
            if spec.input_help:
                options["description"] = spec.input_help
            if partial:
                annotations[spec.name] = kind_type if spec.required else kind_type | None
                values[spec.name] = Field(None, **options)
            elif spec.required:
                annotations[spec.name] = kind_type
                values[spec.name] = Field(..., **options)
        return _subclass(cls, annotations, values)

    return decorate


def input_data(payload: Schema) -> dict[str, Any]:
    """The fields the caller sent (an explicit null included), enumerations as their values."""
    data = payload.dict(exclude_unset=True)
    return {k: (v.value if isinstance(v, enum.Enum) else v) for k, v in data.items()}
