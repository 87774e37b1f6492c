"""Importing frameworks into an organisation (services), reading them (selectors), on the API and the CLI."""

import copy
import json
import sys
import types

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.cli import main
from accord.compliance import cli as compliance_cli
from accord.compliance import selectors, services
from accord.compliance.models import Framework, Group, Requirement
from accord.core.audit import verify_chain
from accord.core.conflict import Conflict
from accord.core.models import AuditEvent
from tests.compliance.routes import framework_document
from tests.conftest import signed_in

DOC = framework_document("test-fw", "Test")


def _events(org):
    return list(AuditEvent.objects.for_org(org).filter(object_type="compliance.framework"))


def test_an_import_stores_the_whole_tree_in_file_order_with_one_audit_event(org_a, ciso):
    framework = services.do_import_framework(ciso.user, org_a, DOC)
    groups = list(Group.objects.for_org(org_a).filter(framework=framework).order_by("position"))
    assert [(g.ref, g.parent.ref if g.parent else None, g.position, g.end) for g in groups] == [
        ("G1", None, 0, 7), ("G1.X", "G1", 1, 2), ("G2", None, 8, 13)]
    requirements = list(selectors.requirements(org_a, framework))
    assert [r.ref for r in requirements] == ["G1.X.1", "G1.1", "G1.1(a)", "G1.1(b)", "G1.2", "G1.3",
                                             "G2.1", "G2.1(a)", "G2.1(b)", "G2.2", "G2.3"]
    part = requirements[2]
    assert (part.group.ref, part.parent.ref, part.depth, part.assessable) == ("G1", "G1.1", 2, True)
    assert requirements[0].parameters == [{"id": "p1", "label": "Frequency", "values": ["yearly"],
                                           "choices": ["yearly", "monthly"]}]
    assert requirements[4].evidence == ["A record"]
    (event,) = _events(org_a)
    assert (event.action, event.actor_id, event.object_id) == ("import", ciso.user.pk, str(framework.pk))
    assert event.changes["requirements"] == [None, 11] and event.changes["key"] == [None, "test-fw"]
    assert verify_chain(org_a).ok


def test_a_refused_document_names_every_problem_and_writes_nothing(org_a, ciso):
    doc = copy.deepcopy(DOC)
    doc["groups"][1]["requirements"][0]["id"] = "G1.2"
    doc["groups"][0]["title"] = ""
    with pytest.raises(ValidationError, match="duplicate requirement id") as exc:
        services.do_import_framework(ciso.user, org_a, doc)
    assert exc.value.message_dict == {
        "groups[0].title": ["required (it is blank)"],
        "groups[1].requirements[0].id": ['duplicate requirement id "G1.2" (first at groups[0].requirements[1])']}
    assert not Framework.objects.for_org(org_a).exists() and not _events(org_a)


def test_the_same_version_is_never_overwritten_and_a_new_version_sits_beside_it(org_a, ciso):
    first = services.do_import_framework(ciso.user, org_a, DOC)
    with pytest.raises(Conflict, match="already imported"):
        services.do_import_framework(ciso.user, org_a, DOC)
    second = services.do_import_framework(ciso.user, org_a, {**DOC, "version": "2"})
    assert selectors.access_framework(org_a, "test-fw") == second
    assert selectors.access_framework(org_a, "test-fw@1") == first
    assert len(_events(org_a)) == 2


def test_another_organisation_may_import_the_same_framework_and_never_sees_this_one(org_a, org_b, ciso):
    services.do_import_framework(ciso.user, org_a, DOC)
    services.do_import_framework(None, org_b, DOC)
    assert Requirement.objects.for_org(org_a).count() == Requirement.objects.for_org(org_b).count() == 11
    services.do_import_framework(None, org_b, {**DOC, "key": "only-b"})
    with pytest.raises(Http404, match="No such framework"):
        selectors.access_framework(org_a, "only-b")


def test_a_builtin_framework_installs_by_key_and_an_unknown_key_lists_the_builtins(org_a, ciso):
    framework = services.do_install_builtin_framework(ciso.user, org_a, "iso27001-2022")
    listed = selectors.frameworks(org_a).get()
    assert (framework.builtin, listed.requirement_count, listed.assessable_count) == ("iso27001-2022", 127, 123)
    assert selectors.requirements(org_a, framework, selectors.RequirementFilter(group="A.5")).count() == 37
    assert selectors.requirements(org_a, framework, selectors.RequirementFilter(group="A")).count() == 93
    with pytest.raises(ValidationError, match=r"choose one of: .*iso27001-2022"):
        services.do_install_builtin_framework(ciso.user, org_a, "no-such")


