"""The controls library over the API, mounted under /api/v1/orgs/ by accord/api.py: the controls (filtered,
paginated), one control with its links and its money, its writes (add, change some fields; a control is
never deleted: it is retired, `status: retired`, and keeps its history), its links to risks (with its effect
on each) and to requirements of any framework, and the cost-effectiveness table.

The control's schemas are built from its field specification (`accord.compliance.fields.CONTROL`); they check
types, the services check meaning (members, ranges, shares) and name every bad field. The money answers are
the one rule every front reads (`selectors_controls.effectiveness`), computed by a worker like the register's
figures (decision 0044): `figures` says whether they are fresh or still being computed.
"""

import decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from accord.compliance import selectors_controls, services_controls
from accord.compliance.choices import ControlKind, ControlStatus
from accord.compliance.fields import CONTROL
from accord.compliance.models_controls import Control, ControlRequirement, ControlRisk
from accord.core.answers import api_read
from accord.core.apikit import ERRORS, BodyIn, Pagination, TextIn, org_access
from accord.core.fieldschemas import input_data, input_fields, output_fields
from accord.core.inputs import INT64_MAX
from accord.core.models import Membership
from accord.risks import selectors as risk_selectors
from accord.risks.api.money import SIMULATION_ERRORS

router = Router(tags=["controls"])

MAX_PAGE = 500

#: The `{control_id}` of a path: a control's id or its reference; `selectors_controls.access_control` reads either.
ControlKey = Annotated[str, Path(description="The control's id (`12`) or its reference (`C-007`; any case)",
                                 examples=["C-001", "12"])]
#: The `{link_id}` of a path: `risk-<id>` or `requirement-<id>`, as a link's `id` gives it.
LinkKey = Annotated[str, Path(description="The link's `id` as the links list gives it: `risk-12` or "
                                          "`requirement-40`", pattern=r"^(risk|requirement)-[0-9]{1,18}$",
                              examples=["risk-12", "requirement-40"])]

FIGURES = Field(description="fresh: computed from the register and the controls as they are; pending: a worker is "
                            "computing them (the money fields are null meanwhile): ask again in a few seconds")


@output_fields(CONTROL)
class ControlOut(Schema):
    risk_count: int = Field(description="Risks it is linked to")
    requirement_count: int = Field(description="Requirements it is linked to")


@input_fields(CONTROL, partial=True)
class ControlPatch(BodyIn):
    """Any of the fields; `null` clears an optional one. The owner is given by e-mail address. Retire a control
    with `status: retired`: it then counts in no figure, and keeps its links and history."""


@input_fields(CONTROL)
class ControlCreate(ControlPatch):
    pass


class MoneyOut(Schema):
    currency: str
    one_off_cost: int = Field(description="Build cost and build people-days at the day rate, minor units")
    yearly_cost: int = Field(description="Run cost and run people-days a year, plus the one-off cost spread over "
                                         "3 years, minor units")
    reduced: int | None = Field(description="Money risk it takes off a year (minor units): the register's mean "
                                            "annual loss with every other implemented control, minus with it too "
                                            "(a planned control: what adding it would take off); null without a "
                                            "money effect (see `reason`) or while the figures are pending")
    rosi: float | None = Field(description="Return on security investment: (reduced − yearly_cost) / yearly_cost; "
                                           "null when it costs nothing a year or has no money effect")
    reason: str | None = Field(description="Why it has no money effect (retired, no risk linked, no estimated risk "
                                           "linked); null when it has one or while the figures are pending")
    counts_in_residual: bool = Field(description="Implemented: it is in the residual figures")
    would_add: bool = Field(description="Planned or in progress: `reduced` is what it would add")


