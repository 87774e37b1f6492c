"""The organisation policy "two-factor authentication required": who may switch it, and how the web
pages and the API enforce it."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accord.cli import main
from accord.core import services
from accord.core.auth import SECOND_FACTOR_SET_UP
from accord.core.models import AuditEvent, Membership, Organization
from tests.conftest import signed_in
from tests.factories import PASSWORD, Persona, make_member


def give_second_factor(persona: Persona) -> str:
    """Activate an authenticator app for the persona, as allauth's set-up page does once the code is
    right; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(persona.user, secret)
    return secret


def code_of(secret: str) -> str:
    """The authenticator app's current code."""
    counters = list(yield_hotp_counters_from_time())  # now, and the periods either side that are accepted
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def signed_in_with_second_factor(persona: Persona) -> Client:
    """A session that proved the persona's second factor (as after signing in with a TOTP code)."""
    client = signed_in(persona)
    session = client.session
    session[SECOND_FACTOR_SET_UP] = str(persona.user.pk)
    session.save()
    return client


def require_two_factor(org: Organization) -> None:
    services.do_set_two_factor_policy(None, org, required=True)


def _events(org: Organization, object_type: str = "core.organization") -> list[AuditEvent]:
    return list(AuditEvent.objects.for_org(org).filter(object_type=object_type).order_by("seq"))


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- switching it ----------------------------------------------------------------------------------

def test_an_admin_with_a_second_factor_requires_it_and_the_trail_records_the_change(org_a, admin):
    give_second_factor(admin)
    services.do_set_two_factor_policy(admin.user, org_a, required=True)
    assert Organization.objects.get(pk=org_a.pk).two_factor_required is True
    event = _events(org_a)[-1]
    assert (event.action, event.actor_label, event.changes) == ("update", "admin@a.test",
                                                                {"two_factor_required": [False, True]})


def test_an_admin_without_a_second_factor_cannot_require_it_because_they_would_lock_themselves_out(org_a, admin):
    before = len(_events(org_a))
    with pytest.raises(ValidationError, match="requiring it now would lock you out of Alpha Clinic") as caught:
        services.do_set_two_factor_policy(admin.user, org_a, required=True)
    message = " ".join(caught.value.message_dict["two_factor_required"])
    assert "lock you out of Alpha Clinic" in message
    assert Organization.objects.get(pk=org_a.pk).two_factor_required is False
    assert len(_events(org_a)) == before


def test_switching_it_off_needs_no_second_factor_and_an_unchanged_setting_records_nothing(org_a, admin):
    require_two_factor(org_a)
    services.do_set_two_factor_policy(admin.user, org_a, required=False)
    assert Organization.objects.get(pk=org_a.pk).two_factor_required is False
    count = len(_events(org_a))
    services.do_set_two_factor_policy(admin.user, org_a, required=False)
    assert len(_events(org_a)) == count


def test_an_operator_switches_it_with_the_cli_and_sees_it_in_the_governance_line(org_a, capsys):
    assert main(["org", "governance", "org-a", "--two-factor-required"]) == 0
    assert "two_factor_required=yes" in capsys.readouterr().out
    assert Organization.objects.get(pk=org_a.pk).two_factor_required is True
    assert main(["org", "governance", "org-a", "--no-two-factor-required"]) == 0
    assert "two_factor_required=no" in capsys.readouterr().out
    assert main(["org", "governance", "org-a"]) == 0
    assert "two_factor_required=no" in capsys.readouterr().out
    assert [e.actor_label for e in _events(org_a)[-2:]] == ["system", "system"]


