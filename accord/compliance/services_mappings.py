"""Writes of mapping sets: importing a set (a file in Accord's mapping format, docs/frameworks.md) between two
frameworks the organisation has, installing a built-in one, and deleting one; each all or nothing with one
audit event (the pairs are counted in it, as a framework's requirements are in its import's event).

A built-in set is installed by itself when the second of its two frameworks is installed from its built-in
file (`do_install_builtin_mapping_sets`, called by the framework import); for frameworks installed before,
`accord mapping builtin ORG` (or `--all`) installs what is missing (decision 0051)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404

from accord.compliance import mappingfile, selectors, selectors_mappings
from accord.compliance.frameworkfile import FileInvalid
from accord.compliance.mappingfile import MappingFile
from accord.compliance.models import Framework, Requirement
from accord.compliance.models_mappings import Mapping as Pair
from accord.compliance.models_mappings import MappingSet
from accord.compliance.services import refusal
from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.models import AuditChain, Organization, User


class _Frameworks:
    """The organisation's frameworks as a mapping file's `lookup` sees them: a reference (`key` or
    `key@version`) → the ids of its requirements, or why it cannot be used; remembers what it read."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self.found: dict[str, tuple[Framework, dict[str, int]]] = {}

    def __call__(self, ref: str) -> Collection[str] | str:
        try:
            framework = selectors.access_framework(self.org, ref)
        except Http404:
            known = ", ".join(f.ref for f in selectors.frameworks(self.org)) or "(none yet)"
            return f'no framework "{ref}" is imported here; import it first (imported: {known})'
        ids = dict(Requirement.objects.for_org(self.org).filter(framework=framework).values_list("ref", "pk"))
        self.found[ref] = (framework, ids)
        return ids.keys()


@transaction.atomic
def do_import_mapping_set(actor: User | None, org: Organization, data: Mapping[str, Any], *,
                          builtin: str = "") -> MappingSet:
    """Import a mapping set (a parsed document in Accord's mapping format) between two frameworks of `org`:
    every problem refused at once, each named by its path in the document, unknown requirement ids
    included. A key the organisation already has is refused as a conflict. All or nothing; one audit event."""
    AuditChain.objects.for_org(org).select_for_update().get()  # one importer of `org` at a time
    lookup = _Frameworks(org)
    try:
        parsed: MappingFile = mappingfile.parse(data, lookup)
    except FileInvalid as exc:
        raise refusal(exc) from None
    existing = MappingSet.objects.for_org(org).filter(key=parsed.key).first()
    if existing is not None:
        raise Conflict({"key": f'The mapping set "{parsed.key}" is already here ({existing.name}); delete it first '
                               "to import it again, or give the file another key."})
    source, source_ids = lookup.found[parsed.source_framework]
    target, target_ids = lookup.found[parsed.target_framework]
    if source.pk == target.pk:
        raise ValidationError({"target_framework": f'"{parsed.target_framework}" names {source.ref}, the source '
                                                   "framework too; a set joins two frameworks"})
    mapping_set = MappingSet(organization=org, key=parsed.key, name=parsed.name, description=parsed.description,
                             source_framework=source, target_framework=target, builtin=builtin, imported_by=actor)
    mapping_set.save(force_insert=True)
    Pair.objects.for_org(org).bulk_create([
        Pair(organization=org, mapping_set=mapping_set, source_id=source_ids[p.source],
             target_id=target_ids[p.target], relationship=p.relationship, strength=p.strength)
        for p in parsed.mappings], batch_size=500)
    audit.record(org, actor, AuditAction.IMPORT, mapping_set, changes={
        "key": [None, parsed.key], "name": [None, parsed.name], "builtin": [None, builtin or None],
        "source_framework": [None, source.ref], "target_framework": [None, target.ref],
        "pairs": [None, len(parsed.mappings)]})
    return mapping_set


def do_install_builtin_mapping_set(actor: User | None, org: Organization, key: str) -> MappingSet:
    """Install the built-in mapping set `key` (a file of accord/compliance/builtin/mappings/) between the
    organisation's newest frameworks of its two keys; refused naming what is missing."""
    keys = mappingfile.builtin_keys()
    if key not in keys:
        raise ValidationError({"builtin": f"'{key}' is not a built-in mapping set; choose one of: {', '.join(keys)}."})
    return do_import_mapping_set(actor, org, mappingfile.builtin_document(key), builtin=key)


def missing_builtin_sets(org: Organization, *, joining: Framework | None = None) -> list[str]:
    """The built-in sets `org` lacks whose two frameworks it has, each the newest of its key and installed
    from its built-in file (so its ids are the ones the set was written for); with `joining`, only the sets
    that framework is one side of."""
    have = set(MappingSet.objects.for_org(org).values_list("key", flat=True))
    newest: dict[str, str] = {}
    for framework in selectors.frameworks(org):  # newest version of each key first
        newest.setdefault(framework.key, framework.builtin)
    wanted = []
    for key in mappingfile.builtin_keys():
        if key in have:
            continue
        ends = mappingfile.builtin_frameworks(key)
        if joining is not None and (joining.key not in ends or joining.builtin != joining.key):
            continue
        if all(newest.get(end) == end for end in ends):
            wanted.append(key)
    return wanted


@transaction.atomic
def do_install_builtin_mapping_sets(actor: User | None, org: Organization, *,
                                    joining: Framework | None = None) -> list[MappingSet]:
    """Install every built-in mapping set `missing_builtin_sets` names (idempotent: a set already here is
    left as it is, whoever installed it). The framework import calls it with `joining`, the framework it
    just installed, so a set someone deleted comes back only with a new framework of its own."""
    return [do_install_builtin_mapping_set(actor, org, key) for key in missing_builtin_sets(org, joining=joining)]


@transaction.atomic
def do_delete_mapping_set(actor: User | None, org: Organization, mapping_set: MappingSet) -> None:
    """Delete a mapping set and its pairs (nothing points at a set: the offers it made were only offers, and
    an accepted one is a result of its own). One audit event, with what it held."""
    found = selectors_mappings.access_mapping_set(org, mapping_set.key)
    if found.pk != mapping_set.pk:
        raise Http404("No such mapping set.")
    count, _ = Pair.objects.for_org(org).filter(mapping_set=found).delete()
    audit.record(org, actor, AuditAction.DELETE, found, changes={
        "key": [found.key, None], "name": [found.name, None], "source_framework": [found.source_framework.ref, None],
        "target_framework": [found.target_framework.ref, None], "pairs": [count, None]})
    MappingSet.objects.for_org(org).filter(pk=found.pk).delete()
