"""The roadmap page: the initiatives on a timeline by quarter, grouped by objective, with their phases,
gates and dependencies (the shared timeline chart), the same rows as a table, and the filters of the
initiatives list. Thin: the selector decides, this draws."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accord.charts import TimelineItem, TimelineMarker, TimelineSpec, timeline_svg
from accord.core.web import OrgRequest, org_view, push_clean_url, query_string, render_page
from accord.portfolio import selectors
from accord.portfolio.choices import Health
from accord.portfolio.forms import FilterForm
from accord.portfolio.selectors_roadmap import Roadmap, roadmap


def roadmap_chart(found: Roadmap) -> SafeString:
    """The roadmap as the timeline chart: a section per objective, each initiative's bar coloured by its
    phase, its gates as markers, and an arrow per dependency."""
    items = []
    for section in found.sections:
        name = (f"{section.objective.ref} {section.objective.title}" if section.objective is not None
                else _("No objective"))
        for row in section.rows:
            i = row.initiative
            detail = i.get_health_display() if i.health != Health.ON_TRACK else ""
            markers = tuple(TimelineMarker(g.day, g.words, g.state) for g in row.gates)
            items.append(TimelineItem(f"{i.ref} {i.title}", row.start, row.end, group=i.get_phase_display(),
                                      key=i.ref if row.first else "", section=name, detail=detail,
                                      markers=markers))
    spec = TimelineSpec(
        _("Roadmap"), _("The initiatives by quarter, grouped by the objective each serves: bars coloured by phase, "
                        "flags at the gates, arrows from an initiative to those that need it."),
        items, today=found.today, id_prefix="roadmap", empty_message=_("No initiative has dates yet."),
        links=[(needed.ref, needing.ref) for needed, needing in found.links], quarters=True,
        quarter_label=_("Q%(quarter)s %(year)s"), today_label=_("Today"),
        link_label=_("%(needing)s needs %(needed)s"), legend=True)
    return mark_safe(timeline_svg(spec, standalone=False))  # noqa: S308 - every text escaped by the chart module


@org_view("initiative.view")
@require_GET
def roadmap_page(request: OrgRequest) -> HttpResponse:
    org = request.org
    form = FilterForm(org, request.GET or None)
    filters = form.filters()
    found = roadmap(org, filters, page=request.GET.get("page"))
    context = {"form": form, "roadmap": found, "page": found.page, "chart": roadmap_chart(found),
               "filtered": filters != selectors.InitiativeFilter(), "query": query_string(request)}
    return push_clean_url(request, render_page(request, "portfolio/roadmap.html", "portfolio/_roadmap_results.html",
                                               context))
