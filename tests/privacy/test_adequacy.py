"""The adequacy decisions shipped as data (accord/privacy/data/adequacy.json): the file loads, names the
decisions the Commission has taken, counts a decision only from its date, and a broken file names every
problem."""

import datetime
import json

import pytest

from accord.privacy import adequacy

D = datetime.date


def test_the_shipped_file_loads_with_the_known_decisions():
    decisions = adequacy.load()
    codes = {d.code for d in decisions.decisions}
    assert {"AD", "AR", "CA", "FO", "GG", "IL", "IM", "JP", "JE", "NZ", "KR", "CH", "GB", "UY", "US",
            "EPORG"} <= codes
    assert decisions.find("jp").decided_on == "2019-01-23"
    assert decisions.find("US").limited and not decisions.find("CH").limited


def test_the_eea_is_the_union_with_iceland_liechtenstein_and_norway():
    decisions = adequacy.shipped()
    assert len(decisions.eea) == 30
    assert decisions.is_eea("no") and decisions.is_eea("FR")
    assert not decisions.is_eea("CH") and not decisions.is_eea("GB")


def test_a_decision_counts_from_its_date():
    decisions = adequacy.shipped()
    assert not decisions.covers("US", D(2023, 7, 9))
    assert decisions.covers("US", D(2023, 7, 10))
    assert not decisions.covers("BR", D(2026, 1, 1))


def test_a_decision_dated_to_the_year_counts_from_its_last_day():
    decisions = adequacy.shipped()
    assert decisions.find("EPORG").in_force_from == D(2025, 12, 31)
    assert not decisions.covers("EPORG", D(2025, 12, 30))


def _file(**changes):
    data = {"accord_adequacy": 1, "eea": ["FR"], "decisions": [
        {"code": "CH", "name": "Switzerland", "kind": "country", "decision": "2000/518/EC",
         "decided_on": "2000-07", "scope": "whole", "notes": ""}]}
    data["decisions"][0].update(changes)
    return data


def test_a_month_counts_to_its_last_day():
    assert adequacy.parse(_file(decided_on="2000-02")).find("CH").in_force_from == D(2000, 2, 29)


@pytest.mark.parametrize(("changes", "problem"), [
    ({"code": "che"}, "decisions[0].code: 'che' is not a code for a country"),
    ({"kind": "planet"}, "decisions[0].kind: 'planet' is not one of"),
    ({"scope": "some"}, "decisions[0].scope: 'some' is not one of whole, limited"),
    ({"decided_on": "26 July 2000"}, "decisions[0].decided_on: '26 July 2000' is not YYYY-MM-DD"),
    ({"code": "FR"}, "decisions[0].code: 'FR' is in the EEA"),
    ({"name": ""}, "decisions[0].name: expected a text, not empty"),
    ({"extra": "x"}, "decisions[0].extra: unknown key"),
])
def test_a_broken_decision_is_named(changes, problem):
    with pytest.raises(adequacy.FileInvalid, match="decisions") as caught:
        adequacy.parse(_file(**changes))
    assert any(error.startswith(problem) for error in caught.value.errors), caught.value.errors


def test_a_duplicate_code_is_refused(tmp_path):
    data = _file()
    data["decisions"].append(dict(data["decisions"][0]))
    path = tmp_path / "adequacy.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(adequacy.FileInvalid, match=r"decisions\[1\]\.code: duplicate code 'CH'"):
        adequacy.load(path)


def test_a_file_that_is_not_json_says_so(tmp_path):
    path = tmp_path / "adequacy.json"
    path.write_text("{", encoding="utf-8")
    with pytest.raises(adequacy.FileInvalid, match="not JSON"):
        adequacy.load(path)
