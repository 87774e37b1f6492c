"""The incident metrics match hand-computed values: mean hours to detect (occurred → detected), acknowledge
(detected → aware), contain and recover (aware → contained, recovered), per severity and per quarter of awareness
in the organisation's zone; an incident lacking a timestamp is left out of that metric only."""

from __future__ import annotations

import datetime as dt
import json

from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accord.core import answers
from accord.incidents import rules, selectors, services

UTC = dt.UTC


def _incident(org, *, aware, occurred=None, detected=None, contained=None, recovered=None, impact=1, urgency=1):
    made = services.do_open_incident(None, org, {"title": "Hand-made", "kind": "other", "became_aware_at": aware,
                                                 "occurred_at": occurred, "detected_at": detected,
                                                 "impact": impact, "urgency": urgency})
    if contained:
        services.do_advance_incident(None, org, made, at=aware)  # analysed
        services.do_advance_incident(None, org, made, at=contained)  # contained
    if recovered:
        services.do_advance_incident(None, org, made, at=recovered)  # eradicated
        services.do_advance_incident(None, org, made, at=recovered)  # recovered
    return made


def test_the_means_per_severity_and_quarter_match_hand_computed_hours(org_a, ciso):
    t = dt.datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    # Low (impact 1, urgency 1): detected 4 h after it occurred, aware 2 h later, contained 6 h, recovered 10 h.
    _incident(org_a, occurred=t - dt.timedelta(hours=6), detected=t - dt.timedelta(hours=2), aware=t,
              contained=t + dt.timedelta(hours=6), recovered=t + dt.timedelta(hours=10))
    # Low too: detected 8 h after it occurred, aware at once, contained 2 h, never recovered.
    _incident(org_a, occurred=t - dt.timedelta(hours=8), detected=t, aware=t, contained=t + dt.timedelta(hours=2))
    # Critical (4, 4), aware in the next quarter: no occurrence known; recovered after 30 h.
    later = dt.datetime(2026, 4, 2, 0, 0, tzinfo=UTC)
    _incident(org_a, aware=later, contained=later + dt.timedelta(hours=5), recovered=later + dt.timedelta(hours=30),
              impact=4, urgency=4)
    found = selectors.metrics(org_a)
    low, critical = found.by_severity["low"], found.by_severity["critical"]
    assert (low["detect"].hours, low["detect"].count) == (6.0, 2)  # (4 + 8) / 2
    assert (low["acknowledge"].hours, low["acknowledge"].count) == (1.0, 2)  # (2 + 0) / 2
    assert low["contain"].hours == 4.0  # (6 + 2) / 2
    assert (low["recover"].hours, low["recover"].count) == (10.0, 1)
    assert critical["detect"] == rules.Mean(None, 0)
    assert critical["acknowledge"].hours == 0.0  # detected_at defaults to became_aware_at
    assert (critical["contain"].hours, critical["recover"].hours) == (5.0, 30.0)
    assert list(found.by_quarter) == ["2026-Q1", "2026-Q2"]
    assert found.by_quarter["2026-Q1"]["contain"].hours == 4.0
    assert found.by_quarter["2026-Q2"]["recover"].hours == 30.0
    body = json.loads(Client().get(f"/api/v1/orgs/{org_a.slug}/incident-metrics/", **ciso.auth()).content)
    assert body["incidents"] == 3
    assert body["by_severity"][0] == {"group": "low", "detect": {"hours": 6.0, "count": 2},
                                      "acknowledge": {"hours": 1.0, "count": 2},
                                      "contain": {"hours": 4.0, "count": 2}, "recover": {"hours": 10.0, "count": 1}}


def test_the_quarter_is_read_in_the_organisation_zone(org_a):
    from accord.core import services as core_services

    core_services.do_update_organization(None, org_a, timezone="Asia/Tokyo")
    org_a.refresh_from_db()
    # 31 March 20:00 UTC is 1 April 05:00 in Tokyo: the second quarter there.
    _incident(org_a, aware=dt.datetime(2026, 3, 31, 20, 0, tzinfo=UTC))
    assert list(selectors.metrics(org_a).by_quarter) == ["2026-Q2"]


def test_the_metrics_page_shows_the_figures_and_a_chart(org_a, ciso):
    t = dt.datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    _incident(org_a, aware=t, contained=t + dt.timedelta(hours=3))
    client = Client()
    client.force_login(ciso.user)
    page = client.get(f"/o/{org_a.slug}/incidents/metrics/").content.decode()
    assert "<svg" in page and "2026-Q2" in page and "3.0" in page


def test_the_metrics_are_read_once_per_data_version_and_a_new_incident_shows_at_once(org_a, ciso, settings):
    """The metrics page and API are stored answers (decision 0035): the second read runs fewer queries, and an
    incident opened afterwards is counted by the next read."""
    settings.ACCORD_ANSWER_CACHE = True
    caches[answers.ALIAS].clear()
    t = dt.datetime(2026, 5, 4, 8, 0, tzinfo=UTC)
    _incident(org_a, aware=t, contained=t + dt.timedelta(hours=3))
    client = Client()
    client.force_login(ciso.user)
    page, api = f"/o/{org_a.slug}/incidents/metrics/", f"/api/v1/orgs/{org_a.slug}/incident-metrics/"
    for path, auth in ((page, {}), (api, ciso.auth())):
        with CaptureQueriesContext(connection) as first:
            client.get(path, **auth)
        with CaptureQueriesContext(connection) as second:
            again = client.get(path, **auth)
        assert len(second.captured_queries) < len(first.captured_queries)
        assert again.status_code == 200
    _incident(org_a, aware=t + dt.timedelta(days=1))
    assert json.loads(client.get(api, **ciso.auth()).content)["incidents"] == 2
    assert "Over 2 incidents" in client.get(page).content.decode()
    caches[answers.ALIAS].clear()
