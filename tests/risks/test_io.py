"""Export of the register to CSV/XLSX, reading uploads, and the export → import round trip."""

import csv
import datetime as dt
import io
import re

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from accord.core import services as core_services
from accord.core.models import AuditEvent
from accord.risks import services
from accord.risks.io import COLUMNS, MAX_ROWS, export_register, neutralise, parse_upload, restore
from accord.risks.models import Risk
from accord.risks.selectors import RiskFilter
from accord.risks.services import ImportRejected
from accord.risks.services.register import RISK_FIELDS
from tests.factories import make_org, sign_draft, xlsx_bytes

TRICKY_TEXTS = ["=HYPERLINK(\"http://evil.test\",\"click\")", "+41 22 000 00 00", "-5 dB margin", "@SUM(A1:A9)",
                "'=already quoted", "'Twas ever thus", "Zürich — café, “quotes”, 😀", "two\nlines, with \"quotes\""]

# An Open FAIR breakdown with every kind of distribution, fractions and a PERT shape.
FAIR = {"tef": {"pert": [0.5, 2, 6], "gamma": 3}, "tcap": {"uniform": [0.3, 0.9]}, "rs": {"pert": [0.4, 0.7, 0.95]},
        "primary_loss": {"lognormal_ci90": [20000, 400000.5]}, "secondary_probability": {"constant": 0.25},
        "secondary_loss": 125000}


@pytest.fixture
def full_register(org_a, ciso, cio):
    """Risks using every column, with texts a spreadsheet would run as formulas."""
    services.do_draft_appetite(ciso.user, org_a, statement="s", category_levels={"cyber_security": "medium"})
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    rows = []
    for i, text in enumerate(TRICKY_TEXTS):
        rows.append(services.do_create_risk(ciso.user, org_a, {
            "title": text, "description": f"Description {i}\nsecond line", "category": "cyber_security",
            "owner": cio.user.email, "raised_by": "cio", "affected_assets": ["ERP", text], "causes": text,
            "consequences": "Downtime", "likelihood": 1 + i % 5, "impact": 5 - i % 5, "residual_likelihood": 1,
            "residual_impact": 1 + i % 3, "treatment": "transfer", "treatment_plan": "Cyber insurance",
            "treatment_owner": ciso.user.email, "treatment_due": "2031-03-31", "status": "in_treatment",
            "next_review": "2030-12-01", "tags": ["board", f"t{i}"], "frequency_low": "0.05",
            "frequency_high": "2.5", "loss_low": "15000.00", "loss_high": f"{250000 + i}.75",
            "fair": FAIR if i % 2 else None}))
    rows.append(services.do_create_risk(None, org_a, {"title": "Bare minimum", "category": "strategic",
                                                      "likelihood": 2, "impact": 2}))
    return rows


def _snapshot(risk):
    """What an import must reproduce: every input field, members by e-mail."""
    def email(m):
        return m.user.email if m else None

    return {
        "title": risk.title, "description": risk.description, "category": risk.category.key,
        "owner": email(risk.owner), "raised_by": risk.raised_by, "affected_assets": risk.affected_assets,
        "causes": risk.causes, "consequences": risk.consequences, "likelihood": risk.inherent_likelihood,
        "impact": risk.inherent_impact, "residual_likelihood": risk.residual_likelihood,
        "residual_impact": risk.residual_impact, "treatment": risk.treatment, "treatment_plan": risk.treatment_plan,
        "treatment_owner": email(risk.treatment_owner), "treatment_due": risk.treatment_due, "status": risk.status,
        "next_review": risk.next_review, "tags": risk.tags, "frequency_low": risk.frequency_low,
        "frequency_high": risk.frequency_high, "loss_low": risk.loss_low, "loss_high": risk.loss_high,
        "fair": risk.fair,
        "levels": (risk.inherent_level, risk.residual_level),
    }


def _register(org):
    return [_snapshot(r) for r in Risk.objects.for_org(org).select_related(
        "category", "owner__user", "treatment_owner__user").order_by("number")]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_its_refs_emptied_imports_into_another_organisation_as_the_same_risks(
        full_register, org_a, cio, ciso, fmt):
    content, _, filename = export_register(org_a, None, fmt)
    target = make_org("org-copy")
    for persona in (cio, ciso):  # users are global: the same people become members of the copy
        core_services.do_add_member(None, target, persona.user, "contributor")
    rows = parse_upload(io.BytesIO(content), filename)
    for _, values in rows:
        values["ref"] = ""  # a ref names a risk of the organisation it came from: refused elsewhere
    services.do_import_risks(None, target, rows)
    assert _register(target) == _register(org_a)
    assert set(_snapshot(full_register[0])) - {"levels"} == set(RISK_FIELDS)  # every importable field compared


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_owners_blanked_imports_where_the_owners_are_not_members(full_register, org_a, fmt):
    content, _, filename = export_register(org_a, None, fmt)
    rows = parse_upload(io.BytesIO(content), filename)
    for _, values in rows:
        values["owner"] = values["treatment_owner"] = values["ref"] = ""
    target = make_org("org-elsewhere")
    services.do_import_risks(None, target, rows)
    expected = [{**r, "owner": None, "treatment_owner": None} for r in _register(org_a)]
    assert _register(target) == expected


