"""The Job model: one piece of background work an organisation's member asked for (decision 0027)."""

from __future__ import annotations

from django.core.files.storage import Storage, default_storage
from django.db import models
from django.utils.timezone import now

from accord.core.choices import JobStatus
from accord.core.tenancy import TenantManager, TenantModel

#: A job in one of these states still holds its idempotency key: the same work asked again is this job.
OPEN = (JobStatus.QUEUED, JobStatus.RUNNING)


def result_storage() -> Storage:
    """Where a job's result file (a report, an export) is kept: the project's file storage (`var/media/`,
    or S3 with ACCORD_STORAGE_URL), under `jobs/`."""
    return default_storage


class Job(TenantModel):
    """Background work of one kind (`accord.core.jobs.registry`) for one organisation, asked by one member.

    The row is the truth about the job: the queue (Huey) carries only its id, so a lost or repeated
    message cannot lose or double it. `status` moves queued → running → done or failed; a run that fails
    for a reason worth retrying goes back to queued with `run_after` later (backoff), until `max_attempts`.
    What the job writes is written in one transaction with its `done` status, so a worker killed mid-way
    leaves nothing half-written and the job is run again from the start."""

    kind = models.CharField(max_length=80)
    user = models.ForeignKey("core.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="Who asked; the job runs with this person's role in the organisation.")
    parameters = models.JSONField(default=dict, blank=True)
    # The language of the request that queued it: its messages (a refused import's rows) are written in it.
    language = models.CharField(max_length=10, blank=True, default="")
    idempotency_key = models.CharField(max_length=200, blank=True, default="")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="0 to 100 while it runs.")
    progress_message = models.CharField(max_length=200, blank=True, default="")
    error = models.CharField(max_length=1000, blank=True, default="", help_text="Why it failed, for people.")
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    result = models.JSONField(null=True, blank=True)
    result_file = models.FileField(upload_to="jobs/%Y/%m/", storage=result_storage, blank=True, max_length=300)
    worker = models.CharField(max_length=120, blank=True, default="", help_text="host:pid of the worker running it.")
    created_at = models.DateTimeField(default=now)
    run_after = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = TenantManager()

    class Meta(TenantModel.Meta):
        ordering = ("organization", "-created_at", "-id")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "idempotency_key"], name="job_one_open_per_key",
                condition=models.Q(status__in=[s.value for s in OPEN]) & ~models.Q(idempotency_key="")),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="job_progress_at_most_100"),
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="job_status_valid"),
        ]
        indexes = [
            models.Index(fields=["organization", "-created_at"], name="job_recent_idx"),
            models.Index(fields=["status", "started_at"], name="job_status_idx"),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} ({self.kind})"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)
