"""Writes of the portfolio, each in one transaction with its audit events: initiatives (create, change,
advance through the phase rule), yearly budgets, security reviews (open, complete with conditions),
conditions, co-signed gate exceptions, the portfolio settings and a leaving member's holdings.

Input uses the API's names: members by e-mail address, dependencies and risks by id; every bad field is
reported at once, naming the field, the value and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accord.core import audit
from accord.core.approvals import services as approvals
from accord.core.approvals.rules import labels, unfillable
from accord.core.choices import AuditAction
from accord.core.clock import org_today
from accord.core.conflict import Conflict
from accord.core.models import AuditChain, GovernanceProfile, Membership, Organization, User
from accord.core.notifications.services import notify
from accord.core.tenancy import check_same_org
from accord.core.workdays import WorkCalendar
from accord.portfolio import rules, selectors
from accord.portfolio.choices import (
    ConditionStatus,
    ExceptionStatus,
    Gate,
    Health,
    InitiativeKind,
    Outcome,
    Phase,
)
from accord.portfolio.models import (
    MAX_HORIZON_YEARS,
    ExceptionSignature,
    GateException,
    Initiative,
    InitiativeBudget,
    InitiativeDependency,
    InitiativeRisk,
    InitiativeSystem,
    PortfolioSettings,
    ReviewCondition,
    SecurityReview,
    System,
)
from accord.portfolio.notifications import EXCEPTION_SIGNATURE, REVIEW_REQUESTED
from accord.risks.models import Risk

#: The input names of an initiative (API, forms), in the API's order.
INITIATIVE_FIELDS = ("title", "description", "kind", "sponsor", "owner", "phase", "planned_start", "planned_end",
                     "actual_start", "actual_end", "health", "health_reason", "benefit_low", "benefit_high",
                     "horizon_years", "dependencies", "risks", "systems")
#: The many-to-many links of an initiative, given and audited as lists of ids.
LINKS = ("dependencies", "risks", "systems")
#: The model fields the audit trail records of an initiative (the links as lists of ids besides).
AUDITED = ("title", "description", "kind", "sponsor", "owner", "phase", "planned_start", "planned_end",
           "actual_start", "actual_end", "health", "health_reason", "benefit_low", "benefit_high", "horizon_years")
#: Phases an initiative may be created in: before any gate (later phases are reached through the rule).
START_PHASES = (Phase.IDEA, Phase.PROPOSED)
MAX_MONEY = 10**15
ANSWERS = ("yes", "no", "n/a")


def lock_org(org: Organization) -> None:
    """Serialise writers of `org` (the audit chain head is the organisation's lock)."""
    AuditChain.objects.for_org(org).select_for_update().get()


# --- parsing ---------------------------------------------------------------------------------------

class _Cleaner:
    def __init__(self, org: Organization) -> None:
        self.org = org
        self.errors: dict[str, str] = {}

    def text(self, name: str, value: Any, *, required: bool = False, limit: int | None = None) -> str:
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.errors[name] = "This field is required."
        elif limit is not None and len(text) > limit:
            self.errors[name] = f"At most {limit} characters (this one has {len(text)})."
        return text

    def choice(self, name: str, value: Any, choices: Any) -> str:
        if value in choices.values:
            return str(value)
        self.errors[name] = f"'{value}' is not allowed; use one of: {', '.join(choices.values)}."
        return ""

    def date(self, name: str, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.errors[name] = f"'{value}' is not a date; write it as YYYY-MM-DD."
            return None

    def integer(self, name: str, value: Any, *, low: int, high: int, optional: bool = True) -> int | None:
        if value in (None, "") and optional:
            return None
        try:
            number = int(str(value).strip()) if not isinstance(value, int) else value
        except ValueError:
            self.errors[name] = f"'{value}' is not a whole number."
            return None
        if not low <= number <= high:
            self.errors[name] = f"{number} is out of range: {low} to {high}."
            return None
        return number

    def member(self, name: str, value: Any) -> Membership | None:
        if value in (None, ""):
            return None
        found = Membership.objects.for_org(self.org).filter(user__email__iexact=str(value).strip()).first()
        if found is None:
            self.errors[name] = f"'{value}' is not the e-mail address of a member of {self.org.name}."
        return found

    def objects(self, name: str, value: Any, model: Any, noun: str) -> list[Any]:
        """The objects of the organisation whose ids `value` lists, naming any id that is not one."""
        wanted = self.ids(name, value)
        found = {obj.pk: obj for obj in model.objects.for_org(self.org).filter(pk__in=wanted)}
        missing = [str(i) for i in wanted if i not in found]
        if missing:
            self.errors[name] = f"No {noun} of {self.org.name} has the id {', '.join(missing)}."
        return list(found.values())

    def ids(self, name: str, value: Any) -> list[int]:
        if value in (None, ""):
            return []
        if not isinstance(value, (list, tuple)):
            value = [v for v in str(value).replace(";", ",").split(",") if v.strip()]
        out = []
        for item in value:
            number = self.integer(name, item, low=1, high=2**63 - 1, optional=False)
            if number is not None:
                out.append(number)
        return out


def clean_initiative_input(org: Organization, data: Mapping[str, Any], *,
                           current: Initiative | None = None) -> dict[str, Any]:
    """Check an initiative's input (every field given; on creation the required ones) and return the model
    values, with `dependencies`, `risks` and `systems` as lists of objects of `org` (an id of another
    organisation's object is refused like a missing one, naming it)."""
    unknown = sorted(set(data) - set(INITIATIVE_FIELDS))
    if unknown:
        raise ValidationError({name: f"Unknown field; use: {', '.join(INITIATIVE_FIELDS)}." for name in unknown})
    c = _Cleaner(org)
    out: dict[str, Any] = {}
    creating = current is None
    for name in ("title", "kind") if creating else ():
        if name not in data:
            c.errors[name] = "This field is required."
    for name, value in data.items():
        match name:
            case "title":
                out[name] = c.text(name, value, required=True, limit=200)
            case "description" | "health_reason":
                out[name] = c.text(name, value, limit=10_000)
            case "kind":
                out[name] = c.choice(name, value, InitiativeKind)
            case "health":
                out[name] = c.choice(name, value or Health.ON_TRACK, Health)
            case "phase":
                if current is not None:
                    if value != current.phase:
                        c.errors[name] = ("The phase moves only through advance (POST initiatives/{id}/advance), "
                                          "which applies the security gates.")
                    continue
                phase = c.choice(name, value or Phase.IDEA, Phase)
                if phase and phase not in START_PHASES:
                    c.errors[name] = (f"A new initiative starts as idea or proposed, not {phase}; later phases are "
                                      "reached with advance, through the security gates.")
                out[name] = phase
            case "sponsor" | "owner":
                out[name] = c.member(name, value)
            case "planned_start" | "planned_end" | "actual_start" | "actual_end":
                out[name] = c.date(name, value)
            case "benefit_low" | "benefit_high":
                out[name] = c.integer(name, value, low=0, high=MAX_MONEY)
            case "horizon_years":
                out[name] = c.integer(name, value if value not in (None, "") else 5, low=1, high=MAX_HORIZON_YEARS)
            case "dependencies":
                out[name] = c.objects(name, value, Initiative, "initiative")
                if current is not None and current.pk in {i.pk for i in out[name]}:
                    c.errors[name] = "An initiative cannot depend on itself."
            case "risks":
                out[name] = c.objects(name, value, Risk, "risk")
            case "systems":
                out[name] = c.objects(name, value, System, "system")
    low = out.get("benefit_low", current.benefit_low if current else None)
    high = out.get("benefit_high", current.benefit_high if current else None)
    if (low is None) != (high is None) and "benefit_low" not in c.errors and "benefit_high" not in c.errors:
        c.errors["benefit_high" if high is None else "benefit_low"] = (
            "Give both ends of the yearly benefit's 90% range (low and high), or neither.")
    elif low is not None and high is not None and low > high:
        c.errors["benefit_high"] = f"The high end ({high}) must not be below the low end ({low})."
    for start, end in (("planned_start", "planned_end"), ("actual_start", "actual_end")):
        a = out.get(start, getattr(current, start, None))
        b = out.get(end, getattr(current, end, None))
        if a and b and b < a and end not in c.errors:
            c.errors[end] = f"{end.replace('_', ' ').capitalize()} ({b}) is before the start ({a})."
    if c.errors:
        raise ValidationError(c.errors)
    return out


def _links(initiative: Initiative) -> dict[str, list[int]]:
    return {name: sorted(getattr(initiative, name).values_list("pk", flat=True)) for name in LINKS}


def _set_links(org: Organization, initiative: Initiative, values: Mapping[str, Any]) -> None:
    if "dependencies" in values:
        InitiativeDependency.objects.for_org(org).filter(initiative=initiative).delete()
        InitiativeDependency.objects.for_org(org).bulk_create([
            InitiativeDependency(organization=org, initiative=initiative, depends_on=d)
            for d in values["dependencies"]])
    if "risks" in values:
        InitiativeRisk.objects.for_org(org).filter(initiative=initiative).delete()
        InitiativeRisk.objects.for_org(org).bulk_create([
            InitiativeRisk(organization=org, initiative=initiative, risk=r) for r in values["risks"]])
    if "systems" in values:
        InitiativeSystem.objects.for_org(org).filter(initiative=initiative).delete()
        InitiativeSystem.objects.for_org(org).bulk_create([
            InitiativeSystem(organization=org, initiative=initiative, system=s) for s in values["systems"]])


# --- initiatives ------------------------------------------------------------------------------------

@transaction.atomic
def do_create_initiative(actor: User | None, org: Organization, data: Mapping[str, Any]) -> Initiative:
    """Add an initiative (in the idea or proposed phase); one audit event."""
    lock_org(org)
    values = clean_initiative_input(org, data)
    links = {k: values.pop(k) for k in LINKS if k in values}
    number = (Initiative.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    initiative = Initiative.objects.for_org(org).create(organization=org, number=number, **values)
    _set_links(org, initiative, links)
    changes = audit.diff({}, audit.snapshot(initiative, AUDITED))
    changes.update({k: [None, v] for k, v in _links(initiative).items() if v})
    audit.record(org, actor, AuditAction.CREATE, initiative, changes=changes, object_repr=str(initiative)[:200])
    return initiative


@transaction.atomic
def do_update_initiative(actor: User | None, org: Organization, initiative: Initiative,
                         data: Mapping[str, Any]) -> Initiative:
    """Change some fields of an initiative (not its phase: `do_advance_initiative`); one audit event when
    anything changed."""
    check_same_org(org, initiative=initiative)
    lock_org(org)
    initiative = Initiative.objects.for_org(org).get(pk=initiative.pk)
    values = clean_initiative_input(org, data, current=initiative)
    before = {**audit.snapshot(initiative, AUDITED), **_links(initiative)}
    links = {k: values.pop(k) for k in LINKS if k in values}
    for name, value in values.items():
        setattr(initiative, name, value)
    _set_links(org, initiative, links)
    after = {**audit.snapshot(initiative, AUDITED), **_links(initiative)}
    changes = audit.diff(before, after)
    if changes:
        initiative.updated_at = timezone.now()
        initiative.save(update_fields=[*values, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, initiative, changes=changes, object_repr=str(initiative)[:200])
    return initiative


@transaction.atomic
def do_advance_initiative(actor: User | None, org: Organization, initiative: Initiative, *, to: str) -> Initiative:
    """Move an initiative to phase `to` under the phase rule (`rules.refusal`): a gated move needs the
    gate's review completed as approved (with or without conditions) or a co-signed exception in force;
    the refusal (409) names the missing review. Entering delivery records the actual start, going live
    the actual end, when they are empty."""
    check_same_org(org, initiative=initiative)
    lock_org(org)
    initiative = Initiative.objects.for_org(org).get(pk=initiative.pk)
    settings = selectors.portfolio_settings(org)
    facts = selectors.review_facts(SecurityReview.objects.for_org(org).filter(initiative=initiative))
    gate = rules.gate_of(initiative.phase, to)
    in_force = gate is not None and GateException.objects.for_org(org).filter(
        initiative=initiative, gate=gate, status=ExceptionStatus.IN_FORCE).exists()
    problem = rules.refusal(initiative.phase, to, initiative.kind, settings.gated_kinds, facts,
                            exception_in_force=in_force)
    if problem is not None:
        if to not in Phase.values:
            raise ValidationError({"to": problem})
        raise Conflict({"to": problem})
    before = audit.snapshot(initiative, ("phase", "actual_start", "actual_end"))
    initiative.phase = to
    today = org_today(org)
    if to == Phase.IN_DELIVERY and initiative.actual_start is None:
        initiative.actual_start = today
    if to == Phase.LIVE and initiative.actual_end is None:
        initiative.actual_end = today
    initiative.updated_at = timezone.now()
    initiative.save(update_fields=["phase", "actual_start", "actual_end", "updated_at"])
    changes = audit.diff(before, audit.snapshot(initiative, ("phase", "actual_start", "actual_end")))
    if in_force and gate is not None and not rules.gate_open(gate, facts, exception_in_force=False):
        changes["gate_exception"] = [None, gate]
    audit.record(org, actor, AuditAction.UPDATE, initiative, changes=changes, object_repr=str(initiative)[:200])
    return initiative


@transaction.atomic
def do_set_initiative_budget(actor: User | None, org: Organization, initiative: Initiative, *, year: int,
                             capex: int, opex: int) -> InitiativeBudget:
    """Set what `initiative` costs in `year` (capex and opex, minor units); one audit event."""
    check_same_org(org, initiative=initiative)
    errors = {}
    if not 1990 <= year <= 2200:
        errors["year"] = f"{year} is out of range: 1990 to 2200."
    for name, value in (("capex", capex), ("opex", opex)):
        if not 0 <= value <= MAX_MONEY:
            errors[name] = f"{value} is out of range: 0 to {MAX_MONEY} (minor units)."
    if errors:
        raise ValidationError(errors)
    lock_org(org)
    line = InitiativeBudget.objects.for_org(org).filter(initiative=initiative, year=year).first()
    if line is None:
        line = InitiativeBudget.objects.for_org(org).create(organization=org, initiative=initiative, year=year,
                                                            capex=capex, opex=opex)
        audit.record(org, actor, AuditAction.CREATE, line, changes={
            "initiative": [None, initiative.pk], "year": [None, year], "capex": [None, capex], "opex": [None, opex]})
        return line
    before = audit.snapshot(line, ("capex", "opex"))
    line.capex, line.opex = capex, opex
    line.save(update_fields=["capex", "opex"])
    changes = audit.diff(before, audit.snapshot(line, ("capex", "opex")))
    audit.record(org, actor, AuditAction.UPDATE, line, changes=changes)
    return line


# --- security reviews -------------------------------------------------------------------------------

def _default_reviewer(org: Organization, profile: GovernanceProfile) -> Membership | None:
    for member in Membership.objects.for_org(org).select_related("user").order_by("pk"):
        if rules.may_complete_review(profile, member):
            return member
    return None


@transaction.atomic
def do_open_review(actor: User | None, org: Organization, initiative: Initiative, *,
                   reviewer: str | None = None, opened_on: dt.date | None = None) -> SecurityReview:
    """Open the security review of the gate ahead of `initiative` (approval while proposed, go-live while in
    delivery), due the organisation's target in working days from today (or from `opened_on`, a past date:
    a review recorded late, as the demo's overdue one); the reviewer is the member named (by e-mail) or the
    first who may complete reviews under the governance profile."""
    check_same_org(org, initiative=initiative)
    lock_org(org)
    initiative = Initiative.objects.for_org(org).get(pk=initiative.pk)
    settings = selectors.portfolio_settings(org)
    gate = rules.current_gate(initiative.phase, initiative.kind, settings.gated_kinds)
    if gate is None:
        raise Conflict({"initiative": (
            f"{initiative.ref} is {Phase(initiative.phase).label.lower()}"
            + ("" if initiative.kind in settings.gated_kinds else f" and its kind ({initiative.kind}) is not gated")
            + "; a security review is opened while an initiative of a gated kind is proposed (approval gate) or in "
              "delivery (go-live gate).")})
    if SecurityReview.objects.for_org(org).filter(initiative=initiative, gate=gate, completed_at__isnull=True).exists():
        raise Conflict({"initiative": f"The {Gate(gate).label.lower()} review of {initiative.ref} is already open."})
    profile = GovernanceProfile.objects.for_org(org).get()
    member = None
    if reviewer:
        c = _Cleaner(org)
        member = c.member("reviewer", reviewer)
        if c.errors:
            raise ValidationError(c.errors)
        if member is not None and not rules.may_complete_review(profile, member):
            raise ValidationError({"reviewer": f"{reviewer} cannot complete security reviews; the "
                                               f"{rules.reviewer_label(profile)} does."})
    member = member or _default_reviewer(org, profile)
    today = org_today(org)
    if opened_on is not None and opened_on > today:
        raise ValidationError({"opened_on": f"A review cannot be opened in the future ({opened_on} is after {today})."})
    due_on = rules.add_working_days(opened_on or today, settings.review_target_days, WorkCalendar.of(org))
    review = SecurityReview.objects.for_org(org).create(
        organization=org, initiative=initiative, gate=gate, opened_by=actor, due_on=due_on, reviewer=member,
        opened_at=timezone.now() if opened_on is None else dt.datetime.combine(opened_on, dt.time(9), dt.UTC),
        checklist=[list(item) for item in settings.checklist])
    audit.record(org, actor, AuditAction.CREATE, review, object_repr=f"{Gate(gate).label} review of {initiative.ref}",
                 changes={"initiative": [None, initiative.pk], "gate": [None, gate],
                          "due_on": [None, due_on.isoformat()], "reviewer": [None, member.pk if member else None]})
    notify(org, REVIEW_REQUESTED, review, actor=actor)
    return review


def _clean_conditions(org: Organization, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    c = _Cleaner(org)
    out = []
    for n, item in enumerate(items):
        unknown = sorted(set(item) - {"title", "due_on", "owner"})
        if unknown:
            c.errors[f"conditions.{n}"] = f"Unknown field {', '.join(unknown)}; a condition has title, due_on, owner."
            continue
        out.append({"title": c.text(f"conditions.{n}.title", item.get("title"), required=True, limit=200),
                    "due_on": c.date(f"conditions.{n}.due_on", item.get("due_on")),
                    "owner": c.member(f"conditions.{n}.owner", item.get("owner"))})
    if c.errors:
        raise ValidationError(c.errors)
    return out


@transaction.atomic
def do_complete_review(actor: User, org: Organization, review: SecurityReview, *, outcome: str, reasons: str = "",
                       answers: Mapping[str, str] | None = None,
                       conditions: Sequence[Mapping[str, Any]] = ()) -> SecurityReview:
    """Complete an open review with its outcome: approved, approved with conditions (each condition an open
    action with an owner and a due date), or rejected (with reasons). Only the member the governance profile
    names completes it (the CISO, or the hybrid CIO-CISO): PermissionDenied otherwise."""
    check_same_org(org, review=review)
    lock_org(org)
    review = SecurityReview.objects.for_org(org).select_related("initiative").get(pk=review.pk)
    profile = GovernanceProfile.objects.for_org(org).get()
    membership = Membership.objects.for_org(org).filter(user=actor).first()
    if membership is None or not rules.may_complete_review(profile, membership):
        raise PermissionDenied(f"Only the {rules.reviewer_label(profile)} completes security reviews in {org.name}.")
    if review.is_complete:
        raise Conflict({"review": "This review is already complete; open a new review of the gate to decide again."})
    errors: dict[str, str] = {}
    if outcome not in Outcome.values:
        errors["outcome"] = f"'{outcome}' is not an outcome; use one of: {', '.join(Outcome.values)}."
    reasons = (reasons or "").strip()
    if outcome == Outcome.REJECTED and not reasons:
        errors["reasons"] = "Say why the initiative is rejected; the initiative's team reads it."
    if outcome == Outcome.APPROVED_WITH_CONDITIONS and not conditions:
        errors["conditions"] = "An approval with conditions names at least one condition (title, due date)."
    if outcome != Outcome.APPROVED_WITH_CONDITIONS and conditions:
        errors["conditions"] = "Only an approval with conditions takes conditions."
    keys = [item[0] for item in review.checklist]
    given = dict(answers or {})
    for key, value in given.items():
        if key not in keys:
            errors[f"answers.{key}"] = f"Not a question of this review's checklist; its keys are {', '.join(keys)}."
        elif value not in ANSWERS:
            errors[f"answers.{key}"] = f"'{value}' is not an answer; use one of: {', '.join(ANSWERS)}."
    if errors:
        raise ValidationError(errors)
    cleaned = _clean_conditions(org, conditions)
    review.outcome, review.reasons, review.answers = outcome, reasons, given
    review.completed_at, review.completed_by = timezone.now(), actor
    review.save(update_fields=["outcome", "reasons", "answers", "completed_at", "completed_by"])
    audit.record(org, actor, AuditAction.UPDATE, review,
                 object_repr=f"{review.get_gate_display()} review of {review.initiative.ref}",
                 changes={"outcome": [None, outcome], "reasons": [None, reasons], "answers": [None, given],
                          "completed_by": [None, actor.pk]})
    for item in cleaned:
        condition = ReviewCondition.objects.for_org(org).create(organization=org, review=review, **item)
        audit.record(org, actor, AuditAction.CREATE, condition, object_repr=condition.title[:200], changes={
            "review": [None, review.pk], "title": [None, condition.title],
            "due_on": [None, condition.due_on.isoformat() if condition.due_on else None],
            "owner": [None, condition.owner_id]})
    return review


@transaction.atomic
def do_close_condition(actor: User | None, org: Organization, condition: ReviewCondition) -> ReviewCondition:
    """Mark an open condition of a review done; one audit event."""
    check_same_org(org, condition=condition)
    lock_org(org)
    condition = ReviewCondition.objects.for_org(org).get(pk=condition.pk)
    if condition.status == ConditionStatus.DONE:
        raise Conflict({"condition": f"'{condition.title}' is already done."})
    condition.status, condition.done_at = ConditionStatus.DONE, timezone.now()
    condition.save(update_fields=["status", "done_at"])
    audit.record(org, actor, AuditAction.UPDATE, condition, object_repr=condition.title[:200],
                 changes={"status": [ConditionStatus.OPEN, ConditionStatus.DONE]})
    return condition


# --- gate exceptions --------------------------------------------------------------------------------

@transaction.atomic
def do_request_gate_exception(actor: User | None, org: Organization, initiative: Initiative, *,
                              reasons: str) -> GateException:
    """Ask to move `initiative` past its gate without a completed review, with reasons. It needs the
    signatures a risk acceptance above tolerance needs under the governance profile and is in force only
    once all are in; a requester who is one of the signatories signs in the same step."""
    check_same_org(org, initiative=initiative)
    lock_org(org)
    initiative = Initiative.objects.for_org(org).get(pk=initiative.pk)
    settings = selectors.portfolio_settings(org)
    gate = rules.current_gate(initiative.phase, initiative.kind, settings.gated_kinds)
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError({"reasons": "Say why the initiative moves past its gate without a review."})
    if gate is None:
        raise Conflict({"initiative": f"{initiative.ref} has no security gate ahead to make an exception for."})
    if GateException.objects.for_org(org).filter(initiative=initiative, gate=gate).exclude(
            status=ExceptionStatus.WITHDRAWN).exists():
        raise Conflict({"initiative": f"{initiative.ref} already has a {Gate(gate).label.lower()} gate exception."})
    profile = GovernanceProfile.objects.for_org(org).get()
    required = rules.exception_slots(profile)
    missing = unfillable(required, Membership.objects.for_org(org))
    if missing:
        raise Conflict({"initiative": (f"A gate exception needs the signature of the "
                                       f"{' and the '.join(labels(missing))}, and no member of {org.name} "
                                       "can sign as that; invite one first.")})
    exception = GateException.objects.for_org(org).create(organization=org, initiative=initiative, gate=gate,
                                                          reasons=reasons, required_signatories=required,
                                                          created_by=actor)
    audit.record(org, actor, AuditAction.CREATE, exception,
                 object_repr=f"{Gate(gate).label} exception of {initiative.ref}",
                 changes={"initiative": [None, initiative.pk], "gate": [None, gate], "reasons": [None, reasons],
                          "required_signatories": [None, required]})
    if actor is not None:
        membership = Membership.objects.for_org(org).filter(user=actor).first()
        state = selectors.exception_signature_state(org, exception, profile=profile)
        if membership is not None and state.can_sign(membership):
            exception = do_sign_gate_exception(actor, org, exception)
    if exception.status == ExceptionStatus.PENDING:  # the signatures still awaited: their people are told
        notify(org, EXCEPTION_SIGNATURE, exception, actor=actor)
    return exception


@transaction.atomic
def do_sign_gate_exception(actor: User, org: Organization, exception: GateException) -> GateException:
    """Sign a pending gate exception in the actor's slot; the last required signature puts it in force."""
    check_same_org(org, exception=exception)
    lock_org(org)
    exception = GateException.objects.for_org(org).select_related("initiative").get(pk=exception.pk)
    if exception.status != ExceptionStatus.PENDING:
        raise Conflict({"exception": f"This gate exception is {exception.get_status_display().lower()}; only one "
                                     "awaiting signatures can be signed."})
    profile = GovernanceProfile.objects.for_org(org).get()
    required = selectors.exception_required_slots(exception, profile)
    signature = approvals.add_signature(actor, org, exception, ExceptionSignature, to="exception", required=required,
                                        what=f"The gate exception of {exception.initiative.ref}")
    changes: dict[str, list[object]] = {"slot": [None, signature.slot]}
    if not selectors.exception_signature_state(org, exception, profile=profile).awaiting:
        exception.status, exception.in_force_at = ExceptionStatus.IN_FORCE, timezone.now()
        exception.required_signatories = required
        exception.save(update_fields=["status", "in_force_at", "required_signatories"])
        changes["status"] = [ExceptionStatus.PENDING, ExceptionStatus.IN_FORCE]
    audit.record(org, actor, AuditAction.SIGN, exception, changes=changes,
                 object_repr=f"Gate exception of {exception.initiative.ref} signed")
    return exception


@transaction.atomic
def do_withdraw_gate_exception(actor: User | None, org: Organization, exception: GateException, *,
                               reason: str = "") -> GateException:
    """Withdraw a gate exception still awaiting signatures, or in force before the initiative used it
    (`rules.may_withdraw_exception`); its signatures stay on the record. One audit event."""
    check_same_org(org, exception=exception)
    lock_org(org)
    exception = GateException.objects.for_org(org).select_related("initiative").get(pk=exception.pk)
    if not rules.may_withdraw_exception(exception.status, exception.gate, exception.initiative.phase):
        raise Conflict({"exception": (
            f"This gate exception is {exception.get_status_display().lower()}"
            + ("" if exception.status == ExceptionStatus.WITHDRAWN else
               f" and {exception.initiative.ref} has moved past its gate")
            + "; only one awaiting signatures, or in force before its initiative passed the gate, can be "
              "withdrawn.")})
    reason = (reason or "").strip()[:1000]
    before = exception.status
    exception.status = ExceptionStatus.WITHDRAWN
    exception.save(update_fields=["status"])
    changes: dict[str, list[object]] = {"status": [before, ExceptionStatus.WITHDRAWN]}
    if reason:
        changes["reason"] = [None, reason]
    audit.record(org, actor, AuditAction.UPDATE, exception, changes=changes,
                 object_repr=f"Gate exception of {exception.initiative.ref} withdrawn")
    return exception


# --- settings and handover --------------------------------------------------------------------------

@transaction.atomic
def do_change_portfolio_settings(actor: User | None, org: Organization, *, review_target_days: int | None = None,
                                 discount_rate: decimal.Decimal | str | None = None,
                                 gated_kinds: Sequence[str] | None = None,
                                 checklist: Sequence[Sequence[str]] | None = None) -> PortfolioSettings:
    """Change the portfolio settings (the row is written the first time); one audit event."""
    lock_org(org)
    settings = selectors.portfolio_settings(org)
    fields = ("review_target_days", "discount_rate", "gated_kinds", "checklist")
    before = audit.snapshot(settings, fields) if settings.pk else {}
    errors: dict[str, str] = {}
    if review_target_days is not None:
        if not 1 <= review_target_days <= 120:
            errors["review_target_days"] = f"{review_target_days} is out of range: 1 to 120 working days."
        settings.review_target_days = review_target_days
    if discount_rate is not None:
        try:
            rate = decimal.Decimal(str(discount_rate).strip().rstrip("%"))
            rate = rate / 100 if str(discount_rate).strip().endswith("%") else rate
        except decimal.InvalidOperation:
            rate = decimal.Decimal(-1)
        if not 0 <= rate <= 1:
            errors["discount_rate"] = f"'{discount_rate}' is not a rate from 0 to 1 (or 0% to 100%)."
        settings.discount_rate = rate.quantize(decimal.Decimal("0.0001")) if 0 <= rate <= 1 else rate
    if gated_kinds is not None:
        bad = [k for k in gated_kinds if k not in InitiativeKind.values]
        if bad:
            errors["gated_kinds"] = f"Not kinds: {', '.join(bad)}; use: {', '.join(InitiativeKind.values)}."
        settings.gated_kinds = sorted(set(gated_kinds))
    if checklist is not None:
        items = [[str(k).strip(), str(q).strip()] for k, q in checklist]
        if not items or any(not k or not q for k, q in items) or len({k for k, _q in items}) != len(items):
            errors["checklist"] = "Each checklist item needs a distinct key and a question; keep at least one."
        settings.checklist = items
    if errors:
        raise ValidationError(errors)
    settings.updated_at = timezone.now()
    if settings.pk:
        settings.save(update_fields=[*fields, "updated_at"])
    else:
        settings.save(force_insert=True)
    changes = audit.diff(before, audit.snapshot(settings, fields))
    audit.record(org, actor, AuditAction.UPDATE if before else AuditAction.CREATE, settings, changes=changes,
                 object_repr="Portfolio settings")
    return settings


@transaction.atomic
def do_hand_over_member_initiatives(actor: User | None, org: Organization, membership: Membership,
                                    reassign_to: Membership | None) -> int:
    """Give what `membership` holds in the portfolio (sponsor, owner, reviewer, condition owner) to
    `reassign_to` (None: nobody); one audit event per changed object. Returns how many changed."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    entries = []
    groups: list[tuple[Any, tuple[str, ...]]] = [
        (selectors.initiatives_held_by(org, membership), ("sponsor", "owner")),
        (SecurityReview.objects.for_org(org).filter(reviewer=membership), ("reviewer",)),
        (ReviewCondition.objects.for_org(org).filter(owner=membership), ("owner",)),
    ]
    for qs, people in groups:
        for obj in qs.select_for_update():
            before = audit.snapshot(obj, people)
            for name in people:
                if getattr(obj, f"{name}_id") == membership.pk:
                    setattr(obj, name, reassign_to)
            obj.save(update_fields=list(people))
            entries.append(audit.Entry(AuditAction.UPDATE, obj, audit.diff(before, audit.snapshot(obj, people)),
                                       str(obj)[:200]))
    if entries:
        audit.record_many(org, actor, entries)
    return len(entries)


