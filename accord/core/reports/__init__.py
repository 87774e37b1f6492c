"""One report pipeline: an app's report is a Django template that extends `core/reports/base.html`,
rendered to HTML and printed to PDF by WeasyPrint (decision 0029).

* An app declares a report with `register(Report(name, title, action, build))` in its `ready()`;
  `build(org)` reads through the app's selectors (never recomputing a figure a page shows) and returns a
  `Document`: the template, its context and the sections its table of contents lists.
* A report of one thing among several (an audit) declares `parameters(org, asked)` too: it checks what
  the report is asked with in `org` (404 for what is not there, a `ValidationError` naming the field)
  and returns the JSON data kept with its job; `build(org, **parameters)` then prints that one thing, and
  its Document's `subject` (the audit's ref) goes in the title and the file name.
* `render_pdf(org, name, parameters=...)` gives the PDF bytes, what `accord report NAME ORG --out
  FILE.pdf` writes. The UI and the API queue the report as a background job instead
  (`services.do_request_report`; every report is a job kind `reports.<name>`, `reports/jobs.py`) whose
  result file is the PDF. Each checks the report's `action` in the permission table (the job again when
  it runs, and the parameters again: the thing may have gone meanwhile).
* The base template carries the organisation's name, the date, page numbers ("page N of M", CSS page
  counters) and the table of contents (`target-counter`), and `print.css` its print layout. Text stays
  text (selectable, searchable): charts go in as SVG images, whose labels WeasyPrint draws as text.
* WeasyPrint fetches nothing: the only URLs a report may hold are `data:` URIs (`svg_image`), so a title
  that reached a template can never make the renderer read a file or call a server.

Core imports no app: the registry is how core's fronts reach a report an app declares.
"""

from __future__ import annotations

import base64
import contextlib
import zoneinfo
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import slugify
from django.utils.translation import gettext

from accord.core.clock import org_now, org_today

if TYPE_CHECKING:  # the CLI imports this package before Django is set up
    from accord.core.models import Organization

BASE_TEMPLATE = "core/reports/base.html"
STYLESHEET = "core/reports/print.css"


@dataclass(frozen=True)
class Section:
    """One entry of the table of contents: the anchor (`id` of the section's heading) and its title."""

    id: str
    title: str


@dataclass(frozen=True)
class Document:
    """What a report's `build` returns: the template (extending `BASE_TEMPLATE`), its context, and the
    sections the table of contents lists, in order."""

    template: str
    context: Mapping[str, Any]
    sections: Sequence[Section] = field(default_factory=tuple)
    #: What the report is about when it is one of several (an audit's ref): after the title, in the file name.
    subject: str = ""


@dataclass(frozen=True)
class Report:
    """A report an app offers: `name` on the command line and in URLs, `title` as people read it, the
    permission `action` a member needs to produce it, and `build(org)` that gathers its content; with
    `parameters` (see the module's docstring), `build(org, **parameters(org, asked))`."""

    name: str
    title: str | Promise  # lazy: read in the language the report is rendered in
    action: str
    build: Callable[..., Document]
    parameters: Callable[[Organization, Mapping[str, Any]], dict[str, Any]] | None = None

    def checked(self, org: Organization, asked: Mapping[str, Any] | None) -> dict[str, Any]:
        """The parameters to keep for `asked` in `org` (`parameters`' 404 or `ValidationError` otherwise);
        a report without parameters takes none."""
        if self.parameters is None:
            if asked:
                raise ValidationError({"parameters": gettext("The %(report)s report takes no parameters.")
                                       % {"report": self.name}})
            return {}
        return self.parameters(org, dict(asked or {}))

    def document(self, org: Organization, parameters: Mapping[str, Any] | None = None) -> Document:
        """The report's content for `org`, its parameters checked first."""
        checked = self.checked(org, parameters)
        return self.build(org, **checked) if self.parameters is not None else self.build(org)

    def filename(self, org: Organization, document: Document | None = None) -> str:
        """`<org>-<report>[-<subject>]-<date>.pdf`, the date in the organisation's time zone."""
        subject = slugify(document.subject) if document is not None and document.subject else ""
        return f"{org.slug}-{slugify(self.name)}{'-' + subject if subject else ''}-{org_today(org).isoformat()}.pdf"


class UnknownReport(LookupError):
    """No report of that name is registered."""

    def __init__(self, name: str) -> None:
        known = ", ".join(sorted(_REPORTS)) or "none"
        super().__init__(f"no report named '{name}' (reports: {known})")


_REPORTS: dict[str, Report] = {}


def register(report: Report) -> None:
    """Offer `report` on every front (from an app's `ready()`; registering the same report again is a no-op)."""
    known = _REPORTS.get(report.name)
    if known is not None and known != report:
        raise ValueError(f"report {report.name} is declared twice")
    if known is None:
        from accord.core.reports.jobs import register_job

        register_job(report)
    _REPORTS[report.name] = report


def get(name: str) -> Report:
    """The report registered as `name`, or `UnknownReport` naming the ones there are."""
    try:
        return _REPORTS[name]
    except KeyError:
        raise UnknownReport(name) from None


def names() -> list[str]:
    """Every registered report's name, sorted."""
    return sorted(_REPORTS)


def svg_image(svg: str) -> str:
    """An SVG document as a `data:` URI for an `<img>` of a report (the only kind of URL a report holds)."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


def render_html(org: Organization, report: Report, document: Document) -> str:
    """The report as one HTML document: the base template's frame around the report's template."""
    now = org_now(org)
    context = {**document.context, "org": org, "report": report, "sections": list(document.sections),
               "subject": document.subject, "generated_at": now, "today": now.date()}
    return render_to_string(document.template, context)


def html_to_pdf(html: str) -> bytes:
    """Print an HTML report to PDF with the report stylesheet, fetching nothing but `data:` URIs."""
    # Imported here: WeasyPrint (with Pango through cffi) takes a second to import, which neither the web
    # process nor any other `accord` verb should pay.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheet = CSS(string=render_to_string(STYLESHEET), url_fetcher=fetcher)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])
    return pdf


@contextlib.contextmanager
def printing_for(org: Organization, language: str = "") -> Iterator[str]:
    """Where a report is built and rendered: in `language` (else the organisation's default, else English)
    and in the organisation's time zone, whatever the process had active (a worker, the CLI run in UTC).
    Yields the language used."""
    from accord.core.i18n import choose_language

    chosen = choose_language(person=language, organisation=org.language or "")
    with translation.override(chosen), timezone.override(zoneinfo.ZoneInfo(org.timezone)):
        yield chosen


def render_pdf(org: Organization, name: str, *, language: str = "",
               parameters: Mapping[str, Any] | None = None) -> bytes:
    """The PDF of the report `name` for `org` (`UnknownReport` if there is none) with `parameters` (see
    `Report.checked`), in `language` (see `printing_for`). The caller has checked that whoever asked holds
    the report's `action`."""
    return print_report(org, get(name), language=language, parameters=parameters)[0]


def print_report(org: Organization, report: Report, *, language: str = "",
                 parameters: Mapping[str, Any] | None = None) -> tuple[bytes, str]:
    """(the PDF, its file name): `report` for `org` with `parameters`, in `language` (see `render_pdf`)."""
    with printing_for(org, language):
        document = report.document(org, parameters)
        return html_to_pdf(render_html(org, report, document)), report.filename(org, document)
