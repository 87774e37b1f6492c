"""The audit trail as people read it (accord.core.history): object types, fields, members, risks and
categories by name and reference, on the audit trail page, in an object's history and in the CSV export."""

import csv
import datetime as dt
import io
import json
from html import unescape

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.core import history, services
from accord.core.clock import org_today
from accord.core.history import EMPTY, ObjectType, Ref, describe, register
from accord.core.models import AuditEvent
from accord.risks import services as risk_services
from accord.risks.models import RiskCategory
from tests.conftest import signed_in
from tests.factories import make_member


def _risk(org, persona, **extra):
    data = {"title": "Phishing", "category": "cyber_security", "likelihood": 3, "impact": 3,
            "owner": persona.user.email, **extra}
    return risk_services.do_create_risk(persona.user, org, data)


def _events(org, object_type):
    return list(AuditEvent.objects.for_org(org).filter(object_type=object_type).order_by("-seq"))


def _changes(row):
    return {c.field: (c.before, c.after) for c in row.changes}


def test_a_risks_owner_category_and_status_read_as_names(org_a, ciso, cio):
    ciso.user.full_name = "Chloe Sato"
    ciso.user.save(update_fields=["full_name"])
    risk = _risk(org_a, ciso)
    RiskCategory.objects.for_org(org_a).filter(key="privacy").update(name="Data protection")
    risk_services.do_update_risk(ciso.user, org_a, risk, {"owner": cio.user.email, "category": "privacy",
                                                          "status": "in_treatment", "loss_low": "1500000",
                                                          "loss_high": "2500000"})
    [row] = describe(org_a, _events(org_a, "risks.risk")[:1])
    changes = _changes(row)
    assert row.type_label == "Risk"
    assert changes["owner"] == ("Chloe Sato", cio.user.email)
    assert changes["category"] == ("Cyber security", "Data protection")
    assert changes["status"] == ("Identified", "In treatment")
    assert changes["loss_low"] == (EMPTY, "1,500,000")
    assert {c.field: c.label for c in row.changes}["owner"] == "Owner"


def test_an_acceptance_names_its_risk_by_reference(org_a, ciso):
    risk = _risk(org_a, ciso)
    risk_services.do_request_acceptance(ciso.user, org_a, risk, justification="Cheap to live with",
                                        expires_on=org_today(org_a) + dt.timedelta(days=30))
    # The owner requests and signs in the same step: the request's event, then the signature's.
    _, row = describe(org_a, _events(org_a, "risks.riskacceptance"))  # newest first
    assert row.type_label == "Risk acceptance"
    assert _changes(row)["risk"] == (EMPTY, "R-001")
    assert _changes(row)["required_signatories"] == (EMPTY, "Risk owner")


def test_a_member_removed_since_reads_as_the_trail_last_named_them(org_a, admin, ciso):
    risk = _risk(org_a, ciso)
    other = make_member(org_a, "cio", email="leaver@a.test", full_name="Lee Vere")
    risk_services.do_update_risk(ciso.user, org_a, risk, {"owner": other.user.email})
    services.do_remove_member(admin.user, org_a, other.membership, clear=True)
    rows = describe(org_a, _events(org_a, "risks.risk"))
    owners = [_changes(r)["owner"] for r in rows if "owner" in _changes(r)]
    assert owners[0][0] == "leaver@a.test as CIO (removed)"  # the hand-over: before → —
    assert owners[0][1] == EMPTY
    assert not any(v.startswith("#") for pair in owners for v in pair)


def test_an_acceptance_names_the_category_it_was_signed_for(org_a, ciso):
    risk = _risk(org_a, ciso)
    risk_services.do_request_acceptance(ciso.user, org_a, risk, justification="x",
                                        expires_on=org_today(org_a) + dt.timedelta(days=30))
    created = [r for r in describe(org_a, _events(org_a, "risks.riskacceptance")) if r.event.action == "create"]
    assert _changes(created[0])["category"] == (EMPTY, risk.category.name)


def test_a_membership_reads_as_its_role_and_person(org_a, admin):
    make_member(org_a, "dpo", email="dpo@a.test", full_name="Dana Obi")
    [row] = describe(org_a, _events(org_a, "core.membership")[:1])
    assert row.type_label == "Member"
    assert _changes(row)["role"] == (EMPTY, "DPO")
    assert _changes(row)["user"] == (EMPTY, "Dana Obi")


def test_a_type_no_app_registered_reads_as_stored(org_a, admin):
    event = AuditEvent(organization=org_a, seq=1, action="update", object_type="elsewhere.thing", object_id="3",
                       changes={"count": [1, 2], "flags": [[], ["a", "b"]], "bad": "not a pair"})
    [row] = describe(org_a, [event])
    assert row.type_label == "elsewhere.thing"
    assert _changes(row) == {"count": ("1", "2"), "flags": (EMPTY, "a; b")}


def test_an_app_registers_how_its_type_reads(org_a, monkeypatch):
    monkeypatch.setattr(history, "OBJECT_TYPES", dict(history.OBJECT_TYPES))
    register("tests.gadget", ObjectType("Gadget", name=lambda org, ids: {i: f"G-{i}" for i in ids},
                                        fields={"twin": Ref("tests.gadget")}))
    event = AuditEvent(organization=org_a, seq=1, action="update", object_type="tests.gadget", object_id="1",
                       changes={"twin": [None, 7]})
    [row] = describe(org_a, [event])
    assert (row.type_label, _changes(row)["twin"]) == ("Gadget", (EMPTY, "G-7"))


