"""A large file's import as a background job (decision 0027): run as the member who asked, all or nothing,
each refused row named in the job's message (jobs run where they are queued in the tests)."""

from __future__ import annotations

import pytest

from accord.cli import main
from accord.core.choices import JobStatus
from accord.core.jobs.models import Job
from accord.core.models import AuditEvent
from accord.risks.jobs import IMPORT, do_queue_risk_import
from accord.risks.models import Risk

GOOD = b"title,category,likelihood,impact\nFire,strategic,1,2\nFlood,strategic,2,3\n"
BAD = b"title,category,likelihood,impact\nFire,strategic,1,2\nFlood,strategic,9,3\n"


def test_an_import_job_adds_every_row_as_its_asker_with_their_audit_events(org_a, ciso):
    job = do_queue_risk_import(ciso.user, org_a, GOOD, "risks.csv")
    assert job.kind == IMPORT and job.status == JobStatus.DONE, job.error
    assert job.result["created"] == 2 and job.result["summary"].startswith("2 added")
    assert sorted(Risk.objects.for_org(org_a).values_list("title", flat=True)) == ["Fire", "Flood"]
    created = AuditEvent.objects.for_org(org_a).filter(object_type="risks.risk")
    assert created.count() == 2 and set(created.values_list("actor_id", flat=True)) == {ciso.user.pk}


def test_an_import_job_with_a_refused_row_writes_nothing_and_names_the_row(org_a, ciso):
    job = do_queue_risk_import(ciso.user, org_a, BAD, "risks.csv")
    assert job.status == JobStatus.FAILED and job.attempts == 1
    assert "row 3, likelihood" in job.error
    assert job.result["refused"] == 1 and job.result["rows"][1]["errors"][0]["field"] == "likelihood"
    assert not Risk.objects.for_org(org_a).exists()


def test_the_cli_queues_an_import_as_a_job_of_a_member(org_a, ciso, tmp_path, capsys):
    path = tmp_path / "risks.csv"
    path.write_bytes(GOOD)
    assert main(["risk", "import", "org-a", str(path), "--job", ciso.user.email]) == 0
    job = Job.objects.for_org(org_a).get(kind=IMPORT)
    assert capsys.readouterr().out.startswith(f"job {job.pk}: done")
    assert main(["risk", "import", "org-a", str(path), "--job", "nobody@x.test"]) == 1
    assert "no user with the e-mail address 'nobody@x.test'" in capsys.readouterr().err


def test_a_viewer_cannot_queue_an_import(org_a, viewer, tmp_path, capsys):
    path = tmp_path / "risks.csv"
    path.write_bytes(GOOD)
    assert main(["risk", "import", "org-a", str(path), "--job", viewer.user.email]) == 1
    assert "may not" in capsys.readouterr().err and not Job.objects.for_org(org_a).exists()


# --- every import the web page and the API write runs as a job (decision 0046) ------------------------------------

PAGE = "/o/org-a/risks/register/import/"
API = "/api/v1/orgs/org-a/risks/import/"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """What a request queues reaches the (stopped) queue when its transaction commits, as in production."""
    return django_capture_on_commit_callbacks


def _file(content=GOOD, name="risks.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_the_web_import_shows_its_progress_then_every_row_it_imported(org_a, cio, stopped_worker, committed):
    from tests.conftest import signed_in

    browser = signed_in(cio)
    with committed(execute=True):
        response = browser.post(PAGE, {"file": _file()})
    job = Job.objects.for_org(org_a).get(kind=IMPORT)
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?job={job.pk}"
    page = browser.get(response["Location"]).content.decode()
    assert "Import of risks.csv" in page and "<progress" in page and 'hx-trigger="every 2s"' in page
    assert f'hx-get="{PAGE}?job={job.pk}"' in page and not Risk.objects.for_org(org_a).exists()

    assert stopped_worker() == 1
    polled = browser.get(f"{PAGE}?job={job.pk}", HTTP_HX_REQUEST="true").content.decode()
    assert polled.lstrip().startswith("<section") and 'id="import-job"' in polled
    assert "every 2s" not in polled and "Imported: 2 added, 0 updated, 0 unchanged." in polled
    assert "<td>3</td><td>Add</td><td>R-002</td>" in polled
    assert Risk.objects.for_org(org_a).count() == 2


def test_the_web_import_of_a_refused_file_names_every_bad_row_once_its_job_has_run(org_a, cio, stopped_worker,
                                                                                   committed):
    from tests.conftest import signed_in

    browser = signed_in(cio)
    with committed(execute=True):
        url = browser.post(PAGE, {"file": _file(BAD)})["Location"]
    stopped_worker()
    page = browser.get(url).content.decode()
    assert "Nothing was imported: 1 problem in the file" in page
    assert "<td>3</td><td><code>likelihood</code></td>" in page
    assert not Risk.objects.for_org(org_a).exists()


def test_the_api_answers_a_queued_import_at_once_and_its_job_says_the_outcome(client, org_a, ciso, stopped_worker,
                                                                              committed):
    with committed(execute=True):
        response = client.post(API, {"file": _file()}, **ciso.auth())
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["result"] is None and response["Location"] == body["url"]
    assert not Risk.objects.for_org(org_a).exists()
    assert stopped_worker() == 1
    done = client.get(response["Location"], **ciso.auth()).json()
    assert done["status"] == "done" and done["result"]["created"] == 2 and done["result"]["dry_run"] is False


def test_the_same_file_sent_again_while_its_import_waits_is_the_same_job(client, org_a, ciso, stopped_worker,
                                                                        committed):
    with committed(execute=True):
        first = client.post(API, {"file": _file()}, **ciso.auth()).json()
        again = client.post(API, {"file": _file()}, **ciso.auth()).json()
    assert first["id"] == again["id"]
    stopped_worker()
    assert Risk.objects.for_org(org_a).count() == 2  # imported once


def test_the_import_page_does_not_show_another_organisations_job(org_a, org_b, cio, outsider):
    from tests.conftest import signed_in

    theirs = do_queue_risk_import(outsider.user, org_b, GOOD, "risks.csv")
    assert signed_in(cio).get(f"{PAGE}?job={theirs.pk}").status_code == 404
    assert signed_in(cio).get(f"{PAGE}?job=nonsense").status_code == 404
