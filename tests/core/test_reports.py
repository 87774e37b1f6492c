"""The report pipeline (accord.core.reports): a registered report prints to a PDF whose text carries the
organisation's name, the date, "page N of M" and a table of contents with page numbers; the renderer
fetches nothing but data: URIs."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from accord.core import reports
from accord.core.clock import org_today
from accord.core.jobs import registry
from accord.core.reports.jobs import kind_name

SAMPLE = "tests-sample"


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page, as a reader selecting it would copy it."""
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _sample(org):
    sections = [reports.Section("first", "First section"), reports.Section("second", "Second section")]
    return reports.Document("tests_sample_report.html", {"secret_path": "file:///etc/passwd"}, sections)


@pytest.fixture
def sample_report(settings, tmp_path):
    (tmp_path / "tests_sample_report.html").write_text(
        '{% extends "core/reports/base.html" %}{% block content %}'
        '<section class="report-section"><h2 id="first">First section</h2><p>Alpha text.</p></section>'
        '<section class="report-section"><h2 id="second">Second section</h2>'
        '<img src="{{ secret_path }}" alt="">'
        '<p>Beta text.</p></section>{% endblock %}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    report = reports.Report(SAMPLE, "Sample report", "organization.view", _sample)
    reports.register(report)
    yield report
    reports._REPORTS.pop(SAMPLE)
    registry._REGISTRY.kinds.pop(kind_name(SAMPLE))


def test_a_report_prints_the_organisation_date_and_page_n_of_m_on_every_page(org_a, sample_report):
    pages = pdf_pages(reports.render_pdf(org_a, SAMPLE))
    assert len(pages) == 3  # the cover with its contents, then one page per section
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of 3" in text
    assert "Alpha Clinic" in pages[0] and "Sample report" in pages[0]
    assert all("Alpha Clinic · Sample report" in text for text in pages[1:])
    assert f"{org_today(org_a):%b}" in pages[0] and str(org_today(org_a).year) in pages[0]


def test_the_table_of_contents_names_each_section_with_its_page(org_a, sample_report):
    cover = pdf_pages(reports.render_pdf(org_a, SAMPLE))[0]
    assert re.search(r"First section\s*\.+\s*2", cover), cover
    assert re.search(r"Second section\s*\.+\s*3", cover), cover


def test_the_renderer_fetches_no_file_a_template_names(org_a, sample_report, monkeypatch):
    from weasyprint.urls import URLFetcher

    fetched = []
    real = URLFetcher.fetch

    def spying(self, url, headers=None):
        fetched.append(url)
        return real(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spying)
    pages = pdf_pages(reports.render_pdf(org_a, SAMPLE))
    assert "Beta text." in pages[2]  # the refused image is left out, the report is still printed
    assert fetched == ["file:///etc/passwd"]
    assert "root:" not in "".join(pages)


def test_an_unknown_report_names_the_reports_there_are(org_a):
    with pytest.raises(reports.UnknownReport, match=r"no report named 'nope' \(reports: .*register"):
        reports.render_pdf(org_a, "nope")


def test_a_report_is_declared_once():
    with pytest.raises(ValueError, match="report register is declared twice"):
        reports.register(reports.Report("register", "Another", "organization.view", _sample))


def test_a_reports_file_is_named_for_the_organisation_report_and_date(org_a):
    assert reports.get("register").filename(org_a) == f"org-a-register-{org_today(org_a).isoformat()}.pdf"


# --- a report of one thing among several: its parameters ----------------------------------------------------

THING = "tests-thing"


def _thing_parameters(org, asked):
    from django.core.exceptions import ValidationError
    from django.http import Http404

    name = str(asked.get("thing", "")).strip()
    if not name:
        raise ValidationError({"thing": "Which thing?"})
    if name != f"{org.slug}-thing":
        raise Http404("No such thing.")
    return {"thing": name}


def _thing(org, thing):
    return reports.Document("tests_thing_report.html", {"thing": thing}, subject=thing.upper())


@pytest.fixture
def thing_report(settings, tmp_path):
    (tmp_path / "tests_thing_report.html").write_text(
        '{% extends "core/reports/base.html" %}{% block content %}<p>About {{ thing }}.</p>{% endblock %}')
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    report = reports.Report(THING, "Thing report", "organization.view", _thing, parameters=_thing_parameters)
    reports.register(report)
    yield report
    reports._REPORTS.pop(THING)
    registry._REGISTRY.kinds.pop(kind_name(THING))


def test_a_report_with_parameters_prints_the_thing_it_is_asked_for_named_in_its_title(org_a, thing_report):
    pdf, name = reports.print_report(org_a, thing_report, parameters={"thing": "org-a-thing"})
    pages = pdf_pages(pdf)
    assert "Thing report · ORG-A-THING" in pages[0] and "About org-a-thing." in pages[1]
    assert name == f"org-a-tests-thing-org-a-thing-{org_today(org_a).isoformat()}.pdf"


def test_a_reports_parameters_are_checked_in_the_organisation(org_a, thing_report):
    from django.core.exceptions import ValidationError
    from django.http import Http404

    with pytest.raises(ValidationError, match="Which thing"):
        reports.render_pdf(org_a, THING)
    with pytest.raises(Http404, match="No such thing"):
        reports.render_pdf(org_a, THING, parameters={"thing": "org-b-thing"})


def test_a_report_without_parameters_refuses_some(org_a, sample_report):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="takes no parameters"):
        reports.render_pdf(org_a, SAMPLE, parameters={"thing": "x"})


