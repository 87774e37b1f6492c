"""The translation catalogues' compilation: each accord/locale/<language>/LC_MESSAGES/django.po into the
.mo Django reads. The .mo files are not committed (decision 0034): `make install` runs this module
(`python -m accord.core.catalogues`), and so does the test run (tests/conftest.py). Needs no settings."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from accord.core.languages import LOCALE_DIR


def catalogues(roots: Iterable[Path] = (LOCALE_DIR,)) -> list[Path]:
    """Every .po file under `roots`."""
    return sorted(po for root in roots for po in Path(root).glob("*/LC_MESSAGES/*.po"))


def compile_catalogues(roots: Iterable[Path] = (LOCALE_DIR,), *, msgfmt: str = "msgfmt",
                       force: bool = False) -> list[Path]:
    """Compile each .po into its .mo beside it when the .mo is missing or older (or `force`): GNU gettext's
    msgfmt with its format checks (a msgstr whose placeholders differ from its msgid's fails), written to a
    temporary file and renamed, so that parallel test workers never read half a file. Returns the .mo
    files written."""
    written: list[Path] = []
    for po in catalogues(roots):
        mo = po.with_suffix(".mo")
        if not force and mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        fd, tmp = tempfile.mkstemp(dir=po.parent, suffix=".mo.tmp")
        os.close(fd)
        try:
            subprocess.run([msgfmt, "--check-format", "-o", tmp, str(po)], check=True,  # noqa: S603
                           capture_output=True, text=True)
            os.replace(tmp, mo)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        written.append(mo)
    if written and "django.utils.translation.trans_real" in sys.modules:
        from django.utils.translation import trans_real  # a process that already read the old catalogues

        trans_real._translations = {}  # type: ignore[attr-defined]
        trans_real._default = None  # type: ignore[attr-defined]
    return written


def main() -> int:
    """`python -m accord.core.catalogues`: compile every catalogue, saying which, one line on failure."""
    try:
        for mo in compile_catalogues(force=True):
            print(f"compiled {mo.relative_to(LOCALE_DIR.parent.parent)}")
    except FileNotFoundError:
        print("accord: error: msgfmt (GNU gettext) is missing: install the gettext package", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"accord: error: a catalogue does not compile: {exc.stderr.strip()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
