"""The risks over the API: the register (filtered, sorted, paginated), one risk with its figures in
money, its writes (add, change some fields, archive and restore: a risk is never deleted) and the register
as a file (export, import).

The schemas of a risk are built from its field specification (`accord.risks.fields.RISK`); they check
types, the services check meaning (the matrix's range, members, categories, ranges) and name every bad field.
"""

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate
from pydantic import field_validator

from accord.core.answers import api_read
from accord.core.apikit import ERRORS, BodyIn, Pagination, TextIn, org_access
from accord.core.fieldschemas import input_data, input_fields, output_fields
from accord.core.inputs import INT64_MAX
from accord.core.jobs.api import JobOut, queued
from accord.core.models import Organization
from accord.core.tables.schemas import ImportOut, ImportQuery, import_out
from accord.risks import io, money_order, quantified, selectors, services
from accord.risks.api.money import SIMULATION_ERRORS
from accord.risks.api.schemas import RiskKey
from accord.risks.choices import Level, RiskStatus
from accord.risks.fields import RISK
from accord.risks.jobs import do_queue_risk_import
from accord.risks.models import Risk

router = Router()

MAX_PAGE = 500


class AffectedSystemOut(Schema):
    id: int
    ref: str = Field(description="The system's reference in the inventory, S-001")
    name: str


@output_fields(RISK)
class RiskFieldsOut(Schema):
    pass


class RiskOut(RiskFieldsOut):
    """The field specification's outputs, then the systems it affects."""

    systems: list[AffectedSystemOut] = Field(description="The systems of the inventory it affects (linked on the "
                                                         "system's page or `systems/{id}/risks/`)")

    @staticmethod
    def resolve_systems(obj: Risk) -> list[dict[str, Any]]:
        # Read through the relation the portfolio's links give the risk: the register knows no system model.
        return [{"id": s.pk, "ref": s.ref, "name": s.name} for s in obj.systems.all()]


@input_fields(RISK, partial=True)
class RiskPatch(BodyIn):
    """Any of the fields; `null` clears an optional one. Members are given by e-mail address."""


@input_fields(RISK)
class RiskCreate(RiskPatch):
    pass


class FiguresOut(Schema):
    ale: float = Field(description="Mean annual loss")
    ale_standard_error: float = Field(description="Monte Carlo standard error of the ALE")
    p90: float = Field(description=f"Annual loss exceeded one year in ten. {quantified.P90_ZERO}")
    p99: float = Field(description="Annual loss exceeded one year in a hundred")
    prob_any_loss: float = Field(description="Probability of a loss in a year")


class RiskMoneyOut(Schema):
    currency: str
    years: int = Field(description="Simulated years")
    model: Literal["compound", "fair"]
    treated: bool = Field(description="A treatment reduction is recorded (else residual equals inherent)")
    inherent: FiguresOut
    residual: FiguresOut


class RiskDetailOut(RiskOut):
    money: RiskMoneyOut | None = Field(
        description="The risk in money, from the organisation's simulated portfolio (see quant/portfolio); null "
                    "without an estimate or for a closed risk")
    money_problem: str | None = Field(
        None, description="Why the engine left this risk out of the money view (its estimate cannot be "
                          "simulated); null when it is in it or has no estimate")
    money_figures: Literal["fresh", "stale", "pending"] = Field(
        "fresh", description="How fresh `money` is, as the portfolio's `figures`: fresh; stale (the last figures, "
                             "simulated before the register's latest change, while a worker simulates the new "
                             "ones); pending (none yet: `money` null, a worker is simulating them). fresh for a "
                             "risk that is not simulated (no estimate, closed)")


