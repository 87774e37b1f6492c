import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.risks import services
from accord.risks.models import Risk


@pytest.fixture
def draft(org_a, cio, ciso):
    return services.do_draft_appetite(ciso.user, org_a, statement="Moderate.", category_levels={"privacy": "medium"})


def test_signing_the_appetite_needs_a_body_naming_the_version(client, draft, cio):
    response = client.post("/api/v1/orgs/org-a/risk-appetite/sign/", **cio.auth())
    assert response.status_code == 400, response.content  # no body: nothing names the version
    response = client.post("/api/v1/orgs/org-a/risk-appetite/sign/", {"version": draft.version},
                           content_type="application/json", **cio.auth())
    assert response.status_code == 200, response.content


def test_export_import_and_portfolio_answer_without_a_trailing_slash_as_documented(client, org_a, ciso):
    services.do_create_risk(ciso.user, org_a, {"title": "X", "category": "privacy", "likelihood": 2, "impact": 2})
    exported = client.get("/api/v1/orgs/org-a/risks/export?format=csv", **ciso.auth())
    assert exported.status_code == 200
    assert b"title" in exported.content
    assert client.get("/api/v1/orgs/org-a/quant/portfolio", **ciso.auth()).status_code == 200
    upload = SimpleUploadedFile("r.csv", exported.content, content_type="text/csv")
    imported = client.post("/api/v1/orgs/org-a/risks/import", {"file": upload}, **ciso.auth())
    assert imported.status_code == 202, imported.content  # an import is a job (decision 0046)
    assert imported["Location"] == imported.json()["url"]
    result = imported.json()["result"]
    assert (result["count"], result["unchanged"]) == (0, 1)  # the export names its risk: no copy
    assert Risk.objects.for_org(org_a).count() == 1


def test_the_paths_without_a_slash_keep_organisations_apart(client, org_b, outsider, ciso):
    # Hidden from the OpenAPI document; the generic suites find them by asking each API URL for its methods.
    for path in ("/api/v1/orgs/org-b/risks/export?format=csv", "/api/v1/orgs/org-b/quant/portfolio"):
        assert client.get(path, **ciso.auth()).status_code == 404, path
    upload = SimpleUploadedFile("r.csv", b"title,category,likelihood,impact\nX,privacy,1,1\n", content_type="text/csv")
    assert client.post("/api/v1/orgs/org-b/risks/import", {"file": upload}, **ciso.auth()).status_code == 404
    assert not Risk.objects.for_org(org_b).exists()
