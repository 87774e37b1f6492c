"""The compliance app's rules, pure functions of plain values: which controls count in the money view, what a
control costs a year, its return on security investment, how many minor units a currency has; for audits,
who may record in an audit and when, which results need a justification, when a remediation is overdue and
when evidence wants refreshing; for the Statement of Applicability, how far an Annex A control is
implemented and what its statement must say; and when a control is failing (the portfolio's TIME input,
decision 0059)."""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from accord.compliance.choices import (
    AssessmentStatus,
    ControlStatus,
    RemediationStatus,
    ResultValue,
    Severity,
    SoaStatus,
)
from accord.core.choices import Role

#: The statuses whose controls reduce the residual money figures.
COUNTS_IN_RESIDUAL = frozenset({ControlStatus.IMPLEMENTED})
#: The statuses whose controls show what they would add to the implemented ones.
WOULD_ADD = frozenset({ControlStatus.PLANNED, ControlStatus.IN_PROGRESS})
#: A one-off build cost is spread evenly over this many years in a control's yearly cost (decision 0044).
AMORTISATION_YEARS = 3

# ISO 4217 currencies whose minor unit is not a hundredth (the rest have two digits).
_MINOR_DIGITS: Mapping[str, int] = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND",
                     "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    "CLF": 4, "UYW": 4,
}


def minor_digits(currency: str) -> int:
    """How many digits the currency's minor unit has (EUR 2: cents; JPY 0; KWD 3)."""
    return _MINOR_DIGITS.get(currency.upper(), 2)


def to_minor(amount: float, currency: str) -> int:
    """An amount in the currency's major unit (the engine's figures) as whole minor units, rounded half even."""
    return int(decimal.Decimal(repr(amount)).scaleb(minor_digits(currency)).quantize(decimal.Decimal(1)))


def days_cost(days: decimal.Decimal | None, day_rate: int | None) -> int:
    """People-days at the day rate (minor units), rounded to the minor unit; 0 without days or rate."""
    if days is None or day_rate is None:
        return 0
    return int((days * day_rate).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_EVEN))


def build_total(build_cost: int, build_days: decimal.Decimal | None, day_rate: int | None) -> int:
    """A control's one-off cost: its build cost and its build people-days at the day rate (minor units)."""
    return build_cost + days_cost(build_days, day_rate)


def yearly_cost(*, build_cost: int, run_cost: int, build_days: decimal.Decimal | None,
                run_days: decimal.Decimal | None, day_rate: int | None) -> int:
    """What a control costs a year (minor units): its run cost and run people-days, plus its one-off cost
    spread over `AMORTISATION_YEARS` years."""
    one_off = build_total(build_cost, build_days, day_rate)
    return run_cost + days_cost(run_days, day_rate) + round(one_off / AMORTISATION_YEARS)


def rosi(reduced: float, cost: float) -> float | None:
    """Return on security investment: (risk reduced a year − yearly cost) / yearly cost, both in the same
    unit; None when the control costs nothing a year (the ratio has no meaning)."""
    if cost <= 0:
        return None
    return (reduced - cost) / cost


# --- audits ------------------------------------------------------------------------------------------------

#: The audit statuses in which results and findings are recorded (a planned audit has not started; a closed
#: one keeps the results it closed with).
RECORDING = frozenset({AssessmentStatus.IN_PROGRESS})
#: Results that need a justification.
JUSTIFIED = frozenset({ResultValue.NOT_APPLICABLE})
#: Results that call for a finding (the audit page offers to record one).
GAPS = frozenset({ResultValue.PARTIAL, ResultValue.NON_COMPLIANT})
#: Remediation statuses that are never overdue.
REMEDIATION_ENDED = frozenset({RemediationStatus.DONE, RemediationStatus.CANCELLED})
#: Evidence whose refresh date falls within this many days is "expiring" (the posture and the lists say so).
EVIDENCE_EXPIRING_DAYS = 30
#: The register's inherent likelihood and impact (on a 5 × 5 matrix) of a risk raised from a finding of each
#: severity, unless the member raising it says otherwise.
SEVERITY_LEVELS: Mapping[str, tuple[int, int]] = {
    Severity.LOW: (2, 2), Severity.MEDIUM: (3, 3), Severity.HIGH: (4, 4), Severity.CRITICAL: (4, 5)}


#: How much a partially compliant result counts towards a framework's compliance (docs/audits.md#posture).
PARTIAL_CREDIT = 0.5


def compliance_share(*, compliant: int, partial: int, non_compliant: int, not_assessed: int) -> float | None:
    """A framework's compliance in one audit: the share of its assessable requirements that are compliant, a
    partially compliant one counting `PARTIAL_CREDIT`; not applicable ones are left out, not assessed ones
    count as not compliant. None when nothing applies."""
    counted = compliant + partial + non_compliant + not_assessed
    if counted == 0:
        return None
    return (compliant + PARTIAL_CREDIT * partial) / counted


def share_of(counts: Mapping[str, int]) -> float | None:
    """`compliance_share` of an audit's counts of results by value (`ResultValue` keys, missing ones 0)."""
    return compliance_share(compliant=counts.get(ResultValue.COMPLIANT, 0), partial=counts.get(ResultValue.PARTIAL, 0),
                            non_compliant=counts.get(ResultValue.NON_COMPLIANT, 0),
                            not_assessed=counts.get(ResultValue.NOT_ASSESSED, 0))


#: A change of compliance between two closed audits smaller than this (a share, 0.5 points) reads as steady.
TREND_STEADY = 0.005


