"""Fixtures of the core app's tests."""

from __future__ import annotations

import os
import re
import socket
import uuid

import pytest
from django.core.cache import caches

from accord.core.models import Organization
from tests.factories import make_org

LINK = re.compile(r"http://testserver/invitations/([A-Za-z0-9_-]+)/")


@pytest.fixture
def mail(mailoutbox, django_capture_on_commit_callbacks):
    """The outbox, with e-mails sent as they are after a commit (tests run inside one transaction)."""

    class Outbox:
        outbox = mailoutbox

        def __call__(self, write, *args, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return write(*args, **kwargs)

        def token(self, index: int = -1) -> str:
            match = LINK.search(self.outbox[index].body)
            assert match, self.outbox[index].body
            return match.group(1)

    return Outbox()


#: A Redis for the tests that use one (CI runs one on 127.0.0.1:6379); database 3, a key prefix per test.
REDIS_URL = os.environ.get("ACCORD_TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def redis_answers() -> bool:
    host, _, port = REDIS_URL.split("//", 1)[1].split("/", 1)[0].partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


NO_REDIS = f"no Redis answers at {REDIS_URL}"


@pytest.fixture
def redis_cache(settings):
    """Redis as the default cache, under a key prefix of this test's own (parallel workers share
    database 3); its keys are deleted afterwards. Skips, saying so, when no Redis answers."""
    if not redis_answers():
        pytest.skip(NO_REDIS)
    prefix = f"accord-test-{uuid.uuid4().hex}"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                   "LOCATION": REDIS_URL, "KEY_PREFIX": prefix}}
    yield caches["default"]
    client = caches["default"]._cache.get_client(write=True)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)


@pytest.fixture
def acme(db: None) -> Organization:
    """The organisation whose identity provider the single sign-on tests trust."""
    return make_org("acme", name="Acme Health")


@pytest.fixture
def beta(db: None) -> Organization:
    """Another organisation, which that provider must never open."""
    return make_org("beta", name="Beta Bank")


#: The host the SAML tests' browser names (python3-saml refuses an SP address at a one-label host such as
#: "testserver").
SAML_HOST = "accord.test"


@pytest.fixture
def saml_host(settings) -> None:
    """The SAML tests' host is allowed."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, SAML_HOST]


@pytest.fixture(scope="module")
def idp_key():
    """The tiny SAML IdP's signing key and certificate (tests/core/saml_idp.py), made once per module."""
    from tests.core.saml_idp import make_signing_key

    return make_signing_key()
