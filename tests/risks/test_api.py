"""The risk register's REST API: risks, filters, the appetite, acceptances, files."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.risks import services
from accord.risks.models import Risk, RiskAcceptance
from tests.conftest import job_of
from tests.factories import make_member, sign_draft

BASE = "/api/v1/orgs/org-a"


def _post(client, persona, path, payload):
    return client.post(f"{BASE}{path}", payload, content_type="application/json", **persona.auth())


def _patch(client, persona, path, payload):
    return client.patch(f"{BASE}{path}", payload, content_type="application/json", **persona.auth())


def _get(client, persona, path):
    return client.get(f"{BASE}{path}", **persona.auth())


def _fields(response, status=422):
    """The fields a refusal names: 422 for a request to correct, 409 for one the current state refuses."""
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"detail", "errors"}
    return {e["field"] for e in body["errors"]}


def _risk(org, actor, **extra):
    data = {"title": "Ransomware on the file servers", "category": "cyber_security", "likelihood": 4,
            "impact": 4, **extra}
    return services.do_create_risk(actor.user, org, data)


def _in_force_appetite(org, cio, ciso, **levels):
    services.do_draft_appetite(ciso.user, org, statement="Moderate cyber risk only.",
                               category_levels=levels or {"cyber_security": "medium"})
    sign_draft(cio.user, org)
    sign_draft(ciso.user, org)


# --- reference data ---------------------------------------------------------------------------------

def test_categories_list_keys_names_positions_and_state(client, ciso):
    body = _get(client, ciso, "/risk-categories/").json()
    assert body["count"] == 7
    assert body["items"][0] == {"key": "strategic", "name": "Strategic", "position": 0, "active": True,
                                "is_privacy": False}


def test_the_matrix_is_the_default_five_by_five(client, viewer):
    body = _get(client, viewer, "/risk-matrix/").json()
    assert body["version"] == 1
    assert len(body["likelihood_labels"]) == len(body["impact_labels"]) == 5
    assert body["levels"][4][4] == "critical"


# --- creating and reading risks ---------------------------------------------------------------------

def test_creating_a_risk_answers_201_with_ref_levels_and_flags(client, ciso, cio):
    _in_force_appetite(ciso.org, cio, ciso)
    response = _post(client, ciso, "/risks/", {
        "title": "Stolen laptop", "category": "cyber_security", "likelihood": 4, "impact": 4,
        "residual_likelihood": 2, "owner": cio.user.email, "tags": ["endpoint", "theft"],
        "loss_low": "1000", "loss_high": 250000.5, "frequency_low": 0.1, "frequency_high": 2,
        "next_review": "2031-01-31"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ref"] == "R-001"
    assert (body["inherent_level"], body["residual_level"]) == ("high", "medium")
    assert body["above_tolerance"] is False
    assert body["accepted"] is False
    assert body["owner"] == cio.user.email
    assert body["owner_id"] == cio.membership.pk
    assert body["residual_impact"] == 4  # left out: equals the inherent impact
    assert body["tags"] == ["endpoint", "theft"]
    assert body["loss_high"] == "250000.50"
    assert body["next_review"] == "2031-01-31"
    event = AuditEvent.objects.for_org(ciso.org).filter(object_type="risks.risk").get()
    assert event.actor_label == ciso.user.email


def test_a_risk_above_the_signed_appetite_is_flagged(client, ciso, cio):
    _in_force_appetite(ciso.org, cio, ciso)
    body = _post(client, ciso, "/risks/", {"title": "Ransomware", "category": "cyber_security", "likelihood": 5,
                                          "impact": 5}).json()
    assert body["residual_level"] == "critical"
    assert body["above_tolerance"] is True


def test_missing_required_fields_are_each_named(client, ciso):
    assert _fields(_post(client, ciso, "/risks/", {"description": "no title"})) == {
        "title", "category", "likelihood", "impact"}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"likelihood": 0}, "likelihood"),
        ({"likelihood": 6}, "likelihood"),
        ({"impact": 6}, "impact"),
        ({"likelihood": "often"}, "likelihood"),
        ({"likelihood": 2.5}, "likelihood"),
        ({"residual_impact": 9}, "residual_impact"),
        ({"category": "weather"}, "category"),
        ({"category": 7}, "category"),
        ({"owner": "stranger@nowhere.test"}, "owner"),
        ({"owner": 12}, "owner"),
        ({"treatment_owner": "stranger@nowhere.test"}, "treatment_owner"),
        ({"treatment_due": "2024-13-45"}, "treatment_due"),
        ({"next_review": "tomorrow"}, "next_review"),
        ({"status": "forgotten"}, "status"),
        ({"treatment": "pray"}, "treatment"),
        ({"raised_by": "ceo"}, "raised_by"),
        ({"tags": "one;two"}, "tags"),
        ({"tags": ["x" * 101]}, "tags"),
        ({"title": "x" * 201}, "title"),
        ({"title": "   "}, "title"),
        ({"loss_low": -5, "loss_high": 10}, "loss_low"),
        ({"loss_low": "lots", "loss_high": 10}, "loss_low"),
        ({"frequency_low": 0, "frequency_high": 1}, "frequency_low"),
        ({"loss_low": 500, "loss_high": 500}, "loss_high"),
        ({"loss_low": 900, "loss_high": 100}, "loss_high"),
        ({"frequency_low": 3, "frequency_high": 0.5}, "frequency_high"),
        ({"loss_low": 500}, "loss_high"),
        ({"loss_low": 1, "loss_high": 1e20}, "loss_high"),
        ({"frequency_low": 1, "frequency_high": "123456789"}, "frequency_high"),
        ({"loss_low": "NaN", "loss_high": 5}, "loss_low"),
        ({"title": "Null\x00byte"}, "title"),
        ({"tags": ["ok", "nul\x00"]}, "tags"),
        ({"likelyhood": 3}, "likelyhood"),
    ],
)
def test_bad_input_answers_422_naming_the_field(client, ciso, change, field):
    payload = {"title": "Flood in the data centre", "category": "it_operations", "likelihood": 2, "impact": 3,
               **change}
    assert field in _fields(_post(client, ciso, "/risks/", payload))
    assert not Risk.objects.for_org(ciso.org).exists()


def test_a_nul_character_in_a_filter_is_refused(client, ciso):
    assert _fields(_get(client, ciso, "/risks/?q=a%00b")) == {"q"}


def test_malformed_json_is_a_client_error_not_a_crash(client, ciso):
    response = client.post(f"{BASE}/risks/", "{title: oops", content_type="application/json", **ciso.auth())
    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body", "errors": []}


def test_a_json_array_instead_of_an_object_is_refused(client, ciso):
    response = client.post(f"{BASE}/risks/", "[1, 2]", content_type="application/json", **ciso.auth())
    assert response.status_code == 422


def test_a_risk_is_read_by_id_and_another_organisations_id_is_404(client, ciso, outsider):
    risk = _risk(ciso.org, ciso)
    theirs = _risk(outsider.org, outsider)
    assert _get(client, ciso, f"/risks/{risk.pk}/").json()["title"] == "Ransomware on the file servers"
    assert _get(client, ciso, f"/risks/{theirs.pk}/").status_code == 404
    assert _get(client, ciso, "/risks/999999/").status_code == 404


# --- changing and deleting ----------------------------------------------------------------------------

def test_patch_changes_only_the_fields_sent_and_rederives_levels(client, ciso, cio):
    risk = _risk(ciso.org, ciso, owner=cio.user.email, description="Keep me")
    response = _patch(client, ciso, f"/risks/{risk.pk}/", {"residual_likelihood": 1, "residual_impact": 2})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["residual_level"], body["inherent_level"]) == ("low", "high")
    assert body["description"] == "Keep me"
    assert body["owner"] == cio.user.email
    event = AuditEvent.objects.for_org(ciso.org).filter(object_type="risks.risk", action="update").get()
    assert set(event.changes) == {"residual_likelihood", "residual_impact", "residual_level"}


def test_patch_with_null_clears_an_optional_field(client, ciso, cio):
    risk = _risk(ciso.org, ciso, owner=cio.user.email, treatment_due="2030-06-30")
    body = _patch(client, ciso, f"/risks/{risk.pk}/", {"owner": None, "treatment_due": None}).json()
    assert body["owner"] is None
    assert body["treatment_due"] is None


def test_patch_cannot_blank_a_required_field(client, ciso):
    risk = _risk(ciso.org, ciso)
    assert _fields(_patch(client, ciso, f"/risks/{risk.pk}/", {"title": None, "category": None})) == {
        "title", "category"}


def test_patch_checks_a_range_against_the_stored_other_end(client, ciso):
    risk = _risk(ciso.org, ciso, loss_low=1000, loss_high=5000)
    assert _fields(_patch(client, ciso, f"/risks/{risk.pk}/", {"loss_low": 9000})) == {"loss_high"}


def test_a_contributor_edits_but_cannot_archive(client, contributor):
    risk = _risk(contributor.org, contributor)
    assert _patch(client, contributor, f"/risks/{risk.pk}/", {"title": "Renamed"}).status_code == 200
    assert _post(client, contributor, f"/risks/{risk.pk}/archive/", {"reason": "Mine"}).status_code == 403


def test_archiving_keeps_the_risk_readable_and_out_of_the_register(client, ciso):
    risk = _risk(ciso.org, ciso)
    response = _post(client, ciso, f"/risks/{risk.pk}/archive/", {"reason": "Duplicate"})
    assert response.status_code == 200
    assert _get(client, ciso, f"/risks/{risk.pk}/").json()["archive_reason"] == "Duplicate"
    assert _get(client, ciso, "/risks/").json()["count"] == 0
    assert AuditEvent.objects.for_org(ciso.org).filter(object_type="risks.risk", action="archive").exists()


def test_an_auditor_reads_but_cannot_create(client, auditor):
    assert _get(client, auditor, "/risks/").status_code == 200
    payload = {"title": "x", "category": "privacy", "likelihood": 1, "impact": 1}
    assert _post(client, auditor, "/risks/", payload).status_code == 403


# --- the list, its filters and its cost -----------------------------------------------------------------

@pytest.fixture
def register(org_a, ciso, cio):
    """Four risks covering every filter."""
    _in_force_appetite(org_a, cio, ciso)
    past = org_today(org_a) - dt.timedelta(days=3)
    return {
        "critical": _risk(org_a, ciso, title="Ransomware", likelihood=5, impact=5, owner=ciso.user.email,
                          tags=["ransomware", "board"]),
        "privacy": _risk(org_a, ciso, title="Misdirected patient letters", category="privacy", likelihood=3,
                         impact=3, owner=cio.user.email, next_review=past.isoformat(), tags=["gdpr"]),
        "old": _risk(org_a, ciso, title="Legacy fax server", category="it_operations", likelihood=1, impact=1,
                     status="closed", next_review=past.isoformat()),
        "vendor": _risk(org_a, ciso, title="Payroll supplier insolvency", category="third_party", likelihood=2,
                        impact=4, status="assessed", description="Single supplier of payroll services"),
    }


def _refs(client, persona, query):
    body = _get(client, persona, f"/risks/?{query}").json()
    return [item["title"] for item in body["items"]]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ("", ["Ransomware", "Misdirected patient letters", "Legacy fax server", "Payroll supplier insolvency"]),
        ("q=payroll", ["Payroll supplier insolvency"]),
        ("q=single+supplier", ["Payroll supplier insolvency"]),
        ("q=R-002", ["Misdirected patient letters"]),
        ("category=privacy", ["Misdirected patient letters"]),
        ("level=critical", ["Ransomware"]),
        ("status=closed", ["Legacy fax server"]),
        ("above_tolerance=true", ["Ransomware"]),
        ("overdue_review=true", ["Misdirected patient letters"]),
        ("tag=gdpr", ["Misdirected patient letters"]),
        ("tag=ransomware&tag=board", ["Ransomware"]),
        ("tag=ransomware&tag=gdpr", []),
        ("sort=-level", ["Ransomware", "Misdirected patient letters", "Payroll supplier insolvency",
                         "Legacy fax server"]),
        ("sort=title", ["Legacy fax server", "Misdirected patient letters", "Payroll supplier insolvency",
                        "Ransomware"]),
    ],
)
def test_the_list_filters_like_the_register_page(client, ciso, register, query, titles):
    assert _refs(client, ciso, query) == titles


def test_the_owner_filter_takes_a_membership_id(client, ciso, cio, register):
    assert _refs(client, ciso, f"owner={cio.membership.pk}") == ["Misdirected patient letters"]


@pytest.mark.parametrize(("query", "field"), [("sort=colour", "sort"), ("level=huge", "level"),
                                              ("owner=me", "owner"), ("above_tolerance=perhaps", "above_tolerance"),
                                              ("limit=0", "limit")])
def test_bad_filters_answer_422_naming_the_parameter(client, ciso, query, field):
    assert field in _fields(_get(client, ciso, f"/risks/?{query}"))


def test_the_list_is_paginated(client, ciso, register):
    body = _get(client, ciso, "/risks/?limit=2&offset=1").json()
    assert body["count"] == 4
    assert [i["ref"] for i in body["items"]] == ["R-002", "R-003"]


def _count_queries(client, url, headers):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_for_3_or_40_risks(client, org_a, ciso, cio):
    _in_force_appetite(org_a, cio, ciso)
    url = f"{BASE}/risks/?limit=100"
    headers = ciso.auth()
    client.get(url, **headers)  # first use records the token's last use
    for i in range(3):
        _risk(org_a, ciso, title=f"Risk {i}", owner=cio.user.email, treatment_owner=ciso.user.email)
    small = _count_queries(client, url, headers)
    for i in range(37):
        _risk(org_a, ciso, title=f"More {i}", owner=ciso.user.email, treatment_owner=cio.user.email)
    assert _count_queries(client, url, headers) == small


# --- export and import ------------------------------------------------------------------------------------

def test_export_as_csv_downloads_the_filtered_register(client, viewer, register):
    response = _get(client, viewer, "/risks/export/?format=csv&category=privacy")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="org-a-risks-' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith('"ref","title","description","category","owner"')  # every field quoted
    assert len(lines) == 2
    assert "Misdirected patient letters" in lines[1]


def test_export_as_xlsx_is_a_workbook(client, viewer, register):
    response = _get(client, viewer, "/risks/export/?format=xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == 5
    assert ws["B2"].value == "Ransomware"


def test_export_refuses_an_unknown_format(client, viewer):
    assert _fields(_get(client, viewer, "/risks/export/?format=pdf")) == {"format"}


def _upload(client, persona, name, content):
    return client.post(f"{BASE}/risks/import/", {"file": SimpleUploadedFile(name, content)}, **persona.auth())


def test_an_import_answers_202_with_its_job_whose_result_has_the_counts(client, ciso):
    content = (b"title,category,likelihood,impact,tags\r\n"
               b"Phishing of finance staff,cyber_security,4,3,email; finance\r\n"
               b"Supplier data leak,third_party,2,4,\r\n")
    response = _upload(client, ciso, "risks.csv", content)
    assert response.json()["kind"] == "risks.import"
    assert re.fullmatch(r"/api/v1/orgs/org-a/jobs/\d+/", response["Location"])
    job = job_of(client, ciso, response)
    assert job["status"] == "done" and job["parameters"]["filename"] == "risks.csv"
    body = job["result"]
    assert body["summary"] == "2 added, 0 updated, 0 unchanged"
    assert (body["count"], body["created"], body["updated"], body["dry_run"]) == (2, 2, 0, False)
    assert [(r["row"], r["action"], r["ref"]) for r in body["rows"]] == [(2, "create", "R-001"), (3, "create", "R-002")]
    assert Risk.objects.for_org(ciso.org).get(number=1).tags == ["email", "finance"]


def test_a_rejected_import_names_every_bad_row_and_writes_nothing(client, ciso):
    content = (b"title,category,likelihood,impact\r\n"
               b"Fine,cyber_security,2,2\r\n"
               b"Bad likelihood,cyber_security,9,2\r\n"
               b",weather,2,2\r\n")
    job = job_of(client, ciso, _upload(client, ciso, "risks.csv", content))
    assert job["status"] == "failed" and "2 row(s) have errors; nothing was imported" in job["error"]
    assert {(r["row"], e["field"]) for r in job["result"]["rows"] for e in r["errors"]} == {
        (3, "likelihood"), (4, "title"), (4, "category")}
    assert (job["result"]["created"], job["result"]["refused"]) == (1, 2)  # what it would have done: all or nothing
    assert not Risk.objects.for_org(ciso.org).exists()


def test_an_unreadable_upload_fails_its_job_naming_the_file(client, ciso):
    job = job_of(client, ciso, _upload(client, ciso, "risks.xlsx", b"PK\x03\x04 not really a workbook"))
    assert job["status"] == "failed" and job["error"].startswith("file: ") and "XLSX" in job["error"]
    assert job["result"] is None


def test_an_unreadable_upload_in_a_dry_run_answers_422_on_the_file(client, ciso):
    response = client.post(f"{BASE}/risks/import/?dry_run=true",
                           {"file": SimpleUploadedFile("risks.xlsx", b"PK\x03\x04 not a workbook")}, **ciso.auth())
    assert _fields(response) == {"file"}
    assert "XLSX" in response.json()["errors"][0]["message"]


def test_an_import_without_a_file_names_the_file_field(client, ciso):
    response = client.post(f"{BASE}/risks/import/", {}, **ciso.auth())
    assert _fields(response) == {"file"}


def test_only_governors_import(client, contributor):
    content = b"title,category,likelihood,impact\r\nx,privacy,1,1\r\n"
    assert _upload(client, contributor, "r.csv", content).status_code == 403


# --- the appetite ---------------------------------------------------------------------------------------

def test_an_organisation_starts_without_an_appetite(client, viewer):
    body = _get(client, viewer, "/risk-appetite/").json()
    assert body == {"in_force": None, "draft": None, "awaiting": [], "awaiting_people": [], "dpo_consulted": True}


def test_a_draft_shows_who_must_still_sign_until_it_is_in_force(client, cio, ciso):
    response = client.put(f"{BASE}/risk-appetite/", {
        "statement": "We accept moderate cyber risk.", "category_levels": {"cyber_security": "medium"},
        "tolerance": [[1_000_000, 0.05]]}, content_type="application/json", **ciso.auth())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["in_force"] is None
    assert body["draft"]["version"] == 1
    assert body["draft"]["category_levels"] == {"cyber_security": "medium"}
    assert body["draft"]["created_by"] == ciso.user.email
    assert [a["slot"] for a in body["awaiting"]] == ["cio", "ciso"]

    body = _post(client, cio, "/risk-appetite/sign/", {"version": 1}).json()
    assert [s["slot"] for s in body["draft"]["signatures"]] == ["cio"]
    assert [a["slot"] for a in body["awaiting"]] == ["ciso"]
    assert body["awaiting_people"] == [ciso.user.display_name]

    body = _post(client, ciso, "/risk-appetite/sign/", {"version": 1}).json()
    assert body["draft"] is None
    assert body["in_force"]["status"] == "in_force"
    assert {s["user"] for s in body["in_force"]["signatures"]} == {cio.user.email, ciso.user.email}


def test_the_version_in_force_stays_while_a_new_draft_awaits(client, cio, ciso):
    _in_force_appetite(ciso.org, cio, ciso)
    body = client.put(f"{BASE}/risk-appetite/", {"statement": "Tighter.", "category_levels": {"privacy": "low"}},
                      content_type="application/json", **cio.auth()).json()
    assert (body["in_force"]["version"], body["draft"]["version"]) == (1, 2)


def test_signing_names_the_version_signed(client, cio, ciso):
    services.do_draft_appetite(ciso.user, ciso.org, statement="v1", category_levels={})
    assert _fields(_post(client, cio, "/risk-appetite/sign/", {"version": 7}), 409) == {"version"}
    assert _fields(_post(client, cio, "/risk-appetite/sign/", {})) == {"version"}  # a signature names its version
    signed = _post(client, cio, "/risk-appetite/sign/", {"version": 1})
    assert signed.status_code == 200
    assert signed.json()["draft"]["version"] == 1
    services.do_draft_appetite(ciso.user, ciso.org, statement="v2", category_levels={})
    # Version 1 was withdrawn by the newer draft: signing it is refused, not silently redirected.
    assert _fields(_post(client, ciso, "/risk-appetite/sign/", {"version": 1}), 409) == {"version"}


def test_a_member_the_governance_profile_does_not_name_cannot_sign(client, admin, ciso):
    services.do_draft_appetite(ciso.user, ciso.org, statement="v1", category_levels={})
    response = _post(client, admin, "/risk-appetite/sign/", {"version": 1})
    assert _fields(response) == {"signature"}
    assert "CIO and CISO" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"statement": "", "category_levels": {}}, "statement"),
        ({"statement": "x", "category_levels": {"weather": "low"}}, "category_levels.weather"),
        ({"statement": "x", "category_levels": {"privacy": "tiny"}}, "category_levels.privacy"),
        # The schema states a point: a positive loss, then a probability strictly between 0 and 1.
        ({"statement": "x", "tolerance": [[-1, 0.5]]}, "tolerance.0.0"),
        ({"statement": "x", "tolerance": [[1000, 1.5]]}, "tolerance.0.1"),
        ({"statement": "x", "tolerance": [[1000]]}, "tolerance.0.1"),
        ({"statement": "x", "tolerance": [["a", 0.1]]}, "tolerance.0.0"),
        ({"statement": "x", "tolerance": "high"}, "tolerance"),
        ({"category_levels": {}}, "statement"),
    ],
)
def test_a_bad_appetite_draft_answers_422_naming_the_field(client, ciso, payload, field):
    response = client.put(f"{BASE}/risk-appetite/", payload, content_type="application/json", **ciso.auth())
    assert field in _fields(response)


# --- acceptances ---------------------------------------------------------------------------------------

def _accept_path(risk, acceptance=None, verb=""):
    base = f"/risks/{risk.pk}/acceptances/"
    return base if acceptance is None else f"{base}{acceptance}/{verb}/"


def test_an_acceptance_above_tolerance_needs_the_ciso_and_the_cio(client, cio, ciso):
    _in_force_appetite(ciso.org, cio, ciso)
    risk = _risk(ciso.org, ciso, likelihood=5, impact=5)
    expires = (org_today(ciso.org) + dt.timedelta(days=90)).isoformat()
    response = _post(client, cio, _accept_path(risk), {"justification": "Replacement ordered",
                                                       "expires_on": expires})
    assert response.status_code == 201, response.content
    body = response.json()
    # The CIO requests and, being a required signatory, signs in the same step.
    assert (body["status"], body["required_signatories"], body["awaiting"]) == ("pending", ["ciso", "cio"],
                                                                               ["ciso"])
    assert body["above_tolerance_when_requested"] is True
    assert body["risk_ref"] == risk.ref

    body = _post(client, ciso, _accept_path(risk, body["id"], "sign"), {}).json()
    assert (body["status"], body["awaiting"]) == ("in_force", [])
    detail = _get(client, ciso, f"/risks/{risk.pk}/").json()
    assert (detail["accepted"], detail["above_tolerance"], detail["status"]) == (True, True, "accepted")


def test_someone_not_required_cannot_sign_an_acceptance(client, cio, ciso, dpo):
    _in_force_appetite(ciso.org, cio, ciso)
    risk = _risk(ciso.org, ciso, likelihood=5, impact=5)
    acceptance = services.do_request_acceptance(cio.user, ciso.org, risk, justification="x",
                                                expires_on=org_today(ciso.org) + dt.timedelta(days=30))
    assert _fields(_post(client, dpo, _accept_path(risk, acceptance.pk, "sign"), {})) == {"signature"}


def test_acceptances_are_listed_with_their_effective_state(client, ciso):
    owner = make_member(ciso.org, "contributor")
    risk = _risk(ciso.org, ciso, likelihood=1, impact=1, owner=owner.user.email)
    acceptance = services.do_request_acceptance(owner.user, ciso.org, risk, justification="Low value",
                                                expires_on=org_today(ciso.org) + dt.timedelta(days=10))
    assert acceptance.status == "in_force"  # the owner requested and signed in the same step
    RiskAcceptance.objects.for_org(ciso.org).filter(pk=acceptance.pk).update(
        expires_on=org_today(ciso.org) - dt.timedelta(days=1))
    body = _get(client, ciso, _accept_path(risk)).json()
    assert body["count"] == 1
    assert body["items"][0]["status"] == "expired"
    assert _get(client, ciso, f"/risks/{risk.pk}/").json()["accepted"] is False


def test_a_pending_acceptance_can_be_withdrawn_once(client, ciso):
    risk = _risk(ciso.org, ciso, owner=ciso.user.email)
    acceptance = services.do_request_acceptance(ciso.user, ciso.org, risk, justification="x",
                                                expires_on=org_today(ciso.org) + dt.timedelta(days=30))
    body = _post(client, ciso, _accept_path(risk, acceptance.pk, "withdraw"), {"reason": "Treated instead"}).json()
    assert (body["status"], body["withdrawal_reason"]) == ("withdrawn", "Treated instead")
    again = _post(client, ciso, _accept_path(risk, acceptance.pk, "withdraw"), {"reason": "Again"})
    assert _fields(again, 409) == {"acceptance"}


def test_an_acceptance_of_another_risk_is_404_under_this_risk(client, ciso):
    one, two = _risk(ciso.org, ciso, owner=ciso.user.email), _risk(ciso.org, ciso)
    acceptance = services.do_request_acceptance(ciso.user, ciso.org, one, justification="x",
                                                expires_on=org_today(ciso.org) + dt.timedelta(days=30))
    assert _post(client, ciso, _accept_path(two, acceptance.pk, "sign"), {}).status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"justification": "", "expires_on": "2099-01-01"}, "justification"),
        ({"justification": "x", "expires_on": "2001-01-01"}, "expires_on"),
        ({"justification": "x", "expires_on": "2099-01-01"}, "expires_on"),
        ({"justification": "x", "expires_on": "soon"}, "expires_on"),
        ({"justification": "x"}, "expires_on"),
    ],
)
def test_a_bad_acceptance_request_answers_422_naming_the_field(client, ciso, payload, field):
    risk = _risk(ciso.org, ciso, owner=ciso.user.email)
    assert field in _fields(_post(client, ciso, _accept_path(risk), payload))


def test_an_acceptance_within_tolerance_needs_an_owner(client, ciso):
    risk = _risk(ciso.org, ciso)
    expires = (org_today(ciso.org) + dt.timedelta(days=30)).isoformat()
    assert _fields(_post(client, ciso, _accept_path(risk), {"justification": "x", "expires_on": expires})) == {
        "risk"}


def test_the_openapi_document_lists_the_risk_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/orgs/{org}/risks/", "/api/v1/orgs/{org}/risks/{risk_id}/", "/api/v1/orgs/{org}/risk-appetite/",
            "/api/v1/orgs/{org}/risks/import/", "/api/v1/orgs/{org}/risks/export/"} <= set(paths)


@pytest.mark.parametrize(("query", "refs", "count"), [
    ("limit=2", ["R-001", "R-002"], 5),  # a full page: more may follow, so the count is counted
    ("limit=2&offset=4", ["R-005"], 5),  # the last page, not full
    ("limit=10", ["R-001", "R-002", "R-003", "R-004", "R-005"], 5),
    ("limit=2&offset=9", [], 5),  # past the end
    ("limit=10&q=nothing-matches", [], 0),
    ("limit=3&q=Risk 4", ["R-004"], 1),
])
def test_every_page_of_the_register_gives_the_count_of_all_matching_risks(client, org_a, ciso, query, refs, count):
    for n in range(5):
        _risk(org_a, ciso, title=f"Risk {n + 1}")
    body = _get(client, ciso, f"/risks/?{query}").json()
    assert ([r["ref"] for r in body["items"]], body["count"]) == (refs, count)


def test_a_new_risk_is_raised_by_the_side_of_whoever_adds_it_unless_told(client, cio, dpo, admin):
    """One rule for every front (the web form's initial reads it too): the CIO's and the DPO's risks are their
    side's, an admin's or a script's the CISO's, and a `raised_by` given is kept."""
    body = {"title": "Supplier outage", "category": "cyber_security", "likelihood": 2, "impact": 3}
    sides = [_post(client, persona, "/risks/", body).json()["raised_by"] for persona in (cio, dpo, admin)]
    assert sides == ["cio", "dpo", "ciso"]
    assert _post(client, dpo, "/risks/", {**body, "raised_by": "cio"}).json()["raised_by"] == "cio"
    assert services.do_create_risk(None, cio.org, body).raised_by == "ciso"
