"""What a browser or a cache may keep of a signed-in session: no-store answers, the idle sign-out,
and /.well-known/security.txt."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.urls import reverse

from accord.core.middleware import LAST_SEEN
from tests.conftest import signed_in


def test_pages_of_a_signed_in_person_are_not_stored(org_a, admin):
    response = signed_in(admin).get(reverse("core:dashboard", kwargs={"org": org_a.slug}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_api_answers_are_not_stored(org_a, admin):
    client = signed_in(admin)
    assert "no-store" in client.get(f"/api/v1/orgs/{org_a.slug}/members/")["Cache-Control"]
    assert "no-store" in Client().get("/api/v1/orgs/")["Cache-Control"]  # a refusal too


@pytest.mark.django_db
def test_a_public_answer_to_an_anonymous_caller_keeps_its_own_caching():
    response = Client().get(reverse("healthz"))
    assert "no-store" not in response.get("Cache-Control", "")


def _age_session(client: Client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time()) - seconds
    session.save()


def test_a_session_idle_longer_than_the_limit_is_signed_out_on_its_next_request(org_a, admin, settings):
    settings.ACCORD_SESSION_IDLE_MINUTES = 60
    client = signed_in(admin)
    url = reverse("core:dashboard", kwargs={"org": org_a.slug})
    assert client.get(url).status_code == 200
    _age_session(client, 61 * 60)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session


def test_a_session_used_within_the_limit_stays_signed_in_and_its_stamp_moves(org_a, admin, settings):
    settings.ACCORD_SESSION_IDLE_MINUTES = 60
    client = signed_in(admin)
    url = reverse("core:dashboard", kwargs={"org": org_a.slug})
    client.get(url)
    _age_session(client, 59 * 60)
    aged = client.session[LAST_SEEN]
    assert client.get(url).status_code == 200
    assert client.session[LAST_SEEN] > aged  # the request moved the stamp forward


def test_the_last_seen_stamp_is_rewritten_at_most_once_a_minute(org_a, admin):
    client = signed_in(admin)
    url = reverse("core:dashboard", kwargs={"org": org_a.slug})
    client.get(url)
    _age_session(client, 10)
    stamp = client.session[LAST_SEEN]
    client.get(url)
    assert client.session[LAST_SEEN] == stamp


@pytest.mark.django_db
def test_security_txt_names_the_contact_and_an_expiry_within_a_year(settings):
    settings.ACCORD_SECURITY_CONTACT = "mailto:security@example.org"
    settings.ACCORD_BASE_URL = "https://accord.example.org"
    response = Client().get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == "mailto:security@example.org"
    assert fields["Canonical"] == "https://accord.example.org/.well-known/security.txt"
    expires = dt.datetime.strptime(fields["Expires"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert dt.timedelta(0) < expires - dt.datetime.now(dt.UTC) < dt.timedelta(days=365)


@pytest.mark.django_db
def test_security_txt_is_missing_while_no_contact_is_configured(settings):
    settings.ACCORD_SECURITY_CONTACT = ""
    assert Client().get("/.well-known/security.txt").status_code == 404
