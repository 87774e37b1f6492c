"""Reference data of the risk register over the API: the categories risks are filed under and the
current risk matrix."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, Pagination, org_access
from accord.risks import selectors
from accord.risks.choices import Level
from accord.risks.models import RiskCategory

router = Router()


class CategoryOut(Schema):
    key: str
    name: str
    position: int
    active: bool
    is_privacy: bool = Field(description="Its risks are about personal data: their acceptances need the DPO when "
                                         "the governance profile says so")


class MatrixOut(Schema):
    version: int
    likelihood_labels: list[str]
    impact_labels: list[str]
    levels: list[list[Level]]
    created_at: dt.datetime


@router.get("/{org}/risk-categories/", response={200: list[CategoryOut], **ERRORS}, summary="Risk categories",
            operation_id="accord_risks_api_list_categories")
@paginate(Pagination)
def list_categories(request: HttpRequest, org: str) -> QuerySet[RiskCategory]:
    """Every category, retired ones included (`active: false`); risks name them by `key`."""
    m = org_access(request, org, "risk.view")
    return selectors.categories(m.organization)


@router.get("/{org}/risk-matrix/", response={200: MatrixOut, **ERRORS}, summary="The current risk matrix",
            operation_id="accord_risks_api_get_matrix")
def get_matrix(request: HttpRequest, org: str) -> Any:
    """`levels[l-1][i-1]` is the level of likelihood l and impact i."""
    m = org_access(request, org, "risk.view")
    return selectors.current_matrix(m.organization)