def test_the_governance_switch_saves_in_place_with_htmx(org_a, admin):
    give_second_factor(admin)
    client = signed_in(admin)
    url = reverse("core:two_factor_policy", kwargs={"org": "org-a"})
    response = client.post(url, {"two_factor_required": "on"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "core/_two_factor_policy.html"
    assert "Required" in response.content.decode()
    assert Organization.objects.get(pk=org_a.pk).two_factor_required is True


def test_the_governance_switch_explains_the_lock_out_and_changes_nothing(org_a, admin):
    client = signed_in(admin)
    url = reverse("core:two_factor_policy", kwargs={"org": "org-a"})
    partial = client.post(url, {"two_factor_required": "on"}, HTTP_HX_REQUEST="true").content.decode()
    assert "would lock you out of Alpha Clinic" in partial
    assert reverse("mfa_activate_totp") in partial
    page = client.post(url, {"two_factor_required": "on"})
    assert page.status_code == 200
    assert page.templates[0].name == "core/governance.html"
    assert "would lock you out" in page.content.decode()
    assert Organization.objects.get(pk=org_a.pk).two_factor_required is False


def test_the_governance_page_shows_the_policy_to_everyone_and_the_switch_to_admins(org_a, admin, cio):
    require_two_factor(org_a)
    give_second_factor(cio)
    give_second_factor(admin)
    url = reverse("core:governance", kwargs={"org": "org-a"})
    as_cio = signed_in_with_second_factor(cio).get(url).content.decode()
    assert "Required" in as_cio
    assert 'name="two_factor_required"' not in as_cio
    assert 'name="two_factor_required"' in signed_in_with_second_factor(admin).get(url).content.decode()


# --- web enforcement -------------------------------------------------------------------------------

@pytest.mark.parametrize("page", ["core:dashboard", "core:members", "core:governance", "core:tokens",
                                  "risks:list"])
def test_a_member_without_a_second_factor_is_sent_to_set_one_up_naming_the_organisation(org_a, cio, page):
    require_two_factor(org_a)
    response = signed_in(cio).get(reverse(page, kwargs={"org": "org-a"}))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert any("Alpha Clinic requires two-factor authentication" in m for m in _messages(response))


def test_a_form_post_without_a_second_factor_changes_nothing(org_a, admin, cio):
    require_two_factor(org_a)
    response = signed_in(admin).post(reverse("core:member_edit", kwargs={"org": "org-a",
                                                                         "member_id": cio.membership.pk}),
                                     {"role": "viewer"})
    assert response["Location"] == reverse("mfa_activate_totp")
    assert Membership.objects.for_org(org_a).get(pk=cio.membership.pk).role == "cio"


def test_an_htmx_request_loads_the_set_up_page_as_a_whole_page(org_a, admin, cio):
    require_two_factor(org_a)
    response = signed_in(admin).get(reverse("core:member_edit", kwargs={"org": "org-a",
                                                                        "member_id": cio.membership.pk}),
                                    HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


def test_the_set_up_page_and_other_organisations_still_open(org_a, org_b, cio):
    require_two_factor(org_a)
    services.do_add_member(None, org_b, cio.user, "auditor")
    client = signed_in(cio)
    assert client.get(reverse("core:dashboard", kwargs={"org": "org-b"})).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get(reverse("account_change_password")).status_code == 200
    assert client.get(reverse("org_list")).status_code == 200


def test_a_member_who_signed_in_with_a_second_factor_works_as_before(org_a, cio):
    require_two_factor(org_a)
    give_second_factor(cio)
    client = signed_in_with_second_factor(cio)
    assert client.get(reverse("core:dashboard", kwargs={"org": "org-a"})).status_code == 200


def test_a_password_only_session_confirms_the_second_factor_then_comes_back(org_a, cio):
    require_two_factor(org_a)
    secret = give_second_factor(cio)
    client = signed_in(cio)  # the password alone, e.g. a session opened before the policy
    page = reverse("risks:list", kwargs={"org": "org-a"}) + "?q=vendor"
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?{urlencode({'next': page})}"
    assert any("confirm with a code" in m for m in _messages(response))
    assert client.get(reverse("core:dashboard", kwargs={"org": "org-a"})).status_code == 302  # still refused
    confirmed = client.post(response["Location"], {"code": code_of(secret)})
    assert confirmed.status_code == 302 and confirmed["Location"] == page
    assert client.get(page).status_code == 200


def test_an_htmx_request_of_a_password_only_session_confirms_and_comes_back_to_the_page(org_a, cio):
    require_two_factor(org_a)
    give_second_factor(cio)
    page = f"http://testserver{reverse('core:members', kwargs={'org': 'org-a'})}"
    response = signed_in(cio).get(reverse("core:audit_trail", kwargs={"org": "org-a"}), HTTP_HX_REQUEST="true",
                                  HTTP_HX_CURRENT_URL=page)
    assert response.status_code == 204
    back = reverse("core:members", kwargs={"org": "org-a"})
    assert response["HX-Redirect"] == f"{reverse('mfa_reauthenticate')}?{urlencode({'next': back})}"


def test_setting_up_an_authenticator_in_this_session_proves_it(org_a, cio, django_capture_on_commit_callbacks):
    require_two_factor(org_a)
    client = Client()  # signed in with the password, as a person does
    client.post(reverse("account_login"), {"login": cio.user.email, "password": PASSWORD})
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # allauth asks before adding one
    setup = client.get(reverse("mfa_activate_totp"))
    secret = setup.context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces the new authenticator on commit
        done = client.post(reverse("mfa_activate_totp"), {"code": code_of(secret)})
    assert done.status_code == 302
    assert client.get(reverse("core:dashboard", kwargs={"org": "org-a"})).status_code == 200


def test_recovery_codes_alone_are_not_a_second_factor(org_a, cio):
    from allauth.mfa.models import Authenticator

    require_two_factor(org_a)
    Authenticator.objects.create(user=cio.user, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "x"})
    assert signed_in(cio).get(reverse("core:dashboard", kwargs={"org": "org-a"})).status_code == 302


def test_the_members_page_shows_admins_who_has_a_second_factor(org_a, admin, cio, ciso):
    give_second_factor(ciso)
    url = reverse("core:members", kwargs={"org": "org-a"})
    response = signed_in(admin).get(url)
    rows = {m.user.email: m.has_second_factor for m in response.context["members"]}
    assert rows == {"admin@a.test": False, "cio@a.test": False, "ciso@a.test": True}
    assert '<th scope="col">Two-factor</th>' in response.content.decode()
    give_second_factor(admin)
    require_two_factor(org_a)
    body = signed_in_with_second_factor(admin).get(url).content.decode()
    assert "none, blocked" in body
    assert "requires two-factor authentication" in body


def test_other_roles_do_not_see_who_lacks_a_second_factor(org_a, admin, cio):
    response = signed_in(cio).get(reverse("core:members", kwargs={"org": "org-a"}))
    assert '<th scope="col">Two-factor</th>' not in response.content.decode()
    assert not any(hasattr(m, "has_second_factor") for m in response.context["members"])


# --- API -------------------------------------------------------------------------------------------

def test_the_api_refuses_a_token_whose_owner_has_no_second_factor(client, org_a, cio):
    headers = cio.auth()
    require_two_factor(org_a)
    response = client.get("/api/v1/orgs/org-a/members/", **headers)
    assert response.status_code == 403
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert "Alpha Clinic requires two-factor authentication" in body["detail"]
    assert "cio@a.test" in body["detail"]
    give_second_factor(cio)
    assert client.get("/api/v1/orgs/org-a/members/", **headers).status_code == 200


def test_the_api_list_of_organisations_refuses_too(client, org_a, cio):
    require_two_factor(org_a)
    response = client.get("/api/v1/orgs/", **cio.auth())
    assert response.status_code == 403
    assert "requires two-factor authentication" in response.json()["detail"]
    give_second_factor(cio)
    assert [o["slug"] for o in client.get("/api/v1/orgs/", **cio.auth()).json()] == ["org-a"]


def test_the_api_reads_and_changes_the_policy(client, org_a, admin):
    give_second_factor(admin)
    assert client.get("/api/v1/orgs/org-a/security-policy/", **admin.auth()).json() == {"two_factor_required": False}
    response = client.put("/api/v1/orgs/org-a/security-policy/", {"two_factor_required": True},
                          content_type="application/json", **admin.auth())
    assert response.status_code == 200
    assert response.json() == {"two_factor_required": True}
    assert client.get("/api/v1/orgs/org-a/", **admin.auth()).json()["two_factor_required"] is True
    assert _events(org_a)[-1].changes == {"two_factor_required": [False, True]}


def test_the_api_refuses_the_lock_out_naming_the_field(client, org_a, admin):
    response = client.put("/api/v1/orgs/org-a/security-policy/", {"two_factor_required": True},
                          content_type="application/json", **admin.auth())
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "two_factor_required"
    assert "lock you out" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("payload", [{}, {"two_factor_required": "perhaps"}, {"two_factor_required": True,
                                                                               "extra": 1}])
def test_the_api_refuses_bad_policy_input(client, org_a, admin, payload):
    give_second_factor(admin)
    response = client.put("/api/v1/orgs/org-a/security-policy/", payload, content_type="application/json",
                          **admin.auth())
    assert response.status_code == 422
    assert Organization.objects.get(pk=org_a.pk).two_factor_required is False


def test_api_members_tell_only_admins_who_has_a_second_factor(client, org_a, admin, cio):
    give_second_factor(cio)
    as_admin = {m["email"]: m["has_second_factor"]
                for m in client.get("/api/v1/orgs/org-a/members/", **admin.auth()).json()["items"]}
    assert as_admin == {"admin@a.test": False, "cio@a.test": True}
    as_cio = client.get("/api/v1/orgs/org-a/members/", **cio.auth()).json()["items"]
    assert {m["has_second_factor"] for m in as_cio} == {None}


def test_a_new_admin_added_to_a_strict_organisation_is_held_to_it(org_a, admin):
    give_second_factor(admin)
    services.do_set_two_factor_policy(admin.user, org_a, required=True)
    newcomer = make_member(org_a, "admin", email="second-admin@a.test")
    assert signed_in(newcomer).get(reverse("core:dashboard", kwargs={"org": "org-a"})).status_code == 302
