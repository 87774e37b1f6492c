"""Tenant-scoped reads of the objectives: the list (owner, key results and contributing initiatives
loaded, so progress costs no query per row), one objective, one key result, one contribution, the
objectives an initiative serves. Progress is the models' (`rules.objective_progress`)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from accord.core.history import names_by_id
from accord.core.inputs import INT64_MAX
from accord.core.models import Membership, Organization
from accord.portfolio.models import Initiative
from accord.portfolio.models_objectives import InitiativeObjective, KeyResult, Objective


def _pk(value: int | str) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk <= INT64_MAX else None


def objectives(org: Organization, q: str = "") -> QuerySet[Objective]:
    """`org`'s objectives by reference, with owner, key results and contributions (their initiatives)
    loaded: a constant number of queries whatever the length."""
    links = InitiativeObjective.objects.for_org(org).select_related("initiative").order_by("-weight", "initiative")
    qs = (Objective.objects.for_org(org).select_related("owner__user")
          .prefetch_related(Prefetch("key_results", queryset=KeyResult.objects.for_org(org).order_by("pk")),
                            Prefetch("contributions", queryset=links)))
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return qs.order_by("number")


def access_objective(org: Organization, objective_id: int | str) -> Objective:
    """One objective of `org`, or 404 (missing and another organisation's answer the same)."""
    pk = _pk(objective_id)
    found = objectives(org).filter(pk=pk).first() if pk else None
    if found is None:
        raise Http404("No such objective.")
    return found


def access_key_result(org: Organization, objective: Objective, key_result_id: int | str) -> KeyResult:
    pk = _pk(key_result_id)
    found = KeyResult.objects.for_org(org).filter(pk=pk, objective=objective).first() if pk else None
    if found is None:
        raise Http404("No such key result.")
    return found


def access_contribution(org: Organization, objective: Objective, initiative_id: int | str) -> InitiativeObjective:
    pk = _pk(initiative_id)
    found = (InitiativeObjective.objects.for_org(org).filter(objective=objective, initiative_id=pk)
             .select_related("initiative", "objective").first() if pk else None)
    if found is None:
        raise Http404("This initiative does not contribute to this objective.")
    return found


def served_by(org: Organization, initiative: Initiative) -> list[InitiativeObjective]:
    """The objectives `initiative` serves (each link with its objective and weight), heaviest first."""
    return list(InitiativeObjective.objects.for_org(org).filter(initiative=initiative)
                .select_related("objective").order_by("-weight", "objective__number"))


def objective_choices(org: Organization) -> list[tuple[int, str]]:
    """(id, "O-01 Title") of every objective, for filters and forms (one query)."""
    return [(o.pk, str(o)) for o in Objective.objects.for_org(org).only("number", "title").order_by("number")]


def objectives_owned_by(org: Organization, membership: Membership) -> list[str]:
    return [f"{o.ref} {o.title}: owner" for o in Objective.objects.for_org(org).filter(owner=membership)]


def objective_names(org: Organization, ids: set[str]) -> dict[str, str]:
    """References and titles of some objectives by id as text (the audit trail's names)."""
    return names_by_id(Objective.objects.for_org(org).only("number", "title"), ids, str)
