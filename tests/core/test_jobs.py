"""The jobs kit: queue a job, run it with the asker's permission checked again, retry it with backoff,
follow it on the API, the web and the CLI (Huey's immediate mode: each job runs where it is queued)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accord.core import audit, services
from accord.core.choices import JobStatus
from accord.core.jobs import queue, runner, selectors
from accord.core.jobs.models import Job
from accord.core.jobs.services import do_enqueue_job
from accord.core.models import ApiToken, AuditEvent
from tests.conftest import signed_in
from tests.core import jobkinds


def tokens_named(org, prefix="job"):
    return sorted(ApiToken.objects.for_org(org).filter(name__startswith=prefix + "-").values_list("name", flat=True))


def test_a_job_runs_with_its_writes_and_their_audit_events(org_a, admin):
    job = do_enqueue_job(admin.user, org_a, jobkinds.TOKENS, {"count": 3})
    assert job.status == JobStatus.DONE and job.attempts == 1 and job.result == {"tokens": 3}
    assert tokens_named(org_a) == ["job-1", "job-2", "job-3"]
    events = AuditEvent.objects.for_org(org_a)
    assert events.filter(action="enqueue", object_type="core.job", object_id=str(job.pk)).count() == 1
    assert events.filter(object_type="core.apitoken", action="create").count() == 3
    assert audit.verify_chain(org_a).ok


def test_the_same_work_asked_twice_while_it_is_queued_is_one_job(org_a, admin, settings):
    settings.ACCORD_JOBS_IMMEDIATE = False
    settings.ACCORD_JOBS_FILE = settings.VAR_DIR / "test-jobs-once.sqlite3"
    queue.reset()
    try:
        first = do_enqueue_job(admin.user, org_a, jobkinds.TOKENS, {"count": 2})
        again = do_enqueue_job(admin.user, org_a, jobkinds.TOKENS, {"count": 2})
        other = do_enqueue_job(admin.user, org_a, jobkinds.TOKENS, {"count": 5})
    finally:
        queue.huey().storage.flush_all()
        queue.reset()
    assert again.pk == first.pk and other.pk != first.pk and first.status == JobStatus.QUEUED
    assert AuditEvent.objects.for_org(org_a).filter(action="enqueue").count() == 2
    assert not tokens_named(org_a)


def test_a_finished_job_does_not_hold_its_key(org_a, admin):
    first = do_enqueue_job(admin.user, org_a, jobkinds.TOKENS, {"count": 1, "prefix": "a"})
    second = do_enqueue_job(admin.user, org_a, jobkinds.TOKENS, {"count": 1, "prefix": "a"})
    assert first.pk != second.pk and second.status == JobStatus.DONE


def test_a_role_without_the_kinds_permission_cannot_queue_it(org_a, viewer):
    with pytest.raises(PermissionDenied, match="may not invite or add members"):
        do_enqueue_job(viewer.user, org_a, jobkinds.TOKENS, {"count": 1})
    assert not Job.objects.for_org(org_a).exists()


def test_an_unknown_kind_is_refused_naming_the_field(org_a, admin):
    with pytest.raises(ValidationError, match=r"no job kind 'tests\.nothing'"):
        do_enqueue_job(admin.user, org_a, "tests.nothing")


def _queued(org, persona, parameters):
    """A job queued but not run yet (as with the worker stopped)."""
    job = Job(organization=org, kind=jobkinds.TOKENS, user=persona.user, parameters=parameters)
    job.save(force_insert=True)
    return job


def test_a_member_demoted_before_the_job_runs_makes_it_fail_saying_why(org_a, admin, cio):
    services.do_change_member(None, org_a, cio.membership, role="admin")
    job = _queued(org_a, cio, {"count": 2})
    services.do_change_member(None, org_a, cio.membership, role="viewer")
    runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "is now Viewer (board), which may not create api tokens" in job.error
    assert not tokens_named(org_a)


def test_a_member_removed_before_the_job_runs_makes_it_fail_saying_why(org_a, admin, ciso):
    job = _queued(org_a, ciso, {"count": 1})
    services.do_remove_member(admin.user, org_a, ciso.membership)
    runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == (
        "ciso@a.test is no longer a member of Alpha Clinic, so the job they asked for was not run.")


def test_a_passing_failure_is_retried_with_backoff_then_succeeds(org_a, contributor):
    job = do_enqueue_job(contributor.user, org_a, jobkinds.FLAKY, {"fail_times": 1})
    assert job.status == JobStatus.QUEUED and job.attempts == 1 and job.run_after is not None
    assert job.error == "Retrying: ConnectionError: the mail server did not answer"
    assert runner.backoff(jobkinds.registry.kind(jobkinds.FLAKY), 1) == 0.1
    assert runner.backoff(jobkinds.registry.kind(jobkinds.FLAKY), 3) == pytest.approx(0.4)
    job.run_after = None
    job.save(update_fields=["run_after"])
    runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result == {"ok": True, "attempt": 2}


def test_a_job_failing_every_attempt_fails_with_the_last_reason(org_a, contributor):
    job = do_enqueue_job(contributor.user, org_a, jobkinds.FLAKY, {"fail_times": 5})
    Job.objects.for_org(org_a).filter(pk=job.pk).update(run_after=None)
    runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.attempts == 2
    assert job.error == "It failed 2 times; the last time: ConnectionError: the mail server did not answer"


def test_a_message_delivered_twice_runs_the_job_once(org_a, admin):
    job = do_enqueue_job(admin.user, org_a, jobkinds.TOKENS, {"count": 2})
    runner.run_job(job.pk)
    job.refresh_from_db()
    assert job.attempts == 1 and tokens_named(org_a) == ["job-1", "job-2"]


def test_a_job_whose_worker_died_is_queued_again_and_runs_from_the_start(org_a, admin):
    job = _queued(org_a, admin, {"count": 2})
    Job.objects.for_org(org_a).filter(pk=job.pk).update(status=JobStatus.RUNNING, worker=f"{runner.worker_id()}0000",
                                                        attempts=1)
    assert runner.recover_lost() == 1  # immediate mode: queued again and run at once
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.attempts == 2 and tokens_named(org_a) == ["job-1", "job-2"]


def test_a_job_leaves_a_file_its_asker_downloads(client, org_a, auditor):
    job = do_enqueue_job(auditor.user, org_a, jobkinds.REPORT)
    assert job.status == JobStatus.DONE and job.result_file
    response = signed_in(auditor).get(f"/o/{org_a.slug}/jobs/{job.pk}/file/")
    assert response.status_code == 200 and response.content == b"Report of Alpha Clinic\n"
    api = client.get(f"/api/v1/orgs/{org_a.slug}/jobs/{job.pk}/file/", **auditor.auth())
    assert api.status_code == 200 and api.content == b"Report of Alpha Clinic\n"


def test_two_files_of_the_same_name_download_under_that_name(org_a, auditor):
    first, second = (do_enqueue_job(auditor.user, org_a, jobkinds.REPORT) for _ in range(2))
    assert first.pk != second.pk and first.result_file.name != second.result_file.name
    browser = signed_in(auditor)
    for job in (first, second):
        response = browser.get(f"/o/{org_a.slug}/jobs/{job.pk}/file/")
        assert response["Content-Disposition"] == 'attachment; filename="register.txt"'


def test_the_api_answers_a_jobs_status_with_and_without_the_slash(client, org_a, admin):
    job = do_enqueue_job(admin.user, org_a, jobkinds.TOKENS, {"count": 1})
    for path in (f"/api/v1/orgs/{org_a.slug}/jobs/{job.pk}/", f"/api/v1/orgs/{org_a.slug}/jobs/{job.pk}"):
        body = client.get(path, **admin.auth()).json()
        assert body["status"] == "done" and body["progress"] == 100 and body["result"] == {"tokens": 1}
        assert body["requested_by"] == "admin@a.test" and body["label"] == "Create API tokens"
    listed = client.get(f"/api/v1/orgs/{org_a.slug}/jobs/", **admin.auth()).json()
    assert [item["id"] for item in listed["items"]] == [job.pk]


def test_a_member_follows_their_own_jobs_and_those_their_role_may_run(client, org_a, admin, contributor, auditor):
    mine = do_enqueue_job(contributor.user, org_a, jobkinds.FLAKY, {"fail_times": 0})
    admins = do_enqueue_job(admin.user, org_a, jobkinds.TOKENS, {"count": 1})
    assert list(selectors.jobs(org_a, contributor.membership)) == [mine]
    assert set(selectors.jobs(org_a, admin.membership)) == {mine, admins}
    assert client.get(f"/api/v1/orgs/{org_a.slug}/jobs/{admins.pk}/", **contributor.auth()).status_code == 404
    assert signed_in(auditor).get(f"/o/{org_a.slug}/jobs/{admins.pk}/").status_code == 404


def test_the_status_fragment_polls_until_the_job_is_done(org_a, admin):
    job = _queued(org_a, admin, {"count": 1})
    client = signed_in(admin)
    page = client.get(f"/o/{org_a.slug}/jobs/{job.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and ">Queued<" in page and "<script" not in page.split("</nav>")[-1]
    runner.run_job(job.pk)
    fragment = client.get(f"/o/{org_a.slug}/jobs/{job.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and ">Done<" in fragment and "<html" not in fragment


def test_the_cli_shows_and_lists_jobs(org_a, admin, capsys):
    from accord.cli import main

    job = do_enqueue_job(admin.user, org_a, jobkinds.TOKENS, {"count": 1})
    assert main(["job", "show", org_a.slug, str(job.pk)]) == 0
    out = capsys.readouterr().out
    assert f"job {job.pk}: Create API tokens (tests.tokens)" in out and "status: done" in out
    assert main(["job", "list", org_a.slug]) == 0
    assert capsys.readouterr().out.startswith(f"{job.pk}\tdone\tCreate API tokens\t")
    assert main(["job", "show", org_a.slug, "999999"]) == 1
    assert "no job 999999 in org-a" in capsys.readouterr().err


def test_periodic_tasks_become_tasks_of_the_queues_scheduler(settings):
    settings.ACCORD_JOBS_IMMEDIATE = False
    settings.ACCORD_JOBS_FILE = settings.VAR_DIR / "test-jobs-periodic.sqlite3"
    queue.reset()
    try:
        periodic = {task.__name__ for task in queue.huey()._registry._periodic_tasks}
    finally:
        queue.reset()
    assert {"accord.recover", "accord.core.audit_checkpoint"} <= periodic


def test_the_hourly_checkpoint_appends_every_chains_head_when_a_file_is_set(org_a, settings, tmp_path):
    from accord.core.jobs.periodic import audit_checkpoint

    settings.ACCORD_AUDIT_CHECKPOINT_FILE = ""
    audit_checkpoint()  # not configured: nothing to do
    settings.ACCORD_AUDIT_CHECKPOINT_FILE = str(tmp_path / "heads.jsonl")
    audit_checkpoint()
    assert '"slug":"org-a"' in (tmp_path / "heads.jsonl").read_text()


class _FakeProcess:
    def __init__(self, argv, started):
        self.argv, self.stopped = argv, False
        started.append(self)

    def terminate(self):
        self.stopped = True

    def wait(self, timeout=None):
        return 0

    def kill(self):
        self.stopped = True


@pytest.mark.parametrize(("flags", "workers"), [([], 1), (["--no-worker"], 0)])
def test_serve_starts_one_worker_beside_the_server_unless_told_not_to(db, monkeypatch, settings, flags, workers):
    from accord.cli import main

    settings.ACCORD_JOBS_IMMEDIATE = False
    started, during = [], []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    monkeypatch.setattr("accord.core.server.subprocess.Popen", lambda argv: _FakeProcess(argv, started))
    monkeypatch.setattr("accord.core.server.run_server",
                        lambda host, port, n, **_: during.append([p.stopped for p in started]))
    assert main(["serve", "--workers", "1", *flags]) == 0
    assert len(started) == workers and during == [[False] * workers]  # running while the server runs
    if workers:
        assert started[0].argv[1:] == ["-m", "accord.cli", "worker", "--exit-with-parent"] and started[0].stopped


def test_a_worker_refuses_to_start_when_jobs_run_where_they_are_queued(capsys):
    from accord.cli import main

    assert main(["worker"]) == 1
    assert "ACCORD_JOBS_IMMEDIATE is on" in capsys.readouterr().err


def test_a_job_speaks_the_language_of_the_request_that_queued_it(org_a, admin):
    from django.utils import translation

    with translation.override("fr"):
        asked = do_enqueue_job(admin.user, org_a, jobkinds.LANGUAGE, {"n": 1})
    assert asked.language == "fr"
    queued = Job(organization=org_a, kind=jobkinds.LANGUAGE, user=admin.user, parameters={"n": 2}, language="fr")
    queued.save(force_insert=True)
    runner.run_job(queued.pk)  # the worker's own language is English
    queued.refresh_from_db()
    assert queued.result == {"language": "fr", "refused": "Refusé"}

    admin.user.language = "fr"
    admin.user.save(update_fields=["language"])
    older = Job(organization=org_a, kind=jobkinds.LANGUAGE, user=admin.user, parameters={"n": 3})  # no language
    older.save(force_insert=True)
    runner.run_job(older.pk)
    older.refresh_from_db()
    assert older.result["language"] == "fr"  # then the person's own choice
