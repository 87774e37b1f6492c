"""The record of processing's pages, CLI and demo: the register shows the share complete and each record's missing
items, the activity page records a screening, the CLI exports the whole record, the demo fills the three demo
organisations."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from accord.cli import main
from accord.privacy import demo_ropa, selectors_ropa, services_ropa
from accord.privacy.models_ropa import ProcessingActivity
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

FULL = {"name": "Patient records", "controller_name": "Alpha Clinic", "controller_contact": "privacy@alpha.test",
        "purposes": [{"name": "Care", "legal_basis": "c"}], "data_subjects": ["Patients"],
        "data_categories": [{"name": "Diagnoses", "special": True, "art9_condition": "h"}], "no_recipients": True,
        "retention": "20 years", "security_measures": "Encryption"}


def test_the_register_shows_the_share_complete_and_each_records_missing_items(dpo):
    services_ropa.do_create_activity(dpo.user, dpo.org, FULL)
    services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "Visitor log"})
    page = signed_in(dpo).get(reverse("ropa:register", kwargs={"org": dpo.org.slug}))
    assert page.status_code == 200
    text = page.content.decode()
    assert "1 of 2 records complete (50 %)." in text
    assert "Purposes of the processing" in text and "30(1)(b)" in text


def test_the_activity_page_records_a_screening(dpo):
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "CCTV"})
    client = signed_in(dpo)
    url = reverse("ropa:screen", kwargs={"org": dpo.org.slug, "activity_id": activity.pk})
    answer = client.post(url, {"criteria": ["systematic_monitoring"], "cases": ["public_monitoring"]})
    assert answer.status_code == 302
    activity.refresh_from_db()
    assert activity.screening_outcome == "required"
    page = client.get(reverse("ropa:activity", kwargs={"org": dpo.org.slug, "activity_id": activity.pk}))
    assert "DPIA required" in page.content.decode()


def test_an_exception_without_a_required_dpia_is_refused_on_the_page(dpo):
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "Visitor log"})
    url = reverse("ropa:screen", kwargs={"org": dpo.org.slug, "activity_id": activity.pk})
    answer = signed_in(dpo).post(url, {"criteria": ["large_scale"], "exception": "Not needed"})
    assert answer.status_code == 422
    assert "An exception applies only where the rule requires a DPIA" in answer.content.decode()


def test_a_viewer_sees_no_screening_form(dpo, viewer):
    activity = services_ropa.do_create_activity(dpo.user, dpo.org, {"name": "CCTV"})
    page = signed_in(viewer).get(reverse("ropa:activity", kwargs={"org": dpo.org.slug, "activity_id": activity.pk}))
    assert page.status_code == 200 and "Record the screening" not in page.content.decode()


def test_the_cli_exports_the_record_of_processing(dpo, tmp_path, capsys):
    services_ropa.do_create_activity(dpo.user, dpo.org, FULL)
    out = tmp_path / "ropa.xlsx"
    assert main(["privacy", "ropa", "export", dpo.org.slug, "--out", str(out)]) == 0
    assert "exported the record of processing" in capsys.readouterr().out
    assert list(load_workbook(io.BytesIO(out.read_bytes()))["Activities"].values)[1][0] == "PA-001"


def test_the_cli_refuses_an_unknown_format(dpo, tmp_path, capsys):
    assert main(["privacy", "ropa", "export", dpo.org.slug, "--out", str(tmp_path / "ropa.csv")]) != 0
    assert "give --format xlsx or pdf" in capsys.readouterr().err


def test_the_demo_fills_the_hospital_groups_register_with_two_dpias_required(db):
    call_command("migrate", verbosity=0)  # the demo organisations come from the core demo
    from accord.core.demo import DemoContext, _load_core
    from accord.portfolio import demo_systems

    ctx = DemoContext(log=lambda _m: None)
    _load_core(ctx)
    hospital = ctx.orgs["harbour-health"]
    demo_systems.load_org(hospital)
    assert 15 <= demo_ropa.load_org(hospital) <= 25
    assert demo_ropa.load_org(hospital) == 0  # idempotent
    outcomes = list(ProcessingActivity.objects.for_org(hospital).values_list("screening_outcome", flat=True))
    assert outcomes.count("required") >= 2
    register = selectors_ropa.register(hospital)
    assert 0 < register.share.complete < register.share.total
    assert any(c.get("special") for row in register.rows for c in row.activity.data_categories)
    for slug in ("nordpay", "brightcart"):
        demo_systems.load_org(ctx.orgs[slug])
        assert 3 <= demo_ropa.load_org(ctx.orgs[slug]) < 15
