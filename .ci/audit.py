"""The dependency audit of .ci/run: every pinned package (constraints.txt) and everything installed in
.venv, checked against known vulnerabilities; fails on any that .ci/audit-allow.txt does not list with a
written reason.

Run by .ci/audit with the Python of a throwaway virtual environment that holds pip-audit (pinned there).
pip-audit asks the package registry's advisory service about each pinned version. Where the registry
cannot answer (a mirror without the per-version JSON API, no route to the advisory service), the same
versions are checked against an extract of the PyPA advisory database named by ACCORD_ADVISORY_SNAPSHOT,
if there is one. The extract is other people's data, so it is never committed: write it outside the
repository with `python .ci/audit.py --refresh-from CHECKOUT --out FILE` from a checkout of that database.
The script says which source answered for which package; a package no source answered for is listed as
NOT CHECKED (the audit cannot fail on what it cannot see, and says so), never silently passed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from packaging.version import InvalidVersion, Version

HERE = Path(__file__).resolve().parent
ALLOW = HERE / "audit-allow.txt"
SNAPSHOT_ENV = "ACCORD_ADVISORY_SNAPSHOT"


def snapshot() -> Path | None:
    """The advisory extract named by ACCORD_ADVISORY_SNAPSHOT, or None."""
    value = os.environ.get(SNAPSHOT_ENV, "").strip()
    if not value:
        return None
    path = Path(value)
    if not path.is_file():
        sys.exit(f"{SNAPSHOT_ENV}={value}: no such file")
    return path


def allowed() -> dict[str, str]:
    """Vulnerability id (or alias) -> the written reason it is accepted; an entry without a reason fails."""
    reasons: dict[str, str] = {}
    for number, line in enumerate(ALLOW.read_text().splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        vuln, _, reason = line.partition(" ")
        if not reason.strip():
            sys.exit(f"{ALLOW.name}:{number}: {vuln} has no reason; write why it is accepted, or remove it")
        reasons[vuln] = reason.strip()
    return reasons


def pinned(requirements: Path) -> dict[str, str]:
    """name (normalised) -> version, from `name==version` lines."""
    pins = {}
    for line in requirements.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if "==" in line:
            name, _, version = line.partition("==")
            pins[name.strip().lower().replace("_", "-").replace(".", "-")] = version.strip()
    return pins


def pip_audit(requirements: Path) -> tuple[list[tuple[str, str, str, list[str], list[str]]], set[str]]:
    """(name, version, id, aliases, fixed versions) of each vulnerability the registry's service names, and the
    packages it could not answer for."""
    done = subprocess.run(  # noqa: S603 - a fixed command line of our own
        [sys.executable, "-m", "pip_audit", "--disable-pip", "--no-deps", "--progress-spinner", "off",
         "--format", "json", "-r", str(requirements)],
        capture_output=True, text=True, check=False,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        sys.exit(f"pip-audit failed on {requirements.name}:\n{done.stderr.strip()}")
    found, unanswered = [], set()
    for dep in report.get("dependencies", []):
        name = dep["name"].lower().replace("_", "-").replace(".", "-")
        if "skip_reason" in dep:
            unanswered.add(name)
            continue
        for vuln in dep.get("vulns", []):
            found.append((name, dep["version"], vuln["id"], vuln.get("aliases", []), vuln.get("fix_versions", [])))
    return found, unanswered


def _affected(version: str, ranges: list[list[str | None]]) -> bool:
    try:
        v = Version(version)
    except InvalidVersion:
        return False
    for introduced, fixed, last in ranges:
        if introduced not in (None, "0") and v < Version(introduced):
            continue
        if fixed is not None and v >= Version(fixed):
            continue
        if last is not None and v > Version(last):
            continue
        return True
    return False


def from_snapshot(path: Path, pins: dict[str, str], names: set[str]) -> tuple[
        list[tuple[str, str, str, list[str], list[str]]], set[str]]:
    """The same answer as `pip_audit`, from the PyPA extract at `path`, for `names`."""
    data = json.loads(path.read_text())["packages"]
    found, unknown = [], set()
    for name in sorted(names):
        if name not in data:
            unknown.add(name)
            continue
        for vuln in data[name]:
            if _affected(pins[name], vuln["ranges"]):
                fixed = sorted({r[1] for r in vuln["ranges"] if r[1]})
                found.append((name, pins[name], vuln["id"], vuln["aliases"], fixed))
    return found, unknown


def audit(requirements: Path, reasons: dict[str, str]) -> bool:
    pins = pinned(requirements)
    found, unanswered = pip_audit(requirements)
    print(f"{requirements.name}: {len(pins)} pinned packages; the registry's advisory service answered for "
          f"{len(pins) - len(unanswered)}", end="")
    unknown: set[str] = set(unanswered)
    extract = snapshot()
    if unanswered and extract is not None:
        more, unknown = from_snapshot(extract, pins, unanswered)
        found += more
        date = json.loads(extract.read_text())["as_of"]
        print(f", the PyPA advisory database of {date} for {len(unanswered) - len(unknown)}", end="")
    print()
    if unknown:
        print(f"  NOT CHECKED ({len(unknown)}), no advisory source answered for: {', '.join(sorted(unknown))}")
        if extract is None:
            print(f"  (set {SNAPSHOT_ENV} to an extract of the PyPA advisory database to check them offline)")
    ok = True
    for name, version, vuln, aliases, fixed in found:
        accepted = next((reasons[i] for i in (vuln, *aliases) if i in reasons), None)
        fix = f"; fixed in {', '.join(fixed)}" if fixed else "; no fixed version yet"
        if accepted:
            print(f"  accepted {name} {version}: {vuln} ({', '.join(aliases)}){fix} - {accepted}")
        else:
            print(f"  VULNERABLE {name} {version}: {vuln} ({', '.join(aliases)}){fix}")
            ok = False
    return ok


def refresh(checkout: Path, out: Path) -> None:
    """Write the extract to `out` from a checkout of the PyPA advisory database."""
    import yaml  # only for a refresh: pip install pyyaml into the same throwaway environment

    packages: dict[str, list[dict[str, object]]] = {}
    newest = ""
    for path in sorted((checkout / "vulns").glob("*/*.yaml")):
        doc = yaml.safe_load(path.read_text())
        if doc.get("withdrawn"):
            continue
        newest = max(newest, str(doc.get("modified", "")))
        for affected in doc.get("affected", []):
            name = affected["package"]["name"].lower().replace("_", "-").replace(".", "-")
            ranges = []
            for r in affected.get("ranges", []):
                if r.get("type") != "ECOSYSTEM":
                    continue
                start = fixed = last = None
                for event in r.get("events", []):
                    if "introduced" in event:
                        if start is not None or fixed is not None or last is not None:
                            ranges.append([start, fixed, last])
                            fixed = last = None
                        start = str(event["introduced"])
                    fixed = str(event["fixed"]) if "fixed" in event else fixed
                    last = str(event["last_affected"]) if "last_affected" in event else last
                ranges.append([start, fixed, last])
            if ranges:
                packages.setdefault(name, []).append({"id": doc["id"], "aliases": doc.get("aliases", []),
                                                      "ranges": ranges})
    out.write_text(json.dumps({"source": "PyPA advisory database (github.com/pypa/advisory-database)",
                                    "as_of": newest[:10], "packages": packages}, separators=(",", ":"),
                                   sort_keys=True) + "\n")
    print(f"{out}: {sum(len(v) for v in packages.values())} advisories of {len(packages)} packages, "
          f"as of {newest[:10]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("requirements", nargs="*", type=Path, help="pinned requirement files to audit")
    parser.add_argument("--refresh-from", type=Path, metavar="CHECKOUT",
                        help="write an advisory extract from a checkout of the PyPA advisory database")
    parser.add_argument("--out", type=Path, help="where --refresh-from writes (outside the repository)")
    args = parser.parse_args()
    if args.refresh_from:
        if args.out is None:
            parser.error("--refresh-from needs --out FILE (outside the repository)")
        refresh(args.refresh_from, args.out)
        return 0
    reasons = allowed()
    results = [audit(path, reasons) for path in args.requirements]
    if not all(results):
        print("dependency audit: known vulnerabilities above; upgrade the pin in constraints.txt, or list the id "
              f"in .ci/{ALLOW.name} with the reason it does not apply")
        return 1
    print("dependency audit: no known vulnerability without a written reason among the packages checked"
          " (any NOT CHECKED are listed above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
