"""Time the conversion of NIST's HIGH catalog (`accord.compliance.oscal.to_framework`; docs/benchmarks.md,
"OSCAL import").

    .venv/bin/python bench/oscal_import.py              # the HIGH catalog from shared/fixtures/oscal/
    .venv/bin/python bench/oscal_import.py CATALOG.json [PROFILE.json]

Two measures: the whole process, cold (a fresh `python -c` that imports the module, reads the file, parses
the JSON and converts it; median of 7 runs, wall seconds), and in process the JSON parse and the conversion
alone (median of 20 after one warm-up). With a profile, the profile resolved against the catalog is timed
too. The fixtures folder is found as the tests find it (ACCORD_OSCAL_FIXTURES, or shared/fixtures/oscal/
beside the repository).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from accord.compliance import oscal  # noqa: E402 - after the path is set

HIGH = "NIST_SP-800-53_rev5_HIGH-baseline-resolved-profile_catalog-min.json"
MODERATE = "NIST_SP-800-53_rev5_MODERATE-baseline_profile-min.json"
COLD = ("import json, sys; from accord.compliance import oscal; "
        "fw = oscal.to_framework(json.loads(open(sys.argv[1], 'rb').read())); print(len(fw['groups']))")


def fixtures() -> Path:
    if os.environ.get("ACCORD_OSCAL_FIXTURES"):
        return Path(os.environ["ACCORD_OSCAL_FIXTURES"])
    for parent in ROOT.parents:
        if (parent / "shared" / "fixtures" / "oscal").is_dir():
            return parent / "shared" / "fixtures" / "oscal"
    sys.exit("no shared/fixtures/oscal/ beside the repository; give the catalog's path")


def median_of(runs: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def count(framework: dict) -> int:
    def walk(node: dict) -> int:
        return sum(1 + walk(r) for r in node.get("requirements", [])) + sum(walk(g) for g in node.get("groups", []))
    return walk(framework)


def main(argv: list[str]) -> None:
    catalog_path = Path(argv[0]) if argv else fixtures() / HIGH
    profile_path = Path(argv[1]) if len(argv) > 1 else (None if argv else fixtures() / MODERATE)
    raw = catalog_path.read_bytes()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}

    def cold() -> None:
        subprocess.run([sys.executable, "-c", COLD, str(catalog_path)], check=True, env=env,  # noqa: S603
                       capture_output=True)

    def bare() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)

    document = json.loads(raw)
    framework = oscal.to_framework(document)
    print(f"{catalog_path.name}: {len(raw) / 1e6:.1f} MB, {count(framework)} requirements")
    print(f"cold process (import, read, parse, convert): {median_of(7, cold):.3f} s "
          f"(a bare interpreter start: {median_of(7, bare):.3f} s)")
    print(f"in process: JSON parse {median_of(20, lambda: json.loads(raw)) * 1000:.1f} ms, "
          f"conversion {median_of(20, lambda: oscal.to_framework(document)) * 1000:.1f} ms")
    if profile_path is not None:
        profile = json.loads(profile_path.read_bytes())
        resolved = oscal.to_framework(profile, against=document)
        took = median_of(20, lambda: oscal.to_framework(profile, against=document))
        print(f"{profile_path.name} resolved against it: {count(resolved)} requirements, {took * 1000:.1f} ms")


if __name__ == "__main__":
    main(sys.argv[1:])
