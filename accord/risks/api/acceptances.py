"""Risk acceptances over the API: a risk's acceptances, requesting one, signing and withdrawing it."""

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, org_access
from accord.core.models import Organization
from accord.risks import selectors, services
from accord.risks.api.schemas import RiskKey, SignatureOut
from accord.risks.choices import Signatory
from accord.risks.models import Risk, RiskAcceptance

router = Router()


class AcceptanceOut(Schema):
    id: int
    risk_id: int
    risk_ref: str
    justification: str
    compensating_measures: str
    expires_on: dt.date
    status: str = Field(description="pending, in_force, expired (past its date), exceeded (in force, but the risk "
                                    "changed since: it rose above the level signed, left the tolerance it was "
                                    "judged within, or changed category) or withdrawn")
    required_signatories: list[Signatory]
    signatures: list[SignatureOut]
    awaiting: list[Signatory]
    residual_likelihood: int | None = Field(description="The residual likelihood the acceptance is signed for")
    residual_impact: int | None = Field(description="The residual impact the acceptance is signed for")
    residual_level: str = Field(description="The residual level the acceptance is signed for; it covers the risk "
                                            "while the risk's level is no higher")
    above_tolerance_when_requested: bool
    created_by: str | None
    created_at: dt.datetime
    in_force_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str

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
    def resolve_required_signatories(obj: Any) -> list[str]:
        return list(selectors.acceptance_signature_state(obj).required)

    @staticmethod
    def resolve_awaiting(obj: Any) -> list[str]:
        return list(selectors.acceptance_signature_state(obj).awaiting)

    @staticmethod
    def resolve_created_by(obj: RiskAcceptance) -> str | None:
        return obj.created_by.email if obj.created_by else None


class AcceptanceIn(BodyIn):
    justification: str = Field(min_length=1, description="Why the risk is accepted")
    compensating_measures: str = ""
    expires_on: dt.date


def _acceptances(org: Organization, risk: Risk) -> QuerySet[RiskAcceptance]:
    return selectors.acceptances(org, risk).select_related("created_by")


@router.get("/{org}/risks/{risk_id}/acceptances/", response={200: list[AcceptanceOut], **ERRORS},
            summary="A risk's acceptances",
            operation_id="accord_risks_api_list_acceptances")
@paginate(Pagination)
def list_acceptances(request: HttpRequest, org: str, risk_id: RiskKey) -> QuerySet[RiskAcceptance]:
    """Newest first; `status` is `expired` once an acceptance in force is past its date."""
    m = org_access(request, org, "acceptance.view")
    return _acceptances(m.organization, selectors.access_risk(m.organization, risk_id))


@router.post("/{org}/risks/{risk_id}/acceptances/", response={201: AcceptanceOut, **ERRORS},
             summary="Request the acceptance of a risk",
             operation_id="accord_risks_api_request_acceptance")
def request_acceptance(request: HttpRequest, org: str, risk_id: RiskKey, payload: AcceptanceIn) -> Status[Any]:
    """The required signatures are fixed now: the owner alone within tolerance; above it, the CISO and
    the person the CISO reports to (or the hybrid CIO-CISO and the board representative)."""
    m = org_access(request, org, "acceptance.request")
    risk = selectors.access_risk(m.organization, risk_id)
    acceptance = services.do_request_acceptance(
        m.user, m.organization, risk, justification=payload.justification,
        compensating_measures=payload.compensating_measures, expires_on=payload.expires_on)
    return Status(201, _acceptances(m.organization, risk).get(pk=acceptance.pk))


class WithdrawIn(BodyIn):
    reason: str = Field(min_length=1, description="Why the acceptance is withdrawn (kept in the audit trail)")


@router.post("/{org}/risks/{risk_id}/acceptances/{acceptance_id}/sign/", response={200: AcceptanceOut, **ERRORS},
             summary="Sign a risk acceptance",
             operation_id="accord_risks_api_sign_acceptance")
def sign_acceptance(request: HttpRequest, org: str, risk_id: RiskKey, acceptance_id: Id) -> Any:
    """Sign in the slot the caller holds (CISO, CIO, board representative or risk owner)."""
    m = org_access(request, org, "acceptance.sign")
    risk = selectors.access_risk(m.organization, risk_id)
    acceptance = selectors.access_acceptance(m.organization, risk, acceptance_id)
    services.do_sign_acceptance(m.user, m.organization, acceptance)
    return _acceptances(m.organization, risk).get(pk=acceptance.pk)


@router.post("/{org}/risks/{risk_id}/acceptances/{acceptance_id}/withdraw/",
             response={200: AcceptanceOut, **ERRORS}, summary="Withdraw a risk acceptance",
             operation_id="accord_risks_api_withdraw_acceptance")
def withdraw_acceptance(request: HttpRequest, org: str, risk_id: RiskKey, acceptance_id: Id,
                        payload: WithdrawIn) -> Any:
    """A pending or in-force acceptance stops counting; the risk is judged against the appetite again.
    Only its requester, one of its required signatories or an admin may withdraw it (403 otherwise),
    with a reason."""
    m = org_access(request, org, "acceptance.withdraw")
    risk = selectors.access_risk(m.organization, risk_id)
    acceptance = selectors.access_acceptance(m.organization, risk, acceptance_id)
    services.do_withdraw_acceptance(m.user, m.organization, acceptance, reason=payload.reason)
    return _acceptances(m.organization, risk).get(pk=acceptance.pk)
