"""REST API of the risk register: categories, the matrix, risks, the appetite, acceptances, files.

Input uses the field names of `services.register.RISK_FIELDS`; the schemas check types, the
services check meaning (the matrix's range, members, categories, ranges) and name every bad field.
"""

import datetime as dt
import decimal
import json
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ConfigDict, field_validator
from pydantic import ValidationError as PydanticValidationError

from accord.core.apikit import ERRORS, ErrorOut, FieldError, org_access
from accord.core.models import Membership, Organization
from accord.core.selectors import governance
from accord.risks import io, quantified, selectors, services
from accord.risks.choices import AppetiteStatus, Level, RaisedBy, RiskStatus, Signatory, Treatment
from accord.risks.models import Risk, RiskAcceptance, RiskAppetite, RiskCategory
from accord.risks.services.register import ImportRejected

router = Router(tags=["risks"])

MAX_PAGE = 500


# --- schemas: reference data ----------------------------------------------------------------------

class CategoryOut(Schema):
    key: str
    name: str
    position: int
    active: bool


class MatrixOut(Schema):
    version: int
    likelihood_labels: list[str]
    impact_labels: list[str]
    levels: list[list[Level]]
    created_at: dt.datetime


# --- schemas: risks -------------------------------------------------------------------------------

class _Text(Schema):
    """Input whose texts PostgreSQL can store: a NUL character is refused up front (422), not on save."""

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(t, str) and "\x00" in t for t in texts):
            raise ValueError("Text may not contain NUL characters")
        return value


class _Input(_Text):
    """A request body: unknown fields are refused, so a misspelt field is not silently dropped."""

    model_config = ConfigDict(extra="forbid")


def _email(membership: Membership | None) -> str | None:
    return membership.user.email if membership is not None else None


class RiskOut(Schema):
    id: int
    ref: str
    title: str
    description: str
    category: str
    category_name: str
    owner: str | None = Field(description="The owner's e-mail address")
    owner_id: int | None = Field(description="The owner's membership id (the `owner` filter)")
    raised_by: RaisedBy
    affected_assets: list[str]
    causes: str
    consequences: str
    likelihood: int = Field(description="Inherent likelihood, 1 to the matrix's size")
    impact: int = Field(description="Inherent impact, 1 to the matrix's size")
    residual_likelihood: int
    residual_impact: int
    inherent_level: Level
    residual_level: Level
    above_tolerance: bool = Field(description="Residual level above the signed appetite for its category")
    accepted: bool = Field(description="An acceptance is in force and not expired")
    treatment: Treatment
    treatment_plan: str
    treatment_owner: str | None
    treatment_owner_id: int | None
    treatment_due: dt.date | None
    status: RiskStatus
    next_review: dt.date | None
    tags: list[str]
    frequency_low: decimal.Decimal | None = Field(description="Events per year, 5th percentile")
    frequency_high: decimal.Decimal | None = Field(description="Events per year, 95th percentile")
    loss_low: decimal.Decimal | None = Field(description="Loss per event, 5th percentile, organisation currency")
    loss_high: decimal.Decimal | None = Field(description="Loss per event, 95th percentile, organisation currency")
    fair: dict[str, Any] | None = Field(description="Open FAIR breakdown in the scenario file's `fair` shape "
                                                    "(docs/quant.md); when set, it is the risk's money model")
    treatment_frequency_reduction: decimal.Decimal | None = Field(
        description="Share of loss events the treatment prevents (0 to 1), for the residual money figures")
    treatment_loss_reduction: decimal.Decimal | None = Field(
        description="Share of the loss per event the treatment removes (0 to 1)")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_category(obj: Risk) -> str:
        return obj.category.key

    @staticmethod
    def resolve_category_name(obj: Risk) -> str:
        return obj.category.name

    @staticmethod
    def resolve_owner(obj: Risk) -> str | None:
        return _email(obj.owner)

    @staticmethod
    def resolve_treatment_owner(obj: Risk) -> str | None:
        return _email(obj.treatment_owner)

    @staticmethod
    def resolve_likelihood(obj: Risk) -> int:
        return obj.inherent_likelihood

    @staticmethod
    def resolve_impact(obj: Risk) -> int:
        return obj.inherent_impact


