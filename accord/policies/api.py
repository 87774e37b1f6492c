"""REST API of the policies, mounted under /api/v1/orgs/ by accord/api.py: policies (list, add from a
template or a text, read, change), their versions (list, one with its rendered text and its difference
from the version before, a new draft, approve), the starter templates, review records, attestation
campaigns (list, launch, one, acknowledge, remind) and policy exceptions (list, request, one, sign).

Inputs check types here; the services check meaning and name every bad field. An approval names the
version it approves and is always the caller's own: there is no field to approve for someone else."""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from accord.core.apikit import ERRORS, BodyIn, Id, Pagination, TextIn, org_access
from accord.core.choices import Role, Signatory
from accord.core.fieldschemas import input_data, input_fields, output_fields
from accord.core.inputs import INT64_MAX
from accord.core.models import Organization
from accord.policies import selectors, services
from accord.policies.choices import ExceptionState, PolicyKind, VersionStatus
from accord.policies.fields import POLICY
from accord.policies.models import AttestationCampaign, Policy, PolicyException, PolicyVersion
from accord.policies.starters import STARTERS
from accord.policies.texts import render_markdown, unified_diff
from accord.risks.api.schemas import SignatureOut
from accord.risks.selectors import access_risk

router = Router(tags=["policies"])

#: A version's number in a path.
VersionNo = Annotated[int, Path(ge=1, le=INT64_MAX, description="The version's number (1, 2, …)")]


class ApprovalsOut(Schema):
    version: int
    required: list[Signatory] = Field(description="The slots that approve this version")
    approved: list[SignatureOut]
    awaiting: list[Signatory] = Field(description="The approvals still awaited (empty once not a draft)")


@output_fields(POLICY)
class PolicyOut(Schema):
    version_in_force: int | None = Field(description="The version in force (null: none approved yet)")
    in_force_since: dt.datetime | None
    draft: ApprovalsOut | None = Field(description="The draft awaiting approvals, with who approved and who is "
                                                   "awaited")
    review_overdue: bool = Field(description="The next review date has passed")
    requirements: list[int] = Field(description="Ids of the requirements it answers")
    controls: list[int] = Field(description="Ids of the controls that put it into practice")

    @staticmethod
    def resolve_version_in_force(obj: Any) -> int | None:
        return obj.row.in_force.version if obj.row.in_force else None

    @staticmethod
    def resolve_in_force_since(obj: Any) -> dt.datetime | None:
        return obj.row.in_force.in_force_at if obj.row.in_force else None

    @staticmethod
    def resolve_draft(obj: Any) -> dict[str, Any] | None:
        row = obj.row
        if row.draft is None:
            return None
        return {"version": row.draft.version, "required": list(row.draft_state.required),
                "approved": list(row.draft.approvals.all()), "awaiting": list(row.draft_state.awaiting)}

    @staticmethod
    def resolve_review_overdue(obj: Any) -> bool:
        return bool(obj.row.overdue)

    @staticmethod
    def resolve_requirements(obj: Policy) -> list[int]:
        return [link.requirement_id for link in obj.requirement_links.all()]

    @staticmethod
    def resolve_controls(obj: Policy) -> list[int]:
        return [link.control_id for link in obj.control_links.all()]


def _rows(rows: list[selectors.PolicyRow]) -> list[Policy]:
    out = []
    for row in rows:
        row.policy.row = row  # type: ignore[attr-defined]
        out.append(row.policy)
    return out


def _one(org: Organization, policy_id: int) -> Policy:
    policy = selectors.access_policy(org, policy_id)
    return _rows([selectors.policy_row(org, policy)])[0]


class PolicyQuery(TextIn):
    kind: PolicyKind | None = None
    overdue: bool = Field(False, description="Only those overdue for review")
    awaiting: bool = Field(False, description="Only those with a draft awaiting approvals")


@input_fields(POLICY, partial=True)
class PolicyPatch(BodyIn):
    """Any of the fields; the owner by e-mail address. The text changes by a new version."""

    requirements: list[StrictInt] | None = Field(None, description="Ids of requirements: the whole new list")
    controls: list[StrictInt] | None = Field(None, description="Ids of controls: the whole new list")


class PolicyCreate(PolicyPatch):
    title: str | None = Field(None, max_length=200, description="Required unless a template gives it")
    kind: PolicyKind | None = Field(None, description="Required unless a template gives it")
    template: str = Field("", max_length=40, description="A starter template's key (see policy-templates/)")
    body: str = Field("", max_length=100_000, description="The first version's text, Markdown (default: the "
                                                           "template's)")
    note: str = Field("", max_length=500, description="What the first version says it is")


