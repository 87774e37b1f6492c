"""IT costs: budget lines and their checks, the one variance rule, the import of actuals (all or nothing, every
bad row named), the cost view's figures, the API (lines filtered by year and category, the import as a job)
and the CLI; another organisation's lines are 404 and cannot be booked against."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accord.cli import main
from accord.compliance import services_controls
from accord.core.clock import org_today
from accord.core.models import AuditEvent
from accord.portfolio import rules, selectors_costs, services, services_costs
from accord.portfolio.io_costs import parse_upload
from accord.portfolio.models_costs import Actual, BudgetLine
from tests.conftest import job_of

pytestmark = pytest.mark.django_db

PAST = 2025  # a past year: its budget is compared over all 12 months whatever today is


def line(org, actor=None, **extra):
    data = {"year": PAST, "title": "Licences", "category": "run", "nature": "opex", "amount": 1_200_000, **extra}
    return services_costs.do_create_budget_line(actor, org, data)


def rows(text):
    return parse_upload(SimpleUploadedFile("actuals.csv", text.encode()), "actuals.csv")


def events(org):
    return AuditEvent.objects.for_org(org).count()


# --- the rule ---------------------------------------------------------------------------------------------

def test_variance_prorates_the_budget_over_the_months_covered_and_rounds_half_up():
    v = rules.variance(1_200_000, 350_000, months=3)
    assert (v.planned, v.actual, v.variance) == (300_000, 350_000, 50_000)
    assert v.share == pytest.approx(50_000 / 300_000) and v.over
    assert rules.variance(100, 0, months=1).planned == 8  # 8.33 rounds down
    assert rules.variance(6, 0, months=1).planned == 1  # 0.5 rounds up
    assert rules.variance(1000, 900).variance == -100  # a whole year by default
    nothing = rules.variance(5000, 70, months=0)
    assert (nothing.planned, nothing.variance, nothing.share) == (0, 70, None)
    with pytest.raises(ValueError, match="0 to 12"):
        rules.variance(1, 1, months=13)


def test_the_months_covered_are_the_whole_of_a_past_year_and_up_to_the_last_booked_month_of_this_one():
    today = dt.date(2026, 8, 14)
    assert rules.months_to_date(2025, today, None) == 12
    assert rules.months_to_date(2027, today, dt.date(2027, 1, 1)) == 0
    assert rules.months_to_date(2026, today, dt.date(2026, 6, 1)) == 6
    assert rules.months_to_date(2026, today, None) == 0
    assert rules.share_of(25, 100) == 0.25 and rules.share_of(1, 0) is None


# --- budget lines -----------------------------------------------------------------------------------------

def test_a_budget_line_is_numbered_audited_and_every_bad_field_is_named(org_a, cio):
    first = line(org_a, cio.user)
    assert first.ref == "BL-001"
    event = AuditEvent.objects.for_org(org_a).order_by("-seq").first()
    assert event.object_type == "portfolio.budgetline" and event.changes["amount"] == [None, 1_200_000]
    with pytest.raises(ValidationError, match="not a year") as caught:
        services_costs.do_create_budget_line(cio.user, org_a, {"year": 1800, "title": " ", "category": "fun",
                                                               "nature": "both", "amount": -1, "initiative": 999})
    errors = caught.value.message_dict
    assert set(errors) == {"year", "title", "category", "nature", "amount", "initiative"}
    assert "run, change, security" in errors["category"][0]
    assert "minor units" in errors["amount"][0]


def test_a_line_pays_for_an_initiative_or_a_control_of_its_own_organisation_not_both(org_a, org_b, cio):
    initiative = services.do_create_initiative(None, org_a, {"title": "Cloud move", "kind": "infrastructure"})
    control = services_controls.do_create_control(None, org_a, {"name": "EDR"})
    foreign = services.do_create_initiative(None, org_b, {"title": "B's", "kind": "other"})
    with pytest.raises(ValidationError, match="not initiative and control") as caught:
        line(org_a, initiative=initiative.pk, control=control.pk)
    assert "one of an initiative, a control or a system" in caught.value.message_dict["control"][0]
    with pytest.raises(ValidationError, match="has the id") as caught:
        line(org_a, initiative=foreign.pk)
    assert f"has the id {foreign.pk}" in caught.value.message_dict["initiative"][0]
    paid = line(org_a, initiative=initiative.pk, category="change")
    with pytest.raises(ValidationError, match="not initiative and control"):
        services_costs.do_update_budget_line(None, org_a, paid, {"control": control.pk})
    services_costs.do_update_budget_line(None, org_a, paid, {"initiative": None, "control": control.pk})
    paid.refresh_from_db()
    assert (paid.initiative_id, paid.control_id) == (None, control.pk)


def test_a_line_with_actuals_keeps_its_year_and_is_removed_with_them_audited(org_a, cio):
    booked = line(org_a)
    services_costs.do_import_actuals(None, org_a, rows("line,month,amount\nBL-001,2025-01,90000\n"))
    with pytest.raises(ValidationError, match="cannot change") as caught:
        services_costs.do_update_budget_line(None, org_a, booked, {"year": 2026})
    assert "actuals booked in 2025" in caught.value.message_dict["year"][0]
    before = events(org_a)
    services_costs.do_delete_budget_line(cio.user, org_a, booked)
    assert events(org_a) == before + 2  # the actual and the line
    assert not BudgetLine.objects.for_org(org_a).exists() and not Actual.objects.for_org(org_a).exists()


# --- the import of actuals ---------------------------------------------------------------------------------

def test_an_import_books_each_month_replaces_a_changed_one_and_leaves_an_equal_one(org_a):
    line(org_a)
    line(org_a, title="Hosting", amount=600_000)
    before = events(org_a)
    report = services_costs.do_import_actuals(None, org_a, rows(
        "line,month,amount,note\nBL-001,2025-01,100000,January invoice\nbl-2,2025-01-01,40000,\n"
        "BL-001,2025-02,110000,\n"))
    assert report.summary() == "3 added, 0 updated, 0 unchanged"
    assert [r.ref for r in report.rows] == ["BL-001 2025-01", "BL-002 2025-01", "BL-001 2025-02"]
    assert events(org_a) == before + 3
    again = services_costs.do_import_actuals(None, org_a, rows(
        "line,month,amount,note\nBL-001,2025-01,100000,January invoice\nBL-001,2025-02,-5000,credit note\n"))
    assert again.summary() == "0 added, 1 updated, 1 unchanged"
    assert again.rows[1].changed == ("amount", "note")
    assert events(org_a) == before + 4
    assert Actual.objects.for_org(org_a).get(month=dt.date(2025, 2, 1)).amount == -5000


def test_a_bad_file_writes_nothing_and_names_every_bad_row_and_field(org_a, org_b):
    line(org_a)
    line(org_b)  # B's BL-001 is no line of A's: A's numbers are its own
    line(org_b)
    before = events(org_a)
    with pytest.raises(services_costs.ImportRejected, match="row 3, line") as caught:
        services_costs.do_import_actuals(None, org_a, rows(
            "line,month,amount\nBL-001,2025-01,100\nBL-002,2025-01,100\nBL-001,2026-01,100\nBL-001,2025-13,1\n"
            "BL-001,2025-03,12.5\nx,2025-04,1\n,2025-05,1\nBL-001,2025-01,7\n"))
    problems = caught.value.rows
    assert [(n, name) for n, name, _ in problems] == [
        (3, "line"), (4, "month"), (5, "month"), (6, "amount"), (7, "line"), (8, "line"), (9, "month")]
    messages = {(n, name): text for n, name, text in problems}
    assert "BL-002 is not a budget line of this organisation" in messages[(3, "line")]
    assert "not in 2025, the year of BL-001" in messages[(4, "month")]
    assert "also in row 2" in messages[(9, "month")]
    assert events(org_a) == before
    assert not Actual.objects.for_org(org_a).exists()


def test_a_dry_run_reports_and_writes_nothing(org_a):
    line(org_a)
    file = rows("line,month,amount\nBL-001,2025-01,5\nBL-9,2025-01,5\n")
    report = services_costs.do_import_actuals(None, org_a, file, dry_run=True)
    assert report.dry_run and [r.action for r in report.rows] == ["create", "refused"]
    assert not Actual.objects.for_org(org_a).exists()


def test_a_file_without_the_required_columns_is_refused_on_file():
    with pytest.raises(ValidationError, match="month") as caught:
        rows("line,amount\nBL-001,5\n")
    assert "month" in caught.value.message_dict["file"][0]


# --- the cost view -----------------------------------------------------------------------------------------

def test_the_cost_view_splits_run_change_and_security_and_names_the_largest_variances(org_a, cio):
    org_a.day_rate = None
    portal = services.do_create_initiative(None, org_a, {"title": "Portal", "kind": "digital_transformation"})
    services.do_set_initiative_budget(None, org_a, portal, year=PAST, capex=500_000, opex=100_000)
    edr = services_controls.do_create_control(None, org_a, {"name": "EDR", "run_cost": 240_000})
    line(org_a, title="Licences", amount=1_200_000)                                          # BL-001 run
    line(org_a, title="Portal build", category="change", nature="capex", amount=480_000, initiative=portal.pk)
    line(org_a, title="EDR service", category="security", amount=320_000, control=edr.pk)  # BL-003
    services_costs.do_import_actuals(None, org_a, rows(
        "line,month,amount\nBL-001,2025-01,1000000\nBL-002,2025-06,600000\nBL-003,2025-12,320000\n"))
    view = selectors_costs.cost_view(org_a, PAST)
    assert view.months == 12
    by = {r.key: r.figures for r in view.by_category}
    assert (by["run"].budget, by["run"].actual, by["run"].variance) == (1_200_000, 1_000_000, -200_000)
    assert (by["change"].variance, by["security"].variance) == (120_000, 0)
    assert view.total.budget == 2_000_000 and view.total.actual == 1_920_000
    assert view.security_share == pytest.approx(0.16)
    assert view.security_share_actual == pytest.approx(320_000 / 1_920_000)
    assert [(r.obj, r.figures.actual, r.reference) for r in view.per_initiative] == [(portal, 600_000, 600_000)]
    assert [(r.key, r.figures.budget, r.reference) for r in view.per_control] == [(edr.ref, 320_000, 240_000)]
    assert [x.ref for x in view.top_variances] == ["BL-001", "BL-002"]  # BL-003 is on budget
    assert view.monthly["run"][0] == 1_000_000 and view.monthly["change"][5] == 600_000
    assert view.monthly["security"][11] == 320_000 and sum(view.monthly["security"]) == 320_000


def test_this_years_budget_is_compared_over_the_months_booked_so_far(org_a):
    year = org_today(org_a).year
    line(org_a, year=year, amount=1_200_000)
    if org_today(org_a).month == 1:
        pytest.skip("in January no month of the year can be booked yet without booking the current one")
    services_costs.do_import_actuals(None, org_a, rows(f"line,month,amount\nBL-001,{year}-01,150000\n"))
    summary = selectors_costs.cost_summary(org_a)
    assert (summary.total.months, summary.total.planned, summary.total.variance) == (1, 100_000, 50_000)


# --- the API ------------------------------------------------------------------------------------------------

def api(org):
    return f"/api/v1/orgs/{org.slug}"


def test_budget_lines_through_the_api_filtered_by_year_and_category(client, org_a, cio, viewer):
    made = client.post(f"{api(org_a)}/budget-lines/", {"year": PAST, "title": "SOC service", "category": "security",
                                                       "amount": 900_000}, content_type="application/json",
                       **cio.auth())
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["ref"] == "BL-001" and body["nature"] == "opex" and body["actuals"] == []
    assert body["figures"] == {"months": 12, "budget": 900_000, "planned": 900_000, "actual": 0,
                               "variance": -900_000, "share": -1.0}
    line(org_a, year=PAST + 1, title="Hosting")
    listed = client.get(f"{api(org_a)}/budget-lines/?year={PAST}&category=security", **viewer.auth()).json()
    assert [x["ref"] for x in listed["items"]] == ["BL-001"]
    assert client.get(f"{api(org_a)}/budget-lines/?category=run", **viewer.auth()).json()["count"] == 1
    url = f"{api(org_a)}/budget-lines/{body['id']}/"
    changed = client.patch(url, {"amount": 950_000}, content_type="application/json", **cio.auth())
    assert changed.status_code == 200 and changed.json()["amount"] == 950_000
    refused = client.patch(url, {"amount": -1}, content_type="application/json", **cio.auth())
    assert refused.status_code == 422
    assert client.patch(url, {"amount": 1}, content_type="application/json", **viewer.auth()).status_code == 403
    assert client.delete(url, **cio.auth()).status_code == 204
    assert client.get(url, **cio.auth()).status_code == 404


def test_another_organisations_line_is_404(client, org_b, cio, outsider):
    theirs = line(org_b)
    url = f"{api(cio.org)}/budget-lines/{theirs.pk}/"
    assert client.get(url, **cio.auth()).status_code == 404
    assert client.delete(url, **cio.auth()).status_code == 404
    assert BudgetLine.objects.for_org(org_b).exists()


def test_the_import_runs_as_a_job_and_a_refused_file_names_its_rows(client, org_a, cio, ciso):
    line(org_a)
    good = SimpleUploadedFile("a.csv", b"line,month,amount\nBL-001,2025-03,42000\n")
    job = job_of(client, cio, client.post(f"{api(org_a)}/actuals/import", {"file": good}, **cio.auth()))
    assert job["status"] == "done" and job["result"]["created"] == 1
    assert Actual.objects.for_org(org_a).get().amount == 42000
    bad = SimpleUploadedFile("b.csv", b"line,month,amount\nBL-001,2025-03,1\nBL-404,2025-03,1\n")
    failed = job_of(client, cio, client.post(f"{api(org_a)}/actuals/import", {"file": bad}, **cio.auth()))
    assert failed["status"] == "failed" and "row 3, line" in failed["error"]
    assert failed["result"]["rows"][1]["errors"][0]["field"] == "line"
    assert Actual.objects.for_org(org_a).get().amount == 42000  # all or nothing
    dry = client.post(f"{api(org_a)}/actuals/import?dry_run=true",
                      {"file": SimpleUploadedFile("c.csv", b"line,month,amount\nBL-001,2025-03,7\n")}, **cio.auth())
    assert dry.status_code == 200 and dry.json()["updated"] == 1
    forbidden = client.post(f"{api(org_a)}/actuals/import", {"file": SimpleUploadedFile("d.csv", b"x")}, **ciso.auth())
    assert forbidden.status_code == 403


def test_the_cost_view_through_the_api(client, org_a, viewer):
    line(org_a, category="security", amount=100)
    line(org_a, amount=300)
    answer = client.get(f"{api(org_a)}/costs/?year={PAST}", **viewer.auth())
    assert answer.status_code == 200
    body = answer.json()
    assert body["security_share"] == 0.25 and body["total"]["budget"] == 400
    assert [r["key"] for r in body["by_category"]] == ["run", "change", "security"]


# --- the CLI ------------------------------------------------------------------------------------------------

def test_the_cli_imports_actuals_and_lists_the_lines(org_a, tmp_path, capsys):
    line(org_a)
    good = tmp_path / "actuals.csv"
    good.write_text("line,month,amount\nBL-001,2025-01,1300000\n")
    assert main(["actuals", "import", "org-a", str(good)]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["budget", "list", "org-a", "--year", str(PAST)]) == 0
    assert capsys.readouterr().out.splitlines() == ["BL-001\t2025\trun\topex\t1200000\t1300000\t+100000\t-\tLicences"]
    bad = tmp_path / "bad.csv"
    bad.write_text("line,month,amount\nBL-001,2024-01,1\n")
    assert main(["actuals", "import", "org-a", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "row 2, month" in err and "nothing was imported" in err
