"""REST API of the IT costs, mounted under /api/v1/orgs/ by accord/api.py: budget lines (list filtered by
year and category, add, read with its months, change, remove), the import of actuals (a job, or a dry run
at once) and the cost view of a year.

Money is whole minor units of the organisation's currency. Variance is `rules.variance`: the year's budget
prorated over the months the actuals cover, against what was spent. Inputs check types here; the services
check meaning and name every bad field.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, FieldError, Id, Pagination, TextIn, org_access
from accord.core.choices import ImportAction
from accord.core.clock import org_today
from accord.core.jobs.api import JobOut, queued
from accord.portfolio import io_costs, rules, selectors_costs, services_costs
from accord.portfolio.choices import CostCategory, CostNature
from accord.portfolio.jobs_costs import do_queue_actuals_import
from accord.portfolio.models_costs import MAX_AMOUNT, Actual, BudgetLine

router = Router(tags=["costs"])


class CostFiguresOut(Schema):
    months: int = Field(description="Months of the year the actuals cover (what the budget is compared over)")
    budget: int = Field(description="The year's budget, minor units")
    planned: int = Field(description="The budget of the months covered: budget × months / 12, rounded")
    actual: int = Field(description="What was spent, minor units")
    variance: int = Field(description="actual − planned: positive is overspent")
    share: float | None = Field(description="variance / planned; null when planned is 0")


def _figures(v: rules.Variance) -> dict[str, Any]:
    return {"months": v.months, "budget": v.budget, "planned": v.planned, "actual": v.actual,
            "variance": v.variance, "share": v.share}


class ActualOut(Schema):
    month: str = Field(description="YYYY-MM")
    amount: int
    note: str

    @staticmethod
    def resolve_month(obj: Actual) -> str:
        return f"{obj.month:%Y-%m}"


class BudgetLineOut(Schema):
    id: int
    ref: str = Field(description="BL-001, BL-002, … in the order lines were added")
    year: int
    title: str
    category: CostCategory
    nature: CostNature
    amount: int = Field(description="The year's budget, whole minor units of the organisation's currency")
    initiative: int | None = Field(description="The id of the initiative it pays for")
    initiative_ref: str | None
    control: int | None = Field(description="The id of the control it pays for")
    control_ref: str | None
    system: int | None = Field(description="The id of the system it pays for")
    system_ref: str | None
    notes: str
    figures: CostFiguresOut
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_initiative(obj: BudgetLine) -> int | None:
        return obj.initiative_id

    @staticmethod
    def resolve_initiative_ref(obj: BudgetLine) -> str | None:
        return obj.initiative.ref if obj.initiative else None

    @staticmethod
    def resolve_control(obj: BudgetLine) -> int | None:
        return obj.control_id

    @staticmethod
    def resolve_control_ref(obj: BudgetLine) -> str | None:
        return obj.control.ref if obj.control else None

    @staticmethod
    def resolve_system(obj: BudgetLine) -> int | None:
        return obj.system_id

    @staticmethod
    def resolve_system_ref(obj: BudgetLine) -> str | None:
        return obj.system.ref if obj.system else None

    @staticmethod
    def resolve_figures(obj: BudgetLine) -> dict[str, Any]:
        return _figures(obj.figures)  # type: ignore[attr-defined]


class BudgetLineDetailOut(BudgetLineOut):
    actuals: list[ActualOut] = Field(description="What was spent, month by month")

    @staticmethod
    def resolve_actuals(obj: BudgetLine) -> list[Actual]:
        found: list[Actual] = obj.actuals_list  # type: ignore[attr-defined]  # set by `_detail`
        return found


class BudgetLinePatch(BodyIn):
    year: int | None = Field(None, ge=1990, le=2200, strict=True)
    title: str | None = Field(None, max_length=200)
    category: CostCategory | None = None
    nature: CostNature | None = None
    amount: int | None = Field(None, ge=0, le=MAX_AMOUNT, strict=True, description="Whole minor units")
    initiative: int | None = Field(None, ge=1, description="An initiative's id, or null")
    control: int | None = Field(None, ge=1, description="A control's id, or null")
    system: int | None = Field(None, ge=1, description="A system's id, or null (one of initiative, control, system)")
    notes: str | None = None


class BudgetLineIn(BudgetLinePatch):
    year: int = Field(ge=1990, le=2200, strict=True)
    title: str = Field(min_length=1, max_length=200)
    category: CostCategory
    amount: int = Field(ge=0, le=MAX_AMOUNT, strict=True, description="Whole minor units")


class BudgetLineQuery(TextIn):
    year: int | None = Field(None, ge=1990, le=2200, description="Lines of this year")
    category: CostCategory | None = Field(None, description="run, change or security")
    nature: CostNature | None = Field(None, description="capex or opex")
    initiative: int | None = Field(None, ge=1, description="Lines that pay for this initiative (its id)")
    control: int | None = Field(None, ge=1, description="Lines that pay for this control (its id)")
    system: int | None = Field(None, ge=1, description="Lines that pay for this system (its id)")
    q: str = Field("", description="Text in the title or notes")

    def to_filter(self) -> selectors_costs.LineFilter:
        return selectors_costs.LineFilter(year=self.year, category=self.category or "", nature=self.nature or "",
                                          initiative=self.initiative, control=self.control, system=self.system,
                                          q=self.q)


def _data(payload: BodyIn) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True)


def _detail(org: Any, line_id: int) -> BudgetLine:
    line = selectors_costs.access_budget_line(org, line_id)
    line.actuals_list = selectors_costs.line_actuals(org, line)  # type: ignore[attr-defined]
    return line


@router.get("/{org}/budget-lines/", response={200: list[BudgetLineOut], **ERRORS}, summary="The budget lines",
            operation_id="accord_portfolio_api_list_budget_lines")
@paginate(Pagination)
def list_budget_lines(request: HttpRequest, org: str, filters: Query[BudgetLineQuery]) -> list[BudgetLine]:
    """By year and reference, each with its actuals summed and its variance."""
    m = org_access(request, org, "cost.view")
    return selectors_costs.budget_lines(m.organization, filters.to_filter())


@router.post("/{org}/budget-lines/", response={201: BudgetLineDetailOut, **ERRORS}, summary="Add a budget line",
             operation_id="accord_portfolio_api_create_budget_line")
def create_budget_line(request: HttpRequest, org: str, payload: BudgetLineIn) -> Status[Any]:
    m = org_access(request, org, "cost.change")
    line = services_costs.do_create_budget_line(m.user, m.organization, _data(payload))
    return Status(201, _detail(m.organization, line.pk))


@router.get("/{org}/budget-lines/{line_id}/", response={200: BudgetLineDetailOut, **ERRORS}, summary="One budget line",
            operation_id="accord_portfolio_api_get_budget_line")
def get_budget_line(request: HttpRequest, org: str, line_id: Id) -> BudgetLine:
    """The line, its figures and its actuals month by month."""
    m = org_access(request, org, "cost.view")
    return _detail(m.organization, line_id)


@router.patch("/{org}/budget-lines/{line_id}/", response={200: BudgetLineDetailOut, **ERRORS},
              summary="Change a budget line", operation_id="accord_portfolio_api_update_budget_line")
def update_budget_line(request: HttpRequest, org: str, line_id: Id, payload: BudgetLinePatch) -> BudgetLine:
    m = org_access(request, org, "cost.change")
    line = selectors_costs.access_budget_line(m.organization, line_id)
    services_costs.do_update_budget_line(m.user, m.organization, line, _data(payload))
    return _detail(m.organization, line_id)


@router.delete("/{org}/budget-lines/{line_id}/", response={204: None, **ERRORS},
               summary="Remove a budget line with its actuals", operation_id="accord_portfolio_api_delete_budget_line")
def delete_budget_line(request: HttpRequest, org: str, line_id: Id) -> Status[None]:
    m = org_access(request, org, "cost.change")
    services_costs.do_delete_budget_line(m.user, m.organization,
                                         selectors_costs.access_budget_line(m.organization, line_id))
    return Status(204, None)


class ActualsImportQuery(Schema):
    dry_run: bool = Field(False, description="Report what the import would do with each row; write nothing")


class ActualsImportRowOut(Schema):
    row: int = Field(description="The row's number in the file (the header is row 1)")
    action: ImportAction
    ref: str = Field(description="The budget line and month the row books (BL-001 2026-03)")
    changed: list[str] = Field(description="What a replaced month changes (amount, note)")
    errors: list[FieldError] = Field(description="Why the row is refused")


class ActualsImportOut(Schema):
    count: int = Field(description="Months booked or replaced (that would be, in a dry run)")
    created: int
    updated: int
    unchanged: int
    refused: int
    dry_run: bool
    summary: str
    rows: list[ActualsImportRowOut]


@router.post("/{org}/actuals/import", response={200: ActualsImportOut, 202: JobOut, **ERRORS},
             summary="Import actuals (CSV or XLSX), as a background job",
             operation_id="accord_portfolio_api_import_actuals")
def import_actuals(request: HttpRequest, response: HttpResponse, org: str, options: Query[ActualsImportQuery],
                   file: File[UploadedFile | None] = None) -> Any:
    """Multipart upload with the columns `line` (BL-001), `month` (YYYY-MM), `amount` (whole minor units,
    negative for a credit) and `note` (optional). Each row books the actual of its line and month, replacing
    a month already booked. The import runs as a background job: the answer is 202 with the job (`Location`);
    once `done`, its `result` is the import's report (this operation's 200 shape). All or nothing: with any
    refused row the job `failed`, nothing was written, its `error` names every bad row and field and its
    `result` has each row's `errors`. `dry_run=true`: at once, 200 with what the import would do, nothing
    written."""
    m = org_access(request, org, "cost.import")
    if file is None:
        raise ValidationError({"file": "Attach the actuals as the multipart/form-data field `file` (CSV or XLSX)."})
    if not options.dry_run:
        return queued(response, do_queue_actuals_import(m.user, m.organization, file.read(), file.name or ""))
    rows = io_costs.parse_upload(file, file.name or "")
    return ActualsImportOut(**services_costs.do_import_actuals(m.user, m.organization, rows, dry_run=True).as_data())


class CostBreakdownOut(Schema):
    key: str = Field(description="The category, nature, initiative, control or system it is")
    label: str
    figures: CostFiguresOut
    reference: int | None = Field(description="What the initiative's own budget (the control's or the system's "
                                              "yearly cost) says for the year; null when it says nothing")


class CostViewOut(Schema):
    year: int
    months: int = Field(description="Months the actuals cover")
    currency: str
    total: CostFiguresOut
    by_category: list[CostBreakdownOut]
    by_nature: list[CostBreakdownOut]
    security_share: float | None = Field(description="Security lines' share of the IT budget")
    security_share_actual: float | None = Field(description="Security's share of what was spent")
    per_initiative: list[CostBreakdownOut]
    per_control: list[CostBreakdownOut]
    per_system: list[CostBreakdownOut]
    top_variances: list[BudgetLineOut]
    monthly: dict[str, list[int]] = Field(description="By category, what was spent each month (January first)")


class CostViewQuery(TextIn):
    year: int | None = Field(None, ge=1990, le=2200, description="Default: this year")


def _row(row: selectors_costs.CostRow) -> dict[str, Any]:
    return {"key": row.key, "label": row.label, "figures": _figures(row.figures), "reference": row.reference}


@router.get("/{org}/costs/", response={200: CostViewOut, **ERRORS}, summary="The cost view of a year",
            operation_id="accord_portfolio_api_cost_view")
def cost_view(request: HttpRequest, org: str, filters: Query[CostViewQuery]) -> dict[str, Any]:
    """Run, change and security; capex and opex; security's share of IT spend; cost per initiative and per
    control; the largest variances; what was spent month by month."""
    m = org_access(request, org, "cost.view")
    view = selectors_costs.cost_view(m.organization, filters.year or org_today(m.organization).year)
    return {"year": view.year, "months": view.months, "currency": view.currency, "total": _figures(view.total),
            "by_category": [_row(r) for r in view.by_category], "by_nature": [_row(r) for r in view.by_nature],
            "security_share": view.security_share, "security_share_actual": view.security_share_actual,
            "per_initiative": [_row(r) for r in view.per_initiative],
            "per_control": [_row(r) for r in view.per_control], "per_system": [_row(r) for r in view.per_system],
            "top_variances": view.top_variances,
            "monthly": view.monthly}