class RiskPatch(_Input):
    """Any of the fields; `null` clears an optional one. Members are given by e-mail address."""

    title: str | None = None
    description: str | None = None
    category: str | None = Field(None, description="A category key (see risk-categories)")
    owner: str | None = Field(None, description="A member's e-mail address, or null")
    raised_by: RaisedBy | None = None
    affected_assets: list[str] | None = None
    causes: str | None = None
    consequences: str | None = None
    likelihood: int | None = None
    impact: int | None = None
    residual_likelihood: int | None = Field(None, description="Empty or null: the inherent likelihood")
    residual_impact: int | None = Field(None, description="Empty or null: the inherent impact")
    treatment: Treatment | None = None
    treatment_plan: str | None = None
    treatment_owner: str | None = None
    treatment_due: dt.date | None = None
    status: RiskStatus | None = None
    next_review: dt.date | None = None
    tags: list[str] | None = None
    # Positivity, size and the order of the two ends are the service's to check.
    frequency_low: decimal.Decimal | None = None
    frequency_high: decimal.Decimal | None = None
    loss_low: decimal.Decimal | None = None
    loss_high: decimal.Decimal | None = None
    fair: dict[str, Any] | str | None = Field(None, description="Open FAIR breakdown: an object (or its JSON text) "
                                                                "in the scenario file's `fair` shape; null clears it")
    # Shares as numbers (0.4) or text, also percentages ("40%"), as imports accept them.
    treatment_frequency_reduction: decimal.Decimal | str | None = Field(
        None, description="Share of loss events the treatment prevents: 0 to 1, or a percentage such as \"40%\"")
    treatment_loss_reduction: decimal.Decimal | str | None = Field(
        None, description="Share of the loss per event the treatment removes: 0 to 1, or a percentage")


class RiskCreate(RiskPatch):
    title: str
    category: str = Field(description="A category key (see risk-categories)")
    likelihood: int
    impact: int


def _service_input(payload: RiskPatch) -> dict[str, Any]:
    """The fields the caller sent (an explicit null included), enumerations as their values."""
    data = payload.dict(exclude_unset=True)
    return {k: (v.value if isinstance(v, RaisedBy | Treatment | RiskStatus) else v) for k, v in data.items()}


class FiguresOut(Schema):
    ale: float = Field(description="Mean annual loss")
    ale_standard_error: float = Field(description="Monte Carlo standard error of the ALE")
    p90: float = Field(description="Annual loss exceeded one year in ten")
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


class RiskQuery(_Text):
    q: str = Field("", description="Text in the title or description, or a reference such as R-012")
    category: str = Field("", description="A category key")
    owner: int | None = Field(None, description="The owner's membership id")
    level: Level | None = Field(None, description="Residual level")
    status: RiskStatus | None = None
    above_tolerance: bool | None = None
    overdue_review: bool = False
    tag: list[str] = Field(default_factory=list, description="Repeat to require several tags")
    sort: str = Field("ref", description="One of: " + ", ".join(selectors.SORTS))

    @field_validator("sort")
    @classmethod
    def _known_sort(cls, value: str) -> str:
        if value not in selectors.SORTS:
            raise ValueError(f"'{value}' is not a sort order; use one of: {', '.join(selectors.SORTS)}")
        return value

    def to_filter(self) -> selectors.RiskFilter:
        return selectors.RiskFilter(
            q=self.q, category=self.category, owner=self.owner, level=self.level.value if self.level else "",
            status=self.status.value if self.status else "", above_tolerance=self.above_tolerance,
            overdue_review=self.overdue_review, tags=tuple(self.tag), sort=self.sort,
        )


class ExportQuery(RiskQuery):
    format: Literal["csv", "xlsx"] = "csv"


class ImportOut(Schema):
    count: int


# --- schemas: appetite and acceptances ---------------------------------------------------------------

class SlotOut(Schema):
    slot: Signatory
    label: str


class SignatureOut(Schema):
    slot: Signatory
    user: str = Field(description="The signatory's e-mail address")
    signed_at: dt.datetime

    @staticmethod
    def resolve_user(obj: Any) -> str:
        return str(obj.user.email)