class LinkOut(Schema):
    id: str = Field(description="`risk-<id>` or `requirement-<id>`: names the link in `links/{link_id}`")
    kind: Literal["risk", "requirement"]
    risk: str | None = Field(None, description="The risk's reference (a risk link)")
    risk_title: str | None = None
    frequency_reduction: decimal.Decimal | None = Field(None, description="A risk link: share of its loss events "
                                                                          "the control prevents, 0 to 1")
    loss_reduction: decimal.Decimal | None = Field(None, description="A risk link: share of the loss per event it "
                                                                     "removes, 0 to 1")
    framework: str | None = Field(None, description="A requirement link: the framework's key")
    framework_version: str | None = None
    requirement: str | None = Field(None, description="A requirement link: its id in the framework (`A.8.24`)")
    requirement_title: str | None = None


class ControlDetailOut(ControlOut):
    links: list[LinkOut] = Field(description="Its risks (by reference), then its requirements (by framework)")
    money: MoneyOut
    figures: Literal["fresh", "pending"] = FIGURES


class ControlQuery(TextIn):
    q: str = Field("", max_length=300, description="Text in the name or description, or a reference such as C-007")
    status: ControlStatus | None = None
    kind: ControlKind | None = None
    owner: int | None = Field(None, ge=1, le=INT64_MAX, description="The owner's membership id")

    def to_filter(self) -> selectors_controls.ControlFilter:
        return selectors_controls.ControlFilter(q=self.q, status=self.status.value if self.status else "",
                                                kind=self.kind.value if self.kind else "", owner=self.owner)


class LinkIn(BodyIn):
    """A risk (`risk`, with the control's effect on it), or a requirement (`framework` and `requirement`). Linking
    a risk the control is linked to already changes the effect of that link."""

    risk: str | None = Field(None, min_length=1, max_length=30, description="The risk's reference (`R-001`) or id")
    frequency_reduction: decimal.Decimal | str | None = Field(
        None, description="A risk: share of its loss events the control prevents, 0 to 1 or a percentage (`40%`); "
                          "empty: none")
    loss_reduction: decimal.Decimal | str | None = Field(
        None, description="A risk: share of the loss per event it removes, 0 to 1 or a percentage; empty: none")
    framework: str | None = Field(None, min_length=1, max_length=300, description="A requirement: the framework's "
                                  "key (its newest version) or `key@version`")
    requirement: str | None = Field(None, min_length=1, max_length=100, description="A requirement: its id in the "
                                    "framework (`A.8.24`)")


class CostRowOut(MoneyOut):
    id: int
    ref: str
    name: str
    status: ControlStatus


class CostEffectivenessOut(Schema):
    figures: Literal["fresh", "pending"] = FIGURES
    currency: str
    years: int = Field(description="Simulated years (0 while pending or without any estimated risk)")
    inherent_ale: int | None = Field(description="The register's mean annual loss without any control, minor units")
    residual_ale: int | None = Field(description="With every implemented control, minor units")
    day_rate: int | None = Field(description="The organisation's day rate, minor units (prices people-days)")
    controls: list[CostRowOut] = Field(description="Ranked by ROSI, then by risk reduced; those without a money "
                                                   "effect last. Marginal effects do not add up to the total "
                                                   "reduction when controls overlap on a risk")


def _money(row: selectors_controls.ControlMoney, currency: str) -> dict[str, Any]:
    return {"currency": currency, "one_off_cost": row.one_off_cost, "yearly_cost": row.yearly_cost,
            "reduced": row.reduced, "rosi": row.rosi, "reason": row.reason,
            "counts_in_residual": row.counts_in_residual, "would_add": row.would_add}


def _risk_link(link: ControlRisk) -> dict[str, Any]:
    return {"id": f"risk-{link.pk}", "kind": "risk", "risk": link.risk.ref, "risk_title": link.risk.title,
            "frequency_reduction": link.frequency_reduction, "loss_reduction": link.loss_reduction}


def _requirement_link(link: ControlRequirement) -> dict[str, Any]:
    requirement = link.requirement
    return {"id": f"requirement-{link.pk}", "kind": "requirement", "framework": requirement.framework.key,
            "framework_version": requirement.framework.version, "requirement": requirement.ref,
            "requirement_title": requirement.title}


