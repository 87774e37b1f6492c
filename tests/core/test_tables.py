"""The tables kit (accord.core.tables): a Table declared from a field specification exports what the spec
lists, reads back what it exported, refuses a file past its own limits before reading it, names the row,
the column or the limit in every refusal, and never lets a cell through as a formula."""

import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from accord.core import tables
from accord.core.choices import ImportAction
from accord.core.fields import FieldSpec, Kind, ModelSpec
from accord.core.models import Organization
from tests.factories import xlsx_bytes

SPEC = ModelSpec(Organization, key="slug", fields=(
    FieldSpec("slug", Kind.TEXT, input=False, audited=False),
    FieldSpec("name", Kind.TEXT, required=True),
    FieldSpec("currency", Kind.TEXT),
    FieldSpec("created_at", Kind.DATE, input=False),
))
TABLE = tables.Table(SPEC, noun="organisations", whole="the list", sheet="Organisations", max_rows=3,
                     max_blank_rows=2, max_columns=6, widths={"name": 30})


def _org(slug, name, currency="EUR"):
    return SimpleNamespace(slug=slug, name=name, currency=currency, created_at=dt.date(2026, 1, 2))


def _refusal(call, *args, field="file"):
    """The one message of the ValidationError `call(*args)` raises on `field`."""
    try:
        call(*args)
    except ValidationError as exc:
        (message,) = exc.message_dict[field]
        return message
    raise AssertionError("accepted")


def test_the_columns_come_from_the_spec_key_first_and_computed_last():
    assert TABLE.columns == ("slug", "name", "currency", "created_at")
    assert TABLE.read_only_columns == ("created_at",)
    assert TABLE.required_columns == ("name",)
    assert TABLE.max_sheet_rows == 1 + 3 + 2


def test_a_width_for_a_column_the_table_lacks_fails_at_declaration():
    with pytest.raises(ValueError, match="unknown column"):
        tables.Table(SPEC, noun="x", whole="x", sheet="X", widths={"nope": 3})


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_reads_back_as_the_same_rows_formulas_guarded(fmt):
    objs = [_org("a", "=HYPERLINK(\"http://x\")"), _org("b", "Plain; with, separators", "+1")]
    content = tables.export(TABLE, objs, fmt)
    if fmt == "csv":
        text = content.decode("utf-8-sig")
        assert text.splitlines()[0] == '"slug","name","currency","created_at"'
        assert "'=HYPERLINK" in text and "\"'+1\"" in text  # a spreadsheet shows text, runs nothing
    else:
        sheet = load_workbook(io.BytesIO(content)).active
        assert sheet.title == "Organisations"
        assert sheet["B2"].value.startswith("'=")
        assert sheet["D2"].value.date() == dt.date(2026, 1, 2)  # a real date cell
        assert sheet.column_dimensions["B"].width == 30
    rows = tables.parse(TABLE, io.BytesIO(content), f"o.{fmt}")
    assert rows == [(2, {"slug": "a", "name": '=HYPERLINK("http://x")', "currency": "EUR"}),
                    (3, {"slug": "b", "name": "Plain; with, separators", "currency": "+1"})]


def test_an_unknown_format_is_refused_on_its_field():
    assert "use one of: csv, xlsx" in _refusal(tables.export, TABLE, [], "pdf", field="format")


def test_more_rows_than_the_table_allows_are_refused_with_its_noun():
    csv = "name\nA\nB\nC\nD\n"
    error = _refusal(tables.parse, TABLE, io.BytesIO(csv.encode()), "o.csv")
    assert error == "The file has more than 3 organisations; split it into several imports."


def test_blank_rows_count_towards_the_sheet_limit():
    csv = "name\nA\n\n\n\n\nB\n"  # B is row 7; a header, 3 rows and 2 blank ones make 6
    error = _refusal(tables.parse, TABLE, io.BytesIO(csv.encode()), "o.csv")
    assert "more than 6 rows, blank rows included" in error and "below the list" in error


