"""Mapping sets: the built-in ISO/IEC 27001 → NIST CSF set comes with its second framework, a set imports from
a file (every problem named, unknown ids included), deletes whole, and a requirement reads its mapped
requirements from both sides, on the selectors, the API and the CLI."""

import copy
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accord.cli import main
from accord.compliance import mappingfile, selectors, selectors_mappings, services, services_mappings
from accord.compliance.models_mappings import Mapping, MappingSet
from accord.core.audit import verify_chain
from accord.core.conflict import Conflict
from accord.core.models import AuditEvent
from tests.compliance.routes import framework_document

BUILTIN = "iso27001-2022--nist-csf-2.0"


def _set_events(org):
    return list(AuditEvent.objects.for_org(org).filter(object_type="compliance.mappingset").order_by("seq"))


def _two_frameworks(org):
    services.do_import_framework(None, org, framework_document("left", "Left"))
    services.do_import_framework(None, org, framework_document("right", "Right"))


def _document(**changes):
    doc = {"accord_mapping": 1, "key": "left--right", "name": "Left to right", "description": "Tests",
           "source_framework": "left", "target_framework": "right", "mappings": [
               {"source": "G1.2", "target": "G2.2", "relationship": "equivalent", "strength": 1},
               {"source": "G1.3", "target": "G2.2", "relationship": "subset", "strength": 0.5},
               {"source": "G1.3", "target": "G2.3", "relationship": "intersects", "strength": 0.25}]}
    doc.update(changes)
    return doc


def test_the_builtin_set_is_installed_when_its_second_framework_is(org_a, ciso):
    services.do_install_builtin_framework(ciso.user, org_a, "iso27001-2022")
    assert not MappingSet.objects.for_org(org_a).exists()
    services.do_install_builtin_framework(ciso.user, org_a, "nist-csf-2.0")
    (installed,) = selectors_mappings.mapping_sets(org_a)
    assert (installed.key, installed.builtin, installed.source_framework.key, installed.target_framework.key) == (
        BUILTIN, BUILTIN, "iso27001-2022", "nist-csf-2.0")
    document = mappingfile.builtin_document(BUILTIN)
    assert installed.pair_count == len(document["mappings"])
    stored = {(p.source.ref, p.target.ref, p.relationship, p.strength)
              for p in selectors_mappings.pairs(org_a, installed)}
    assert stored == {(p["source"], p["target"], p["relationship"], Decimal(str(p["strength"])))
                      for p in document["mappings"]}
    (event,) = _set_events(org_a)
    assert (event.action, event.actor_id) == ("import", ciso.user.pk)
    assert event.changes["pairs"] == [None, len(document["mappings"])]
    assert verify_chain(org_a).ok


def test_installing_the_builtin_sets_again_changes_nothing(org_a):
    services.do_install_builtin_framework(None, org_a, "nist-csf-2.0")
    services.do_install_builtin_framework(None, org_a, "iso27001-2022")
    assert MappingSet.objects.for_org(org_a).count() == 1
    assert services_mappings.do_install_builtin_mapping_sets(None, org_a) == []
    assert len(_set_events(org_a)) == 1


def test_frameworks_installed_before_get_their_set_from_the_command(org_a, capsys):
    # As for an organisation whose two frameworks were installed before mapping sets existed.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services_mappings, "do_install_builtin_mapping_sets", lambda *a, **k: [])
        services.do_install_builtin_framework(None, org_a, "iso27001-2022")
        services.do_install_builtin_framework(None, org_a, "nist-csf-2.0")
    assert not MappingSet.objects.for_org(org_a).exists()
    assert main(["mapping", "builtin", "org-a"]) == 0
    assert f"installed {BUILTIN}" in capsys.readouterr().out
    assert main(["mapping", "builtin", "--all"]) == 0
    assert "nothing to install" in capsys.readouterr().out
    assert MappingSet.objects.for_org(org_a).count() == 1


def test_a_set_someone_deleted_does_not_come_back_with_an_unrelated_framework(org_a, ciso):
    services.do_install_builtin_framework(None, org_a, "iso27001-2022")
    services.do_install_builtin_framework(None, org_a, "nist-csf-2.0")
    services_mappings.do_delete_mapping_set(ciso.user, org_a, selectors_mappings.access_mapping_set(org_a, BUILTIN))
    services.do_install_builtin_framework(None, org_a, "gdpr")
    assert not MappingSet.objects.for_org(org_a).exists()


