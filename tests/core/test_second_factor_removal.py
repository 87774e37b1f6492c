"""Removing a second factor in an organisation that requires one: the last one cannot be removed while a
membership requires it, and a session whose account has none left loses the organisation on its next
request, whatever it proved when it signed in (decision 0009)."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accord.core import services
from accord.core.selectors import last_factor_required_by
from tests.core.test_two_factor_policy import give_second_factor, require_two_factor, signed_in_with_second_factor
from tests.factories import PASSWORD, Persona


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _deactivate_totp(client: Client):
    """Switch the authenticator app off on allauth's page, after confirming the password as it asks."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client.post(reverse("mfa_deactivate_totp"), {})


def _totps(persona: Persona) -> int:
    return Authenticator.objects.filter(user=persona.user, type=Authenticator.Type.TOTP).count()


def test_a_session_that_proved_a_factor_loses_the_organisation_once_the_account_has_none(org_a, cio):
    require_two_factor(org_a)
    give_second_factor(cio)
    client = signed_in_with_second_factor(cio)
    dashboard = reverse("core:dashboard", kwargs={"org": "org-a"})
    assert client.get(dashboard).status_code == 200
    Authenticator.objects.filter(user=cio.user).delete()  # e.g. removed outside this session
    response = client.get(dashboard)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert any("Alpha Clinic requires two-factor authentication" in m for m in _messages(response))
    assert client.get(reverse("risks:list", kwargs={"org": "org-a"})).status_code == 302


def test_an_htmx_request_of_such_a_session_is_refused_too(org_a, cio):
    require_two_factor(org_a)
    give_second_factor(cio)
    client = signed_in_with_second_factor(cio)
    Authenticator.objects.filter(user=cio.user).delete()
    response = client.get(reverse("core:members", kwargs={"org": "org-a"}), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


def test_the_last_factor_cannot_be_removed_while_a_membership_requires_it(org_a, cio):
    require_two_factor(org_a)
    give_second_factor(cio)
    client = signed_in_with_second_factor(cio)
    response = _deactivate_totp(client)
    assert response.status_code == 200  # the form again, with the reason
    assert _totps(cio) == 1
    page = response.content.decode()
    assert "Alpha Clinic requires two-factor authentication" in page
    assert "switch the requirement off" in page or "leave" in page
    assert client.get(reverse("core:dashboard", kwargs={"org": "org-a"})).status_code == 200


def test_the_rule_names_every_organisation_that_requires_it(org_a, org_b, cio):
    require_two_factor(org_a)
    give_second_factor(cio)
    services.do_add_member(None, org_b, cio.user, "auditor")
    services.do_set_two_factor_policy(None, org_b, required=True)
    totp = Authenticator.objects.get(user=cio.user, type=Authenticator.Type.TOTP)
    assert last_factor_required_by(totp) == ["Alpha Clinic", "CANARYB Bank"]


def test_the_factor_can_be_removed_where_no_membership_requires_it(org_a, cio):
    give_second_factor(cio)
    client = signed_in_with_second_factor(cio)
    response = _deactivate_totp(client)
    assert response.status_code == 302
    assert _totps(cio) == 0


def test_a_factor_that_is_not_the_last_can_be_removed(org_a, cio):
    require_two_factor(org_a)
    give_second_factor(cio)
    Authenticator.objects.create(user=cio.user, type=Authenticator.Type.WEBAUTHN, data={"name": "key"})
    totp = Authenticator.objects.get(user=cio.user, type=Authenticator.Type.TOTP)
    assert last_factor_required_by(totp) == []
