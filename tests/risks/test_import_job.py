"""A large file's import as a background job (decision 0027): run as the member who asked, all or nothing,
each refused row named in the job's message (jobs run where they are queued in the tests)."""

from __future__ import annotations

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
    assert job.result["added"] == 2 and job.result["summary"].startswith("2 added")
    assert sorted(Risk.objects.for_org(org_a).values_list("title", flat=True)) == ["Fire", "Flood"]
    created = AuditEvent.objects.for_org(org_a).filter(object_type="risks.risk")
    assert created.count() == 2 and set(created.values_list("actor_id", flat=True)) == {ciso.user.pk}


def test_an_import_job_with_a_refused_row_writes_nothing_and_names_the_row(org_a, ciso):
    job = do_queue_risk_import(ciso.user, org_a, BAD, "risks.csv")
    assert job.status == JobStatus.FAILED and job.attempts == 1
    assert "row 3, likelihood" in job.error
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
