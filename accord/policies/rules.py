"""Pure rules of the policies app: who approves a policy version and who signs an exception under the
governance profile, when a policy is next reviewed and whether that is overdue, and whether an exception
has expired. No database access; services, selectors and fronts all ask these functions.

Who fits a slot, which slot an approver takes, the refusals (not an approver, slot taken, already
approved in another slot) and where the approvals stand are the approvals kit's
(`accord.core.approvals.rules`)."""

from __future__ import annotations

import calendar
import datetime as dt

from accord.core.choices import Signatory
from accord.core.models import GovernanceProfile
from accord.policies.choices import PRIVACY_KINDS, ExceptionState, ExceptionStatus
from accord.risks.rules import is_hybrid, required_acceptance_slots, required_appetite_slots

DEFAULT_REVIEW_MONTHS = 12
MAX_REVIEW_MONTHS = 60
#: How long an exception may last: as long as a risk acceptance.
MAX_EXCEPTION_DAYS = 3 * 366


def approval_slots(profile: GovernanceProfile, kind: str) -> list[str]:
    """Who approves a version of a policy of `kind`. Privacy policies: the DPO and the CISO (the hybrid
    CIO-CISO where one person holds both roles). Every other kind is an information-security rule the CIO's
    organisation lives by: the CIO and the CISO, as for the risk appetite (the hybrid CIO-CISO and the
    board where one person holds both roles)."""
    if kind in PRIVACY_KINDS:
        return [Signatory.CIO_CISO.value if is_hybrid(profile) else Signatory.CISO.value, Signatory.DPO.value]
    return required_appetite_slots(profile)


def version_slots(*, is_draft: bool, recorded: list[str], profile: GovernanceProfile | None, kind: str) -> list[str]:
    """Who must approve a version: a draft, those the governance profile and the policy's kind name now (a
    change of profile or kind applies to the open draft); a version that came into force or was
    withdrawn, the slots recorded on it."""
    if is_draft:
        if profile is None:
            raise ValueError("a draft's approvers depend on the governance profile; pass it")
        return approval_slots(profile, kind)
    return list(recorded)


def exception_slots(profile: GovernanceProfile, kind: str) -> list[str]:
    """Who signs a policy exception: those the governance profile requires for a risk acceptance above
    tolerance (the CISO and the person the CISO reports to, or the hybrid CIO-CISO and the board), and the
    DPO too for a privacy policy when the profile has the DPO sign privacy acceptances."""
    return required_acceptance_slots(profile, above_tolerance=True, privacy=kind in PRIVACY_KINDS)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved on by `months` calendar months, kept within the month (31 January + 1 month is the
    last day of February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_on(reviewed_on: dt.date, interval_months: int) -> dt.date:
    """When a policy reviewed (or brought into force) on `reviewed_on` is next due for review."""
    return add_months(reviewed_on, interval_months)


def review_overdue(next_review: dt.date | None, today: dt.date) -> bool:
    """A policy is overdue for review once its review date has passed (none set: never in force, so
    nothing to review yet)."""
    return next_review is not None and next_review < today


def exception_state(status: str, expires_on: dt.date, today: dt.date) -> str:
    """What people read of an exception: its status, or expired once its expiry date has passed (an
    exception covers up to and including its expiry date; a pending one that reaches it can no longer
    be signed into force)."""
    if status in (ExceptionStatus.PENDING, ExceptionStatus.IN_FORCE) and expires_on < today:
        return ExceptionState.EXPIRED.value
    return str(status)


def exception_signable(status: str, expires_on: dt.date, today: dt.date) -> bool:
    """A pending exception whose expiry date has not passed takes signatures."""
    return status == ExceptionStatus.PENDING and expires_on >= today
