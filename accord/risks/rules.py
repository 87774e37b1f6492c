"""Pure rules of the register: which signature slots an appetite and an acceptance need, and who may
withdraw an acceptance.

Who may fill a slot, which slot a signer takes and where an object's signatures stand are the
approvals kit's (`accord.core.approvals.rules`); services, selectors and fronts all ask these
functions; none of them writes or reads the database.
"""

from __future__ import annotations

from collections.abc import Sequence

from accord.core.approvals.rules import fits
from accord.core.choices import CisoModel, CisoReportsTo, Role
from accord.core.models import GovernanceProfile, Membership
from accord.risks.choices import AppetiteStatus, Signatory
from accord.risks.models import RiskAcceptance, RiskAppetite


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


def required_acceptance_slots(profile: GovernanceProfile, *, above_tolerance: bool, privacy: bool = False,
                              owner_is_dpo: bool = False) -> list[str]:
    """The signature slots an acceptance needs under this governance profile: the owner alone within
    tolerance; above it, the CISO and the person the CISO reports to (or the hybrid CIO-CISO and the board).
    A risk in a privacy category also needs the DPO when the profile says so (on by default), unless the
    owner who signs alone is the DPO (signatories are distinct people: the DPO signs once, as owner)."""
    if not above_tolerance:
        slots = [Signatory.OWNER.value]
    elif is_hybrid(profile):
        slots = [Signatory.CIO_CISO.value, Signatory.BOARD.value]
    else:
        slots = [Signatory.CISO.value, superior_slot(profile)]
    if privacy and profile.dpo_signs_privacy_acceptances and not (owner_is_dpo and not above_tolerance):
        slots.append(Signatory.DPO.value)
    return slots


def appetite_required_slots(appetite: RiskAppetite, profile: GovernanceProfile | None) -> list[str]:
    """Who must sign this appetite version: a draft, the signatories the governance profile names now
    (the profile in force when signing decides, so a change of profile applies to the open draft); a
    version that came into force (or was withdrawn), the slots recorded on it."""
    if appetite.status == AppetiteStatus.DRAFT:
        if profile is None:
            raise ValueError("a draft's signatories depend on the governance profile; pass it")
        return required_appetite_slots(profile)
    return list(appetite.required_signatories)


def acceptance_required_slots(acceptance: RiskAcceptance) -> list[str]:
    """Who must sign this acceptance: the slots fixed when it was requested."""
    return list(acceptance.required_signatories)


def may_withdraw(membership: Membership, *, requested_by_id: int | None, required: Sequence[str],
                 owner_id: int | None = None) -> bool:
    """Who may withdraw an acceptance: the member who requested it, a member who can fill one of its
    required signature slots (`approvals.rules.fits`, their role now), or an admin of the organisation."""
    return (membership.role == Role.ADMIN
            or (requested_by_id is not None and membership.user_id == requested_by_id)
            or any(fits(slot, membership, owner_id=owner_id) for slot in required))


def consults_dpo_on_appetite(profile: GovernanceProfile) -> bool:
    """The governance profile names the DPO a consultee of the risk appetite (an opinion, not a signature)."""
    return bool(profile.dpo_consulted_on_appetite)


def may_give_appetite_opinion(profile: GovernanceProfile, membership: Membership) -> bool:
    """`membership` may record an opinion on a draft appetite: the DPO, when the profile consults the DPO
    (an admin too, who holds every action: say, to record an opinion an external DPO sent by mail)."""
    return consults_dpo_on_appetite(profile) and membership.role in (Role.DPO, Role.ADMIN)
