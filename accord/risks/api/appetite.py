"""The risk appetite over the API: the version in force and the draft with who must still sign it,
drafting a new version, and signing the draft."""

import datetime as dt
from typing import Annotated, Any

from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from accord.core.answers import api_read
from accord.core.apikit import ERRORS, BodyIn, org_access
from accord.core.inputs import INT64_MAX
from accord.core.models import GovernanceProfile, Organization
from accord.core.selectors import governance
from accord.risks import rules, selectors, services
from accord.risks.api.schemas import SignatureOut
from accord.risks.choices import AppetiteStatus, Level, Signatory
from accord.risks.models import RiskAppetite
from accord.risks.preview import appetite_preview
from accord.risks.services.appetite import MAX_OPINION_CHARS, MAX_TOLERANCE_POINTS

router = Router()


class SlotOut(Schema):
    slot: Signatory
    label: str


class OpinionOut(Schema):
    user: str = Field(description="The consultee's e-mail address")
    name: str
    text: str
    created_at: dt.datetime


class AppetiteOut(Schema):
    version: int
    status: AppetiteStatus
    statement: str
    category_levels: dict[str, Level]
    tolerance: list[list[float]] = Field(description="[loss, highest acceptable annual probability of exceeding it]")
    required_signatories: list[Signatory]
    signatures: list[SignatureOut]
    opinions: list[OpinionOut] = Field(description="Consultees' opinions (the DPO's), shown to the signatories; "
                                       "not signatures")
    created_by: str | None
    created_at: dt.datetime
    in_force_at: dt.datetime | None


class AppetiteStateOut(Schema):
    in_force: AppetiteOut | None = Field(description="The version in force (risks are judged against it)")
    draft: AppetiteOut | None = Field(description="The newest draft, awaiting signatures")
    awaiting: list[SlotOut] = Field(description="The draft's signatures still missing")
    awaiting_people: list[str] = Field(description="Members who can give a missing signature")
    dpo_consulted: bool = Field(description="The governance profile consults the DPO on the appetite")


#: A tolerance point as the service takes it (accord.risks.services.appetite): a positive loss and the highest
#: acceptable annual probability of exceeding it, strictly between 0 and 1.
TolerancePoint = tuple[Annotated[float, Field(gt=0, description="A loss, in the organisation's currency")],
                       Annotated[float, Field(gt=0, lt=1, description="The highest acceptable annual probability "
                                                                      "of a loss above it")]]


class AppetiteIn(BodyIn):
    statement: str = Field(min_length=1)
    category_levels: dict[str, Level] = Field(default_factory=dict, description="{category key: highest level}")
    tolerance: list[TolerancePoint] = Field(default_factory=list, max_length=MAX_TOLERANCE_POINTS,
                                            description="[[loss, probability], ...]")


class AppetiteSignIn(BodyIn):
    version: int = Field(ge=1, le=INT64_MAX, description="The draft version being signed: the one the signer "
                         "read. Refused when it is not the current draft.")


def _version(org: Organization, appetite: RiskAppetite | None, profile: GovernanceProfile) -> dict[str, Any] | None:
    """One version as `AppetiteOut`, its signatories from `selectors.signature_state`."""
    if appetite is None:
        return None
    state = selectors.signature_state(org, appetite, profile=profile)
    return {**{name: getattr(appetite, name) for name in (
        "version", "status", "statement", "category_levels", "tolerance", "created_at", "in_force_at")},
        "required_signatories": list(state.required), "signatures": list(appetite.signatures.all()),
        "opinions": [{"user": o.user.email, "name": o.user.display_name, "text": o.text, "created_at": o.created_at}
                     for o in appetite.opinions.all()],
        "created_by": appetite.created_by.email if appetite.created_by else None}


def _appetite_state(org: Organization) -> dict[str, Any]:
    versions = {a.status: a for a in selectors.appetite_versions(org).select_related("created_by").filter(
        status__in=[AppetiteStatus.IN_FORCE, AppetiteStatus.DRAFT])}
    profile = governance(org)
    draft = versions.get(AppetiteStatus.DRAFT)
    awaiting: list[SlotOut] = []
    people: list[str] = []
    if draft is not None:
        state = selectors.signature_state(org, draft, people=True, profile=profile)
        awaiting = [SlotOut(slot=Signatory(s), label=str(Signatory(s).label)) for s in state.awaiting]
        people = list(state.awaiting_people)
    return {"in_force": _version(org, versions.get(AppetiteStatus.IN_FORCE), profile),
            "draft": _version(org, draft, profile), "awaiting": awaiting, "awaiting_people": people,
            "dpo_consulted": rules.consults_dpo_on_appetite(profile)}


@router.get("/{org}/risk-appetite/", response={200: AppetiteStateOut, **ERRORS}, summary="The risk appetite",
            operation_id="accord_risks_api_get_appetite")
@api_read("appetite.view")
def get_appetite(request: HttpRequest, org: str) -> dict[str, Any]:
    """The version in force and the draft awaiting signatures, with who must still sign."""
    m = org_access(request, org, "appetite.view")
    return _appetite_state(m.organization)


@router.put("/{org}/risk-appetite/", response={200: AppetiteStateOut, **ERRORS},
            summary="Draft a new version of the risk appetite",
            operation_id="accord_risks_api_put_appetite")
