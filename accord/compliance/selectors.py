"""Reads of the organisation's frameworks, always for one organisation: the list with counts, one framework
(`access_framework`: another organisation's answers 404 like a missing one), its whole tree in two queries
whatever its size, and its requirements filtered by text or id and by group."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from accord.compliance.models import Framework, Group, Requirement
from accord.core import history
from accord.core.models import Organization


def _count_of(org: Organization, model: type[Group] | type[Requirement], **conditions: object) -> Coalesce:
    rows = (model.objects.for_org(org).filter(framework=OuterRef("pk"), **conditions).order_by()
            .values("framework").annotate(n=Count("pk")).values("n"))
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def frameworks(org: Organization) -> QuerySet[Framework]:
    """The organisation's frameworks by key (newest version first), each with `group_count`,
    `requirement_count` and `assessable_count` (one query)."""
    return (Framework.objects.for_org(org).select_related("imported_by")
            .annotate(group_count=_count_of(org, Group), requirement_count=_count_of(org, Requirement),
                      assessable_count=_count_of(org, Requirement, assessable=True))
            .order_by("key", "-imported_at", "-pk"))


def access_framework(org: Organization, ref: str) -> Framework:
    """The framework `ref` names: `key@version`, or `key` alone for the newest version imported of that key.
    A missing framework and another organisation's answer the same 404."""
    key, _, version = ref.partition("@")
    found = frameworks(org).filter(key=key)
    if version:
        found = found.filter(version=version)
    framework = found.first()
    if framework is None:
        raise Http404("No such framework.")
    return framework


def groups(org: Organization, framework: Framework) -> QuerySet[Group]:
    """Every group of `framework`, depth first in file order, with its parent (one query)."""
    return Group.objects.for_org(org).filter(framework=framework).select_related("parent").order_by("position")


@dataclass
class RequirementNode:
    requirement: Requirement
    children: list[RequirementNode] = field(default_factory=list)


@dataclass
class GroupNode:
    group: Group
    groups: list[GroupNode] = field(default_factory=list)
    requirements: list[RequirementNode] = field(default_factory=list)


@dataclass
class FrameworkTree:
    """A framework's groups and requirements as nested nodes, in file order."""

    framework: Framework
    groups: list[GroupNode]


def framework_tree(org: Organization, framework: Framework) -> FrameworkTree:
    """The whole tree of `framework` (of `org`): two queries, however many requirements it holds."""
    if framework.organization_id != org.pk:
        raise Http404("No such framework.")
    group_nodes: dict[int, GroupNode] = {}
    top: list[GroupNode] = []
    for group in groups(org, framework):
        node = group_nodes[group.pk] = GroupNode(group)
        (group_nodes[group.parent_id].groups if group.parent_id else top).append(node)
    requirement_nodes: dict[int, RequirementNode] = {}
    for requirement in requirements(org, framework).order_by("position"):
        rnode = requirement_nodes[requirement.pk] = RequirementNode(requirement)
        if requirement.parent_id:
            requirement_nodes[requirement.parent_id].children.append(rnode)
        else:
            group_nodes[requirement.group_id].requirements.append(rnode)
    return FrameworkTree(framework, top)


@dataclass(frozen=True)
class RequirementFilter:
    """What the requirement search takes on every front: text or id (`q`) and a group's id (`group`)."""

    q: str = ""
    group: str = ""


def requirements(org: Organization, framework: Framework,
                 filters: RequirementFilter | None = None) -> QuerySet[Requirement]:
    """The requirements of `framework` in file order; `filters.q` matches the id or the text, `filters.group`
    keeps those under that group (its sub-groups included). An unknown group is refused on `group`."""
    found = Requirement.objects.for_org(org).filter(framework=framework).select_related("group", "parent")
    filters = filters or RequirementFilter()
    if filters.group:
        group = Group.objects.for_org(org).filter(framework=framework, ref=filters.group).first()
        if group is None:
            raise ValidationError({"group": f"{framework.name} has no group '{filters.group}'."})
        found = found.filter(position__gt=group.position, position__lte=group.end)
    text = filters.q.strip()
    if text:
        found = found.filter(Q(ref__icontains=text) | Q(title__icontains=text) | Q(description__icontains=text)
                             | Q(guidance__icontains=text))
    return found.order_by("position")


def framework_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """Frameworks of `org` by id (as text) → their name and version."""
    return history.names_by_id(Framework.objects.for_org(org).only("pk", "name", "version"), ids, str)


def framework_document(org: Organization, framework: Framework) -> dict[str, object]:
    """The framework of `org` back in Accord's format (docs/frameworks.md), rebuilt from its rows in two
    queries: what a profile is resolved against when its catalog is not at hand (`--against KEY`)."""
    tree = framework_tree(org, framework)

    def requirement(node: RequirementNode) -> dict[str, object]:
        row = node.requirement
        out: dict[str, object] = {"id": row.ref, "title": row.title, "assessable": row.assessable}
        for name in ("oscal_id", "description", "guidance"):
            if getattr(row, name):
                out[name] = getattr(row, name)
        for name in ("evidence", "objectives"):
            if getattr(row, name):
                out[name] = list(getattr(row, name))
        if row.parameters:
            out["parameters"] = [{k: v for k, v in p.items() if v or k in ("id", "label")} for p in row.parameters]
        if node.children:
            out["requirements"] = [requirement(child) for child in node.children]
        return out

    def group(node: GroupNode) -> dict[str, object]:
        row = node.group
        out: dict[str, object] = {"id": row.ref, "title": row.title}
        if row.oscal_id:
            out["oscal_id"] = row.oscal_id
        if row.description:
            out["description"] = row.description
        if node.groups:
            out["groups"] = [group(sub) for sub in node.groups]
        if node.requirements:
            out["requirements"] = [requirement(r) for r in node.requirements]
        return out

    return {"accord_framework": 1, "key": framework.key, "name": framework.name, "version": framework.version,
            "publisher": framework.publisher, "description": framework.description,
            "licence_note": framework.licence_note, "source": framework.source,
            "groups": [group(g) for g in tree.groups]}
