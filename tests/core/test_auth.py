"""Signing in: e-mail + password, lock-out, closed sign-up, Argon2, password rules and TOTP second factor."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accord.core import services
from accord.core.models import User
from tests.factories import PASSWORD, make_user

LOGIN = "/accounts/login/"
TOTP_PERIOD = 30


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth counts failed sign-ins in the cache; each test starts and ends with none."""
    cache.clear()
    yield
    cache.clear()


def totp_code(secret: str, at: float | None = None, *, digits: int = 6) -> str:
    """RFC 6238 TOTP (HMAC-SHA1, 30 s steps): what an authenticator app shows for this secret."""
    counter = int(time.time() if at is None else at) // TOTP_PERIOD
    key = base64.b32decode(secret, casefold=True)
    mac = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def current_code(secret: str) -> str:
    """The code of the current time step, never one about to expire (the server accepts only the current
    step), so a test cannot straddle a step boundary between computing and posting the code."""
    if TOTP_PERIOD - time.time() % TOTP_PERIOD < 2:
        time.sleep(2)
    return totp_code(secret)


def wrong_code(secret: str) -> str:
    return f"{(int(totp_code(secret)) + 1) % 10**6:06d}"


def sign_in(client: Client, email: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_totp_helper_matches_the_rfc_6238_test_vector():
    # RFC 6238 appendix B: SHA-1 key "12345678901234567890", T = 59 s -> 94287082 (8 digits).
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert totp_code(secret, at=59, digits=8) == "94287082"


# --- e-mail and password ---------------------------------------------------------------------------

def test_a_member_signs_in_with_email_and_password_and_lands_on_their_dashboard(org_a, cio):
    client = Client()
    response = sign_in(client, "cio@a.test")
    assert response.status_code == 302
    assert is_signed_in(client)
    assert client.get(response["Location"]).url == reverse("core:dashboard", kwargs={"org": org_a.slug})


def test_the_email_address_is_matched_without_regard_to_case(cio):
    client = Client()
    sign_in(client, "CIO@A.Test")
    assert is_signed_in(client)


def test_a_member_of_several_organisations_is_asked_to_choose_one(org_a, org_b, cio):
    services.do_add_member(None, org_b, cio.user, "auditor")
    client = Client()
    response = client.get(sign_in(client, "cio@a.test")["Location"])
    assert response.status_code == 200
    assert response.templates[0].name == "core/org_list.html"
    assert org_a.name in response.content.decode()
    assert org_b.name in response.content.decode()


def test_a_wrong_password_is_refused_with_a_message_that_does_not_reveal_whether_the_account_exists(cio):
    client = Client()
    known = sign_in(client, "cio@a.test", "not-the-password-at-all")
    unknown = sign_in(client, "nobody@a.test", "not-the-password-at-all")
    assert known.status_code == unknown.status_code == 200
    assert not is_signed_in(client)
    assert known.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_a_deactivated_user_cannot_sign_in(cio):
    cio.user.is_active = False
    cio.user.save(update_fields=["is_active"])
    client = Client()
    sign_in(client, "cio@a.test")
    assert not is_signed_in(client)


# --- lock-out ------------------------------------------------------------------------------------

def test_after_five_wrong_passwords_the_account_refuses_even_the_right_one(cio):
    client = Client()
    for _ in range(5):
        assert sign_in(client, "cio@a.test", "wrong-password-guess").status_code == 200
    response = sign_in(client, "cio@a.test")
    assert response.status_code == 200
    assert not is_signed_in(client)
    assert "too many failed" in response.content.decode().lower()


def test_four_wrong_passwords_do_not_lock_the_account(cio):
    client = Client()
    for _ in range(4):
        sign_in(client, "cio@a.test", "wrong-password-guess")
    sign_in(client, "cio@a.test")
    assert is_signed_in(client)


def test_a_locked_account_does_not_lock_out_other_accounts(cio, ciso):
    client = Client()
    for _ in range(5):
        sign_in(client, "cio@a.test", "wrong-password-guess")
    sign_in(client, "ciso@a.test")
    assert is_signed_in(client)


# --- accounts come from operators and admins --------------------------------------------------------

def test_public_sign_up_is_closed(db):
    client = Client()
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    assert "Sign Up Closed" in page.content.decode()
    client.post("/accounts/signup/", {"email": "newcomer@example.test", "password1": "a-long-new-passphrase",
                                      "password2": "a-long-new-passphrase"})
    assert not User.objects.filter(email="newcomer@example.test").exists()
    assert not is_signed_in(client)


def test_the_sign_in_page_does_not_invite_people_to_sign_up(db):
    body = Client().get(LOGIN).content.decode()
    assert "/accounts/signup/" not in body


def test_passwords_are_stored_as_argon2_hashes(db):
    user = make_user("hashed@example.test")
    assert user.password.startswith("argon2")
    assert PASSWORD not in user.password
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Sh0rt!pw", "at least 12 characters"),
        ("password1234", "too common"),
        ("804357129964", "entirely numeric"),
        ("rosalind.franklin", "too similar"),
    ],
)
def test_creating_a_user_rejects_weak_passwords(db, password, reason):
    with pytest.raises(ValidationError, match=reason) as caught:
        services.do_create_user("rosalind.franklin@example.test", password=password, full_name="Rosalind Franklin")
    assert reason in " ".join(caught.value.message_dict["password"])
    assert not User.objects.filter(email="rosalind.franklin@example.test").exists()


