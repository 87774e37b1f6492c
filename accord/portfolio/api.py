"""REST API of the IT portfolio, mounted under /api/v1/orgs/ by accord/api.py: initiatives (list with
filters, create, read with gate status and financials, change), advancing a phase through the security
gates, yearly budgets, security reviews (open, complete with conditions), conditions, gate exceptions
(request, sign) and the portfolio settings.

Inputs check types here; the services check meaning and name every bad field. A refused move answers 409
naming the missing review.
"""

import datetime as dt
import decimal
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, TextIn, org_access
from accord.core.inputs import INT64_MAX
from accord.core.models import GovernanceProfile, Organization
from accord.core.permissions import require
from accord.portfolio import selectors, services
from accord.portfolio.choices import Gate, Health, InitiativeKind, Outcome, Phase
from accord.portfolio.models import GateException, Initiative, SecurityReview
from accord.risks.api.schemas import SignatureOut

router = Router(tags=["portfolio"])

_MONEY = Field(None, ge=0, le=services.MAX_MONEY, strict=True,
               description="Minor units of the organisation's currency")


def _email(member: Any) -> str | None:
    return member.user.email if member is not None else None


class ServedOut(Schema):
    objective_id: int
    ref: str
    title: str
    weight: int

    @staticmethod
    def resolve_ref(obj: Any) -> str:
        return str(obj.objective.ref)

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.objective.title)


class InitiativeOut(Schema):
    id: int
    ref: str = Field(description="I-001, I-002, … in the order initiatives were added")
    title: str
    description: str
    kind: InitiativeKind
    sponsor: str | None = Field(description="The sponsor's e-mail address")
    owner: str | None = Field(description="The owner's e-mail address")
    owner_id: int | None = Field(description="The owner's membership id (the `owner` filter)")
    phase: Phase
    planned_start: dt.date | None
    planned_end: dt.date | None
    actual_start: dt.date | None
    actual_end: dt.date | None
    health: Health
    health_reason: str
    benefit_low: int | None = Field(description="Expected yearly benefit, 5th percentile, minor units")
    benefit_high: int | None = Field(description="Expected yearly benefit, 95th percentile, minor units")
    horizon_years: int
    dependencies: list[int] = Field(description="Ids of the initiatives this one needs")
    risks: list[int] = Field(description="Ids of the register risks linked to it")
    systems: list[int] = Field(description="Ids of the systems of the inventory it affects")
    objectives: list[ServedOut] = Field(description="The objectives it contributes to, with its weight")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_sponsor(obj: Initiative) -> str | None:
        return _email(obj.sponsor)

    @staticmethod
    def resolve_owner(obj: Initiative) -> str | None:
        return _email(obj.owner)

    @staticmethod
    def resolve_dependencies(obj: Initiative) -> list[int]:
        return [d.pk for d in obj.dependencies.all()]

    @staticmethod
    def resolve_risks(obj: Initiative) -> list[int]:
        return [r.pk for r in obj.risks.all()]

    @staticmethod
    def resolve_systems(obj: Initiative) -> list[int]:
        return [s.pk for s in obj.systems.all()]

    @staticmethod
    def resolve_objectives(obj: Initiative) -> list[Any]:
        return list(obj.objective_links.all())


class GateOut(Schema):
    gate: Gate | None = Field(description="The gate ahead (null: none in this phase, or the kind is not gated)")
    next_phase: Phase | None = Field(description="The phase the gate guards")
    is_open: bool = Field(description="The gated move is allowed now")
    by_exception: bool = Field(description="Open by a co-signed gate exception, without a passing review")
    refusal: str | None = Field(description="Why the gated move is refused, naming the missing review")
    open_review_id: int | None
    due_on: dt.date | None = Field(description="When the open review is due")
    working_days_left: int | None = Field(description="Working days until it is due (negative: late)")
    overdue: bool


class FinancialsOut(Schema):
    first_year: int
    discount_rate: float
    tco: int = Field(description="Total cost of ownership over the horizon, minor units")
    npv: int | None = Field(description="Net present value at the mean benefit, minor units")
    payback_years: float | None = Field(description="Years until cumulative cash flow reaches zero; null: not "
                                                    "within the horizon or no benefit given")
    p_npv_negative: float | None = Field(description="P(NPV < 0) by Monte Carlo over the benefit's range")


class BudgetOut(Schema):
    year: int
    capex: int
    opex: int


class InitiativeDetailOut(InitiativeOut):
    gate: GateOut
    financials: FinancialsOut
    budgets: list[BudgetOut]


