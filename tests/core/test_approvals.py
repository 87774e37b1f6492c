"""The approvals kit's pure slot rules (accord.core.approvals.rules), on unsaved members."""

import pytest
from django.core.exceptions import ValidationError

from accord.core.approvals.rules import pick_slot, signature_state
from accord.core.models import Membership, User


def _member(pk, role, *, board=False):
    return Membership(pk=pk, user=User(pk=pk, email=f"{role}{pk}@x.test", full_name=f"{role} {pk}"),
                      role=role, board_representative=board)


def test_a_signer_takes_the_first_open_slot_they_fit():
    assert pick_slot(_member(1, "ciso"), ["cio_ciso", "board"], {}, what="X") == "cio_ciso"
    assert pick_slot(_member(2, "admin", board=True), ["cio_ciso", "board"], {"cio_ciso": 1}, what="X") == "board"


def test_refusals_say_why():
    with pytest.raises(ValidationError, match="X must be signed by the CIO and CISO; you are not one of them"):
        pick_slot(_member(1, "dpo"), ["cio", "ciso"], {}, what="X")
    with pytest.raises(ValidationError, match=r"X is already signed as CIO-CISO \(hybrid\)"):
        pick_slot(_member(2, "cio"), ["cio_ciso", "board"], {"cio_ciso": 1}, what="X")
    with pytest.raises(ValidationError, match="You have already signed X as CISO; its signatories must be"):
        pick_slot(_member(1, "cio"), ["cio", "ciso"], {"ciso": 1}, what="X")


def test_a_signature_in_a_slot_no_longer_required_neither_counts_nor_blocks():
    assert pick_slot(_member(1, "ciso"), ["cio_ciso", "board"], {"ciso": 1}, what="X") == "cio_ciso"


def test_the_state_counts_required_slots_only_and_names_who_can_still_sign():
    cio, ciso, board = _member(1, "cio"), _member(2, "ciso"), _member(3, "viewer", board=True)

    class Sig:
        def __init__(self, slot, member):
            self.slot, self.user_id, self.user = slot, member.user.pk, member.user

    state = signature_state(["cio_ciso", "board"], [Sig("ciso", ciso), Sig("cio_ciso", cio)], is_open=True,
                            members=[cio, ciso, board])
    assert state.signed == {"cio_ciso": "cio 1"}
    assert state.awaiting == ("board",)
    assert state.awaiting_people == ("viewer 3",)
    assert state.can_sign(board) and not state.can_sign(cio)
    assert signature_state(["cio"], [], is_open=False).awaiting == ()


def test_unfillable_names_the_slots_no_member_fits_in_order():
    from types import SimpleNamespace

    from accord.core.approvals.rules import unfillable

    ciso = SimpleNamespace(pk=1, role="ciso", board_representative=False)
    board = SimpleNamespace(pk=2, role="viewer", board_representative=True)
    assert unfillable(["ciso", "cio", "board", "dpo"], [ciso, board]) == ["cio", "dpo"]
    assert unfillable(["owner"], [ciso], owner_id=1) == []
    assert unfillable(["owner"], [ciso], owner_id=None) == ["owner"]