def test_a_framework_of_ones_own_under_a_builtin_key_gets_no_builtin_set(org_a):
    services.do_install_builtin_framework(None, org_a, "iso27001-2022")
    services.do_import_framework(None, org_a, framework_document("nist-csf-2.0", "Own CSF"))
    assert not MappingSet.objects.for_org(org_a).exists()
    assert services_mappings.missing_builtin_sets(org_a) == []


def test_an_import_stores_the_pairs_with_one_audit_event(org_a, ciso):
    _two_frameworks(org_a)
    made = services_mappings.do_import_mapping_set(ciso.user, org_a, _document())
    assert [(p.source.ref, p.target.ref, p.relationship, p.strength) for p in selectors_mappings.pairs(org_a, made)] \
        == [("G1.2", "G2.2", "equivalent", Decimal("1.000")), ("G1.3", "G2.2", "subset", Decimal("0.500")),
            ("G1.3", "G2.3", "intersects", Decimal("0.250"))]
    (event,) = _set_events(org_a)
    assert event.changes == {"key": [None, "left--right"], "name": [None, "Left to right"], "builtin": [None, None],
                             "source_framework": [None, "left@1"], "target_framework": [None, "right@1"],
                             "pairs": [None, 3]}


def test_a_refused_file_names_every_problem_unknown_ids_included_and_writes_nothing(org_a, ciso):
    _two_frameworks(org_a)
    doc = _document(key="Left To Right")
    doc["mappings"] += [
        {"source": "G9.9", "target": "G2.2", "relationship": "equivalent", "strength": 0.5},
        {"source": "G1.2", "target": "NOPE", "relationship": "same", "strength": 0},
        {"source": "G1.2", "target": "G2.2", "relationship": "subset", "strength": 0.4, "colour": "red"}]
    with pytest.raises(ValidationError, match="no requirement") as exc:
        services_mappings.do_import_mapping_set(ciso.user, org_a, doc)
    assert exc.value.message_dict == {
        "key": ['"Left To Right" is not a key: use lowercase letters, digits, "-" and "." (starting with a letter '
                'or digit), e.g. "iso27001-2022--nist-csf-2.0"'],
        "mappings[3].source": ['no requirement "G9.9" in left'],
        "mappings[4].target": ['no requirement "NOPE" in right'],
        "mappings[4].relationship": ['"same" is not known; one of: equivalent, subset, superset, intersects'],
        "mappings[4].strength": ["0 is not in (0, 1]: above 0 (at least 0.001), at most 1"],
        "mappings[5].colour": ["unknown field; a pair has: source, target, relationship, strength"],
        "mappings[5]": ['the pair "G1.2" → "G2.2" appears twice (first at mappings[0])']}
    assert not MappingSet.objects.for_org(org_a).exists() and not _set_events(org_a)


def test_a_set_names_frameworks_the_organisation_has(org_a, org_b, ciso):
    _two_frameworks(org_b)
    with pytest.raises(ValidationError, match="is imported here") as exc:
        services_mappings.do_import_mapping_set(ciso.user, org_a, _document(target_framework="left"))
    assert exc.value.message_dict["source_framework"] == [
        'no framework "left" is imported here; import it first (imported: (none yet))']
    assert exc.value.message_dict["target_framework"][-1] == (
        '"left" is the source framework too; a set joins two frameworks')


def test_a_set_between_a_framework_and_itself_is_refused_however_it_is_named(org_a, ciso):
    _two_frameworks(org_a)
    with pytest.raises(ValidationError, match="the source framework too") as exc:
        services_mappings.do_import_mapping_set(ciso.user, org_a, _document(target_framework="left@1"))
    assert list(exc.value.message_dict) == ["target_framework"]


def test_a_key_imported_twice_is_a_conflict_and_a_deleted_set_leaves_its_event(org_a, ciso):
    _two_frameworks(org_a)
    made = services_mappings.do_import_mapping_set(ciso.user, org_a, _document())
    with pytest.raises(Conflict, match="already here"):
        services_mappings.do_import_mapping_set(ciso.user, org_a, _document())
    services_mappings.do_delete_mapping_set(ciso.user, org_a, made)
    assert not MappingSet.objects.for_org(org_a).exists() and not Mapping.objects.for_org(org_a).exists()
    deleted = _set_events(org_a)[-1]
    assert (deleted.action, deleted.changes["pairs"]) == ("delete", [3, None])
    assert verify_chain(org_a).ok
    services_mappings.do_import_mapping_set(ciso.user, org_a, _document())  # and it imports again