def test_a_sheet_whose_used_range_passes_the_limits_is_refused_before_reading():
    wb = Workbook()
    wb.active.append(["name"])
    wb.active.cell(row=500, column=1, value="far away")
    out = io.BytesIO()
    wb.save(out)
    error = _refusal(tables.parse, TABLE, io.BytesIO(out.getvalue()), "o.xlsx")
    assert error.startswith("The sheet's used range reaches row 500; an import reads at most 6 rows")
    error = _refusal(tables.check_dimensions, TABLE, 2, 7)
    assert "reaches column G (7); an import reads at most 6 columns" in error


def test_a_file_larger_than_the_table_allows_is_refused_unread():
    small = tables.Table(SPEC, noun="organisations", whole="the list", sheet="O", max_bytes=1024 * 1024)
    error = _refusal(tables.parse, small, io.BytesIO(b"name\n" + b"x" * (1024 * 1024)), "o.csv")
    assert error == "The file is larger than 1 MB; split it into several imports."


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty"),
    (b"name,colour\nA,red\n", "Unknown column(s): colour. The columns are: slug, name, currency, created_at."),
    (b"name,name\nA,B\n", "Column(s) named more than once: name."),
    (b"currency\nEUR\n", "The header lacks the required column(s): name (or give `slug` to update existing "
                         "organisations)."),
    (b"name\n", "The file has a header but no organisations below it (is the list on the first sheet?)."),
    (b"name\nA,extra\n", "Row 2 has more cells than the header has columns."),
    (b"\xff\xfe", "The file is not UTF-8 text"),
])
def test_a_bad_file_is_refused_with_one_message_on_the_file_field(content, message):
    error = _refusal(tables.parse, TABLE, io.BytesIO(content), "o.csv")
    assert error.startswith(message)


def test_an_update_may_carry_only_the_key_and_what_it_changes():
    assert tables.parse(TABLE, io.BytesIO(b"slug;currency\na;CHF\n"), "o.csv") == [
        (2, {"slug": "a", "currency": "CHF"})]


def test_xlsx_cells_come_back_as_the_service_reads_them():
    content = xlsx_bytes([["name", "currency"], [" Padded ", 3.0], [dt.datetime(2026, 5, 1, 8, 0), 2.5]])  # noqa: DTZ001 - cells are naive
    assert tables.parse(TABLE, io.BytesIO(content), "o.xlsx") == [
        (2, {"name": "Padded", "currency": 3}), (3, {"name": "2026-05-01", "currency": "2.5"})]


def test_a_rejected_import_names_every_refused_row_and_field():
    bad = ValidationError({"name": "This field is required.", "currency": ["'EURO' is not a currency.",
                                                                          "Use three letters."]})
    report = tables.ImportReport(rows=(
        tables.ImportRow(2, ImportAction.CREATE, "a"), tables.refused(3, "", bad),
        tables.ImportRow(4, ImportAction.UNCHANGED, "c")), dry_run=False)
    rejected = tables.ImportRejected(report)
    assert rejected.rows == [(3, "name", "This field is required."),
                             (3, "currency", "'EURO' is not a currency. Use three letters.")]
    assert rejected.messages == ["row 3, name: This field is required.",
                                 "row 3, currency: 'EURO' is not a currency. Use three letters."]
    assert report.summary() == "1 added, 0 updated, 1 unchanged, 1 refused"