def test_a_report_job_keeps_its_parameters_and_fails_saying_so_when_its_thing_is_not_there(org_a, ciso, thing_report):
    from accord.core.choices import JobStatus
    from accord.core.jobs.services import do_enqueue_job
    from accord.core.reports.services import do_request_report

    job = do_request_report(ciso.user, org_a, THING, {"thing": "org-a-thing"})
    assert job.status == JobStatus.DONE and job.parameters == {"thing": "org-a-thing"}
    with job.result_file.open("rb") as handle:
        assert "About org-a-thing." in pdf_pages(handle.read())[1]
    assert job.result_file.name.endswith(f"/org-a-tests-thing-org-a-thing-{org_today(org_a).isoformat()}.pdf")
    # Parameters checked again when the job runs: what they name is gone (here: never was), it fails, no retry.
    gone = do_enqueue_job(ciso.user, org_a, kind_name(THING), {"thing": "org-b-thing"})
    assert (gone.status, gone.attempts, gone.error) == (JobStatus.FAILED, 1, "No such thing.")
    assert not gone.result_file


def test_the_cli_prints_a_report_with_its_parameters_and_says_what_is_wrong(org_a, thing_report, tmp_path, capsys):
    from accord.cli import main

    out = tmp_path / "thing.pdf"
    assert main(["report", THING, org_a.slug, "--with", "thing=org-a-thing", "--out", str(out)]) == 0
    assert "About org-a-thing." in pdf_pages(out.read_bytes())[1]
    assert main(["report", THING, org_a.slug, "--out", str(out)]) != 0
    assert "Which thing?" in capsys.readouterr().err
    assert main(["report", THING, org_a.slug, "--with", "thing", "--out", str(out)]) != 0
    assert "NAME=VALUE" in capsys.readouterr().err


def test_the_api_asks_for_a_report_with_its_parameters_and_refuses_them_where_it_takes_none(client, org_a, ciso,
                                                                                           thing_report):
    def ask(name, body):
        return client.post(f"/api/v1/orgs/{org_a.slug}/reports/{name}/", body, content_type="application/json",
                           **ciso.auth())

    asked = ask(THING, {"parameters": {"thing": "org-a-thing"}})
    assert asked.status_code == 202, asked.content
    assert asked.json()["status"] == "done"
    missing = ask(THING, {"parameters": {"thing": "org-b-thing"}})
    assert missing.status_code == 404
    none = ask("register", {"parameters": {"thing": "org-a-thing"}})
    assert none.status_code == 422 and none.json()["errors"][0]["field"] == "parameters"
    assert ask("register", {"parameter": {}}).status_code == 422  # a misspelt field is refused, not dropped
    assert ask("register", None).status_code == 202  # no body: no parameters
