"""Read answers stored under the organisation's data version (accord/core/answers.py, decision 0035): a
repeated read is the stored answer, never another organisation's or another role's, never one in another
language, and a write of any kind (a request, a background job, another process) makes the next read fresh."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.core import answers, dataversion
from accord.core.choices import Role
from accord.core.models import AuditChain
from accord.risks import services
from accord.risks.jobs import do_queue_risk_import
from accord.risks.models import Risk
from tests.conftest import signed_in
from tests.factories import make_member

REGISTER = "/o/{org}/risks/register/"
API_RISKS = "/api/v1/orgs/{org}/risks/?limit=50"


@pytest.fixture(autouse=True)
def _stored_answers(settings):
    settings.ACCORD_ANSWER_CACHE = True
    caches[answers.ALIAS].clear()
    yield
    caches[answers.ALIAS].clear()


def _risk(persona, title: str = "Ransomware on the file servers"):
    return services.do_create_risk(persona.user, persona.org, {"title": title, "category": "cyber_security",
                                                               "likelihood": 4, "impact": 4})


def _api(client, persona, path: str = API_RISKS, **headers):
    response = client.get(path.format(org=persona.org.slug), **persona.auth(), **headers)
    assert response.status_code == 200, response.content
    return response


def _queries(send) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as ctx:
        response = send()
    return len(ctx.captured_queries), response


def test_a_repeated_api_read_is_the_stored_answer_with_fewer_queries(client, ciso):
    _risk(ciso)
    first_count, first = _queries(lambda: _api(client, ciso))
    second_count, second = _queries(lambda: _api(client, ciso))
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert second_count < first_count


def test_a_repeated_register_page_reuses_its_results(ciso):
    _risk(ciso)
    web = signed_in(ciso)
    first_count, first = _queries(lambda: web.get(REGISTER.format(org="org-a")))
    second_count, second = _queries(lambda: web.get(REGISTER.format(org="org-a")))
    assert first.status_code == second.status_code == 200
    assert b"Ransomware on the file servers" in second.content
    assert second_count < first_count


def test_another_organisation_is_never_served_a_stored_answer(client, ciso, outsider, org_b):
    _risk(ciso, "Alpha's own risk")
    _risk(outsider, "CANARYB risk")
    assert b"Alpha's own risk" in _api(client, ciso).content
    b_answer = _api(client, outsider).content
    assert b"CANARYB risk" in b_answer and b"Alpha's own risk" not in b_answer
    page = signed_in(outsider).get(REGISTER.format(org="org-b")).content
    signed_in(ciso).get(REGISTER.format(org="org-a"))
    assert b"Alpha's own risk" not in signed_in(outsider).get(REGISTER.format(org="org-b")).content
    assert b"CANARYB risk" in page


def test_a_viewer_is_never_served_what_an_admin_sees(admin, viewer):
    _risk(admin)
    admin_page = signed_in(admin).get("/o/org-a/").content
    assert b"Recent activity" in admin_page  # the admin's role reads the audit trail
    viewer_page = signed_in(viewer).get("/o/org-a/").content
    assert b"Recent activity" not in viewer_page


def test_a_register_stored_for_one_role_keeps_its_buttons_to_that_role(ciso, viewer):
    ciso_page = signed_in(ciso).get(REGISTER.format(org="org-a")).content
    assert b"Add the first risk" in ciso_page
    assert b"Add the first risk" not in signed_in(viewer).get(REGISTER.format(org="org-a")).content


def test_a_stored_fragment_carries_no_csrf_token_and_the_page_around_it_is_the_viewers(ciso, vciso):
    _risk(ciso)
    signed_in(ciso).get("/o/org-a/")
    signed_in(ciso).get(REGISTER.format(org="org-a"))
    stored = [value for key, value in caches[answers.ALIAS]._cache.items() if ":answer:" in key]  # locmem, pickled
    assert len(stored) == 3  # the dashboard's cards, the register's filters and its results
    assert all(b"csrfmiddlewaretoken" not in value for value in stored)
    # The same role reads the stored cards; the header around them is rendered for the viewer.
    page = signed_in(vciso).get("/o/org-a/")
    assert b"(external)" in page.content and b"Ransomware on the file servers" in page.content
    assert len([key for key in caches[answers.ALIAS]._cache if ":answer:" in key]) == 3


def test_a_write_through_the_api_makes_the_next_read_fresh(client, ciso):
    _api(client, ciso)
    _api(client, ciso)
    created = client.post("/api/v1/orgs/org-a/risks/", {"title": "Flood in the server room", "category": "strategic",
                                                         "likelihood": 2, "impact": 3},
                          content_type="application/json", **ciso.auth())
    assert created.status_code == 201
    assert b"Flood in the server room" in _api(client, ciso).content
    assert b"Flood in the server room" in signed_in(ciso).get(REGISTER.format(org="org-a")).content


def test_a_write_by_a_background_job_makes_the_next_read_fresh(client, ciso):
    web = signed_in(ciso)
    assert b"Fire" not in web.get(REGISTER.format(org="org-a")).content
    _api(client, ciso)
    job = do_queue_risk_import(ciso.user, ciso.org, b"title,category,likelihood,impact\nFire,strategic,1,2\n",
                               "risks.csv")
    assert job.result["created"] == 1
    assert b"Fire" in _api(client, ciso).content
    assert b"Fire" in web.get(REGISTER.format(org="org-a")).content


def test_the_version_lives_in_the_database_so_another_process_write_is_seen(client, ciso):
    """Another process's write reaches this one only as rows: the risk it changed and its audit chain's new
    head. Both are changed here as rows, with no service of this process running."""
    risk = _risk(ciso, "Seen before")
    _api(client, ciso)
    Risk.objects.for_org(ciso.org).filter(pk=risk.pk).update(title="Renamed by another process")
    assert b"Seen before" in _api(client, ciso).content  # the chain did not move: the stored answer stands
    chain = AuditChain.objects.for_org(ciso.org).get()
    AuditChain.objects.for_org(ciso.org).filter(pk=chain.pk).update(last_seq=chain.last_seq + 1, last_hash="f" * 64)
    assert b"Renamed by another process" in _api(client, ciso).content


def test_a_new_day_is_a_new_answer(client, ciso, monkeypatch):
    _api(client, ciso)
    stored_count, _ = _queries(lambda: _api(client, ciso))
    monkeypatch.setattr(answers, "org_today", lambda org: dt.date(2099, 1, 1))
    next_day_count, _ = _queries(lambda: _api(client, ciso))
    assert next_day_count > stored_count  # computed again: overdue reviews and expired acceptances move by day


def test_each_language_gets_its_own_answer(org_a, ciso):
    english = signed_in(ciso).get("/o/org-a/", HTTP_ACCEPT_LANGUAGE="en").content
    french_member = make_member(org_a, Role.CISO, email="rssi@a.test")
    french_member.user.language = "fr"
    french_member.user.save(update_fields=["language"])
    french = signed_in(french_member).get("/o/org-a/").content
    assert b"Open risks" in english and b"Open risks" not in french
    assert b"Risques ouverts" in french


def test_an_answer_that_read_unversioned_figures_is_served_but_not_stored(ciso, rf):
    request = rf.get("/o/org-a/")
    request.membership = ciso.membership
    calls = []

    def context():
        calls.append(1)
        dataversion.not_storable()
        return {}

    for _ in range(2):
        answers.fragment(request, "test", "risks/_list_fragment.html", context)
    assert len(calls) == 2
