"""What `accord demo` says while it loads: the notification e-mails it cannot send without ACCORD_BASE_URL in one
line for all of them, not one warning per notification."""

import logging

import pytest

from accord.core.demo import load_demo
from accord.core.notifications import services as notifications

pytestmark = pytest.mark.django_db


def test_the_unsent_notification_e_mails_of_the_demo_are_one_line(settings, monkeypatch, caplog):
    settings.ACCORD_BASE_URL = ""
    # As outside a test's transaction: each notification's e-mail is tried when its write commits.
    monkeypatch.setattr(notifications.transaction, "on_commit", lambda send: send())
    lines: list[str] = []
    with caplog.at_level(logging.WARNING, logger=notifications.__name__):
        load_demo(log=lines.append)
    said = [line for line in lines if "not sent" in line]
    assert len(said) == 1, said
    assert said[0].endswith("notification e-mail(s) of the demo not sent: set ACCORD_BASE_URL so that their links "
                            "have an address (`accord notify send-pending` sends them)")
    assert int(said[0].split()[0]) > 1
    assert [r for r in caplog.records if hasattr(r, notifications.UNSENT)] == []

