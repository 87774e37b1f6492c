"""OSCAL documents imported into an organisation: a catalog on its own, a profile resolved against a framework
imported before (`--against KEY` on the CLI, `?against=KEY` on `oscal/import`), with every control id the
framework lacks named and nothing written."""

from __future__ import annotations

import json

import pytest

from accord.cli import main
from accord.compliance import importing, oscal, selectors
from accord.compliance.models import Framework, Requirement
from tests.compliance.test_oscal import HIGH, authored_catalog, authored_profile, nist

CATALOG_KEY = "harbour-works-control-set"


def _profile(*, with_unknowns: bool = False) -> dict:
    """The authored profile without its alter aimed at a statement item (an imported framework keeps a
    statement as one text); it still removes and adds a guidance part and sets two parameters."""
    profile = authored_profile(with_unknowns=with_unknowns)
    del profile["profile"]["modify"]["alters"][1]
    return profile


def _api(client, persona, document, query=""):
    return client.post(f"/api/v1/orgs/org-a/oscal/import{query}", data=json.dumps(document),
                       content_type="application/json", **persona.auth())


def _stored(org, ref):
    framework = selectors.access_framework(org, ref)
    return {r.ref: r for r in Requirement.objects.for_org(org).filter(framework=framework)}


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _check_resolved_profile(org):
    rows = _stored(org, "harbour-works-baseline")
    assert [r.oscal_id for r in sorted(rows.values(), key=lambda r: r.position)] == ["hw-1", "hw-1.1", "hw-2", "pe-1.1"]
    assert rows["HW-1(1)"].parent == rows["HW-1"]
    assert rows["HW-2"].assessable is False and rows["HW-2"].description == "Withdrawn. Incorporated into HW-1."
    assert rows["HW-1"].description.splitlines()[0] == "a. Inspect each crane every month;"
    assert "[Selection (one or more): a certified inspector; the crane's operator after [Assignment: " \
           "organization-defined time period] of training]:" in rows["HW-1"].description
    assert rows["HW-1(1)"].description == "Load-test each crane [Selection (one or more): yearly; after each repair]."
    assert rows["HW-1"].guidance == "Our cranes are old; inspect closely."
    assert rows["HW-1"].parameters[0]["values"] == ["every month"]
    assert [r.group.ref for r in sorted(rows.values(), key=lambda r: r.position)] == ["HW", "HW", "HW", "PE"]


def test_the_api_imports_a_catalog_then_a_profile_against_it(client, org_a, ciso):
    response = _api(client, ciso, authored_catalog())
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["ref"], body["requirement_count"], body["assessable_count"]) == (f"{CATALOG_KEY}@3", 8, 7)
    catalog_rows = _stored(org_a, CATALOG_KEY)
    assert catalog_rows["HW-3"].group.parent.ref == "HW"  # the nested group kept
    response = _api(client, ciso, _profile(), f"?against={CATALOG_KEY}@3")
    assert response.status_code == 201, response.content
    assert (response.json()["ref"], response.json()["requirement_count"]) == ("harbour-works-baseline@1", 4)
    _check_resolved_profile(org_a)
    # The same profile resolved against the catalog itself gives the same tree.
    direct = oscal.to_framework(_profile(), against=authored_catalog())
    again = selectors.framework_document(org_a, selectors.access_framework(org_a, "harbour-works-baseline"))
    assert again["groups"] == json.loads(json.dumps(direct["groups"]))


def test_the_api_names_every_missing_control_and_writes_nothing(client, org_a, ciso):
    assert _api(client, ciso, authored_catalog()).status_code == 201
    response = _api(client, ciso, _profile(with_unknowns=True), f"?against={CATALOG_KEY}")
    assert response.status_code == 422, response.content
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["profile"] == "the catalog 'Harbour Works Control Set' has no control zz-9, qq-1 (2 ids)"
    assert errors["profile.modify.set-parameters"].endswith("has no parameter zz-9_prm_1 (1 ids)")
    assert list(Framework.objects.for_org(org_a).values_list("key", flat=True)) == [CATALOG_KEY]


def test_the_api_refuses_a_profile_without_a_catalog_or_against_an_unknown_framework(client, org_a, ciso, viewer):
    response = _api(client, ciso, _profile())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "against"
    response = _api(client, ciso, _profile(), "?against=nothing-here")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "against", "message": "No framework 'nothing-here' is imported "
                                          "here; give key or key@version of one of: (none yet)."}]
    assert _api(client, viewer, authored_catalog()).status_code == 403
    assert _api(client, ciso, ["not", "an", "object"]).status_code == 422
    assert not Framework.objects.for_org(org_a).exists()


