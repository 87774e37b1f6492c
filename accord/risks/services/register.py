"""Writes of the register itself: categories, the risk matrix, risks (imports: `imports.py`, archiving:
`archive.py`; a risk is never deleted).

Risk input uses the API's field names (`likelihood`, `impact`, `category` as a key, `owner` as a
member's e-mail). Every front passes what it received to `clean_risk_input`, which parses text
(imports) as well as typed values (API, forms) and reports every bad field at once.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accord.core import audit, inputs
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.fields import FieldSpec, Kind
from accord.core.models import AuditChain, Membership, Organization, User
from accord.core.tenancy import check_same_org
from accord.core.wording import too_long
from accord.risks import quantified, selectors
from accord.risks.budget import estimate_problem
from accord.risks.choices import DEFAULT_CATEGORIES, LEVEL_RANK, PRIVACY_CATEGORY, Level, RiskStatus
from accord.risks.fields import RISK
from accord.risks.models import MATRIX_SIZES, Risk, RiskCategory, RiskMatrix

#: The names of a risk's input (API, forms, imports) and the model fields the audit trail records,
#: both from the risk's field specification.
RISK_FIELDS = RISK.input_names
AUDITED_RISK_FIELDS = RISK.audited
#: Why "accepted" is refused as an input (decision 0021).
ACCEPTED_IS_DERIVED = ("'accepted' cannot be set: a risk reads accepted only while a signed acceptance of it is in "
                       "force; request an acceptance of the risk and have its signatories sign it.")
# An Open FAIR breakdown is a handful of distributions; anything this long is not one.
MAX_FAIR_CHARS = 10_000

DEFAULT_LIKELIHOOD = ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"]
DEFAULT_IMPACT = ["Negligible", "Minor", "Moderate", "Major", "Severe"]
# Classic 5×5: the level rises with likelihood × impact.
DEFAULT_LEVELS = [
    ["low", "low", "low", "medium", "medium"],
    ["low", "low", "medium", "medium", "high"],
    ["low", "medium", "medium", "high", "high"],
    ["medium", "medium", "high", "high", "critical"],
    ["medium", "high", "high", "critical", "critical"],
]


def lock_org(org: Organization) -> None:
    """Serialise writers of `org` (the audit chain head is the organisation's lock)."""
    AuditChain.objects.for_org(org).select_for_update().get()


def refuse_if_archived(risk: Risk, what: str) -> None:
    """Raise a `risk` field error when `risk` is archived: an archived risk is read-only until restored
    (services/archive.py)."""
    if risk.archived_at is not None:
        raise Conflict({"risk": _("%(risk)s is archived; restore it before you %(what)s.")
                        % {"risk": risk.ref, "what": what}})


# --- organisation defaults ------------------------------------------------------------------------

def on_organization_created(sender: Any, organization: Organization, actor: User | None, **kwargs: Any) -> None:
    """Give a new organisation the seven usual categories and the default 5×5 matrix."""
    for position, (key, name) in enumerate(DEFAULT_CATEGORIES):
        do_create_category(actor, organization, key=key, name=name, position=position,
                           is_privacy=key == PRIVACY_CATEGORY)
    do_change_matrix(actor, organization, likelihood_labels=DEFAULT_LIKELIHOOD, impact_labels=DEFAULT_IMPACT,
                     levels=DEFAULT_LEVELS)


# --- categories -------------------------------------------------------------------------------------

@transaction.atomic
def do_create_category(
    actor: User | None, org: Organization, *, key: str, name: str, position: int = 0, is_privacy: bool = False
) -> RiskCategory:
    """Add a risk category; its key is what imports, exports and the API use; `is_privacy`: its risks are
    about personal data (their acceptances need the DPO when the governance profile says so)."""
    category = RiskCategory(organization=org, key=key.strip().lower(), name=name.strip(), position=position,
                            is_privacy=is_privacy)
    category.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
    if RiskCategory.objects.for_org(org).filter(key=category.key).exists():
        raise Conflict({"key": _("A category with the key '%(key)s' already exists.") % {"key": category.key}})
    category.save()
    audit.record(org, actor, AuditAction.CREATE, category,
                 changes=audit.diff({}, audit.snapshot(category, ("key", "name", "position", "active", "is_privacy"))))
    return category


@transaction.atomic
def do_update_category(actor: User, org: Organization, category: RiskCategory, *, name: str | None = None,
                       position: int | None = None, active: bool | None = None,
                       is_privacy: bool | None = None) -> RiskCategory:
    """Rename, reorder or retire a category (a retired category keeps its risks), or mark it as privacy."""
    check_same_org(org, category=category)
    fields = ("name", "position", "active", "is_privacy")
    before = audit.snapshot(category, fields)
    if name is not None:
        category.name = name.strip()
    if position is not None:
        category.position = position
    if active is not None:
        category.active = active
    if is_privacy is not None:
        category.is_privacy = is_privacy
    category.full_clean(exclude=["organization"], validate_unique=False, validate_constraints=False)
    changes = audit.diff(before, audit.snapshot(category, fields))
    if changes:
        category.save(update_fields=list(changes))
        audit.record(org, actor, AuditAction.UPDATE, category, changes=changes)
    return category


# --- the matrix -----------------------------------------------------------------------------------

def _validate_matrix(likelihood_labels: Sequence[str], impact_labels: Sequence[str],
                     levels: Sequence[Sequence[str]]) -> None:
    errors: dict[str, str] = {}
    for name, labels in (("likelihood_labels", likelihood_labels), ("impact_labels", impact_labels)):
        if len(labels) not in MATRIX_SIZES or not all(isinstance(x, str) and x.strip() for x in labels):
            errors[name] = _("Give %(fewest)d to %(most)d non-empty labels, lowest first.") % {
                "fewest": MATRIX_SIZES[0], "most": MATRIX_SIZES[-1]}
    if not errors:
        allowed = set(Level.values)
        shape_ok = len(levels) == len(likelihood_labels) and all(len(row) == len(impact_labels) for row in levels)
        if not shape_ok:
            errors["levels"] = _("Give %(rows)d rows (likelihood) of %(columns)d levels (impact) each.") % {
                "rows": len(likelihood_labels), "columns": len(impact_labels)}
        elif bad := sorted({str(c) for row in levels for c in row} - allowed):
            errors["levels"] = _("Unknown level(s) %(bad)s; use %(levels)s.") % {
                "bad": ", ".join(bad), "levels": ", ".join(Level.values)}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_change_matrix(actor: User | None, org: Organization, *, likelihood_labels: Sequence[str],
                     impact_labels: Sequence[str], levels: Sequence[Sequence[str]]) -> RiskMatrix:
    """Make a new matrix version current and re-derive every risk's levels from it.

    The matrix cannot shrink below a likelihood or impact that a risk uses.
    """
    lock_org(org)
    _validate_matrix(likelihood_labels, impact_labels, levels)
    n_l, n_i = len(likelihood_labels), len(impact_labels)
    risks = Risk.objects.for_org(org)
    used = risks.aggregate(
        l1=Max("inherent_likelihood"), l2=Max("residual_likelihood"), i1=Max("inherent_impact"),
        i2=Max("residual_impact"),
    )
    if max(used["l1"] or 0, used["l2"] or 0) > n_l or max(used["i1"] or 0, used["i2"] or 0) > n_i:
        raise Conflict({"levels": _("Some risks use a likelihood or impact beyond the new matrix; "
                                    "re-score them first (archived risks count too: restore one to "
                                    "re-score it).")})
    previous = RiskMatrix.objects.for_org(org).filter(is_current=True).first()
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
    matrix = RiskMatrix.objects.for_org(org).create(
        organization=org, version=(previous.version + 1) if previous else 1,
        likelihood_labels=[s.strip() for s in likelihood_labels], impact_labels=[s.strip() for s in impact_labels],
        levels=[[str(c) for c in row] for row in levels], created_by=actor,
    )
    rescored = _rederive_levels(org, matrix, previous)
    audit.record(org, actor, AuditAction.CREATE, matrix, object_repr=f"Risk matrix v{matrix.version}",
                 changes={"likelihood_labels": [None, matrix.likelihood_labels],
                          "impact_labels": [None, matrix.impact_labels], "levels": [None, matrix.levels],
                          "risks_rescored": [None, len(rescored)]})
    # One event per re-scored risk, with its own level change, appended in one batch.
    audit.record_many(org, actor, rescored)
    return matrix


LEVEL_FIELDS = ("inherent_level", "residual_level")


def _rederive_levels(org: Organization, matrix: RiskMatrix, previous: RiskMatrix | None) -> list[audit.Entry]:
    """Re-derive every risk's levels from `matrix` (archived risks too, so a restored risk reads right) in
    bulk; the audit entries of the risks whose levels changed."""
    stale, entries = [], []
    versions = [previous.version if previous else None, matrix.version]
    for risk in Risk.objects.for_org(org).only(
        "id", "number", "title", "inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact",
        "inherent_level", "residual_level", "residual_rank",
    ).iterator(chunk_size=2000):
        before = audit.snapshot(risk, LEVEL_FIELDS)
        if _derive_levels(risk, matrix):
            stale.append(risk)
            changes: dict[str, Any] = {**audit.diff(before, audit.snapshot(risk, LEVEL_FIELDS)),
                                       "matrix_version": versions}
            entries.append(audit.Entry(AuditAction.UPDATE, risk, changes, str(risk)[:200]))
    Risk.objects.for_org(org).bulk_update(stale, ["inherent_level", "residual_level", "residual_rank"],
                                          batch_size=500)
    return entries


def _derive_levels(risk: Risk, matrix: RiskMatrix) -> bool:
    """Set the risk's levels from `matrix`; True if any changed."""
    inherent = matrix.level_of(risk.inherent_likelihood, risk.inherent_impact)
    residual = matrix.level_of(risk.residual_likelihood, risk.residual_impact)
    rank = LEVEL_RANK[Level(residual)]
    changed = (risk.inherent_level, risk.residual_level, risk.residual_rank) != (inherent, residual, rank)
    risk.inherent_level, risk.residual_level, risk.residual_rank = inherent, residual, rank
    return changed


# --- risks ------------------------------------------------------------------------------------------

class Lookups:
    """The organisation's categories and members, read once and shared by every row of an import."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self._members: dict[str, Membership] | None = None
        self._categories: dict[str, RiskCategory] | None = None

    @property
    def categories(self) -> dict[str, RiskCategory]:
        if self._categories is None:
            self._categories = {c.key: c for c in RiskCategory.objects.for_org(self.org)}
        return self._categories

    @property
    def members(self) -> dict[str, Membership]:
        if self._members is None:
            self._members = {m.user.email.lower(): m for m in Membership.objects.for_org(self.org)
                             .select_related("user")}
        return self._members


class _Parser:
    """Turns input values (typed, or text from a file) into model values, collecting errors."""

    def __init__(self, org: Organization, matrix: RiskMatrix, lookups: Lookups | None = None) -> None:
        self.org = org
        self.matrix = matrix
        self.errors: dict[str, str] = {}
        self.lookups = lookups or Lookups(org)

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def text(self, field: str, value: Any, *, required: bool = False, limit: int | None = None) -> str:
        text = "" if value is None else str(value).strip()
        if required and not text:
            self.fail(field, _("This field is required."))
        if limit and len(text) > limit:
            self.fail(field, too_long(limit, len(text)))
        return text

    def choice(self, field: str, value: Any, choices: type[Any]) -> str | None:
        text = "" if value is None else str(value).strip().lower()
        if text in choices.values:
            return text
        labels = {str(label).lower(): v for v, label in choices.choices}
        if text in labels:
            return str(labels[text])
        self.fail(field, _("'%(value)s' is not one of: %(choices)s.") % {"value": value,
                                                                          "choices": ", ".join(choices.values)})
        return None

    def scale(self, field: str, value: Any, size: int) -> int | None:
        try:
            number = int(str(value).strip())
            if str(value).strip() != str(number) and not isinstance(value, int):
                raise ValueError
        except (TypeError, ValueError):
            self.fail(field, _("'%(value)s' is not a whole number from 1 to %(size)d.")
                      % {"value": value, "size": size})
            return None
        if not 1 <= number <= size:
            self.fail(field, _("%(number)d is outside the matrix: use 1 to %(size)d.")
                      % {"number": number, "size": size})
            return None
        return number

    def date(self, field: str, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(field, _("'%(value)s' is not a date; use YYYY-MM-DD.") % {"value": value})
            return None

    def amount(self, field: str, value: Any, *, places: int, digits: int) -> decimal.Decimal | None:
        """A positive number that fits a column of `digits` digits, `places` of them decimals."""
        if value in (None, ""):
            return None
        try:
            number = decimal.Decimal(str(value).strip())
        except decimal.InvalidOperation:
            self.fail(field, _("'%(value)s' is not a number.") % {"value": value})
            return None
        if not number.is_finite() or number <= 0:
            self.fail(field, _("%(value)s must be a positive number.") % {"value": value})
            return None
        limit = decimal.Decimal(10) ** (digits - places)
        if number >= limit:
            self.fail(field, _("%(value)s is too large; the largest accepted is %(most)s.") % {
                "value": value, "most": number_format(limit - 1, force_grouping=True)})
            return None
        return round(number, places)

    def fraction(self, field: str, value: Any) -> decimal.Decimal | None:
        """A share in [0, 1], given as a number, as text ("0.25") or as a percentage ("25%")."""
        number, problem = inputs.share(value)
        if problem:
            self.fail(field, problem)
        return number

    def fair(self, field: str, value: Any) -> dict[str, Any] | None:
        """An Open FAIR breakdown: an object, or its JSON text (imports, forms), checked by the engine."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        data: Any = value
        if isinstance(value, str):
            if len(value) > MAX_FAIR_CHARS:
                self.fail(field, too_long(MAX_FAIR_CHARS, len(value)))
                return None
            try:
                data = json.loads(value)
            except json.JSONDecodeError as exc:
                self.fail(field, _("Not valid JSON: %(problem)s at line %(line)d, column %(column)d.") % {
                    "problem": exc.msg, "line": exc.lineno, "column": exc.colno})
                return None
            except ValueError:  # a number of more than 4,300 digits
                self.fail(field, _("fair: a number is too large (at most about 1e308)."))
                return None
        if not isinstance(data, Mapping):
            self.fail(field, _('Give an object such as %(example)s.') % {
                "example": '{"tef": {"pert": [1, 4, 12]}, "vulnerability": {"uniform": [0.1, 0.3]}, '
                           '"primary_loss": {"lognormal_ci90": [20000, 400000]}}'})
            return None
        problem = fair_problem(data)
        if problem:
            self.fail(field, problem)
            return None
        if len(json.dumps(data)) > MAX_FAIR_CHARS:
            self.fail(field, _("At most %(most)s characters of JSON.") % {
                "most": number_format(MAX_FAIR_CHARS, force_grouping=True)})
            return None
        return dict(data)

    def strings(self, field: str, value: Any) -> list[str]:
        if value in (None, ""):
            return []
        items = value if isinstance(value, list | tuple) else str(value).split(";")
        out = [str(x).strip() for x in items if str(x).strip()]
        if any(len(x) > 100 for x in out):
            self.fail(field, _("Each item may have at most 100 characters."))
        return out

    def category(self, field: str, value: Any) -> RiskCategory | None:
        known = self.lookups.categories
        key = "" if value is None else str(value).strip().lower()
        found = known.get(key) or next((c for c in known.values() if c.name.lower() == key), None)
        if found is None:
            self.fail(field, _("'%(value)s' is not a category of this organisation; use one of: %(keys)s.") % {
                "value": value, "keys": ", ".join(sorted(known))})
        return found

    def member(self, field: str, value: Any) -> Membership | None:
        if value in (None, ""):
            return None
        if isinstance(value, Membership):
            if value.organization_id == self.org.pk:
                return value
            self._no_member(field, value.pk)
            return None
        found = self.lookups.members.get(str(value).strip().lower())
        if found is None:
            self._no_member(field, value)
        return found

    def _no_member(self, field: str, value: Any) -> None:
        self.fail(field, _("'%(value)s' is not a member of this organisation.") % {"value": value})
        return None


def fair_problem(fair: Mapping[str, Any]) -> str | None:
    """What is wrong with an Open FAIR breakdown, as the engine says it (`fair.tef.pert: low 5 > mode 2`,
    `fair.tef.gamma: 1e+300 is above the limit of 100 ...`), or None: the engine's own check of a risk
    (`accord.quant.parse_risk`, its documented ranges), so the register stores exactly what it simulates."""
    from accord.quant import ScenarioError, parse_risk

    try:
        risk = parse_risk({"id": "risk", "fair": fair})
    except ScenarioError as exc:
        return f"{exc.path}: {exc.problem}" if exc.path.startswith("fair") else exc.problem
    problem = estimate_problem(risk, quantified.YEARS)  # what one simulation of the register may draw
    return f"fair: {problem}" if problem else None


def _parse(p: _Parser, spec: FieldSpec, value: Any, bounds: Mapping[str, int]) -> Any:
    """One input value as the model stores it, parsed by the field's kind (errors go to `p`)."""
    name = spec.name
    match spec.kind:
        case Kind.TEXT:
            field = RISK.model_field_of(spec)
            return p.text(name, value, required=spec.required, limit=getattr(field, "max_length", None))
        case Kind.CHOICE:
            assert spec.choices is not None  # noqa: S101 - ModelSpec checks it
            return p.choice(name, value or RISK.default(spec), spec.choices)
        case Kind.INTEGER:
            # An optional position left empty is filled in by `clean_risk_input` (residual = inherent).
            if not spec.required and value in (None, ""):
                return None
            return p.scale(name, value, bounds[spec.bound])
        case Kind.DATE:
            return p.date(name, value)
        case Kind.DECIMAL:
            column = RISK.model_field_of(spec)
            assert isinstance(column, models.DecimalField)  # noqa: S101 - an amount is stored as a decimal
            return p.amount(name, value, places=column.decimal_places, digits=column.max_digits)
        case Kind.SHARE:
            return p.fraction(name, value)
        case Kind.JSON:
            return p.fair(name, value)
        case Kind.LIST:
            return p.strings(name, value)
        case Kind.MEMBER:
            return p.member(name, value)
        case Kind.KEY:
            return p.category(name, value)
    raise NotImplementedError(f"risk input of kind {spec.kind}")  # pragma: no cover - a kind without a parser


def clean_risk_input(org: Organization, data: Mapping[str, Any], *, current: Risk | None = None,
                     matrix: RiskMatrix | None = None, lookups: Lookups | None = None) -> dict[str, Any]:
    """Validate `data` (all fields for a new risk, some for an update) and return model values.

    Raises ValidationError naming every bad field, with the input's field names.
    """
    matrix = matrix or _current_matrix(org)
    p = _Parser(org, matrix, lookups)
    unknown = sorted(set(data) - set(RISK_FIELDS))
    for name in unknown:
        p.fail(name, _("Unknown field; the fields are: %(fields)s.") % {"fields": ", ".join(RISK_FIELDS)})
    bounds = dict(zip(("likelihood", "impact"), matrix.size, strict=True))
    out: dict[str, Any] = {}
    creating = current is None
    for spec in RISK.inputs:
        if spec.name in data:
            out[spec.attr] = _parse(p, spec, data[spec.name], bounds)
        elif creating and spec.required:
            p.fail(spec.name, _("This field is required."))
    # A residual position left empty equals the inherent one.
    for res, inh in (("residual_likelihood", "inherent_likelihood"), ("residual_impact", "inherent_impact")):
        if res in out and out[res] is None:
            out[res] = out.get(inh) or (getattr(current, inh) if current else None)
        elif creating and res not in out:
            out[res] = out.get(inh)
    if out.get("status") == RiskStatus.ACCEPTED:
        p.fail("status", ACCEPTED_IS_DERIVED)
    _check_ranges(p, out, current)
    if p.errors:
        raise ValidationError(p.errors)
    return out


def _check_ranges(p: _Parser, out: dict[str, Any], current: Risk | None) -> None:
    def value(name: str) -> Any:
        return out[name] if name in out else (getattr(current, name) if current else None)

    for low, high, what in (("frequency_low", "frequency_high", _("events per year")),
                            ("loss_low", "loss_high", _("loss per event"))):
        lo, hi = value(low), value(high)
        if (lo is None) != (hi is None) and (low in out or high in out):
            p.fail(high if lo is not None else low, _("Give both ends of the 90%% range of %(what)s, or neither.")
                   % {"what": what})
        elif lo is not None and hi is not None and lo >= hi:
            p.fail(high, _("The 95th percentile of %(what)s (%(high)s) must be above the 5th (%(low)s).")
                   % {"what": what, "high": hi, "low": lo})
    ranges = [value(name) for name in ("frequency_low", "frequency_high", "loss_low", "loss_high")]
    if not p.errors and None not in ranges and any(name in out for name in ("frequency_low", "frequency_high",
                                                                          "loss_low", "loss_high")):
        # The engine's own check (its documented ranges: at most 1,000,000 events a year, a 95th
        # percentile at most 1e12 times the 5th, ...) decides what the register accepts.
        from accord.quant import ScenarioError, parse_risk

        try:
            risk = parse_risk({"id": "risk",
                               "frequency": {"lognormal_ci90": [float(ranges[0]), float(ranges[1])]},
                               "magnitude": {"lognormal_ci90": [float(ranges[2]), float(ranges[3])]}})
        except ScenarioError as exc:
            field = "frequency_high" if exc.path.startswith("frequency") else "loss_high"
            p.fail(field, f"{exc.problem[:1].upper()}{exc.problem[1:]}.")
        else:
            # And what one simulation of the register may draw (accord.risks.budget).
            if problem := estimate_problem(risk, quantified.YEARS):
                p.fail("frequency_high", f"{problem[:1].upper()}{problem[1:]}.")


def _current_matrix(org: Organization) -> RiskMatrix:
    return RiskMatrix.objects.for_org(org).get(is_current=True)


def _next_number(org: Organization) -> int:
    return (Risk.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def do_create_risk(actor: User | None, org: Organization, data: Mapping[str, Any]) -> Risk:
    """Add a risk; its levels come from the current matrix. Unless `raised_by` is given, the risk is raised by
    the side of the house of whoever adds it (`selectors.default_raised_by`)."""
    lock_org(org)
    matrix = _current_matrix(org)
    if data.get("raised_by") in (None, ""):
        data = {**data, "raised_by": selectors.default_raised_by(org, actor)}
    values = clean_risk_input(org, data, matrix=matrix)
    risk = Risk(organization=org, number=_next_number(org), **values)
    _derive_levels(risk, matrix)
    risk.save()
    audit.record(org, actor, AuditAction.CREATE, risk, object_repr=str(risk)[:200],
                 changes=audit.diff({}, audit.snapshot(risk, AUDITED_RISK_FIELDS)))
    return risk


@transaction.atomic
def do_update_risk(actor: User | None, org: Organization, risk: Risk, data: Mapping[str, Any]) -> Risk:
    """Change some of a risk's fields; levels are re-derived."""
    check_same_org(org, risk=risk)
    risk = Risk.objects.for_org(org).select_for_update().get(pk=risk.pk)
    refuse_if_archived(risk, _("change it"))
    matrix = _current_matrix(org)
    values = clean_risk_input(org, data, current=risk, matrix=matrix)
    before = audit.snapshot(risk, AUDITED_RISK_FIELDS)
    for name, val in values.items():
        setattr(risk, name, val)
    _derive_levels(risk, matrix)
    changes = audit.diff(before, audit.snapshot(risk, AUDITED_RISK_FIELDS))
    if changes:
        risk.updated_at = timezone.now()
        risk.save(update_fields=[*changes, "residual_rank", "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, risk, changes=changes, object_repr=str(risk)[:200])
    return risk
