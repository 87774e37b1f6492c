"""The risk register's web pages: what each persona sees and can do, with and without htmx."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accord.core.clock import org_today
from accord.core.jobs.models import Job
from accord.core.models import AuditEvent
from accord.risks import selectors, services
from accord.risks.choices import AcceptanceStatus
from accord.risks.models import Risk, RiskAcceptance, RiskCategory, RiskMatrix
from tests.conftest import signed_in
from tests.factories import make_member, sign_draft

HX = {"HTTP_HX_REQUEST": "true"}
BASE = "/o/org-a/risks"


def _risk(org, actor, **extra):
    data = {"title": "Phishing", "category": "cyber_security", "likelihood": 3, "impact": 3, **extra}
    return services.do_create_risk(actor, org, data)


def _events(org):
    return AuditEvent.objects.for_org(org).count()


def _in_force_appetite(org, cio, ciso, **levels):
    services.do_draft_appetite(ciso.user, org, statement="Low cyber risk.",
                               category_levels=levels or {"cyber_security": "medium"})
    sign_draft(cio.user, org)
    sign_draft(ciso.user, org)


def _text(response):
    return unescape(re.sub(r"\s+", " ", response.content.decode()))


def _plain(response):
    """The page's text without markup, as a person reads it."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


def _refs(response):
    """The risk references of the register's rows, in order."""
    return re.findall(r'<td class="text-nowrap"><a href="[^"]+">(R-\d{3})</a>', response.content.decode())


# --- the register -----------------------------------------------------------------------------------

def test_the_register_shows_levels_owner_and_flags(org_a, cio, ciso):
    _in_force_appetite(org_a, cio, ciso)
    _risk(org_a, ciso.user, title="Ransomware", likelihood=4, impact=5, owner=cio.user.email)
    response = signed_in(cio).get(f"{BASE}/register/")
    text = _text(response)
    assert response.status_code == 200
    assert "R-001" in text and "Ransomware" in text and "cio@a.test" in text
    assert 'level-critical">Critical' in text
    assert "above tolerance" in text


@pytest.mark.parametrize(("query", "expected"), [
    ("category=privacy", ["R-002"]),
    ("level=critical", ["R-003"]),
    ("status=closed", ["R-004"]),
    ("q=ransom", ["R-003"]),
    ("q=R-002", ["R-002"]),
    ("owner={cio}", ["R-001"]),
    ("tag=gdpr", ["R-002"]),
    ("overdue_review=on", ["R-001"]),
    ("above_tolerance=yes", ["R-003"]),
    ("above_tolerance=no", ["R-001", "R-002", "R-004"]),
    ("residual_cell=5-5", ["R-003"]),
    ("inherent_cell=3-3", ["R-001", "R-004"]),
    ("category=privacy&tag=nothing", []),
])
def test_filters_narrow_the_register(org_a, cio, ciso, query, expected):
    _in_force_appetite(org_a, cio, ciso)
    yesterday = (org_today(org_a) - dt.timedelta(days=1)).isoformat()
    _risk(org_a, ciso.user, owner=cio.user.email, next_review=yesterday)
    _risk(org_a, ciso.user, title="Leak", category="privacy", likelihood=1, impact=2, tags=["gdpr"])
    _risk(org_a, ciso.user, title="Ransomware", likelihood=5, impact=5)
    _risk(org_a, ciso.user, title="Old", status="closed", next_review=yesterday)
    response = signed_in(cio).get(f"{BASE}/register/?{query.format(cio=cio.membership.pk)}")
    assert response.status_code == 200
    assert _refs(response) == expected


def test_invalid_filter_values_are_ignored_rather_than_failing(org_a, cio):
    _risk(org_a, cio.user)
    response = signed_in(cio).get(f"{BASE}/register/?level=enormous&owner=abc&residual_cell=9-x&sort=bogus")
    assert response.status_code == 200
    assert _refs(response) == ["R-001"]


def test_column_headers_sort_the_register(org_a, cio):
    for title in ("Bravo", "Alpha", "Charlie"):
        _risk(org_a, cio.user, title=title)
    client = signed_in(cio)
    assert _refs(client.get(f"{BASE}/register/?sort=title")) == ["R-002", "R-001", "R-003"]
    response = client.get(f"{BASE}/register/?sort=-title")
    assert _refs(response) == ["R-003", "R-001", "R-002"]
    assert 'aria-sort="descending"' in response.content.decode()


def test_the_register_pages_by_25(org_a, cio):
    for n in range(27):
        _risk(org_a, cio.user, title=f"Risk {n}")
    client = signed_in(cio)
    first = client.get(f"{BASE}/register/?category=cyber_security")
    assert len(_refs(first)) == 25
    assert "page=2" in first.content.decode() and "category=cyber_security&amp;page=2" in first.content.decode()
    assert _refs(client.get(f"{BASE}/register/?category=cyber_security&page=2")) == ["R-026", "R-027"]


