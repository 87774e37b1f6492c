"""The core's handover registry: an app says what a leaving member holds and how to hand it over; removing
a member asks every registered app, without the core importing any of them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from accord.core import handover, services
from accord.core.models import Membership


@pytest.fixture
def parcels(monkeypatch):
    """A stand-in app in which the CIO holds two parcels; it records every hand-over it is asked for."""
    calls = []
    registry = dict(handover.HANDOVERS)
    monkeypatch.setattr(handover, "HANDOVERS", registry)

    def holdings(org, membership):
        return ["parcel 1", "parcel 2"] if membership.role == "cio" else []

    def hand_over(actor, org, membership, to):
        calls.append((membership.pk, to.pk if to else None))
        return 2

    handover.register(handover.Handover("parcels", "parcel", holdings, hand_over))
    return calls


def test_an_app_plugs_its_holdings_into_the_question(org_a, admin, cio, parcels):
    with pytest.raises(ValidationError, match=r"holds 2 parcels \(parcel 1; parcel 2\)"):
        services.do_remove_member(admin.user, org_a, cio.membership)
    assert parcels == []


def test_removal_asks_each_app_to_hand_over_before_the_member_goes(org_a, admin, cio, ciso, parcels):
    assert services.do_remove_member(admin.user, org_a, cio.membership, reassign_to=ciso.membership) == 2
    assert parcels == [(cio.membership.pk, ciso.membership.pk)]
    assert not Membership.objects.for_org(org_a).filter(pk=cio.membership.pk).exists()


def test_an_app_where_the_member_holds_nothing_is_not_asked(org_a, admin, ciso, parcels):
    services.do_remove_member(admin.user, org_a, ciso.membership)
    assert parcels == []