def _links(m: Membership, control: Control) -> list[dict[str, Any]]:
    org = m.organization
    return [*map(_risk_link, selectors_controls.risk_links(org, control)),
            *map(_requirement_link, selectors_controls.requirement_links(org, control))]


def _counted(m: Membership, key: str | int) -> Control:
    return selectors_controls.access_control(m.organization, key, counted=True)


@router.get("/{org}/controls/", response={200: list[ControlOut], **ERRORS}, summary="The controls library",
            operation_id="accord_compliance_api_list_controls")
@paginate(Pagination, max_limit=MAX_PAGE)
def list_controls(request: HttpRequest, org: str, filters: Query[ControlQuery]) -> QuerySet[Control]:
    """By reference, filtered by text, status, kind and owner; paginated (`limit` up to 500, `offset`)."""
    m = org_access(request, org, "control.view")
    return selectors_controls.controls(m.organization, filters.to_filter())


@router.post("/{org}/controls/", response={201: ControlOut, **ERRORS}, summary="Add a control",
             operation_id="accord_compliance_api_create_control")
def create_control(request: HttpRequest, org: str, payload: ControlCreate) -> Status[Control]:
    """Numbered C-001, C-002, … in the organisation. Link it to risks and requirements with `links/`."""
    m = org_access(request, org, "control.change")
    control = services_controls.do_create_control(m.user, m.organization, input_data(payload))
    return Status(201, _counted(m, control.pk))


@router.get("/{org}/controls/cost-effectiveness/", response={200: CostEffectivenessOut, **SIMULATION_ERRORS},
            summary="The cost-effectiveness table", operation_id="accord_compliance_api_cost_effectiveness")
@api_read("control.view")
def cost_effectiveness(request: HttpRequest, org: str) -> dict[str, Any]:
    """Every control with its yearly cost, the money risk it takes off a year and its return on security
    investment, ranked (docs/controls.md). Never waits for the simulation: a worker computes it, and `figures`
    says pending until it has (the money fields are null meanwhile)."""
    m = org_access(request, org, "control.view")
    table = selectors_controls.effectiveness(m.organization)
    rows = [{**_money(row, table.currency), "id": row.control.pk, "ref": row.control.ref, "name": row.control.name,
             "status": row.control.status} for row in table.rows]
    return {"figures": table.figures, "currency": table.currency, "years": table.years,
            "inherent_ale": table.inherent_ale, "residual_ale": table.residual_ale, "day_rate": table.day_rate,
            "controls": rows}


@router.get("/{org}/controls/{control_id}/", response={200: ControlDetailOut, **SIMULATION_ERRORS},
            summary="One control", operation_id="accord_compliance_api_get_control")
def get_control(request: HttpRequest, org: str, control_id: ControlKey) -> Control:
    """The control, its links (risks with its effect on each, requirements) and its money (`money`)."""
    m = org_access(request, org, "control.view")
    control = _counted(m, control_id)
    table = selectors_controls.effectiveness(m.organization, only=control)
    row = table.of(control)
    if row is None:  # pragma: no cover - `only` keeps the control itself
        raise Http404("No such control.")
    control.links = _links(m, control)  # type: ignore[attr-defined]  # read by ControlDetailOut
    control.money = _money(row, table.currency)  # type: ignore[attr-defined]
    control.figures = table.figures  # type: ignore[attr-defined]
    return control


@router.patch("/{org}/controls/{control_id}/", response={200: ControlOut, **ERRORS},
              summary="Change some of a control's fields", operation_id="accord_compliance_api_update_control")
def update_control(request: HttpRequest, org: str, control_id: ControlKey, payload: ControlPatch) -> Control:
    """Only the fields sent; `status: retired` retires it (controls are never deleted)."""
    m = org_access(request, org, "control.change")
    control = selectors_controls.access_control(m.organization, control_id)
    services_controls.do_update_control(m.user, m.organization, control, input_data(payload))
    return _counted(m, control.pk)