def test_requirements_are_found_by_id_or_text_and_by_group_subtree(org_a, ciso):
    framework = services.do_import_framework(ciso.user, org_a, DOC)

    def refs(**filters):
        return [r.ref for r in selectors.requirements(org_a, framework, selectors.RequirementFilter(**filters))]

    assert refs(q="g2.1") == ["G2.1", "G2.1(a)", "G2.1(b)"]
    assert refs(q="nested REQUIREMENT") == ["G1.X.1"]
    assert refs(group="G1.X") == ["G1.X.1"]
    assert refs(group="G1", q="part") == ["G1.1(a)", "G1.1(b)"]
    with pytest.raises(ValidationError, match="has no group 'G9'"):
        refs(group="G9")


def _big(n_groups, per_group):
    return framework_document("big", "Big", groups=n_groups, per_group=per_group)


def test_a_nist_high_size_framework_imports_in_a_few_queries(org_a, ciso):
    doc = _big(20, 60)  # 20 groups x 60 requirements, each group's first split in two: 1,243 nodes
    with CaptureQueriesContext(connection) as ctx:
        framework = services.do_import_framework(ciso.user, org_a, doc)
    assert selectors.frameworks(org_a).get().requirement_count == 20 * 62 + 1
    # One INSERT per batch the database takes (SQLite: 999 parameters, about 60 requirements), not one per row.
    assert len(ctx.captured_queries) < 1243 / 30, len(ctx.captured_queries)
    assert framework.pk


def test_the_tree_and_a_requirement_page_take_the_same_queries_for_50_and_1000_requirements(org_a, ciso):
    small = services.do_import_framework(ciso.user, org_a, {**_big(5, 8), "key": "small"})
    large = services.do_import_framework(ciso.user, org_a, {**_big(20, 48), "key": "large"})
    counts = []
    for framework in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            tree = selectors.framework_tree(org_a, selectors.access_framework(org_a, framework.key))
            sum(len(g.requirements) for g in tree.groups)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == 3


