"""OSCAL out: the controls library as a component-definition that validates against the OSCAL models
(compliance-trestle's), each control that is not retired a component implementing the requirements it is
linked to, one control implementation per framework; stable UUIDs; the catalog's own ids for requirements
imported from OSCAL, tokens for the others; another organisation's controls never in it."""

from __future__ import annotations

import json

import pytest
from trestle.oscal.component import ComponentDefinition

from accord.compliance import services, services_controls
from accord.compliance.models import Requirement
from accord.compliance.oscal.export import control_id
from tests.compliance.routes import framework_document

pytestmark = pytest.mark.django_db


def _get(client, org, persona, path):
    return client.get(f"/api/v1/orgs/{org.slug}/oscal/{path}", **persona.auth())


@pytest.fixture
def library(org_a, org_b):
    own = services.do_import_framework(None, org_a, framework_document("house", "House rules"))
    iso = services.do_install_builtin_framework(None, org_a, "iso27001-2022")
    backups = services_controls.do_create_control(None, org_a, {"name": "Offline backups", "kind": "technical",
                                                                "status": "implemented"})
    policy = services_controls.do_create_control(None, org_a, {"name": "Access policy", "kind": "policy",
                                                               "status": "in_progress"})
    services_controls.do_create_control(None, org_a, {"name": "Old firewall", "status": "retired"})
    for requirement in (Requirement.objects.for_org(org_a).get(framework=iso, ref="A.8.13"),
                        Requirement.objects.for_org(org_a).get(framework=own, ref="G1.1(a)")):
        services_controls.do_link_control_requirement(None, org_a, backups, requirement)
    services_controls.do_link_control_requirement(
        None, org_a, policy, Requirement.objects.for_org(org_a).get(framework=iso, ref="A.5.15"))
    services_controls.do_create_control(None, org_b, {"name": "Org B canary control", "status": "implemented"})
    return {"backups": backups, "policy": policy}


def test_the_controls_library_is_a_valid_component_definition(client, org_a, ciso, library):
    response = _get(client, org_a, ciso, "component-definition")
    assert response.status_code == 200
    document = response.json()
    ComponentDefinition.model_validate(document["component-definition"])  # raises on any schema breach
    components = document["component-definition"]["components"]
    assert [c["title"] for c in components] == ["C-001 Offline backups", "C-002 Access policy"]  # not the retired
    backups, policy = components
    assert (backups["type"], policy["type"]) == ("software", "policy")
    statuses = [next(p["value"] for p in c["props"] if p["name"] == "implementation-status") for c in components]
    assert statuses == ["implemented", "partial"]
    implementations = {i["props"][0]["value"]: [r["control-id"] for r in i["implemented-requirements"]]
                       for i in backups["control-implementations"]}
    assert implementations == {"house": ["G1.1_a_"], "iso27001-2022": ["A.8.13"]}
    assert "canary" not in json.dumps(document)


def test_an_export_is_stable_but_for_its_timestamp(client, org_a, ciso, library):
    first = _get(client, org_a, ciso, "component-definition").json()["component-definition"]
    again = _get(client, org_a, ciso, "component-definition").json()["component-definition"]
    first["metadata"].pop("last-modified"), again["metadata"].pop("last-modified")
    assert first == again


def test_an_empty_library_still_validates(client, org_a, ciso):
    document = _get(client, org_a, ciso, "component-definition").json()["component-definition"]
    ComponentDefinition.model_validate(document)
    assert "components" not in document


def test_a_requirement_from_an_oscal_catalog_keeps_its_catalog_id():
    assert control_id("AC-2(1)", "ac-2.1") == "ac-2.1"
    assert control_id("Art. 5(1)(a)") == "Art._5_1__a_"
    assert control_id("4.1") == "_4.1"  # an OSCAL token starts with a letter or an underscore



def test_the_cli_writes_the_same_document(org_a, library, tmp_path, capsys):
    from accord.cli import main

    out = tmp_path / "library.json"
    assert main(["control", "export", org_a.slug, "--out", str(out)]) == 0
    document = json.loads(out.read_text())
    ComponentDefinition.model_validate(document["component-definition"])
    assert [c["title"] for c in document["component-definition"]["components"]] == [
        "C-001 Offline backups", "C-002 Access policy"]
    assert "as OSCAL" in capsys.readouterr().out
