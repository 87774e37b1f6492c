"""An assessment's offers over the API: the results recorded against requirements mapped to the ones it has
still to assess, offered by the mapping sets' rule (docs/frameworks.md, "What a result offers"), and accepting
one, which records it as a result through the assessments' own service."""

from django.http import HttpRequest
from ninja import Field, Router, Schema

from accord.compliance import selectors_assessments, selectors_offers, services_offers
from accord.compliance.api_assessments import AssessmentId, ResultOut
from accord.compliance.choices import ResultValue
from accord.compliance.models_assessments import AssessmentResult
from accord.compliance.selectors_offers import Offer, TargetOffers
from accord.core.apikit import ERRORS, BodyIn, ErrorOut, org_access

router = Router(tags=["compliance"])


class OfferOut(Schema):
    source: int = Field(description="The id of the result that makes the offer (in another assessment)")
    result: ResultValue = Field(description="The result offered")
    source_assessment: str = Field(description="The ref of the assessment the source result is in (`AUD-002`)")
    source_framework: str = Field(description="`key@version` of the source requirement's framework")
    source_requirement: str = Field(description="The source requirement's id")
    source_result: ResultValue = Field(description="The result recorded there")
    relationship: str = Field(description="Read from the source requirement: `equivalent`, `subset`, `superset` "
                                          "or `intersects`")
    strength: float
    mapping_set: str = Field(description="The key of the set that maps them")

    @staticmethod
    def resolve_source(obj: Offer) -> int:
        return obj.source.pk

    @staticmethod
    def resolve_source_assessment(obj: Offer) -> str:
        return obj.source.assessment.ref

    @staticmethod
    def resolve_source_framework(obj: Offer) -> str:
        return obj.source.requirement.framework.ref

    @staticmethod
    def resolve_source_requirement(obj: Offer) -> str:
        return obj.source.requirement.ref

    @staticmethod
    def resolve_source_result(obj: Offer) -> str:
        return obj.source.result

    @staticmethod
    def resolve_strength(obj: Offer) -> float:
        return float(obj.strength)

    @staticmethod
    def resolve_mapping_set(obj: Offer) -> str:
        return obj.mapping_set.key


class TargetOffersOut(Schema):
    result: int = Field(description="The id of the assessment's result the offers are for (still not assessed)")
    requirement: str = Field(description="Its requirement's id")
    requirement_title: str
    offers: list[OfferOut] = Field(description="The strongest first; the first is the one to suggest")

    @staticmethod
    def resolve_result(obj: TargetOffers) -> int:
        return obj.target.pk

    @staticmethod
    def resolve_requirement(obj: TargetOffers) -> str:
        return obj.target.requirement.ref

    @staticmethod
    def resolve_requirement_title(obj: TargetOffers) -> str:
        return obj.target.requirement.title


class AcceptIn(BodyIn):
    result: int = Field(ge=1, le=2**63 - 1, description="The id of the assessment's result to record")
    source: int = Field(ge=1, le=2**63 - 1, description="The id of the result whose offer is accepted")


@router.get("/{org}/assessments/{assessment_id}/offers/", response={200: list[TargetOffersOut], **ERRORS},
            summary="Results offered through mapping sets", operation_id="accord_compliance_api_list_offers")
def list_offers(request: HttpRequest, org: str, assessment_id: AssessmentId) -> list[TargetOffers]:
    """For each result of the assessment still not assessed, what the results recorded against requirements
    mapped to it (the newest of each, in other assessments) offer; nothing is recorded until one is accepted."""
    m = org_access(request, org, "assessment.view")
    assessment = selectors_assessments.access_assessment(m.organization, assessment_id)
    return selectors_offers.assessment_offers(m.organization, assessment)


@router.post("/{org}/assessments/{assessment_id}/offers/accept", response={200: ResultOut, 409: ErrorOut, **ERRORS},
             summary="Accept an offered result", operation_id="accord_compliance_api_accept_offer")
def accept_offer(request: HttpRequest, org: str, assessment_id: AssessmentId, payload: AcceptIn) -> AssessmentResult:
    """Records the offered result (as the rule computes it now) on `result`, its notes saying where it came
    from, as `PATCH .../results/{id}/` would: while the assessment is in progress (409 otherwise), by whoever
    may record in it (403 otherwise). 404 when `source` offers nothing on `result` (any more)."""
    m = org_access(request, org, "assessment.view")
    assessment = selectors_assessments.access_assessment(m.organization, assessment_id)
    org_access(request, org, "assessment.record")
    recorded = services_offers.do_accept_offer(m.user, m.organization, assessment, payload.result, payload.source)
    return selectors_assessments.access_result(m.organization, assessment, recorded.pk)