class InitiativeQuery(TextIn):
    kind: InitiativeKind | None = None
    phase: Phase | None = None
    health: Health | None = None
    owner: int | None = Field(None, ge=1, le=INT64_MAX, description="The owner's membership id")
    q: str = Field("", description="Text in the title or description")
    objective: int | None = Field(None, ge=1, le=INT64_MAX, description="Those contributing to this objective (id)")

    def to_filter(self) -> selectors.InitiativeFilter:
        return selectors.InitiativeFilter(kind=self.kind.value if self.kind else "",
                                          phase=self.phase.value if self.phase else "",
                                          health=self.health.value if self.health else "", owner=self.owner, q=self.q,
                                          objective=self.objective)


class InitiativePatch(BodyIn):
    """Any of the fields; `null` clears an optional one. Members are given by e-mail address. The phase
    moves only with `advance`."""

    title: str | None = Field(None, max_length=200)
    description: str | None = None
    kind: InitiativeKind | None = None
    sponsor: str | None = Field(None, description="A member's e-mail address, or null")
    owner: str | None = Field(None, description="A member's e-mail address, or null")
    planned_start: dt.date | None = None
    planned_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    health: Health | None = None
    health_reason: str | None = None
    benefit_low: int | None = _MONEY
    benefit_high: int | None = _MONEY
    horizon_years: int | None = Field(None, ge=1, le=30, strict=True)
    dependencies: list[StrictInt] | None = Field(None, description="Ids of initiatives of the organisation")
    risks: list[StrictInt] | None = Field(None, description="Ids of register risks of the organisation")
    systems: list[StrictInt] | None = Field(None, description="Ids of systems of the organisation's inventory "
                                                              "(replaces the list; [] clears it)")


class InitiativeCreate(InitiativePatch):
    title: str = Field(min_length=1, max_length=200)
    kind: InitiativeKind
    phase: Phase = Field(Phase.IDEA, description="idea or proposed; later phases are reached with advance")


def _data(payload: BodyIn) -> dict[str, Any]:
    data = payload.model_dump(exclude_unset=True)
    return {k: (v.value if hasattr(v, "value") else v) for k, v in data.items()}


def _detail(org: Organization, initiative: Initiative) -> Initiative:
    """`initiative` with its gate status and financials attached for `InitiativeDetailOut` (its budgets are
    read through the relation)."""
    settings = selectors.portfolio_settings(org)
    status = selectors.gate_status(org, initiative, settings=settings)
    money = selectors.initiative_financials(org, initiative, settings=settings)
    f = money.figures
    initiative.gate = {  # type: ignore[attr-defined]
        "gate": status.gate, "next_phase": status.next_phase, "is_open": status.is_open,
        "by_exception": status.by_exception, "refusal": status.refusal,
        "open_review_id": status.open_review.pk if status.open_review else None,
        "due_on": status.clock.due_on if status.clock else None,
        "working_days_left": status.clock.working_days_left if status.clock else None,
        "overdue": bool(status.clock and status.clock.overdue)}
    initiative.financials = {  # type: ignore[attr-defined]
        "first_year": money.first_year, "discount_rate": money.rate, "tco": round(f.tco),
        "npv": None if f.npv is None else round(f.npv), "payback_years": f.payback_years,
        "p_npv_negative": f.p_npv_negative}
    return initiative


@router.get("/{org}/initiatives/", response={200: list[InitiativeOut], **ERRORS}, summary="The initiatives",
            operation_id="accord_portfolio_api_list_initiatives")
@paginate(Pagination)
def list_initiatives(request: HttpRequest, org: str, filters: Query[InitiativeQuery]) -> QuerySet[Initiative]:
    """By reference; filter by kind, phase, health, owner (membership id), objective (id) or text."""
    m = org_access(request, org, "initiative.view")
    return selectors.initiatives(m.organization, filters.to_filter())


@router.post("/{org}/initiatives/", response={201: InitiativeDetailOut, **ERRORS}, summary="Add an initiative",
             operation_id="accord_portfolio_api_create_initiative")
def create_initiative(request: HttpRequest, org: str, payload: InitiativeCreate) -> Status[Any]:
    m = org_access(request, org, "initiative.create")
    initiative = services.do_create_initiative(m.user, m.organization, _data(payload))
    return Status(201, _detail(m.organization, selectors.access_initiative(m.organization, initiative.pk)))


@router.get("/{org}/initiatives/{initiative_id}/", response={200: InitiativeDetailOut, **ERRORS},
            summary="One initiative with its gate status, financials and budgets",
            operation_id="accord_portfolio_api_get_initiative")
def get_initiative(request: HttpRequest, org: str, initiative_id: Id) -> Initiative:
    m = org_access(request, org, "initiative.view")
    return _detail(m.organization, selectors.access_initiative(m.organization, initiative_id))


