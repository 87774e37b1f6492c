"""CSV exports open as data in any spreadsheet: every field quoted, no cell read as a formula."""

from __future__ import annotations

import csv
import io

import pytest

from accord.core import csvsafe
from accord.risks import services
from accord.risks.io import export_register

INJECTION = "Backup gap;=cmd|' /C calc'!A0"


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "'=1", "''@x"])
def test_a_text_a_spreadsheet_would_run_is_neutralised_and_restored_exactly(text):
    safe = csvsafe.neutralise(text)
    assert safe == "'" + text
    assert csvsafe.restore(safe) == text


@pytest.mark.parametrize("text", ["Backup gap", " =1", "1-2", "a=b", ""])
def test_a_text_that_is_not_a_formula_is_left_alone(text):
    assert csvsafe.neutralise(text) == text


def test_the_writer_quotes_every_field():
    out = io.StringIO()
    csvsafe.writer(out).writerow(["a", "", "1", 'say "hi"'])
    assert out.getvalue() == '"a","","1","say ""hi"""\r\n'


@pytest.mark.parametrize("separator", [",", ";", "\t"])
def test_a_title_with_a_separator_and_a_formula_stays_one_quoted_cell_whatever_the_separator(separator):
    out = io.StringIO()
    csvsafe.writer(out, delimiter=separator).writerow(["R-001", csvsafe.neutralise("=cmd|' /C calc'!A0"), INJECTION])
    assert f'"{INJECTION}"' in out.getvalue()
    (row,) = csv.reader(io.StringIO(out.getvalue(), newline=""), delimiter=separator)
    assert row == ["R-001", "'=cmd|' /C calc'!A0", INJECTION]


def test_the_register_export_quotes_every_field_and_neutralises_formulas(org_a, ciso):
    services.do_create_risk(ciso.user, org_a, {"title": INJECTION, "category": "cyber_security",
                                               "likelihood": 2, "impact": 3, "causes": "=HYPERLINK(x)"})
    text = export_register(org_a, None, "csv")[0].decode("utf-8-sig")
    header_line = text.split("\r\n", 1)[0]
    assert header_line.startswith('"ref","')
    header, row = csv.reader(io.StringIO(text, newline=""))
    assert row[header.index("title")] == INJECTION
    assert row[header.index("causes")] == "'=HYPERLINK(x)"
