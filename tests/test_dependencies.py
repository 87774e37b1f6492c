"""What the installed package depends on: only what runs in production, at pins the audit checks."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
TOOLS = {"pytest", "pytest-django", "pytest-xdist", "playwright", "ruff", "import-linter", "mypy", "django-stubs",
         "types-openpyxl", "pip-audit", "schemathesis", "pypdf", "django-oauth-toolkit", "locust", "pyfair",
         "setuptools", "wheel", "coverage", "compliance-trestle"}


def _name(text: str) -> str:
    return re.sub(r"[-_.]+", "-", text).lower()


def _pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    return {_name(line.split("==")[0]): line.split("==")[1].strip() for line in lines if "==" in line}


def test_the_runtime_dependencies_hold_no_test_lint_or_typing_tool():
    runtime = {_name(Requirement(r).name) for r in PROJECT["project"]["dependencies"]}
    assert runtime.isdisjoint(TOOLS), runtime & TOOLS
    assert not any(name.startswith(("pytest", "types-")) for name in runtime)


def test_the_test_and_lint_tools_are_dev_extras():
    dev = {_name(Requirement(r).name) for r in PROJECT["project"]["optional-dependencies"]["dev"]}
    assert {"pytest", "pytest-django", "ruff", "mypy", "import-linter"} <= dev


def test_the_build_backend_asks_for_a_setuptools_without_known_advisories():
    (setuptools,) = [Requirement(r) for r in PROJECT["build-system"]["requires"] if r.startswith("setuptools")]
    assert Version("78.1.0") not in setuptools.specifier
    assert Version("78.1.1") in setuptools.specifier


def test_the_pinned_set_pins_every_runtime_dependency_within_its_range():
    pins = _pins()
    for text in PROJECT["project"]["dependencies"]:
        requirement = Requirement(text)
        name = _name(requirement.name)
        assert name in pins, f"{name} is not pinned in constraints.txt (make constraints)"
        assert Version(pins[name]) in requirement.specifier, f"{name}=={pins[name]} is outside {requirement}"
    assert Version(pins["setuptools"]) >= Version("78.1.1")


def test_every_accepted_vulnerability_has_a_written_reason():
    for line in (ROOT / ".ci" / "audit-allow.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            vuln, _, reason = line.strip().partition(" ")
            assert len(reason.split()) >= 3, f"{vuln} in .ci/audit-allow.txt needs the reason it is accepted"