def _policy_data(payload: Any) -> dict[str, Any]:
    data = input_data(payload)
    for name in ("requirements", "controls", "template", "body", "note"):
        data.pop(name, None)
    return data


@router.get("/{org}/policies/", response={200: list[PolicyOut], **ERRORS}, summary="The policies",
            operation_id="accord_policies_api_list_policies")
@paginate(Pagination)
def list_policies(request: HttpRequest, org: str, filters: Query[PolicyQuery]) -> list[Policy]:
    """By reference, with the version in force, the draft's approvals and the review flag."""
    m = org_access(request, org, "policy.view")
    found = selectors.policy_rows(m.organization, selectors.PolicyFilter(
        kind=filters.kind.value if filters.kind else "", overdue=filters.overdue, awaiting=filters.awaiting))
    return _rows(found)


@router.post("/{org}/policies/", response={201: PolicyOut, **ERRORS}, summary="Add a policy (its first draft)",
             operation_id="accord_policies_api_create_policy")
def create_policy(request: HttpRequest, org: str, payload: PolicyCreate) -> Status[Any]:
    m = org_access(request, org, "policy.change")
    policy = services.do_create_policy(m.user, m.organization, _policy_data(payload), body=payload.body,
                                       template=payload.template, note=payload.note,
                                       requirements=payload.requirements, controls=payload.controls)
    return Status(201, _one(m.organization, policy.pk))


@router.get("/{org}/policies/{policy_id}/", response={200: PolicyOut, **ERRORS}, summary="One policy",
            operation_id="accord_policies_api_get_policy")
def get_policy(request: HttpRequest, org: str, policy_id: Id) -> Policy:
    m = org_access(request, org, "policy.view")
    return _one(m.organization, policy_id)


@router.patch("/{org}/policies/{policy_id}/", response={200: PolicyOut, **ERRORS}, summary="Change a policy",
              operation_id="accord_policies_api_update_policy")
def update_policy(request: HttpRequest, org: str, policy_id: Id, payload: PolicyPatch) -> Policy:
    m = org_access(request, org, "policy.change")
    policy = selectors.access_policy(m.organization, policy_id)
    services.do_update_policy(m.user, m.organization, policy, _policy_data(payload),
                              requirements=payload.requirements, controls=payload.controls)
    return _one(m.organization, policy_id)


class ReviewIn(BodyIn):
    note: str = Field("", max_length=500, description="What the review found (kept in the audit trail)")


@router.post("/{org}/policies/{policy_id}/review", response={200: PolicyOut, **ERRORS},
             summary="Record that a policy was reviewed today and still stands",
             operation_id="accord_policies_api_record_review")
def record_review(request: HttpRequest, org: str, policy_id: Id, payload: ReviewIn | None = None) -> Policy:
    m = org_access(request, org, "policy.change")
    policy = selectors.access_policy(m.organization, policy_id)
    services.do_record_policy_review(m.user, m.organization, policy, note=payload.note if payload else "")
    return _one(m.organization, policy_id)


# --- versions -----------------------------------------------------------------------------------------

class PolicyVersionOut(Schema):
    version: int
    status: VersionStatus
    note: str
    body: str = Field(description="The text, Markdown")
    created_by: str | None
    created_at: dt.datetime
    in_force_at: dt.datetime | None
    approvals: list[SignatureOut]

    @staticmethod
    def resolve_created_by(obj: PolicyVersion) -> str | None:
        return obj.created_by.email if obj.created_by else None

    @staticmethod
    def resolve_approvals(obj: PolicyVersion) -> list[Any]:
        return list(obj.approvals.all())


class VersionDetailOut(PolicyVersionOut):
    html: str = Field(description="The text rendered to HTML: sanitised (no raw HTML, links http, https and "
                                  "mailto only)")
    required: list[Signatory]
    awaiting: list[Signatory]
    diff: str = Field(description="Unified diff from the version before (empty for the first)")


@router.get("/{org}/policies/{policy_id}/versions/", response={200: list[PolicyVersionOut], **ERRORS},
            summary="A policy's versions, newest first", operation_id="accord_policies_api_list_versions")
@paginate(Pagination)
def list_versions(request: HttpRequest, org: str, policy_id: Id) -> list[PolicyVersion]:
    m = org_access(request, org, "policy.view")
    return selectors.versions(m.organization, selectors.access_policy(m.organization, policy_id))


