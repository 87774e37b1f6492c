"""README.md says what Accord does today and what is coming, and stays true as apps land: an app that
exists leaves the "Coming" list, and one that does not exist is not described as done."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

SET_UP = """# Accord

```sh
make demo   # installs everything, loads demo data into ./var/accord.sqlite3, serves http://127.0.0.1:8000
make test   # installs what the tests need, then lint, type checks, migrations check and the whole test suite
```
"""

# The planned apps of DESIGN.md and the words the "Coming" list names them by.
PLANNED = {"compliance": "controls", "privacy": "record of processing", "incidents": "incidents",
           "policies": "policies", "portfolio": "IT portfolio", "budget": "budget"}


def _coming() -> str:
    start = README.index("\nComing")
    return README[start:README.index("\n\n", README.index("\n- ", start))]


def test_the_two_set_up_commands_open_the_readme_unchanged():
    assert README.startswith(SET_UP)


@pytest.mark.parametrize(("app", "words"), PLANNED.items())
def test_a_planned_app_is_listed_as_coming_until_it_exists(app, words):
    # An app exists once it is a Django app; content written ahead of it (the built-in framework
    # files under accord/compliance/builtin/) does not make it one.
    exists = (ROOT / "accord" / app / "apps.py").is_file()
    assert (words in _coming()) != exists, (
        f"accord/{app} {'exists' if exists else 'does not exist'}: "
        f"{'move it from' if exists else 'list it under'} README's Coming list")