def test_a_requirement_reads_its_mapped_requirements_from_both_sides(org_a):
    _two_frameworks(org_a)
    services_mappings.do_import_mapping_set(None, org_a, _document())
    right = selectors.access_framework(org_a, "right")
    target = selectors_mappings.access_requirement(org_a, right, "G2.2")
    seen = [(m.requirement.ref, m.relationship, m.strength, m.as_source)
            for m in selectors_mappings.requirement_mappings(org_a, target)]
    assert seen == [("G1.2", "equivalent", Decimal("1.000"), False), ("G1.3", "superset", Decimal("0.500"), False)]
    source = selectors_mappings.access_requirement(org_a, selectors.access_framework(org_a, "left"), "G1.3")
    assert [(m.requirement.ref, m.relationship) for m in selectors_mappings.requirement_mappings(org_a, source)] == [
        ("G2.2", "subset"), ("G2.3", "intersects")]


def test_the_database_refuses_strengths_outside_0_1_and_a_pair_twice(org_a):
    _two_frameworks(org_a)
    made = services_mappings.do_import_mapping_set(None, org_a, _document())
    pair = Mapping.objects.for_org(org_a).filter(mapping_set=made).first()
    for strength, constraint in ((Decimal(0), "mapping_strength_0_1"), (Decimal("1.5"), "mapping_strength_0_1")):
        with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
            Mapping.objects.for_org(org_a).filter(pk=pair.pk).update(strength=strength)
    with pytest.raises(IntegrityError, match="mapping_relationship_known"), transaction.atomic():
        Mapping.objects.for_org(org_a).filter(pk=pair.pk).update(relationship="same")
    twice = r"mapping_pair_unique|compliance_mapping\.mapping_set_id, compliance_mapping\.source_id"
    with pytest.raises(IntegrityError, match=twice), transaction.atomic():
        Mapping.objects.for_org(org_a).create(organization=org_a, mapping_set=made, source=pair.source,
                                              target=pair.target, relationship="subset", strength=Decimal("0.2"))


# --- the API and the CLI ---------------------------------------------------------------------------------------

def _api(client, persona, method, path, body=None):
    kwargs = {"data": json.dumps(body), "content_type": "application/json"} if body is not None else {}
    return getattr(client, method)(f"/api/v1/orgs/org-a/{path}", **kwargs, **persona.auth())


def test_the_api_imports_lists_reads_and_deletes_a_set(client, org_a, ciso, viewer):
    _two_frameworks(org_a)
    made = _api(client, ciso, "post", "mappings/", _document())
    assert made.status_code == 201, made.content
    assert made.json()["pair_count"] == 3 and made.json()["source_framework"] == "left@1"
    assert _api(client, ciso, "post", "mappings/", _document()).status_code == 409
    listed = _api(client, viewer, "get", "mappings/").json()
    assert [(s["key"], s["target_framework"], s["builtin"]) for s in listed["items"]] == [
        ("left--right", "right@1", None)]
    detail = _api(client, viewer, "get", "mappings/left--right/").json()
    assert detail["mappings"][1] == {"source": "G1.3", "target": "G2.2", "relationship": "subset", "strength": 0.5}
    mapped = _api(client, viewer, "get", "frameworks/right/requirements/G2.2/mappings/").json()
    assert [(m["framework"], m["id"], m["relationship"], m["side"]) for m in mapped] == [
        ("left@1", "G1.2", "equivalent", "target"), ("left@1", "G1.3", "superset", "target")]
    assert _api(client, viewer, "get", "frameworks/right/requirements/G9/mappings/").status_code == 404
    assert _api(client, viewer, "delete", "mappings/left--right/").status_code == 403
    assert _api(client, ciso, "delete", "mappings/left--right/").status_code == 204
    assert _api(client, viewer, "get", "mappings/left--right/").status_code == 404


