"""REST API of the DPIAs (Art. 35 and 36 GDPR), mounted under /api/v1/orgs/ by accord/api.py: list, open, read,
change, add a risk (a risk of the shared register), submit to the DPO, the DPO's advice and the controller's
signed decision. Schemas check types; the services check meaning; the prior-consultation flag and the signatures
are the rules' answers (`rules_dpia`, the approvals kit)."""


from typing import Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, TextIn, org_access
from accord.privacy import selectors_dpias, selectors_ropa, services_dpias
from accord.privacy.choices_dpias import DpiaDecision, DpiaOrigin, DpiaStatus
from accord.privacy.models_dpias import Dpia
from accord.risks.choices import Level

router = Router(tags=["privacy: DPIAs"])
API = "/{org}/privacy/dpias"


class DpiaRiskOut(Schema):
    ref: str = Field(description="The risk's reference in the register (R-001)")
    title: str
    category: str = Field(description="The risk category's key (a privacy category)")
    inherent_level: Level
    residual_level: Level
    tolerance: Level | None = Field(description="The level the signed appetite tolerates for its category; null: "
                                                "no tolerance signed")
    above_tolerance: bool = Field(description="The register's flag: residual above the signed appetite")
    high_residual: bool = Field(description="Counts towards prior consultation (docs/privacy.md, DPIAs)")


class DpiaSignatureOut(Schema):
    slot: str
    signed_by: str


class _DpiaBase(Schema):
    id: int
    ref: str = Field(description="DPIA-001, DPIA-002, … in the order they were opened")
    activity: str = Field(description="The processing activity's reference (PA-001)")
    activity_name: str
    status: DpiaStatus
    origin: DpiaOrigin
    risk_count: int
    decision: DpiaDecision | None
    decided_on: Any = None


class DpiaListOut(_DpiaBase):
    @staticmethod
    def resolve_activity(obj: Dpia) -> str:
        return obj.activity.ref

    @staticmethod
    def resolve_activity_name(obj: Dpia) -> str:
        return obj.activity.name

    @staticmethod
    def resolve_decision(obj: Dpia) -> str | None:
        return obj.decision or None


class DpiaOut(_DpiaBase):
    origin_reason: str
    description: str
    necessity: str = Field(description="Necessity and proportionality (Art. 35(7)(b))")
    risks: list[DpiaRiskOut]
    controls: list[str] = Field(description="The measures: references of compliance controls (C-001)")
    dpo_advice: str
    dpo_advice_by: str | None
    dpo_advice_at: Any = None
    decision_reason: str
    consultation_required: bool = Field(description="Prior consultation of the authority (Art. 36) is required: "
                                                    "a risk keeps a high residual")
    required_signatories: list[str] = Field(description="The slots that sign the decision (governance profile)")
    signatures: list[DpiaSignatureOut]
    awaiting: list[str] = Field(description="The slots still to sign")


def _list_row(dpia: Any) -> dict[str, Any]:
    return {"id": dpia.pk, "ref": dpia.ref, "activity": dpia.activity.ref, "activity_name": dpia.activity.name,
            "status": dpia.status, "origin": dpia.origin, "risk_count": getattr(dpia, "risk_count", 0),
            "decision": dpia.decision or None, "decided_on": dpia.decided_on}


def _detail(org: Any, dpia_id: int) -> dict[str, Any]:
    dpia = selectors_dpias.access_dpia(org, dpia_id)
    read = selectors_dpias.reading(org, dpia)
    state = read.signatures
    return {**_list_row(dpia), "risk_count": len(read.risks), "origin_reason": dpia.origin_reason,
            "description": dpia.description, "necessity": dpia.necessity,
            "risks": [{"ref": row.risk.ref, "title": row.risk.title, "category": row.risk.category.key,
                       "inherent_level": row.risk.inherent_level, "residual_level": row.risk.residual_level,
                       "tolerance": row.tolerance, "above_tolerance": bool(row.risk.above_tolerance),
                       "high_residual": row.high_residual} for row in read.risks],
            "controls": [c.ref for c in read.controls], "dpo_advice": dpia.dpo_advice,
            "dpo_advice_by": dpia.dpo_advice_by.email if dpia.dpo_advice_by else None,
            "dpo_advice_at": dpia.dpo_advice_at, "decision_reason": dpia.decision_reason,
            "consultation_required": read.consultation_required, "required_signatories": list(state.required),
            "signatures": [{"slot": slot, "signed_by": name} for slot, name in state.signed.items()],
            "awaiting": list(state.awaiting)}


class ListQuery(TextIn):
    status: DpiaStatus | None = Field(None, description="Only the DPIAs in this status")


class DpiaCreate(BodyIn):
    activity: int = Field(ge=1, description="The processing activity's id")
    reason: str = Field("", max_length=10_000, description="Why, where the screening requires no DPIA")
    description: str = Field("", max_length=20_000)
    necessity: str = Field("", max_length=20_000)


class DpiaPatch(BodyIn):
    description: str | None = Field(None, max_length=20_000)
    necessity: str | None = Field(None, max_length=20_000)
    controls: list[str] | None = Field(None, description="The full list of the measures' control references")


class DpiaRiskIn(BodyIn):
    risk: str | None = Field(None, max_length=20, description="An existing privacy risk (R-001); or describe one")
    title: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=20_000)
    owner: str | None = Field(None, max_length=254, description="The owner's e-mail address")
    causes: str | None = Field(None, max_length=20_000)
    consequences: str | None = Field(None, max_length=20_000)
    likelihood: int | None = Field(None, ge=1, le=10, description="Inherent likelihood")
    impact: int | None = Field(None, ge=1, le=10, description="Inherent impact")
    residual_likelihood: int | None = Field(None, ge=1, le=10)
    residual_impact: int | None = Field(None, ge=1, le=10)
    treatment_plan: str | None = Field(None, max_length=20_000)


