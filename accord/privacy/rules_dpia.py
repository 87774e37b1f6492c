"""Rules of the DPIA workflow (Art. 35 and 36 GDPR): who signs the controller's decision under the governance
profile, and when prior consultation of the supervisory authority is required. Pure: no database; services,
selectors and fronts all ask these functions (docs/privacy.md, "DPIAs"; decision 0065).

Prior consultation (Art. 36(1)): the controller consults the authority where the DPIA shows that the processing
would result in a high risk in the absence of measures taken to mitigate it, read (as the EDPB's WP248 reads it) as
a high *residual* risk: one that remains once the envisaged measures are applied. The rule: a linked risk whose
residual level is above the tolerance the signed appetite sets for its category requires consultation; where the
appetite sets no tolerance for that category (none in force, or the category left out), a residual level of high
or critical does. No linked risk, no consultation flagged (a DPIA without risks cannot be submitted anyway).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from accord.core.models import GovernanceProfile
from accord.risks.rules import required_acceptance_slots

#: The residual rank from which a risk is high where no tolerance is signed for its category (Level.HIGH).
HIGH_RANK = 3


@dataclass(frozen=True)
class ResidualReading:
    """What the rule reads of one linked risk: its residual rank (1 low … 4 critical), whether the register flags
    it above the signed tolerance, and the tolerated rank of its category (None: no tolerance signed)."""

    residual_rank: int
    above_tolerance: bool
    tolerance_rank: int | None


def is_high_residual(reading: ResidualReading) -> bool:
    """The risk remains high once the measures are applied (see the module's rule)."""
    if reading.tolerance_rank is not None:
        return reading.above_tolerance
    return reading.residual_rank >= HIGH_RANK


def consultation_required(readings: Iterable[ResidualReading]) -> bool:
    """Prior consultation (Art. 36(1)) is required: some linked risk keeps a high residual."""
    return any(is_high_residual(r) for r in readings)


def decision_slots(profile: GovernanceProfile) -> list[str]:
    """Who signs the controller's decision on a DPIA: those who accept a risk above tolerance under the profile
    (the CISO and the person the CISO reports to; the hybrid CIO-CISO and the board), without the DPO, whose
    part is the advice (Art. 35(2)): the DPO does not decide on what they advise on (Art. 38(6))."""
    return required_acceptance_slots(profile, above_tolerance=True, privacy=False)
