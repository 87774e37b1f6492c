"""The record of processing through the API: an activity names the Art. 30 items it lacks, its screening answers
the documented outcome, processors and transfers are checked, the register exports as XLSX and PDF, another
organisation's answers 404, and a viewer reads but does not write."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from accord.core.models import AuditEvent
from accord.portfolio import services_systems
from accord.privacy import services_processors, services_ropa

pytestmark = pytest.mark.django_db

COMPLETE = {
    "name": "Patient records", "controller_name": "Alpha Clinic", "controller_contact": "privacy@alpha.test",
    "purposes": [{"name": "Care", "legal_basis": "c"}], "data_subjects": ["Patients"],
    "data_categories": [{"name": "Diagnoses", "special": True, "art9_condition": "h"}],
    "recipients": [{"name": "Laboratories"}], "retention": "20 years", "security_measures": "Encryption",
}


def api(org):
    return f"/api/v1/orgs/{org.slug}/privacy"


def post(client, persona, path, body, method="post"):
    return getattr(client, method)(path, body, content_type="application/json", **persona.auth())


def test_a_complete_activity_lacks_nothing_and_an_empty_one_names_every_item(client, dpo):
    done = post(client, dpo, f"{api(dpo.org)}/activities/", COMPLETE)
    assert done.status_code == 201, done.content
    assert done.json()["ref"] == "PA-001" and done.json()["complete"] is True and done.json()["missing"] == []
    bare = post(client, dpo, f"{api(dpo.org)}/activities/", {"name": "Visitor log"}).json()
    assert [(g["item"], g["article"]) for g in bare["missing"]] == [
        ("controller", "30(1)(a)"), ("purposes", "30(1)(b)"), ("data_subjects", "30(1)(c)"),
        ("data_categories", "30(1)(c)"), ("recipients", "30(1)(d)"), ("retention", "30(1)(f)"),
        ("security", "30(1)(g)")]
    assert bare["missing"][0]["label"] == "Controller's name and contact details"


def test_a_purpose_on_legitimate_interests_without_its_assessment_is_a_gap(client, dpo):
    body = {**COMPLETE, "purposes": [{"name": "Fundraising", "legal_basis": "f"}]}
    answer = post(client, dpo, f"{api(dpo.org)}/activities/", body).json()
    assert answer["complete"] is True
    assert [(g["item"], g["detail"]) for g in answer["gaps"]] == [("interests_assessment", "Fundraising")]
    lia = {"interest": "Funding care", "necessity": "Only donors", "balancing": "Opt-out offered"}
    patched = post(client, dpo, f"{api(dpo.org)}/activities/{answer['id']}/",
                   {"purposes": [{"name": "Fundraising", "legal_basis": "f", "lia": lia}]}, "patch").json()
    assert patched["gaps"] == [] and patched["purposes"][0]["lia"] == lia


def test_a_bad_table_item_is_refused_naming_the_field(client, dpo):
    body = {**COMPLETE, "data_categories": [{"name": "Identity", "special": False, "art9_condition": "h"}]}
    answer = post(client, dpo, f"{api(dpo.org)}/activities/", body)
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"field": "data_categories",
                                        "message": "Item 1: an Art. 9(2) condition is for a special category only."}]


def test_a_value_outside_a_choice_or_empty_is_one_error_naming_the_field_and_the_allowed_values(client, dpo):
    body = {**COMPLETE, "purposes": [{"name": "Care", "legal_basis": "contract"}]}
    answer = post(client, dpo, f"{api(dpo.org)}/activities/", body)
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{"field": "purposes.0.legal_basis",
                                        "message": "Input should be 'a', 'b', 'c', 'd', 'e' or 'f', or empty ('')"}]


def test_a_transfers_mechanism_outside_its_choices_is_one_error_under_its_own_name(client, dpo):
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, COMPLETE)
    answer = post(client, dpo, f"{api(dpo.org)}/transfers/", {"activity": activity.pk, "destination": "US",
                                                             "mechanism": "treaty"})
    assert answer.status_code == 422
    assert answer.json()["errors"] == [{
        "field": "mechanism", "message": "Input should be 'adequacy', 'scc', 'bcr' or 'derogation', or empty ('')"}]


@pytest.mark.parametrize(("criteria", "cases", "outcome", "required"), [
    ([], [], "not_required", False),
    (["large_scale"], [], "document", False),
    (["large_scale", "sensitive_data"], [], "required", True),
    (["evaluation_scoring", "automated_decision", "matching_datasets"], [], "required", True),
    ([], ["public_monitoring"], "required", True),
])
def test_the_screening_answers_the_documented_outcome(client, dpo, criteria, cases, outcome, required):
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "CCTV"})
    path = f"{api(dpo.org)}/activities/{activity.pk}/screening"
    assert client.get(path, **dpo.auth()).json()["screened"] is False
    answer = post(client, dpo, path, {"criteria": criteria, "cases": cases}, "put")
    assert answer.status_code == 200, answer.content
    assert (answer.json()["outcome"], answer.json()["dpia_required"]) == (outcome, required)
    again = client.get(path, **dpo.auth()).json()
    assert (again["outcome"], again["criteria_met"], again["screened_by"]) == (outcome, len(criteria), dpo.user.email)


def test_the_dpo_excepts_a_required_dpia_with_a_reason_but_not_an_unneeded_one(client, dpo):
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "Registry"})
    path = f"{api(dpo.org)}/activities/{activity.pk}/screening"
    excepted = post(client, dpo, path, {"criteria": ["large_scale", "sensitive_data"],
                                        "exception": "Art. 35(10): assessed with the law"})
    assert excepted.json()["outcome"] == "excepted" and excepted.json()["dpia_required"] is False
    refused = post(client, dpo, path, {"criteria": ["large_scale"], "exception": "No need"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "exception"
    assert client.get(path, **dpo.auth()).json()["outcome"] == "excepted"


def test_transfers_are_checked_against_the_adequacy_list(client, dpo):
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {
        **COMPLETE, "recipients": [{"name": "Cloud", "country": "US"}, {"name": "Reader", "country": "CH"}]})
    first = client.get(f"{api(dpo.org)}/activities/{activity.pk}/", **dpo.auth()).json()
    assert [g["detail"] for g in first["missing"]] == ["Cloud: US: no transfer recorded",
                                                       "Reader: CH: no transfer recorded"]
    us = post(client, dpo, f"{api(dpo.org)}/transfers/", {"activity": activity.pk, "destination": "us",
                                                         "mechanism": "adequacy"})
    assert us.status_code == 201, us.content
    assert [i["code"] for i in us.json()["issues"]] == ["scope"]
    assert "2023/1795" in us.json()["adequacy"]
    post(client, dpo, f"{api(dpo.org)}/transfers/", {"activity": activity.pk, "destination": "CH",
                                                    "mechanism": "adequacy"})
    still = client.get(f"{api(dpo.org)}/activities/{activity.pk}/", **dpo.auth()).json()
    assert [g["detail"] for g in still["missing"]] == ["US: scope"]
    post(client, dpo, f"{api(dpo.org)}/transfers/{us.json()['id']}/", {"in_scope": True}, "patch")
    assert client.get(f"{api(dpo.org)}/activities/{activity.pk}/", **dpo.auth()).json()["complete"] is True


def test_a_transfer_within_the_eea_is_refused(client, dpo):
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "Billing"})
    answer = post(client, dpo, f"{api(dpo.org)}/transfers/", {"activity": activity.pk, "destination": "DE"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "destination"


def test_a_processor_names_its_missing_contract_clauses_and_what_it_serves(client, dpo, cio):
    system = services_systems.do_create_system(cio.user, cio.org, {"name": "Payroll"})
    created = post(client, dpo, f"{api(dpo.org)}/processors/", {
        "name": "Payroll bureau", "country": "FR", "clause_a": True, "clause_b": True, "systems": ["Payroll"],
        "sub_processors": [{"name": "Print shop", "country": "FR", "approval": "approved",
                            "approved_on": "2026-01-05"}]})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["missing_clauses"] == ["clause_c", "clause_d", "clause_e", "clause_f", "clause_g", "clause_h"]
    assert body["systems"] == [system.ref] and body["sub_processors"][0]["approval"] == "approved"
    services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "Payroll", "processors": ["PR-001"]})
    assert client.get(f"{api(dpo.org)}/processors/{body['id']}/", **dpo.auth()).json()["activities"] == ["PA-001"]


def test_the_register_exports_as_xlsx_with_each_record_and_what_it_lacks(client, dpo):
    services_ropa.do_create_activity(dpo.user, dpo.org, COMPLETE)
    services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "=cmd|' /C calc'!A0"})
    answer = client.get(f"{api(dpo.org)}/ropa/export?format=xlsx", **dpo.auth())
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.content))
    rows = list(book["Activities"].values)
    assert rows[1][:2] == ("PA-001", "Patient records") and rows[1][rows[0].index("complete")] == "yes"
    assert rows[2][1] == "'=cmd|' /C calc'!A0"  # a formula-like text is neutralised
    assert "Purposes of the processing (30(1)(b))" in rows[2][rows[0].index("missing")]
    assert list(book["Summary"].values)[1] == (1, 2, 50)


def test_the_register_exports_as_pdf(client, dpo):
    services_ropa.do_create_activity(dpo.user, dpo.org, COMPLETE)
    answer = client.get(f"{api(dpo.org)}/ropa/export?format=pdf", **dpo.auth())
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert answer.content.startswith(b"%PDF")


def test_another_organisations_activity_is_404_and_cannot_be_linked(client, dpo, outsider):
    theirs = services_ropa.do_create_activity(outsider.user, outsider.org, {"name": "CANARYB payments"})
    assert client.get(f"{api(dpo.org)}/activities/{theirs.pk}/", **dpo.auth()).status_code == 404
    assert client.get(f"{api(dpo.org)}/activities/{theirs.pk}/screening", **dpo.auth()).status_code == 404
    answer = post(client, dpo, f"{api(dpo.org)}/transfers/", {"activity": theirs.pk, "destination": "US"})
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "activity"


def test_a_viewer_reads_the_register_but_does_not_write_or_screen(client, dpo, viewer):
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "CCTV"})
    assert client.get(f"{api(dpo.org)}/activities/", **viewer.auth()).status_code == 200
    assert post(client, viewer, f"{api(dpo.org)}/activities/", {"name": "X"}).status_code == 403
    assert post(client, viewer, f"{api(dpo.org)}/activities/{activity.pk}/screening",
                {"criteria": []}, "put").status_code == 403


def test_each_write_appends_one_audit_event(dpo):
    before = AuditEvent.objects.for_org(dpo.org).count()
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "CCTV"})
    services_ropa.do_update_activity(dpo.user, dpo.org, activity, {"retention": "30 days"})
    services_ropa.do_update_activity(dpo.user, dpo.org, activity, {"retention": "30 days"})  # nothing changes
    services_ropa.do_screen_activity(dpo.user, dpo.org, activity, criteria=["systematic_monitoring"])
    processor = services_processors.do_create_processor(dpo.user, dpo.org, {"name": "Guards"})
    services_processors.do_create_transfer(dpo.user, dpo.org, {"processor": processor.pk, "destination": "CH"})
    assert AuditEvent.objects.for_org(dpo.org).count() - before == 5


def test_the_register_keeps_each_activitys_completeness_for_its_share(dpo):
    from accord.privacy import selectors_ropa

    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {**COMPLETE, "recipients": [
        {"name": "Cloud", "country": "US"}]})
    services_ropa.do_create_activity(dpo.user, dpo.org, COMPLETE)
    activity.refresh_from_db()
    assert not activity.complete and activity.missing_items == [["transfers", "30(1)(e)",
                                                                 "Cloud: US: no transfer recorded"]]
    assert (selectors_ropa.register_share(dpo.org).complete, selectors_ropa.register_share(dpo.org).total) == (1, 2)
    services_processors.do_create_transfer(dpo.user, dpo.org, {"activity": activity.pk, "destination": "US",
                                                               "mechanism": "adequacy", "in_scope": True})
    activity.refresh_from_db()
    assert activity.complete and selectors_ropa.register_share(dpo.org).percent == 100
