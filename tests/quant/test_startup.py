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
importable = []
for name in ("scipy", "cffi", "yaml"):
    try:
        __import__(name)
        importable.append(name)
    except ImportError:
        pass
from numba.core import config
misses = {name: len(getattr(kernels, name).stats.cache_misses) for name in loaded}
hits = {name: sum(getattr(kernels, name).stats.cache_hits.values()) for name in loaded}
nrt = {name: getattr(kernels, name).targetoptions.get("_nrt", True) for name in loaded}
print(json.dumps({"code": code, "loaded": loaded, "imported": imported, "importable": importable,
                  "color_scheme": config.COLOR_SCHEME, "misses": misses, "hits": hits, "nrt": nrt}))
"""


def _run(tmp_path: Path, scenario: dict[str, object], cwd: Path = ROOT) -> dict[str, object]:
    source = tmp_path / "scenario.json"
    source.write_text(json.dumps(scenario), encoding="utf-8")
    out = tmp_path / "result.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(  # noqa: S603 - this interpreter, a fixed script
        [sys.executable, "-c", PROBE, str(source), str(out)],
        capture_output=True, text=True, check=False, cwd=cwd, env=env, timeout=600,
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
    assert ("scipy" in report["importable"]) is (importlib.util.find_spec("scipy") is not None)


@pytest.mark.parametrize("package", ["cffi", "yaml", "pycparser"])
def test_the_quant_verb_does_not_import_numbas_optional_cffi_and_yaml(tmp_path: Path, package: str) -> None:
    report = _run(tmp_path, _compound({"lognormal_ci90": [1000, 50000]}))
    assert package not in report["imported"]
    if package != "pycparser":
        assert (package in report["importable"]) is (importlib.util.find_spec(package) is not None)


@pytest.mark.skipif(importlib.util.find_spec("yaml") is None, reason="Numba reads its config file with PyYAML")
def test_a_numba_config_file_in_the_working_directory_still_applies(tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / ".numba_config.yaml").write_text("color_scheme: light_bg\n", encoding="utf-8")
    report = _run(tmp_path, _compound({"lognormal_ci90": [1000, 50000]}), cwd=folder)
    assert report["color_scheme"] == "light_bg"
    assert "yaml" in report["imported"]


def test_the_event_loops_are_compiled_without_numbas_runtime() -> None:
    from accord.quant import kernels

    for kernel in (kernels.fill, kernels.alias_counts, kernels.year_losses):
        assert kernel.targetoptions["_nrt"] is False


def test_a_new_process_loads_its_kernels_from_the_cache(tmp_path: Path) -> None:
    scenario = _compound({"lognormal_ci90": [1000, 50000]})
    _run(tmp_path, scenario)  # compiles (and caches) whatever the cache lacks
    report = _run(tmp_path, scenario)
    assert {"alias_counts", "year_losses"} <= set(report["loaded"])
    assert report["nrt"]["year_losses"] is False
    for name in report["loaded"]:
        assert report["misses"][name] == 0, name
        assert report["hits"][name] >= 1, name


@pytest.mark.parametrize("verb", ["risk", "org", "audit"])
def test_the_other_verbs_are_still_offered(verb: str) -> None:
    from accord.cli import build_parser

    parser = build_parser()
    assert verb in parser.format_help()