class AppetiteOut(Schema):
    version: int
    status: AppetiteStatus
    statement: str
    category_levels: dict[str, Level]
    tolerance: list[list[float]] = Field(description="[loss, highest acceptable annual probability of exceeding it]")
    required_signatories: list[Signatory]
    signatures: list[SignatureOut]
    created_by: str | None
    created_at: dt.datetime
    in_force_at: dt.datetime | None

    @staticmethod
    def resolve_signatures(obj: RiskAppetite) -> list[Any]:
        return list(obj.signatures.all())

    @staticmethod
    def resolve_created_by(obj: RiskAppetite) -> str | None:
        return obj.created_by.email if obj.created_by else None


class AppetiteStateOut(Schema):
    in_force: AppetiteOut | None = Field(description="The version in force (risks are judged against it)")
    draft: AppetiteOut | None = Field(description="The newest draft, awaiting signatures")
    awaiting: list[SlotOut] = Field(description="The draft's signatures still missing")
    awaiting_people: list[str] = Field(description="Members who can give a missing signature")


class AppetiteIn(_Input):
    statement: str
    category_levels: dict[str, str] = Field(default_factory=dict, description="{category key: highest level}")
    tolerance: list[list[float]] = Field(default_factory=list, description="[[loss, probability], ...]")


class AppetiteSignIn(_Input):
    version: int | None = Field(default=None, description="The draft version being signed (recommended: one "
                                "signs what one has read); without it, the current draft")


class AcceptanceOut(Schema):
    id: int
    risk_id: int
    risk_ref: str
    justification: str
    compensating_measures: str
    expires_on: dt.date
    status: str = Field(description="pending, in_force, expired (past its date) or withdrawn")
    required_signatories: list[Signatory]
    signatures: list[SignatureOut]
    awaiting: list[Signatory]
    above_tolerance_when_requested: bool
    created_by: str | None
    created_at: dt.datetime
    in_force_at: dt.datetime | None

    @staticmethod
    def resolve_risk_ref(obj: RiskAcceptance) -> str:
        return obj.risk.ref

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.state)

    @staticmethod
    def resolve_signatures(obj: RiskAcceptance) -> list[Any]:
        return list(obj.signatures.all())

    @staticmethod
    def resolve_awaiting(obj: Any) -> list[str]:
        if obj.state != "pending":
            return []
        signed = {s.slot for s in obj.signatures.all()}
        return [s for s in obj.required_signatories if s not in signed]

    @staticmethod
    def resolve_created_by(obj: RiskAcceptance) -> str | None:
        return obj.created_by.email if obj.created_by else None


class AcceptanceIn(_Input):
    justification: str
    compensating_measures: str = ""
    expires_on: dt.date


# --- reference data -------------------------------------------------------------------------------------

@router.get("/{org}/risk-categories/", response={200: list[CategoryOut], **ERRORS}, summary="Risk categories")
@paginate(LimitOffsetPagination)
def list_categories(request: HttpRequest, org: str) -> QuerySet[RiskCategory]:
    """Every category, retired ones included (`active: false`); risks name them by `key`."""
    m = org_access(request, org, "risk.view")
    return selectors.categories(m.organization)


@router.get("/{org}/risk-matrix/", response={200: MatrixOut, **ERRORS}, summary="The current risk matrix")
def get_matrix(request: HttpRequest, org: str) -> Any:
    """`levels[l-1][i-1]` is the level of likelihood l and impact i."""
    m = org_access(request, org, "risk.view")
    return selectors.current_matrix(m.organization)


# --- risks ------------------------------------------------------------------------------------------------

@router.get("/{org}/risks/", response={200: list[RiskOut], **ERRORS}, summary="The risk register")
@paginate(LimitOffsetPagination, max_limit=MAX_PAGE)
def list_risks(request: HttpRequest, org: str, filters: Query[RiskQuery]) -> QuerySet[Risk]:
    """Filtered and sorted like the register page; paginated (`limit` up to 500, `offset`)."""
    m = org_access(request, org, "risk.view")
    return selectors.risks(m.organization, filters.to_filter())


@router.post("/{org}/risks/", response={201: RiskOut, **ERRORS}, summary="Add a risk")
def create_risk(request: HttpRequest, org: str, payload: RiskCreate) -> Status[Risk]:
    m = org_access(request, org, "risk.create")
    risk = services.do_create_risk(m.user, m.organization, _service_input(payload))
    return Status(201, selectors.access_risk(m.organization, risk.pk))


