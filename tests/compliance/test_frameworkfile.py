"""The framework file loader (accord.compliance.frameworkfile): every built-in file validates, and a bad file
is refused with every problem named by its path."""

import copy
import json

import pytest

from accord.compliance import frameworkfile
from accord.compliance.frameworkfile import FileInvalid, Group, Requirement
from tests.compliance.routes import framework_document

DOC = framework_document("test-fw", "Test")


def _errors(data):
    try:
        frameworkfile.parse(data)
    except FileInvalid as exc:
        return exc.errors
    raise AssertionError("the document was accepted")


@pytest.mark.parametrize("key", frameworkfile.builtin_keys())
def test_every_builtin_framework_file_validates(key):
    framework = frameworkfile.load_builtin(key)
    assert framework.key == key
    assert frameworkfile.count(framework).requirements > 0


def test_the_iso_file_reads_with_its_nesting_and_counts():
    framework = frameworkfile.load_builtin("iso27001-2022")
    counts = frameworkfile.count(framework)
    # Clauses 4-10 (sub-clauses included) and the 93 Annex A controls; 6.1, 7.5, 9.2, 9.3 are parents.
    assert counts.requirements - 93 == sum(1 for n in frameworkfile.walk(framework)
                                           if not n.is_group and not n.item.id.startswith("A."))
    assert counts.requirements - counts.assessable == 4
    annex = next(n for n in frameworkfile.walk(framework) if n.item.id == "A")
    assert isinstance(annex.item, Group) and [g.id for g in annex.item.groups] == ["A.5", "A.6", "A.7", "A.8"]


def test_a_valid_document_reads_into_a_tree_with_defaults():
    framework = frameworkfile.parse(DOC)
    assert (framework.key, framework.name, framework.version) == ("test-fw", "Test", "1")
    first = framework.groups[0].requirements[0]
    assert isinstance(first, Requirement) and not first.assessable
    assert [r.id for r in first.requirements] == ["G1.1(a)", "G1.1(b)"]
    assert first.requirements[0].assessable and first.requirements[0].evidence == ()
    nested = framework.groups[0].groups[0].requirements[0]
    assert nested.parameters[0].choices == ("yearly", "monthly")
    assert frameworkfile.count(framework) == frameworkfile.Counts(groups=3, requirements=11, assessable=9)


def test_walk_visits_depth_first_in_file_order_with_paths():
    nodes = list(frameworkfile.walk(frameworkfile.parse(DOC)))
    assert [n.item.id for n in nodes][:7] == ["G1", "G1.X", "G1.X.1", "G1.1", "G1.1(a)", "G1.1(b)", "G1.2"]
    assert nodes[4].path == "groups[0].requirements[0].requirements[0]" and nodes[4].depth == 2
    assert nodes[2].path == "groups[0].groups[0].requirements[0]" and nodes[2].parent.id == "G1.X"


def test_every_problem_is_listed_with_its_path():
    doc = copy.deepcopy(DOC)
    doc["groups"][1]["requirements"][0]["id"] = "G1.2"
    doc["groups"][0]["title"] = 3
    doc["groups"][1]["requirements"][1]["evidence"] = "a text"
    doc["groups"][1]["requirements"][2]["assessable"] = "yes"
    doc["groups"][1]["requirements"][2]["colour"] = "red"
    doc["key"] = "Not A Key"
    del doc["name"]
    errors = _errors(doc)
    assert errors == [
        'key: "Not A Key" is not a key: use lowercase letters, digits, "-" and "." (starting with a letter or '
        'digit), e.g. "iso27001-2022"',
        "name: required",
        "groups[0].title: expected a text, got a number (3)",
        'groups[1].requirements[0].id: duplicate requirement id "G1.2" (first at groups[0].requirements[1])',
        "groups[1].requirements[1].evidence: expected a list of texts, got a text",
        "groups[1].requirements[2].colour: unknown field; a requirement has: id, title, description, guidance, "
        "evidence, assessable, parameters, requirements, oscal_id, objectives",
        "groups[1].requirements[2].assessable: expected true or false, got a text",
    ]


def test_the_format_version_and_the_groups_are_required():
    assert _errors({"key": "x", "name": "X", "version": "1"}) == [
        "accord_framework: required: the format's version, 1",
        "groups: required: a framework is a list of groups holding its requirements"]
    assert _errors({**DOC, "accord_framework": 2})[0].startswith("accord_framework: format version 2 is not known")
    assert _errors({**DOC, "groups": [{"id": "G", "title": "Empty"}]}) == ["groups: the framework has no requirement"]


@pytest.mark.parametrize(("change", "error"), [
    (lambda d: d["groups"][0].update(id=""), "groups[0].id: required (it is blank)"),
    (lambda d: d["groups"][0].update(title="a\x00b"), "groups[0].title: holds a control character (such as NUL); "
                                                       "remove it"),
    (lambda d: d["groups"][0].update(requirements={}), "groups[0].requirements: expected a list, got an object"),
    (lambda d: d["groups"][0]["requirements"].append(7), "groups[0].requirements[3]: expected an object, got a "
                                                          "number (7)"),
    (lambda d: d["groups"][0]["groups"][0]["requirements"][0]["parameters"].append({"id": "p1"}),
     'groups[0].groups[0].requirements[0].parameters[1].id: duplicate parameter id "p1" (first at '
     'groups[0].groups[0].requirements[0].parameters[0])'),
    (lambda d: d["groups"][1].update(id="G1"), 'groups[1].id: duplicate group id "G1" (first at groups[0])'),
    (lambda d: d["groups"][0]["requirements"][1].update(title="x" * 501), "groups[0].requirements[1].title: 501 "
                                                                           "characters, at most 500"),
])
def test_each_kind_of_problem_names_its_path(change, error):
    doc = copy.deepcopy(DOC)
    change(doc)
    assert error in _errors(doc)


def test_a_tree_deeper_than_the_limit_is_refused():
    node = {"id": "leaf", "title": "Leaf"}
    for depth in range(frameworkfile.MAX_DEPTH + 2):
        node = {"id": f"r{depth}", "title": "R", "requirements": [node]}
    errors = _errors({**DOC, "groups": [{"id": "G", "title": "G", "requirements": [node]}]})
    assert any(f"at most {frameworkfile.MAX_DEPTH}" in e for e in errors)


def test_loads_reports_text_that_is_not_a_framework_file():
    with pytest.raises(FileInvalid, match=r"\(file\): not JSON: Expecting"):
        frameworkfile.loads("{")
    with pytest.raises(FileInvalid, match='a name appears twice in one object: "key"'):
        frameworkfile.loads('{"key": "a", "key": "b"}')
    with pytest.raises(FileInvalid, match="not UTF-8"):
        frameworkfile.loads(b"\xff\xfe")
    with pytest.raises(FileInvalid, match=r"\(top level\): expected an object, got a list"):
        frameworkfile.loads("[]")
    assert frameworkfile.loads(json.dumps(DOC).encode()).key == "test-fw"


def test_load_reads_a_file(tmp_path):
    path = tmp_path / "fw.json"
    path.write_text(json.dumps(DOC), encoding="utf-8")
    assert frameworkfile.load(path).name == "Test"


def test_problems_split_each_error_into_path_and_problem():
    exc = FileInvalid(["groups[0].id: required", "(file): not JSON: x"])
    assert exc.problems == [("groups[0].id", "required"), ("(file)", "not JSON: x")]
