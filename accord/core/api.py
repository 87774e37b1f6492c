"""REST API of the core app: organisations, governance, members, audit events."""

import datetime as dt

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from accord.core import selectors, services
from accord.core.apikit import ERRORS, org_access
from accord.core.choices import CisoModel, CisoReportsTo, DpoModel
from accord.core.models import AuditEvent, GovernanceProfile, Membership, Organization, User
from accord.core.permissions import actions_for

router = Router(tags=["organisations"])


class OrgOut(Schema):
    slug: str
    name: str
    timezone: str
    currency: str
    role: str
    permissions: list[str]


class GovernanceOut(Schema):
    ciso_reports_to: CisoReportsTo
    ciso_model: CisoModel
    dpo_model: DpoModel
    updated_at: dt.datetime


class GovernanceIn(Schema):
    ciso_reports_to: CisoReportsTo
    ciso_model: CisoModel
    dpo_model: DpoModel


class MemberOut(Schema):
    id: int
    email: str
    full_name: str
    role: str
    external: bool
    board_representative: bool

    @staticmethod
    def resolve_email(obj: Membership) -> str:
        return obj.user.email

    @staticmethod
    def resolve_full_name(obj: Membership) -> str:
        return obj.user.full_name


class AuditEventOut(Schema):
    seq: int
    at: dt.datetime
    actor_id: int | None
    actor: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    changes: dict[str, object]
    prev_hash: str
    hash: str

    @staticmethod
    def resolve_actor(obj: AuditEvent) -> str:
        return obj.actor_label


class AuditQuery(Schema):
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None


def _org_out(org: Organization, membership: Membership) -> OrgOut:
    return OrgOut(slug=org.slug, name=org.name, timezone=org.timezone, currency=org.currency,
                  role=membership.role, permissions=sorted(actions_for(membership.role)))


def _governance_out(p: GovernanceProfile) -> GovernanceOut:
    return GovernanceOut(ciso_reports_to=CisoReportsTo(p.ciso_reports_to), ciso_model=CisoModel(p.ciso_model),
                         dpo_model=DpoModel(p.dpo_model), updated_at=p.updated_at)


@router.get("/", response={200: list[OrgOut], **ERRORS}, summary="The caller's organisations")
def list_orgs(request: HttpRequest) -> list[OrgOut]:
    """A token is bound to one organisation, so this lists that one (if the user still belongs to it)."""
    token = request.auth  # type: ignore[attr-defined]
    membership = selectors.memberships_of(token.user).filter(organization=token.organization).first()
    return [_org_out(membership.organization, membership)] if membership else []


@router.get("/{org}/", response={200: OrgOut, **ERRORS}, summary="One organisation")
def get_org(request: HttpRequest, org: str) -> OrgOut:
    m = org_access(request, org, "organization.view")
    return _org_out(m.organization, m)


@router.get("/{org}/governance/", response={200: GovernanceOut, **ERRORS}, summary="Governance profile")
def get_governance(request: HttpRequest, org: str) -> GovernanceOut:
    m = org_access(request, org, "governance.view")
    return _governance_out(selectors.governance(m.organization))


@router.put("/{org}/governance/", response={200: GovernanceOut, **ERRORS}, summary="Change the governance profile")
def put_governance(request: HttpRequest, org: str, payload: GovernanceIn) -> GovernanceOut:
    m = org_access(request, org, "governance.change")
    actor: User = m.user
    profile = services.do_update_governance(actor, m.organization, **{k: v.value for k, v in payload})
    return _governance_out(profile)


@router.get("/{org}/members/", response={200: list[MemberOut], **ERRORS}, summary="Members and roles")
@paginate(LimitOffsetPagination)
def list_members(request: HttpRequest, org: str) -> QuerySet[Membership]:
    m = org_access(request, org, "member.view")
    return selectors.members(m.organization)


@router.get("/{org}/audit-events/", response={200: list[AuditEventOut], **ERRORS}, summary="Audit trail")
@paginate(LimitOffsetPagination)
def list_audit_events(request: HttpRequest, org: str, filters: Query[AuditQuery]) -> QuerySet[AuditEvent]:
    """Newest first; filter by actor e-mail, object type and id, action and date range."""
    m = org_access(request, org, "audit.view")
    return selectors.audit_events(m.organization, selectors.AuditFilter(**filters.dict()))
