"""Benchmark the register report (PDF): the whole `accord report register` process, and in-process.

    .venv/bin/python bench/reports.py                 # the demo data in a temporary directory; prints Markdown
    .venv/bin/python bench/reports.py --update-docs   # ... and rewrites "## PDF reports" in docs/benchmarks.md
    .venv/bin/python bench/reports.py --runs 3 --orgs nordpay

`accord demo --no-serve` loads the demo organisations into SQLite under a temporary ACCORD_VAR_DIR, with
the file cache there (as `accord serve` has it), so the simulation is computed once and every later
process reads it, as on a real installation. Then, per organisation:

* whole process: `accord report register ORG --out FILE.pdf` as a user runs it (interpreter start,
  Django set-up, WeasyPrint's import, the selectors, the PDF), the first run and the median of `--runs`
  more, with the largest resident memory of those processes;
* in process: after one warm-up, the median of `--runs` renders split into gathering the content
  (`Report.build`: the selectors and the chart), the HTML (the templates) and the PDF (WeasyPrint).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## PDF reports"
ORGS = ("nordpay", "harbour-health", "brightcart")


def environment(var_dir: str) -> dict[str, str]:
    return {**os.environ, "ACCORD_VAR_DIR": var_dir, "ACCORD_DEBUG": "0", "ACCORD_HTTPS": "0",
            "ACCORD_ALLOWED_HOSTS": "testserver", "ACCORD_CACHE": "file", "DJANGO_SETTINGS_MODULE": "accord.settings",
            "ACCORD_DATABASE_URL": f"sqlite:///{var_dir}/bench.sqlite3", "PYTHONPATH": str(ROOT),
            "ACCORD_SECRET_KEY": "bench-only-secret-key-that-is-long-enough-0123456789"}


#: The largest resident memory (KiB) of any `accord report` process so far (from wait4's rusage).
PEAK = {"report": 0}


def accord(env: dict[str, str], *args: str) -> float:
    """Run `accord ARGS` as a whole process; its wall time in seconds."""
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "accord.cli", *args], env=env, cwd=ROOT,  # noqa: S603 - ours
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"accord {' '.join(args)} exited {child.returncode}")
    if args[0] == "report":
        PEAK["report"] = max(PEAK["report"], usage.ru_maxrss)
    return elapsed


def import_seconds(env: dict[str, str]) -> float:
    code = "import time; t = time.perf_counter(); import weasyprint; print(time.perf_counter() - t)"
    return float(subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,  # noqa: S603
                                text=True).stdout)


def whole_process(env: dict[str, str], org: str, out: Path, runs: int) -> dict[str, float]:
    first = accord(env, "report", "register", org, "--out", str(out))
    times = [accord(env, "report", "register", org, "--out", str(out)) for _ in range(runs)]
    return {"first": first, "median": statistics.median(times), "bytes": out.stat().st_size}


def in_process(org_slug: str, runs: int) -> dict[str, float]:
    from pypdf import PdfReader

    from accord.core import reports
    from accord.core.selectors import organization_by_slug

    org = organization_by_slug(org_slug)
    report = reports.get("register")
    reports.render_pdf(org, "register")  # warm-up: imports, templates, the cached simulation
    phases: dict[str, list[float]] = {"build": [], "html": [], "pdf": [], "total": []}
    pdf = b""
    for _ in range(runs):
        t0 = time.perf_counter()
        document = report.build(org)
        t1 = time.perf_counter()
        html = reports.render_html(org, report, document)
        t2 = time.perf_counter()
        pdf = reports.html_to_pdf(html)
        t3 = time.perf_counter()
        for name, value in (("build", t1 - t0), ("html", t2 - t1), ("pdf", t3 - t2), ("total", t3 - t0)):
            phases[name].append(value)
    result = {name: statistics.median(values) for name, values in phases.items()}
    result["pages"] = len(PdfReader(io.BytesIO(pdf)).pages)
    result["risks"] = len(document.context["risks"])
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--orgs", default=",".join(ORGS))
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()
    orgs = [o for o in args.orgs.split(",") if o]
    with tempfile.TemporaryDirectory(prefix="accord-bench-reports-") as var_dir:
        env = environment(var_dir)
        demo = accord(env, "demo", "--no-serve")
        weasy = statistics.median(import_seconds(env) for _ in range(3))
        outside = {org: whole_process(env, org, Path(var_dir) / f"{org}.pdf", args.runs) for org in orgs}
        memory_kib = PEAK["report"]
        os.environ.update(env)
        import django

        django.setup()
        inside = {org: in_process(org, args.runs) for org in orgs}
    import weasyprint

    lines = [
        SECTION, "",
        f"Measured by `bench/reports.py` ({time.strftime('%Y-%m-%d')}): the demo data (`accord demo --no-serve`, "
        f"{demo:.0f} s) in SQLite under a temporary directory with the file cache, so the simulation is computed "
        "once and read by every later process. Whole process: `accord report register ORG --out FILE.pdf` as a "
        f"user runs it, the first run and the median of {args.runs} more. In process: the median of "
        f"{args.runs} renders after a warm-up, split into gathering the content (the selectors and the chart), "
        "the HTML (the templates) and the PDF (WeasyPrint).", "",
        f"- CPU: {platform.processor() or platform.machine()}, {os.cpu_count()} logical cores, shared with other "
        "work while measured (figures vary by tens of per cent from run to run)",
        f"- Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}; Linux {platform.release()}",
        f"- importing WeasyPrint alone, in a fresh interpreter: {ms(weasy)} (median of 3)", "",
        "| organisation | risks | pages | whole process, first | whole process, median | in process: content "
        "| HTML | PDF | total |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for org in orgs:
        o, i = outside[org], inside[org]
        lines.append(f"| {org} | {i['risks']:.0f} | {i['pages']:.0f} | {o['first']:.2f} s | {o['median']:.2f} s "
                     f"| {ms(i['build'])} | {ms(i['html'])} | {ms(i['pdf'])} | {ms(i['total'])} |")
    lines += ["", f"Largest resident memory of an `accord report` process: {memory_kib / 1024:,.0f} MiB "
              "(`wait4`).", ""]
    report = "\n".join(lines)
    print(report)
    if args.update_docs:
        text = DOCS.read_text()
        pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
        text = pattern.sub(report + "\n", text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + report
        DOCS.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