def trend(previous: float | None, latest: float | None) -> str:
    """Which way a framework's compliance went from one closed audit to the next: `up`, `down` or `steady`
    (within `TREND_STEADY`); "" when either has no share (nothing applied, or no earlier audit)."""
    if previous is None or latest is None:
        return ""
    if latest - previous > TREND_STEADY:
        return "up"
    if previous - latest > TREND_STEADY:
        return "down"
    return "steady"


def may_record(role: str, membership_id: int, auditor_ids: Collection[int]) -> bool:
    """Whether a member whose role holds `assessment.record` may record in this audit: a member with the
    auditor role only in an audit that names them; the organisation's own governors in any."""
    return role != Role.AUDITOR or membership_id in auditor_ids


def needs_justification(result: str) -> bool:
    return result in JUSTIFIED


def remediation_overdue(status: str, due_on: dt.date | None, today: dt.date) -> bool:
    """A remediation is overdue when it has a due date before `today` and is neither done nor cancelled
    (the selectors' SQL annotation is the same rule: `selectors_assessments.overdue_q`)."""
    return due_on is not None and due_on < today and status not in REMEDIATION_ENDED


def evidence_state(expires_on: dt.date | None, today: dt.date) -> str:
    """`expired` (its refresh date has passed), `expiring` (within `EVIDENCE_EXPIRING_DAYS`), else `current`."""
    if expires_on is None:
        return "current"
    if expires_on < today:
        return "expired"
    if expires_on <= today + dt.timedelta(days=EVIDENCE_EXPIRING_DAYS):
        return "expiring"
    return "current"


# --- Statement of Applicability (decision 0057) ---------------------------------------------------------------

#: The framework whose Annex A the Statement of Applicability lists (its newest version imported), and the group
#: that holds Annex A (its sub-groups are the themes).
SOA_FRAMEWORK = "iso27001-2022"
SOA_ANNEX = "A"
#: Statuses of linked controls the SoA leaves out: a retired control implements nothing any more.
SOA_IGNORED = frozenset({ControlStatus.RETIRED})
#: The SoA's statuses in the order its counts, filters and exports show them.
SOA_ORDER = (SoaStatus.IMPLEMENTED, SoaStatus.IN_PROGRESS, SoaStatus.PLANNED, SoaStatus.NOT_IMPLEMENTED,
             SoaStatus.NOT_APPLICABLE)


def soa_status(*, applicable: bool, control_statuses: Iterable[str]) -> SoaStatus:
    """How far an Annex A control is implemented, from the statuses of the organisation's controls linked to it.

    First rule that holds wins: not applicable when the organisation excludes it (whatever is linked); not
    implemented when no control that is not retired is linked; implemented when every such control is
    implemented; in progress when at least one is implemented or in progress (the work has started but is
    not complete); planned when all of them are only planned."""
    if not applicable:
        return SoaStatus.NOT_APPLICABLE
    statuses = [s for s in control_statuses if s not in SOA_IGNORED]
    if not statuses:
        return SoaStatus.NOT_IMPLEMENTED
    if all(s == ControlStatus.IMPLEMENTED for s in statuses):
        return SoaStatus.IMPLEMENTED
    if any(s in (ControlStatus.IMPLEMENTED, ControlStatus.IN_PROGRESS) for s in statuses):
        return SoaStatus.IN_PROGRESS
    return SoaStatus.PLANNED


def soa_unjustified(*, applicable: bool, reasons: Collection[str], justification: str) -> str | None:
    """The field a statement lacks, or None: an excluded control needs a `justification`; an included one at
    least one of the `reasons` for including it, or a `justification` in words."""
    if not applicable:
        return None if justification.strip() else "justification"
    return None if reasons or justification.strip() else "reasons"


# --- failing controls (decision 0059) ----------------------------------------------------------------------

#: The statuses of a control that is meant to work (a planned control is not expected to yet; a retired one
#: no longer is): only these can be failing.
FAILING_CONTROL_STATUSES = frozenset({ControlStatus.IMPLEMENTED, ControlStatus.IN_PROGRESS})
#: The audits whose verdicts stand: in progress (recorded as it goes) and closed (kept as it closed).
STANDING_AUDITS = frozenset({AssessmentStatus.IN_PROGRESS, AssessmentStatus.CLOSED})
#: A result that says nothing of the requirement yet: the requirement's earlier verdict still stands.
NO_VERDICT = frozenset({ResultValue.NOT_ASSESSED})
#: The verdicts that fail the controls serving the requirement. Partially compliant is not one: it is a gap
#: to close (`GAPS`, a finding), not a sign that the system should be migrated or eliminated.
FAILING_RESULTS = frozenset({ResultValue.NON_COMPLIANT})


@dataclass(frozen=True)
class AuditVerdict:
    """One audit's result on a requirement: the audit's number (newer audits have larger ones), its status."""

    audit_number: int
    audit_status: str
    result: str


def standing_verdict(verdicts: Iterable[AuditVerdict]) -> str | None:
    """A requirement's verdict as it stands: its result in the newest audit, in progress or closed
    (`STANDING_AUDITS`), that assessed it (a result other than not assessed); None when none has."""
    standing = [v for v in verdicts if v.audit_status in STANDING_AUDITS and v.result not in NO_VERDICT]
    return max(standing, key=lambda v: v.audit_number).result if standing else None


def control_failing(status: str, requirement_verdicts: Iterable[str | None]) -> bool:
    """A control is failing when it is meant to work (`FAILING_CONTROL_STATUSES`) and a requirement it serves
    stands non-compliant (`standing_verdict` in `FAILING_RESULTS`). `requirement_verdicts`: the standing
    verdict of each requirement the control serves (its library links). The SQL twin is
    `selectors_controls.failing_controls`."""
    return status in FAILING_CONTROL_STATUSES and any(v in FAILING_RESULTS for v in requirement_verdicts)