def test_the_csv_export_neutralises_formulas_and_joins_lists(full_register, org_a):
    content, content_type, filename = export_register(org_a, None, "csv")
    assert content.startswith(b"\xef\xbb\xbf")
    assert content_type == "text/csv; charset=utf-8"
    assert filename.startswith("org-a-risks-") and filename.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["title"] == "'=HYPERLINK(\"http://evil.test\",\"click\")"
    assert rows[1]["title"] == "'+41 22 000 00 00"
    assert rows[4]["title"] == "''=already quoted"
    assert rows[5]["title"] == "'Twas ever thus"
    assert rows[0]["affected_assets"].startswith("ERP; =HYPERLINK")  # only a cell's first character matters
    assert rows[0]["tags"] == "board; t0"
    assert rows[0]["owner"].endswith("@a.test")
    assert rows[0]["treatment_due"] == "2031-03-31"
    assert (rows[0]["ref"], rows[0]["above_tolerance"]) == ("R-001", "no")
    assert rows[-1]["owner"] == ""


def test_the_xlsx_export_has_no_formula_and_real_dates(full_register, org_a):
    content, content_type, _ = export_register(org_a, None, "xlsx")
    assert content_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(content)).active
    assert [c.value for c in ws[1]] == list(COLUMNS)
    assert all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)
    assert ws.cell(2, 2).value.startswith("'=HYPERLINK")
    due = ws.cell(2, COLUMNS.index("treatment_due") + 1)
    assert due.value.date() == dt.date(2031, 3, 31)
    assert due.number_format == "yyyy-mm-dd"
    assert ws.cell(2, COLUMNS.index("loss_low") + 1).value == 15000


def test_the_export_applies_the_filters(full_register, org_a):
    content, _, _ = export_register(org_a, RiskFilter(category="strategic"), "csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["Bare minimum"]


def test_the_export_flags_risks_above_tolerance(org_a, ciso, cio):
    services.do_draft_appetite(ciso.user, org_a, statement="s", category_levels={"privacy": "low"})
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    services.do_create_risk(None, org_a, {"title": "Leak", "category": "privacy", "likelihood": 4, "impact": 4})
    content, _, _ = export_register(org_a, None, "csv")
    row = next(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert (row["inherent_level"], row["residual_level"], row["above_tolerance"]) == ("high", "high", "yes")


def test_an_unknown_export_format_is_refused(org_a):
    with pytest.raises(ValidationError, match="pdf"):
        export_register(org_a, None, "pdf")


@pytest.mark.parametrize("text", [*TRICKY_TEXTS, "", "'", "''", "=", "plain", "\tindented", "\rcarriage"])
def test_neutralise_and_restore_are_inverse(text):
    assert restore(neutralise(text)) == text
    assert not neutralise(text).startswith(("=", "+", "-", "@", "\t", "\r"))


# --- reading uploads ------------------------------------------------------------------------------

def _csv(text, *, bom=False):
    return io.BytesIO((("\ufeff" if bom else "") + text).encode("utf-8"))


@pytest.mark.parametrize("bom", [True, False])
def test_a_csv_is_read_with_or_without_bom(bom):
    rows = parse_upload(_csv("title,category,likelihood,impact\r\nFire,strategic,1,2\r\n", bom=bom), "r.csv")
    assert rows == [(2, {"title": "Fire", "category": "strategic", "likelihood": "1", "impact": "2"})]


def test_a_semicolon_csv_from_a_european_spreadsheet_is_read():
    text = 'Title;Category;Likelihood;Impact;Tags\nBrand damage, online;strategic;3;4;"press; social"\n'
    rows = parse_upload(_csv(text), "export.csv")
    assert rows[0][1]["title"] == "Brand damage, online"
    assert rows[0][1]["tags"] == "press; social"


def test_row_numbers_are_those_a_spreadsheet_shows():
    text = ('title,category,likelihood,impact\n'
            '"Two\nlines",strategic,1,1\n'
            ',,,\n'
            '\n'
            'Fourth,strategic,1,1\n')
    assert [n for n, _ in parse_upload(_csv(text), "r.csv")] == [2, 5]


def test_computed_columns_are_ignored_the_ref_is_read_and_the_formula_guard_is_removed():
    text = "ref,title,category,likelihood,impact,inherent_level,residual_level,above_tolerance,ale,p90\n" \
           "R-009,'=1+1,strategic,1,1,critical,critical,yes,1000.5,0\n"
    assert parse_upload(_csv(text), "r.csv") == [
        (2, {"ref": "R-009", "title": "=1+1", "category": "strategic", "likelihood": "1", "impact": "1"})]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "r.csv", "empty"),
        (b"\n\ntitle,category\n", "r.csv", "first row must name the columns"),
        (b"title,category,likelihood,impact,colour,size\nx,y,1,1,red,XL\n", "r.csv", "Unknown column(s): colour, size"),
        (b"title,category,likelihood,impact,title\n", "r.csv", "more than once: title"),
        (b"title,category\nx,y\n", "r.csv", "lacks the required column(s): likelihood, impact"),
        (b"title,,category\n", "r.csv", "Column 2 of the header has no name"),
        (b"title,category,likelihood,impact\n,,,\n", "r.csv", "a header but no risks"),
        (b"title,category,likelihood,impact\nx,y,1,1,surplus\n", "r.csv", "Row 2 has more cells"),
        ("title,category,likelihood,impact\nCaf\xe9,y,1,1\n".encode("cp1252"), "r.csv", "not UTF-8"),
        (b"title,category,likelihood,impact\n\"unclosed,y,1,1\n", "r.csv", "cannot be read"),
        (b"\x00\x01\x02binary", "r.csv", "not a CSV text file"),
        (b"PK\x03\x04garbage", "r.xlsx", "cannot be read as an XLSX workbook"),
        (b"title,category\n", "old.xls", ".xls workbooks are not supported"),
    ],
)
def test_an_unreadable_file_is_refused_with_a_clear_message(content, name, message):
    with pytest.raises(ValidationError, match=re.escape(message)) as exc:
        parse_upload(io.BytesIO(content), name)
    assert list(exc.value.message_dict) == ["file"]
    assert message in exc.value.message_dict["file"][0]


