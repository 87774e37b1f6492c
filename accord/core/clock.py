"""The organisation's clock: deadlines, expiries and review dates are local dates of the tenant.

Pure reads of the time; services, selectors and fronts all take "today" from here, so a deadline is
overdue at the same moment on every front.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

if TYPE_CHECKING:
    from accord.core.models import Organization


def org_now(org: Organization) -> dt.datetime:
    """Now, as an aware datetime in the organisation's time zone."""
    return timezone.localtime(timezone=ZoneInfo(org.timezone))


def org_today(org: Organization) -> dt.date:
    """Today in the organisation's time zone (deadlines and expiries are local dates)."""
    return timezone.localdate(timezone=ZoneInfo(org.timezone))
