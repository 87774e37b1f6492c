"""Notifications on the job queue (accord.core.jobs, decision 0027): the task that e-mails immediate
notifications from a worker, and the periodic work on its scheduler. Registered by CoreConfig.ready().

The same functions run from the command line (`accord notify scan | send-digests | send-pending`), so an
installation that runs no worker can run them from cron instead."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.conf import settings

from accord.core.jobs.registry import Periodic, register_periodic, register_task
from accord.core.notifications import services

if TYPE_CHECKING:
    from accord.core.models import Organization

logger = logging.getLogger(__name__)


def _organizations() -> list[Organization]:
    from accord.core.selectors import organizations  # the selectors import this package's

    return list(organizations())


def daily() -> None:
    """Every app's periodic checks (acceptances ending within 30 days, ...), then the daily digests."""
    orgs = _organizations()
    told = services.run_scans(orgs)
    if not settings.ACCORD_BASE_URL:
        logger.warning("notifications: %d written, but no digest sent: set ACCORD_BASE_URL", told)
        return
    services.send_digests(orgs)


def retry() -> None:
    """E-mail the immediate notifications a mail server refused earlier."""
    if settings.ACCORD_BASE_URL:
        services.send_pending(_organizations())


def register_notification_work() -> None:
    register_task(services.SEND_TASK, services.send_immediate_task)
    register_periodic(Periodic("accord.notifications.daily", daily, minute="0", hour="6",
                               description="the apps' notification checks (acceptances ending within 30 days), "
                                           "then each person's daily digest, at 06:00 UTC"))
    register_periodic(Periodic("accord.notifications.retry", retry, minute="*/15",
                               description="notification e-mails a mail server refused, sent again every 15 minutes"))