def test_an_htmx_request_gets_only_the_results(org_a, cio):
    _risk(org_a, cio.user)
    client = signed_in(cio)
    partial = client.get(f"{BASE}/register/?q=phish&sort=-ref", **HX)
    body = partial.content.decode()
    assert "<html" not in body and "R-001" in body
    assert 'id="filter-sort" value="-ref"' in body and 'hx-swap-oob="true"' in body
    assert "HX-Request" in partial["Vary"]
    page = client.get(f"{BASE}/register/?q=phish")
    assert "<html" in page.content.decode() and 'hx-swap-oob' not in page.content.decode()
    # htmx restoring a page from its history needs the whole page
    restore = client.get(f"{BASE}/register/?q=phish", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX)
    assert "<html" in restore.content.decode()


def test_an_empty_register_says_what_to_do_next(org_a, cio, contributor, viewer):
    text = _text(signed_in(cio).get(f"{BASE}/register/"))
    assert "Add the first risk" in text and "Import a CSV or XLSX" in text
    text = _text(signed_in(contributor).get(f"{BASE}/register/"))
    assert "Add the first risk" in text and "Import a CSV or XLSX" not in text  # contributors cannot import
    text = _text(signed_in(viewer).get(f"{BASE}/register/"))
    assert "Add the first risk" not in text and "No risk has been recorded yet" in text


def test_a_filter_that_matches_nothing_offers_to_clear_it(org_a, cio):
    _risk(org_a, cio.user)
    text = _text(signed_in(cio).get(f"{BASE}/register/?q=nothing-like-this"))
    assert "No risk matches these filters" in text and "Clear the filters" in text


def test_the_risks_index_leads_to_the_register(org_a, viewer):
    response = signed_in(viewer).get(f"{BASE}/")
    assert response.status_code == 302 and response["Location"] == f"{BASE}/register/"


def test_the_navigation_links_the_risk_pages_and_marks_the_current_one(org_a, viewer):
    text = signed_in(viewer).get(f"{BASE}/heatmap/").content.decode()
    assert f'href="{BASE}/register/">Risks' in text
    assert f'class="nav-link active" href="{BASE}/heatmap/"' in text
    assert f'class="nav-link active" href="{BASE}/register/"' not in text
    assert f'href="{BASE}/appetite/">Appetite' in text


# --- create, edit, delete ------------------------------------------------------------------------------

FORM = {"title": "Supplier outage", "category": "third_party", "likelihood": "2", "impact": "4",
        "raised_by": "cio", "status": "identified", "treatment": "mitigate"}


def test_a_viewer_cannot_create_a_risk(org_a, viewer):
    client = signed_in(viewer)
    assert client.get(f"{BASE}/register/new/").status_code == 403
    assert client.post(f"{BASE}/register/new/", FORM).status_code == 403
    assert not Risk.objects.for_org(org_a).exists()


def test_creating_a_risk_through_the_page_writes_one_audit_event(org_a, contributor, cio):
    before = _events(org_a)
    response = signed_in(contributor).post(f"{BASE}/register/new/", {
        **FORM, "owner": cio.user.email, "tags": "vendor; sla", "next_review": "2030-01-31",
        "loss_low": "1000", "loss_high": "50000", "frequency_low": "0.1", "frequency_high": "2"})
    risk = Risk.objects.for_org(org_a).get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}/register/{risk.pk}/"
    assert _events(org_a) == before + 1
    assert (risk.title, risk.owner_id, risk.tags, risk.inherent_level) == (
        "Supplier outage", cio.membership.pk, ["vendor", "sla"], "medium")
    assert (risk.residual_likelihood, risk.residual_impact) == (2, 4)  # empty residual = inherent


def test_the_create_page_shows_every_error_at_its_field(org_a, cio):
    response = signed_in(cio).post(f"{BASE}/register/new/", {**FORM, "title": "", "loss_low": "500"})
    text = _text(response)
    assert response.status_code == 200
    assert "The risk was not added" in text
    assert re.search(r'id="id_title_error">This field is required', text)
    assert not Risk.objects.for_org(org_a).exists()
    # Errors only the service knows (a half range) are shown at the field as well.
    response = signed_in(cio).post(f"{BASE}/register/new/", {**FORM, "loss_low": "500"})
    assert re.search(r'id="id_loss_high_error">Give both ends of the 90% range', _text(response))
    assert not Risk.objects.for_org(org_a).exists()


def test_an_amount_too_large_for_the_register_is_refused_at_its_field(org_a, cio):
    response = signed_in(cio).post(f"{BASE}/register/new/", {**FORM, "loss_low": "1" * 20, "loss_high": "2" * 20})
    assert re.search(r'id="id_loss_low_error">Ensure that there are no more than 16 digits', _text(response))
    assert not Risk.objects.for_org(org_a).exists()


