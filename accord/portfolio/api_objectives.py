"""REST API of the objectives, mounted under /api/v1/orgs/ by accord/api.py: objectives with their key
results nested (list, create with key results, read, change, remove), key results (add, change, remove)
and the initiatives that contribute to an objective (set with a weight, remove).

Progress is the models' answer (`rules.objective_progress`: the mean over key results of
(current − baseline) / (target − baseline), clamped to [0, 1]). Inputs check types here; the services
check meaning and name every bad field.
"""

import datetime as dt
import decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, TextIn, org_access
from accord.portfolio import selectors, selectors_objectives, services_objectives
from accord.portfolio.models_objectives import MAX_WEIGHT, InitiativeObjective, KeyResult, Objective

router = Router(tags=["objectives"])

_VALUE = Field(max_digits=20, decimal_places=4)


class KeyResultOut(Schema):
    id: int
    metric: str
    unit: str
    baseline: decimal.Decimal
    target: decimal.Decimal
    current: decimal.Decimal
    due_on: dt.date | None
    progress: float = Field(description="0 to 1: (current − baseline) / (target − baseline), clamped")


class ContributionOut(Schema):
    initiative_id: int
    ref: str
    title: str
    weight: int = Field(description="1 to 100, relative to the objective's other contributors")

    @staticmethod
    def resolve_ref(obj: InitiativeObjective) -> str:
        return obj.initiative.ref

    @staticmethod
    def resolve_title(obj: InitiativeObjective) -> str:
        return obj.initiative.title


class ObjectiveOut(Schema):
    id: int
    ref: str = Field(description="O-01, O-02, … in the order objectives were added")
    title: str
    description: str
    owner: str | None = Field(description="The owner's e-mail address")
    horizon_start: dt.date
    horizon_end: dt.date
    progress: float | None = Field(description="0 to 1, the mean of the key results' progress; null without any")
    key_results: list[KeyResultOut]
    initiatives: list[ContributionOut] = Field(description="The initiatives that contribute to it")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_owner(obj: Objective) -> str | None:
        return obj.owner.user.email if obj.owner else None

    @staticmethod
    def resolve_key_results(obj: Objective) -> list[KeyResult]:
        return list(obj.key_results.all())

    @staticmethod
    def resolve_initiatives(obj: Objective) -> list[InitiativeObjective]:
        return list(obj.contributions.all())


class KeyResultPatch(BodyIn):
    metric: str | None = Field(None, max_length=200)
    unit: str | None = Field(None, max_length=30)
    baseline: decimal.Decimal | None = Field(None, max_digits=20, decimal_places=4)
    target: decimal.Decimal | None = Field(None, max_digits=20, decimal_places=4)
    current: decimal.Decimal | None = Field(None, max_digits=20, decimal_places=4)
    due_on: dt.date | None = None


class KeyResultIn(KeyResultPatch):
    metric: str = Field(min_length=1, max_length=200)
    baseline: decimal.Decimal = _VALUE
    target: decimal.Decimal = _VALUE
    current: decimal.Decimal | None = Field(None, max_digits=20, decimal_places=4,
                                            description="Defaults to the baseline")


class ObjectivePatch(BodyIn):
    title: str | None = Field(None, max_length=200)
    description: str | None = None
    owner: str | None = Field(None, description="A member's e-mail address, or null")
    horizon_start: dt.date | None = None
    horizon_end: dt.date | None = None


class ObjectiveIn(ObjectivePatch):
    title: str = Field(min_length=1, max_length=200)
    horizon_start: dt.date
    horizon_end: dt.date
    key_results: list[KeyResultIn] = Field(default_factory=list, description="Its first key results")


class ObjectiveQuery(TextIn):
    q: str = Field("", description="Text in the title or description")


def _data(payload: BodyIn, *, exclude: set[str] | None = None) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True, exclude=exclude)


def _one(m: Any, objective_id: int) -> Objective:
    return selectors_objectives.access_objective(m.organization, objective_id)


@router.get("/{org}/objectives/", response={200: list[ObjectiveOut], **ERRORS}, summary="The objectives",
            operation_id="accord_portfolio_api_list_objectives")
@paginate(Pagination)
def list_objectives(request: HttpRequest, org: str, filters: Query[ObjectiveQuery]) -> QuerySet[Objective]:
    """By reference, each with its key results, progress and contributing initiatives."""
    m = org_access(request, org, "objective.view")
    return selectors_objectives.objectives(m.organization, filters.q)


@router.post("/{org}/objectives/", response={201: ObjectiveOut, **ERRORS}, summary="Add an objective",
             operation_id="accord_portfolio_api_create_objective")