def test_an_alter_on_a_statement_item_is_named_against_an_imported_framework(client, org_a, ciso):
    assert _api(client, ciso, authored_catalog()).status_code == 201
    response = _api(client, ciso, authored_profile(), f"?against={CATALOG_KEY}")
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "profile.modify.alters[hw-1].adds.by-id",
                                          "message": "the control has no part 'hw-1_smt.a'"}]


def test_another_organisations_framework_is_not_there_to_resolve_against(client, org_a, org_b, ciso):
    importing.do_import_oscal(None, org_b, authored_catalog())
    response = _api(client, ciso, _profile(), f"?against={CATALOG_KEY}")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "against"


def test_the_cli_imports_a_catalog_then_a_profile_against_it_and_names_missing_ids(org_a, capsys, tmp_path):
    catalog, profile, bad = tmp_path / "catalog.json", tmp_path / "profile.json", tmp_path / "bad.json"
    catalog.write_text(json.dumps(authored_catalog()), encoding="utf-8")
    profile.write_text(json.dumps(_profile()), encoding="utf-8")
    bad.write_text(json.dumps(_profile(with_unknowns=True)), encoding="utf-8")
    code, out, err = run(capsys, "framework", "import", "org-a", str(catalog))
    assert code == 0, err
    assert out == f"imported {CATALOG_KEY}@3 (Harbour Works Control Set) into org-a: 8 requirements, 7 assessable\n"
    code, out, err = run(capsys, "framework", "import", "org-a", str(bad), "--against", CATALOG_KEY)
    assert code == 1
    assert err.splitlines()[-3:] == [
        "profile: the catalog 'Harbour Works Control Set' has no control zz-9, qq-1 (2 ids)",
        "profile.modify.set-parameters: the catalog 'Harbour Works Control Set' has no parameter zz-9_prm_1 (1 ids)",
        f"accord: error: {bad}: not an OSCAL profile Accord can import (2 problem(s)); nothing was imported"]
    code, _, err = run(capsys, "framework", "import", "org-a", str(profile), "--against", "nope")
    assert code == 1 and "--against: No framework 'nope' is imported here" in err
    assert f"{CATALOG_KEY}@3" in err
    code, out, err = run(capsys, "framework", "import", "org-a", str(profile), "--against", f"{CATALOG_KEY}@3",
                         "--progress")
    assert code == 0, err
    assert out == ("imported harbour-works-baseline@1 (Harbour Works Baseline) into org-a: 4 requirements, "
                   "3 assessable\n")
    assert "writing [" in err and "100.0%" in err
    _check_resolved_profile(org_a)
    code, out, err = run(capsys, "framework", "import", "org-a", str(profile), "--against", CATALOG_KEY,
                         "--key", "harbour-lite")
    assert code == 0 and out.startswith("imported harbour-lite@1 "), err


@pytest.mark.parametrize(("level", "count"), [("LOW", 149), ("MODERATE", 287)])
def test_nist_baselines_resolved_against_the_imported_high_catalog_give_nists_own_sets(
        org_a, capsys, tmp_path, level, count):
    high = nist(HIGH)
    profile = nist(f"NIST_SP-800-53_rev5_{level}-baseline_profile-min.json")
    resolved = nist(f"NIST_SP-800-53_rev5_{level}-baseline-resolved-profile_catalog-min.json")
    importing.do_import_oscal(None, org_a, high, key="sp800-53-high")
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(profile), encoding="utf-8")
    code, _, err = run(capsys, "framework", "import", "org-a", str(path), "--against", "sp800-53-high",
                       "--key", f"sp800-53-{level.lower()}")
    assert code == 0, err
    framework = selectors.access_framework(org_a, f"sp800-53-{level.lower()}")
    ids = set(Requirement.objects.for_org(org_a).filter(framework=framework).values_list("oscal_id", flat=True))
    assert ids == {c["id"] for c in oscal.all_controls(resolved["catalog"])}
    assert len(ids) == count
    # The whole tree, texts included, is the one NIST's resolved catalog converts to.
    assert selectors.framework_document(org_a, framework)["groups"] == json.loads(json.dumps(
        oscal.to_framework(resolved)["groups"]))