def put_appetite(request: HttpRequest, org: str, payload: AppetiteIn) -> dict[str, Any]:
    """A new draft (an unsigned earlier draft is withdrawn); the version in force stays in force until
    the governance profile's signatories have all signed the draft."""
    m = org_access(request, org, "appetite.draft")
    services.do_draft_appetite(m.user, m.organization, statement=payload.statement,
                               category_levels=payload.category_levels, tolerance=payload.tolerance)
    return _appetite_state(m.organization)


@router.post("/{org}/risk-appetite/sign/", response={200: AppetiteStateOut, **ERRORS},
             summary="Sign the draft risk appetite",
             operation_id="accord_risks_api_sign_appetite")
def sign_appetite(request: HttpRequest, org: str, payload: AppetiteSignIn) -> dict[str, Any]:
    """Sign draft `version` in the slot the governance profile gives the caller; the last signature puts
    it in force. Refused (422, field `version`) when `version` is not the current draft: one signs what
    one has read."""
    m = org_access(request, org, "appetite.sign")
    services.do_sign_appetite(m.user, m.organization, version=payload.version)
    return _appetite_state(m.organization)


class AppetiteOpinionIn(BodyIn):
    version: int = Field(ge=1, le=INT64_MAX,
                         description="The draft version the opinion is about: the one the consultee read")
    text: str = Field(min_length=1, max_length=MAX_OPINION_CHARS, description="The opinion, shown to the signatories")


@router.post("/{org}/risk-appetite/opinions/", response={201: AppetiteStateOut, **ERRORS},
             summary="Record an opinion on the draft risk appetite",
             operation_id="accord_risks_api_record_appetite_opinion")
def record_appetite_opinion(request: HttpRequest, org: str, payload: AppetiteOpinionIn) -> Status[Any]:
    """The DPO, when the governance profile consults the DPO, records an opinion on draft `version`;
    audited and shown to the signatories, it is not a signature and blocks nothing."""
    m = org_access(request, org, "appetite.consult")
    services.do_record_appetite_opinion(m.user, m.organization, version=payload.version, text=payload.text)
    return Status(201, _appetite_state(m.organization))


class LevelChangeOut(Schema):
    category: str = Field(description="The category key")
    name: str
    in_force: Level | None = Field(description="Its highest acceptable level in force (null: no limit)")
    draft: Level | None = Field(description="Its highest acceptable level in the draft (null: no limit)")


class PreviewRiskOut(Schema):
    id: int
    ref: str
    title: str
    category: str
    residual_level: Level
    accepted: bool = Field(description="An acceptance in force covers it now")


class MoneyVerdictOut(Schema):
    curve: str = Field(description="The curve judged: residual when the register records treatment effects, "
                                   "else inherent")
    within: bool
    borderline: bool = Field(description="A point is within a few standard errors of its limit")
    points: list[dict[str, Any]] = Field(description="The engine's verdict per tolerance point: loss, "
                                         "max_probability, probability, standard_error, ok, borderline")


class AppetitePreviewOut(Schema):
    draft_version: int
    in_force_version: int | None
    category_levels: list[LevelChangeOut] = Field(description="The categories whose limit the draft changes")
    tolerance_in_force: list[list[float]]
    tolerance_draft: list[list[float]]
    tolerance_changed: bool
    newly_above_tolerance: list[PreviewRiskOut] = Field(description="Open risks above tolerance under the draft "
                                                        "and not under the version in force")
    no_longer_above_tolerance: list[PreviewRiskOut]
    above_tolerance_in_force: int = Field(description="Open risks above tolerance under the version in force")
    above_tolerance_draft: int = Field(description="Open risks above tolerance under the draft")
    money_in_force: MoneyVerdictOut | None = Field(description="The money tolerance verdict under the version "
                                                   "in force (null: no tolerance points or no estimates)")
    money_draft: MoneyVerdictOut | None = Field(description="The same register judged against the draft's points")


def _preview_risk(risk: Any) -> dict[str, Any]:
    return {"id": risk.pk, "ref": risk.ref, "title": risk.title, "category": risk.category.key,
            "residual_level": risk.residual_level, "accepted": risk.accepted}


@router.get("/{org}/risk-appetite/draft/preview/", response={200: AppetitePreviewOut, **ERRORS},
            summary="What signing the draft risk appetite would change",
            operation_id="accord_risks_api_preview_appetite_draft")
def preview_appetite_draft(request: HttpRequest, org: str) -> dict[str, Any]:
    """The draft against the version in force: changed category limits and tolerance, the open risks that
    would newly be above (or no longer above) tolerance, and the money tolerance verdict under each.
    404 without a draft."""
    m = org_access(request, org, "appetite.view")
    preview = appetite_preview(m.organization)
    if preview is None:
        raise Http404("No draft risk appetite.")
    return {
        "draft_version": preview.draft.version,
        "in_force_version": preview.in_force.version if preview.in_force else None,
        "category_levels": [{"category": c.key, "name": c.name, "in_force": c.in_force, "draft": c.draft}
                            for c in preview.levels],
        "tolerance_in_force": preview.tolerance_in_force, "tolerance_draft": preview.tolerance_draft,
        "tolerance_changed": preview.tolerance_changed,
        "newly_above_tolerance": [_preview_risk(r) for r in preview.newly_above],
        "no_longer_above_tolerance": [_preview_risk(r) for r in preview.no_longer_above],
        "above_tolerance_in_force": preview.above_in_force, "above_tolerance_draft": preview.above_draft,
        "money_in_force": preview.money_in_force, "money_draft": preview.money_draft,
    }
