"""The privacy pages and commands: a viewer lists requests without the requester's name on any page, the DPO sees
it; the register's filters; a request's actions posted from its page; a breach recorded in the organisation's
local time; the DPO's dashboard panel; `accord privacy requests ORG --due-within 7` and `accord privacy breach
open`."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.urls import reverse

from accord.cli import main
from accord.core import services as core_services
from accord.core.clock import org_today
from accord.privacy import selectors_breaches, services_requests
from accord.privacy.models_breaches import Breach


def _client(persona):
    client = Client()
    client.force_login(persona.user)
    return client


def _request(org, **data):
    return services_requests.do_create_request(None, org, {"kind": "erasure", "received_on": org_today(org),
                                                           **data})


def test_a_viewer_lists_and_opens_requests_without_the_requester(org_a, viewer, dpo):
    made = _request(org_a, subject_name="Jane Patient", subject_contact="jane@mail.test", details="Erase me")
    for persona, shown in ((viewer, False), (dpo, True)):
        client = _client(persona)
        listed = client.get(reverse("privacy:requests", kwargs={"org": org_a.slug}))
        page = client.get(reverse("privacy:request_detail", kwargs={"org": org_a.slug, "request_id": made.pk}))
        assert listed.status_code == page.status_code == 200
        assert made.ref in listed.content.decode()
        for text in ("Jane Patient", "jane@mail.test", "Erase me"):
            assert (text in page.content.decode()) is shown
        assert ("Jane Patient" in listed.content.decode()) is shown


def test_the_register_filters_overdue_requests(org_a, dpo):
    old = _request(org_a, received_on=org_today(org_a) - dt.timedelta(days=70))
    fresh = _request(org_a)
    page = _client(dpo).get(reverse("privacy:requests", kwargs={"org": org_a.slug}) + "?due=overdue").content.decode()
    assert old.ref in page and fresh.ref not in page


def test_the_dpo_pauses_resumes_and_closes_a_request_from_its_page(org_a, dpo):
    made = _request(org_a)
    client = _client(dpo)
    kwargs = {"org": org_a.slug, "request_id": made.pk}
    assert client.post(reverse("privacy:request_pause", kwargs=kwargs), {"reason": "ID copy asked"}).status_code == 302
    made.refresh_from_db()
    assert made.clock_paused
    assert client.post(reverse("privacy:request_resume", kwargs=kwargs), {}).status_code == 302
    refused = client.post(reverse("privacy:request_close", kwargs=kwargs), {"outcome": "refused"})
    assert refused.status_code == 422 and "Art. 12(4)" in refused.content.decode()
    assert client.post(reverse("privacy:request_close", kwargs=kwargs), {"outcome": "answered"}).status_code == 302
    made.refresh_from_db()
    assert made.status == "answered"


def test_a_breach_typed_in_local_time_is_stored_in_utc(org_a, dpo):
    core_services.do_update_organization(None, org_a, timezone="Europe/Paris")
    response = _client(dpo).post(reverse("privacy:breach_create", kwargs={"org": org_a.slug}), {
        "title": "Misdirected e-mail", "became_aware_at": "2026-03-28T09:30", "notify_decision": "pending",
        "subjects_decision": "pending"})
    assert response.status_code == 302
    breach = selectors_breaches.breaches(org_a).get()
    assert breach.became_aware_at == dt.datetime(2026, 3, 28, 8, 30, tzinfo=dt.UTC)
    page = _client(dpo).get(reverse("privacy:breach_detail", kwargs={"org": org_a.slug, "breach_id": breach.pk}))
    assert "2026-03-31 10:30 CEST" in page.content.decode()


def test_the_dpo_dashboard_shows_the_clocks_and_the_viewer_s_does_not(org_a, dpo, viewer):
    late = _request(org_a, received_on=org_today(org_a) - dt.timedelta(days=70), subject_name="Jane Patient")
    page = _client(dpo).get(reverse("core:dashboard", kwargs={"org": org_a.slug})).content.decode()
    assert "Privacy clocks" in page and late.ref in page and "Jane Patient" not in page
    assert "Privacy clocks" not in _client(viewer).get(reverse("core:dashboard", kwargs={"org": org_a.slug})
                                                       ).content.decode()


def test_the_cli_lists_requests_due_within_a_week(org_a, capsys):
    today = org_today(org_a)
    soon = _request(org_a, received_on=today - dt.timedelta(days=27), subject_name="Jane Patient")
    later = _request(org_a, subject_name="John Patient")
    assert main(["privacy", "requests", org_a.slug, "--due-within", "7"]) == 0
    out = capsys.readouterr().out
    assert soon.ref in out and later.ref not in out and "Patient" not in out
    assert main(["privacy", "requests", org_a.slug]) == 0
    assert later.ref in capsys.readouterr().out


def test_the_cli_opens_a_breach_and_prints_its_deadline(org_a, capsys):
    core_services.do_update_organization(None, org_a, timezone="Europe/Paris")
    assert main(["privacy", "breach", "open", org_a.slug, "--title", "Stolen laptop",
                 "--became-aware-at", "2026-10-24T09:30:00+02:00"]) == 0
    assert capsys.readouterr().out.strip() == "BR-001\tnotify the authority by 2026-10-27T08:30:00+01:00"
    assert Breach.objects.for_org(org_a).count() == 1
    assert main(["privacy", "breach", "list", org_a.slug]) == 0
    assert "BR-001" in capsys.readouterr().out


def test_the_cli_refuses_a_bad_instant_in_one_line(org_a, capsys):
    assert main(["privacy", "breach", "open", org_a.slug, "--title", "X", "--became-aware-at", "yesterday"]) != 0
    assert "became_aware_at" in capsys.readouterr().err


def test_the_demo_loads_the_registers_once(db):
    from accord.core.demo import load_demo
    from accord.core.selectors import organization_by_slug
    from accord.privacy import selectors_requests

    load_demo(log=lambda line: None)
    load_demo(log=lambda line: None)
    hospital = organization_by_slug("harbour-health")
    assert hospital is not None
    found = list(selectors_requests.requests(hospital))
    assert {r.status for r in found} >= {"received", "identity_pending", "in_progress", "answered", "refused",
                                         "withdrawn"}
    assert any(r.extended for r in found) and any(r.is_overdue for r in found)
    breaches = list(selectors_breaches.breaches(hospital))
    assert any(len(b.notifications.all()) == 2 for b in breaches)
    assert any(b.notify_decision == "not_required" and b.not_notified_reason for b in breaches)
    for slug in ("nordpay", "brightcart"):
        org = organization_by_slug(slug)
        assert org is not None and selectors_requests.requests(org).exists()