@router.get("/{org}/risks/export", response=ERRORS, include_in_schema=False, operation_id="export_risks_alias")
@router.get("/{org}/risks/export/", response=ERRORS, summary="Export the register (CSV or XLSX)",
            openapi_extra={"responses": {"200": {"description": "The file", "content": {
                io.CONTENT_TYPES["csv"].split(";")[0]: {"schema": {"type": "string"}},
                io.CONTENT_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}}}}}})
def export_risks(request: HttpRequest, org: str, filters: Query[ExportQuery]) -> HttpResponse:
    """The filtered register as a file; formula-like texts are prefixed with a quote."""
    m = org_access(request, org, "risk.export")
    content, content_type, filename = io.export_register(m.organization, filters.to_filter(), filters.format)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.post("/{org}/risks/import", response={200: ImportOut, **ERRORS}, include_in_schema=False,
             operation_id="import_risks_alias")
@router.post("/{org}/risks/import/", response={200: ImportOut, **ERRORS}, summary="Import risks (CSV or XLSX)")
def import_risks(request: HttpRequest, org: str, file: File[UploadedFile | None] = None) -> Any:
    """Multipart upload in the export's columns (read-only columns are ignored). All or nothing: any
    bad row rejects the file with 422, naming every bad row and field (`"field": "row 3: likelihood"`)."""
    m = org_access(request, org, "risk.import")
    if file is None:
        raise ValidationError({"file": "Attach the register as the multipart/form-data field `file` (CSV or XLSX)."})
    rows = io.parse_upload(file, file.name or "")
    try:
        created = services.do_import_risks(m.user, m.organization, rows)
    except ImportRejected as exc:
        bad_rows = len({row for row, _, _ in exc.rows})
        return Status(422, ErrorOut(
            detail=f"The import was rejected: {bad_rows} row(s) have errors; nothing was imported.",
            errors=[FieldError(field=f"row {row}: {field}", message=message) for row, field, message in exc.rows]))
    return ImportOut(count=len(created))


@router.get("/{org}/risks/{risk_id}/", response={200: RiskDetailOut, **ERRORS}, summary="One risk")
def get_risk(request: HttpRequest, org: str, risk_id: int) -> Risk:
    """The risk, and `money`: its figures from the organisation's simulated portfolio."""
    m = org_access(request, org, "risk.view")
    risk = selectors.access_risk(m.organization, risk_id)
    money = quantified.risk_money(m.organization, only={risk.pk}).get(risk.pk) if risk.has_money_estimate else None
    risk.money = _money_out(m.organization, money)  # type: ignore[attr-defined]  # read by RiskDetailOut
    return risk


def _money_out(org: Organization, money: quantified.RiskMoney | None) -> dict[str, Any] | None:
    if money is None:
        return None
    figures = ("ale", "ale_standard_error", "p90", "p99", "prob_any_loss")
    return {"currency": org.currency, "years": money.years, "model": money.model, "treated": money.treated,
            "inherent": {f: getattr(money.inherent, f) for f in figures},
            "residual": {f: getattr(money.residual, f) for f in figures}}


@router.patch("/{org}/risks/{risk_id}/", response={200: RiskOut, **ERRORS}, summary="Change some of a risk's fields")
def patch_risk(request: HttpRequest, org: str, risk_id: int, payload: RiskPatch) -> Risk:
    m = org_access(request, org, "risk.change")
    risk = selectors.access_risk(m.organization, risk_id)
    services.do_update_risk(m.user, m.organization, risk, _service_input(payload))
    return selectors.access_risk(m.organization, risk_id)


@router.delete("/{org}/risks/{risk_id}/", response={204: None, **ERRORS}, summary="Delete a risk")
def delete_risk(request: HttpRequest, org: str, risk_id: int) -> Status[None]:
    m = org_access(request, org, "risk.delete")
    services.do_delete_risk(m.user, m.organization, selectors.access_risk(m.organization, risk_id))
    return Status(204, None)


# --- appetite -------------------------------------------------------------------------------------------

