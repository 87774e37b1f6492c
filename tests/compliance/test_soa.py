"""The Statement of Applicability: the status rule's combinations, every Annex A control listed (a control without
a statement reads as applicable, not yet justified), statements that must say why, audited with their history,
the page's inline editing and filters, the API, exports (XLSX rows and columns, the PDF through the reports kit's
job), the CLI, isolation, the auditor who reads but never changes, French, and a page whose queries do not grow
with the framework (1,000 controls read as 50 do)."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from accord.cli import main
from accord.compliance import exports_soa, rules, services, services_controls
from accord.compliance import selectors_soa as selectors
from accord.compliance import services_soa as svc
from accord.compliance.choices import ControlStatus, SoaStatus
from accord.compliance.models import Requirement
from accord.core import services as core_services
from accord.core.models import AuditEvent
from tests.compliance.routes_soa import iso_like
from tests.conftest import job_of, signed_in

HX = {"HTTP_HX_REQUEST": "true"}
P, IP, DONE, R = ControlStatus.PLANNED, ControlStatus.IN_PROGRESS, ControlStatus.IMPLEMENTED, ControlStatus.RETIRED


@pytest.mark.parametrize(("applicable", "statuses", "expected"), [
    (False, [DONE, DONE], SoaStatus.NOT_APPLICABLE),
    (False, [], SoaStatus.NOT_APPLICABLE),
    (True, [], SoaStatus.NOT_IMPLEMENTED),
    (True, [R], SoaStatus.NOT_IMPLEMENTED),
    (True, [P], SoaStatus.PLANNED),
    (True, [P, P, R], SoaStatus.PLANNED),
    (True, [P, IP], SoaStatus.IN_PROGRESS),
    (True, [IP], SoaStatus.IN_PROGRESS),
    (True, [DONE, P], SoaStatus.IN_PROGRESS),
    (True, [DONE, IP], SoaStatus.IN_PROGRESS),
    (True, [DONE], SoaStatus.IMPLEMENTED),
    (True, [DONE, DONE, R], SoaStatus.IMPLEMENTED),
])
def test_the_status_rule_takes_the_first_of_its_precedence_that_holds(applicable, statuses, expected):
    assert rules.soa_status(applicable=applicable, control_statuses=statuses) == expected


@pytest.mark.parametrize(("applicable", "reasons", "justification", "missing"), [
    (False, [], "", "justification"), (False, ["legal"], "  ", "justification"), (False, [], "No premises", None),
    (True, [], "", "reasons"), (True, ["business"], "", None), (True, [], "Board's baseline", None)])
def test_a_statement_says_why_it_leaves_a_control_out_or_keeps_it(applicable, reasons, justification, missing):
    assert rules.soa_unjustified(applicable=applicable, reasons=reasons, justification=justification) == missing


@pytest.fixture
def iso(org_a):
    return services.do_install_builtin_framework(None, org_a, "iso27001-2022")


def test_every_annex_a_control_is_listed_by_theme_as_applicable_not_yet_justified(iso, org_a):
    soa = selectors.soa(org_a)
    assert soa.framework == iso
    assert [(t.ref, sum(1 for r in soa.rows if r.theme == t)) for t in soa.themes] == [
        ("A.5", 37), ("A.6", 8), ("A.7", 14), ("A.8", 34)]
    assert soa.total == 93 and soa.unjustified == 93
    assert all(r.applicable and not r.justified and r.status == SoaStatus.NOT_IMPLEMENTED for r in soa.rows)
    assert [r.ref for r in soa.rows][:3] == ["A.5.1", "A.5.2", "A.5.3"]
    assert soa.counts == {SoaStatus.NOT_IMPLEMENTED: 93}


def test_without_iso_27001_the_statement_is_empty_and_a_control_is_404(org_a):
    assert selectors.soa(org_a).framework is None and selectors.soa(org_a).rows == []
    with pytest.raises(Http404, match="No ISO 27001 framework"):
        selectors.soa_row(org_a, "A.5.1")


def test_the_status_follows_the_linked_controls(iso, org_a, ciso):
    requirement = Requirement.objects.for_org(org_a).get(framework=iso, ref="A.8.24")
    planned = services_controls.do_create_control(None, org_a, {"name": "Key management", "status": "planned"})
    services_controls.do_link_control_requirement(None, org_a, planned, requirement)
    assert selectors.soa_row(org_a, "A.8.24").status == SoaStatus.PLANNED
    done = services_controls.do_create_control(None, org_a, {"name": "TLS everywhere", "status": "implemented"})
    services_controls.do_link_control_requirement(None, org_a, done, requirement)
    row = selectors.soa_row(org_a, "A.8.24")
    assert row.status == SoaStatus.IN_PROGRESS and [c.ref for c in row.controls] == [planned.ref, done.ref]
    svc.do_set_soa_entry(ciso.user, org_a, "A.8.24", {"applicable": False, "justification": "No data to protect"})
    assert selectors.soa_row(org_a, "A.8.24").status == SoaStatus.NOT_APPLICABLE


def test_leaving_a_control_out_needs_a_justification_and_keeping_it_a_reason(iso, org_a, ciso):
    with pytest.raises(ValidationError, match="needs a justification") as refused:
        svc.do_set_soa_entry(ciso.user, org_a, "A.7.12", {"applicable": False})
    assert list(refused.value.message_dict) == ["justification"]
    with pytest.raises(ValidationError, match="choose a reason") as refused:
        svc.do_set_soa_entry(ciso.user, org_a, "A.7.12", {"applicable": True})
    assert list(refused.value.message_dict) == ["reasons"]
    with pytest.raises(ValidationError, match="is not one of") as refused:
        svc.do_set_soa_entry(ciso.user, org_a, "A.7.12", {"reasons": ["whim"]})
    assert list(refused.value.message_dict) == ["reasons"]
    with pytest.raises(Http404, match="No such Annex A control"):
        svc.do_set_soa_entry(ciso.user, org_a, "6.1.3", {"reasons": ["legal"]})  # a clause, not Annex A
    assert not selectors.soa_row(org_a, "A.7.12").justified


def test_every_change_appends_one_audit_event_and_shows_in_the_history(iso, org_a, ciso):
    head = AuditEvent.objects.for_org(org_a).count()
    row = svc.do_set_soa_entry(ciso.user, org_a, "A.7.12", {"applicable": "no", "justification": "No cabling"})
    assert (row.applicable, row.justified, row.justification) == (False, True, "No cabling")
    row = svc.do_set_soa_entry(ciso.user, org_a, "A.7.12", {"applicable": True, "reasons": "business, legal"})
    assert row.reasons == ["legal", "business"] and row.justification == "No cabling"
    svc.do_set_soa_entry(ciso.user, org_a, "A.7.12", {"applicable": True})  # nothing changes: no event
    events = list(AuditEvent.objects.for_org(org_a).order_by("seq"))[head:]
    assert [(e.action, sorted(e.changes)) for e in events] == [
        ("create", ["applicable", "justification", "reasons"]), ("update", ["applicable", "reasons"])]
    assert events[1].changes["applicable"] == [False, True]
    page = signed_in(ciso).get(reverse("compliance:soa_row", kwargs={"org": "org-a", "ref": "A.7.12"}))
    text = page.content.decode()
    assert page.status_code == 200 and "Legal or contractual obligation, Business requirement" in text
    assert "Reasons for inclusion" in text and "No cabling" in text


def _url(name, **kwargs):
    return reverse(f"compliance:{name}", kwargs={"org": "org-a", **kwargs})


def test_a_row_opens_as_a_form_with_applicability_focused_and_save_and_next_opens_the_next(iso, org_a, ciso):
    client = signed_in(ciso)
    form = client.get(_url("soa_edit", ref="A.5.1"), **HX).content.decode()
    assert "<form" in form and "autofocus" in form and 'name="reasons"' in form
    response = client.post(_url("soa_edit", ref="A.5.1"), {"applicable": "yes", "reasons": ["legal", "business"],
                                                            "next": "1"}, **HX)
    html = response.content.decode()
    following = Requirement.objects.for_org(org_a).get(framework=iso, ref="A.5.2")
    assert response.status_code == 200
    assert 'hx-swap-oob="outerHTML"' in html and f'id="soa-{following.pk}"' in html
    assert selectors.soa_row(org_a, "A.5.1").reasons == ["legal", "business"]


def test_a_refused_statement_stays_open_with_its_error(iso, org_a, ciso):
    response = signed_in(ciso).post(_url("soa_edit", ref="A.5.1"), {"applicable": "no", "justification": ""}, **HX)
    assert response.status_code == 200 and "needs a justification" in response.content.decode()
    assert not selectors.soa_row(org_a, "A.5.1").justified


def test_the_page_filters_by_theme_applicability_and_status_and_counts_every_status(iso, org_a, ciso):
    svc.do_set_soa_entry(ciso.user, org_a, "A.7.12", {"applicable": False, "justification": "No cabling"})
    client = signed_in(ciso)
    page = client.get(_url("soa")).content.decode()
    assert page.count('<tr id="soa-') == 93 and "Not implemented: 92" in page and "Not applicable: 1" in page
    assert "Export (XLSX)" in page and "Export (PDF)" in page
    themed = client.get(_url("soa") + "?theme=A.6", **HX).content.decode()
    assert themed.count('<tr id="soa-') == 8
    excluded = client.get(_url("soa") + "?applicable=no", **HX).content.decode()
    assert excluded.count('<tr id="soa-') == 1 and "A.7.12" in excluded
    status = client.get(_url("soa") + "?status=not_applicable&theme=A.5", **HX).content.decode()
    assert status.count('<tr id="soa-') == 0 and "No control matches." in status


def test_the_auditor_reads_the_statement_but_cannot_change_it(iso, org_a, auditor):
    client = signed_in(auditor)
    page = client.get(_url("soa")).content.decode()
    assert page.count('<tr id="soa-') == 93 and "soa_edit" not in page and "/edit/" not in page
    assert client.post(_url("soa_edit", ref="A.5.1"), {"applicable": "yes", "reasons": ["legal"]}).status_code == 403
    response = client.patch("/api/v1/orgs/org-a/soa/A.5.1", {"reasons": ["legal"]}, content_type="application/json",
                            **auditor.auth())
    assert response.status_code == 403
    assert client.get("/api/v1/orgs/org-a/soa/A.5.1", **auditor.auth()).json()["justified"] is False


def test_the_api_lists_reads_and_changes_a_statement(iso, org_a, ciso):
    auth = ciso.auth()
    client = signed_in(ciso)
    changed = client.patch("/api/v1/orgs/org-a/soa/A.8.30", {"applicable": False, "justification": "Not outsourced"},
                           content_type="application/json", **auth)
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert (body["ref"], body["theme"], body["applicable"], body["status"], body["updated_by"]) == (
        "A.8.30", "A.8", False, "not_applicable", ciso.user.email)
    listed = client.get("/api/v1/orgs/org-a/soa/?limit=100", **auth).json()
    assert listed["count"] == 93 and len(listed["items"]) == 93
    excluded = client.get("/api/v1/orgs/org-a/soa/?applicable=no", **auth).json()
    assert [r["ref"] for r in excluded["items"]] == ["A.8.30"]
    refused = client.patch("/api/v1/orgs/org-a/soa/A.8.29", {"applicable": False}, content_type="application/json",
                           **auth)
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "justification"
    bad_theme = client.get("/api/v1/orgs/org-a/soa/?theme=A.9", **auth)
    assert bad_theme.status_code == 422 and "A.5, A.6, A.7, A.8" in bad_theme.content.decode()
    assert client.get("/api/v1/orgs/org-a/soa/A.9.1", **auth).status_code == 404


def test_organisation_bs_statement_is_404_to_a(iso, org_a, org_b, ciso, outsider):
    services.do_install_builtin_framework(None, org_b, "iso27001-2022")
    svc.do_set_soa_entry(None, org_b, "A.7.12", {"applicable": False, "justification": "CANARYB no cabling"})
    client = signed_in(ciso)
    assert client.get("/api/v1/orgs/org-b/soa/", **ciso.auth()).status_code == 404
    assert client.get("/api/v1/orgs/org-b/soa/A.7.12", **ciso.auth()).status_code == 404
    assert client.get(reverse("compliance:soa_row", kwargs={"org": "org-b", "ref": "A.7.12"})).status_code == 404
    assert "CANARYB" not in client.get(_url("soa")).content.decode()
    assert selectors.soa_row(org_a, "A.7.12").justified is False


def test_the_xlsx_export_has_a_row_per_annex_a_control_with_its_columns(iso, org_a, ciso):
    control = services_controls.do_create_control(None, org_a, {"name": "Backups", "status": "implemented"})
    services_controls.do_link_control_requirement(None, org_a, control, Requirement.objects.for_org(org_a).get(
        framework=iso, ref="A.8.13"))
    svc.do_set_soa_entry(ciso.user, org_a, "A.8.13", {"reasons": ["risk_treatment"], "justification": "=cmd()"})
    response = signed_in(ciso).get(_url("soa_export"))
    assert response.status_code == 200 and response["Content-Disposition"].endswith('org-a-soa.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["SoA"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == exports_soa.COLUMNS and len(rows) == 94
    backups = next(r for r in rows if r[2] == "A.8.13")
    assert backups[:10] == ("A.8", "Technological controls", "A.8.13", "Backups", "yes", "yes", "risk_treatment",
                            "'=cmd()", "implemented", control.ref)
    assert backups[11] == ciso.user.email
    assert next(r for r in rows if r[2] == "A.5.1")[4:9] == ("yes", "no", None, None, "not_implemented")


def test_the_pdf_is_printed_by_the_reports_job(iso, org_a, ciso):
    client = signed_in(ciso)
    refused = client.get("/api/v1/orgs/org-a/soa/export?format=pdf", **ciso.auth())
    assert refused.status_code == 422 and "POST" in refused.content.decode()
    job = job_of(client, ciso, client.post("/api/v1/orgs/org-a/soa/export?format=pdf", **ciso.auth()))
    assert job["status"] == "done" and job["kind"] == "reports.soa"
    pdf = client.get(f"/api/v1/orgs/org-a/jobs/{job['id']}/file/", **ciso.auth())
    content = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert pdf.status_code == 200 and content[:5] == b"%PDF-"


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_lists_the_statement_and_exports_it_as_xlsx_and_pdf(iso, org_a, ciso, capsys, tmp_path):
    svc.do_set_soa_entry(ciso.user, org_a, "A.7.12", {"applicable": False, "justification": "No\tcabling"})
    code, out, _ = run(capsys, "soa", "list", "org-a")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 93
    assert lines[0] == "A.5.1\tyes\tnot_implemented\t-\tInformation security policies\t(not yet justified)"
    assert "A.7.12\tno\tnot_applicable\t-\tCabling\tNo cabling" in lines
    xlsx, pdf = tmp_path / "soa.xlsx", tmp_path / "soa.pdf"
    assert run(capsys, "soa", "export", "org-a", "--out", str(xlsx))[0] == 0
    assert len(list(load_workbook(xlsx, read_only=True)["SoA"].iter_rows())) == 94
    code, out, _ = run(capsys, "soa", "export", "org-a", "--format", "pdf", "--out", str(pdf))
    assert code == 0 and pdf.read_bytes()[:5] == b"%PDF-"
    assert out.startswith(f"exported the Statement of Applicability of org-a to {pdf} (PDF, ")


def test_the_cli_says_in_one_line_when_there_is_no_iso_27001(org_a, capsys):
    code, out, err = run(capsys, "soa", "list", "org-a")
    assert code != 0 and out == "" and "has no ISO 27001 framework" in err and len(err.strip().splitlines()) == 1


def test_the_page_reads_in_french(iso, org_a, viewer):
    core_services.do_set_user_language(viewer.user, language="fr")
    page = signed_in(viewer).get(_url("soa")).content.decode()
    assert "Déclaration d&#x27;applicabilité" in page and "Non mise en œuvre: 93" in page
    assert "Mesure de l'annexe A" in page and "pas encore justifiée" in page


def _page_queries(client, persona, org, per_theme: int, version: str) -> int:
    services.do_import_framework(None, org, iso_like(org, version, per_theme))
    for k in range(1, per_theme, 7):
        svc.do_set_soa_entry(None, org, f"A.5.{k}", {"applicable": bool(k % 2), "reasons": ["legal"],
                                                     "justification": "x"})
        control = services_controls.do_create_control(None, org, {"name": f"c{version}{k}", "status": "planned"})
        services_controls.do_link_control_requirement(None, org, control, Requirement.objects.for_org(org).get(
            framework__version=version, ref=f"A.8.{k}"))
    client.get(_url("soa"))
    client.get("/api/v1/orgs/org-a/soa/?limit=100", **persona.auth())
    with CaptureQueriesContext(connection) as page:
        response = client.get(_url("soa"))
    assert response.status_code == 200
    assert selectors.soa(org).total == 4 * per_theme + 1
    with CaptureQueriesContext(connection) as api:
        assert client.get("/api/v1/orgs/org-a/soa/?limit=100", **persona.auth()).status_code == 200
    return len(page.captured_queries) + 1000 * len(api.captured_queries)


def test_the_page_and_the_api_read_1000_controls_with_the_queries_of_50(org_a, ciso):
    client = signed_in(ciso)
    ciso.auth()  # the token made before counting
    small = _page_queries(client, ciso, org_a, 12, "small")  # 49 Annex A controls
    assert _page_queries(client, ciso, org_a, 250, "large") == small  # 1,001 (the newest version is read)