# --- TOTP second factor ------------------------------------------------------------------------------

def _activate_totp(email: str) -> str:
    """Go through allauth's activation pages as the person would; return the TOTP secret."""
    client = Client()
    sign_in(client, email)
    activate = reverse("mfa_activate_totp")
    response = client.get(activate)
    # Adding a second factor asks for the password again, then comes back to the activation page.
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": PASSWORD})
    page = client.get(activate)
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret == client.session[SECRET_SESSION_KEY]
    assert secret in page.content.decode()  # shown to type into an app that cannot scan the QR code
    assert client.post(activate, {"code": wrong_code(secret)}).status_code == 200
    assert not Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP).exists()
    done = client.post(activate, {"code": current_code(secret)})
    assert done.status_code == 302
    assert Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP).exists()
    return secret


@pytest.fixture
def totp_secret(cio) -> str:
    return _activate_totp("cio@a.test")


def test_after_activating_totp_the_password_alone_does_not_sign_in(totp_secret):
    client = Client()
    response = sign_in(client, "cio@a.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    assert client.get(reverse("core:dashboard", kwargs={"org": "org-a"})).status_code == 302


def test_a_correct_authenticator_code_completes_the_sign_in(org_a, totp_secret):
    client = Client()
    sign_in(client, "cio@a.test")
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(totp_secret)})
    assert response.status_code == 302
    assert is_signed_in(client)
    assert client.get(reverse("core:dashboard", kwargs={"org": org_a.slug})).status_code == 200


def test_a_wrong_authenticator_code_does_not_sign_in(totp_secret):
    client = Client()
    sign_in(client, "cio@a.test")
    response = client.post(reverse("mfa_authenticate"), {"code": wrong_code(totp_secret)})
    assert response.status_code == 200
    assert "Incorrect code" in response.content.decode()
    assert not is_signed_in(client)


def test_an_authenticator_code_works_only_once(totp_secret):
    first, second = Client(), Client()
    sign_in(first, "cio@a.test")
    sign_in(second, "cio@a.test")
    code = current_code(totp_secret)
    first.post(reverse("mfa_authenticate"), {"code": code})
    second.post(reverse("mfa_authenticate"), {"code": code})
    assert is_signed_in(first)
    assert not is_signed_in(second)


def test_the_dashboard_stops_nagging_once_totp_is_active(org_a, totp_secret):
    client = Client()
    sign_in(client, "cio@a.test")
    client.post(reverse("mfa_authenticate"), {"code": current_code(totp_secret)})
    body = client.get(reverse("core:dashboard", kwargs={"org": org_a.slug})).content.decode()
    assert reverse("mfa_activate_totp") not in body

