"""Running one job: claim it, check the asking member's permission again, run it all or nothing, then
mark it done, retry it later (backoff) or fail it with a message a person can act on.

A worker claims a queued job with one conditional update (status queued → running, its `worker` set to
host:pid), so a message delivered twice runs the job once. A job's writes and its `done` status commit
in one transaction, and `done` is written only while the row still names this worker and attempt: a
worker killed mid-way leaves nothing of its run, and `recover_lost` (at every worker's start and every
minute) puts a job whose worker is gone back in the queue, to run again from the start.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone, translation

from accord.core.choices import JobStatus, Role
from accord.core.i18n import SUPPORTED, recipient_language
from accord.core.jobs import queue, registry
from accord.core.jobs.models import Job
from accord.core.jobs.registry import JobFailed
from accord.core.models import Membership, Organization, User
from accord.core.permissions import allows

logger = logging.getLogger(__name__)

PROGRESS_KEY = "accord:job:progress:{}"
PROGRESS_SECONDS = 24 * 3600
#: The longest failure message kept (the column's size).
MAX_ERROR = 1000


def worker_id() -> str:
    """host:pid of this process, written on the jobs it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


class _Superseded(Exception):
    """The job is no longer this run's (taken back as lost meanwhile): roll this run's writes back."""


@dataclass
class JobContext:
    """What a job kind's `run` receives: the job, its organisation, the asking member (checked just now),
    the parameters, and ways to report progress and leave a result file."""

    job: Job
    organization: Organization
    user: User
    membership: Membership
    parameters: dict[str, Any]
    file: tuple[str, bytes] | None = field(default=None)

    def progress(self, percent: float, message: str = "") -> None:
        """Say how far the job is (0 to 100) and what it is doing; the fronts show it while it runs."""
        value = max(0, min(100, int(percent)))
        cache.set(PROGRESS_KEY.format(self.job.pk), [value, message[:200]], timeout=PROGRESS_SECONDS)
        if not connection.in_atomic_block:  # a job that only reads: the row can say it too
            Job.objects.for_org(self.organization).filter(pk=self.job.pk, status=JobStatus.RUNNING).update(
                progress=value, progress_message=message[:200])

    def save_file(self, name: str, content: bytes) -> None:
        """Keep `content` as the job's result file (a report, an export), stored when the job is done."""
        self.file = (name, content)


def progress_of(job: Job) -> tuple[int, str]:
    """(percent, message) of a job: the newest report of a running job, 100 once done."""
    if job.status == JobStatus.DONE:
        return 100, job.progress_message
    if job.status == JobStatus.RUNNING:
        reported = cache.get(PROGRESS_KEY.format(job.pk))
        if reported:
            return int(reported[0]), str(reported[1])
    return job.progress, job.progress_message


def _refusal(job: Job, kind: registry.JobKind) -> tuple[str, Membership | None]:
    """Why the asking member may not run this job any more ("" when they may), and their membership."""
    org = job.organization
    if job.user is None:
        return "The person who asked for this job no longer has an account.", None
    membership = Membership.objects.for_org(org).filter(user=job.user).first()
    if membership is None:
        return (f"{job.user.email} is no longer a member of {org.name}, so the job they asked for was not run.",
                None)
    if not allows(membership.role, kind.action):
        return (f"{job.user.email}'s role in {org.name} is now {Role(membership.role).label}, which may not "
                f"{str(kind.label).lower()}; the job was not run.", membership)
    return "", membership


def _claim(job_id: int, worker: str) -> bool:
    moment = timezone.now()
    return bool(
        Job.unscoped.filter(pk=job_id, status=JobStatus.QUEUED)
        .filter(Q(run_after__isnull=True) | Q(run_after__lte=moment))
        .update(status=JobStatus.RUNNING, worker=worker, attempts=F("attempts") + 1, started_at=moment,
                progress=0, progress_message="")
    )


def _ours(job: Job, worker: str) -> Any:
    return Job.objects.for_org(job.organization).filter(pk=job.pk, status=JobStatus.RUNNING, worker=worker,
                                                        attempts=job.attempts)


def _fail(job: Job, worker: str, message: str, result: Mapping[str, Any] | None = None) -> None:
    _ours(job, worker).update(status=JobStatus.FAILED, error=message[:MAX_ERROR], finished_at=timezone.now(),
                              result=dict(result) if result is not None else None)
    logger.warning("jobs: job %s (%s) failed: %s", job.pk, job.kind, message)


