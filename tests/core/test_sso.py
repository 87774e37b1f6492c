"""Single sign-on through an organisation's identity provider (decision 0033), against a real OpenID Connect
provider (django-oauth-toolkit) running in a second process: Accord's callback calls its token and userinfo
endpoints over HTTP. Who signs in, who joins (and as what), whose account is never taken over, and which
organisations a session that came through the provider opens."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from accord.core import services
from accord.core.choices import AuditAction, Role
from accord.core.models import AuditEvent, Membership, Organization, User
from tests.conftest import signed_in
from tests.core.sso_provider import Provider, running_provider, sign_in_through
from tests.factories import PASSWORD, make_member

CALLBACK = "http://testserver/accounts/oidc/acme/login/callback/"


@pytest.fixture(scope="module")
def provider(tmp_path_factory: pytest.TempPathFactory):
    with running_provider(tmp_path_factory.mktemp("idp"), [CALLBACK]) as running:
        yield running


@pytest.fixture(autouse=True)
def private_issuers_allowed(settings) -> None:
    """The test provider listens on plain http at 127.0.0.1, which only this operator setting lets an issuer be."""
    settings.ACCORD_SSO_ALLOW_PRIVATE_ISSUERS = True


def trust(org: Organization, provider: Provider, *, join_role: str = "", required: bool = False) -> None:
    """`org` trusts the provider for acme.test, which a member of its own (its IT admin, if nobody else) has an
    address at, as the service requires."""
    if not Membership.objects.for_org(org).filter(user__email__endswith="@acme.test", external=False).exists():
        make_member(org, Role.ADMIN, email="it-admin@acme.test")
    services.do_set_identity_provider(None, org, issuer=provider.issuer, client_id=provider.client_id,
                                      client_secret=provider.client_secret, allowed_domains=["acme.test"],
                                      join_role=join_role)
    if required:
        services.do_set_sso_policy(None, org, required=True)


def signed_in_user(client: Client) -> User | None:
    pk = client.session.get(SESSION_KEY)
    return User.objects.filter(pk=pk).first() if pk else None


def texts(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


# --- signing in -------------------------------------------------------------------------------------------

def test_a_member_of_the_organisation_that_trusts_the_provider_signs_in_through_it(provider, acme):
    alice = make_member(acme, Role.CISO, email="alice@acme.test")
    trust(acme, provider)
    client = Client()
    answer = sign_in_through(client, "acme", "alice")
    assert answer.status_code == 302 and answer["Location"] == "/o/acme/"
    assert signed_in_user(client) == alice.user
    assert client.get("/o/acme/").status_code == 200
    linked = SocialAccount.objects.get(provider="acme")
    assert linked.user == alice.user
    event = AuditEvent.objects.for_org(acme).filter(action=AuditAction.LINK).get()
    assert event.actor_id == alice.user.pk and event.changes["identity_provider_subject"] == [None, linked.uid]
    # The second time the link alone signs her in, with nothing more recorded.
    again = Client()
    assert sign_in_through(again, "acme", "alice")["Location"] == "/o/acme/"
    assert signed_in_user(again) == alice.user
    assert AuditEvent.objects.for_org(acme).filter(action=AuditAction.LINK).count() == 1


def test_a_session_that_came_through_the_provider_opens_no_other_organisation(provider, acme, beta):
    carol = make_member(acme, Role.CONTRIBUTOR, email="carol@acme.test")
    services.do_add_member(None, beta, carol.user, Role.ADMIN)
    trust(acme, provider, join_role="viewer")
    client = Client()
    sign_in_through(client, "acme", "carol")
    assert client.get("/o/acme/").status_code == 200
    refused = client.get("/o/beta/")
    assert refused.status_code == 302 and refused["Location"].startswith(reverse("account_reauthenticate"))
    assert "opens that organisation only: confirm your password to open Beta Bank" in texts(refused)
    assert client.get("/o/beta/risks/").status_code == 302
    # Confirming the account's own password opens it.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get("/o/beta/").status_code == 200


def test_someone_who_joins_through_the_provider_gets_the_join_role_in_that_organisation_only(provider, acme, beta):
    make_member(beta, Role.ADMIN)
    trust(acme, provider, join_role="viewer")
    client = Client()
    assert sign_in_through(client, "acme", "newbie")["Location"] == "/o/acme/"
    newbie = User.objects.get(email="newbie@acme.test")
    assert signed_in_user(client) == newbie
    assert newbie.full_name == "New Person" and not newbie.has_usable_password()
    assert [(m.organization.slug, m.role) for m in Membership.unscoped.filter(user=newbie)] == [("acme", "viewer")]
    assert AuditEvent.objects.for_org(acme).filter(action=AuditAction.JOIN, actor_id=newbie.pk).count() == 1
    assert client.get("/o/acme/").status_code == 200
    assert client.get("/o/acme/members/").status_code == 200
    assert client.get("/o/acme/governance/").status_code == 200
    assert client.post("/o/acme/governance/", {"ciso_reports_to": "ceo", "ciso_model": "internal",
                                               "dpo_model": "internal"}).status_code == 403
    assert client.get("/o/beta/").status_code == 404  # no membership there, and none was made


def test_nobody_joins_when_the_organisation_gives_no_join_role(provider, acme):
    trust(acme, provider, join_role="")
    client = Client()
    answer = sign_in_through(client, "acme", "newbie")
    assert answer["Location"] == reverse("account_login")
    assert "cannot sign this account in" in texts(answer)
    assert signed_in_user(client) is None and not User.objects.filter(email="newbie@acme.test").exists()


def test_a_provider_asserting_the_address_of_an_account_it_does_not_hold_takes_nothing_over(provider, acme, beta):
    # bob@acme.test has an Accord account, in Beta only: Acme's provider says it is him, verified, in an allowed
    # domain, and Acme lets people join; still his account is neither linked, signed in nor made a member of Acme.
    bob = make_member(beta, Role.ADMIN, email="bob@acme.test")
    victim = make_member(beta, Role.CISO, email="victim@elsewhere.test")
    trust(acme, provider, join_role="viewer")
    for username in ("bob", "mallory"):
        client = Client()
        answer = sign_in_through(client, "acme", username)
        assert answer["Location"] == reverse("account_login")
        assert "cannot sign this account in to Accord" in texts(answer)
        assert signed_in_user(client) is None
    assert not SocialAccount.objects.filter(user__in=[bob.user, victim.user]).exists()
    assert not Membership.objects.for_org(acme).filter(user__in=[bob.user, victim.user]).exists()
    assert bob.user.has_usable_password()


def test_an_external_members_account_is_not_the_clients_provider_to_link(provider, acme):
    make_member(acme, Role.CISO, email="vic@acme.test", external=True)
    trust(acme, provider, join_role="viewer")
    client = Client()
    assert sign_in_through(client, "acme", "vic")["Location"] == reverse("account_login")
    assert signed_in_user(client) is None and not SocialAccount.objects.exists()


def test_an_address_the_provider_does_not_call_verified_is_refused(provider, acme):
    make_member(acme, Role.CISO, email="eve@acme.test")
    trust(acme, provider, join_role="viewer")
    client = Client()
    answer = sign_in_through(client, "acme", "eve")
    assert answer["Location"] == reverse("account_login")
    assert "did not confirm that your e-mail address is verified" in texts(answer)
    assert signed_in_user(client) is None and not SocialAccount.objects.exists()


# --- an organisation that requires single sign-on ------------------------------------------------------------

def test_an_organisation_that_requires_it_refuses_password_sign_in(provider, acme, beta):
    alice = make_member(acme, Role.CISO, email="alice@acme.test")
    carol = make_member(acme, Role.CONTRIBUTOR, email="carol@acme.test")
    services.do_add_member(None, beta, carol.user, Role.ADMIN)
    trust(acme, provider, required=True)
    # Alice's only organisation requires it: her (right) password is refused, with the way in named.
    page = Client().post(reverse("account_login"), {"login": alice.user.email, "password": PASSWORD})
    assert page.status_code == 200
    assert "Acme Health requires signing in through its identity provider, not with a password" in page.content.decode()
    # A wrong password says only that it is wrong.
    wrong = Client().post(reverse("account_login"), {"login": alice.user.email, "password": "not-it-at-all"})
    assert "identity provider" not in wrong.content.decode()
    # Carol's password opens Beta, not Acme, which sends her through its provider, and then opens.
    client = Client()
    assert client.post(reverse("account_login"), {"login": carol.user.email, "password": PASSWORD}).status_code == 302
    assert client.get("/o/beta/").status_code == 200
    refused = client.get("/o/acme/risks/")
    assert refused.status_code == 302
    assert refused["Location"] == "/accounts/sso/?organisation=acme&next=%2Fo%2Facme%2Frisks%2F"
    assert "Acme Health requires signing in through its identity provider." in texts(refused)
    answer = sign_in_through(client, "acme", "carol")
    assert answer.status_code == 302
    assert client.get("/o/acme/").status_code == 200
    # A session signed in before the requirement, without the provider, stays shut out too.
    assert signed_in(alice).get("/o/acme/").status_code == 302


def test_the_sign_in_page_offers_the_organisations_sign_in_without_listing_any(provider, acme):
    trust(acme, provider)
    page = Client().get(reverse("account_login")).content.decode()
    assert 'action="/accounts/sso/"' in page and "Acme Health" not in page and "acme" not in page
    unknown = Client().get("/accounts/sso/", {"organisation": "nobody-here"})
    assert unknown["Location"] == reverse("account_login")
    assert "No organisation named 'nobody-here' signs in through an identity provider" in texts(unknown)


def test_a_member_with_a_second_factor_still_gives_its_code_after_the_provider(provider, acme):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    alice = make_member(acme, Role.CISO, email="alice@acme.test")
    TOTP.activate(alice.user, generate_totp_secret())
    trust(acme, provider)
    client = Client()
    answer = sign_in_through(client, "acme", "alice")
    assert answer.status_code == 302 and answer["Location"] == reverse("mfa_authenticate")
    assert signed_in_user(client) is None  # not until the code is given


def test_an_account_without_a_password_reaches_its_other_organisations_only_with_one(provider, acme, beta):
    trust(acme, provider, join_role="contributor")
    client = Client()
    sign_in_through(client, "acme", "newbie")
    newbie = User.objects.get(email="newbie@acme.test")
    services.do_add_member(None, beta, newbie, Role.VIEWER)
    refused = client.get("/o/beta/")
    assert refused.status_code == 302 and refused["Location"] == reverse("org_list")
    assert "your account has no password: Beta Bank stays closed to this session" in texts(refused)


# --- a provider that does not answer -------------------------------------------------------------------------

def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when this returns: nothing listens there


@pytest.fixture
def garbage_server():
    """A server on 127.0.0.1 that answers every request with 200 and a page that is not a discovery document."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Garbage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"hello": "not a discovery document"}')

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Garbage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/o"
    server.shutdown()
    server.server_close()


