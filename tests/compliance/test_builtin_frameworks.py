"""The built-in framework files keep the exact structure of the texts they summarise: the counts, the
id schemes and the shared file format; the built-in mapping sets relate only ids that exist (all read
here with the standard library until the loader lands)."""

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


FRAMEWORKS = ["iso27001-2022.json", "nist-csf-2.0.json", "gdpr.json", "nis2.json"]


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


@pytest.mark.parametrize("name", FRAMEWORKS)
def test_a_requirement_is_assessed_itself_or_through_its_sub_requirements_never_both(name):
    for requirement in _requirements(_load(name)):
        assert requirement.get("assessable", True) == (not requirement.get("requirements")), requirement["id"]


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


def _article(number, *paragraphs):
    if not paragraphs:
        return [f"Art.{number}"]
    return [f"Art.{number}", *(f"Art.{number}({paragraph})" for paragraph in paragraphs)]


GDPR_CHAPTERS = {
    "II": [*_article(5, 1, 2), *_article(6, 1, 4), *_article(7, 1, 2, 3, 4), *_article(8, 1, 2),
           *_article(9), *_article(10), *_article(11)],
    "III": [*_article(12, 1, 2, 3, 4, 5, 6), *(i for n in range(13, 23) for i in _article(n))],
    "IV": [*_article(24), *_article(25, 1, 2), *_article(26), *_article(27), *_article(28, 1, 2, 3, 4, 9),
           *_article(29), *_article(30, 1, 2, 3, 4), *_article(31), *_article(32, 1, 2, 4),
           *_article(33, 1, 2, 3, 4, 5), *_article(34, 1, 2, 3), *_article(35, 1, 2, 3, 7, 9, 11),
           *(i for n in range(36, 40) for i in _article(n))],
    "V": [i for n in range(44, 50) for i in _article(n)],
}


def test_gdpr_has_the_binding_articles_and_paragraphs_of_chapters_2_to_5():
    doc = _load("gdpr.json")
    assert [group["id"] for group in doc["groups"]] == list(GDPR_CHAPTERS)
    for group in doc["groups"]:
        assert _ids(group) == GDPR_CHAPTERS[group["id"]]


def test_gdpr_splits_an_article_into_its_paragraphs_only_under_a_non_assessable_parent():
    requirements = list(_requirements(_load("gdpr.json")))
    parents = [r["id"] for r in requirements if not r.get("assessable", True)]
    assert parents == ["Art.5", "Art.6", "Art.7", "Art.8", "Art.12", "Art.25", "Art.28", "Art.30",
                       "Art.32", "Art.33", "Art.34", "Art.35"]
    for requirement in requirements:
        for paragraph in requirement.get("requirements", []):
            assert re.fullmatch(re.escape(requirement["id"]) + r"\(\d+\)", paragraph["id"]), paragraph["id"]
    assessed = [r["id"] for r in requirements if r.get("assessable", True)]
    assert len(assessed) == 72
    assert all(re.fullmatch(r"Art\.\d+(\(\d+\))?", i) for i in assessed)


def test_nis2_has_the_ten_measures_of_article_21_and_the_reporting_stages_of_article_23():
    doc = _load("nis2.json")
    assert [group["id"] for group in doc["groups"]] == ["IV"]
    assert _ids(doc) == [
        "Art.21", "Art.21(1)", "Art.21(2)", *(f"Art.21(2)({point})" for point in "abcdefghij"),
        "Art.21(3)", "Art.21(4)",
        "Art.23", "Art.23(1)", "Art.23(2)", "Art.23(3)", "Art.23(4)", *(f"Art.23(4)({point})" for point in "abcde")]
    parents = [r["id"] for r in _requirements(doc) if not r.get("assessable", True)]
    assert parents == ["Art.21", "Art.21(2)", "Art.23", "Art.23(4)"]
    assert sum(r.get("assessable", True) for r in _requirements(doc)) == 21


MAPPINGS = sorted(path.name for path in (BUILTIN / "mappings").glob("*.json"))
RELATIONSHIPS = {"equivalent", "subset", "superset", "intersects"}


def test_the_iso27001_to_nist_csf_mapping_set_is_built_in():
    assert "iso27001-2022--nist-csf-2.0.json" in MAPPINGS


@pytest.mark.parametrize("name", MAPPINGS)
def test_a_builtin_mapping_set_relates_requirements_that_exist(name):
    doc = _load(f"mappings/{name}")
    assert doc["accord_mapping"] == 1
    assert name == f"{doc['key']}.json"
    assert doc["key"] == f"{doc['source_framework']}--{doc['target_framework']}"
    assert isinstance(doc["name"], str) and doc["name"]
    sources = set(_ids(_load(f"{doc['source_framework']}.json")))
    targets = set(_ids(_load(f"{doc['target_framework']}.json")))
    pairs = [(mapping["source"], mapping["target"]) for mapping in doc["mappings"]]
    assert len(pairs) == len(set(pairs)), sorted({pair for pair in pairs if pairs.count(pair) > 1})
    for mapping in doc["mappings"]:
        assert set(mapping) == {"source", "target", "relationship", "strength"}, mapping
        assert mapping["source"] in sources, mapping
        assert mapping["target"] in targets, mapping
        assert mapping["relationship"] in RELATIONSHIPS, mapping
        strength = mapping["strength"]
        assert isinstance(strength, int | float) and not isinstance(strength, bool), mapping
        assert 0 < strength <= 1, mapping


def test_every_annex_a_control_maps_to_a_nist_csf_subcategory():
    doc = _load("mappings/iso27001-2022--nist-csf-2.0.json")
    annex_a = _ids(_group(_load("iso27001-2022.json"), "A"))
    csf = {r["id"]: r for r in _requirements(_load("nist-csf-2.0.json"))}
    mapped = {mapping["source"] for mapping in doc["mappings"]}
    assert mapped == set(annex_a)
    assert all(csf[mapping["target"]].get("assessable", True) for mapping in doc["mappings"])
    assert 120 <= len(doc["mappings"]) <= 200