def test_naming_events_costs_one_query_per_referenced_type_whatever_the_events(org_a, ciso, cio):
    risks = [_risk(org_a, ciso, title=f"Risk {n}") for n in range(3)]
    for risk in risks:
        risk_services.do_update_risk(ciso.user, org_a, risk, {"owner": cio.user.email, "category": "privacy"})
    events = _events(org_a, "risks.risk")
    mixed = events + _events(org_a, "core.membership")
    with CaptureQueriesContext(connection) as few:
        describe(org_a, events[:2])
    with CaptureQueriesContext(connection) as many:
        describe(org_a, mixed)
    referenced = {"core.membership", "core.user", "risks.risk", "risks.riskcategory"}
    assert referenced <= set(history._referenced_types())
    # One per referenced type, and one naming the objects removed since.
    assert len(few.captured_queries) == len(many.captured_queries) == len(history._referenced_types()) + 1


def test_the_audit_trail_page_reads_in_names_and_references(org_a, admin, ciso, cio):
    risk = _risk(org_a, ciso)
    risk_services.do_update_risk(ciso.user, org_a, risk, {"owner": cio.user.email})
    risk_services.do_request_acceptance(ciso.user, org_a, risk, justification="Accept",
                                        expires_on=org_today(org_a) + dt.timedelta(days=30))
    page = unescape(signed_in(admin).get("/o/org-a/audit/").content.decode())
    assert f"Owner: {ciso.user.email} → {cio.user.email}" in page
    assert "Risk: — → R-001" in page
    assert "Risk acceptance #" in page and "risks.riskacceptance" not in page.split("<tbody>")[1]
    assert '<option value="risks.risk">Risk</option>' in page


def test_the_audit_trail_filters_by_object(org_a, admin, ciso):
    first, second = _risk(org_a, ciso, title="First"), _risk(org_a, ciso, title="Second")
    page = signed_in(admin).get(f"/o/org-a/audit/?object_type=risks.risk&object_id={second.pk}").content.decode()
    assert "R-002 Second" in page and "R-001 First" not in page
    assert first.pk != second.pk


def test_a_risk_page_links_its_history_to_its_audit_trail(org_a, admin, ciso):
    risk = _risk(org_a, ciso)
    page = unescape(signed_in(admin).get(f"/o/org-a/risks/register/{risk.pk}/").content.decode())
    assert f"/o/org-a/audit/?object_type=risks.risk&object_id={risk.pk}" in page
    assert "This risk in the audit trail" in page


def _csv(response):
    text = response.content.decode("utf-8-sig")
    return text, list(csv.DictReader(io.StringIO(text)))


def test_the_audit_trail_exports_as_csv_with_every_cell_quoted_and_formulas_neutralised(org_a, admin, ciso):
    risk = _risk(org_a, ciso)
    risk_services.do_update_risk(ciso.user, org_a, risk, {"description": "@SUM(A1)", "tags": ["-1", "+2"]})
    risk_services.do_create_category(ciso.user, org_a, key="evil", name='=HYPERLINK("http://evil.test")')
    response = signed_in(admin).get("/o/org-a/audit/export/?since=2000-01-01")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="org-a-audit-trail-{org_today(org_a).isoformat()}.csv"' in response["Content-Disposition"]
    text, rows = _csv(response)
    assert text.splitlines()[0] == ",".join(f'"{c}"' for c in history.CSV_HEADER)
    assert all(line.startswith('"') and line.endswith('"') for line in text.splitlines())
    category, update, create = rows[:3]
    assert [r["object_type"] for r in (category, update, create)] == ["Risk category", "Risk", "Risk"]
    assert category["object"] == "'=HYPERLINK(\"http://evil.test\")"
    assert "Description: — → @SUM(A1)" in update["changes"]
    assert json.loads(update["changes_json"])["description"] == ["", "@SUM(A1)"]
    assert update["action"] == "Updated" and update["actor"] == ciso.user.email
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for cell in r.values())
    event = AuditEvent.objects.for_org(org_a).get(seq=int(update["seq"]))
    assert (update["hash"], update["prev_hash"]) == (event.hash, event.prev_hash)


def test_the_api_exports_the_audit_trail_as_csv_with_its_filters(client, org_a, admin, ciso):
    _risk(org_a, ciso)
    response = client.get("/api/v1/orgs/org-a/audit-events/export/?object_type=core.membership", **admin.auth())
    assert response.status_code == 200
    _, rows = _csv(response)
    assert rows and {r["object_type"] for r in rows} == {"Member"}
    alias = client.get("/api/v1/orgs/org-a/audit-events/export?object_type=core.membership", **admin.auth())
    assert alias.content == response.content


def test_the_audit_export_is_for_those_who_read_the_audit_trail(client, org_a, contributor):
    assert client.get("/api/v1/orgs/org-a/audit-events/export/", **contributor.auth()).status_code == 403
    assert signed_in(contributor).get("/o/org-a/audit/export/").status_code == 403
