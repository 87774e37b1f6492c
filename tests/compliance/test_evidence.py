"""Evidence (decision 0045): uploads are checked on their content against the allow-list and their size before
anything is stored, stored under a random name outside the static files, versioned, and handed out only to the
organisation's members, as attachments that no browser sniffs; another organisation's evidence is 404 by id and
by file name."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import override_settings

from accord.compliance import filetypes, services, services_evidence
from accord.compliance import selectors_assessments as selectors
from accord.compliance import services_assessments as svc
from accord.compliance.models_assessments import Evidence, EvidenceVersion
from tests.compliance.routes import framework_document
from tests.compliance.routes_assessments import PDF

API = "/api/v1/orgs/org-a"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return out.getvalue()


@pytest.fixture
def result(org_a, ciso, auditor):
    services.do_import_framework(None, org_a, framework_document("probe", "Probe"))
    audit = svc.do_create_assessment(ciso.user, org_a, {"title": "Audit", "framework": "probe",
                                                        "status": "in_progress", "auditors": [auditor.user.email]})
    return selectors.results(org_a, audit)[0]


def _stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT) / "evidence"
    return {str(p) for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("report.pdf", PDF, filetypes.PDF), ("shot.png", PNG, filetypes.PNG),
    ("photo.JPG", b"\xff\xd8\xff\xe0x", filetypes.JPEG),
    ("policy.docx", _docx(), filetypes.DOCX), ("notes.txt", "Backups tested on Monday ✓\n".encode(), filetypes.TEXT),
    ("export.csv", b"a,b\n1,2\n", filetypes.CSV), ("config.json", b'{"mfa": true}', filetypes.JSON),
])
def test_allowed_types_are_recognised_by_their_content(name, content, expected):
    assert filetypes.check(content, name) is expected


@pytest.mark.parametrize(("name", "content", "says"), [
    ("report.pdf", b"<html><script>alert(1)</script></html>", "named as a PDF document but its content is not one"),
    ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "named as a PDF document but its content is not one"),
    ("notes.txt", b"<!DOCTYPE html><html></html>", "named as a text file but its content is not one"),
    ("notes.txt", b"binary\x00\x01\x02", "named as a text file but its content is not one"),
    ("scan.png", PDF, "is a PDF document by its content but its name ends in .png"),
    ("policy.docx", b"PK\x03\x04not really a zip", "named as a Word document but its content is not one"),
    ("page.html", b"<p>hi</p>", "does not end in an extension Accord keeps"),
    ("tool.exe", b"MZ\x90\x00", "does not end in an extension Accord keeps"),
    ("data.json", b"{not json", "named as a JSON file but its content is not one"),
    ("empty.pdf", b"", "The file is empty"),
])
def test_other_types_and_disagreeing_names_are_refused(name, content, says):
    with pytest.raises(filetypes.Refused, match=says):
        filetypes.check(content, name)


def test_an_upload_is_stored_under_a_random_name_outside_the_static_files(org_a, ciso, result):
    evidence = services_evidence.do_add_evidence(ciso.user, org_a, {"title": "Backup report"}, result=result,
                                                 upload=io.BytesIO(PDF), filename="../../etc/backup report.pdf")
    version = evidence.versions.get()
    assert version.stored.startswith(f"evidence/{org_a.pk}/") and version.stored.endswith(".pdf")
    assert "backup" not in version.stored and ".." not in version.stored
    assert version.filename == "backup report.pdf"
    assert (version.content_type, version.size) == ("application/pdf", len(PDF))
    path = Path(default_storage.path(version.stored)).resolve()
    assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    assert path.read_bytes() == PDF


@pytest.mark.parametrize(("name", "content", "says"), [
    ("report.pdf", b"<html><body>phish</body></html>", "its content is not one"),
    ("big.pdf", PDF + b"0" * 2048, "larger than the 1.0\xa0KB"),
])
def test_a_hostile_upload_is_refused_on_file_and_nothing_is_stored(client, org_a, ciso, result, name, content, says):
    before = _stored_files()
    with override_settings(ACCORD_MAX_EVIDENCE_BYTES=1024):
        response = client.post(f"{API}/evidence/", {"title": "Hostile", "result": result.pk,
                                                    "file": SimpleUploadedFile(name, content)}, **ciso.auth())
    assert response.status_code == 422, response.content
    error = response.json()["errors"][0]
    assert error["field"] == "file" and says in error["message"]
    assert _stored_files() == before
    assert not Evidence.objects.for_org(org_a).exists()
    assert not EvidenceVersion.objects.for_org(org_a).exists()


def test_a_failed_database_write_removes_the_stored_file(org_a, ciso, result, monkeypatch):
    before = _stored_files()

    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(services_evidence.audit, "record", broken)
    with pytest.raises(RuntimeError, match="database down"):
        services_evidence.do_add_evidence(ciso.user, org_a, {"title": "X"}, result=result, upload=io.BytesIO(PDF),
                                          filename="x.pdf")
    assert _stored_files() == before


def test_evidence_is_a_file_or_a_link_and_is_attached_to_something(org_a, ciso, result):
    with pytest.raises(ValidationError, match="either a file or a link"):
        services_evidence.do_add_evidence(ciso.user, org_a, {"title": "X"}, result=result)
    with pytest.raises(ValidationError, match="Attach the evidence"):
        services_evidence.do_add_evidence(ciso.user, org_a, {"title": "X", "url": "https://example.org"})
    with pytest.raises(ValidationError, match="not a web address"):
        services_evidence.do_add_evidence(ciso.user, org_a, {"title": "X", "url": "javascript:alert(1)"},
                                          result=result)


def test_versions_are_kept_and_the_newest_sets_the_refresh_date(client, org_a, ciso, result):
    made = client.post(f"{API}/evidence/", {"title": "Pen test", "result": result.pk, "expires_on": "2026-01-01",
                                            "file": SimpleUploadedFile("pentest.pdf", PDF)}, **ciso.auth())
    assert made.status_code == 201, made.content
    ref = made.json()["ref"]
    again = client.post(f"{API}/evidence/{ref}/versions", {"expires_on": "2027-06-30", "note": "Retest",
                                                           "file": SimpleUploadedFile("shot.png", PNG)}, **ciso.auth())
    assert again.status_code == 201, again.content
    body = again.json()
    assert (body["version"], body["expires_on"]) == (2, "2027-06-30")
    assert [(v["number"], v["content_type"]) for v in body["versions"]] == [(2, "image/png"), (1, "application/pdf")]
    old = client.get(body["versions"][1]["download"], **ciso.auth())
    assert old.content == PDF
    newest = client.get(f"{API}/evidence/{ref}/file", **ciso.auth())
    assert newest["Content-Type"] == "image/png"


def test_a_download_is_an_attachment_that_is_never_sniffed(client, org_a, ciso, viewer, result):
    evidence = services_evidence.do_add_evidence(ciso.user, org_a, {"title": "Report"}, result=result,
                                                 upload=io.BytesIO(PDF), filename="report.pdf")
    response = client.get(f"{API}/evidence/{evidence.pk}/file", **viewer.auth())
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;") and "report.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.content == PDF


def test_another_organisations_evidence_is_404_by_id_and_by_file_name(client, org_a, org_b, ciso, outsider, result):
    from tests.compliance.routes import seed_frameworks
    from tests.compliance.routes_assessments import seed_assessments

    seed_frameworks(org_b)
    theirs = seed_assessments(org_b)
    evidence, name = theirs["evidence"], theirs["evidence_file"]
    assert client.get(f"{API}/evidence/{evidence.pk}/", **ciso.auth()).status_code == 404
    assert client.get(f"{API}/evidence/{evidence.pk}/file", **ciso.auth()).status_code == 404
    assert client.get(f"{API}/evidence/{evidence.pk}/versions/1/file", **ciso.auth()).status_code == 404
    with pytest.raises(Http404, match="No such file"):
        selectors.access_evidence_file(org_a, name)
    assert selectors.access_evidence_file(org_b, name).evidence == evidence
    # Stored files are never served as media or static files.
    for url in (f"/media/{theirs['evidence'].versions.get().stored}", f"/static/evidence/{name}"):
        assert client.get(url, **ciso.auth()).status_code == 404
    assert client.get(f"/api/v1/orgs/org-b/evidence/{evidence.pk}/file", **ciso.auth()).status_code == 404


def test_an_evidence_file_larger_than_a_request_but_within_its_limit_is_taken(client, org_a, ciso, result):
    from django.conf import settings as live

    big = PDF + b"%" + b"0" * (live.ACCORD_MAX_REQUEST_BYTES + 1024)
    assert len(big) < live.ACCORD_MAX_EVIDENCE_BYTES
    made = client.post(f"{API}/evidence/", {"title": "Scan", "result": result.pk,
                                            "file": SimpleUploadedFile("scan.pdf", big)}, **ciso.auth())
    assert made.status_code == 201, made.content[:200]
    again = client.post(f"{API}/evidence/{made.json()['ref']}/versions", {
        "file": SimpleUploadedFile("scan.pdf", big)}, **ciso.auth())
    assert again.status_code == 201, again.content[:200]