def _set_issuer(org: Organization, issuer: str) -> None:
    make_member(org, Role.ADMIN, email="it-admin@acme.test")
    services.do_set_identity_provider(None, org, issuer=issuer, client_id="accord", client_secret="s3cret",
                                      allowed_domains=["acme.test"], join_role="viewer")


def _login_page(client: Client):
    assert client.get("/accounts/sso/", {"organisation": "acme"}).status_code == 302
    return client.post("/accounts/oidc/acme/login/", {"process": "login"})


def test_a_provider_that_refuses_connections_gets_the_visitor_a_clear_page_not_a_server_error(acme):
    _set_issuer(acme, f"http://127.0.0.1:{_closed_port()}/internal")
    answer = _login_page(Client())
    assert answer.status_code == 502
    page = answer.content.decode()
    assert ("The identity provider of Acme Health did not answer; try again later, or sign in with your password "
            "if Acme Health allows it.") in page
    assert 'href="/accounts/login/"' in page


def test_a_provider_that_answers_garbage_gets_the_visitor_the_same_page(acme, garbage_server):
    _set_issuer(acme, garbage_server)
    answer = _login_page(Client())
    assert answer.status_code == 502
    assert "The identity provider of Acme Health did not answer" in answer.content.decode()


def test_a_provider_whose_discovery_is_missing_gets_the_visitor_the_same_page(provider, acme):
    _set_issuer(acme, provider.issuer + "/nowhere")
    answer = _login_page(Client())
    assert answer.status_code == 502
    assert "The identity provider of Acme Health did not answer" in answer.content.decode()


def test_without_the_operator_setting_a_loopback_issuer_saved_earlier_is_not_reached(provider, acme, settings):
    trust(acme, provider)
    settings.ACCORD_SSO_ALLOW_PRIVATE_ISSUERS = False  # the operator withdrew it: sign-in checks again
    answer = _login_page(Client())
    assert answer.status_code == 502
    assert "The identity provider of Acme Health did not answer" in answer.content.decode()
