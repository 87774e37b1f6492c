"""Working days and public holidays (accord.core.workdays): one calendar for every clock, from the
organisation's country and subdivision, on all three fronts."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from accord.core.models import AuditEvent, Organization
from accord.core.services import do_create_organization, do_update_organization
from accord.core.workdays import WEEKDAYS, WorkCalendar, country_problem
from tests.core.test_cli import run

FRANCE = WorkCalendar("FR")
BAVARIA = WorkCalendar("DE", "BY")
D = dt.date


def test_without_a_country_only_weekends_are_skipped():
    friday = D(2026, 7, 10)
    assert WEEKDAYS.add_working_days(friday, 1) == D(2026, 7, 13)
    assert WEEKDAYS.add_working_days(friday, 3) == D(2026, 7, 15)
    assert WEEKDAYS.working_days_between(friday, D(2026, 7, 17)) == 5
    assert WEEKDAYS.holidays_between(D(2026, 1, 1), D(2026, 12, 31)) == []


def test_a_french_public_holiday_is_not_a_working_day():
    friday = D(2026, 7, 10)
    assert not FRANCE.is_working_day(D(2026, 7, 14)) and FRANCE.is_working_day(D(2026, 7, 13))
    # Monday 13, (Tuesday 14 July skipped), Wednesday 15, Thursday 16.
    assert FRANCE.add_working_days(friday, 3) == D(2026, 7, 16)
    assert FRANCE.working_days_between(friday, D(2026, 7, 17)) == 4
    assert FRANCE.working_days_between(D(2026, 7, 17), friday) == -4
    # A holiday on a weekend costs nothing: 15 August 2026 is a Saturday.
    assert FRANCE.working_days_between(D(2026, 8, 14), D(2026, 8, 17)) == 1
    assert FRANCE.holidays_between(D(2026, 12, 20), D(2027, 1, 5)) == [D(2026, 12, 25), D(2027, 1, 1)]


def test_the_place_names_the_country_and_its_subdivision():
    assert (WEEKDAYS.place, FRANCE.place, BAVARIA.place) == ("", "FR", "DE-BY")


def test_a_subdivision_adds_its_own_holidays():
    epiphany = D(2026, 1, 6)  # a Tuesday: a public holiday in Bavaria, not in Germany as a whole
    assert not BAVARIA.is_working_day(epiphany)
    assert WorkCalendar("DE").is_working_day(epiphany)


@pytest.mark.parametrize(("country", "subdivision", "problem"), [
    ("", "", None), ("FR", "", None), ("DE", "BY", None),
    ("", "BY", ("subdivision", "no_country")), ("XX", "", ("country", "unknown_country")),
    ("DE", "ZZ", ("subdivision", "unknown_subdivision")),
])
def test_the_country_and_subdivision_must_name_a_calendar(country, subdivision, problem):
    assert country_problem(country, subdivision) == problem


@pytest.mark.django_db
def test_an_organisation_keeps_its_country_upper_case_and_refuses_an_unknown_one():
    org = do_create_organization(None, slug="paris", name="Paris", country="fr")
    assert (org.country, org.subdivision) == ("FR", "")
    with pytest.raises(ValidationError, match="ISO 3166-1") as refused:
        do_update_organization(None, org, country="XX")
    assert list(refused.value.message_dict) == ["country"] and "ISO 3166-1" in refused.value.messages[0]
    assert org.country == "FR", "a refused change leaves the caller's object as it was"
    with pytest.raises(ValidationError, match="not a subdivision of FR") as refused:
        do_update_organization(None, org, subdivision="ZZ")
    assert list(refused.value.message_dict) == ["subdivision"]
    assert Organization.objects.get(pk=org.pk).country == "FR"
    do_update_organization(None, org, country="DE", subdivision="by")
    event = AuditEvent.objects.for_org(org).order_by("-seq").first()
    assert event.changes == {"country": ["FR", "DE"], "subdivision": ["", "BY"]}


@pytest.mark.django_db
def test_the_api_reads_and_changes_the_country(client, org_a, admin, contributor):
    url = f"/api/v1/orgs/{org_a.slug}/"
    assert client.get(url, **admin.auth()).json()["country"] == ""
    response = client.patch(url, data=json.dumps({"country": "FR"}), content_type="application/json",
                            **admin.auth())
    assert response.status_code == 200, response.content
    assert (response.json()["country"], response.json()["subdivision"]) == ("FR", "")
    response = client.patch(url, data=json.dumps({"country": "FR", "subdivision": "QQ"}),
                            content_type="application/json", **admin.auth())
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "subdivision"
    response = client.patch(url, data=json.dumps({"country": None}), content_type="application/json", **admin.auth())
    assert response.status_code == 422
    response = client.patch(url, data=json.dumps({"country": "DE"}), content_type="application/json",
                            **contributor.auth())
    assert response.status_code == 403
    assert Organization.objects.get(pk=org_a.pk).country == "FR"


@pytest.mark.django_db
def test_the_governance_page_sets_the_country_and_lists_the_next_holidays(client, org_a, admin):
    client.force_login(admin.user)
    response = client.post(f"/o/{org_a.slug}/governance/calendar/", {"country": "zz", "subdivision": ""})
    assert response.status_code == 200 and "is not a country code" in response.content.decode()
    response = client.post(f"/o/{org_a.slug}/governance/calendar/", {"country": "fr", "subdivision": ""})
    assert response.status_code == 302
    page = client.get(f"/o/{org_a.slug}/governance/").content.decode()
    assert "public holidays of FR" in page and "Next public holidays" in page


@pytest.mark.django_db
def test_the_cli_creates_and_changes_an_organisation_with_its_country(capsys):
    code, out = run(capsys, "org", "create", "lyon", "--country", "FR")[:2]
    assert code == 0 and "FR" in out
    org = Organization.objects.get(slug="lyon")
    assert (org.name, org.country) == ("lyon", "FR")
    code, out = run(capsys, "org", "set", "lyon", "--country", "DE", "--subdivision", "BY")[:2]
    assert code == 0 and "DE-BY" in out
    code, _, err = run(capsys, "org", "set", "lyon", "--country", "XX")
    assert code != 0 and "country" in err
    assert Organization.objects.get(slug="lyon").country == "DE"