def create_objective(request: HttpRequest, org: str, payload: ObjectiveIn) -> Status[Any]:
    m = org_access(request, org, "objective.change")
    objective = services_objectives.do_create_objective(
        m.user, m.organization, _data(payload, exclude={"key_results"}),
        key_results=[k.model_dump(exclude_unset=True) for k in payload.key_results])
    return Status(201, _one(m, objective.pk))


@router.get("/{org}/objectives/{objective_id}/", response={200: ObjectiveOut, **ERRORS}, summary="One objective",
            operation_id="accord_portfolio_api_get_objective")
def get_objective(request: HttpRequest, org: str, objective_id: Id) -> Objective:
    m = org_access(request, org, "objective.view")
    return _one(m, objective_id)


@router.patch("/{org}/objectives/{objective_id}/", response={200: ObjectiveOut, **ERRORS},
              summary="Change an objective", operation_id="accord_portfolio_api_update_objective")
def update_objective(request: HttpRequest, org: str, objective_id: Id, payload: ObjectivePatch) -> Objective:
    m = org_access(request, org, "objective.change")
    services_objectives.do_update_objective(m.user, m.organization, _one(m, objective_id), _data(payload))
    return _one(m, objective_id)


@router.delete("/{org}/objectives/{objective_id}/", response={204: None, **ERRORS},
               summary="Remove an objective with its key results (its initiatives stay)",
               operation_id="accord_portfolio_api_delete_objective")
def delete_objective(request: HttpRequest, org: str, objective_id: Id) -> Status[None]:
    m = org_access(request, org, "objective.change")
    services_objectives.do_delete_objective(m.user, m.organization, _one(m, objective_id))
    return Status(204, None)


@router.post("/{org}/objectives/{objective_id}/key-results/", response={201: KeyResultOut, **ERRORS},
             summary="Add a key result", operation_id="accord_portfolio_api_add_key_result")
def add_key_result(request: HttpRequest, org: str, objective_id: Id, payload: KeyResultIn) -> Status[Any]:
    m = org_access(request, org, "objective.change")
    kr = services_objectives.do_add_key_result(m.user, m.organization, _one(m, objective_id), _data(payload))
    return Status(201, kr)


@router.patch("/{org}/objectives/{objective_id}/key-results/{key_result_id}/", response={200: KeyResultOut, **ERRORS},
              summary="Change a key result (its current value, most often)",
              operation_id="accord_portfolio_api_update_key_result")
def update_key_result(request: HttpRequest, org: str, objective_id: Id, key_result_id: Id,
                      payload: KeyResultPatch) -> Any:
    m = org_access(request, org, "objective.change")
    kr = selectors_objectives.access_key_result(m.organization, _one(m, objective_id), key_result_id)
    return services_objectives.do_update_key_result(m.user, m.organization, kr, _data(payload))


@router.delete("/{org}/objectives/{objective_id}/key-results/{key_result_id}/", response={204: None, **ERRORS},
               summary="Remove a key result", operation_id="accord_portfolio_api_delete_key_result")
def delete_key_result(request: HttpRequest, org: str, objective_id: Id, key_result_id: Id) -> Status[None]:
    m = org_access(request, org, "objective.change")
    kr = selectors_objectives.access_key_result(m.organization, _one(m, objective_id), key_result_id)
    services_objectives.do_delete_key_result(m.user, m.organization, kr)
    return Status(204, None)


class ContributionIn(BodyIn):
    weight: int = Field(1, ge=1, le=MAX_WEIGHT, strict=True, description="1 to 100")


@router.put("/{org}/objectives/{objective_id}/initiatives/{initiative_id}", response={200: ContributionOut, **ERRORS},
            summary="Say that an initiative contributes to the objective, with a weight",
            operation_id="accord_portfolio_api_set_contribution")
def set_contribution(request: HttpRequest, org: str, objective_id: Id, initiative_id: Id,
                     payload: ContributionIn) -> Any:
    m = org_access(request, org, "objective.change")
    objective = _one(m, objective_id)
    initiative = selectors.access_initiative(m.organization, initiative_id)
    services_objectives.do_set_contribution(m.user, m.organization, objective, initiative, weight=payload.weight)
    return selectors_objectives.access_contribution(m.organization, objective, initiative_id)


@router.delete("/{org}/objectives/{objective_id}/initiatives/{initiative_id}", response={204: None, **ERRORS},
               summary="The initiative no longer contributes to the objective",
               operation_id="accord_portfolio_api_remove_contribution")
def remove_contribution(request: HttpRequest, org: str, objective_id: Id, initiative_id: Id) -> Status[None]:
    m = org_access(request, org, "objective.change")
    link = selectors_objectives.access_contribution(m.organization, _one(m, objective_id), initiative_id)
    services_objectives.do_remove_contribution(m.user, m.organization, link)
    return Status(204, None)