def test_the_api_installs_a_builtin_set_and_names_every_problem_of_a_document(client, org_a, ciso):
    services.do_install_builtin_framework(None, org_a, "iso27001-2022")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services_mappings, "do_install_builtin_mapping_sets", lambda *a, **k: [])
        services.do_install_builtin_framework(None, org_a, "nist-csf-2.0")
    assert _api(client, ciso, "post", "mappings/", {"builtin": BUILTIN}).status_code == 201
    mixed = _api(client, ciso, "post", "mappings/", {"builtin": BUILTIN, "key": "x"})
    assert mixed.status_code == 422 and mixed.json()["errors"][0]["field"] == "key"
    bad = copy.deepcopy(mappingfile.builtin_document(BUILTIN))
    bad["key"], bad["mappings"][0]["target"] = "other", "XX-99"
    refused = _api(client, ciso, "post", "mappings/", bad)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "mappings[0].target",
                                         "message": 'no requirement "XX-99" in nist-csf-2.0'}]


def test_the_cli_imports_and_lists_sets(org_a, tmp_path, capsys):
    _two_frameworks(org_a)
    path = tmp_path / "set.json"
    path.write_text(json.dumps(_document()), encoding="utf-8")
    assert main(["mapping", "import", "org-a", str(path)]) == 0
    assert "imported left--right (Left to right) into org-a: 3 pairs" in capsys.readouterr().out
    assert main(["mapping", "list", "org-a"]) == 0
    assert capsys.readouterr().out == "left--right\tleft@1 → right@1\t3\tLeft to right\n"
    path.write_text(json.dumps(_document(key="two", source_framework="nope")), encoding="utf-8")
    assert main(["mapping", "import", "org-a", str(path)]) == 1
    err = capsys.readouterr().err
    assert 'source_framework: no framework "nope" is imported here' in err and "nothing was imported" in err


# --- the requirement page ----------------------------------------------------------------------------------------

def test_the_requirement_page_shows_its_mapped_requirements_read_from_it(client, org_a, viewer):
    services.do_install_builtin_framework(None, org_a, "iso27001-2022")
    services.do_install_builtin_framework(None, org_a, "nist-csf-2.0")
    client.force_login(viewer.user)
    tree = client.get("/o/org-a/compliance/frameworks/iso27001-2022/").content.decode()
    assert 'href="/o/org-a/compliance/frameworks/iso27001-2022@2022/requirements/A.5.3/"' in tree
    page = client.get("/o/org-a/compliance/frameworks/iso27001-2022@2022/requirements/A.5.3/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Mapped requirements" in text and "PR.AA-05" in text
    assert "asks less (subset): the other covers all of it" in text  # A.5.3 is a subset of PR.AA-05
    csf = client.get("/o/org-a/compliance/frameworks/nist-csf-2.0/requirements/PR.AA-05/").content.decode()
    assert "A.5.3" in csf and "asks more (superset): it covers all of the other" in csf
    assert client.get("/o/org-a/compliance/frameworks/nist-csf-2.0/requirements/XX-1/").status_code == 404


def test_a_requirement_id_with_a_slash_has_its_page(client, org_a, viewer):
    doc = framework_document("slashed", "Slashed")
    doc["groups"][1]["requirements"][1]["id"] = "G2/2"
    services.do_import_framework(None, org_a, doc)
    client.force_login(viewer.user)
    assert 'requirements/G2/2/"' in client.get("/o/org-a/compliance/frameworks/slashed/").content.decode()
    page = client.get("/o/org-a/compliance/frameworks/slashed/requirements/G2/2/")
    assert page.status_code == 200 and "No mapping set relates this requirement" in page.content.decode()


def test_the_mapping_set_pages_list_the_sets_and_a_set_s_pairs_with_links_to_both_ends(client, org_a, viewer):
    client.force_login(viewer.user)
    empty = client.get("/o/org-a/compliance/mappings/").content.decode()
    assert "No mapping set yet" in empty and "accord mapping builtin org-a" in empty
    _two_frameworks(org_a)
    services_mappings.do_import_mapping_set(None, org_a, _document())
    assert 'href="/o/org-a/compliance/mappings/"' in client.get("/o/org-a/compliance/frameworks/").content.decode()
    listed = client.get("/o/org-a/compliance/mappings/").content.decode()
    assert 'href="/o/org-a/compliance/mappings/left--right/"' in listed and "Left (1)" in listed
    page = client.get("/o/org-a/compliance/mappings/left--right/").content.decode()
    assert "From Left (1) to Right (1): 3 pairs" in page
    assert 'href="/o/org-a/compliance/frameworks/left@1/requirements/G1.3/"' in page
    assert 'href="/o/org-a/compliance/frameworks/right@1/requirements/G2.3/"' in page and "Intersects" in page
    assert client.get("/o/org-a/compliance/mappings/nope/").status_code == 404
