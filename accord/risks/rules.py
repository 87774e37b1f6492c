"""Pure rules of the register: who must sign what, and who may fill a signature slot.

Services, selectors and fronts all ask these functions; none of them writes or reads the database.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError

from accord.core.choices import CisoModel, CisoReportsTo, Role
from accord.core.models import GovernanceProfile, Membership
from accord.risks.choices import Signatory


def is_hybrid(profile: GovernanceProfile) -> bool:
    """One person holds the CIO and CISO roles."""
    return profile.ciso_model == CisoModel.HYBRID


def superior_slot(profile: GovernanceProfile) -> str:
    """Who the CISO reports to, as a signature slot."""
    return Signatory.CIO if profile.ciso_reports_to == CisoReportsTo.CIO else Signatory.BOARD


def required_appetite_slots(profile: GovernanceProfile) -> list[str]:
    """CIO and CISO; where one person holds a hybrid CIO-CISO role, that person and the board."""
    if is_hybrid(profile):
        return [Signatory.CIO_CISO.value, Signatory.BOARD.value]
    return [Signatory.CIO.value, Signatory.CISO.value]


def required_acceptance_slots(profile: GovernanceProfile, *, above_tolerance: bool) -> list[str]:
    """The signature slots an acceptance needs under this governance profile: the owner alone within
    tolerance; above it, the CISO and the person the CISO reports to (or the hybrid CIO-CISO and the board)."""
    if not above_tolerance:
        return [Signatory.OWNER.value]
    if is_hybrid(profile):
        return [Signatory.CIO_CISO.value, Signatory.BOARD.value]
    return [Signatory.CISO.value, superior_slot(profile)]


def fits(slot: str, membership: Membership, *, owner_id: int | None = None) -> bool:
    """True if `membership` may sign in `slot`."""
    match slot:
        case Signatory.CIO:
            return membership.role == Role.CIO
        case Signatory.CISO:
            return membership.role == Role.CISO
        case Signatory.CIO_CISO:
            return membership.role in (Role.CIO, Role.CISO)
        case Signatory.BOARD:
            return membership.board_representative
        case Signatory.OWNER:
            return owner_id is not None and membership.pk == owner_id
    return False


def pick_slot(membership: Membership, required: Sequence[str], signed: Sequence[str], *,
              owner_id: int | None = None, what: str) -> str:
    """The first required, unsigned slot `membership` can fill, or a clear refusal."""
    mine = [slot for slot in required if fits(slot, membership, owner_id=owner_id)]
    if not mine:
        names = " and ".join(Signatory(s).label for s in required)
        raise ValidationError({"signature": f"{what} must be signed by the {names}; you are not one of them."})
    open_slots = [slot for slot in mine if slot not in signed]
    if not open_slots:
        raise ValidationError({"signature": f"You have already signed {what} as {Signatory(mine[0]).label}."})
    return open_slots[0]