class SubmitIn(BodyIn):
    pass


class AdviceIn(BodyIn):
    advice: str = Field(max_length=20_000, description="The DPO's advice (Art. 35(2))")


class DecisionIn(BodyIn):
    decision: Literal["approved", "rejected", ""] = Field(
        "", description="The first signatory states it; the others sign it as stated (or repeat it)")
    reason: str = Field("", max_length=20_000, description="The reasons (required for a rejection)")


@router.get(f"{API}/", response={200: list[DpiaListOut], **ERRORS}, summary="The DPIAs",
            operation_id="accord_privacy_api_list_dpias")
@paginate(Pagination)
def list_dpias(request: HttpRequest, org: str, filters: Query[ListQuery]) -> QuerySet[Dpia]:
    """Newest first, each with its activity, status, number of risks and decision."""
    m = org_access(request, org, "privacy.dpia.view")
    return selectors_dpias.dpias(m.organization, status=filters.status or "")


@router.post(f"{API}/", response={201: DpiaOut, **ERRORS}, summary="Open a DPIA",
             operation_id="accord_privacy_api_create_dpia")
def create_dpia(request: HttpRequest, org: str, payload: DpiaCreate) -> Status[Any]:
    """On an activity whose screening requires one, or by choice with the reason; one open per activity (409)."""
    m = org_access(request, org, "privacy.dpia.change")
    activity = selectors_ropa.access_activity(m.organization, payload.activity)
    dpia = services_dpias.do_create_dpia(m.user, m.organization, activity, reason=payload.reason,
                                         description=payload.description, necessity=payload.necessity)
    return Status(201, _detail(m.organization, dpia.pk))


@router.get(f"{API}/{{dpia_id}}/", response={200: DpiaOut, **ERRORS}, summary="A DPIA",
            operation_id="accord_privacy_api_get_dpia")
def get_dpia(request: HttpRequest, org: str, dpia_id: Id) -> dict[str, Any]:
    """With its risks as the register judges them against the signed appetite, and the prior-consultation flag."""
    m = org_access(request, org, "privacy.dpia.view")
    return _detail(m.organization, dpia_id)


@router.patch(f"{API}/{{dpia_id}}/", response={200: DpiaOut, **ERRORS}, summary="Change a DPIA",
              operation_id="accord_privacy_api_update_dpia")
def update_dpia(request: HttpRequest, org: str, dpia_id: Id, payload: DpiaPatch) -> dict[str, Any]:
    """The description, the necessity and proportionality, the measures (draft or in review; 409 after)."""
    m = org_access(request, org, "privacy.dpia.change")
    dpia = selectors_dpias.access_dpia(m.organization, dpia_id)
    services_dpias.do_update_dpia(m.user, m.organization, dpia, payload.model_dump(exclude_unset=True))
    return _detail(m.organization, dpia_id)


@router.post(f"{API}/{{dpia_id}}/risks", response={201: DpiaOut, **ERRORS}, summary="Add a risk to a DPIA",
             operation_id="accord_privacy_api_add_dpia_risk")
def add_dpia_risk(request: HttpRequest, org: str, dpia_id: Id, payload: DpiaRiskIn) -> Status[Any]:
    """A new risk of the register in the privacy category (title, likelihood, impact, residual…), or an existing
    privacy risk by its reference (`risk`)."""
    m = org_access(request, org, "privacy.dpia.change")
    dpia = selectors_dpias.access_dpia(m.organization, dpia_id)
    data = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    services_dpias.do_add_dpia_risk(m.user, m.organization, dpia, data)
    return Status(201, _detail(m.organization, dpia_id))


@router.post(f"{API}/{{dpia_id}}/submit", response={200: DpiaOut, **ERRORS}, summary="Submit a DPIA to the DPO",
             operation_id="accord_privacy_api_submit_dpia")
def submit_dpia(request: HttpRequest, org: str, dpia_id: Id, payload: SubmitIn) -> dict[str, Any]:
    """A draft with its description, necessity and at least one risk goes in review."""
    m = org_access(request, org, "privacy.dpia.change")
    services_dpias.do_submit_dpia(m.user, m.organization, selectors_dpias.access_dpia(m.organization, dpia_id))
    return _detail(m.organization, dpia_id)


@router.post(f"{API}/{{dpia_id}}/advice", response={200: DpiaOut, **ERRORS}, summary="Record the DPO's advice",
             operation_id="accord_privacy_api_advise_dpia")
def advise_dpia(request: HttpRequest, org: str, dpia_id: Id, payload: AdviceIn) -> dict[str, Any]:
    """In review → awaiting the decision."""
    m = org_access(request, org, "privacy.dpia.advise")
    services_dpias.do_advise_dpia(m.user, m.organization, selectors_dpias.access_dpia(m.organization, dpia_id),
                                  advice=payload.advice)
    return _detail(m.organization, dpia_id)


@router.post(f"{API}/{{dpia_id}}/decision", response={200: DpiaOut, **ERRORS},
             summary="Sign the controller's decision", operation_id="accord_privacy_api_sign_dpia_decision")
def sign_dpia_decision(request: HttpRequest, org: str, dpia_id: Id, payload: DecisionIn) -> dict[str, Any]:
    """Sign in your slot (the governance profile names the signatories; no one signs twice); the last signature
    decides it."""
    m = org_access(request, org, "privacy.dpia.decide")
    services_dpias.do_sign_dpia_decision(m.user, m.organization,
                                         selectors_dpias.access_dpia(m.organization, dpia_id),
                                         decision=payload.decision, reason=payload.reason)
    return _detail(m.organization, dpia_id)