def _version_detail(org: Organization, policy: Policy, number: int) -> PolicyVersion:
    version = selectors.access_version(org, policy, number)
    state = selectors.version_state(version, policy, selectors.profile_of(org))
    before = selectors.previous_version(org, version)
    version.html = str(render_markdown(version.body))  # type: ignore[attr-defined]
    version.required, version.awaiting = list(state.required), list(state.awaiting)  # type: ignore[attr-defined]
    version.diff = unified_diff(before.body, version.body, older_name=f"v{before.version}",  # type: ignore[attr-defined]
                                newer_name=f"v{version.version}") if before is not None else ""
    return version


@router.get("/{org}/policies/{policy_id}/versions/{version}/", response={200: VersionDetailOut, **ERRORS},
            summary="One version: its text, rendered, and its difference from the version before",
            operation_id="accord_policies_api_get_version")
def get_version(request: HttpRequest, org: str, policy_id: Id,
                version: VersionNo) -> PolicyVersion:
    m = org_access(request, org, "policy.view")
    return _version_detail(m.organization, selectors.access_policy(m.organization, policy_id), version)


class DraftIn(BodyIn):
    body: str = Field(min_length=1, max_length=100_000, description="The new text, Markdown")
    note: str = Field("", max_length=500, description="What changed")


@router.post("/{org}/policies/{policy_id}/versions/", response={201: VersionDetailOut, **ERRORS},
             summary="Draft a new version (withdraws an open draft and its approvals)",
             operation_id="accord_policies_api_draft_version")
def draft_version(request: HttpRequest, org: str, policy_id: Id, payload: DraftIn) -> Status[Any]:
    m = org_access(request, org, "policy.change")
    policy = selectors.access_policy(m.organization, policy_id)
    version = services.do_draft_policy_version(m.user, m.organization, policy, body=payload.body, note=payload.note)
    return Status(201, _version_detail(m.organization, policy, version.version))


class ApproveIn(BodyIn):
    """No field: an approval is always the caller's own, in the slot they fill (any field is refused)."""


@router.post("/{org}/policies/{policy_id}/versions/{version}/approve", response={200: VersionDetailOut, **ERRORS},
             summary="Approve a draft version, in your own slot",
             operation_id="accord_policies_api_approve_version")
def approve_version(request: HttpRequest, org: str, policy_id: Id, version: VersionNo,
                    payload: ApproveIn | None = None) -> PolicyVersion:
    """The caller approves in the slot they fill (CIO, CISO, DPO, board representative); refused when they
    are not an approver of this kind, already approved, or `version` is not the current draft."""
    m = org_access(request, org, "policy.approve")
    policy = selectors.access_policy(m.organization, policy_id)
    services.do_approve_policy_version(m.user, m.organization, policy, version=version)
    return _version_detail(m.organization, policy, version)


class TemplateOut(Schema):
    key: str
    title: str
    kind: PolicyKind
    summary: str
    review_interval_months: int
    body: str


@router.get("/{org}/policy-templates/", response={200: list[TemplateOut], **ERRORS},
            summary="The starter policy templates", operation_id="accord_policies_api_list_templates")
def list_templates(request: HttpRequest, org: str) -> list[dict[str, Any]]:
    org_access(request, org, "policy.view")
    return [{"key": s.key, "title": str(s.title), "kind": s.kind, "summary": str(s.summary),
             "review_interval_months": s.review_interval_months, "body": s.body} for s in STARTERS]


# --- attestations -------------------------------------------------------------------------------------

class CampaignOut(Schema):
    id: int
    policy_id: int
    policy: str
    version: int
    roles: list[Role]
    members: list[str] = Field(description="E-mail addresses of the members named besides the roles")
    due_on: dt.date
    created_at: dt.datetime
    last_reminded_at: dt.datetime | None
    asked: int
    acknowledged: list[str] = Field(description="Who has acknowledged (names)")
    pending: list[str] = Field(description="Who has not yet (names)")
    percent: int

    @staticmethod
    def resolve_policy(obj: AttestationCampaign) -> str:
        return str(obj.policy)

    @staticmethod
    def resolve_version(obj: AttestationCampaign) -> int:
        return obj.version.version

    @staticmethod
    def resolve_members(obj: Any) -> list[str]:
        return list(obj.member_emails)

    @staticmethod
    def resolve_asked(obj: Any) -> int:
        return int(obj.progress.asked)

    @staticmethod
    def resolve_acknowledged(obj: Any) -> list[str]:
        return list(obj.progress.acknowledged)

    @staticmethod
    def resolve_pending(obj: Any) -> list[str]:
        return list(obj.progress.pending)

    @staticmethod
    def resolve_percent(obj: Any) -> int:
        return int(obj.progress.percent)