def test_more_than_20000_rows_are_refused():
    text = "title,category,likelihood,impact\n" + "x,strategic,1,1\n" * (MAX_ROWS + 1)
    with pytest.raises(ValidationError, match="more than 20,000"):
        parse_upload(_csv(text), "r.csv")


def test_exactly_20000_rows_are_accepted():
    text = "title,category,likelihood,impact\n" + "x,strategic,1,1\n" * MAX_ROWS
    assert len(parse_upload(_csv(text), "r.csv")) == MAX_ROWS


def test_a_file_over_10_mb_is_refused():
    with pytest.raises(ValidationError, match="larger than 10 MB"):
        parse_upload(io.BytesIO(b"x" * (10 * 1024 * 1024 + 1)), "r.csv")


def _xlsx(rows):
    return io.BytesIO(xlsx_bytes(rows))


def test_an_xlsx_is_read_whatever_its_name_and_cells_are_normalised():
    upload = _xlsx([["Title", "Category", "Likelihood", "Impact", "Next review", "Loss low", "Loss high"],
                    ["Outage", "it_operations", 3.0, 4, dt.date(2030, 5, 1), 1000.5, 20000],
                    [None, None, None, None, None, None, None]])
    rows = parse_upload(upload, "upload.bin")
    assert rows == [(2, {"title": "Outage", "category": "it_operations", "likelihood": 3, "impact": 4,
                         "next_review": "2030-05-01", "loss_low": "1000.5", "loss_high": 20000})]


def test_a_formula_in_an_uploaded_workbook_is_never_imported_as_a_formula():
    rows = parse_upload(_xlsx([["title", "category", "likelihood", "impact"], ["=1+1", "strategic", 1, 1]]),
                        "r.xlsx")
    # openpyxl wrote no cached value, so the cell reads as empty: the service will ask for a title.
    assert rows == [(2, {"title": "", "category": "strategic", "likelihood": 1, "impact": 1})]


# --- importing ----------------------------------------------------------------------------------------

def test_an_import_with_several_bad_rows_names_every_row_and_field_and_writes_nothing(org_a, ciso):
    text = ("title,category,likelihood,impact,owner,loss_low,loss_high,next_review\n"
            "Good one,strategic,2,2,,,,\n"
            "Bad scale,strategic,6,0,,,,\n"
            ",nowhere,2,2,,,,\n"
            "Stranger,privacy,2,2,nobody@else.test,,,\n"
            "Money,financial,2,2,,500,100,someday\n"
            "Also good,privacy,1,1,,,,\n")
    events_before = AuditEvent.objects.for_org(org_a).count()
    with pytest.raises(ImportRejected, match="row 3, likelihood: 6 is outside the matrix: use 1 to 5") as exc:
        services.do_import_risks(ciso.user, org_a, parse_upload(_csv(text), "r.csv"))
    assert {(row, field) for row, field, _ in exc.value.rows} == {
        (3, "likelihood"), (3, "impact"), (4, "title"), (4, "category"), (5, "owner"), (6, "loss_high"),
        (6, "next_review")}
    assert not Risk.objects.for_org(org_a).exists()
    assert AuditEvent.objects.for_org(org_a).count() == events_before


def test_an_amount_too_large_for_the_column_is_a_bad_row(org_a):
    text = "title,category,likelihood,impact,loss_low,loss_high\nHuge,financial,1,1,1,1e20\n"
    with pytest.raises(ImportRejected, match="row 2, loss_high: 1e20 is too large; the largest accepted is 99,999"):
        services.do_import_risks(None, org_a, parse_upload(_csv(text), "r.csv"))
