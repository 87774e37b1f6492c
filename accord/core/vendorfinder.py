"""The front-end files Accord's pages load from the npm packages, and only those.

The packages' `dist` folders hold hundreds of files (every Bootstrap variant with its source map, htmx's
extensions); collecting them all made `accord serve` hash and compress ~50 MB at every start. This finder
offers collectstatic exactly the files the templates name (and the source maps they point to, which the
manifest storage insists on finding)."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage


def _files() -> dict[str, Path]:
    """Served path → file, each file's `.map` beside it included when it exists."""
    files: dict[str, Path] = {}
    for served, source in settings.ACCORD_VENDOR_STATIC.items():
        source = Path(source)
        files[served] = source
        source_map = source.with_name(source.name + ".map")
        if source_map.is_file():
            files[served + ".map"] = source_map
    return files


class VendorFinder(BaseFinder):
    """Finds the files of `settings.ACCORD_VENDOR_STATIC` (served path → file under node_modules)."""

    def check(self, **kwargs: Any) -> list[CheckMessage]:
        return [Error(f"{source} is missing: run `make dev-install` (npm ci) first", id="accord.E010")
                for served, source in settings.ACCORD_VENDOR_STATIC.items() if not Path(source).is_file()]

    def find(self, path: str, find_all: bool = False, **kwargs: Any) -> Any:  # noqa: FBT001, FBT002 - Django's
        every = find_all or bool(kwargs.get("all"))  # Django 5.2 renamed `all` to `find_all`
        source = _files().get(path)
        if source is None or not source.is_file():
            return []  # as Django's finders answer "not here", whichever was asked
        return [str(source)] if every else str(source)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for served, source in _files().items():
            if not source.is_file():
                continue
            prefix, _, name = served.rpartition("/")
            storage = FileSystemStorage(location=str(source.parent))
            storage.prefix = prefix  # type: ignore[attr-defined]  # collectstatic copies to prefix/name
            yield name, storage
