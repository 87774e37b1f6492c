"""The register in money over the API: the open risks with an estimate simulated as one portfolio
(the result file of docs/quant.md, the figures the Money page shows)."""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from accord.core.answers import api_read
from accord.core.apikit import ERRORS, ErrorOut, org_access
from accord.risks import quantified

router = Router()

#: What an answer that needs a simulation may also be (decision 0020): 429 when the organisation's
#: simulations at once are all in use, 503 while another request's simulation of it is under way; both
#: with Retry-After.
SIMULATION_ERRORS = {**ERRORS, 429: ErrorOut, 503: ErrorOut}


class LossStatsOut(Schema):
    ale: float = Field(description="Mean annual loss")
    ale_standard_error: float
    p50: float
    p90: float = Field(description=f"Annual loss exceeded one year in ten. {quantified.P90_ZERO}")
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


#: What a tolerance field is while the figures are pending (`figures`): nothing has been simulated yet.
PENDING_NULL = "null while the figures are pending (nothing simulated yet)"


class ToleranceVerdictOut(Schema):
    loss: float
    max_probability: float
    probability: float | None = Field(description=f"Simulated P(annual loss > loss); {PENDING_NULL}")
    standard_error: float | None = Field(description=f"Of `probability`; {PENDING_NULL}")
    ok: bool | None = Field(description=f"`probability` is at most `max_probability`; {PENDING_NULL}")
    borderline: bool | None = Field(description="The probability is within two standard errors of the limit: "
                                                "more simulated years could turn the verdict; " + PENDING_NULL)


class ToleranceOut(Schema):
    within: bool | None = Field(description=f"Every point is ok; {PENDING_NULL}")
    borderline: bool | None = Field(description=f"At least one point's verdict is borderline; {PENDING_NULL}")
    points: list[ToleranceVerdictOut]


class EvaluationOut(Schema):
    risks: list[RiskLossOut]
    portfolio: LossStatsOut
    tolerance: ToleranceOut | None = Field(description="Against the money tolerance of the appetite in force")


class ExcludedOut(Schema):
    id: str = Field(description="The risk's reference, e.g. R-001")
    problem: str = Field(description="Why the engine refused its estimate, naming the field")


class PortfolioOut(Schema):
    years: int = Field(description="Simulated years (0 when no risk has an estimate)")
    seed: int
    currency: str | None
    inherent: EvaluationOut
    residual: EvaluationOut | None = Field(description="After the treatments' recorded effects; null when none")
    excluded: list[ExcludedOut] = Field(
        description="Risks left out because the engine cannot simulate their stored estimate; the others are "
                    "simulated without them")
    figures: Literal["fresh", "stale", "pending"] = Field(
        description="fresh: simulated from the register as it is; stale: the last figures, simulated before its "
                    "latest change, while a worker simulates the new ones; pending: none yet (`years` 0, no risks, "
                    "each tolerance verdict null), a worker is simulating them. Ask again in a few seconds for stale "
                    "or pending figures")


@router.get("/{org}/quant/portfolio", response={200: PortfolioOut, **SIMULATION_ERRORS}, exclude_unset=True,
            include_in_schema=False, operation_id="get_portfolio_alias")
@router.get("/{org}/quant/portfolio/", response={200: PortfolioOut, **SIMULATION_ERRORS}, exclude_unset=True,
            summary="The register in money", tags=["quant"],
            operation_id="accord_risks_api_get_portfolio")
@api_read("risk.view")
def get_portfolio(request: HttpRequest, org: str) -> HttpResponse:
    """The open risks with an estimate, simulated as one portfolio by the engine: the result file of
    docs/quant.md (the figures the Money page shows). Without any estimate: 200 with `years` 0, no
    risks and a portfolio of zeros. Never waits for a simulation: `figures` says whether the answer is
    fresh, stale (the last figures) or pending (a worker is simulating them)."""
    m = org_access(request, org, "risk.view")
    # Encoded once per result by the engine's own code (tests check it against PortfolioOut): a large
    # register's answer would otherwise be validated and encoded again on every request.
    return HttpResponse(quantified.portfolio_json(m.organization), content_type="application/json")
