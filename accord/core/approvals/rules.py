"""Pure rules of co-signing: who may fill a slot, which slot a signer takes (or why not), and where an
object's signatures stand. No database access: callers pass the members and signatures they read."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accord.core.choices import Role, Signatory
from accord.core.conflict import Conflict
from accord.core.models import Membership, User
from accord.core.wording import and_join


class SignatureLike(Protocol):
    """What the rules read of a signature: its slot, and who signed (`user_id`, `user.display_name`)."""

    slot: str
    user_id: int
    user: User


def label(slot: str) -> str:
    """A slot as people read it ("CIO-CISO (hybrid)"); an unknown slot as its key."""
    return str(Signatory(slot).label) if slot in Signatory.values else slot


def labels(slots: Iterable[str]) -> list[str]:
    return [label(s) for s in slots]


def fits(slot: str, membership: Membership, *, owner_id: int | None = None) -> bool:
    """True if `membership` may sign in `slot` (its role now; `owner_id` is the member owning the object,
    for the owner's slot)."""
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
        case Signatory.DPO:
            return membership.role == Role.DPO
    return False


def unfillable(required: Sequence[str], members: Iterable[Membership], *, owner_id: int | None = None) -> list[str]:
    """The required slots that no member can fill today, in order: an object needing them could never
    be fully signed, so it is refused when it is created rather than left waiting for nobody."""
    people = list(members)
    return [slot for slot in required if not any(fits(slot, m, owner_id=owner_id) for m in people)]


def pick_slot(membership: Membership, required: Sequence[str], signers: Mapping[str, int], *,
              owner_id: int | None = None, what: str) -> str:
    """The first required, unsigned slot `membership` can fill, or a refusal naming why.

    `signers` maps each signed slot to its signer's user id. The signatories of one object are distinct
    people: whoever already signed one of its required slots is refused another, whatever their role has
    become since (an admin changing a member's role does not give that person a second signature).
    A signature in a slot no longer required (the governance profile changed) does not count, either way."""
    counted = {slot: user_id for slot, user_id in signers.items() if slot in required}
    mine_signed = [slot for slot, user_id in counted.items() if user_id == membership.user_id]
    if mine_signed:
        raise Conflict({"signature": _(
            "You have already signed %(what)s as %(slot)s; its signatories must be different people, so another "
            "person gives the remaining signature.") % {"what": what, "slot": label(mine_signed[0])}})
    mine = [slot for slot in required if fits(slot, membership, owner_id=owner_id)]
    if not mine:
        raise ValidationError({"signature": _("%(what)s must be signed by the %(names)s; you are not one of them.")
                               % {"what": what, "names": and_join(labels(required))}})
    open_slots = [slot for slot in mine if slot not in counted]
    if not open_slots:
        raise Conflict({"signature": _("%(what)s is already signed as %(slot)s; nothing is left for you to sign.")
                        % {"what": what, "slot": label(mine[0])}})
    return open_slots[0]


@dataclass(frozen=True)
class SignatureState:
    """Where an object's signatures stand: the slots it needs, who signed which (slot → the signer's
    name, counting only required slots), the slots still awaited (none once it is no longer open),
    and the members who could give an awaited signature (when asked for)."""

    required: tuple[str, ...]
    signed: dict[str, str]
    awaiting: tuple[str, ...]
    awaiting_people: tuple[str, ...] = field(default=())
    signer_ids: frozenset[int] = field(default=frozenset())
    owner_id: int | None = None

    def can_sign(self, membership: Membership) -> bool:
        """`membership` could give one of the awaited signatures: it fits an awaited slot and has not
        signed this object already (what `pick_slot` would accept)."""
        return membership.user_id not in self.signer_ids and any(
            fits(s, membership, owner_id=self.owner_id) for s in self.awaiting)

    @property
    def required_labels(self) -> list[str]:
        return labels(self.required)

    @property
    def awaiting_labels(self) -> list[str]:
        return labels(self.awaiting)

    @property
    def signed_labels(self) -> list[tuple[str, str]]:
        """(slot label, signer's name) in the order of `required`."""
        return [(label(slot), self.signed[slot]) for slot in self.required if slot in self.signed]


def signature_state(required: Sequence[str], signatures: Iterable[SignatureLike], *, is_open: bool,
                    members: Iterable[Membership] | None = None, owner_id: int | None = None) -> SignatureState:
    """The state of an object needing the `required` slots, given its `signatures` (each with `slot`,
    `user_id` and its `user`, loaded with the signatures). `is_open`: the object still
    takes signatures (a draft, a pending acceptance); otherwise nothing is awaited. With `members`,
    also who could sign an awaited slot: a member who fits it and has not signed the object already."""
    required = tuple(required)
    signed: dict[str, str] = {}
    signer_ids: set[int] = set()
    for signature in signatures:
        if signature.slot in required and signature.slot not in signed:
            signed[signature.slot] = signature.user.display_name
            signer_ids.add(signature.user_id)
    awaiting = tuple(s for s in required if s not in signed) if is_open else ()
    people: tuple[str, ...] = ()
    if members is not None and awaiting:
        people = tuple(m.user.display_name for m in members if m.user_id not in signer_ids
                       and any(fits(s, m, owner_id=owner_id) for s in awaiting))
    return SignatureState(required=required, signed=signed, awaiting=awaiting, awaiting_people=people,
                          signer_ids=frozenset(signer_ids), owner_id=owner_id)
