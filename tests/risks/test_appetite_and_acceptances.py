import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from accord.core import services as core_services
from accord.core.clock import org_today
from accord.risks import selectors, services
from accord.risks.choices import AppetiteStatus
from accord.risks.models import AppetiteSignature, RiskAcceptance
from tests.factories import make_member, sign_draft


@pytest.fixture
def risky(org_a, cio):
    """A cyber risk scored likely x major: residual level high."""
    return services.do_create_risk(cio.user, org_a, {"title": "Ransomware", "category": "cyber_security",
                                                     "likelihood": 4, "impact": 4, "owner": cio.user.email})


def _draft(org, actor, level="medium"):
    return services.do_draft_appetite(actor, org, statement="We keep cyber risk moderate.",
                                      category_levels={"cyber_security": level},
                                      tolerance=[[1_000_000, 0.1]])


def test_a_risk_is_flagged_only_after_both_signatories_signed(org_a, cio, ciso, risky):
    appetite = _draft(org_a, ciso.user)
    assert not selectors.access_risk(org_a, risky.pk).above_tolerance
    sign_draft(cio.user, org_a)
    assert not selectors.access_risk(org_a, risky.pk).above_tolerance
    sign_draft(ciso.user, org_a)
    appetite.refresh_from_db()
    assert appetite.status == AppetiteStatus.IN_FORCE
    assert selectors.access_risk(org_a, risky.pk).above_tolerance


def test_a_new_draft_does_not_unflag_risks_under_the_signed_version(org_a, cio, ciso, risky):
    _draft(org_a, ciso.user)
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    _draft(org_a, ciso.user, level="critical")
    sign_draft(cio.user, org_a)
    assert selectors.access_risk(org_a, risky.pk).above_tolerance
    sign_draft(ciso.user, org_a)
    assert not selectors.access_risk(org_a, risky.pk).above_tolerance
    assert [a.status for a in selectors.appetite_versions(org_a)] == ["in_force", "superseded"]


def test_only_the_named_signatories_can_sign_and_only_once(org_a, cio, ciso, dpo):
    _draft(org_a, ciso.user)
    with pytest.raises(ValidationError, match="CIO and CISO"):
        sign_draft(dpo.user, org_a)
    sign_draft(cio.user, org_a)
    with pytest.raises(ValidationError, match="already signed"):
        sign_draft(cio.user, org_a)


def test_a_hybrid_cio_ciso_signs_with_the_board_representative(org_a, admin, cio, ciso):
    core_services.do_update_governance(None, org_a, ciso_model="hybrid", ciso_reports_to="ceo")
    _draft(org_a, cio.user)
    sign_draft(cio.user, org_a)
    with pytest.raises(ValidationError, match=r"Risk appetite v1 is already signed as CIO-CISO \(hybrid\)"):
        sign_draft(ciso.user, org_a)  # the hybrid slot is filled already
    sign_draft(admin.user, org_a)  # admin persona signs for the board
    assert selectors.appetite_in_force(org_a) is not None
    slots = set(AppetiteSignature.objects.for_org(org_a).values_list("slot", flat=True))
    assert slots == {"cio_ciso", "board"}


def _in_force_appetite(org, cio, ciso):
    _draft(org, ciso.user)
    sign_draft(cio.user, org)
    sign_draft(ciso.user, org)


def test_an_above_tolerance_acceptance_needs_the_ciso_and_their_superior(org_a, cio, ciso, risky):
    _in_force_appetite(org_a, cio, ciso)
    acceptance = services.do_request_acceptance(cio.user, org_a, risky, justification="Legacy system until Q3",
                                                expires_on=org_today(org_a) + dt.timedelta(days=90))
    assert acceptance.required_signatories == ["ciso", "cio"]
    assert not selectors.access_risk(org_a, risky.pk).accepted  # the requesting CIO signed; the CISO has not
    services.do_sign_acceptance(ciso.user, org_a, acceptance)
    risk = selectors.access_risk(org_a, risky.pk)
    assert risk.accepted
    assert risk.above_tolerance
    assert risk.effective_status == "accepted"  # derived from the acceptance in force; never stored


def test_an_acceptance_lapses_on_expiry(org_a, cio, ciso, risky):
    _in_force_appetite(org_a, cio, ciso)
    acceptance = services.do_request_acceptance(cio.user, org_a, risky, justification="Short term",
                                                expires_on=org_today(org_a) + dt.timedelta(days=5))
    services.do_sign_acceptance(ciso.user, org_a, acceptance)  # the requesting CIO signed in the same step
    RiskAcceptance.objects.for_org(org_a).filter(pk=acceptance.pk).update(
        expires_on=org_today(org_a) - dt.timedelta(days=1))
    risk = selectors.access_risk(org_a, risky.pk)
    assert not risk.accepted
    assert selectors.acceptances(org_a, risk).get().state == "expired"
    assert [r.pk for r in selectors.dashboard(org_a).above_tolerance] == [risk.pk]


def test_a_risk_within_tolerance_is_accepted_by_its_owner_alone(org_a, cio, ciso):
    owner = make_member(org_a, "contributor")
    risk = services.do_create_risk(cio.user, org_a, {"title": "Old printers", "category": "it_operations",
                                                     "likelihood": 1, "impact": 2, "owner": owner.user.email})
    acceptance = services.do_request_acceptance(cio.user, org_a, risk, justification="Low value",
                                                expires_on=org_today(org_a) + dt.timedelta(days=365))
    assert acceptance.required_signatories == ["owner"]
    with pytest.raises(ValidationError, match="must be signed by the Risk owner; you are not one of them"):
        services.do_sign_acceptance(cio.user, org_a, acceptance)
    services.do_sign_acceptance(owner.user, org_a, acceptance)
    assert selectors.access_risk(org_a, risk.pk).accepted
