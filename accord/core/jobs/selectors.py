"""Reads of the jobs kit: the jobs a member may follow.

A member sees the jobs they asked for, and every job of a kind whose permission their role holds (its
result is what that permission shows them anyway). Another's job of a kind they may not run answers 404,
as a missing one does."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from accord.core.jobs import registry
from accord.core.jobs.models import Job
from accord.core.models import Membership, Organization
from accord.core.permissions import allows


def _visible(membership: Membership) -> Q:
    kinds = [kind.name for kind in registry.kinds() if allows(membership.role, kind.action)]
    return Q(user_id=membership.user_id) | Q(kind__in=kinds)


def jobs(org: Organization, membership: Membership) -> QuerySet[Job]:
    """The organisation's jobs `membership` may follow, newest first."""
    return (Job.objects.for_org(org).filter(_visible(membership)).select_related("user", "organization")
            .order_by("-created_at", "-id"))


def org_jobs(org: Organization) -> QuerySet[Job]:
    """Every job of the organisation, newest first (operators' CLI, which has no member scope)."""
    return Job.objects.for_org(org).select_related("user", "organization").order_by("-created_at", "-id")


def access_job(org: Organization, membership: Membership, job_id: int | str) -> Job:
    """One job `membership` may follow, or 404 (missing, another organisation's, or not theirs to see)."""
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        raise Http404("No such job.") from None
    job = jobs(org, membership).filter(pk=pk).first()
    if job is None:
        raise Http404("No such job.")
    return job


def label_of(job: Job) -> str:
    """What people read for the job's kind (its code when this process does not know it)."""
    found = registry.kind(job.kind)
    return str(found.label) if found is not None else job.kind
