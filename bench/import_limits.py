"""Time how fast the register's import refuses hostile workbooks (`accord.risks.io.parse_upload`, in
process; docs/benchmarks.md, "Refusing hostile workbooks").

    .venv/bin/python bench/import_limits.py               # builds the three shapes below in memory
    .venv/bin/python bench/import_limits.py a.xlsx b.xlsx  # ... or times the given files

The shapes of review 10: `widecells` (a dimension of A1:D2, then one row of 12.4 M `<c><v>1</v></c>`
cells: 190 MB inflated), `nodim` (no <dimension>, 200,000 rows) and `strings190` (one unused shared string
of 190 MB). Each is also timed against a table whose inflated-size cap is raised to 1 GB, so that the
streaming scan, not the cap, refuses it. Wall and CPU seconds of one call each.
"""

from __future__ import annotations

import dataclasses
import io
import os
import sys
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
HEADER = '<row r="1">' + "".join(f'<c t="inlineStr"><is><t>{n}</t></is></c>'
                                 for n in ("title", "category", "likelihood", "impact")) + "</row>"


def workbook(sheet: str, strings: str = "") -> bytes:
    """An XLSX of one sheet (`sheet`: the worksheet's XML) and, given `strings`, a sharedStrings part."""
    sst = f'<Override PartName="/xl/sharedStrings.xml" ContentType="{TYPE}.sharedStrings+xml"/>' if strings else ""
    sst_rel = f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>' if strings else ""
    parts = {
        "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        f'ContentType="{TYPE}.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" '
        f'ContentType="{TYPE}.worksheet+xml"/>{sst}</Types>',
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet name="Risks" sheetId="1" '
        'r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>{sst_rel}</Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    if strings:
        parts["xl/sharedStrings.xml"] = strings
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text, compresslevel=9)
    return out.getvalue()


def shapes() -> dict[str, bytes]:
    wide = "<c><v>1</v></c>" * 12_400_000
    rows = "".join(f'<row><c t="inlineStr"><is><t>r{i}</t></is></c><c t="inlineStr"><is><t>strategic</t></is>'
                   "</c><c><v>2</v></c><c><v>2</v></c></row>" for i in range(200_000))
    return {
        "widecells": workbook(f'<worksheet xmlns="{MAIN}"><dimension ref="A1:D2"/><sheetData>{HEADER}'
                              f'<row r="3">{wide}</row></sheetData></worksheet>'),
        "nodim": workbook(f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER}{rows}</sheetData></worksheet>'),
        "strings190": workbook(f'<worksheet xmlns="{MAIN}"><sheetData>{HEADER}</sheetData></worksheet>',
                               f'<sst xmlns="{MAIN}"><si><t>{"A" * 190 * 1024 * 1024}</t></si></sst>'),
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accord.settings")
    os.environ.setdefault("ACCORD_DEBUG", "1")
    import django

    django.setup()
    from django.core.exceptions import ValidationError

    from accord.core import tables
    from accord.risks.io import TABLE

    files = {Path(p).name: Path(p).read_bytes() for p in sys.argv[1:]} or shapes()
    raised = dataclasses.replace(TABLE, max_inflated_bytes=1024 * 1024 * 1024)
    print("| file | KB | cap | wall s | CPU s | answer |\n|---|---:|---|---:|---:|---|")
    for name, data in files.items():
        for label, table in (("128 MB", TABLE), ("1 GB", raised)):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                answer = f"accepted {len(tables.parse(table, io.BytesIO(data), 'upload.xlsx'))} rows"
            except ValidationError as exc:
                answer = exc.message_dict["file"][0][:70] + "..."
            print(f"| {name} | {len(data) // 1024:,} | {label} | {time.perf_counter() - wall:.3f} | "
                  f"{time.process_time() - cpu:.3f} | {answer} |")


if __name__ == "__main__":
    main()
