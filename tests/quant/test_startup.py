"""`accord quant simulate` as a new process loads only what its scenario needs (decision 0031).

Each test runs the command in a fresh interpreter (this one has imported Django and loaded kernels
already) and reads what that process imported and which compiled kernels it loaded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Runs `accord quant simulate FILE --out OUT` through the `accord` entry point, then reports on itself.
PROBE = """
import json, sys
from accord.cli import main
code = main(["quant", "simulate", sys.argv[1], "--out", sys.argv[2], "--threads", "1"])
from accord.quant import kernels
loaded = sorted(name for name, value in vars(kernels).items() if getattr(value, "signatures", None))
imported = sorted({name.split(".")[0] for name in sys.modules})
try:
    import scipy  # noqa: F401
    scipy_importable = True
except ImportError:
    scipy_importable = False
print(json.dumps({"code": code, "loaded": loaded, "imported": imported, "scipy_importable": scipy_importable}))
"""


def _run(tmp_path: Path, scenario: dict[str, object]) -> dict[str, object]:
    source = tmp_path / "scenario.json"
    source.write_text(json.dumps(scenario), encoding="utf-8")
    out = tmp_path / "result.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", PROBE, str(source), str(out)],
        capture_output=True, text=True, check=False, cwd=ROOT, env=env, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["code"] == 0
    assert json.loads(out.read_text(encoding="utf-8"))["inherent"]["portfolio"]["ale"] > 0
    return report


def _compound(magnitude: dict[str, object]) -> dict[str, object]:
    return {"years": 2000, "seed": 1, "risks": [{"id": "r", "frequency": {"constant": 2}, "magnitude": magnitude}]}


def test_the_quant_verb_imports_neither_django_nor_the_apps(tmp_path: Path) -> None:
    report = _run(tmp_path, _compound({"lognormal_ci90": [1000, 50000]}))
    assert "django" not in report["imported"]
    assert "ninja" not in report["imported"]


def test_the_quant_verb_does_not_import_scipy_even_where_it_is_installed(tmp_path: Path) -> None:
    report = _run(tmp_path, _compound({"lognormal_ci90": [1000, 50000]}))
    assert "scipy" not in report["imported"]
    # Hidden from Numba only while it loads: SciPy stays importable for anyone else in the process.
    assert report["scipy_importable"] is (importlib.util.find_spec("scipy") is not None)


def test_a_compound_scenario_loads_no_pert_table_kernel(tmp_path: Path) -> None:
    report = _run(tmp_path, _compound({"lognormal_ci90": [1000, 50000]}))
    assert "year_losses" in report["loaded"]
    assert "sorted_positive" in report["loaded"]
    assert "beta_envelope" not in report["loaded"]
    assert "lognormal_poisson_pmf" not in report["loaded"]
    assert "thinned_sums" not in report["loaded"]


def test_an_open_fair_scenario_with_pert_inputs_loads_the_pert_table_kernel(tmp_path: Path) -> None:
    pert = {"pert": [0.2, 0.5, 0.8]}
    scenario = {
        "years": 2000,
        "seed": 1,
        "risks": [
            {
                "id": "r",
                "fair": {
                    "tef": {"pert": [1, 2, 4]},
                    "tcap": pert,
                    "rs": pert,
                    "primary_loss": {"pert": [1000, 2000, 9000]},
                },
            }
        ],
    }
    report = _run(tmp_path, scenario)
    assert "beta_envelope" in report["loaded"]
    assert "lognormal_poisson_pmf" not in report["loaded"]


@pytest.mark.parametrize("verb", ["risk", "org", "audit"])
def test_the_other_verbs_are_still_offered(verb: str) -> None:
    from accord.cli import build_parser

    parser = build_parser()
    assert verb in parser.format_help()