@router.get("/{org}/controls/{control_id}/links/", response={200: list[LinkOut], **ERRORS},
            summary="A control's links", operation_id="accord_compliance_api_list_control_links")
def list_control_links(request: HttpRequest, org: str, control_id: ControlKey) -> list[dict[str, Any]]:
    """Its risks by reference (with its effect on each), then its requirements by framework and position."""
    m = org_access(request, org, "control.view")
    return _links(m, selectors_controls.access_control(m.organization, control_id))


def _risk_named(m: Membership, ref: str) -> Any:
    try:
        return risk_selectors.access_risk(m.organization, ref)
    except Http404:
        raise ValidationError({"risk": f"'{ref}' is not a risk of this organisation (give its reference, such as "
                                       "R-001, or its id)."}) from None


@router.post("/{org}/controls/{control_id}/links/", response={200: LinkOut, 201: LinkOut, **ERRORS},
             summary="Link a control to a risk or a requirement",
             operation_id="accord_compliance_api_add_control_link")
def add_control_link(request: HttpRequest, org: str, control_id: ControlKey, payload: LinkIn) -> Status[dict[str, Any]]:
    """201 with the new link; 200 when the control was linked to it already (a risk link's effect is then
    changed to the one sent)."""
    m = org_access(request, org, "control.change")
    control = selectors_controls.access_control(m.organization, control_id)
    sent = payload.model_dump(exclude_unset=True)
    if payload.risk is not None:
        beside = sorted(set(sent) & {"framework", "requirement"})
        if beside:
            raise ValidationError(dict.fromkeys(beside, "A link is to a risk or to a requirement, not both."))
        risk = _risk_named(m, payload.risk)
        existed = selectors_controls.risk_links(m.organization, control).filter(risk=risk).exists()
        link = services_controls.do_link_control_risk(
            m.user, m.organization, control, risk, frequency_reduction=payload.frequency_reduction,
            loss_reduction=payload.loss_reduction)
        return Status(200 if existed else 201, _risk_link(link))
    if payload.framework is None or payload.requirement is None:
        missing = [name for name in ("framework", "requirement") if getattr(payload, name) is None]
        if len(missing) == 2:
            raise ValidationError({"risk": "Give a risk (`risk`), or a requirement (`framework` and `requirement`)."})
        raise ValidationError(dict.fromkeys(missing, "A requirement link needs both `framework` and `requirement`."))
    effects = sorted(set(sent) & {"frequency_reduction", "loss_reduction"})
    if effects:
        raise ValidationError(dict.fromkeys(effects, "An effect belongs to a risk link; a requirement has none."))
    requirement = selectors_controls.find_requirement(m.organization, payload.framework, payload.requirement)
    existed = selectors_controls.requirement_links(m.organization, control).filter(requirement=requirement).exists()
    made = services_controls.do_link_control_requirement(m.user, m.organization, control, requirement)
    return Status(200 if existed else 201, _requirement_link(made))


@router.delete("/{org}/controls/{control_id}/links/{link_id}", response={204: None, **ERRORS},
               summary="Remove a control's link (the control, the risk and the requirement stay)",
               operation_id="accord_compliance_api_remove_control_link")
def remove_control_link(request: HttpRequest, org: str, control_id: ControlKey, link_id: LinkKey) -> Status[None]:
    m = org_access(request, org, "control.change")
    control = selectors_controls.access_control(m.organization, control_id)
    kind, _, number = link_id.partition("-")
    if not number.isdigit() or int(number) > INT64_MAX:
        raise Http404("No such link.")
    if kind == "risk":
        services_controls.do_unlink_control_risk(
            m.user, m.organization, selectors_controls.access_risk_link(m.organization, control, int(number)))
    else:
        services_controls.do_unlink_control_requirement(
            m.user, m.organization, selectors_controls.access_requirement_link(m.organization, control, int(number)))
    return Status(204, None)
