"""Fixtures of the core app's tests."""

from __future__ import annotations

import re

import pytest

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