def test_editing_a_risk_through_the_page_writes_one_audit_event(org_a, cio):
    risk = _risk(org_a, cio.user)
    before = _events(org_a)
    client = signed_in(cio)
    page = client.get(f"{BASE}/register/{risk.pk}/edit/")
    assert 'value="Phishing"' in page.content.decode()
    response = client.post(f"{BASE}/register/{risk.pk}/edit/", {
        **FORM, "title": "Phishing of clinicians", "category": "cyber_security", "likelihood": "3", "impact": "3",
        "residual_likelihood": "1", "residual_impact": "1"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.title, risk.residual_level) == ("Phishing of clinicians", "low")
    assert _events(org_a) == before + 1


def test_archiving_a_risk_writes_one_audit_event(org_a, ciso):
    risk = _risk(org_a, ciso.user)
    before = _events(org_a)
    response = signed_in(ciso).post(f"{BASE}/register/{risk.pk}/archive/", {"reason": "Duplicate"}, **HX)
    assert response["HX-Redirect"] == f"{BASE}/register/"
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).archived_at is not None
    assert _events(org_a) == before + 1


def test_a_contributor_cannot_archive(org_a, contributor, cio):
    risk = _risk(org_a, cio.user)
    client = signed_in(contributor)
    assert "Archive" not in _text(client.get(f"{BASE}/register/{risk.pk}/")).split("History")[0].split("Edit all")[1]
    assert client.post(f"{BASE}/register/{risk.pk}/archive/", {"reason": "x"}).status_code == 403
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).archived_at is None


def test_the_risk_page_shows_fields_levels_and_history_with_names(org_a, cio, ciso):
    risk = _risk(org_a, ciso.user, owner=ciso.user.email, tags=["email"], affected_assets=["Mail gateway"],
                 frequency_low="0.5", frequency_high="4", loss_low="10000", loss_high="250000")
    services.do_update_risk(cio.user, org_a, risk, {"owner": cio.user.email, "status": "in_treatment"})
    text = _plain(signed_in(cio).get(f"{BASE}/register/{risk.pk}/"))
    assert "Mail gateway" in text and "email" in text
    assert "likelihood 3 (Possible) × impact 3 (Moderate)" in text
    assert "10,000 to 250,000 EUR" in text
    history = text.split("History")[1]
    assert "Owner : ciso@a.test → cio@a.test" in history
    assert "Status : Identified → In treatment" in history
    assert history.index("Updated") < history.index("Created")  # newest first


def test_edit_swaps_a_section_into_a_form_and_save_swaps_it_back(org_a, cio):
    risk = _risk(org_a, cio.user)
    client = signed_in(cio)
    url = f"{BASE}/register/{risk.pk}/sections/assessment/edit/"
    form = client.get(url, **HX).content.decode()
    assert "<html" not in form and 'id="section-assessment"' in form and 'name="residual_likelihood"' in form
    assert 'name="title"' not in form  # only the section's fields
    before = _events(org_a)
    saved = client.post(url, {"likelihood": "5", "impact": "5", "residual_likelihood": "", "residual_impact": ""},
                        **HX).content.decode()
    assert "<html" not in saved and "<form" not in saved.split('id="risk-header"')[0]
    assert 'id="risk-header" class="d-flex flex-wrap justify-content-between align-items-start gap-2 mb-3" ' \
           'hx-swap-oob="true"' in saved
    assert "Residual Critical" in _text(client.get(f"{BASE}/register/{risk.pk}/"))
    assert 'id="history"' in saved and "hx-swap-oob" in saved.split('id="history"')[1][:60]
    assert _events(org_a) == before + 1


def test_inline_edit_errors_render_in_the_partial(org_a, cio):
    risk = _risk(org_a, cio.user)
    before = _events(org_a)
    response = signed_in(cio).post(f"{BASE}/register/{risk.pk}/sections/overview/edit/",
                                   {"title": "", "category": "cyber_security", "raised_by": "ciso",
                                    "status": "identified"}, **HX)
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps 200 responses only
    assert "<html" not in body and "<form" in body
    assert 'id="id_title_error">This field is required.' in body
    assert _events(org_a) == before


def test_cancel_brings_back_the_section_as_shown(org_a, cio):
    risk = _risk(org_a, cio.user, treatment_plan="Awareness training")
    client = signed_in(cio)
    body = client.get(f"{BASE}/register/{risk.pk}/sections/treatment/", **HX).content.decode()
    assert "<form" not in body and "Awareness training" in body
    assert 'hx-swap="outerHTML" autofocus>Edit' in body  # the keyboard focus returns to the section
    plain = client.get(f"{BASE}/register/{risk.pk}/sections/treatment/")
    assert plain.status_code == 302 and plain["Location"].endswith(f"/register/{risk.pk}/#section-treatment")


