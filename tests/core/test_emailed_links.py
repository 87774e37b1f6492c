"""Every link Accord e-mails starts with ACCORD_BASE_URL, whatever host the request that sent it named."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

FOREIGN = "attacker.example"


@pytest.fixture
def foreign_host_allowed(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, FOREIGN]
    settings.ACCORD_BASE_URL = "https://accord.example.org"


def _links(message) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", message.body)


def test_a_password_reset_asked_on_a_foreign_host_links_to_the_base_url(cio, foreign_host_allowed):
    response = Client(HTTP_HOST=FOREIGN).post(reverse("account_reset_password"), {"email": "cio@a.test"})
    assert response.status_code == 302
    (message,) = mail.outbox
    links = _links(message)
    assert links, message.body
    assert all(link.startswith("https://accord.example.org/accounts/password/reset/key/") for link in links), links
    assert FOREIGN not in message.body + message.subject


@pytest.mark.django_db
def test_a_reset_asked_for_an_unknown_address_on_a_foreign_host_names_no_foreign_link(foreign_host_allowed):
    Client(HTTP_HOST=FOREIGN).post(reverse("account_reset_password"), {"email": "nobody@example.test"})
    for message in mail.outbox:
        assert FOREIGN not in message.body + message.subject
        assert all(link.startswith("https://accord.example.org/") for link in _links(message))


def test_without_a_base_url_the_reset_link_follows_the_request(cio, settings):
    settings.ACCORD_BASE_URL = ""
    Client().post(reverse("account_reset_password"), {"email": "cio@a.test"})
    (message,) = mail.outbox
    assert any(link.startswith("http://testserver/accounts/password/reset/key/") for link in _links(message))
