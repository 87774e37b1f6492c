"""The layers of DESIGN.md hold: the import contracts run and catch a planted violation, and every
service follows the one calling convention `do_<verb>_<noun>(actor, org, ...)`."""

import importlib
import inspect
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import accord

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

# Services that cannot take (actor, org) first, and why.
CONVENTION_EXCEPTIONS = {
    # No organisation exists yet: it is what the service creates.
    "accord.core.services.organizations.do_create_organization",
    # Users are global (no organisation) and are created by operators or by an accepted invitation.
    "accord.core.services.members.do_create_user",
    # A person's own preference (their language): global, as the user is.
    "accord.core.services.members.do_set_user_language",
    # The invitee acts, signed in or not yet a user; the invitation names the organisation.
    "accord.core.services.invitations.do_accept_invitation",
}


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own tool on our own tree
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"}, check=False)


@pytest.fixture(scope="module")
def tree_copy(tmp_path_factory):
    if not LINT_IMPORTS.exists():
        pytest.skip("lint-imports is not installed in this environment (make install installs it)")
    tree = tmp_path_factory.mktemp("tree")
    shutil.copytree(ROOT / "accord", tree / "accord", ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_import_contracts_hold_on_the_tree(tree_copy):
    result = _lint(tree_copy)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("accord/risks/selectors.py", "import accord.risks.services.register", "Selectors and rules never import services"),
    ("accord/quant/numerics.py", "import django.db", "Engines import no Django"),
    ("accord/compliance/oscal/catalogs.py", "import django.db", "Engines import no Django"),
    ("accord/core/permissions.py", "import accord.risks.models", "Core imports no domain app"),
    ("accord/risks/rules.py", "import accord.risks.selectors", "Rules import no selectors"),
    ("accord/charts/heatmap.py", "import accord.risks.choices", "Charts import no Django, no core and no domain app"),
    ("accord/charts/svg.py", "import django.utils.html", "Charts import no Django"),
])
def test_a_planted_violation_breaks_its_contract(tree_copy, tmp_path, module, line, contract):
    planted = tmp_path / "planted"
    shutil.copytree(tree_copy, planted)
    target = planted / module
    target.write_text(target.read_text() + f"\n{line}  # planted\n")
    result = _lint(planted)
    assert result.returncode != 0
    assert f"{contract}" in result.stdout and "BROKEN" in result.stdout, result.stdout[-2000:]


def _service_functions():
    for info in pkgutil.walk_packages(accord.__path__, "accord."):
        if ".services" not in info.name or "migrations" in info.name:
            continue
        module = importlib.import_module(info.name)
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("do_") and fn.__module__ == info.name:
                yield f"{info.name}.{name}", fn


def test_every_service_takes_the_actor_then_the_organisation():
    found = dict(_service_functions())
    assert len(found) > 20  # the walk sees the services of every app
    wrong = []
    for qualname, fn in sorted(found.items()):
        if qualname in CONVENTION_EXCEPTIONS:
            continue
        params = list(inspect.signature(inspect.unwrap(fn)).parameters)
        if params[:2] != ["actor", "org"]:
            wrong.append(f"{qualname}{params[:2]}")
    assert wrong == [], "services take (actor, org, ...) first; list a deliberate exception with its reason"


def test_every_listed_exception_still_exists():
    assert set(dict(_service_functions())) >= CONVENTION_EXCEPTIONS
