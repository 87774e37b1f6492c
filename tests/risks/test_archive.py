"""Deleting a risk is archiving it: the register loses nothing (decision 0015). An archived risk leaves the
register, the dashboard, the heat map, the money view and exports, is listed under "Archived" and can be
restored; its pending acceptances are withdrawn, each with its audit event; the DPO and contributors may not."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError

from accord.cli import main
from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.risks import quantified, selectors, services
from accord.risks.choices import AcceptanceStatus
from accord.risks.models import Risk, RiskAcceptance
from tests.conftest import signed_in

API = "/api/v1/orgs/org-a"
WEB = "/o/org-a/risks"
HX = {"HTTP_HX_REQUEST": "true"}


def _risk(org, persona, title="Ransomware on the file servers", **extra):
    data = {"title": title, "category": "cyber_security", "likelihood": 4, "impact": 4,
            "frequency_low": "0.5", "frequency_high": "4", "loss_low": "10000", "loss_high": "500000", **extra}
    return services.do_create_risk(persona.user, org, data)


def _events(org, **filters):
    return list(AuditEvent.objects.for_org(org).filter(**filters).order_by("seq"))


def _pending(org, persona, risk):
    """An acceptance awaiting signatures: requested by the system (a requester who is one of its signatories
    would sign it in the same step)."""
    return services.do_request_acceptance(None, org, risk, justification="Budget next year",
                                          expires_on=org_today(org) + dt.timedelta(days=60))


# --- the service ----------------------------------------------------------------------------------------

def test_archiving_keeps_the_risk_and_records_who_when_and_why(org_a, ciso):
    risk = _risk(org_a, ciso)
    services.do_archive_risk(ciso.user, org_a, risk, reason="Duplicate of R-002")
    risk = Risk.objects.for_org(org_a).get(pk=risk.pk)
    assert risk.archived_at is not None
    assert risk.archived_by == ciso.user
    assert risk.archive_reason == "Duplicate of R-002"
    [event] = _events(org_a, object_type="risks.risk", action="archive")
    assert event.object_id == str(risk.pk)
    assert event.changes["archive_reason"] == ["", "Duplicate of R-002"]


def test_archiving_needs_a_reason(org_a, ciso):
    risk = _risk(org_a, ciso)
    with pytest.raises(ValidationError, match="Say why"):
        services.do_archive_risk(ciso.user, org_a, risk, reason="  ")
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).archived_at is None


def test_an_archived_risk_cannot_be_archived_again_nor_a_live_one_restored(org_a, ciso):
    risk = _risk(org_a, ciso)
    with pytest.raises(ValidationError, match="is not archived"):
        services.do_restore_risk(ciso.user, org_a, risk)
    services.do_archive_risk(ciso.user, org_a, risk, reason="Gone")
    with pytest.raises(ValidationError, match="already archived"):
        services.do_archive_risk(ciso.user, org_a, risk, reason="Again")


def test_archiving_withdraws_pending_acceptances_each_with_its_event_and_none_vanish(org_a, ciso):
    risk = _risk(org_a, ciso, owner=ciso.user.email)
    first, second = _pending(org_a, ciso, risk), _pending(org_a, ciso, risk)
    services.do_archive_risk(ciso.user, org_a, risk, reason="Out of scope")
    statuses = dict(RiskAcceptance.objects.for_org(org_a).values_list("pk", "status"))
    assert statuses == {first.pk: AcceptanceStatus.WITHDRAWN, second.pk: AcceptanceStatus.WITHDRAWN}
    withdrawn = _events(org_a, object_type="risks.riskacceptance", action="update")
    assert sorted(e.object_id for e in withdrawn) == sorted([str(first.pk), str(second.pk)])
    assert all(e.changes["status"] == ["pending", "withdrawn"] for e in withdrawn)


def test_an_archived_risk_is_read_only_until_restored(org_a, ciso):
    risk = _risk(org_a, ciso, owner=ciso.user.email)
    services.do_archive_risk(ciso.user, org_a, risk, reason="Gone")
    with pytest.raises(ValidationError, match="archived"):
        services.do_update_risk(ciso.user, org_a, risk, {"title": "Renamed"})
    with pytest.raises(ValidationError, match="archived"):
        _pending(org_a, ciso, risk)
    services.do_restore_risk(ciso.user, org_a, risk, reason="Back in scope")
    services.do_update_risk(ciso.user, org_a, risk, {"title": "Renamed"})
    risk = Risk.objects.for_org(org_a).get(pk=risk.pk)
    assert (risk.archived_at, risk.archived_by, risk.archive_reason, risk.title) == (None, None, "", "Renamed")
    [event] = _events(org_a, object_type="risks.risk", action="restore")
    assert event.changes["archive_reason"] == ["Gone", ""]
    assert event.changes["reason"] == [None, "Back in scope"]


# --- every read leaves it out, the archived view lists it ------------------------------------------------

def test_an_archived_risk_leaves_the_register_dashboard_heatmap_and_money_view(org_a, ciso):
    kept, gone = _risk(org_a, ciso, title="Kept"), _risk(org_a, ciso, title="Gone")
    services.do_archive_risk(ciso.user, org_a, gone, reason="Merged into Kept")
    assert [r.pk for r in selectors.risks(org_a)] == [kept.pk]
    assert [r.pk for r in selectors.risks(org_a, selectors.RiskFilter(archived=True))] == [gone.pk]
    assert selectors.dashboard(org_a).total == 1
    assert sum(map(sum, selectors.heatmap(org_a).residual)) == 1
    assert [r["id"] for r in quantified.portfolio_scenario(org_a)["risks"]] == [kept.ref]
    # Still reachable by its id or reference, for its page, its history and its restoration.
    assert selectors.access_risk(org_a, gone.ref).pk == gone.pk


def test_acceptances_of_an_archived_risk_leave_the_dashboard(org_a, ciso):
    risk = _risk(org_a, ciso, owner=ciso.user.email, likelihood=1, impact=1)
    acceptance = _pending(org_a, ciso, risk)
    services.do_sign_acceptance(ciso.user, org_a, acceptance)
    assert selectors.dashboard(org_a).expiring_acceptances == []  # 60 days: not expiring yet
    risk.refresh_from_db()
    services.do_archive_risk(ciso.user, org_a, risk, reason="System retired")
    # The acceptance in force stays on record (it was signed), the risk is out of every count.
    assert RiskAcceptance.objects.for_org(org_a).get(pk=acceptance.pk).status == AcceptanceStatus.IN_FORCE
    board = selectors.dashboard(org_a)
    assert (board.total, board.above_tolerance_accepted) == (0, 0)


# --- web ------------------------------------------------------------------------------------------------

def test_the_ciso_archives_a_risk_from_its_page_with_a_reason(org_a, ciso):
    risk = _risk(org_a, ciso)
    client = signed_in(ciso)
    page = client.get(f"{WEB}/register/{risk.pk}/archive/")
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    refused = client.post(f"{WEB}/register/{risk.pk}/archive/", {"reason": ""})
    assert refused.status_code == 200
    assert "Say why" in refused.content.decode()
    response = client.post(f"{WEB}/register/{risk.pk}/archive/", {"reason": "Duplicate"}, **HX)
    assert response["HX-Redirect"] == f"{WEB}/register/"
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).archived_at is not None
    assert "archived: it left the register" in client.get(f"{WEB}/register/").content.decode()
    assert risk.title not in client.get(f"{WEB}/register/").content.decode()
    archived = client.get(f"{WEB}/register/?archived=1").content.decode()
    assert risk.title in archived
    assert 'id="archived-note"' in archived
    detail = client.get(f"{WEB}/register/{risk.pk}/").content.decode()
    assert "Archived" in detail and "Duplicate" in detail


def test_the_ciso_restores_an_archived_risk(org_a, ciso):
    risk = _risk(org_a, ciso)
    services.do_archive_risk(ciso.user, org_a, risk, reason="Duplicate")
    response = signed_in(ciso).post(f"{WEB}/register/{risk.pk}/restore/", {"reason": "Not a duplicate"})
    assert response.status_code == 302
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).archived_at is None


@pytest.mark.parametrize("persona", ["dpo", "contributor", "cio"])
def test_the_dpo_a_contributor_and_the_cio_cannot_archive(request, org_a, ciso, persona):
    who = request.getfixturevalue(persona)
    risk = _risk(org_a, ciso)
    client = signed_in(who)
    assert client.post(f"{WEB}/register/{risk.pk}/archive/", {"reason": "Mine now"}).status_code == 403
    assert "/archive/" not in client.get(f"{WEB}/register/{risk.pk}/").content.decode()
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).archived_at is None


def test_nothing_hard_deletes_a_risk_any_more(org_a, admin, ciso):
    risk = _risk(org_a, ciso)
    assert signed_in(admin).post(f"{WEB}/register/{risk.pk}/delete/").status_code == 404
    assert admin_delete_status(admin, risk) == 405
    assert Risk.objects.for_org(org_a).filter(pk=risk.pk).exists()


def admin_delete_status(admin, risk):
    from django.test import Client

    return Client().delete(f"{API}/risks/{risk.pk}/", **admin.auth()).status_code


def test_exports_leave_archived_risks_out_unless_asked(org_a, ciso):
    _risk(org_a, ciso, title="Kept")
    gone = _risk(org_a, ciso, title="Gone")
    services.do_archive_risk(ciso.user, org_a, gone, reason="Merged")
    client = signed_in(ciso)
    rows = list(csv.DictReader(io.StringIO(client.get(f"{WEB}/register/export/?format=csv")
                                           .content.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["Kept"]
    rows = list(csv.DictReader(io.StringIO(client.get(f"{WEB}/register/export/?format=csv&archived=1")
                                           .content.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["Gone"]


# --- API ------------------------------------------------------------------------------------------------

def test_the_api_archives_and_restores_with_a_reason(client, org_a, ciso):
    risk = _risk(org_a, ciso)
    missing = client.post(f"{API}/risks/{risk.ref}/archive/", {}, content_type="application/json", **ciso.auth())
    assert missing.status_code == 422
    response = client.post(f"{API}/risks/{risk.ref}/archive/", {"reason": "Duplicate"},
                           content_type="application/json", **ciso.auth())
    assert response.status_code == 200, response.content
    assert response.json()["archived_at"] is not None
    assert response.json()["archive_reason"] == "Duplicate"
    listed = client.get(f"{API}/risks/", **ciso.auth()).json()
    assert listed["count"] == 0
    archived = client.get(f"{API}/risks/?archived=true", **ciso.auth()).json()
    assert [r["ref"] for r in archived["items"]] == [risk.ref]
    again = client.post(f"{API}/risks/{risk.ref}/archive/", {"reason": "x"}, content_type="application/json",
                        **ciso.auth())
    assert again.status_code == 409
    assert again.json()["errors"][0]["field"] == "risk"
    restored = client.post(f"{API}/risks/{risk.ref}/restore/", {}, content_type="application/json", **ciso.auth())
    assert restored.status_code == 200
    assert restored.json()["archived_at"] is None


def test_the_api_refuses_the_dpo_and_a_contributor(client, org_a, ciso, dpo, contributor):
    risk = _risk(org_a, ciso)
    for who in (dpo, contributor):
        response = client.post(f"{API}/risks/{risk.pk}/archive/", {"reason": "x"}, content_type="application/json",
                               **who.auth())
        assert response.status_code == 403
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).archived_at is None


def test_the_api_refuses_to_change_an_archived_risk(client, org_a, ciso):
    risk = _risk(org_a, ciso)
    services.do_archive_risk(ciso.user, org_a, risk, reason="Gone")
    response = client.patch(f"{API}/risks/{risk.pk}/", {"title": "x"}, content_type="application/json",
                            **ciso.auth())
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "risk"


# --- CLI ------------------------------------------------------------------------------------------------

def test_the_cli_archives_lists_and_restores(org_a, ciso, capsys):
    risk = _risk(org_a, ciso)
    assert main(["risk", "archive", "org-a", risk.ref]) != 0
    assert "--reason" in capsys.readouterr().err
    assert main(["risk", "archive", "org-a", risk.ref, "--reason", "Duplicate"]) == 0
    assert "archived R-001" in capsys.readouterr().out
    assert main(["risk", "list", "org-a"]) == 0
    assert capsys.readouterr().out == ""
    assert main(["risk", "list", "org-a", "--archived"]) == 0
    assert capsys.readouterr().out.startswith("R-001\t")
    assert main(["risk", "restore", "org-a", risk.ref]) == 0
    assert "restored R-001" in capsys.readouterr().out
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).archived_at is None
    assert main(["risk", "restore", "org-a", "R-999"]) != 0
    assert "R-999" in capsys.readouterr().err


def test_an_import_refuses_to_update_an_archived_risk(org_a, ciso):
    from accord.risks.io import parse_upload
    from accord.risks.services import ImportRejected

    risk = _risk(org_a, ciso)
    services.do_archive_risk(ciso.user, org_a, risk, reason="Gone")
    rows = parse_upload(io.BytesIO(f"ref,title\r\n{risk.ref},Back by the side door\r\n".encode()), "r.csv")
    with pytest.raises(ImportRejected, match="R-001 is archived; restore it first"):
        services.do_import_risks(ciso.user, org_a, rows)
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).title == risk.title
