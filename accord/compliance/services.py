"""Writes of the compliance app: importing a framework into an organisation (from a document in Accord's
format, or a built-in file), all or nothing, with one audit event per import.

A framework is imported once per (key, version) and never changed afterwards (decision 0041): a second
import of the same version is refused with a conflict, a new version is imported beside the old one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from accord.compliance import frameworkfile
from accord.compliance.frameworkfile import FileInvalid, FrameworkFile
from accord.compliance.models import Framework, Group, Requirement
from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.models import AuditChain, Organization, User


def refusal(exc: FileInvalid) -> ValidationError:
    """A file's problems as a service refusal: one field per path of the file, every problem kept."""
    fields: dict[str, list[str]] = {}
    for path, problem in exc.problems:
        fields.setdefault(path, []).append(problem)
    return ValidationError(fields)


def parse_framework(data: Mapping[str, Any]) -> FrameworkFile:
    """Validate a parsed document; its problems as a `ValidationError` naming each path."""
    try:
        return frameworkfile.parse(data)
    except FileInvalid as exc:
        raise refusal(exc) from None


#: Rows per insert step of an import (the database may split a step further); the CLI's progress moves by it.
PROGRESS_BATCH = 500


class _Tree:
    """The rows of one framework's tree, built depth first with the positions and ends of decision 0041."""

    def __init__(self, org: Organization, framework: Framework) -> None:
        self.org, self.framework = org, framework
        self.position = 0
        self.groups: list[Group] = []
        self.requirements: list[Requirement] = []

    def group(self, item: frameworkfile.Group, parent: Group | None, depth: int) -> None:
        row = Group(organization=self.org, framework=self.framework, parent=parent, ref=item.id,
                    oscal_id=item.oscal_id, title=item.title, description=item.description, depth=depth,
                    position=self.position, end=self.position)
        self.groups.append(row)
        self.position += 1
        for sub in item.groups:
            self.group(sub, row, depth + 1)
        for requirement in item.requirements:
            self.requirement(requirement, row, None, depth + 1)
        row.end = self.position - 1

    def requirement(self, item: frameworkfile.Requirement, group: Group, parent: Requirement | None,
                    depth: int) -> None:
        row = Requirement(
            organization=self.org, framework=self.framework, group=group, parent=parent, ref=item.id,
            oscal_id=item.oscal_id, title=item.title, description=item.description, guidance=item.guidance,
            evidence=list(item.evidence), objectives=list(item.objectives),
            assessable=item.assessable, parameters=[p.as_dict() for p in item.parameters], depth=depth,
            position=self.position)
        self.requirements.append(row)
        self.position += 1
        for sub in item.requirements:
            self.requirement(sub, group, row, depth + 1)

    def save(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Insert level by level, parents first, so each row's parent has its id (a few queries per tree);
        `progress(done, total)` is told after each batch of rows."""
        self.total = len(self.groups) + len(self.requirements)
        self.done = 0
        self._insert(Group.objects.for_org(self.org), self.groups, progress)
        self._insert(Requirement.objects.for_org(self.org), self.requirements, progress)

    def _insert(self, manager: Any, rows: list[Any], progress: Callable[[int, int], None] | None) -> None:
        for depth in sorted({row.depth for row in rows}):
            level = [row for row in rows if row.depth == depth]
            for start in range(0, len(level), PROGRESS_BATCH):
                batch = level[start:start + PROGRESS_BATCH]
                manager.bulk_create(batch)
                self.done += len(batch)
                if progress is not None:
                    progress(self.done, self.total)


@transaction.atomic
def do_import_framework(actor: User | None, org: Organization, data: FrameworkFile | Mapping[str, Any], *,
                        builtin: str = "", progress: Callable[[int, int], None] | None = None) -> Framework:
    """Import a framework into `org`: a validated `FrameworkFile`, or a document in Accord's format (every
    problem refused at once, each named by its path in the document). All or nothing; one audit event. A
    (key, version) the organisation already has is refused as a conflict: imported frameworks are never
    overwritten. `progress(done, total)` is told as the rows are written."""
    framework_file = data if isinstance(data, FrameworkFile) else parse_framework(data)
    AuditChain.objects.for_org(org).select_for_update().get()  # one importer of `org` at a time
    existing = Framework.objects.for_org(org).filter(key=framework_file.key, version=framework_file.version).first()
    if existing is not None:
        raise Conflict({"version": f"{existing.name} version {existing.version} is already imported (as "
                                   f"{existing.ref}); an imported framework is never overwritten: give the file "
                                   "another version to import it beside this one."})
    framework = Framework(
        organization=org, key=framework_file.key, name=framework_file.name, version=framework_file.version,
        publisher=framework_file.publisher, description=framework_file.description,
        licence_note=framework_file.licence_note, source=framework_file.source, builtin=builtin, imported_by=actor)
    framework.save(force_insert=True)
    tree = _Tree(org, framework)
    for group in framework_file.groups:
        tree.group(group, None, 0)
    tree.save(progress)
    counts = frameworkfile.count(framework_file)
    audit.record(org, actor, AuditAction.IMPORT, framework, changes={
        "key": [None, framework.key], "version": [None, framework.version], "name": [None, framework.name],
        "builtin": [None, builtin or None], "groups": [None, counts.groups],
        "requirements": [None, counts.requirements]})
    if builtin:  # the built-in mapping sets this framework completes come with it (decision 0051)
        from accord.compliance import services_mappings  # which imports this module

        services_mappings.do_install_builtin_mapping_sets(actor, org, joining=framework)
    return framework


def do_install_builtin_framework(actor: User | None, org: Organization, key: str) -> Framework:
    """Import the built-in framework `key` (a file of accord/compliance/builtin/) into `org`."""
    keys = frameworkfile.builtin_keys()
    if key not in keys:
        raise ValidationError({"builtin": f"'{key}' is not a built-in framework; choose one of: {', '.join(keys)}."})
    try:
        framework_file = frameworkfile.load_builtin(key)
    except FileInvalid as exc:  # a test keeps every built-in valid; say which if one is not
        raise ValidationError({"builtin": f"The built-in framework '{key}' is invalid: {exc}"}) from None
    return do_import_framework(actor, org, framework_file, builtin=key)
