"""The tests' own assertions stay sharp: ruff requires `match=` on every `pytest.raises` (PT011 with
`raises-require-match-for = ["*"]` in pyproject.toml); this catches what ruff lets through."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
BROAD = {"Exception", "BaseException"}


def _raises_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "raises":
            yield node


def test_no_test_expects_any_exception_at_all():
    broad = []
    for path in sorted(TESTS.rglob("*.py")):
        for call in _raises_calls(ast.parse(path.read_text(), str(path))):
            names = {a.id for a in call.args[:1] if isinstance(a, ast.Name)}
            if names & BROAD:
                broad.append(f"{path.relative_to(TESTS.parent)}:{call.lineno}")
    assert broad == [], "name the exception the code raises, not Exception"
