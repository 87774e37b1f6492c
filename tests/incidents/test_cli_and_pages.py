"""The incidents' commands and pages: `accord incident open|list|timeline`; the NIS2 designation through `accord
org set`; the list with its filters; opening an incident from the web in the organisation's local time; the page's
timeline form only adds (a viewer sees no form and is refused); another organisation's incident is 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accord.cli import main
from accord.core import services as core_services
from accord.incidents import services
from accord.incidents.models import Incident, TimelineEntry
from accord.privacy.models_breaches import Breach


def _client(persona):
    client = Client()
    client.force_login(persona.user)
    return client


def _incident(org, **data):
    return services.do_open_incident(None, org, {"title": "Mailbox taken over", "kind": "phishing",
                                                 "became_aware_at": "2026-05-04T10:00:00+00:00", **data})


def test_the_cli_opens_an_incident_with_its_breach_and_nis2_clocks(org_a, capsys):
    core_services.do_update_organization(None, org_a, timezone="Europe/Paris", nis2="important")
    assert main(["incident", "open", org_a.slug, "--title", "Ransom note on the file server", "--kind", "ransomware",
                 "--personal-data", "yes", "--became-aware-at", "2026-03-28T03:00:00+01:00"]) == 0
    out = capsys.readouterr().out.strip().split("\t")
    made = Incident.objects.for_org(org_a).get()
    assert out[:2] == ["INC-001", f"id {made.pk}"]
    assert "breach BR-001 notify the authority by 2026-03-31T04:00:00+02:00" in out
    assert "NIS2 early_warning by 2026-03-29T04:00:00+02:00" in out
    assert "NIS2 notification by 2026-03-31T04:00:00+02:00" in out
    assert Breach.objects.for_org(org_a).get().incident == made


def test_the_cli_refuses_a_bad_instant_in_one_line(org_a, capsys):
    assert main(["incident", "open", org_a.slug, "--title", "X", "--kind", "other", "--became-aware-at",
                 "tonight"]) != 0
    err = capsys.readouterr().err
    assert "became_aware_at: 'tonight' is not a date and time" in err and len(err.strip().splitlines()) == 1
    assert not Incident.objects.for_org(org_a).exists()


def test_the_cli_lists_incidents_and_appends_to_a_timeline(org_a, capsys):
    made = _incident(org_a)
    _incident(org_a, title="Laptop lost", kind="lost_device", personal_data="no")
    assert main(["incident", "list", org_a.slug]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["INC-002", "INC-001"]
    assert main(["incident", "timeline", org_a.slug, "INC-001", "--add", "Sessions revoked", "--kind", "action"]) == 0
    printed = capsys.readouterr().out.strip().split("\t")
    assert printed[2:] == ["action", "system", "Sessions revoked"]
    assert main(["incident", "timeline", org_a.slug, str(made.pk)]) == 0
    assert capsys.readouterr().out.count("Sessions revoked") == 1
    assert main(["incident", "timeline", org_a.slug, "INC-009"]) != 0
    assert "no incident 'INC-009'" in capsys.readouterr().err


def test_the_nis2_designation_is_set_from_the_cli(org_a, capsys):
    assert main(["org", "set", org_a.slug, "--nis2", "essential"]) == 0
    assert "NIS2 essential entity" in capsys.readouterr().out
    org_a.refresh_from_db()
    assert org_a.nis2 == "essential"


def test_the_list_filters_by_severity_and_status(org_a, ciso):
    _incident(org_a, title="Critical one", impact=4, urgency=4)
    _incident(org_a, title="Small one", impact=1, urgency=1)
    client = _client(ciso)
    url = reverse("incidents:list", kwargs={"org": org_a.slug})
    page = client.get(url, {"severity": "critical"}).content.decode()
    assert "Critical one" in page and "Small one" not in page
    partial = client.get(url, {"status": "open"}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()


def test_an_incident_opened_on_the_web_reads_its_instant_in_the_organisation_zone(org_a, ciso):
    core_services.do_update_organization(None, org_a, timezone="Europe/Paris")
    response = _client(ciso).post(reverse("incidents:create", kwargs={"org": org_a.slug}), {
        "title": "Leaked export", "kind": "data_leak", "personal_data": "yes", "impact": "2", "urgency": "3",
        "became_aware_at": "2026-07-01T09:00"})
    assert response.status_code == 302
    made = Incident.objects.for_org(org_a).get()
    assert made.became_aware_at.isoformat() == "2026-07-01T07:00:00+00:00"
    assert made.breach.notify_authority_by.isoformat() == "2026-07-04T07:00:00+00:00"
    assert made.severity == "high"


def test_the_page_adds_to_the_timeline_and_a_viewer_cannot(org_a, ciso, viewer, outsider):
    made = _incident(org_a)
    detail = reverse("incidents:detail", kwargs={"org": org_a.slug, "incident_id": made.pk})
    add = reverse("incidents:timeline_add", kwargs={"org": org_a.slug, "incident_id": made.pk})
    assert _client(ciso).post(add, {"text": "Forwarding rule found", "kind": "observation"}).status_code == 302
    seen = _client(viewer).get(detail).content.decode()
    assert "Forwarding rule found" in seen and add not in seen
    assert _client(viewer).post(add, {"text": "Mine", "kind": "observation"}).status_code == 403
    assert list(TimelineEntry.objects.for_org(org_a).values_list("text", flat=True)) == ["Forwarding rule found"]
    other = reverse("incidents:detail", kwargs={"org": outsider.org.slug, "incident_id": made.pk})
    assert _client(outsider).get(other).status_code == 404


def test_the_playbook_page_edits_a_kind(org_a, ciso):
    url = reverse("incidents:playbook_edit", kwargs={"org": org_a.slug, "kind": "lost_device"})
    response = _client(ciso).post(url, {"steps": "Call the carrier | recovery_lead | 1 | IMEI noted; SIM blocked"})
    assert response.status_code == 302
    made = _incident(org_a, kind="lost_device")
    task = made.tasks.get()
    assert (task.title, task.checklist) == ("Call the carrier", [{"text": "IMEI noted", "done": False},
                                                                 {"text": "SIM blocked", "done": False}])


@pytest.mark.parametrize("slug", ["nordpay", "harbour-health", "brightcart"])
def test_each_demo_organisation_gets_a_closed_incident_and_a_running_breach_clock(db, slug):
    from django.utils import timezone

    from accord.core.demo import DemoContext, _load_core
    from accord.core.models import Organization
    from accord.incidents import demo

    _load_core(DemoContext(log=lambda line: None))
    org = Organization.objects.get(slug=slug)
    assert demo.load_org(org) == 2
    closed, running = Incident.objects.for_org(org).order_by("number")
    assert closed.status == "closed" and closed.breach is None and closed.timeline.count() == 3
    assert running.status != "closed" and running.personal_data == "yes"
    assert running.breach is not None and running.breach.notify_authority_by > timezone.now()
    assert running.tasks.exists()
    assert demo.load_org(org) == 0


def test_the_incident_report_prints_its_clocks_timeline_and_tasks(org_a, capsys, tmp_path):
    core_services.do_update_organization(None, org_a, nis2="essential")
    made = _incident(org_a, personal_data="yes")
    services.do_add_timeline_entry(None, org_a, made, {"text": "Forwarding rule removed", "kind": "action"})
    from accord.core import reports
    from accord.incidents.reports import INCIDENT_REPORT

    document = INCIDENT_REPORT.document(org_a, {"incident": "INC-001"})
    html = reports.render_html(org_a, INCIDENT_REPORT, document)
    assert "Forwarding rule removed" in html and "Early warning" in html and "BR-001" in html
    assert document.subject == "INC-001"
    out = tmp_path / "incident.pdf"
    assert main(["report", "incident", org_a.slug, "--with", "incident=INC-001", "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert main(["report", "incident", org_a.slug, "--with", "incident=INC-009", "--out", str(out)]) != 0
