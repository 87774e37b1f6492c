"""An incident as a PDF (accord.core.reports), for management and, when needed, the regulator: what it is, its
phases with their times, the clocks (the breach's 72 hours and the NIS2 reports), the affected systems with their
RTO, the roles, the timeline with both of each entry's times, the tasks, the communications, and the post-incident
review with its lessons (their actions and the risks and controls they link). A report of one
thing among several: `incident` (id or reference, INC-001)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core import reports
from accord.core.models import Organization
from accord.incidents import selectors
from accord.incidents.choices import IncidentRole, Nis2Report
from accord.incidents.models import Incident

INCIDENT = "incident"


def _find(org: Organization, asked: object) -> Incident:
    text = str(asked).strip().upper()
    if text.startswith("INC-"):
        number = text.removeprefix("INC-")
        found = selectors.incidents(org).filter(number=int(number)).first() if number.isdigit() else None
        if found is None:
            raise Http404("No such incident.")
        return found
    return selectors.access_incident(org, text)


def check(org: Organization, asked: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters kept with the job: the incident's id (404 for what `org` lacks)."""
    unknown = sorted(set(asked) - {"incident"})
    if unknown:
        raise ValidationError({unknown[0]: _("The incident report takes `incident` only.")})
    if not asked.get("incident"):
        raise ValidationError({"incident": _("Name the incident (its id or reference, INC-001).")})
    return {"incident": _find(org, asked["incident"]).pk}


def build_incident(org: Organization, *, incident: int) -> reports.Document:
    """The report's content: one incident."""
    found = selectors.access_incident(org, incident)
    now = timezone.now()
    labels = dict(Nis2Report.choices)
    clocks = [{"label": labels[c.key], "due_at": c.due_at, "done_at": c.done_at, "late": c.late(now)}
              for c in selectors.clocks(org, found)]
    sections = [reports.Section("summary", _("The incident")), reports.Section("clocks", _("Clocks")),
                reports.Section("systems", _("Affected systems")), reports.Section("timeline", _("Timeline")),
                reports.Section("tasks", _("Tasks")), reports.Section("communications", _("Communications")),
                reports.Section("review", _("Post-incident review"))]
    context = {"incident": found, "clocks": clocks, "systems": selectors.affected_systems(org, found),
               "roles": [(IncidentRole(r).label, getattr(found, r)) for r in IncidentRole.values],
               "timeline": list(selectors.timeline(org, found)), "tasks": list(selectors.tasks(org, found)),
               "communications": list(selectors.communications(org, found)),
               "review": selectors.review(org, found), "lessons": list(selectors.lessons(org, found))}
    return reports.Document("incidents/reports/incident.html", context, sections, subject=found.ref)


INCIDENT_REPORT = reports.Report(INCIDENT, gettext_lazy("Incident report"), "incident.view", build_incident,
                                 parameters=check)
