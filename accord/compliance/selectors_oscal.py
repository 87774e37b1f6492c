"""What the OSCAL exports read: the organisation's objects as the plain data of
`accord.compliance.oscal.export` (a constant number of queries however many there are)."""

from __future__ import annotations

from django.db.models import Prefetch

from accord.compliance.models_controls import Control, ControlRequirement
from accord.compliance.oscal.export import LibraryControl, LinkedRequirement
from accord.core.models import Organization


def library_controls(org: Organization) -> list[LibraryControl]:
    """`org`'s controls by reference, each with the requirements it is linked to (two queries)."""
    links = (ControlRequirement.objects.for_org(org).select_related("requirement__framework")
             .order_by("requirement__framework__key", "requirement__position"))
    found = Control.objects.for_org(org).prefetch_related(Prefetch("requirement_links", queryset=links)) \
        .order_by("number")
    return [LibraryControl(
        ref=c.ref, name=c.name, description=c.description, kind=c.kind, status=c.status,
        requirements=tuple(LinkedRequirement(
            framework_key=link.requirement.framework.key, framework_name=link.requirement.framework.name,
            framework_version=link.requirement.framework.version,
            framework_source=link.requirement.framework.source, ref=link.requirement.ref,
            oscal_id=link.requirement.oscal_id) for link in c.requirement_links.all()),
    ) for c in found]
