"""Tenant-scoped reads of the personal-data breaches: the register (notifications and the linked risk loaded),
one breach, and the breaches whose 72-hour deadline still runs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from accord.core.history import names_by_id
from accord.core.inputs import INT64_MAX
from accord.core.models import Organization
from accord.privacy.choices import NotifyDecision
from accord.privacy.models_breaches import Breach, BreachNotification


@dataclass(frozen=True)
class BreachFilter:
    """`awaiting`: breaches neither notified nor documented as not to be notified (the clock matters to them)."""

    awaiting: bool = False


def breaches(org: Organization, filters: BreachFilter | None = None) -> QuerySet[Breach]:
    """`org`'s breaches, newest first, with their notifications (in phase order), risk and the incident that opened
    them (the incidents app's one-to-one link to a breach, read from the breach's side) loaded."""
    phases = BreachNotification.objects.for_org(org).order_by("phase")
    qs = (_filtered(org, filters or BreachFilter()).select_related("risk", "incident")
          .prefetch_related(Prefetch("notifications", queryset=phases)))
    return qs.order_by("-became_aware_at", "-number")


def _filtered(org: Organization, filters: BreachFilter) -> QuerySet[Breach]:
    qs = Breach.objects.for_org(org)
    if filters.awaiting:
        sent = BreachNotification.objects.for_org(org).filter(breach=OuterRef("pk"))
        qs = qs.exclude(notify_decision=NotifyDecision.NOT_REQUIRED).filter(~Exists(sent))
    return qs


def access_breach(org: Organization, breach_id: int | str) -> Breach:
    """One breach of `org`, or 404 (missing and another organisation's answer the same)."""
    try:
        pk = int(breach_id)
    except (TypeError, ValueError):
        pk = 0
    found = breaches(org).filter(pk=pk).first() if 0 < pk <= INT64_MAX else None
    if found is None:
        raise Http404("No such breach.")
    return found


def running_clocks(org: Organization, *, limit: int = 100) -> list[Breach]:
    """Breaches awaiting their first notification (or a decision), the nearest deadline first (one query)."""
    return list(_filtered(org, BreachFilter(awaiting=True)).order_by("notify_authority_by", "number")[:limit])


def overdue_now(breach: Breach) -> bool:
    return breach.notify_authority_by < timezone.now()


def breach_names(org: Organization, ids: set[str]) -> dict[str, str]:
    return names_by_id(Breach.objects.for_org(org).only("number", "title"), ids, str)
