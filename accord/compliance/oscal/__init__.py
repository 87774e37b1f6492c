"""OSCAL catalogs and profiles (JSON, models 1.0.x to 1.2.x) into Accord's framework tree.

`to_framework(document, against=None)` takes a parsed OSCAL document and returns the dict of
docs/frameworks.md (`{"accord_framework": 1, "key": ..., "groups": [...]}`); decision 0042 says why it
works this way. A catalog converts on its own. A profile is first resolved against the catalog given
as `against` (an OSCAL catalog, or an Accord framework dict that was imported before) by
`resolve_profile`, which returns a resolved OSCAL catalog, and that catalog is then converted.

Pure: no Django, no files, no network. Every problem is an `OscalError` whose `errors` are
`path: problem` lines; a profile that names controls the catalog lacks raises `MissingControls`
listing every one of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from accord.compliance.oscal.catalogs import as_catalog, convert
from accord.compliance.oscal.common import Json, MissingControls, OscalError, all_controls, check_version, title_of
from accord.compliance.oscal.profiles import resolve_profile

__all__ = ["MissingControls", "OscalError", "all_controls", "resolve_profile", "to_framework"]


def to_framework(document: Mapping[str, Any] | str | bytes, against: Mapping[str, Any] | str | bytes | None = None,
                 *, key: str | None = None) -> Json:
    """Convert an OSCAL catalog, or a profile resolved against `against`, into an Accord framework dict.

    `key` names the framework; without it the key is made from the document's title.
    """
    root = _parse(document, "document")
    if "catalog" in root:
        if against is not None:
            raise OscalError(["against: only a profile is resolved against a catalog; this document is a catalog"])
        catalog = root["catalog"]
        check_version(catalog, "catalog")
        return convert(catalog, key=key, description=None)
    if "profile" in root:
        if against is None:
            raise OscalError(["against: a profile selects controls from a catalog; give the catalog it imports "
                              "(the CLI's --against KEY)"])
        base = as_catalog(_parse(against, "against"))
        resolved = resolve_profile(root, base)["catalog"]
        title = title_of(root["profile"])
        return convert(resolved, key=key,
                        description=f"Profile '{title}' resolved against the catalog '{title_of(base['catalog'])}'.")
    raise OscalError(["document: neither an OSCAL catalog nor an OSCAL profile (no 'catalog' or 'profile' key)"])


def _parse(document: Mapping[str, Any] | str | bytes, where: str) -> Json:
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except ValueError as exc:
            raise OscalError([f"{where}: not JSON ({exc})"]) from exc
    if not isinstance(document, Mapping):
        raise OscalError([f"{where}: a JSON object is needed, got {type(document).__name__}"])
    return dict(document)
