"""Reads of the Statement of Applicability: every Annex A control of the organisation's ISO/IEC 27001
framework (the newest version imported of `rules.SOA_FRAMEWORK`), grouped by theme, each with the
organisation's statement (applicable, reasons, justification; a control without one reads as applicable, not
yet justified), the controls linked to it and its status by one rule (`rules.soa_status`). Five queries
whatever the framework's size: the page, the API, the exports and the CLI all read `soa`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from accord.compliance import rules
from accord.compliance.choices import ControlStatus, SoaReason, SoaStatus
from accord.compliance.models import Framework, Group, Requirement
from accord.compliance.models_controls import ControlRequirement
from accord.compliance.models_soa import SoaEntry
from accord.core.models import Organization


@dataclass(frozen=True)
class SoaFilter:
    """What the SoA's filters take on every front: a theme's id (`A.8`), applicable (`yes` or `no`) and a
    status (`SoaStatus`); empty keeps everything."""

    theme: str = ""
    applicable: str = ""
    status: str = ""


@dataclass(frozen=True)
class AnnexControl:
    """What the SoA reads of an Annex A requirement (plain values: a thousand of them read in milliseconds)."""

    pk: int
    ref: str
    title: str
    description: str
    position: int


@dataclass(frozen=True)
class LinkedControl:
    """What the SoA shows of a control linked to an Annex A requirement."""

    pk: int
    number: int
    name: str
    status: str

    @property
    def ref(self) -> str:
        return f"C-{self.number:03d}"

    def get_status_display(self) -> str:
        return str(ControlStatus(self.status).label) if self.status in ControlStatus.values else self.status


@dataclass
class SoaRow:
    """One Annex A control in the statement."""

    requirement: AnnexControl
    theme: Group
    entry: SoaEntry | None
    controls: list[LinkedControl]
    status: SoaStatus

    @property
    def ref(self) -> str:
        return self.requirement.ref

    @property
    def applicable(self) -> bool:
        return self.entry is None or self.entry.applicable

    @property
    def justified(self) -> bool:
        """Whether the organisation has written its statement on it (else: applicable, not yet justified)."""
        return self.entry is not None

    @property
    def reasons(self) -> list[str]:
        return list(self.entry.reasons) if self.entry is not None else []

    @property
    def reason_labels(self) -> list[str]:
        return [str(SoaReason(r).label) for r in self.reasons if r in SoaReason.values]

    @property
    def justification(self) -> str:
        return self.entry.justification if self.entry is not None else ""

    @property
    def status_label(self) -> str:
        return str(self.status.label)


@dataclass
class Soa:
    """The statement: its framework (None when the organisation has no ISO 27001 framework), the themes, the rows
    the filter keeps (in the framework's order) and, over every row, how many of each status."""

    framework: Framework | None
    themes: list[Group]
    rows: list[SoaRow]
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0
    unjustified: int = 0

    def narrowed(self, filters: SoaFilter) -> Soa:
        """The same statement with only the rows `filters` keeps (the counts stay those of every row); an
        unknown theme is refused on `theme`."""
        if filters.theme and filters.theme not in {t.ref for t in self.themes}:
            raise ValidationError({"theme": _("'%(theme)s' is not a theme of Annex A; the themes are: %(themes)s.")
                                   % {"theme": filters.theme, "themes": ", ".join(t.ref for t in self.themes)}})
        return replace(self, rows=[row for row in self.rows if _keeps(row, filters)])

    @property
    def counted(self) -> list[tuple[str, str, int]]:
        """(status, label, count) for every status, in `rules.SOA_ORDER`."""
        return [(s.value, str(s.label), self.counts.get(s, 0)) for s in rules.SOA_ORDER]


def soa_framework(org: Organization) -> Framework | None:
    """The organisation's ISO/IEC 27001 framework the SoA reads: the newest version imported of its key."""
    return (Framework.objects.for_org(org).filter(key=rules.SOA_FRAMEWORK).order_by("-imported_at", "-pk")
            .first())


def _groups(org: Organization, framework: Framework) -> tuple[Group | None, list[Group]]:
    """Annex A's group and its themes (one query)."""
    found = list(Group.objects.for_org(org).filter(framework=framework)
                 .filter(Q(ref=rules.SOA_ANNEX) | Q(parent__ref=rules.SOA_ANNEX, parent__framework=framework))
                 .order_by("position"))
    annex = next((g for g in found if g.ref == rules.SOA_ANNEX and g.parent_id is None), None)
    if annex is None:
        return None, []
    return annex, [g for g in found if g.parent_id == annex.pk]


def _rows(org: Organization, annex: Group, themes: list[Group], requirements: Iterable[AnnexControl],
          within: dict[str, Any]) -> list[SoaRow]:
    """The rows of `requirements`, whose statements and links `within` selects (by the requirement: a
    position range, not a list of ids that grows with the framework)."""
    wanted = list(requirements)
    entries = {e.requirement_id: e for e in SoaEntry.objects.for_org(org).filter(**within)
               .select_related("updated_by")}
    controls: dict[int, list[LinkedControl]] = {}
    links = (ControlRequirement.objects.for_org(org).filter(**within).order_by("control__number")
             .values_list("requirement_id", "control_id", "control__number", "control__name", "control__status"))
    for requirement_id, pk, number, name, status in links:
        controls.setdefault(requirement_id, []).append(LinkedControl(pk, number, name, status))
    rows = []
    for requirement in wanted:
        theme = next((t for t in themes if t.position < requirement.position <= t.end), annex)
        entry = entries.get(requirement.pk)
        linked = controls.get(requirement.pk, [])
        status = rules.soa_status(applicable=entry is None or entry.applicable,
                                  control_statuses=[c.status for c in linked])
        rows.append(SoaRow(requirement, theme, entry, linked, status))
    return rows


def _requirements(org: Organization, framework: Framework, annex: Group, *, after: int | None = None,
                  limit: int | None = None, **conditions: Any) -> list[AnnexControl]:
    """Annex A's requirements in file order (those after the position `after`, at most `limit`)."""
    start = annex.position if after is None else max(after, annex.position)
    found = (Requirement.objects.for_org(org)
             .filter(framework=framework, position__gt=start, position__lte=annex.end, **conditions)
             .order_by("position").values_list("pk", "ref", "title", "description", "position"))
    return [AnnexControl(*values) for values in (found[:limit] if limit is not None else found)]


def _keeps(row: SoaRow, filters: SoaFilter) -> bool:
    if filters.theme and row.theme.ref != filters.theme:
        return False
    if filters.applicable and row.applicable != (filters.applicable == "yes"):
        return False
    return not filters.status or row.status == filters.status


def soa(org: Organization, filters: SoaFilter | None = None) -> Soa:
    """The organisation's Statement of Applicability, its rows kept by `filters` (see `Soa.narrowed`; the counts
    are over every row). An empty statement when the organisation has no ISO 27001 framework (or it has no
    Annex A)."""
    framework = soa_framework(org)
    if framework is None:
        return Soa(None, [], [])
    annex, themes = _groups(org, framework)
    if annex is None:
        return Soa(framework, [], [])
    within = {"requirement__framework": framework, "requirement__position__gt": annex.position,
              "requirement__position__lte": annex.end}
    rows = _rows(org, annex, themes, _requirements(org, framework, annex), within)
    whole = Soa(framework, themes, rows, dict(Counter(row.status for row in rows)), len(rows),
                sum(1 for row in rows if not row.justified))
    return whole.narrowed(filters) if filters is not None else whole


def _annex(org: Organization) -> tuple[Framework, Group, list[Group]]:
    framework = soa_framework(org)
    annex, themes = _groups(org, framework) if framework is not None else (None, [])
    if framework is None or annex is None:
        raise Http404("No ISO 27001 framework: install it to write the Statement of Applicability.")
    return framework, annex, themes


def soa_row(org: Organization, ref: str) -> SoaRow:
    """One Annex A control of the statement, by its id (`A.8.24`); 404 when the organisation has no ISO 27001
    framework or it has no such Annex A control (another organisation's answers the same)."""
    framework, annex, themes = _annex(org)
    found = _requirements(org, framework, annex, ref=ref)
    if not found:
        raise Http404("No such Annex A control.")
    return _rows(org, annex, themes, found, {"requirement_id": found[0].pk})[0]


def next_row(org: Organization, row: SoaRow) -> SoaRow | None:
    """The Annex A control after `row` in the framework's order, or None after the last."""
    framework, annex, themes = _annex(org)
    found = _requirements(org, framework, annex, after=row.requirement.position, limit=1)
    return _rows(org, annex, themes, found, {"requirement_id": found[0].pk})[0] if found else None