class RiskQuery(TextIn):
    q: str = Field("", description="Text in the title or description, or a reference such as R-012")
    category: str = Field("", description="A category key")
    owner: int | None = Field(None, ge=1, le=INT64_MAX, description="The owner's membership id")
    level: Level | None = Field(None, description="Residual level")
    status: RiskStatus | None = None
    above_tolerance: bool | None = None
    overdue_review: bool = False
    tag: list[str] = Field(default_factory=list, description="Repeat to require several tags")
    archived: bool = Field(False, description="true: the archived risks (out of the register) instead of the register")
    sort: str = Field("ref", description="One of: " + ", ".join(selectors.SORT_KEYS) + " (`ale` and `p90`: the "
                                         "residual figures of the simulated register; risks without them last)",
                      json_schema_extra={"enum": list(selectors.SORT_KEYS)})

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, value: str) -> str:
        if value not in selectors.SORT_KEYS:
            raise ValueError(f"'{value}' is not a sort order; use one of: {', '.join(selectors.SORT_KEYS)}")
        return value

    def to_filter(self) -> selectors.RiskFilter:
        return selectors.RiskFilter(
            q=self.q, category=self.category, owner=self.owner, level=self.level.value if self.level else "",
            status=self.status.value if self.status else "", above_tolerance=self.above_tolerance,
            overdue_review=self.overdue_review, tags=tuple(self.tag), sort=self.sort, archived=self.archived,
        )


class ExportQuery(RiskQuery):
    format: Literal["csv", "xlsx"] = "csv"


@router.get("/{org}/risks/", response={200: list[RiskOut], **SIMULATION_ERRORS}, summary="The risk register",
            operation_id="accord_risks_api_list_risks")
@api_read("risk.view")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_risks(request: HttpRequest, org: str, filters: Query[RiskQuery]) -> Any:
    """Filtered and sorted like the register page; paginated (`limit` up to 500, `offset`)."""
    m = org_access(request, org, "risk.view")
    return money_order.ordered_risks(m.organization, filters.to_filter(), prefetch=("systems",))


@router.post("/{org}/risks/", response={201: RiskOut, **ERRORS}, summary="Add a risk",
             operation_id="accord_risks_api_create_risk")
def create_risk(request: HttpRequest, org: str, payload: RiskCreate) -> Status[Risk]:
    m = org_access(request, org, "risk.create")
    risk = services.do_create_risk(m.user, m.organization, input_data(payload))
    return Status(201, selectors.access_risk(m.organization, risk.pk))


@router.get("/{org}/risks/export", response=SIMULATION_ERRORS, include_in_schema=False,
            operation_id="export_risks_alias")
@router.get("/{org}/risks/export/", response=SIMULATION_ERRORS, summary="Export the register (CSV or XLSX)",
            openapi_extra={"responses": {"200": {"description": "The file", "content": {
                io.CONTENT_TYPES["csv"].split(";")[0]: {"schema": {"type": "string"}},
                io.CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}}}},
            operation_id="accord_risks_api_export_risks")
def export_risks(request: HttpRequest, org: str, filters: Query[ExportQuery]) -> HttpResponse:
    """The filtered register as a file; formula-like texts are prefixed with a quote."""
    m = org_access(request, org, "risk.export")
    content, content_type, filename = io.export_register(m.organization, filters.to_filter(), filters.format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/{org}/risks/import", response={200: ImportOut, 202: JobOut, **ERRORS}, include_in_schema=False,
             operation_id="import_risks_alias")
@router.post("/{org}/risks/import/", response={200: ImportOut, 202: JobOut, **ERRORS},
             summary="Import risks (CSV or XLSX), as a background job", operation_id="accord_risks_api_import_risks")
def import_risks(request: HttpRequest, response: HttpResponse, org: str, options: Query[ImportQuery],
                 file: File[UploadedFile | None] = None) -> Any:
    """Multipart upload in the export's columns (computed columns are ignored). A row with `ref` updates that
    risk (only the fields that change), a row without adds one; a `ref` that names no risk of the organisation
    is refused. The import runs as a background job, whatever the file's size: the answer is 202 with the job
    (`Location`: `/api/v1/orgs/{org}/jobs/{id}/`); once `done`, its `result` is the import's report (this
    operation's 200 shape), and all or nothing: with any refused row the job `failed`, nothing was written,
    its `error` names every bad row and field and its `result` is the report with each row's `errors`; a file
    that cannot be read fails naming `file`. The same file sent again while its import is queued or running
    answers that job. `dry_run=true`: at once, 200 with what the import would do with each row, refused rows
    included, and nothing written."""
    m = org_access(request, org, "risk.import")
    if file is None:
        raise ValidationError({"file": "Attach the register as the multipart/form-data field `file` (CSV or XLSX)."})
    if not options.dry_run:
        return queued(response, do_queue_risk_import(m.user, m.organization, file.read(), file.name or ""))
    rows = io.parse_upload(file, file.name or "")
    return import_out(services.do_import_risks(m.user, m.organization, rows, dry_run=True))  # never refuses