def test_a_section_edit_works_without_javascript(org_a, cio):
    risk = _risk(org_a, cio.user)
    client = signed_in(cio)
    page = client.get(f"{BASE}/register/{risk.pk}/sections/treatment/edit/")
    assert "<html" in page.content.decode()
    response = client.post(f"{BASE}/register/{risk.pk}/sections/treatment/edit/", {"treatment": "transfer"})
    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.treatment == "transfer"


def test_an_unknown_section_is_not_found(org_a, cio):
    risk = _risk(org_a, cio.user)
    assert signed_in(cio).get(f"{BASE}/register/{risk.pk}/sections/secrets/edit/", **HX).status_code == 404


# --- acceptances ------------------------------------------------------------------------------------------------

def test_an_acceptance_is_requested_in_place(org_a, cio, contributor):
    risk = _risk(org_a, cio.user, owner=cio.user.email)
    expires = (org_today(org_a) + dt.timedelta(days=90)).isoformat()
    response = signed_in(contributor).post(f"{BASE}/register/{risk.pk}/acceptances/",
                                           {"justification": "Cheaper to live with", "expires_on": expires}, **HX)
    body = _text(response)
    assert "<html" not in body and 'id="acceptances"' in body
    assert "Cheaper to live with" in body and "Awaiting signatures" in body and "Awaiting the Risk owner" in body
    assert RiskAcceptance.objects.for_org(org_a).count() == 1


def test_acceptance_request_errors_show_at_the_fields(org_a, cio):
    risk = _risk(org_a, cio.user)  # no owner: a within-tolerance acceptance has nobody to sign it
    response = signed_in(cio).post(f"{BASE}/register/{risk.pk}/acceptances/",
                                   {"justification": "x", "expires_on": "2001-01-01"}, **HX)
    body = _text(response)
    assert re.search(r'id="id_expires_on_error">The expiry date must be after today', body)
    assert "Risk: The risk has no owner to accept it" in body
    assert "<details class=\"mt-2\" open>" in body
    assert not RiskAcceptance.objects.for_org(org_a).exists()


def test_the_owner_signs_an_acceptance_from_the_page(org_a, cio, ciso):
    risk = _risk(org_a, ciso.user, owner=cio.user.email)
    acceptance = services.do_request_acceptance(ciso.user, org_a, risk, justification="Legacy until Q3",
                                                expires_on=org_today(org_a) + dt.timedelta(days=30))
    assert "Sign this acceptance" not in _text(signed_in(ciso).get(f"{BASE}/register/{risk.pk}/"))
    client = signed_in(cio)
    assert "Sign this acceptance" in _text(client.get(f"{BASE}/register/{risk.pk}/"))
    response = client.post(f"{BASE}/register/{risk.pk}/acceptances/{acceptance.pk}/sign/", follow=True)
    acceptance.refresh_from_db()
    assert acceptance.status == AcceptanceStatus.IN_FORCE
    assert "now in force" in _text(response)
    assert "accepted" in _text(client.get(f"{BASE}/register/"))


def test_a_refused_signature_is_explained(org_a, cio, ciso, dpo):
    risk = _risk(org_a, ciso.user, owner=cio.user.email)
    acceptance = services.do_request_acceptance(ciso.user, org_a, risk, justification="x",
                                                expires_on=org_today(org_a) + dt.timedelta(days=30))
    response = signed_in(dpo).post(f"{BASE}/register/{risk.pk}/acceptances/{acceptance.pk}/sign/", follow=True)
    assert "must be signed by the Risk owner; you are not one of them" in _text(response)
    acceptance.refresh_from_db()
    assert acceptance.status == AcceptanceStatus.PENDING


def test_an_acceptance_is_withdrawn_from_the_page(org_a, cio):
    risk = _risk(org_a, cio.user, owner=cio.user.email)
    acceptance = services.do_request_acceptance(cio.user, org_a, risk, justification="x",
                                                expires_on=org_today(org_a) + dt.timedelta(days=30))
    response = signed_in(cio).post(f"{BASE}/register/{risk.pk}/acceptances/{acceptance.pk}/withdraw/",
                                   {"reason": "Treated instead"}, **HX)
    assert response["HX-Redirect"] == f"{BASE}/register/{risk.pk}/"
    acceptance.refresh_from_db()
    assert acceptance.status == AcceptanceStatus.WITHDRAWN


# --- import and export ----------------------------------------------------------------------------------------------

