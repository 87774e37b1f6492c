"""The DPO's dashboard panel, read for an organisation only (never the member: the dashboard's body is a stored
answer shared by one role, decision 0035): requests overdue and due within a week (references, kinds and dates,
no personal data), and breaches whose 72-hour deadline still runs."""

from __future__ import annotations

from typing import Any

from accord.core.models import Organization
from accord.privacy.selectors_breaches import running_clocks
from accord.privacy.selectors_requests import RequestFilter, request_clocks

#: The window of "due soon", in days, and how many of each list the panel shows.
SOON_DAYS = 7
PANEL_LENGTH = 6


def dpo_panel(org: Organization) -> dict[str, Any]:
    overdue = request_clocks(org, RequestFilter(overdue=True), limit=PANEL_LENGTH + 1)
    soon = request_clocks(org, RequestFilter(due_within=SOON_DAYS), limit=PANEL_LENGTH + 1)
    return {"overdue": overdue[:PANEL_LENGTH], "more_overdue": len(overdue) > PANEL_LENGTH,
            "soon": soon[:PANEL_LENGTH], "more_soon": len(soon) > PANEL_LENGTH, "soon_days": SOON_DAYS,
            "breaches": running_clocks(org, limit=PANEL_LENGTH)}