@router.get("/{org}/risks/{risk_id}/", response={200: RiskDetailOut, **SIMULATION_ERRORS}, summary="One risk",
            operation_id="accord_risks_api_get_risk")
@api_read("risk.view")
def get_risk(request: HttpRequest, org: str, risk_id: RiskKey) -> Risk:
    """The risk, and `money`: its figures from the organisation's simulated portfolio."""
    m = org_access(request, org, "risk.view")
    risk = selectors.access_risk(m.organization, risk_id)
    state = quantified.money_of(m.organization, risk)
    risk.money = _money_out(m.organization, state.money)  # type: ignore[attr-defined]  # read by RiskDetailOut
    risk.money_problem = state.problem  # type: ignore[attr-defined]
    risk.money_figures = state.figures  # type: ignore[attr-defined]
    return risk


def _money_out(org: Organization, money: quantified.RiskMoney | None) -> dict[str, Any] | None:
    if money is None:
        return None
    figures = ("ale", "ale_standard_error", "p90", "p99", "prob_any_loss")
    return {"currency": org.currency, "years": money.years, "model": money.model, "treated": money.treated,
            "inherent": {f: getattr(money.inherent, f) for f in figures},
            "residual": {f: getattr(money.residual, f) for f in figures}}


@router.patch("/{org}/risks/{risk_id}/", response={200: RiskOut, **ERRORS}, summary="Change some of a risk's fields",
              operation_id="accord_risks_api_patch_risk")
def patch_risk(request: HttpRequest, org: str, risk_id: RiskKey, payload: RiskPatch) -> Risk:
    m = org_access(request, org, "risk.change")
    risk = selectors.access_risk(m.organization, risk_id)
    services.do_update_risk(m.user, m.organization, risk, input_data(payload))
    return selectors.access_risk(m.organization, risk_id)


class ArchiveIn(BodyIn):
    reason: str = Field(min_length=1, max_length=2000, description="Why the risk leaves the register; kept in its "
                        "history")


class RestoreIn(BodyIn):
    reason: str = Field("", max_length=2000, description="Why it comes back (optional); kept in its history")


@router.post("/{org}/risks/{risk_id}/archive/", response={200: RiskOut, **ERRORS}, summary="Archive a risk",
             operation_id="accord_risks_api_archive_risk")
def archive_risk(request: HttpRequest, org: str, risk_id: RiskKey, payload: ArchiveIn) -> Risk:
    """Take the risk out of the register (lists, counts, the dashboard, the money view, exports), saying why.
    Risks are never deleted: an archived risk keeps its history, acceptances and signatures, is listed with
    `archived=true` and comes back with `restore`. Its acceptances awaiting signatures are withdrawn."""
    m = org_access(request, org, "risk.archive")
    risk = selectors.access_risk(m.organization, risk_id)
    services.do_archive_risk(m.user, m.organization, risk, reason=payload.reason)
    return selectors.access_risk(m.organization, risk.pk)


@router.post("/{org}/risks/{risk_id}/restore/", response={200: RiskOut, **ERRORS}, summary="Restore an archived risk",
             operation_id="accord_risks_api_restore_risk")
def restore_risk(request: HttpRequest, org: str, risk_id: RiskKey, payload: RestoreIn) -> Risk:
    """Bring an archived risk back into the register (acceptances withdrawn on archiving stay withdrawn)."""
    m = org_access(request, org, "risk.archive")
    risk = selectors.access_risk(m.organization, risk_id)
    services.do_restore_risk(m.user, m.organization, risk, reason=payload.reason)
    return selectors.access_risk(m.organization, risk.pk)
