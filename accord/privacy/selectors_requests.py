"""Tenant-scoped reads of the data-subject requests: the register with its filters (kind, status, overdue, due
within n days), one request with its pauses, and what a member is assigned. Overdue and due-soon are one rule
(`RequestFilter.apply`, on the stored due date against the organisation's today), so every front agrees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accord.core.clock import org_today
from accord.core.history import names_by_id
from accord.core.inputs import INT64_MAX
from accord.core.models import Membership, Organization
from accord.privacy.choices import OPEN_STATUSES, RUNNING_STATUSES
from accord.privacy.models_requests import DataSubjectRequest, IdentityPause


def _pk(value: int | str) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= INT64_MAX else None


def overdue_q(today: dt.date) -> Q:
    """Overdue on `today`: open, its clock running (identity pending stops it), past its due date."""
    return Q(status__in=RUNNING_STATUSES, due_on__lt=today)


@dataclass(frozen=True)
class RequestFilter:
    """What the register lists: a kind, a status, `open_only`, `overdue` (open, clock running, past its due
    date), `due_within` days (open, clock running, due from today to today + n)."""

    kind: str = ""
    status: str = ""
    open_only: bool = False
    overdue: bool = False
    due_within: int | None = None

    def apply(self, qs: QuerySet[DataSubjectRequest], today: dt.date) -> QuerySet[DataSubjectRequest]:
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.status:
            qs = qs.filter(status=self.status)
        if self.open_only:
            qs = qs.filter(status__in=OPEN_STATUSES)
        if self.overdue:
            qs = qs.filter(overdue_q(today))
        if self.due_within is not None:
            qs = qs.filter(status__in=RUNNING_STATUSES, due_on__gte=today,
                           due_on__lte=today + dt.timedelta(days=self.due_within))
        return qs


def requests(org: Organization, filters: RequestFilter | None = None) -> QuerySet[DataSubjectRequest]:
    """`org`'s requests, the open ones first by due date, then the closed ones; assignee and pauses loaded (a
    constant number of queries whatever the length), each with `overdue_now` (`overdue_q` on the organisation's
    today, read as `is_overdue`)."""
    pauses = IdentityPause.objects.for_org(org).order_by("paused_on", "pk")
    qs = (DataSubjectRequest.objects.for_org(org).select_related("assignee__user")
          .prefetch_related(Prefetch("pauses", queryset=pauses)))
    today = org_today(org)
    qs = (filters or RequestFilter()).apply(qs, today)
    return (qs.annotate(open_now=Q(status__in=OPEN_STATUSES), overdue_now=overdue_q(today))
            .order_by("-open_now", "due_on", "-number"))


def request_clocks(org: Organization, filters: RequestFilter, *, limit: int) -> list[DataSubjectRequest]:
    """The first `limit` requests `filters` lists, soonest due first, without their pauses or assignee (one query,
    for the dashboard)."""
    today = org_today(org)
    found = filters.apply(DataSubjectRequest.objects.for_org(org), today).annotate(overdue_now=overdue_q(today))
    return list(found.order_by("due_on", "number")[:limit])


def access_request(org: Organization, request_id: int | str) -> DataSubjectRequest:
    """One request of `org`, or 404 (missing and another organisation's answer the same)."""
    pk = _pk(request_id)
    found = requests(org).filter(pk=pk).first() if pk else None
    if found is None:
        raise Http404("No such data-subject request.")
    return found


def requests_assigned_to(org: Organization, membership: Membership) -> list[str]:
    return [f"{r.ref}: assignee" for r in DataSubjectRequest.objects.for_org(org).filter(assignee=membership)]


def request_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """References and kinds of some requests by id as text (the audit trail's names; no personal data)."""
    return names_by_id(DataSubjectRequest.objects.for_org(org).only("number", "kind"), ids, str)