@router.patch("/{org}/initiatives/{initiative_id}/", response={200: InitiativeDetailOut, **ERRORS},
              summary="Change an initiative", operation_id="accord_portfolio_api_update_initiative")
def update_initiative(request: HttpRequest, org: str, initiative_id: Id, payload: InitiativePatch) -> Initiative:
    m = org_access(request, org, "initiative.change")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    services.do_update_initiative(m.user, m.organization, initiative, _data(payload))
    return _detail(m.organization, selectors.access_initiative(m.organization, initiative_id))


class AdvanceIn(BodyIn):
    to: str = Field(min_length=1, max_length=20, description="The phase to move to: " + ", ".join(Phase.values))


@router.post("/{org}/initiatives/{initiative_id}/advance", response={200: InitiativeDetailOut, **ERRORS},
             summary="Move an initiative to another phase",
             operation_id="accord_portfolio_api_advance_initiative")
def advance_initiative(request: HttpRequest, org: str, initiative_id: Id, payload: AdvanceIn) -> Initiative:
    """A gated move (proposed → approved, in delivery → live, for the gated kinds) needs the gate's security
    review completed as approved or approved with conditions, or a co-signed gate exception in force; else
    409, naming the missing review."""
    m = org_access(request, org, "initiative.advance")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    services.do_advance_initiative(m.user, m.organization, initiative, to=payload.to)
    return _detail(m.organization, selectors.access_initiative(m.organization, initiative_id))


class BudgetIn(BodyIn):
    capex: int = Field(0, ge=0, le=services.MAX_MONEY, strict=True, description="Minor units")
    opex: int = Field(0, ge=0, le=services.MAX_MONEY, strict=True, description="Minor units")


@router.put("/{org}/initiatives/{initiative_id}/budgets/{year}/", response={200: BudgetOut, **ERRORS},
            summary="Set an initiative's budget of one year",
            operation_id="accord_portfolio_api_set_budget")
def set_budget(request: HttpRequest, org: str, initiative_id: Id, year: int, payload: BudgetIn) -> Any:
    m = org_access(request, org, "initiative.change")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    return services.do_set_initiative_budget(m.user, m.organization, initiative, year=year, capex=payload.capex,
                                             opex=payload.opex)


# --- reviews ----------------------------------------------------------------------------------------

class ConditionOut(Schema):
    id: int
    title: str
    owner: str | None
    due_on: dt.date | None
    status: str

    @staticmethod
    def resolve_owner(obj: Any) -> str | None:
        return _email(obj.owner)


class ChecklistItemOut(Schema):
    key: str
    question: str
    answer: str | None = Field(description="yes, no, n/a, or null when not answered")


class ReviewOut(Schema):
    id: int
    initiative_id: int
    gate: Gate
    opened_at: dt.datetime
    opened_by: str | None
    due_on: dt.date
    working_days_left: int | None = Field(description="While open: working days until due (negative: late)")
    overdue: bool
    reviewer: str | None
    checklist: list[ChecklistItemOut]
    outcome: Outcome | None
    reasons: str
    completed_at: dt.datetime | None
    completed_by: str | None
    conditions: list[ConditionOut]

    @staticmethod
    def resolve_opened_by(obj: SecurityReview) -> str | None:
        return obj.opened_by.email if obj.opened_by else None

    @staticmethod
    def resolve_completed_by(obj: SecurityReview) -> str | None:
        return obj.completed_by.email if obj.completed_by else None

    @staticmethod
    def resolve_reviewer(obj: SecurityReview) -> str | None:
        return _email(obj.reviewer)

    @staticmethod
    def resolve_outcome(obj: SecurityReview) -> str | None:
        return obj.outcome or None

    @staticmethod
    def resolve_checklist(obj: SecurityReview) -> list[dict[str, Any]]:
        return [{"key": k, "question": q, "answer": obj.answers.get(k)} for k, q in obj.checklist]

    @staticmethod
    def resolve_working_days_left(obj: Any) -> int | None:
        clock = getattr(obj, "clock", None)
        return clock.working_days_left if clock else None

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        clock = getattr(obj, "clock", None)
        return bool(clock and clock.overdue)

    @staticmethod
    def resolve_conditions(obj: SecurityReview) -> list[Any]:
        return list(obj.conditions.all())


def _with_clock(org: Organization, found: list[SecurityReview]) -> list[SecurityReview]:
    from accord.core.clock import org_today
    from accord.core.workdays import WorkCalendar
    from accord.portfolio.rules import review_clock

    today, calendar = org_today(org), WorkCalendar.of(org)
    for review in found:
        review.clock = (None if review.is_complete  # type: ignore[attr-defined]
                        else review_clock(review.due_on, today, calendar))
    return found


