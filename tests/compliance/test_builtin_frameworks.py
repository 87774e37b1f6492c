"""The built-in framework files keep the exact structure of the texts they summarise: the counts, the
id schemes and the shared file format (read here with the standard library until the loader lands)."""

import json
import re
from pathlib import Path

import pytest

import accord

BUILTIN = Path(accord.__file__).resolve().parent / "compliance" / "builtin"
KEY = re.compile(r"^[a-z0-9.-]+$")


def _load(name):
    return json.loads((BUILTIN / name).read_text(encoding="utf-8"))


def _requirements(node):
    """Every requirement under a group or requirement, depth first, nested ones included."""
    for requirement in node.get("requirements", []):
        yield requirement
        yield from _requirements(requirement)
    for group in node.get("groups", []):
        yield from _requirements(group)


def _groups(node):
    for group in node.get("groups", []):
        yield group
        yield from _groups(group)


def _group(doc, group_id):
    return next(group for group in _groups(doc) if group["id"] == group_id)


def _ids(node):
    return [requirement["id"] for requirement in _requirements(node)]


FRAMEWORKS = ["iso27001-2022.json", "nist-csf-2.0.json"]


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_a_builtin_framework_follows_the_shared_format(name):
    doc = _load(name)
    assert doc["accord_framework"] == 1
    assert KEY.match(doc["key"]), doc["key"]
    assert name == f"{doc['key']}.json"
    for field in ("name", "version", "publisher", "licence_note", "source"):
        assert isinstance(doc[field], str) and doc[field], field
    for node in [*_groups(doc), *_requirements(doc)]:
        assert node["id"] and node["title"], node
        assert isinstance(node.get("assessable", True), bool), node["id"]
        assert all(isinstance(item, str) and item for item in node.get("evidence", [])), node["id"]


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_requirement_ids_are_unique_within_a_framework(name):
    ids = _ids(_load(name))
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_every_assessable_requirement_says_what_it_asks_and_what_shows_it(name):
    for requirement in _requirements(_load(name)):
        if requirement.get("assessable", True):
            assert requirement.get("description"), requirement["id"]
            assert requirement.get("evidence"), requirement["id"]


def test_iso27001_has_the_93_annex_a_controls_in_their_four_themes():
    doc = _load("iso27001-2022.json")
    counts = {theme: len(_ids(_group(doc, theme))) for theme in ("A.5", "A.6", "A.7", "A.8")}
    assert counts == {"A.5": 37, "A.6": 8, "A.7": 14, "A.8": 34}
    for theme, count in counts.items():
        assert _ids(_group(doc, theme)) == [f"{theme}.{n}" for n in range(1, count + 1)]


def test_iso27001_has_clauses_4_to_10_with_their_sub_clauses():
    doc = _load("iso27001-2022.json")
    assert [group["id"] for group in doc["groups"]] == ["4", "5", "6", "7", "8", "9", "10", "A"]
    clause_ids = [i for group in doc["groups"][:7] for i in _ids(group)]
    assert clause_ids == [
        "4.1", "4.2", "4.3", "4.4", "5.1", "5.2", "5.3",
        "6.1", "6.1.1", "6.1.2", "6.1.3", "6.2", "6.3",
        "7.1", "7.2", "7.3", "7.4", "7.5", "7.5.1", "7.5.2", "7.5.3",
        "8.1", "8.2", "8.3", "9.1", "9.2", "9.2.1", "9.2.2", "9.3", "9.3.1", "9.3.2", "9.3.3",
        "10.1", "10.2"]


def _numbered(prefix, numbers):
    return [f"{prefix}-{n:02d}" for n in numbers]


CSF_SUBCATEGORIES = {
    "GV": {
        "GV.OC": _numbered("GV.OC", range(1, 6)), "GV.RM": _numbered("GV.RM", range(1, 8)),
        "GV.RR": _numbered("GV.RR", range(1, 5)), "GV.PO": _numbered("GV.PO", range(1, 3)),
        "GV.OV": _numbered("GV.OV", range(1, 4)), "GV.SC": _numbered("GV.SC", range(1, 11))},
    "ID": {
        "ID.AM": _numbered("ID.AM", [1, 2, 3, 4, 5, 7, 8]), "ID.RA": _numbered("ID.RA", range(1, 11)),
        "ID.IM": _numbered("ID.IM", range(1, 5))},
    "PR": {
        "PR.AA": _numbered("PR.AA", range(1, 7)), "PR.AT": _numbered("PR.AT", range(1, 3)),
        "PR.DS": _numbered("PR.DS", [1, 2, 10, 11]), "PR.PS": _numbered("PR.PS", range(1, 7)),
        "PR.IR": _numbered("PR.IR", range(1, 5))},
    "DE": {"DE.CM": _numbered("DE.CM", [1, 2, 3, 6, 9]), "DE.AE": _numbered("DE.AE", [2, 3, 4, 6, 7, 8])},
    "RS": {
        "RS.MA": _numbered("RS.MA", range(1, 6)), "RS.AN": _numbered("RS.AN", [3, 6, 7, 8]),
        "RS.CO": _numbered("RS.CO", [2, 3]), "RS.MI": _numbered("RS.MI", [1, 2])},
    "RC": {"RC.RP": _numbered("RC.RP", range(1, 7)), "RC.CO": _numbered("RC.CO", [3, 4])},
}


def test_nist_csf_has_its_six_functions_and_22_categories_in_order():
    doc = _load("nist-csf-2.0.json")
    assert [function["id"] for function in doc["groups"]] == list(CSF_SUBCATEGORIES)
    for function in doc["groups"]:
        assert [category["id"] for category in function["groups"]] == list(CSF_SUBCATEGORIES[function["id"]])
    assert sum(len(categories) for categories in CSF_SUBCATEGORIES.values()) == 22


def test_nist_csf_has_the_106_subcategories_each_in_its_category():
    doc = _load("nist-csf-2.0.json")
    for categories in CSF_SUBCATEGORIES.values():
        for category_id, subcategory_ids in categories.items():
            assert _ids(_group(doc, category_id)) == subcategory_ids
    counts = {function["id"]: len(_ids(function)) for function in doc["groups"]}
    assert counts == {"GV": 31, "ID": 21, "PR": 22, "DE": 11, "RS": 13, "RC": 8}
    assert len(_ids(doc)) == 106
    assert all(requirement.get("assessable", True) for requirement in _requirements(doc))
