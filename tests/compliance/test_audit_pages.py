"""The audit pages: working through the requirements in place (htmx rows, keyboard first), findings raising
risks that point back, remediation, evidence downloads, and an audit page whose number of queries does not
grow with its framework (1,000 requirements read as 50 do)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.compliance import selectors_assessments as selectors
from accord.compliance import services
from accord.compliance import services_assessments as svc
from accord.compliance.views_assessments import RESULTS_PAGE
from tests.compliance.routes import framework_document
from tests.conftest import signed_in

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def audit(org_a, ciso, auditor):
    services.do_import_framework(None, org_a, framework_document("probe", "Probe"))
    return svc.do_create_assessment(ciso.user, org_a, {"title": "ISO audit", "framework": "probe",
                                                        "status": "in_progress", "auditors": [auditor.user.email]})


def _url(name, **kwargs):
    return reverse(f"audits:{name}", kwargs={"org": "org-a", **kwargs})


def test_a_row_opens_as_a_form_with_the_result_focused_and_save_and_next_opens_the_next(audit, auditor, org_a):
    client = signed_in(auditor)
    first, second = list(selectors.results(org_a, audit))[:2]
    form = client.get(_url("result_record", assessment_id=audit.pk, result_id=first.pk), **HX)
    html = form.content.decode()
    assert form.status_code == 200 and html.startswith('<tr id="result-')
    assert f'id="result-{first.pk}-result"' in html and "autofocus" in html
    saved = client.post(_url("result_record", assessment_id=audit.pk, result_id=first.pk),
                        {"result": "compliant", "notes": "Seen", "next": "1"}, **HX)
    body = saved.content.decode()
    assert saved.status_code == 200
    assert "Compliant" in body and "Seen" in body
    assert f'<tr id="result-{second.pk}" hx-swap-oob="outerHTML">' in body and "autofocus" in body
    assert selectors.access_result(org_a, audit, first.pk).result == "compliant"


def test_a_refused_result_stays_open_with_its_error(audit, auditor, org_a):
    client = signed_in(auditor)
    first = selectors.results(org_a, audit)[0]
    response = client.post(_url("result_record", assessment_id=audit.pk, result_id=first.pk),
                           {"result": "not_applicable"}, **HX)
    assert response.status_code == 200
    assert "needs a justification" in response.content.decode()


def test_without_htmx_the_row_form_is_a_page_and_saving_goes_back_to_the_audit(audit, auditor, org_a):
    client = signed_in(auditor)
    first = selectors.results(org_a, audit)[0]
    page = client.get(_url("result_record", assessment_id=audit.pk, result_id=first.pk))
    assert page.status_code == 200 and "<html" in page.content.decode()
    saved = client.post(_url("result_record", assessment_id=audit.pk, result_id=first.pk), {"result": "partial"})
    assert saved.status_code == 302 and saved["Location"].endswith(f"#result-{first.pk}")


def test_an_auditor_the_audit_does_not_name_sees_no_record_buttons_and_is_refused(audit, org_a):
    from tests.factories import make_member

    other = make_member(org_a, "auditor", email="other@a.test")
    client = signed_in(other)
    page = client.get(_url("detail", assessment_id=audit.pk)).content.decode()
    assert "Record<span" not in page
    first = selectors.results(org_a, audit)[0]
    refused = client.post(_url("result_record", assessment_id=audit.pk, result_id=first.pk), {"result": "compliant"})
    assert refused.status_code == 403


def test_a_finding_raises_a_risk_whose_page_points_back(audit, auditor, ciso, org_a):
    finding = svc.do_create_finding(auditor.user, org_a, audit, {"title": "Backups never restored"})
    client = signed_in(ciso)
    raised = client.post(_url("finding_risk", finding_id=finding.pk))
    assert raised.status_code == 302
    finding.refresh_from_db()
    risk_page = client.get(reverse("risks:detail", kwargs={"org": "org-a", "risk_id": finding.risk_id}))
    assert _url("finding", finding_id=finding.pk) in risk_page.content.decode()
    page = client.get(_url("finding", finding_id=finding.pk)).content.decode()
    assert finding.risk.ref in page and "Raise a risk in the register" not in page


def test_the_remediation_plan_filters_the_overdue_actions(audit, auditor, ciso, org_a):
    finding = svc.do_create_finding(auditor.user, org_a, audit, {"title": "Gap"})
    svc.do_create_remediation(ciso.user, org_a, finding, {"title": "Late fix", "due_on": "2020-01-01"})
    svc.do_create_remediation(ciso.user, org_a, finding, {"title": "Future fix", "due_on": "2999-01-01"})
    page = signed_in(ciso).get(_url("remediations") + "?overdue=1").content.decode()
    assert "Late fix" in page and "Future fix" not in page


def test_an_evidence_upload_from_the_page_refuses_a_hostile_file_on_its_field(audit, ciso, org_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    first = selectors.results(org_a, audit)[0]
    response = signed_in(ciso).post(_url("evidence_add", assessment_id=audit.pk, result_id=first.pk), {
        "title": "Report", "file": SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>")})
    assert response.status_code == 422
    assert "its content is not one" in response.content.decode()
    assert not selectors.evidence(org_a).exists()


def _audit_page_queries(client, org, n: int, key: str) -> int:
    services.do_import_framework(None, org, framework_document(key, key, groups=5, per_group=n // 5))
    audit = svc.do_create_assessment(None, org, {"title": key, "framework": key, "status": "in_progress"})
    results = list(selectors.results(org, audit))
    for k, result in enumerate(results[::7]):
        svc.do_record_result(None, org, result, {"result": "compliant", "notes": f"n{k}"})
    url = _url("detail", assessment_id=audit.pk)
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('<tr id="result-') == min(len(results), RESULTS_PAGE)
    last = client.get(url + f"?page={(len(results) - 1) // RESULTS_PAGE + 1}")
    assert last.content.decode().count('<tr id="result-') == (len(results) - 1) % RESULTS_PAGE + 1
    return len(ctx.captured_queries)


def test_the_audit_page_reads_1000_requirements_with_the_queries_of_50(org_a, ciso):
    client = signed_in(ciso)
    # The 50-requirement audit fits one page, whose count the paginator still reads: the same queries.
    assert _audit_page_queries(client, org_a, 1000, "large") == _audit_page_queries(client, org_a, 50, "small")