@router.get("/{org}/initiatives/{initiative_id}/reviews/", response={200: list[ReviewOut], **ERRORS},
            summary="An initiative's security reviews", operation_id="accord_portfolio_api_list_reviews")
def list_reviews(request: HttpRequest, org: str, initiative_id: Id) -> list[SecurityReview]:
    """Newest first, each with its checklist, outcome, conditions and, while open, its clock."""
    m = org_access(request, org, "initiative.view")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    return _with_clock(m.organization, list(selectors.reviews(m.organization, initiative)))


@router.post("/{org}/initiatives/{initiative_id}/reviews/", response={201: ReviewOut, **ERRORS},
             summary="Open the security review of the current gate", operation_id="accord_portfolio_api_open_review")
def open_review(request: HttpRequest, org: str, initiative_id: Id) -> Status[Any]:
    """The gate follows from the phase (approval while proposed, go-live while in delivery); due the
    organisation's target in working days (10 by default). 409 when no gate is ahead or one is open."""
    m = org_access(request, org, "review.open")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    review = services.do_open_review(m.user, m.organization, initiative)
    return Status(201, _with_clock(m.organization, [selectors.access_review(m.organization, initiative, review.pk)])[0])


class ConditionIn(BodyIn):
    title: str = Field(min_length=1, max_length=200)
    due_on: dt.date | None = None
    owner: str | None = Field(None, description="A member's e-mail address")


class CompleteIn(BodyIn):
    outcome: Outcome
    reasons: str = Field("", description="Required when rejected")
    answers: dict[str, str] = Field(default_factory=dict, description="Checklist key → yes, no or n/a")
    conditions: list[ConditionIn] = Field(default_factory=list, description="Approved with conditions only")


@router.post("/{org}/initiatives/{initiative_id}/reviews/{review_id}/complete", response={200: ReviewOut, **ERRORS},
             summary="Complete a security review", operation_id="accord_portfolio_api_complete_review")
def complete_review(request: HttpRequest, org: str, initiative_id: Id, review_id: Id, payload: CompleteIn) -> Any:
    """Only the member the governance profile names completes it (the CISO, internal or external, or the hybrid
    CIO-CISO); each condition becomes an open action."""
    # The objects first, then the action: another organisation's review is 404 to every role.
    m = org_access(request, org, "initiative.view")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    review = selectors.access_review(m.organization, initiative, review_id)
    require(m.role, "review.complete")
    services.do_complete_review(m.user, m.organization, review, outcome=payload.outcome.value,
                                reasons=payload.reasons, answers=payload.answers,
                                conditions=[c.model_dump() for c in payload.conditions])
    return _with_clock(m.organization, [selectors.access_review(m.organization, initiative, review_id)])[0]


@router.post("/{org}/initiatives/{initiative_id}/conditions/{condition_id}/done",
             response={200: ConditionOut, **ERRORS},
             summary="Mark a review condition done", operation_id="accord_portfolio_api_close_condition")
def close_condition(request: HttpRequest, org: str, initiative_id: Id, condition_id: Id) -> Any:
    m = org_access(request, org, "condition.close")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    condition = selectors.access_condition(m.organization, initiative, condition_id)
    return services.do_close_condition(m.user, m.organization, condition)


# --- gate exceptions --------------------------------------------------------------------------------

class GateExceptionOut(Schema):
    id: int
    gate: Gate
    reasons: str
    status: str = Field(description="pending (awaiting signatures), in_force or withdrawn")
    required_signatories: list[str]
    awaiting: list[str]
    signatures: list[SignatureOut]
    created_by: str | None
    created_at: dt.datetime
    in_force_at: dt.datetime | None

    @staticmethod
    def resolve_created_by(obj: GateException) -> str | None:
        return obj.created_by.email if obj.created_by else None

    @staticmethod
    def resolve_required_signatories(obj: Any) -> list[str]:
        return list(obj.state.required)

    @staticmethod
    def resolve_awaiting(obj: Any) -> list[str]:
        return list(obj.state.awaiting)

    @staticmethod
    def resolve_signatures(obj: GateException) -> list[Any]:
        return list(obj.signatures.all())


def _exceptions(org: Organization, found: list[GateException]) -> list[GateException]:
    profile = GovernanceProfile.objects.for_org(org).get()
    for exception in found:
        exception.state = selectors.exception_signature_state(org, exception, profile=profile)  # type: ignore[attr-defined]
    return found


