"""The risk's field specification is the one list: every front's list of fields is derived from it and
they agree (API schemas, service input, audit trail, export and import columns, the form)."""

import csv
import io

import pytest

from accord.api import api
from accord.risks import services
from accord.risks.fields import RISK
from accord.risks.forms import SECTIONS, RiskForm
from accord.risks.io import COLUMNS, READ_ONLY_COLUMNS, REQUIRED_COLUMNS, export_register
from accord.risks.services.register import AUDITED_RISK_FIELDS, RISK_FIELDS, clean_risk_input


@pytest.fixture(scope="module")
def schemas():
    return api.get_openapi_schema()["components"]["schemas"]


def _inputs():
    return [spec.name for spec in RISK if spec.input]


def test_every_input_field_is_in_the_service_input_the_api_inputs_the_export_the_form_and_one_section(schemas):
    patch, create = schemas["RiskPatch"]["properties"], schemas["RiskCreate"]["properties"]
    sectioned = [name for fields in SECTIONS.values() for name in fields]
    for name in _inputs():
        assert name in RISK_FIELDS
        assert name in patch and name in create, name
        assert name in COLUMNS and name in RISK.import_columns and name not in READ_ONLY_COLUMNS, name
        assert name in RiskForm.base_fields, name
        assert sectioned.count(name) == 1, name
    assert list(patch) == list(create) == list(RISK_FIELDS) == _inputs()
    assert sorted(sectioned) == sorted(RISK_FIELDS)


def test_every_stored_field_is_audited_by_its_model_name():
    for spec in RISK:
        if spec.input:
            assert spec.attr in AUDITED_RISK_FIELDS, spec.name
    assert "inherent_likelihood" in AUDITED_RISK_FIELDS and "likelihood" not in AUDITED_RISK_FIELDS
    assert {"inherent_level", "residual_level"} <= set(AUDITED_RISK_FIELDS)
    assert not {"ref", "id", "above_tolerance", "accepted", "created_at", "updated_at"} & set(AUDITED_RISK_FIELDS)


def test_the_api_output_lists_the_output_fields_in_the_spec_order_nullable_where_the_model_is(schemas):
    out = schemas["RiskOut"]
    # After them, the systems the portfolio's links give the risk (not a field of the risk's own).
    assert list(out["properties"]) == [*(spec.name for spec in RISK if spec.output), "systems"]
    assert out["required"] == list(out["properties"])
    for spec in RISK.outputs:
        prop = out["properties"][spec.name]
        nullable = any(t.get("type") == "null" for t in prop.get("anyOf", []))
        assert nullable == RISK.nullable(spec), spec.name
        assert prop.get("description", "") == spec.help, spec.name


def test_the_required_fields_are_required_on_create_and_in_the_import_header(schemas):
    assert schemas["RiskCreate"]["required"] == list(RISK.required_names) == list(REQUIRED_COLUMNS)
    assert "required" not in schemas["RiskPatch"]


def test_the_export_header_is_ref_then_the_imported_columns_then_the_computed_ones(org_a, ciso):
    services.do_create_risk(ciso.user, org_a, {"title": "t", "category": "privacy", "likelihood": 1, "impact": 1})
    content, _, _ = export_register(org_a, None, "csv")
    header = next(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert tuple(header) == COLUMNS == ("ref", *RISK_FIELDS, *READ_ONLY_COLUMNS)
    assert READ_ONLY_COLUMNS == ("inherent_level", "residual_level", "above_tolerance", "ale", "p90")


def test_the_api_export_and_form_read_the_same_values_of_a_risk(client, org_a, ciso, cio):
    risk = services.do_create_risk(ciso.user, org_a, {
        "title": "Payroll fraud", "category": "financial", "owner": cio.user.email, "likelihood": 3, "impact": 4,
        "tags": ["a", "b"], "treatment_due": "2031-01-31", "loss_low": "1000", "loss_high": "90000",
        "frequency_low": "0.1", "frequency_high": "2"})
    body = client.get(f"/api/v1/orgs/org-a/risks/{risk.pk}/", **ciso.auth()).json()
    content, _, _ = export_register(org_a, None, "csv")
    row = next(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert body["category"] == row["category"] == "financial"
    assert body["owner"] == row["owner"] == cio.user.email
    assert body["likelihood"] == int(row["likelihood"]) == 3
    assert "; ".join(body["tags"]) == row["tags"] == "a; b"
    assert body["treatment_due"] == row["treatment_due"] == "2031-01-31"
    assert body["frequency_low"] == "0.1000" and row["frequency_low"] == "0.1000"
    assert body["ref"] == row["ref"] == "R-001"


def test_the_service_parses_every_input_field_into_its_model_field(org_a, ciso):
    data = {"title": "t", "description": "d", "category": "privacy", "owner": ciso.user.email, "raised_by": "dpo",
            "affected_assets": "CRM; ERP", "causes": "c", "consequences": "q", "likelihood": "2", "impact": 3,
            "residual_likelihood": "", "residual_impact": 1, "treatment": "avoid", "treatment_plan": "p",
            "treatment_owner": "", "treatment_due": "2030-01-02", "status": "assessed", "next_review": "",
            "tags": ["x"], "frequency_low": "0.5", "frequency_high": "3", "loss_low": "10", "loss_high": "20",
            "fair": ""}
    assert set(data) == set(RISK_FIELDS)
    values = clean_risk_input(org_a, data)
    assert set(values) == {RISK.model_name(name) for name in RISK_FIELDS}
    assert values["inherent_likelihood"] == values["residual_likelihood"] == 2
    assert values["affected_assets"] == ["CRM", "ERP"] and values["owner"] == ciso.membership
    assert values["fair"] is None