def _with_emails(org: Organization, found: list[AttestationCampaign]) -> list[AttestationCampaign]:
    emails = {m.user_id: m.user.email for m in selectors.members(org)}
    for campaign in found:
        campaign.member_emails = [emails[i] for i in campaign.user_ids if i in emails]  # type: ignore[attr-defined]
    return found


class CampaignIn(BodyIn):
    policy: StrictInt = Field(ge=1, le=INT64_MAX, description="The policy's id")
    roles: list[Role] = Field(default_factory=list, description="Ask every member holding one of these roles")
    members: list[str] = Field(default_factory=list, description="Ask these members too (e-mail addresses)")
    due_on: dt.date


@router.get("/{org}/attestations/", response={200: list[CampaignOut], **ERRORS},
            summary="Attestation campaigns, with who has and has not acknowledged",
            operation_id="accord_policies_api_list_campaigns")
@paginate(Pagination)
def list_campaigns(request: HttpRequest, org: str) -> list[AttestationCampaign]:
    m = org_access(request, org, "policy.view")
    return _with_emails(m.organization, selectors.campaigns(m.organization))


@router.post("/{org}/attestations/", response={201: CampaignOut, **ERRORS},
             summary="Launch an attestation campaign for a policy's version in force",
             operation_id="accord_policies_api_launch_campaign")
def launch_campaign(request: HttpRequest, org: str, payload: CampaignIn) -> Status[Any]:
    m = org_access(request, org, "attestation.launch")
    policy = selectors.access_policy(m.organization, payload.policy)
    campaign = services.do_launch_attestation_campaign(m.user, m.organization, policy,
                                                       roles=[r.value for r in payload.roles],
                                                       members=payload.members, due_on=payload.due_on)
    return Status(201, _with_emails(m.organization, [selectors.access_campaign(m.organization, campaign.pk)])[0])


@router.get("/{org}/attestations/{campaign_id}/", response={200: CampaignOut, **ERRORS},
            summary="One attestation campaign", operation_id="accord_policies_api_get_campaign")
def get_campaign(request: HttpRequest, org: str, campaign_id: Id) -> AttestationCampaign:
    m = org_access(request, org, "policy.view")
    return _with_emails(m.organization, [selectors.access_campaign(m.organization, campaign_id)])[0]


@router.post("/{org}/attestations/{campaign_id}/acknowledge", response={200: CampaignOut, **ERRORS},
             summary="Acknowledge the policy version a campaign asks you to read (for yourself)",
             operation_id="accord_policies_api_acknowledge")
def acknowledge(request: HttpRequest, org: str, campaign_id: Id) -> AttestationCampaign:
    m = org_access(request, org, "attestation.acknowledge")
    campaign = selectors.access_campaign(m.organization, campaign_id)
    services.do_acknowledge_policy(m.user, m.organization, campaign)
    return _with_emails(m.organization, [selectors.access_campaign(m.organization, campaign_id)])[0]


class RemindOut(Schema):
    reminded: int = Field(description="How many members were told now")


@router.post("/{org}/attestations/{campaign_id}/remind", response={200: RemindOut, **ERRORS},
             summary="Remind those who have not acknowledged yet", operation_id="accord_policies_api_remind")
def remind(request: HttpRequest, org: str, campaign_id: Id) -> dict[str, int]:
    m = org_access(request, org, "attestation.launch")
    campaign = selectors.access_campaign(m.organization, campaign_id)
    return {"reminded": services.do_remind_attestation_campaign(m.user, m.organization, campaign)}


# --- exceptions ---------------------------------------------------------------------------------------

