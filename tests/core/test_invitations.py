"""Invitations by e-mail for people who have no account yet: inviting, the e-mailed single-use link,
accepting (new account or sign-in), expiry, revocation, re-sending, and the audit trail of each step."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accord.cli import main
from accord.core import services
from accord.core.models import AuditEvent, Invitation, Membership, Organization, User
from accord.core.tokens import hash_token
from tests.conftest import signed_in
from tests.factories import PASSWORD, Persona, make_user

NEW_PASSWORD = "a-fresh-long-passphrase-42"
LINK = re.compile(r"http://testserver/invitations/([A-Za-z0-9_-]+)/")


def invite(mail, admin, email="newcomer@example.test", role="dpo", **flags) -> tuple[Invitation, str]:
    invitation = mail(services.do_invite_member, admin.user, admin.org, email, role, site_url="http://testserver",
                      **flags)
    return invitation, mail.token()


def accept_url(token: str) -> str:
    return reverse("invitation_accept", kwargs={"token": token})


def _events(org: Organization, object_type: str = "core.invitation") -> list[AuditEvent]:
    return list(AuditEvent.objects.for_org(org).filter(object_type=object_type).order_by("seq"))


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _new_account(full_name: str = "Newcomer Person", password: str = NEW_PASSWORD,
                 again: str | None = None) -> dict[str, str]:
    return {"full_name": full_name, "password": password, "password_again": password if again is None else again}


# --- inviting --------------------------------------------------------------------------------------

def test_an_admin_invites_an_address_and_the_email_carries_a_single_use_link(org_a, admin, mail):
    invitation, token = invite(mail, admin, "Newcomer@Example.test", "dpo", external=True)
    assert invitation.email == "newcomer@example.test"
    assert invitation.status == "pending"
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=7)
    [message] = mail.outbox
    assert message.to == ["newcomer@example.test"]
    assert "Alpha Clinic" in message.subject
    assert "admin@a.test invites you to join Alpha Clinic" in message.body
    assert "as DPO" in message.body
    stored = Invitation.objects.for_org(org_a).get()
    assert stored.token_hash == hash_token(token) != token  # only the hash is kept
    [event] = _events(org_a)
    assert token not in str(event.changes)
    assert (event.action, event.actor_label) == ("invite", "admin@a.test")
    assert event.changes["email"] == [None, "newcomer@example.test"]
    assert event.changes["external"] == [None, True]


def test_no_email_leaves_when_the_invitation_is_refused(org_a, admin, cio, mail):
    with pytest.raises(ValidationError, match=r"cio@a\.test is already a member of Alpha Clinic"):
        mail(services.do_invite_member, admin.user, org_a, "cio@a.test", "viewer", site_url="http://testserver")
    assert mail.outbox == []


def test_inviting_an_existing_member_is_refused_naming_the_address(org_a, admin, cio, mail):
    with pytest.raises(ValidationError, match="already a member") as caught:
        invite(mail, admin, "CIO@a.test")
    assert caught.value.message_dict["email"] == ["cio@a.test is already a member of Alpha Clinic."]
    assert not Invitation.objects.for_org(org_a).exists()


def test_an_address_has_one_open_invitation_at_a_time(org_a, admin, mail):
    first, _ = invite(mail, admin)
    with pytest.raises(ValidationError, match="already has an open invitation"):
        invite(mail, admin)
    services.do_revoke_invitation(admin.user, org_a, first)
    second, _ = invite(mail, admin)
    assert second.pk != first.pk


@pytest.mark.parametrize(
    ("email", "role", "flags", "field", "message"),
    [
        ("not-an-address", "dpo", {}, "email", "'not-an-address' is not an e-mail address."),
        ("someone@example.test", "overlord", {}, "role",
         "'overlord' is not a role; choose one of: admin, cio, ciso, dpo, contributor, auditor, viewer."),
        ("someone@example.test", "cio", {"board_representative": True}, "board_representative",
         "Only an admin or a viewer (board) member can represent the CEO/board."),
    ],
)
def test_bad_invitations_are_refused_naming_the_field(org_a, admin, mail, email, role, flags, field, message):
    with pytest.raises(ValidationError, match=re.escape(message)) as caught:
        invite(mail, admin, email, role, **flags)
    assert caught.value.message_dict == {field: [message]}
    assert mail.outbox == []
    assert not Invitation.objects.for_org(org_a).exists()


def test_the_same_address_can_be_invited_to_two_organisations(org_a, org_b, admin, outsider, mail):
    invite(mail, admin)
    invite(mail, outsider)
    assert Invitation.objects.for_org(org_a).count() == Invitation.objects.for_org(org_b).count() == 1


# --- accepting as a newcomer -----------------------------------------------------------------------

def test_a_newcomer_sets_name_and_password_and_joins_with_the_invited_role(org_a, admin, mail):
    invitation, token = invite(mail, admin, role="viewer", board_representative=True)
    client = Client()
    page = client.get(accept_url(token))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Join Alpha Clinic" in body
    assert "newcomer@example.test" in body
    response = client.post(accept_url(token), _new_account())
    assert response.status_code == 302
    assert response["Location"] == reverse("core:dashboard", kwargs={"org": "org-a"})
    user = User.objects.get(email="newcomer@example.test")
    assert user.full_name == "Newcomer Person"
    assert user.check_password(NEW_PASSWORD)
    assert EmailAddress.objects.get(user=user).verified
    membership = Membership.objects.for_org(org_a).get(user=user)
    assert (membership.role, membership.board_representative) == ("viewer", True)
    assert client.get(response["Location"]).status_code == 200  # signed in
    invitation.refresh_from_db()
    assert invitation.status == "accepted"
    assert invitation.accepted_by == user
    accepted = _events(org_a)[-1]
    assert (accepted.action, accepted.actor_label) == ("accept", "newcomer@example.test")
    assert accepted.changes["membership"] == [None, membership.pk]
    joined = _events(org_a, "core.membership")[-1]
    assert (joined.action, joined.actor_label) == ("create", "newcomer@example.test")


@pytest.mark.parametrize("change", ["removed", "demoted"])
def test_an_invitation_lapses_when_its_sender_no_longer_manages_members(org_a, admin, mail, change):
    other_admin = services.do_add_member(None, org_a, make_user("second-admin@a.test"), "admin")
    _, token = invite(mail, admin, "my-other-address@example.test", role="admin")
    if change == "removed":
        services.do_remove_member(other_admin.user, org_a, admin.membership)
    else:
        services.do_change_member(other_admin.user, org_a, admin.membership, role="viewer")
    client = Client()
    response = client.post(accept_url(token), _new_account())
    assert response.status_code == 200
    body = response.content.decode()
    assert "no longer manages the members of Alpha Clinic" in body
    assert not Membership.objects.for_org(org_a).filter(user__email="my-other-address@example.test").exists()
    assert not User.objects.filter(email="my-other-address@example.test").exists()  # nothing half-made


def test_an_operators_invitation_holds_without_an_inviter(org_a, mail):
    invitation = mail(services.do_invite_member, None, org_a, "first@example.test", "admin", site_url="http://testserver")
    response = Client().post(accept_url(mail.token()), _new_account())
    assert response.status_code == 302
    assert Membership.objects.for_org(org_a).get(user__email="first@example.test").role == "admin"
    assert invitation.invited_by is None


def test_the_link_works_only_once(org_a, admin, mail):
    _, token = invite(mail, admin)
    Client().post(accept_url(token), _new_account())
    again = Client().get(accept_url(token))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert Client().post(accept_url(token), _new_account()).status_code == 410
    assert Membership.objects.for_org(org_a).filter(user__email="newcomer@example.test").count() == 1


def test_differing_or_weak_passwords_are_refused_and_the_name_is_kept(org_a, admin, mail):
    invitation, token = invite(mail, admin)
    client = Client()
    differ = client.post(accept_url(token), _new_account(again="something-else-entirely"))
    assert differ.status_code == 200
    assert "The two passwords differ" in differ.content.decode()
    weak = client.post(accept_url(token), _new_account(password="password1234"))
    assert weak.status_code == 200
    body = weak.content.decode()
    assert "too common" in body
    assert 'value="Newcomer Person"' in body
    assert "password1234" not in body  # a password is never echoed back into the page
    nameless = client.post(accept_url(token), _new_account(full_name=""))
    assert "This field is required" in nameless.content.decode()
    assert not User.objects.filter(email="newcomer@example.test").exists()
    invitation.refresh_from_db()
    assert invitation.status == "pending"


def test_a_newcomer_joining_a_strict_organisation_is_sent_to_set_up_a_second_factor(org_a, admin, mail):
    services.do_set_two_factor_policy(None, org_a, required=True)
    _, token = invite(mail, admin)
    client = Client()
    dashboard = client.post(accept_url(token), _new_account())["Location"]
    assert client.get(dashboard)["Location"] == reverse("mfa_activate_totp")


# --- accepting with an existing account ------------------------------------------------------------

def test_someone_with_an_account_signs_in_first_and_then_joins(org_a, org_b, outsider, admin, mail):
    _, token = invite(mail, admin, "admin@canaryb.test", "auditor")
    anonymous = Client()
    page = anonymous.get(accept_url(token)).content.decode()
    assert "Sign in to accept" in page
    assert f"next={accept_url(token).replace('/', '%2F')}" in page
    assert 'name="password"' not in page
    anonymous.post(accept_url(token), _new_account())  # cannot create a second account for the address
    assert not Membership.objects.for_org(org_a).filter(user=outsider.user).exists()

    client = signed_in(outsider)
    assert "Join Alpha Clinic" in client.get(accept_url(token)).content.decode()
    response = client.post(accept_url(token))
    assert response["Location"] == reverse("core:dashboard", kwargs={"org": "org-a"})
    assert Membership.objects.for_org(org_a).get(user=outsider.user).role == "auditor"
    assert User.objects.filter(email="admin@canaryb.test").count() == 1


def test_the_sign_in_page_brings_the_invitee_back_to_the_invitation(org_a, admin, mail):
    make_user("returning@example.test")
    _, token = invite(mail, admin, "returning@example.test")
    client = Client()
    response = client.post(f"{reverse('account_login')}?next={accept_url(token)}",
                           {"login": "returning@example.test", "password": PASSWORD})
    assert response["Location"] == accept_url(token)


def test_someone_signed_in_with_another_address_cannot_accept(org_a, admin, cio, mail):
    _, token = invite(mail, admin)
    client = signed_in(cio)
    assert "you are signed in as cio@a.test" in client.get(accept_url(token)).content.decode()
    response = client.post(accept_url(token))
    assert response.status_code == 200
    assert "This invitation is for newcomer@example.test" in response.content.decode()
    assert Invitation.objects.for_org(org_a).get().status == "pending"


def test_an_invitee_who_became_a_member_meanwhile_gets_a_clear_error(org_a, admin, mail):
    user = make_user("newcomer@example.test")
    _, token = invite(mail, admin)
    services.do_add_member(admin.user, org_a, user, "cio")
    member = Persona(user=user, membership=Membership.objects.for_org(org_a).get(user=user), org=org_a)
    response = signed_in(member).post(accept_url(token))
    assert "already a member of Alpha Clinic" in response.content.decode()
    assert Membership.objects.for_org(org_a).get(user=user).role == "cio"


# --- expired, revoked, unknown ---------------------------------------------------------------------

def test_an_expired_invitation_gives_a_clear_page_and_no_membership(org_a, admin, mail):
    invitation, token = invite(mail, admin)
    Invitation.objects.for_org(org_a).filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1))
    page = Client().get(accept_url(token))
    assert page.status_code == 410
    assert "expired" in page.content.decode()
    assert "Ask an administrator of Alpha Clinic" in page.content.decode()
    assert Client().post(accept_url(token), _new_account()).status_code == 410
    assert not User.objects.filter(email="newcomer@example.test").exists()


def test_a_revoked_invitation_gives_a_clear_page_and_no_membership(org_a, admin, mail):
    invitation, token = invite(mail, admin)
    services.do_revoke_invitation(admin.user, org_a, invitation)
    page = Client().get(accept_url(token))
    assert page.status_code == 410
    assert "withdrawn" in page.content.decode()
    assert Client().post(accept_url(token), _new_account()).status_code == 410
    assert not User.objects.filter(email="newcomer@example.test").exists()
    assert [e.action for e in _events(org_a)] == ["invite", "revoke"]


def test_an_unknown_link_says_it_is_not_valid(db):
    page = Client().get(accept_url("no-such-token"))
    assert page.status_code == 404
    assert "not valid" in page.content.decode()


def test_the_service_refuses_a_closed_invitation_too(org_a, admin, mail):
    invitation, _ = invite(mail, admin)
    services.do_revoke_invitation(admin.user, org_a, invitation)
    with pytest.raises(ValidationError, match="withdrawn"):
        services.do_accept_invitation(invitation, full_name="Someone", password=NEW_PASSWORD)


# --- re-sending and revoking -----------------------------------------------------------------------

def test_sending_again_replaces_the_link_and_renews_the_expiry(org_a, admin, mail):
    invitation, old_token = invite(mail, admin)
    Invitation.objects.for_org(org_a).filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(days=1))
    invitation.refresh_from_db()
    assert invitation.status == "expired"
    mail(services.do_resend_invitation, admin.user, org_a, invitation, site_url="http://testserver")
    new_token = mail.token()
    assert new_token != old_token
    assert len(mail.outbox) == 2
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert Client().get(accept_url(old_token)).status_code == 404
    assert Client().get(accept_url(new_token)).status_code == 200
    event = _events(org_a)[-1]
    assert event.action == "resend"
    assert list(event.changes) == ["expires_at"]


def test_accepted_invitations_can_be_neither_revoked_nor_sent_again(org_a, admin, mail):
    invitation, token = invite(mail, admin)
    Client().post(accept_url(token), _new_account())
    with pytest.raises(ValidationError, match="remove the member instead"):
        services.do_revoke_invitation(admin.user, org_a, invitation)
    with pytest.raises(ValidationError, match="cannot be sent again"):
        services.do_resend_invitation(admin.user, org_a, invitation, site_url="http://testserver")


def test_revoking_twice_records_one_event(org_a, admin, mail):
    invitation, _ = invite(mail, admin)
    services.do_revoke_invitation(admin.user, org_a, invitation)
    services.do_revoke_invitation(admin.user, org_a, invitation)
    assert [e.action for e in _events(org_a)] == ["invite", "revoke"]


# --- the members page ------------------------------------------------------------------------------

def test_an_admin_invites_from_the_members_page(org_a, admin, mail):
    client = signed_in(admin)
    response = mail(client.post, reverse("core:invitation_create", kwargs={"org": "org-a"}),
                    {"email": "newcomer@example.test", "role": "ciso", "external": "on"})
    assert response["Location"] == reverse("core:members", kwargs={"org": "org-a"})
    assert "Invitation sent to newcomer@example.test" in " ".join(_messages(response))
    assert mail.outbox[0].to == ["newcomer@example.test"]
    assert mail.token()  # the link points at the address the admin used
    invitation = Invitation.objects.for_org(org_a).get()
    assert (invitation.role, invitation.external, invitation.invited_by) == ("ciso", True, admin.user)
    page = client.get(reverse("core:members", kwargs={"org": "org-a"})).content.decode()
    assert "newcomer@example.test" in page
    assert "Send again" in page


def test_a_refused_invitation_shows_its_error_and_keeps_the_input(org_a, admin, cio, mail):
    response = mail(signed_in(admin).post, reverse("core:invitation_create", kwargs={"org": "org-a"}),
                    {"email": "cio@a.test", "role": "auditor"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "cio@a.test is already a member of Alpha Clinic." in body
    assert 'value="cio@a.test"' in body
    assert mail.outbox == []


def test_links_start_with_the_configured_base_url(org_a, admin, mail, settings):
    settings.ACCORD_BASE_URL = "https://accord.example.org"
    mail(signed_in(admin).post, reverse("core:invitation_create", kwargs={"org": "org-a"}),
         {"email": "newcomer@example.test", "role": "viewer"})
    assert "https://accord.example.org/invitations/" in mail.outbox[0].body


def test_a_base_url_that_is_not_a_web_address_stops_accord_with_one_line(tmp_path):
    from tests.core.test_security import ACCORD, _production_env, _run

    done = _run([str(ACCORD), "check"], _production_env(tmp_path, ACCORD_BASE_URL="accord.example.org"), tmp_path)
    assert done.returncode != 0
    assert "ACCORD_BASE_URL" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_the_page_buttons_send_again_and_revoke(org_a, admin, mail):
    invitation, _ = invite(mail, admin)
    client = signed_in(admin)
    kwargs = {"org": "org-a", "invitation_id": invitation.pk}
    resent = mail(client.post, reverse("core:invitation_resend", kwargs=kwargs))
    assert "sent again" in " ".join(_messages(resent))
    assert len(mail.outbox) == 2
    revoked = client.post(reverse("core:invitation_revoke", kwargs=kwargs))
    assert "is revoked" in " ".join(_messages(revoked))
    assert list(client.get(reverse("core:members", kwargs={"org": "org-a"})).context["invitations"]) == []
    refused = client.post(reverse("core:invitation_resend", kwargs=kwargs))
    assert "cannot be sent again" in " ".join(_messages(refused))


def test_only_admins_see_invitations(org_a, admin, cio, mail):
    invite(mail, admin)
    url = reverse("core:members", kwargs={"org": "org-a"})
    assert "newcomer@example.test" in signed_in(admin).get(url).content.decode()
    assert "newcomer@example.test" not in signed_in(cio).get(url).content.decode()


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("connection refused by the mail server")


@pytest.mark.django_db(transaction=True)  # real commits: the e-mail leaves after the invitation's own commit
def test_when_mail_fails_the_invitation_is_kept_and_the_admin_told_to_send_it_again(org_a, admin, settings):
    settings.EMAIL_BACKEND = "tests.core.test_invitations.RefusingBackend"
    client = signed_in(admin)
    response = client.post(reverse("core:invitation_create", kwargs={"org": "org-a"}),
                           {"email": "newcomer@example.test", "role": "viewer"})
    assert response.status_code == 302
    assert "its e-mail could not be sent (connection refused by the mail server)" in " ".join(_messages(response))
    invitation = Invitation.objects.for_org(org_a).get()
    assert invitation.status == "pending"
    resent = client.post(reverse("core:invitation_resend", kwargs={"org": "org-a", "invitation_id": invitation.pk}))
    said = " ".join(_messages(resent))
    assert "could not be sent" in said
    assert "The earlier link no longer works." in said  # the new link replaced it, though it never arrived
    assert "earlier link" not in " ".join(_messages(response))
    assert [e.action for e in _events(org_a)] == ["invite", "resend"]


@pytest.mark.django_db(transaction=True)
def test_when_mail_fails_the_api_answers_502_in_the_error_shape(client, org_a, admin, settings):
    headers = admin.auth()
    settings.EMAIL_BACKEND = "tests.core.test_invitations.RefusingBackend"
    response = client.post("/api/v1/orgs/org-a/invitations/", {"email": "newcomer@example.test", "role": "dpo"},
                           content_type="application/json", **headers)
    assert response.status_code == 502
    assert set(response.json()) == {"detail", "errors"}
    assert "is saved, but its e-mail could not be sent" in response.json()["detail"]
    assert Invitation.objects.for_org(org_a).get().status == "pending"


def test_the_members_page_answers_in_as_many_queries_with_more_invitations(org_a, admin, mail):
    client = signed_in(admin)
    url = reverse("core:members", kwargs={"org": "org-a"})
    invite(mail, admin, "first@example.test")
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for n in range(10):
        invite(mail, admin, f"more{n}@example.test")
    with CaptureQueriesContext(connection) as large:
        client.get(url)
    assert len(large.captured_queries) == len(small.captured_queries)


# --- API -------------------------------------------------------------------------------------------

def test_the_api_invites_lists_and_revokes(client, org_a, admin, mail):
    response = mail(client.post, "/api/v1/orgs/org-a/invitations/",
                    {"email": "newcomer@example.test", "role": "dpo", "external": True},
                    content_type="application/json", **admin.auth())
    assert response.status_code == 201
    body = response.json()
    assert (body["email"], body["role"], body["external"], body["status"]) == ("newcomer@example.test", "dpo", True,
                                                                            "pending")
    assert mail.token() not in response.content.decode()
    assert "token" not in " ".join(body)
    listed = client.get("/api/v1/orgs/org-a/invitations/?status=pending", **admin.auth()).json()
    assert [i["id"] for i in listed["items"]] == [body["id"]]
    revoked = client.post(f"/api/v1/orgs/org-a/invitations/{body['id']}/revoke/", **admin.auth())
    assert revoked.json()["status"] == "revoked"
    assert client.get("/api/v1/orgs/org-a/invitations/?status=pending", **admin.auth()).json()["count"] == 0
    assert client.get("/api/v1/orgs/org-a/invitations/?status=revoked", **admin.auth()).json()["count"] == 1


def test_the_api_sends_an_invitation_again(client, org_a, admin, mail):
    invitation, old = invite(mail, admin)
    response = mail(client.post, f"/api/v1/orgs/org-a/invitations/{invitation.pk}/resend/", **admin.auth())
    assert response.status_code == 200
    assert mail.token() != old


@pytest.mark.parametrize(
    ("payload", "field", "status"),
    [
        ({"email": "cio@a.test", "role": "dpo"}, "email", 409),  # already a member: a conflict with the state
        ({"email": "someone@example.test", "role": "king"}, "role", 422),
        ({"email": "someone@example.test"}, "role", 422),
        ({"email": "someone@example.test", "role": "dpo", "token": "chosen"}, "token", 422),
    ],
)
def test_the_api_refuses_bad_invitations_naming_the_field(client, org_a, admin, cio, mail, payload, field, status):
    response = mail(client.post, "/api/v1/orgs/org-a/invitations/", payload, content_type="application/json",
                    **admin.auth())
    assert response.status_code == status
    assert field in [e["field"] for e in response.json()["errors"]]
    assert mail.outbox == []


def test_the_api_refuses_a_bad_status_filter(client, org_a, admin):
    response = client.get("/api/v1/orgs/org-a/invitations/?status=lost", **admin.auth())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"


# --- CLI -------------------------------------------------------------------------------------------

def test_an_operator_invites_lists_resends_and_revokes_with_the_cli(org_a, mail, capsys):
    code = mail(main, ["invite", "send", "org-a", "newcomer@example.test", "cio", "--site-url",
                       "https://accord.example.org"])
    assert code == 0
    assert "invited newcomer@example.test to org-a as CIO" in capsys.readouterr().out
    assert "https://accord.example.org/invitations/" in mail.outbox[0].body
    assert main(["invite", "list", "org-a"]) == 0
    assert "newcomer@example.test\tcio\tpending" in capsys.readouterr().out
    assert mail(main, ["invite", "resend", "org-a", "newcomer@example.test", "--site-url",
                       "https://accord.example.org"]) == 0
    assert len(mail.outbox) == 2
    assert main(["invite", "revoke", "org-a", "newcomer@example.test"]) == 0
    capsys.readouterr()
    assert main(["invite", "list", "org-a"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["invite", "list", "org-a", "--all"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert [e.actor_label for e in _events(org_a)] == ["system"] * 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["invite", "send", "org-a", "x@example.test", "cio"], "ACCORD_BASE_URL"),
        (["invite", "send", "org-a", "x@example.test", "cio", "--site-url", "accord.example.org"], "web address"),
        (["invite", "revoke", "org-a", "nobody@example.test"], "no open invitation"),
        (["invite", "send", "nowhere", "x@example.test", "cio", "--site-url", "https://a.example"], "no organisation"),
    ],
)
def test_cli_invitation_errors_are_one_line(org_a, capsys, args, message):
    assert main(args) != 0
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1