def _upload(content: bytes, name: str = "risks.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_an_import_with_bad_rows_lists_every_one_and_writes_nothing(org_a, cio):
    content = (b"title,category,likelihood,impact,owner\r\n"
               b"Good,cyber_security,2,3,\r\n"
               b",weather,9,3,\r\n"
               b"Bad owner,privacy,1,1,nobody@x.test\r\n")
    before = _events(org_a)
    response = signed_in(cio).post(f"{BASE}/register/import/", {"file": _upload(content)}, follow=True)
    text = _text(response)
    job = Job.objects.for_org(org_a).get(kind="risks.import")  # its id is the database's (PostgreSQL keeps counting)
    assert response.status_code == 200 and response.redirect_chain[0][0].endswith(f"/register/import/?job={job.pk}")
    assert "Nothing was imported: 4 problems in the file" in text
    for row, field in (("3", "title"), ("3", "category"), ("3", "likelihood"), ("4", "owner")):
        assert f"<td>{row}</td><td><code>{field}</code></td>" in text
    assert not Risk.objects.for_org(org_a).exists()
    assert _events(org_a) == before + 1  # who queued the import; nothing of the file


def test_an_import_adds_the_risks(org_a, cio):
    content = b"title,category,likelihood,impact\r\nA,cyber_security,2,3\r\nB,privacy,1,1\r\n"
    response = signed_in(cio).post(f"{BASE}/register/import/", {"file": _upload(content)}, follow=True)
    assert "Import of risks.csv" in _text(response) and "Imported: 2 added, 0 updated, 0 unchanged." in _text(response)
    assert "<td>2</td><td>Add</td><td>R-001</td>" in _text(response)
    assert sorted(Risk.objects.for_org(org_a).values_list("title", flat=True)) == ["A", "B"]


def test_an_unreadable_file_is_explained_by_its_import(org_a, cio):
    response = signed_in(cio).post(f"{BASE}/register/import/", {"file": _upload(b"colour\r\nred\r\n")}, follow=True)
    assert re.search(r"Nothing was imported: file: Unknown column\(s\): colour", _text(response))


def test_a_preview_of_an_unreadable_file_is_explained_at_the_field(org_a, cio):
    response = signed_in(cio).post(f"{BASE}/register/import/", {"file": _upload(b"colour\r\nred\r\n"),
                                                                "preview": "1"})
    assert re.search(r'id="id_file_error">Unknown column\(s\): colour', _text(response))


def test_a_contributor_cannot_import(org_a, contributor):
    assert signed_in(contributor).get(f"{BASE}/register/import/").status_code == 403


def test_the_export_follows_the_filters(org_a, cio, viewer):
    _risk(org_a, cio.user, title="Cyber one")
    _risk(org_a, cio.user, title="Privacy one", category="privacy")
    response = signed_in(viewer).get(f"{BASE}/register/export/?category=privacy&format=csv")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="org-a-risks-')
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["title"] for r in rows] == ["Privacy one"]
    xlsx = signed_in(viewer).get(f"{BASE}/register/export/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_an_unknown_export_format_is_a_clear_400(org_a, viewer):
    response = signed_in(viewer).get(f"{BASE}/register/export/?format=pdf")
    assert response.status_code == 400 and "'pdf' is not an export format" in response.content.decode()


# --- heat map -----------------------------------------------------------------------------------------------

def _cells(body: str, kind: str) -> dict[str, tuple[int, str]]:
    """cell 'L-I' → (count, link) from the page's SVG for `kind`."""
    svg = re.search(rf'<svg[^>]*aria-labelledby="heatmap-{kind}-title.*?</svg>', body, re.S).group(0)
    root = ET.fromstring(svg)  # noqa: S314 - our own page's markup
    out = {}
    for a in root.iter("{http://www.w3.org/2000/svg}a"):
        href = a.get("href")
        cell = href.rsplit(f"{kind}_cell=", 1)[1]
        count = int(a.findall("{http://www.w3.org/2000/svg}text")[0].text)
        out[cell] = (count, href)
    return out


def test_the_heat_map_counts_match_the_data_and_its_links_filter_the_list(org_a, cio):
    _risk(org_a, cio.user, likelihood=4, impact=5, residual_likelihood=2, residual_impact=2)
    _risk(org_a, cio.user, likelihood=4, impact=5)
    _risk(org_a, cio.user, likelihood=1, impact=1, category="privacy")
    client = signed_in(cio)
    body = client.get(f"{BASE}/heatmap/").content.decode()
    inherent, residual = _cells(body, "inherent"), _cells(body, "residual")
    assert len(inherent) == len(residual) == 25
    assert {c: n for c, (n, _) in inherent.items() if n} == {"4-5": 2, "1-1": 1}
    assert {c: n for c, (n, _) in residual.items() if n} == {"4-5": 1, "2-2": 1, "1-1": 1}
    assert _refs(client.get(inherent["4-5"][1])) == ["R-001", "R-002"]
    assert _refs(client.get(residual["2-2"][1])) == ["R-001"]


def test_the_heat_map_follows_the_filters(org_a, cio):
    _risk(org_a, cio.user, likelihood=4, impact=5)
    _risk(org_a, cio.user, likelihood=1, impact=1, category="privacy")
    client = signed_in(cio)
    response = client.get(f"{BASE}/heatmap/?category=privacy", **HX)
    body = response.content.decode()
    assert "<html" not in body
    inherent = _cells(body, "inherent")
    assert {c: n for c, (n, _) in inherent.items() if n} == {"1-1": 1}
    assert "category=privacy" in inherent["1-1"][1]  # a cell's list keeps the filters
    assert _refs(client.get(inherent["1-1"][1])) == ["R-002"]


def test_the_heat_map_outlines_cells_above_tolerance_once_an_appetite_is_in_force(org_a, cio, ciso):
    _risk(org_a, cio.user, likelihood=4, impact=5)
    client = signed_in(cio)
    assert "above tolerance" not in client.get(f"{BASE}/heatmap/").content.decode()
    _in_force_appetite(org_a, cio, ciso)
    body = client.get(f"{BASE}/heatmap/").content.decode()
    inherent, residual = body.split('id="heatmap-inherent-title"')[1].split('id="heatmap-residual-title"')
    assert "1 above tolerance" in residual and "stroke-dasharray" in residual
    assert "above tolerance" not in inherent


def test_the_heat_map_downloads_as_an_svg_file(org_a, viewer, cio):
    _risk(org_a, cio.user, likelihood=2, impact=3)
    response = signed_in(viewer).get(f"{BASE}/heatmap/svg/?kind=inherent")
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert re.match(r'attachment; filename="org-a-inherent-heatmap-\d{4}-\d\d-\d\d\.svg"',
                    response["Content-Disposition"])
    root = ET.fromstring(response.content)  # noqa: S314 - our own download
    assert root.get("role") == "img"
    assert "1 risk by inherent likelihood and impact" in root.find("{http://www.w3.org/2000/svg}desc").text
    assert signed_in(viewer).get(f"{BASE}/heatmap/svg/?kind=pie").status_code == 400


# --- appetite ------------------------------------------------------------------------------------------------

def test_signing_the_appetite_from_the_page_puts_it_in_force(org_a, cio, ciso, dpo):
    services.do_draft_appetite(ciso.user, org_a, statement="Low cyber risk.",
                               category_levels={"cyber_security": "medium"})
    assert "Sign version 1" not in _text(signed_in(dpo).get(f"{BASE}/appetite/"))
    page = _text(signed_in(cio).get(f"{BASE}/appetite/"))
    assert "Sign version 1" in page and "Awaiting the CIO's signature" in page and "cio@a.test" in page
    assert '<input type="hidden" name="version" value="1">' in page
    signed_in(cio).post(f"{BASE}/appetite/sign/", {"version": 1})
    response = signed_in(ciso).post(f"{BASE}/appetite/sign/", {"version": 1}, follow=True)
    assert "risk appetite v1 is now in force" in _text(response)
    assert selectors.appetite_in_force(org_a).version == 1
    assert "In force: version 1" in _text(response)
    assert "Sign version" not in _text(response)


def test_a_second_signature_by_the_same_person_is_refused_with_a_reason(org_a, cio):
    services.do_draft_appetite(cio.user, org_a, statement="x", category_levels={})
    client = signed_in(cio)
    client.post(f"{BASE}/appetite/sign/", {"version": 1})
    response = client.post(f"{BASE}/appetite/sign/", {"version": 1}, follow=True)
    assert "You have already signed Risk appetite v1 as CIO;" in _text(response)


def test_a_new_draft_is_made_from_the_page(org_a, ciso):
    before = _events(org_a)
    response = signed_in(ciso).post(f"{BASE}/appetite/draft/", {
        "statement": "We accept moderate IT risk.", "level_cyber_security": "medium", "level_privacy": "low",
        "loss_0": "1000000", "probability_0": "0.1", "loss_1": "", "probability_1": ""})
    assert response.status_code == 302
    draft = selectors.appetite_draft(org_a)
    assert draft.category_levels == {"cyber_security": "medium", "privacy": "low"}
    assert draft.tolerance == [[1_000_000.0, 0.1]]
    assert _events(org_a) == before + 1
    page = _text(signed_in(ciso).get(f"{BASE}/appetite/"))
    assert "Draft version 1, awaiting signatures" in page and "1,000,000 EUR" in page and "10 %" in page


def test_draft_errors_name_the_field(org_a, ciso):
    response = signed_in(ciso).post(f"{BASE}/appetite/draft/", {
        "statement": "", "loss_0": "1000", "probability_0": "", "loss_1": "500", "probability_1": "2"})
    text = _text(response)
    assert response.status_code == 200 and "The draft was not saved" in text
    assert re.search(r'id="id_statement_error">This field is required', text)
    assert re.search(r'id="id_probability_0_error">Give both the loss and its highest', text)
    assert re.search(r'id="id_probability_1_error">Ensure this value is less than or equal to 1', text)
    assert selectors.appetite_draft(org_a) is None


def test_a_viewer_sees_the_appetite_but_cannot_draft_it(org_a, viewer):
    client = signed_in(viewer)
    text = _text(client.get(f"{BASE}/appetite/"))
    assert "No appetite in force" in text and "Draft a new version" not in text
    assert client.post(f"{BASE}/appetite/draft/", {"statement": "x"}).status_code == 403


# --- matrix and categories ---------------------------------------------------------------------------------------

def _matrix_form(n_l=5, n_i=5, level="medium"):
    return {"likelihoods": n_l, "impacts": n_i, **{f"likelihood_{n}": f"L{n}" for n in range(1, n_l + 1)},
            **{f"impact_{n}": f"I{n}" for n in range(1, n_i + 1)},
            **{f"level_{a}_{b}": level for a in range(1, n_l + 1) for b in range(1, n_i + 1)}}


def test_changing_the_matrix_makes_a_new_version_and_rescores_risks(org_a, ciso):
    risk = _risk(org_a, ciso.user)
    response = signed_in(ciso).post(f"{BASE}/settings/matrix/", _matrix_form(level="high"))
    assert response.status_code == 302
    assert selectors.current_matrix(org_a).version == 2
    risk.refresh_from_db()
    assert risk.residual_level == "high"
    assert "Risk matrix, version 2" in _text(signed_in(ciso).get(f"{BASE}/settings/"))


def test_the_matrix_form_can_change_size_and_refuses_to_shrink_below_used_scores(org_a, ciso):
    _risk(org_a, ciso.user, likelihood=5, impact=5)
    client = signed_in(ciso)
    page = client.get(f"{BASE}/settings/?likelihoods=4&impacts=6").content.decode()
    assert 'name="likelihood_4"' in page and 'name="likelihood_5"' not in page and 'name="impact_6"' in page
    response = client.post(f"{BASE}/settings/matrix/", _matrix_form(4, 6))
    assert response.status_code == 200
    assert "Levels: Some risks use a likelihood or impact beyond the new matrix" in _text(response)
    assert RiskMatrix.objects.for_org(org_a).count() == 1


def test_categories_are_added_and_retired(org_a, cio):
    client = signed_in(cio)
    response = client.post(f"{BASE}/settings/categories/", {"name": "Supply chain", "key": "supply_chain",
                                                             "position": "8"})
    assert response.status_code == 302
    duplicate = client.post(f"{BASE}/settings/categories/", {"name": "Again", "key": "supply_chain", "position": "9"})
    assert "A category with the key &#x27;supply_chain&#x27; already exists" in duplicate.content.decode()
    category = RiskCategory.objects.for_org(org_a).get(key="supply_chain")
    row = client.post(f"{BASE}/settings/categories/{category.pk}/", {"name": "Supply chain & vendors",
                                                                      "position": "8"}, **HX)
    assert "<tr" in row.content.decode() and "retired" in row.content.decode()
    category.refresh_from_db()
    assert (category.name, category.active) == ("Supply chain & vendors", False)


def test_a_contributor_reads_the_matrix_but_cannot_change_it(org_a, contributor):
    client = signed_in(contributor)
    text = _text(client.get(f"{BASE}/settings/"))
    assert "Risk matrix, version 1" in text and "Change the matrix" not in text and "Add a category" not in text
    assert client.post(f"{BASE}/settings/matrix/", _matrix_form()).status_code == 403


# --- dashboard ------------------------------------------------------------------------------------------------

def test_the_dashboard_panel_shows_levels_above_tolerance_owners_and_appetite(org_a, cio, ciso):
    _in_force_appetite(org_a, cio, ciso)
    _risk(org_a, ciso.user, title="Ransomware", likelihood=5, impact=5, owner=cio.user.email)
    _risk(org_a, ciso.user, title="Lost laptop", likelihood=1, impact=1)
    services.do_draft_appetite(ciso.user, org_a, statement="v2", category_levels={})
    sign_draft(ciso.user, org_a)
    text = _text(signed_in(ciso).get("/o/org-a/"))
    assert "Open risks" in text
    assert 'level-low">Low</span></a> <span class="text-body">1' not in text  # sanity of the pattern below
    assert re.search(r'level-critical">Critical</span> <span class="text-body">1', text)
    assert re.search(r"R-001 Ransomware</a> <span[^>]*>· cio@a.test", text)
    assert "Version 1 in force since" in text
    assert "Draft v2 awaiting the CIO's signature (cio@a.test)" in text


def test_the_dashboard_panel_says_what_to_do_on_an_empty_register(org_a, cio):
    text = _text(signed_in(cio).get("/o/org-a/"))
    assert "No open risk in the register yet." in text and "Add the first risk" in text
    assert "No risk appetite is in force" in text and "Draft the risk appetite" in text


def test_the_dashboard_lists_lapsed_and_expiring_acceptances(org_a, cio):
    risk = _risk(org_a, cio.user, owner=cio.user.email)
    acceptance = services.do_request_acceptance(cio.user, org_a, risk, justification="x",
                                                expires_on=org_today(org_a) + dt.timedelta(days=10))
    assert acceptance.status == "in_force"  # the owner requested and signed in the same step
    text = _text(signed_in(cio).get("/o/org-a/"))
    assert "Acceptances ending within 30 days" in text and "R-001 Phishing" in text
    RiskAcceptance.objects.for_org(org_a).filter(pk=acceptance.pk).update(
        expires_on=org_today(org_a) - dt.timedelta(days=1))
    assert "Acceptances lapsed" in _text(signed_in(cio).get("/o/org-a/"))


# --- speed: queries do not grow with the number of risks ------------------------------------------------------

def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _populate(org, cio, ciso, members, start, count):
    for n in range(start, start + count):
        owner = members[n % len(members)]
        risk = _risk(org, ciso.user, title=f"Risk {n}", likelihood=1 + n % 5, impact=1 + (n * 3) % 5,
                     category=["cyber_security", "privacy", "it_operations"][n % 3], owner=owner.user.email,
                     treatment_owner=owner.user.email, tags=[f"t{n % 4}"],
                     next_review=(org_today(org) - dt.timedelta(days=n % 7)).isoformat(),
                     treatment_due=(org_today(org) - dt.timedelta(days=n % 5)).isoformat())
        if n % 4 == 0:
            acceptance = services.do_request_acceptance(ciso.user, org, risk, justification="x",
                                                        expires_on=org_today(org) + dt.timedelta(days=10 + n))
            if n % 8 == 0 and acceptance.required_signatories == ["owner"]:
                services.do_sign_acceptance(owner.user, org, acceptance)


@pytest.mark.parametrize("page", ["register/", "register/?sort=-level&category=cyber_security", "heatmap/",
                                  "heatmap/svg/", "detail", "appetite/", "settings/", "dashboard"])
def test_page_query_count_does_not_grow_with_risks(org_a, cio, ciso, page):
    members = [cio, ciso, make_member(org_a, "contributor"), make_member(org_a, "dpo")]
    _in_force_appetite(org_a, cio, ciso, cyber_security="low", privacy="medium")
    services.do_draft_appetite(ciso.user, org_a, statement="v2", category_levels={"privacy": "low"})
    sign_draft(cio.user, org_a)
    _populate(org_a, cio, ciso, members, 0, 3)
    first = Risk.objects.for_org(org_a).order_by("number").first()
    services.do_update_risk(cio.user, org_a, first, {"status": "assessed"})
    url = {"detail": f"{BASE}/register/{first.pk}/", "dashboard": "/o/org-a/"}.get(page, f"{BASE}/{page}")
    client = signed_in(ciso)
    client.get(url)  # the first visit stores the current organisation in the session
    small = _queries(client, url)
    _populate(org_a, cio, ciso, members, 3, 37)
    assert Risk.objects.for_org(org_a).count() == 40
    client.get(url)  # after writes, the register page reads the money estimates once again (quantified.py)
    assert _queries(client, url) == small


def test_pages_answer_in_few_queries(org_a, cio, ciso):
    """A ceiling, so that a new query per page is a decision, not an accident."""
    _risk(org_a, ciso.user)
    client = signed_in(ciso)
    ceilings = {f"{BASE}/register/": 16, f"{BASE}/heatmap/": 20, f"{BASE}/appetite/": 14,
                f"{BASE}/settings/": 12, "/o/org-a/": 40}
    for url in ceilings:
        client.get(url)
    counts = {url: _queries(client, url) for url in ceilings}
    assert all(counts[url] <= ceiling for url, ceiling in ceilings.items()), counts



def test_an_htmx_filter_shows_an_address_without_the_forms_empty_fields(org_a, ciso):
    _risk(org_a, ciso.user, title="Vendor outage")
    client = signed_in(ciso)
    for name in ("risks:list", "risks:heatmap"):
        url = reverse(name, kwargs={"org": "org-a"})
        response = client.get(url, {"q": "vendor", "category": "", "status": ["open", ""], "page": "1"}, **HX)
        assert response.status_code == 200
        assert response["HX-Push-Url"] == f"{url}?q=vendor&status=open&page=1"
        everything_empty = client.get(url, {"q": "", "category": ""}, **HX)
        assert everything_empty["HX-Push-Url"] == url
        assert "HX-Push-Url" not in client.get(url, {"q": "vendor"}, **HX)  # already clean: htmx pushes it


def test_sort_and_page_links_carry_no_empty_parameters(org_a, ciso):
    for n in range(30):
        _risk(org_a, ciso.user, title=f"Risk {n}")
    body = signed_in(ciso).get(reverse("risks:list", kwargs={"org": "org-a"}), {"q": "", "category": "",
                                                                               "sort": "title"}).content.decode()
    assert "page=2" in body
    assert not re.search(r'href="\?[^"]*=(&amp;|")', body)  # no "name=" with nothing after it