class PolicyExceptionOut(Schema):
    id: int
    policy_id: int
    policy: str
    risk_id: int
    risk: str
    justification: str
    compensating_measures: str
    expires_on: dt.date
    status: str = Field(description="pending (awaiting signatures), in_force, expired (its date has passed) or "
                                    "withdrawn")
    required_signatories: list[Signatory]
    awaiting: list[Signatory]
    signatures: list[SignatureOut]
    created_by: str | None
    created_at: dt.datetime
    in_force_at: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdrawn_by: str | None
    withdrawal_reason: str

    @staticmethod
    def resolve_withdrawn_by(obj: PolicyException) -> str | None:
        return obj.withdrawn_by.email if obj.withdrawn_by else None

    @staticmethod
    def resolve_policy(obj: PolicyException) -> str:
        return str(obj.policy)

    @staticmethod
    def resolve_risk(obj: PolicyException) -> str:
        return f"{obj.risk.ref} {obj.risk.title}"

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.state)

    @staticmethod
    def resolve_awaiting(obj: Any) -> list[str]:
        return list(obj.signature_state.awaiting)

    @staticmethod
    def resolve_signatures(obj: PolicyException) -> list[Any]:
        return list(obj.signatures.all())

    @staticmethod
    def resolve_created_by(obj: PolicyException) -> str | None:
        return obj.created_by.email if obj.created_by else None


class ExceptionQuery(TextIn):
    status: ExceptionState | None = Field(None, description="Only those in this state (expired: past their date)")


class PolicyExceptionIn(BodyIn):
    policy: StrictInt = Field(ge=1, le=INT64_MAX, description="The policy's id")
    risk: StrictInt = Field(ge=1, le=INT64_MAX, description="The id of the register risk it leaves open")
    justification: str = Field(min_length=1, max_length=10_000)
    compensating_measures: str = Field("", max_length=10_000)
    expires_on: dt.date


class PolicyWithdrawIn(BodyIn):
    reason: str = Field(min_length=1, max_length=10_000, description="Why the exception ends before its expiry")


@router.get("/{org}/policy-exceptions/", response={200: list[PolicyExceptionOut], **ERRORS},
            summary="Policy exceptions, expired ones flagged", operation_id="accord_policies_api_list_exceptions")
@paginate(Pagination)
def list_exceptions(request: HttpRequest, org: str, filters: Query[ExceptionQuery]) -> list[PolicyException]:
    m = org_access(request, org, "policy.view")
    return selectors.policy_exceptions(m.organization, state=filters.status.value if filters.status else "")


@router.post("/{org}/policy-exceptions/", response={201: PolicyExceptionOut, **ERRORS},
             summary="Ask for an exception to a policy (co-signed as a risk acceptance)",
             operation_id="accord_policies_api_request_exception")
def request_exception(request: HttpRequest, org: str, payload: PolicyExceptionIn) -> Status[Any]:
    m = org_access(request, org, "policyexception.request")
    policy = selectors.access_policy(m.organization, payload.policy)
    risk = access_risk(m.organization, payload.risk)
    exception = services.do_request_policy_exception(
        m.user, m.organization, policy, risk, justification=payload.justification,
        compensating_measures=payload.compensating_measures, expires_on=payload.expires_on)
    return Status(201, selectors.access_exception(m.organization, exception.pk))


@router.get("/{org}/policy-exceptions/{exception_id}/", response={200: PolicyExceptionOut, **ERRORS},
            summary="One policy exception", operation_id="accord_policies_api_get_exception")
def get_exception(request: HttpRequest, org: str, exception_id: Id) -> PolicyException:
    m = org_access(request, org, "policy.view")
    return selectors.access_exception(m.organization, exception_id)


@router.post("/{org}/policy-exceptions/{exception_id}/sign", response={200: PolicyExceptionOut, **ERRORS},
             summary="Sign a policy exception, in your own slot", operation_id="accord_policies_api_sign_exception")
def sign_exception(request: HttpRequest, org: str, exception_id: Id) -> PolicyException:
    m = org_access(request, org, "policyexception.sign")
    exception = selectors.access_exception(m.organization, exception_id)
    services.do_sign_policy_exception(m.user, m.organization, exception)
    return selectors.access_exception(m.organization, exception_id)


@router.post("/{org}/policy-exceptions/{exception_id}/withdraw", response={200: PolicyExceptionOut, **ERRORS},
             summary="Withdraw a policy exception, pending or in force, with the reason",
             operation_id="accord_policies_api_withdraw_exception")
def withdraw_exception(request: HttpRequest, org: str, exception_id: Id, payload: PolicyWithdrawIn) -> PolicyException:
    m = org_access(request, org, "policyexception.withdraw")
    exception = selectors.access_exception(m.organization, exception_id)
    services.do_withdraw_policy_exception(m.user, m.organization, exception, reason=payload.reason)
    return selectors.access_exception(m.organization, exception_id)
