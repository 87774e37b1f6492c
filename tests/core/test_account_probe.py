"""An organisation's admin cannot learn whether an e-mail address has an account on the installation,
nor add its owner without their consent: adding someone by e-mail always sends an invitation they
accept, and every front answers the same whether the address has an account or not."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from accord.cli import main
from accord.core import services
from accord.core.models import Invitation, Membership
from tests.conftest import signed_in
from tests.core.test_invitations import accept_url
from tests.factories import Persona, make_user

KNOWN, UNKNOWN = "known@elsewhere.test", "unknown@elsewhere.test"
ROLES_LISTED = "choose one of: admin, cio, ciso, dpo, contributor, auditor, viewer"


@pytest.fixture
def known(org_b) -> None:
    """An account on the installation, in another organisation only."""
    user = make_user(KNOWN, full_name="Known Person")
    services.do_add_member(None, org_b, user, "viewer")


def _same(text: str, email: str) -> str:
    """The answer with the address and anything random (ids, tokens, times) taken out."""
    text = text.replace(email, "EMAIL")
    text = re.sub(r"/invitations/[A-Za-z0-9_-]+/", "/invitations/TOKEN/", text)
    text = re.sub(r"invitation-\d+|invitation_id=\d+|/invitations/\d+/", "ID", text)
    return re.sub(r"csrfmiddlewaretoken\" value=\"[^\"]+\"", "CSRF", text)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_members_page_offers_no_way_to_add_an_account_directly(org_a, admin, known):
    client = signed_in(admin)
    page = client.get(reverse("core:members", kwargs={"org": "org-a"})).content.decode()
    assert "existing Accord user" not in page
    response = client.post(reverse("core:members", kwargs={"org": "org-a"}), {"email": KNOWN, "role": "viewer"})
    assert response.status_code == 405
    assert not Membership.objects.for_org(org_a).filter(user__email=KNOWN).exists()


def test_inviting_an_address_with_an_account_answers_exactly_as_one_without(org_a, admin, known, mail):
    answers = []
    for email in (KNOWN, UNKNOWN):
        response = mail(signed_in(admin).post, reverse("core:invitation_create", kwargs={"org": "org-a"}),
                        {"email": email, "role": "dpo"})
        answers.append((response.status_code, response["Location"], [_same(m, email) for m in _messages(response)]))
    assert answers[0] == answers[1]
    first, second = ((_same(m.subject, m.to[0]), _same(m.body, m.to[0])) for m in mail.outbox)
    assert first == second
    assert not Membership.objects.for_org(org_a).filter(user__email=KNOWN).exists()


def test_the_api_answers_the_same_whatever_exists(client, org_a, admin, known, mail):
    bodies = []
    for email in (KNOWN, UNKNOWN):
        response = mail(client.post, "/api/v1/orgs/org-a/invitations/", {"email": email, "role": "dpo"},
                        content_type="application/json", **admin.auth())
        assert response.status_code == 201
        body = response.json()
        bodies.append({k: v for k, v in body.items()
                       if k not in ("id", "email", "created_at", "sent_at", "expires_at")})
    assert bodies[0] == bodies[1]
    assert not Membership.objects.for_org(org_a).filter(user__email=KNOWN).exists()


def test_the_cli_answers_the_same_whatever_exists(org_a, known, mail, capsys):
    outputs = []
    for email in (KNOWN, UNKNOWN):
        assert mail(main, ["invite", "send", "org-a", email, "dpo", "--site-url", "http://testserver"]) == 0
        outputs.append(_same(capsys.readouterr().out, email))
    assert outputs[0] == outputs[1]


def test_the_person_with_an_account_joins_only_once_they_accept(org_a, org_b, admin, known, mail):
    client = signed_in(admin)
    mail(client.post, reverse("core:invitation_create", kwargs={"org": "org-a"}), {"email": KNOWN, "role": "dpo"})
    assert not Membership.objects.for_org(org_a).filter(user__email=KNOWN).exists()
    user = Membership.objects.for_org(org_b).get(user__email=KNOWN).user
    invitee = Persona(user=user, membership=Membership.objects.for_org(org_b).get(user=user), org=org_b)
    response = signed_in(invitee).post(accept_url(mail.token()))
    assert response["Location"] == reverse("core:dashboard", kwargs={"org": "org-a"})
    assert Membership.objects.for_org(org_a).get(user=user).role == "dpo"


def test_a_bad_role_is_refused_naming_every_role_by_the_service(org_a, admin, mail):
    with pytest.raises(ValidationError, match=ROLES_LISTED) as caught:
        mail(services.do_invite_member, admin.user, org_a, UNKNOWN, "overlord", site_url="http://testserver")
    assert caught.value.message_dict == {"role": [f"'overlord' is not a role; {ROLES_LISTED}."]}
    assert not Invitation.objects.for_org(org_a).exists()


def test_a_bad_role_is_refused_naming_every_role_on_the_page(org_a, admin, mail):
    response = mail(signed_in(admin).post, reverse("core:invitation_create", kwargs={"org": "org-a"}),
                    {"email": UNKNOWN, "role": "overlord"})
    assert response.status_code == 200
    assert f"&#x27;overlord&#x27; is not a role; {ROLES_LISTED}." in response.content.decode()


def test_a_bad_role_is_refused_naming_every_role_by_the_api_and_the_cli(client, org_a, admin, mail, capsys):
    response = mail(client.post, "/api/v1/orgs/org-a/invitations/", {"email": UNKNOWN, "role": "overlord"},
                    content_type="application/json", **admin.auth())
    assert response.status_code == 422
    message = next(e["message"] for e in response.json()["errors"] if e["field"] == "role")
    assert all(role in message for role in ("admin", "cio", "ciso", "dpo", "contributor", "auditor", "viewer"))
    assert main(["invite", "send", "org-a", UNKNOWN, "overlord", "--site-url", "http://testserver"]) == 2
    err = capsys.readouterr().err
    assert all(role in err for role in ("admin", "cio", "ciso", "dpo", "contributor", "auditor", "viewer"))