def _finish(job: Job, worker: str, result: Mapping[str, Any] | None, context: JobContext) -> None:
    fields: dict[str, Any] = {"status": JobStatus.DONE, "progress": 100, "finished_at": timezone.now(),
                              "result": dict(result) if result is not None else None, "error": ""}
    if context.file is not None:
        name, content = context.file
        # A folder of its own per result keeps the name the member downloads as the job gave it: two
        # reports of one day would otherwise share a folder and the storage would add a random suffix.
        job.result_file.save(f"{secrets.token_hex(8)}/{name}", ContentFile(content), save=False)
        fields["result_file"] = job.result_file.name
    if not _ours(job, worker).update(**fields):
        raise _Superseded


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in exc.message_dict.items())
        return " ".join(exc.messages)
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def run_job(job_id: int) -> None:
    """Run the job `job_id` if it is queued and due (the queue's task; see the module's docstring)."""
    worker = worker_id()
    if not _claim(job_id, worker):
        return  # done, failed, running elsewhere, or not due yet (its scheduled message will come)
    job = Job.unscoped.select_related("organization", "user").get(pk=job_id)
    kind = registry.kind(job.kind)
    if kind is None:
        _fail(job, worker, f"This worker does not know the job kind {job.kind!r}; is it the same version of "
                           "Accord as the web server?")
        return
    problem, membership = _refusal(job, kind)
    if problem or membership is None or job.user is None:
        _fail(job, worker, problem)
        return
    context = JobContext(job=job, organization=job.organization, user=job.user, membership=membership,
                         parameters=dict(job.parameters or {}))
    # In the language of whoever queued it (else theirs, their organisation's, English), as in their request.
    language = job.language if job.language in SUPPORTED else recipient_language(job.user, job.organization)
    with translation.override(language):
        _run(job, worker, kind, context)


def _run(job: Job, worker: str, kind: registry.JobKind, context: JobContext) -> None:
    try:
        if kind.writes:
            with transaction.atomic():
                result = kind.run(context)
                _finish(job, worker, result, context)
        else:
            result = kind.run(context)
            with transaction.atomic():
                _finish(job, worker, result, context)
    except _Superseded:
        logger.warning("jobs: job %s was taken back as lost while %s ran it; this run is rolled back", job.pk,
                       worker)
    except (JobFailed, ValidationError, PermissionDenied) as exc:
        _fail(job, worker, _describe(exc), exc.result if isinstance(exc, JobFailed) else None)
    except Exception as exc:
        _retry_or_fail(job, worker, kind, exc)


def backoff(kind: registry.JobKind, attempt: int) -> float:
    """Seconds before the retry that follows failed attempt number `attempt` (1, 2, ...)."""
    return float(kind.backoff_seconds * 2 ** (attempt - 1))


def _retry_or_fail(job: Job, worker: str, kind: registry.JobKind, exc: Exception) -> None:
    logger.exception("jobs: job %s (%s) attempt %d of %d failed", job.pk, job.kind, job.attempts, job.max_attempts)
    reason = f"{type(exc).__name__}: {_describe(exc)}"
    if job.attempts >= job.max_attempts:
        _fail(job, worker, f"It failed {job.attempts} time{'s' if job.attempts != 1 else ''}; the last time: "
                           f"{reason}")
        return
    delay = backoff(kind, job.attempts)
    retried = _ours(job, worker).update(status=JobStatus.QUEUED, worker="", error=f"Retrying: {reason}"[:MAX_ERROR],
                                        run_after=timezone.now() + timedelta(seconds=delay))
    if retried:
        queue.send_job(job.pk, delay=delay)


def _alive(worker: str) -> bool:
    """Whether the worker `host:pid` still runs; one on another machine is taken as running."""
    host, _, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_lost() -> int:
    """Queue again the jobs whose worker is gone: running on this machine in a process that no longer
    exists, or running elsewhere (or waiting in the queue) for longer than `ACCORD_JOB_STALE_MINUTES`.
    Returns how many. A job sent twice runs once (`run_job` claims it)."""
    stale = timezone.now() - timedelta(minutes=settings.ACCORD_JOB_STALE_MINUTES)
    count = 0
    for job_id, worker, started in Job.unscoped.filter(status=JobStatus.RUNNING).values_list(
            "pk", "worker", "started_at"):
        if _alive(worker) and started is not None and started > stale:
            continue
        if Job.unscoped.filter(pk=job_id, status=JobStatus.RUNNING, worker=worker).update(
                status=JobStatus.QUEUED, worker="", run_after=None):
            logger.warning("jobs: job %s was running in %s, which is gone; it is queued again", job_id, worker)
            queue.send_job(job_id)
            count += 1
    forgotten = Job.unscoped.filter(status=JobStatus.QUEUED, created_at__lt=stale).filter(
        Q(run_after__isnull=True) | Q(run_after__lt=stale))
    for job_id in forgotten.values_list("pk", flat=True):
        queue.send_job(job_id)
        count += 1
    return count