class GateExceptionIn(BodyIn):
    reasons: str = Field(min_length=1, description="Why the initiative moves past its gate without a review")


@router.get("/{org}/initiatives/{initiative_id}/exceptions/", response={200: list[GateExceptionOut], **ERRORS},
            summary="An initiative's gate exceptions", operation_id="accord_portfolio_api_list_exceptions")
def list_exceptions(request: HttpRequest, org: str, initiative_id: Id) -> list[GateException]:
    m = org_access(request, org, "initiative.view")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    return _exceptions(m.organization, list(selectors.gate_exceptions(m.organization, initiative)))


@router.post("/{org}/initiatives/{initiative_id}/exceptions/", response={201: GateExceptionOut, **ERRORS},
             summary="Ask to pass the current gate without a review",
             operation_id="accord_portfolio_api_request_exception")
def request_exception(request: HttpRequest, org: str, initiative_id: Id, payload: GateExceptionIn) -> Status[Any]:
    """Co-signed by whoever the governance profile requires for a risk acceptance above tolerance; in force
    (and the gate open) only once every required signature is in."""
    m = org_access(request, org, "gateexception.request")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    exception = services.do_request_gate_exception(m.user, m.organization, initiative, reasons=payload.reasons)
    found = selectors.access_exception(m.organization, initiative, exception.pk)
    return Status(201, _exceptions(m.organization, [found])[0])


@router.post("/{org}/initiatives/{initiative_id}/exceptions/{exception_id}/sign",
             response={200: GateExceptionOut, **ERRORS}, summary="Sign a gate exception",
             operation_id="accord_portfolio_api_sign_exception")
def sign_exception(request: HttpRequest, org: str, initiative_id: Id, exception_id: Id) -> Any:
    m = org_access(request, org, "gateexception.sign")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    exception = selectors.access_exception(m.organization, initiative, exception_id)
    services.do_sign_gate_exception(m.user, m.organization, exception)
    return _exceptions(m.organization, [selectors.access_exception(m.organization, initiative, exception_id)])[0]


class GateWithdrawIn(BodyIn):
    reason: str = Field("", max_length=1000, description="Why it is withdrawn (kept in the audit trail)")


@router.post("/{org}/initiatives/{initiative_id}/exceptions/{exception_id}/withdraw",
             response={200: GateExceptionOut, **ERRORS}, summary="Withdraw a gate exception",
             operation_id="accord_portfolio_api_withdraw_exception")
def withdraw_exception(request: HttpRequest, org: str, initiative_id: Id, exception_id: Id,
                       payload: GateWithdrawIn | None = None) -> Any:
    """Withdraw a gate exception awaiting signatures, or in force before the initiative moved past its gate
    (409 otherwise, saying why); whoever may ask for an exception may withdraw one."""
    m = org_access(request, org, "gateexception.request")
    initiative = selectors.access_initiative(m.organization, initiative_id)
    exception = selectors.access_exception(m.organization, initiative, exception_id)
    services.do_withdraw_gate_exception(m.user, m.organization, exception,
                                        reason=payload.reason if payload is not None else "")
    return _exceptions(m.organization, [selectors.access_exception(m.organization, initiative, exception_id)])[0]


# --- settings ---------------------------------------------------------------------------------------

class SettingsOut(Schema):
    review_target_days: int = Field(description="Working days a review may take before it is overdue")
    discount_rate: decimal.Decimal = Field(description="Yearly discount rate of the NPV, 0 to 1")
    gated_kinds: list[InitiativeKind]
    checklist: list[list[str]] = Field(description="[key, question] pairs every new review answers")


class SettingsIn(BodyIn):
    review_target_days: int | None = Field(None, ge=1, le=120, strict=True)
    discount_rate: decimal.Decimal | None = Field(None, ge=0, le=1, max_digits=5, decimal_places=4)
    gated_kinds: list[InitiativeKind] | None = None
    checklist: list[list[str]] | None = None


@router.get("/{org}/portfolio-settings/", response={200: SettingsOut, **ERRORS}, summary="The portfolio settings",
            operation_id="accord_portfolio_api_get_settings")
def get_settings(request: HttpRequest, org: str) -> Any:
    m = org_access(request, org, "initiative.view")
    return selectors.portfolio_settings(m.organization)


@router.patch("/{org}/portfolio-settings/", response={200: SettingsOut, **ERRORS},
              summary="Change the portfolio settings", operation_id="accord_portfolio_api_change_settings")
def change_settings(request: HttpRequest, org: str, payload: SettingsIn) -> Any:
    m = org_access(request, org, "portfolio.settings")
    return services.do_change_portfolio_settings(m.user, m.organization, **_data(payload))
