"""The record of processing written from the web: an activity added and changed through its form (the lists typed
one per line, columns split by "|"), its legitimate-interests assessment kept across an edit, problems shown by
field with nothing saved; processors with their Art. 28(3) checklist and transfers listed with what they lack."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accord.core.clock import org_today
from accord.privacy import selectors_ropa, services_ropa
from accord.privacy.forms_records import format_lines, parse_lines
from accord.privacy.models_processors import Processor, Transfer
from accord.privacy.models_ropa import ProcessingActivity
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def test_lines_split_on_the_bar_and_read_back_as_written():
    rows = parse_lines(" Care | c \n\nResearch|f|extra | text\nAlone", ("name", "legal_basis", "note"))
    assert rows == [{"name": "Care", "legal_basis": "c", "note": ""},
                    {"name": "Research", "legal_basis": "f", "note": "extra | text"},
                    {"name": "Alone", "legal_basis": "", "note": ""}]
    assert format_lines(rows, ("name", "legal_basis", "note")) == "Care | c\nResearch | f | extra | text\nAlone"
    assert format_lines([{"name": "Health", "special": True, "art9_condition": ""}],
                        ("name", "special", "art9_condition")) == "Health | yes"


def test_an_activity_is_added_from_its_form_with_its_lists(dpo):
    client = signed_in(dpo)
    response = client.post(reverse("ropa:activity_create", kwargs={"org": dpo.org.slug}), {
        "name": "Patient records", "record_kind": "controller", "controller_name": "Alpha Clinic",
        "purposes": "Care | c\nResearch | (F)", "data_subjects": "Patients\nRelatives",
        "data_categories": "Diagnoses | yes | h | 20 years\nNames", "recipients": "Labs\nHosting | us"})
    activity = ProcessingActivity.objects.for_org(dpo.org).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/activities/{activity.pk}/")
    assert activity.purposes == [{"name": "Care", "legal_basis": "c"}, {"name": "Research", "legal_basis": "f"}]
    assert activity.data_subjects == ["Patients", "Relatives"]
    assert activity.data_categories == [
        {"name": "Diagnoses", "special": True, "art9_condition": "h", "retention": "20 years"},
        {"name": "Names", "special": False, "art9_condition": "", "retention": ""}]
    assert activity.recipients == [{"name": "Labs", "country": ""}, {"name": "Hosting", "country": "US"}]


def test_a_bad_line_is_named_on_its_field_and_nothing_is_saved(dpo):
    client = signed_in(dpo)
    response = client.post(reverse("ropa:activity_create", kwargs={"org": dpo.org.slug}), {
        "name": "Visitors", "record_kind": "controller", "purposes": "Security | z",
        "data_categories": "Names | no | h"})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "legal basis" in errors["purposes"][0] and "special category only" in errors["data_categories"][0]
    assert not ProcessingActivity.objects.for_org(dpo.org).exists()


def test_editing_an_activity_keeps_its_legitimate_interests_assessment(dpo):
    lia = {"interest": "Fraud prevention", "necessity": "No other way", "balancing": "Expected by customers"}
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {
        "name": "Fraud checks", "purposes": [{"name": "Fraud", "legal_basis": "f", "lia": lia}]})
    client = signed_in(dpo)
    url = reverse("ropa:activity_edit", kwargs={"org": dpo.org.slug, "activity_id": activity.pk})
    form = client.get(url).context["form"]
    assert form.initial["purposes"] == "Fraud | f"
    client.post(url, {"name": "Fraud checks", "record_kind": "controller", "purposes": "Fraud | f\nMarketing | a",
                      "retention": "5 years"})
    activity.refresh_from_db()
    assert activity.purposes == [{"name": "Fraud", "legal_basis": "f", "lia": lia},
                                 {"name": "Marketing", "legal_basis": "a"}]
    assert activity.retention == "5 years"


def test_a_processor_is_added_with_its_checklist_and_listed_with_what_it_lacks(dpo, viewer):
    client = signed_in(dpo)
    response = client.post(reverse("ropa:processor_create", kwargs={"org": dpo.org.slug}), {
        "name": "Cloud host", "country": "de", "authorisation": "general", "clause_a": "on", "clause_c": "on",
        "sub_processors": "Backup Ltd | gb | off-site copies | approved | 2026-01-15"})
    assert response.status_code == 302
    processor = Processor.objects.for_org(dpo.org).get()
    assert (processor.country, processor.clause_a, processor.clause_b, processor.clause_c) == ("DE", True, False, True)
    assert processor.sub_processors == [{"name": "Backup Ltd", "country": "GB", "service": "off-site copies",
                                         "approval": "approved", "approved_on": "2026-01-15"}]
    page = signed_in(viewer).get(reverse("ropa:processors", kwargs={"org": dpo.org.slug})).content.decode()
    assert "Cloud host" in page and "6 clauses missing" in page
    assert reverse("ropa:processor_edit", kwargs={"org": dpo.org.slug, "processor_id": processor.pk}) not in page


def test_a_transfer_is_recorded_and_listed_with_what_it_still_needs(dpo):
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "Support desk"})
    client = signed_in(dpo)
    refused = client.post(reverse("ropa:transfer_create", kwargs={"org": dpo.org.slug}),
                          {"activity": activity.pk, "destination": "FR"})
    assert refused.status_code == 422 and "in the EEA" in refused.context["form"].errors["destination"][0]
    client.post(reverse("ropa:transfer_create", kwargs={"org": dpo.org.slug}),
                {"activity": activity.pk, "destination": "in", "recipient": "Support centre"})
    transfer = Transfer.objects.for_org(dpo.org).get()
    assert transfer.destination == "IN" and transfer.mechanism == ""
    page = client.get(reverse("ropa:transfers", kwargs={"org": dpo.org.slug})).content.decode()
    issues = [text for _key, text in selectors_ropa.transfer_issues(transfer, org_today(dpo.org))]
    assert issues and all(text in page for text in issues)


def test_a_system_the_record_names_is_not_deleted_and_the_refusal_names_the_activity(client, dpo, cio):
    from accord.portfolio import services_systems
    from accord.portfolio.models import System

    records = services_systems.do_create_system(cio.user, dpo.org, {"name": "Records"})
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "Patient records",
                                                                    "systems": [records.ref]})
    answer = client.delete(f"/api/v1/orgs/{dpo.org.slug}/systems/{records.pk}/", **cio.auth())
    assert answer.status_code == 409 and f"{activity.ref} Patient records" in answer.content.decode()
    assert System.objects.for_org(dpo.org).filter(pk=records.pk).exists()
    assert list(activity.system_links.values_list("system_id", flat=True)) == [records.pk]  # nothing half-removed
