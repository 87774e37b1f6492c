"""The initiative page shows the gate, its review clock and the refusal; the CISO completes a review with
conditions from the form; the list filters."""

import pytest

from accord.portfolio import services
from accord.portfolio.models import ReviewCondition
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(org_a, cio, ciso):
    item = services.do_create_initiative(cio.user, org_a, {"title": "Patient portal", "kind": "digital_transformation",
                                                           "phase": "proposed"})
    services.do_open_review(cio.user, org_a, item)
    return item


def test_the_page_shows_the_gate_clock_and_refusal(portal, cio):
    page = signed_in(cio).get(f"/o/org-a/initiatives/{portal.pk}/").content.decode()
    assert 'id="review-clock"' in page
    assert "10 working days left" in page
    assert "is open and not complete" in page


def test_the_ciso_completes_a_review_with_conditions_from_the_form(portal, ciso):
    review = portal.reviews.get()
    url = f"/o/org-a/initiatives/{portal.pk}/reviews/{review.pk}/complete/"
    response = signed_in(ciso).post(url, {"outcome": "approved_with_conditions", "answer_threat_model": "yes",
                                          "condition_1_title": "Pen test", "condition_1_due_on": "2027-01-15"})
    assert response.status_code == 302
    condition = ReviewCondition.objects.for_org(portal.organization).get()
    assert (condition.title, condition.status, str(condition.due_on)) == ("Pen test", "open", "2027-01-15")


def test_an_approval_with_conditions_needs_one_on_the_form(portal, ciso):
    review = portal.reviews.get()
    url = f"/o/org-a/initiatives/{portal.pk}/reviews/{review.pk}/complete/"
    response = signed_in(ciso).post(url, {"outcome": "approved_with_conditions"})
    assert response.status_code == 422
    assert "at least one condition" in response.content.decode()


def test_the_list_filters_by_phase(portal, cio):
    services.do_create_initiative(cio.user, portal.organization, {"title": "Wi-Fi refresh", "kind": "infrastructure"})
    page = signed_in(cio).get("/o/org-a/initiatives/?phase=idea").content.decode()
    assert "Wi-Fi refresh" in page and "Patient portal" not in page