def _appetite_state(org: Organization) -> dict[str, Any]:
    versions = {a.status: a for a in selectors.appetite_versions(org).select_related("created_by").filter(
        status__in=[AppetiteStatus.IN_FORCE, AppetiteStatus.DRAFT])}
    draft = versions.get(AppetiteStatus.DRAFT)
    awaiting: list[SlotOut] = []
    people: list[str] = []
    if draft is not None:
        signed = {s.slot for s in draft.signatures.all()}
        awaiting = [SlotOut(slot=Signatory(s), label=Signatory(s).label)
                    for s in services.required_appetite_slots(governance(org)) if s not in signed]
        people = selectors.appetite_status(org).awaiting_people
    return {"in_force": versions.get(AppetiteStatus.IN_FORCE), "draft": draft, "awaiting": awaiting,
            "awaiting_people": people}


@router.get("/{org}/risk-appetite/", response={200: AppetiteStateOut, **ERRORS}, summary="The risk appetite")
def get_appetite(request: HttpRequest, org: str) -> dict[str, Any]:
    """The version in force and the draft awaiting signatures, with who must still sign."""
    m = org_access(request, org, "appetite.view")
    return _appetite_state(m.organization)


@router.put("/{org}/risk-appetite/", response={200: AppetiteStateOut, **ERRORS},
            summary="Draft a new version of the risk appetite")
def put_appetite(request: HttpRequest, org: str, payload: AppetiteIn) -> dict[str, Any]:
    """A new draft (an unsigned earlier draft is withdrawn); the version in force stays in force until
    the governance profile's signatories have all signed the draft."""
    m = org_access(request, org, "appetite.draft")
    services.do_draft_appetite(m.user, m.organization, statement=payload.statement,
                               category_levels=payload.category_levels, tolerance=payload.tolerance)
    return _appetite_state(m.organization)


def _optional_body(request: HttpRequest, schema: type[AppetiteSignIn]) -> AppetiteSignIn:
    """Parse an optional JSON body: none (or an empty one) gives the schema's defaults."""
    raw = request.body.strip()
    if not raw or request.content_type not in ("application/json", "text/plain", ""):
        return schema()
    try:
        data = json.loads(raw)
    except ValueError:
        raise HttpError(400, "The body is not JSON.") from None
    try:
        return schema.model_validate(data)
    except PydanticValidationError as exc:
        raise NinjaValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None


@router.post("/{org}/risk-appetite/sign/", response={200: AppetiteStateOut, **ERRORS},
             openapi_extra={"requestBody": {"required": False, "content": {"application/json": {
                 "schema": {"type": "object", "properties": {"version": {"type": "integer"}}}}}}},
             summary="Sign the draft risk appetite")
def sign_appetite(request: HttpRequest, org: str) -> dict[str, Any]:
    """Sign draft `version` (or, with no body, the current draft) in the slot the governance profile
    gives the caller; the last signature puts it in force."""
    m = org_access(request, org, "appetite.sign")
    version = _optional_body(request, AppetiteSignIn).version
    appetite = selectors.access_appetite(m.organization, version) if version is not None else None
    services.do_sign_appetite(m.user, m.organization, appetite)
    return _appetite_state(m.organization)


# --- acceptances ------------------------------------------------------------------------------------------

def _acceptances(org: Organization, risk: Risk) -> QuerySet[RiskAcceptance]:
    return selectors.acceptances(org, risk).select_related("created_by")


@router.get("/{org}/risks/{risk_id}/acceptances/", response={200: list[AcceptanceOut], **ERRORS},
            summary="A risk's acceptances")
@paginate(LimitOffsetPagination)
def list_acceptances(request: HttpRequest, org: str, risk_id: int) -> QuerySet[RiskAcceptance]:
    """Newest first; `status` is `expired` once an acceptance in force is past its date."""
    m = org_access(request, org, "acceptance.view")
    return _acceptances(m.organization, selectors.access_risk(m.organization, risk_id))


@router.post("/{org}/risks/{risk_id}/acceptances/", response={201: AcceptanceOut, **ERRORS},
             summary="Request the acceptance of a risk")
def request_acceptance(request: HttpRequest, org: str, risk_id: int, payload: AcceptanceIn) -> Status[Any]:
    """The required signatures are fixed now: the owner alone within tolerance; above it, the CISO and
    the person the CISO reports to (or the hybrid CIO-CISO and the board representative)."""
    m = org_access(request, org, "acceptance.request")
    risk = selectors.access_risk(m.organization, risk_id)
    acceptance = services.do_request_acceptance(
        m.user, m.organization, risk, justification=payload.justification,
        compensating_measures=payload.compensating_measures, expires_on=payload.expires_on)
    return Status(201, _acceptances(m.organization, risk).get(pk=acceptance.pk))


