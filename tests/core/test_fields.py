"""The field specification kit: a model's fields declared once, the fronts' lists derived from it."""

import pytest
from django.core.exceptions import FieldDoesNotExist
from ninja import Schema

from accord.core.fields import FieldSpec, Kind, ModelSpec
from accord.core.fieldschemas import input_fields, output_fields
from accord.core.models import Organization


def _spec(*extra):
    return ModelSpec(Organization, key="slug", fields=(
        FieldSpec("slug", Kind.TEXT, input=False, help="The address"),
        FieldSpec("name", Kind.TEXT, required=True, input_help="Shown everywhere"),
        FieldSpec("timezone", Kind.TEXT, label="Time zone"),
        *extra,
    ))


def test_a_new_field_is_one_entry_and_appears_in_every_derived_list():
    before = _spec()
    after = _spec(FieldSpec("currency", Kind.TEXT, section="money"))
    assert set(after.input_names) - set(before.input_names) == {"currency"}
    assert set(after.audited) - set(before.audited) == {"currency"}
    assert set(after.column_names) - set(before.column_names) == {"currency"}
    assert after.section("money") == ("currency",)

    @input_fields(after, partial=True)
    class OrgPatch(Schema):
        pass

    @output_fields(after)
    class OrgOut(Schema):
        pass

    assert "currency" in OrgPatch.model_json_schema()["properties"]
    assert "currency" in OrgOut.model_json_schema()["properties"]


def test_the_export_puts_the_key_first_then_the_imported_then_the_read_only_columns():
    spec = _spec(FieldSpec("two_factor_required", Kind.BOOLEAN, input=False))
    assert spec.column_names == ("slug", "name", "timezone", "two_factor_required")
    assert spec.ignored_columns == ("two_factor_required",)


def test_schemas_carry_the_descriptions_required_fields_and_read_along_the_path():
    spec = _spec(FieldSpec("label", Kind.TEXT, source="name", input=False, audited=False))

    @input_fields(spec, partial=True)
    class OrgPatch(Schema):
        """Some fields."""

    @input_fields(spec)
    class OrgCreate(OrgPatch):
        pass

    @output_fields(spec)
    class OrgOut(Schema):
        pass

    create = OrgCreate.model_json_schema()
    assert create["required"] == ["name"]
    assert create["properties"]["name"]["description"] == "Shown everywhere"
    assert OrgPatch.model_json_schema()["description"] == "Some fields."
    out = OrgOut.model_json_schema()
    assert out["properties"]["slug"]["description"] == "The address"
    org = Organization(slug="acme", name="Acme Ltd", timezone="UTC")
    assert OrgOut.from_orm(org).label == "Acme Ltd"


@pytest.mark.parametrize(("fields", "error", "message"), [
    ((FieldSpec("name", Kind.TEXT), FieldSpec("name", Kind.TEXT)), ValueError, "the field 'name' is specified twice"),
    ((FieldSpec("colour", Kind.TEXT),), FieldDoesNotExist, "Organization has no field named 'colour'"),
    ((FieldSpec("name", Kind.CHOICE),), ValueError, "a choice field needs its `choices`"),
])
def test_a_wrong_spec_fails_when_it_is_declared(fields, error, message):
    with pytest.raises(error, match=message):
        ModelSpec(Organization, fields=fields)