# --- API ---
def _api(client, persona, method, path, body=None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(client, method)(f"/api/v1/orgs/org-a/{path}", **kwargs, **persona.auth())


def test_the_api_imports_a_document_and_lists_reads_and_searches_it(client, org_a, ciso, viewer):
    response = _api(client, ciso, "post", "frameworks/", DOC)
    assert response.status_code == 201, response.content
    assert response.json()["ref"] == "test-fw@1" and response.json()["requirement_count"] == 11
    listed = _api(client, viewer, "get", "frameworks/").json()
    assert [(f["ref"], f["imported_by"], f["assessable_count"]) for f in listed["items"]] == [
        ("test-fw@1", ciso.user.email, 9)]
    detail = _api(client, viewer, "get", "frameworks/test-fw/").json()
    assert [(g["id"], g["parent"]) for g in detail["groups"]] == [("G1", None), ("G1.X", "G1"), ("G2", None)]
    page = _api(client, viewer, "get", "frameworks/test-fw@1/requirements/?group=G2&q=part&limit=1").json()
    assert page.get("count") == 2, page
    assert page["items"] == [{"id": "G2.1(a)", "title": "Test part a of 2.1", "description": "Part",
                              "guidance": "", "oscal_id": "", "evidence": [], "objectives": [],
                              "assessable": True, "parameters": [],
                              "group": "G2", "parent": "G2.1", "depth": 2}]


def test_the_api_installs_a_builtin_and_refuses_duplicates_bad_documents_and_mixed_bodies(client, org_a, ciso):
    assert _api(client, ciso, "post", "frameworks/", {"builtin": "iso27001-2022"}).status_code == 201
    again = _api(client, ciso, "post", "frameworks/", {"builtin": "iso27001-2022"})
    assert again.status_code == 409 and again.json()["errors"][0]["field"] == "version"
    bad = _api(client, ciso, "post", "frameworks/", {**DOC, "groups": [{"id": "G", "title": 1}]})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [{"field": "groups[0].title", "message": "expected a text, got a number (1)"}]
    mixed = _api(client, ciso, "post", "frameworks/", {**DOC, "builtin": "iso27001-2022"})
    assert mixed.status_code == 422 and [e["field"] for e in mixed.json()["errors"]] == sorted(DOC)
    unknown = _api(client, ciso, "post", "frameworks/requirements/", None)
    assert unknown.status_code in (404, 405)


def test_only_admins_and_the_ciso_import_and_an_unknown_group_is_a_field_error(client, org_a, ciso, cio, viewer):
    assert _api(client, cio, "post", "frameworks/", DOC).status_code == 403
    assert _api(client, viewer, "post", "frameworks/", DOC).status_code == 403
    assert _api(client, ciso, "post", "frameworks/", DOC).status_code == 201
    response = _api(client, viewer, "get", "frameworks/test-fw/requirements/?group=nope")
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "group"
    assert _api(client, viewer, "get", "frameworks/test-fw@9/").status_code == 404


# --- CLI ---
def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_imports_a_file_lists_and_installs_builtins(org_a, capsys, tmp_path):
    path = tmp_path / "fw.json"
    path.write_text(json.dumps(DOC), encoding="utf-8")
    code, out, err = run(capsys, "framework", "import", "org-a", str(path))
    assert code == 0, err
    assert out == "imported test-fw@1 (Test) into org-a: 11 requirements, 9 assessable\n"
    assert "importing 3 groups and 11 requirements" in err
    assert run(capsys, "framework", "builtin", "org-a", "iso27001-2022")[0] == 0
    assert run(capsys, "framework", "list", "org-a")[1].splitlines() == [
        "iso27001-2022@2022\t127\tISO/IEC 27001:2022", "test-fw@1\t11\tTest"]
    (event,) = [e for e in _events(org_a) if e.object_repr.startswith("Test")]
    assert event.actor_label == "system"


def test_the_cli_names_every_problem_of_a_bad_file_and_imports_nothing(org_a, capsys, tmp_path):
    doc = copy.deepcopy(DOC)
    doc["key"] = "BAD"
    doc["groups"][0]["requirements"][1]["id"] = "G1.1"
    path = tmp_path / "fw.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    code, _, err = run(capsys, "framework", "import", "org-a", str(path))
    assert code == 1
    assert err.splitlines()[-3:] == [
        'key: "BAD" is not a key: use lowercase letters, digits, "-" and "." (starting with a letter or digit), '
        'e.g. "iso27001-2022"',
        'groups[0].requirements[1].id: duplicate requirement id "G1.1" (first at groups[0].requirements[0])',
        f"accord: error: {path}: 2 problem(s); nothing was imported"]
    path.write_text("{", encoding="utf-8")
    assert "not JSON" in run(capsys, "framework", "import", "org-a", str(path))[2]
    assert not Framework.objects.for_org(org_a).exists()


def test_an_oscal_document_goes_to_the_converter_or_is_refused_clearly(org_a, capsys, tmp_path, monkeypatch):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"catalog": {"uuid": "x"}}), encoding="utf-8")
    monkeypatch.setattr(compliance_cli, "OSCAL_MODULE", "accord.compliance.no_such_converter")
    code, _, err = run(capsys, "framework", "import", "org-a", str(path))
    assert code == 1 and "is an OSCAL catalog, and this Accord cannot import OSCAL yet" in err
    converter = types.ModuleType("fake_oscal")
    converter.to_framework = lambda data: {**DOC, "key": "from-oscal"}
    monkeypatch.setitem(sys.modules, "fake_oscal", converter)
    monkeypatch.setattr(compliance_cli, "OSCAL_MODULE", "fake_oscal")
    code, out, err = run(capsys, "framework", "import", "org-a", str(path))
    assert code == 0, err
    assert out.startswith("imported from-oscal@1")


def test_nists_high_catalog_imports_through_the_cli_with_the_converter(org_a, capsys):
    from tests.compliance.test_oscal import FIXTURES, HIGH

    if FIXTURES is None or not (FIXTURES / HIGH).is_file():
        pytest.skip("NIST's OSCAL fixtures are not beside the repository")
    path = FIXTURES / HIGH
    code, out, err = run(capsys, "framework", "import", "org-a", str(path))
    assert code == 0, err
    framework = selectors.frameworks(org_a).get()
    assert framework.requirement_count == int(out.split(": ")[1].split(" ")[0].replace(",", "")) > 300
    requirement = Requirement.objects.for_org(org_a).get(ref="AC-2(1)")
    assert requirement.oscal_id == "ac-2.1" and requirement.parent.ref == "AC-2"


def test_a_framework_whose_version_holds_a_slash_has_working_pages(org_a, ciso):
    gdpr = services.do_install_builtin_framework(ciso.user, org_a, "gdpr")
    assert "/" in gdpr.version  # Regulation 2016/679
    browser = signed_in(ciso)
    listing = browser.get(reverse("compliance:frameworks", kwargs={"org": org_a.slug}))
    url = reverse("compliance:framework", kwargs={"org": org_a.slug, "key": gdpr.ref})
    assert listing.status_code == 200 and url in listing.content.decode()
    page = browser.get(url)
    assert page.status_code == 200 and gdpr.name in page.content.decode()
    requirement = reverse("compliance:requirement", kwargs={"org": org_a.slug, "key": gdpr.ref, "ref": "Art.30"})
    assert browser.get(requirement).status_code == 200