def _acceptance_action(request: HttpRequest, org: str, risk_id: int, acceptance_id: int, action: str) -> Any:
    m = org_access(request, org, action)
    risk = selectors.access_risk(m.organization, risk_id)
    acceptance = selectors.access_acceptance(m.organization, risk, acceptance_id)
    if action == "acceptance.sign":
        services.do_sign_acceptance(m.user, m.organization, acceptance)
    else:
        services.do_withdraw_acceptance(m.user, m.organization, acceptance)
    return _acceptances(m.organization, risk).get(pk=acceptance.pk)


@router.post("/{org}/risks/{risk_id}/acceptances/{acceptance_id}/sign/", response={200: AcceptanceOut, **ERRORS},
             summary="Sign a risk acceptance")
def sign_acceptance(request: HttpRequest, org: str, risk_id: int, acceptance_id: int) -> Any:
    """Sign in the slot the caller holds (CISO, CIO, board representative or risk owner)."""
    return _acceptance_action(request, org, risk_id, acceptance_id, "acceptance.sign")


@router.post("/{org}/risks/{risk_id}/acceptances/{acceptance_id}/withdraw/",
             response={200: AcceptanceOut, **ERRORS}, summary="Withdraw a risk acceptance")
def withdraw_acceptance(request: HttpRequest, org: str, risk_id: int, acceptance_id: int) -> Any:
    """A pending or in-force acceptance stops counting; the risk is judged against the appetite again."""
    return _acceptance_action(request, org, risk_id, acceptance_id, "acceptance.request")



# --- the register in money ------------------------------------------------------------------------------

class LossStatsOut(Schema):
    ale: float = Field(description="Mean annual loss")
    ale_standard_error: float
    p50: float
    p90: float
    p95: float
    p99: float
    var_99: float = Field(description="99% value-at-risk of the annual loss (= p99)")
    es_99: float = Field(description="Expected shortfall: the mean of the worst 1% of years")
    prob_any_loss: float
    lec: list[list[float]] = Field(description="Loss exceedance curve: [loss, P(annual loss > loss)] pairs")


class RiskLossOut(LossStatsOut):
    id: str = Field(description="The risk's reference, e.g. R-001")
    model: Literal["compound", "fair"]
    frequency_factor: float = Field(description="Share of the loss events left by the treatment (1: none removed)")
    magnitude_factor: float = Field(description="Share of the loss per event left by the treatment")
    susceptibility: float | None = Field(None, description="Open FAIR risks given tcap and rs only: P(TCap > RS)")


class ToleranceVerdictOut(Schema):
    loss: float
    max_probability: float
    probability: float = Field(description="Simulated P(annual loss > loss)")
    standard_error: float
    ok: bool


class ToleranceOut(Schema):
    within: bool
    points: list[ToleranceVerdictOut]


class EvaluationOut(Schema):
    risks: list[RiskLossOut]
    portfolio: LossStatsOut
    tolerance: ToleranceOut | None = Field(description="Against the money tolerance of the appetite in force")


class PortfolioOut(Schema):
    years: int = Field(description="Simulated years (0 when no risk has an estimate)")
    seed: int
    currency: str | None
    inherent: EvaluationOut
    residual: EvaluationOut | None = Field(description="After the treatments' recorded effects; null when none")


@router.get("/{org}/quant/portfolio", response={200: PortfolioOut, **ERRORS}, exclude_unset=True,
            include_in_schema=False, operation_id="get_portfolio_alias")
@router.get("/{org}/quant/portfolio/", response={200: PortfolioOut, **ERRORS}, exclude_unset=True,
            summary="The register in money", tags=["quant"])
def get_portfolio(request: HttpRequest, org: str) -> dict[str, Any]:
    """The open risks with an estimate, simulated as one portfolio by the engine: the result file of
    docs/quant.md (the figures the Money page shows). Without any estimate: 200 with `years` 0, no
    risks and a portfolio of zeros."""
    m = org_access(request, org, "risk.view")
    return quantified.portfolio_result(m.organization) or quantified.empty_result(m.organization)