# --- a workbook's parts are scanned as they inflate, before openpyxl reads them (review 10) ----------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _hand_made(rows, *, dimension="A1:A2", strings=None):
    """A small XLSX written as XML text (as a hostile file is): `rows` is the sheetData's inner XML, the
    header row `name` first; `dimension` None leaves the <dimension> element out; `strings` is the inner
    XML of a sharedStrings part."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
            + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>'
               if strings is not None else "") + "</Types>"),
        "_rels/.rels": f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/officeDocument" '
                       'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}"><sheets>'
                           '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{_RELS}"><Relationship Id="rId1" Type="{_DOC}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
               if strings is not None else "") + "</Relationships>"),
        "xl/worksheets/sheet1.xml": (f'<worksheet xmlns="{_MAIN}">{dim}<sheetData>{header}{rows}</sheetData>'
                                     "</worksheet>"),
    }
    if strings is not None:
        parts["xl/sharedStrings.xml"] = f'<sst xmlns="{_MAIN}">{strings}</sst>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


@pytest.fixture
def unread(monkeypatch):
    """Fail the test if openpyxl is asked to load the workbook: the refusal must come from the scan."""
    def loading(*args, **kwargs):
        raise AssertionError("openpyxl loaded a workbook the scan should have refused")
    monkeypatch.setattr("accord.core.tables.reading.load_workbook", loading)


def test_a_hand_made_workbook_within_the_limits_is_read():
    content = _hand_made('<row r="2"><c r="A2" t="s"><v>0</v></c></row>', strings="<si><t>Acme</t></si>")
    assert tables.parse(TABLE, io.BytesIO(content), "o.xlsx") == [(2, {"name": "Acme"})]


def test_a_row_with_more_cells_than_the_column_limit_is_refused_unread(unread):
    # h_widecells: a true-looking dimension, then a row of millions of cells; openpyxl parsed them all.
    content = _hand_made("<row>" + "<c><v>1</v></c>" * (TABLE.max_columns + 1) + "</row>")
    error = _refusal(tables.parse, TABLE, io.BytesIO(content), "o.xlsx")
    assert error.startswith("Row 2 of the sheet has more than 6 cells or a cell past column F; an import reads "
                            "at most 6 columns: delete the columns right of the list")


def test_a_cell_past_the_column_limit_is_refused_unread(unread):
    content = _hand_made('<row r="2"><c r="XFD2"><v>1</v></c></row>')
    assert _refusal(tables.parse, TABLE, io.BytesIO(content), "o.xlsx").startswith("Row 2 of the sheet has more")


@pytest.mark.parametrize("row", ["<row/>", '<row><c t="inlineStr"><is><t>x</t></is></c></row>'],
                         ids=["empty rows", "rows without numbers"])
def test_a_sheet_without_dimension_and_more_rows_than_the_limit_is_refused_unread(unread, row):
    # h_nodim: openpyxl reads a sheet without <dimension> to its end to size it.
    content = _hand_made(row * TABLE.max_sheet_rows, dimension=None)
    error = _refusal(tables.parse, TABLE, io.BytesIO(content), "o.xlsx")
    assert error.startswith("The file has more than 6 rows, blank rows included")


def test_a_shared_strings_part_over_its_cap_is_refused_unread(unread):
    # h_zip190: one unused string of 190 MB, loaded whole by openpyxl.
    small = tables.Table(SPEC, noun="organisations", whole="the list", sheet="O", max_shared_strings_bytes=1024)
    content = _hand_made("", strings="<si><t>" + "A" * 2048 + "</t></si>")
    error = _refusal(tables.parse, small, io.BytesIO(content), "o.xlsx")
    assert error.startswith("The workbook's shared strings inflate to more than 1,024 bytes; an import of 20,000 "
                            "organisations needs less")


def test_more_shared_strings_than_the_sheet_may_have_cells_is_refused_unread(unread):
    content = _hand_made("", strings="<si><t>x</t></si>" * (TABLE.max_cells + 1))
    error = _refusal(tables.parse, TABLE, io.BytesIO(content), "o.xlsx")
    assert error.startswith("The workbook holds more than 36 shared strings, more than its sheet may have cells")


def test_a_refused_file_is_explained_in_the_readers_language():
    from django.utils import translation

    from accord.risks.io import TABLE as RISKS

    with translation.override("fr"):
        unknown = _refusal(tables.parse, TABLE, io.BytesIO(b"name,colour\nA,red\n"), "o.csv")
        empty = _refusal(tables.parse, RISKS, io.BytesIO(b"ref\n\n"), "r.csv")
        report = tables.ImportReport(rows=(tables.ImportRow(2, ImportAction.CREATE, "R-001"),), dry_run=True)
        summary = report.summary()
    assert unknown == "Colonne(s) inconnue(s) : colour. Les colonnes sont : slug, name, currency, created_at."
    assert "aucune ligne de risques" in empty and "le registre" in empty  # the table's own words, translated
    assert summary == "1 ajouté, 0 mis à jour, 0 inchangé"
