"""The inventory as a file (CSV and XLSX export and import, all or nothing, every bad row named with its
column) and a system's components from a CycloneDX SBOM."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.core.models import AuditEvent
from accord.core.tables import ImportRejected
from accord.portfolio import io_systems, selectors_systems, services_systems
from accord.portfolio.models_systems import System, SystemComponent
from accord.portfolio.sbom import read_sbom
from accord.portfolio.services_systems_import import do_import_systems
from accord.risks import services as risk_services
from tests.conftest import job_of
from tests.factories import xlsx_bytes

pytestmark = pytest.mark.django_db


def api(org):
    return f"/api/v1/orgs/{org.slug}"


def rows_of(content: bytes, name: str = "systems.csv"):
    return io_systems.parse_upload(io.BytesIO(content), name)


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def inventory(org, cio):
    db = services_systems.do_create_system(cio.user, org, {
        "name": "Database", "kind": "data_store", "criticality": "critical", "rto_hours": 2, "rpo_hours": 0,
        "data_classification": "restricted", "personal_data": True, "personal_data_categories": ["customers", "staff"],
        "hosting": "cloud", "cloud_provider": "Example Cloud", "cloud_region": "eu-central",
        "introduced_on": "2019-05-01", "end_of_support_on": "2030-06-30", "licence_cost": 500_000,
        "hosting_cost": 250_000, "people_cost": 1_000_000, "description": "=HYPERLINK(\"http://evil.test\")"})
    services_systems.do_create_system(cio.user, org, {"name": "CRM", "kind": "saas", "hosting": "saas",
                                                      "saas_vendor": "CRM Inc.", "dependencies": ["Database"]})
    services_systems.do_create_system(cio.user, org, {"name": "Portal", "dependencies": ["CRM", "Database"]})
    return db


FIELDS = ("name", "kind", "criticality", "rto_hours", "rpo_hours", "data_classification", "personal_data",
          "personal_data_categories", "hosting", "cloud_provider", "cloud_region", "saas_vendor", "introduced_on",
          "end_of_support_on", "licence_cost", "hosting_cost", "people_cost", "description")


def snapshot(org):
    out = {}
    for s in selectors_systems.systems(org):
        out[s.name] = ({f: getattr(s, f) for f in FIELDS}, sorted(d.name for d in s.dependencies.all()))
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_imports_into_an_empty_organisation_as_it_was(org_a, org_b, cio, outsider, fmt):
    inventory(org_a, cio)
    content, content_type, filename = io_systems.export_inventory(org_a, None, fmt)
    assert filename.endswith(f".{fmt}") and content_type == io_systems.CONTENT_TYPES[fmt]
    report = do_import_systems(outsider.user, org_b, rows_of(content, filename))
    assert report.summary() == "3 added, 0 updated, 0 unchanged"
    assert snapshot(org_b) == snapshot(org_a)
    again = do_import_systems(outsider.user, org_b, rows_of(content, filename))
    assert again.summary() == "0 added, 0 updated, 3 unchanged"


def test_the_export_guards_formulas_and_names_every_column(org_a, cio):
    inventory(org_a, cio)
    content, _, _ = io_systems.export_inventory(org_a, None, "csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert list(rows[0]) == list(io_systems.TABLE.columns)
    database = next(r for r in rows if r["name"] == "Database")
    assert database["description"].startswith("'=")
    assert database["personal_data_categories"] == "customers; staff" and database["personal_data"] == "yes"
    assert next(r for r in rows if r["name"] == "Portal")["dependencies"] == "CRM; Database"
    assert database["yearly_cost"] == "1750000" and database["ref"] == "S-001"


def test_a_bad_file_writes_nothing_and_names_every_bad_row_with_its_column(org_a, cio):
    inventory(org_a, cio)
    before = AuditEvent.objects.for_org(org_a).count()
    content = csv_bytes("name,kind,rto_hours,dependencies,business_owner,hosting",
                        "New one,application,4,Database,,on_premises",
                        "Another,mainframe,4,,,on_premises",
                        "Third,application,lots,Nowhere,nobody@example.test,on_premises",
                        "new ONE,application,,,,on_premises",
                        ",application,,,,on_premises")
    with pytest.raises(ImportRejected, match="row 3, kind") as refused:
        do_import_systems(cio.user, org_a, rows_of(content))
    problems = {(row, field) for row, field, _ in refused.value.rows}
    assert problems == {(3, "kind"), (4, "rto_hours"), (4, "business_owner"), (5, "name"), (6, "name")}
    messages = {(row, field): message for row, field, message in refused.value.rows}
    assert "also in row 2" in messages[(5, "name")]
    assert System.objects.for_org(org_a).count() == 3
    assert AuditEvent.objects.for_org(org_a).count() == before


def test_an_unknown_dependency_is_refused_on_its_row(org_a, cio):
    with pytest.raises(ImportRejected, match="row 3, dependencies") as refused:
        do_import_systems(cio.user, org_a, rows_of(csv_bytes("name,dependencies", "A,B", "C,Nowhere")))
    assert [(row, field) for row, field, _ in refused.value.rows] == [(2, "dependencies"), (3, "dependencies")]


def test_a_file_may_add_systems_that_need_each_other_and_update_by_name_in_any_case(org_a, cio):
    inventory(org_a, cio)
    report = do_import_systems(cio.user, org_a, rows_of(csv_bytes(
        "name,criticality,dependencies", "Reporting,high,Warehouse; database", "Warehouse,,", "portal,low,CRM")))
    assert [(r.action, r.ref) for r in report.rows] == [("create", "S-004"), ("create", "S-005"), ("update", "S-003")]
    reporting = System.objects.for_org(org_a).get(name="Reporting")
    assert sorted(d.name for d in reporting.dependencies.all()) == ["Database", "Warehouse"]
    portal = System.objects.for_org(org_a).get(number=3)
    assert portal.name == "portal" and portal.criticality == "low"
    assert [d.name for d in portal.dependencies.all()] == ["CRM"]
    assert report.rows[2].changed == ("name", "criticality", "dependencies")


def test_a_dry_run_says_what_would_happen_and_writes_nothing(org_a, cio):
    report = do_import_systems(cio.user, org_a, rows_of(csv_bytes("name", "A", "B")), dry_run=True)
    assert report.summary() == "2 added, 0 updated, 0 unchanged"
    assert System.objects.for_org(org_a).count() == 0


def test_an_xlsx_with_date_cells_imports(org_a, cio):
    import datetime as dt

    content = xlsx_bytes([["name", "end_of_support_on", "licence_cost", "personal_data"],
                          ["Mail", dt.datetime(2027, 1, 31), 1200, "yes"]])  # noqa: DTZ001 - a sheet's date cell is naive
    do_import_systems(cio.user, org_a, rows_of(content, "systems.xlsx"))
    mail = System.objects.for_org(org_a).get()
    assert mail.end_of_support_on == dt.date(2027, 1, 31) and mail.licence_cost == 1200 and mail.personal_data


def test_an_import_links_the_register_assets_that_name_its_new_systems(org_a, cio, ciso):
    risk = risk_services.do_create_risk(ciso.user, org_a, {"title": "Leak", "category": "cyber_security",
                                                           "likelihood": 2, "impact": 2,
                                                           "affected_assets": ["Mail server", "Laptops"]})
    do_import_systems(cio.user, org_a, rows_of(csv_bytes("name", "mail server")))
    risk.refresh_from_db()
    assert risk.affected_assets == ["Laptops"]
    assert [s.name for s in risk.systems.all()] == ["mail server"]


def test_the_api_imports_as_a_job_and_answers_a_dry_run_at_once(client, org_a, cio, viewer):
    url = f"{api(org_a)}/systems/import"
    upload = lambda: SimpleUploadedFile("s.csv", csv_bytes("name,kind", "ERP,application"))  # noqa: E731
    dry = client.post(f"{url}?dry_run=true", {"file": upload()}, **cio.auth())
    assert dry.status_code == 200 and dry.json()["created"] == 1
    assert System.objects.for_org(org_a).count() == 0
    job = job_of(client, cio, client.post(url, {"file": upload()}, **cio.auth()))
    assert job["status"] == "done" and job["result"]["summary"] == "1 added, 0 updated, 0 unchanged"
    assert client.post(url, {"file": upload()}, **viewer.auth()).status_code == 403


def test_a_refused_api_import_fails_its_job_naming_the_rows(client, org_a, cio):
    response = client.post(f"{api(org_a)}/systems/import", {
        "file": SimpleUploadedFile("s.csv", csv_bytes("name,kind", "ERP,mainframe"))}, **cio.auth())
    job = job_of(client, cio, response)
    assert job["status"] == "failed" and "row 2, kind" in job["error"]
    assert job["result"]["rows"][0]["errors"][0]["field"] == "kind"


def test_the_api_exports_the_filtered_inventory(client, org_a, cio):
    inventory(org_a, cio)
    response = client.get(f"{api(org_a)}/systems/export?kind=saas", **cio.auth())
    assert response.status_code == 200
    names = [r["name"] for r in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))]
    assert names == ["CRM"]


# --- SBOM ------------------------------------------------------------------------------------------

SBOM = {"bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
        "version": 1, "metadata": {"component": {"type": "application", "name": "ERP"}},
        "components": [
            {"type": "library", "name": "django", "version": "5.2", "purl": "pkg:pypi/django@5.2",
             "licenses": [{"license": {"id": "BSD-3-Clause"}}], "supplier": {"name": "DSF"}},
            {"type": "framework", "group": "org.example", "name": "core", "version": "2.0",
             "licenses": [{"expression": "Apache-2.0 OR MIT"}],
             "components": [{"type": "library", "name": "nested-lib", "version": "0.1"}]}]}


def test_an_sbom_gives_a_system_its_components_nested_ones_included(client, org_a, cio):
    system = services_systems.do_create_system(cio.user, org_a, {"name": "ERP"})
    upload = SimpleUploadedFile("bom.json", json.dumps(SBOM).encode(), content_type="application/json")
    job = job_of(client, cio, client.post(f"{api(org_a)}/systems/{system.pk}/sbom", {"file": upload}, **cio.auth()))
    assert job["status"] == "done" and job["result"]["components"] == 3
    listed = client.get(f"{api(org_a)}/systems/{system.pk}/sbom", **cio.auth()).json()["items"]
    by_name = {c["name"]: c for c in listed}
    assert by_name["django"]["licences"] == ["BSD-3-Clause"] and by_name["django"]["supplier"] == "DSF"
    assert by_name["django"]["purl"] == "pkg:pypi/django@5.2"
    assert by_name["core"]["group"] == "org.example" and by_name["core"]["licences"] == ["Apache-2.0 OR MIT"]
    assert "nested-lib" in by_name
    event = AuditEvent.objects.for_org(org_a).filter(object_type="portfolio.system").order_by("-seq").first()
    assert event.changes["components"] == [0, 3]


def test_a_new_sbom_replaces_the_components(org_a, cio):
    system = services_systems.do_create_system(cio.user, org_a, {"name": "ERP"})
    services_systems.do_import_sbom(cio.user, org_a, system, read_sbom(json.dumps(SBOM).encode()))
    smaller = {**SBOM, "components": [{"type": "library", "name": "only"}]}
    services_systems.do_import_sbom(cio.user, org_a, system, read_sbom(json.dumps(smaller).encode()))
    assert [c.name for c in SystemComponent.objects.for_org(org_a).filter(system=system)] == ["only"]


@pytest.mark.parametrize(("document", "field", "message"), [
    (b"{not json", "file", "Not JSON"),
    (b"[]", "file", "JSON object"),
    (json.dumps({**SBOM, "bomFormat": "SPDX"}).encode(), "bomFormat", "CycloneDX"),
    (json.dumps({**SBOM, "specVersion": "0.9"}).encode(), "specVersion", "not a CycloneDX version"),
    (json.dumps({**SBOM, "components": [{"type": "library", "name": "ok"}, {"type": "library"}]}).encode(),
     "components[1].name", "needs a name"),
    (json.dumps({**SBOM, "components": [{"type": "gadget", "name": "x"}]}).encode(), "components[0].type",
     "not a CycloneDX component type"),
    (json.dumps({**SBOM, "components": [{"type": "library", "name": "x", "components": [{"name": "y"}]}]}).encode(),
     "components[0].components[0].type", "not a CycloneDX component type"),
])
def test_a_bad_sbom_is_refused_naming_where(document, field, message):
    with pytest.raises(ValidationError, match=message) as refused:
        read_sbom(document)
    assert message in " ".join(refused.value.message_dict[field])


def test_a_refused_sbom_fails_its_job_and_changes_nothing(client, org_a, cio):
    system = services_systems.do_create_system(cio.user, org_a, {"name": "ERP"})
    services_systems.do_import_sbom(cio.user, org_a, system, read_sbom(json.dumps(SBOM).encode()))
    bad = {**SBOM, "components": [{"type": "library"}]}
    upload = SimpleUploadedFile("bom.json", json.dumps(bad).encode())
    job = job_of(client, cio, client.post(f"{api(org_a)}/systems/{system.pk}/sbom", {"file": upload}, **cio.auth()))
    assert job["status"] == "failed" and "components[0].name" in job["error"]
    assert SystemComponent.objects.for_org(org_a).filter(system=system).count() == 3


def test_another_organisations_system_takes_no_sbom(client, org_a, org_b, cio, outsider):
    system = services_systems.do_create_system(cio.user, org_a, {"name": "ERP"})
    upload = SimpleUploadedFile("bom.json", json.dumps(SBOM).encode())
    assert client.post(f"{api(org_b)}/systems/{system.pk}/sbom", {"file": upload}, **outsider.auth()).status_code == 404
