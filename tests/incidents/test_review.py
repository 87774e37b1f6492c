"""The post-incident review: refused (409) on every front until the incident is recovered or closed; lessons become
actions with owners (told, on their dashboard, handed over when they leave), linked to a new risk raised in the
register or an existing one and to a control, shown back on the risk's and the control's pages; the API, the CLI
and the web write the same; the PDF prints the review and its lessons; the incident page offers its PDF; the
incident matrix is edited on the web and every incident's severity follows."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from accord.cli import main
from accord.compliance import services_controls
from accord.core import handover, reports
from accord.core.audit import verify_chain
from accord.core.jobs.models import Job
from accord.core.models import AuditEvent
from accord.core.notifications.models import Notification
from accord.incidents import demo, services, services_reviews
from accord.incidents.models import Incident, IncidentReview, Lesson
from accord.incidents.notifications import LESSON_ASSIGNED
from accord.risks.models import Risk
from tests.factories import create_risk


def _client(persona):
    client = Client()
    client.force_login(persona.user)
    return client


def _send(persona, method, url, body=None):
    return Client().generic(method, url, json.dumps(body) if body is not None else "",
                            content_type="application/json", **persona.auth())


def _incident(org, *, phases=0, title="Mailbox taken over", **data):
    made = services.do_open_incident(None, org, {"title": title, "kind": "phishing", "impact": 3, "urgency": 3,
                                                 "became_aware_at": "2026-05-04T10:00:00+00:00", **data})
    for k in range(phases):
        services.do_advance_incident(None, org, made, at=made.became_aware_at + dt.timedelta(hours=k + 1))
    return Incident.objects.for_org(org).get(pk=made.pk)


def _api(org, incident, tail=""):
    return f"/api/v1/orgs/{org.slug}/incidents/{incident.pk}/{tail}"


@pytest.fixture
def recovered(org_a):
    return _incident(org_a, phases=4)


@pytest.fixture
def risk(org_a, ciso):
    return create_risk(ciso.user, org_a, {"title": "Mail accounts taken over", "category": "cyber_security",
                                          "likelihood": 2, "impact": 2})


@pytest.fixture
def control(org_a, ciso):
    return services_controls.do_create_control(ciso.user, org_a, {"name": "Phishing awareness training"})


# --- refused until recovered ------------------------------------------------------------------------------------

def test_the_review_and_lessons_are_refused_with_409_until_the_incident_is_recovered(org_a, ciso):
    contained = _incident(org_a, phases=2)
    assert contained.status == "contained"
    response = _send(ciso, "PUT", _api(org_a, contained, "review"), {"worked": "Fast reset"})
    assert response.status_code == 409, response.content
    assert response.json()["errors"] == [{"field": "incident", "message": "INC-001 is Contained: its review and "
                                          "lessons are written once it is recovered or closed."}]
    response = _send(ciso, "POST", _api(org_a, contained, "lessons/"), {"text": "x", "action": {"title": "y"}})
    assert response.status_code == 409
    page = _client(ciso).post(reverse("incidents:review", kwargs={"org": org_a.slug, "incident_id": contained.pk}),
                              {"worked": "Fast reset"})
    assert page.status_code == 409
    assert "written once it is recovered or closed" in page.content.decode()
    assert not IncidentReview.objects.for_org(org_a).exists() and not Lesson.objects.for_org(org_a).exists()
    got = _send(ciso, "GET", _api(org_a, contained, "review")).json()
    assert got["written"] is False and got["may_write"] is False and got["lessons"] == []


def test_the_cli_refuses_a_review_before_recovery_in_one_line(org_a, capsys):
    _incident(org_a, phases=1)
    assert main(["incident", "review", org_a.slug, "INC-001", "--worked", "Quick reset"]) != 0
    err = capsys.readouterr().err.strip()
    assert "INC-001 is Analysed" in err and len(err.splitlines()) == 1


# --- the review ----------------------------------------------------------------------------------------------

def test_the_api_writes_the_review_then_changes_it_each_write_audited(org_a, ciso, recovered):
    url = _api(org_a, recovered, "review")
    first = _send(ciso, "PUT", url, {"what_happened": "Phished password", "worked": "Quick reset",
                                     "held_on": "2026-05-10"})
    assert first.status_code == 200, first.content
    body = first.json()
    assert body["written"] is True and body["may_write"] is True and body["held_on"] == "2026-05-10"
    second = _send(ciso, "PUT", url, {"did_not_work": "No alert on forwarding rules"}).json()
    assert second["what_happened"] == "Phished password"
    assert second["did_not_work"] == "No alert on forwarding rules"
    review = IncidentReview.objects.for_org(org_a).get()
    events = list(AuditEvent.objects.for_org(org_a).filter(object_type="incidents.incidentreview",
                                                           object_id=str(review.pk)).order_by("seq"))
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].changes == {"did_not_work": ["", "No alert on forwarding rules"]}
    assert verify_chain(org_a).ok
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).date().isoformat()
    refused = _send(ciso, "PUT", url, {"held_on": tomorrow})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "held_on"


def test_a_viewer_reads_the_review_but_cannot_write_it(org_a, viewer, recovered):
    assert _send(viewer, "GET", _api(org_a, recovered, "review")).status_code == 200
    assert _send(viewer, "PUT", _api(org_a, recovered, "review"), {"worked": "x"}).status_code == 403


# --- lessons and their links --------------------------------------------------------------------------------------

def test_a_lesson_raises_a_new_risk_in_the_register_through_its_service(org_a, ciso, recovered):
    response = _send(ciso, "POST", _api(org_a, recovered, "lessons/"), {
        "text": "Finance signs in with a password only",
        "action": {"title": "Require strong sign-in for finance", "owner": "ciso@a.test", "due_on": "2026-07-01"},
        "new_risk": "Finance accounts without strong sign-in"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["risk_created"] is True and body["risk_title"] == "Finance accounts without strong sign-in"
    assert body["action"] == {"title": "Require strong sign-in for finance", "owner": "ciso@a.test",
                              "due_on": "2026-07-01", "status": "open", "done_at": None}
    made = Risk.objects.for_org(org_a).get(number=int(body["risk"].removeprefix("R-")))
    assert made.category.key == "cyber_security" and made.owner == ciso.membership
    # The incident is high (impact 3, urgency 3 on the default matrix): three quarters up each axis of the 5 × 5.
    assert (made.inherent_likelihood, made.inherent_impact) == (4, 4)
    assert "Raised from a lesson of INC-001" in made.description
    assert AuditEvent.objects.for_org(org_a).filter(object_type="risks.risk", object_id=str(made.pk),
                                                    action="create").exists()


def test_a_lesson_linking_a_risk_and_a_control_shows_on_their_pages(org_a, ciso, recovered, risk, control):
    response = _send(ciso, "POST", _api(org_a, recovered, "lessons/"), {
        "text": "The forwarding rule ran for hours", "action": {"title": "Alert on outside forwarding"},
        "risk": risk.ref.lower(), "control": control.ref})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["risk"], body["risk_created"], body["control"]) == (risk.ref, False, control.ref)
    client = _client(ciso)
    risk_page = client.get(reverse("risks:detail", kwargs={"org": org_a.slug, "risk_id": risk.ref})).content.decode()
    assert "Lessons from incidents" in risk_page
    assert "INC-001 Mailbox taken over</a>: Alert on outside forwarding" in risk_page
    assert "updates this risk" in risk_page
    control_page = client.get(reverse("compliance:control", kwargs={"org": org_a.slug,
                                                                    "control_id": control.pk})).content.decode()
    assert "Lessons from incidents" in control_page and "Alert on outside forwarding" in control_page
    incident_page = client.get(reverse("incidents:detail", kwargs={"org": org_a.slug,
                                                                   "incident_id": recovered.pk})).content.decode()
    assert f"{risk.ref} Mail accounts taken over" in incident_page and control.ref in incident_page


def test_a_lessons_owner_must_be_able_to_mark_its_action_done(org_a, ciso, viewer, recovered):
    with pytest.raises(ValidationError, match="who cannot mark a lesson's action done"):
        services_reviews.do_add_lesson(ciso.user, org_a, recovered, {"text": "t", "action": "a",
                                                                     "owner": viewer.user.email})
    page = _client(ciso).get(reverse("incidents:detail", kwargs={"org": org_a.slug, "incident_id": recovered.pk}))
    owners = page.content.decode().split('id="lesson-owner"')[1].split("</select>")[0]
    assert "ciso@a.test" in owners and viewer.user.email not in owners


def test_a_lesson_names_only_risks_and_controls_of_its_organisation(org_a, org_b, ciso, recovered):
    foreign = create_risk(None, org_b, {"title": "B's risk", "category": "cyber_security", "likelihood": 1,
                                        "impact": 1})
    with pytest.raises(ValidationError, match=r"No risk of .* is R-001"):
        services_reviews.do_add_lesson(ciso.user, org_a, recovered, {"text": "t", "action": "a",
                                                                     "risk": foreign.ref})
    with pytest.raises(ValidationError, match=r"No control of .* is C-009"):
        services_reviews.do_add_lesson(ciso.user, org_a, recovered, {"text": "t", "action": "a", "control": "C-009"})
    with pytest.raises(ValidationError, match="not both"):
        services_reviews.do_add_lesson(ciso.user, org_a, recovered, {"text": "t", "action": "a", "risk": "R-001",
                                                                     "new_risk": "Another"})
    assert not Lesson.objects.for_org(org_a).exists()


def test_marking_an_action_done_stamps_it_and_reopening_clears_it(org_a, ciso, recovered):
    lesson = services_reviews.do_add_lesson(ciso.user, org_a, recovered, {"text": "t", "action": "Fix it"})
    url = _api(org_a, recovered, f"lessons/{lesson.pk}")
    done = _send(ciso, "PATCH", url, {"action": {"status": "done"}})
    assert done.status_code == 200, done.content
    assert done.json()["action"]["status"] == "done" and done.json()["action"]["done_at"] is not None
    reopened = _send(ciso, "PATCH", url, {"action": {"status": "open"}}).json()
    assert reopened["action"]["done_at"] is None
    listed = _send(ciso, "GET", _api(org_a, recovered, "lessons/")).json()
    assert [item["id"] for item in listed["items"]] == [lesson.pk]


# --- owners: told, on their dashboard, handed over ------------------------------------------------------------

def test_the_owner_is_told_and_sees_the_action_on_their_dashboard_until_it_is_done(org_a, ciso, cio, recovered):
    lesson = services_reviews.do_add_lesson(ciso.user, org_a, recovered, {
        "text": "No script for a phishing report", "action": "Write the service desk's checklist",
        "owner": cio.user.email, "due_on": "2026-06-15"})
    told = Notification.objects.for_org(org_a).filter(kind=LESSON_ASSIGNED)
    assert [(n.recipient_id, n.title) for n in told] == [
        (cio.membership.pk, "A lesson of INC-001 is yours to act on by 2026-06-15: Write the service desk's checklist")]
    assert told.get().link.endswith(f"/incidents/{recovered.pk}/#review")
    dashboard = reverse("core:dashboard", kwargs={"org": org_a.slug})
    page = _client(cio).get(dashboard).content.decode()
    assert "Your actions from incident lessons" in page and "Write the service desk&#x27;s checklist" in page
    assert "Your actions from incident lessons" not in _client(ciso).get(dashboard).content.decode()
    services_reviews.do_update_lesson(cio.user, org_a, lesson, {"status": "done"})
    assert "Your actions from incident lessons" not in _client(cio).get(dashboard).content.decode()


def test_a_leaving_owner_hands_the_actions_over_and_the_new_owner_is_told(org_a, ciso, cio, recovered):
    lesson = services_reviews.do_add_lesson(ciso.user, org_a, recovered, {"text": "t", "action": "Rotate the keys",
                                                                          "owner": cio.user.email})
    held = {h.noun: h.items for h in handover.holdings(org_a, cio.membership)}
    assert "INC-001 Rotate the keys" in held["incident role, task or lesson action"]
    assert handover.hand_over(None, org_a, cio.membership, ciso.membership) >= 1
    lesson.refresh_from_db()
    assert lesson.owner == ciso.membership
    assert Notification.objects.for_org(org_a).filter(kind=LESSON_ASSIGNED, recipient=ciso.membership).count() == 1
    event = AuditEvent.objects.for_org(org_a).filter(object_type="incidents.lesson", object_id=str(lesson.pk),
                                                     action="update").get()
    assert event.changes == {"owner": [cio.membership.pk, ciso.membership.pk]}


# --- the CLI and the web -------------------------------------------------------------------------------------------

def test_the_cli_writes_the_review_adds_lessons_and_prints_them(org_a, capsys, recovered, risk, control):
    assert main(["incident", "review", org_a.slug, "INC-001", "--what-happened", "A phished password",
                 "--worked", "Reset within the hour", "--did-not-work", "No alert", "--held-on", "2026-05-10"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:5] == ["INC-001\trecovered\tMailbox taken over", "held on\t2026-05-10",
                       "what happened\tA phished password", "what worked\tReset within the hour",
                       "what did not work\tNo alert"]
    assert main(["incident", "lesson", org_a.slug, "INC-001", "--text", "Rules unwatched", "--action",
                 "Alert on rules", "--owner", "ciso@a.test", "--due", "2026-07-01", "--risk", risk.ref,
                 "--control", control.ref]) == 0
    line = capsys.readouterr().out.strip().split("\t")
    assert line[1:] == ["open", "ciso@a.test", "2026-07-01", f"updated risk {risk.ref}, control {control.ref}",
                        "Alert on rules", "Rules unwatched"]
    assert main(["incident", "lesson", org_a.slug, "INC-001", "--text", "No MFA", "--action", "Add MFA",
                 "--new-risk", "Accounts without MFA"]) == 0
    assert "new risk R-002" in capsys.readouterr().out
    assert main(["incident", "review", org_a.slug, "INC-001"]) == 0
    printed = capsys.readouterr().out
    assert printed.count("\nlesson ") == 2 and "Add MFA" in printed
    assert main(["incident", "lesson", org_a.slug, "INC-001", "--text", "x", "--action", "y", "--owner",
                 "nobody@a.test"]) != 0
    assert "owner: 'nobody@a.test' is not the e-mail address of a member" in capsys.readouterr().err


def test_the_web_writes_the_review_adds_a_lesson_and_marks_it_done(org_a, ciso, recovered):
    client = _client(ciso)
    kwargs = {"org": org_a.slug, "incident_id": recovered.pk}
    page = client.get(reverse("incidents:detail", kwargs=kwargs)).content.decode()
    assert "Post-incident review" in page and "Write the review" in page
    response = client.post(reverse("incidents:review", kwargs=kwargs), {
        "what_happened": "Phished", "worked": "Reset", "did_not_work": "No alert", "held_on": "2026-05-10"})
    assert response.status_code == 302
    response = client.post(reverse("incidents:lesson_add", kwargs=kwargs), {
        "text": "Nobody watched the rules", "action": "Alert on rules", "owner": "ciso@a.test",
        "new_risk": "Rules unwatched"})
    assert response.status_code == 302, response.content
    lesson = Lesson.objects.for_org(org_a).get()
    assert lesson.risk is not None and lesson.risk.title == "Rules unwatched"
    refused = client.post(reverse("incidents:lesson_add", kwargs=kwargs), {"text": "x", "action": "y",
                                                                           "risk": "R-404"})
    assert refused.status_code == 422 and "No risk of" in refused.content.decode()
    response = client.post(reverse("incidents:lesson_status", kwargs={**kwargs, "lesson_id": lesson.pk}),
                           {"status": "done"})
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.status == "done" and lesson.done_at is not None
    page = client.get(reverse("incidents:detail", kwargs=kwargs)).content.decode()
    assert "Change the review" in page and "Nobody watched the rules" in page and "New risk" in page


def test_a_page_before_recovery_says_when_the_review_comes_and_offers_no_form(org_a, ciso):
    open_one = _incident(org_a)
    page = _client(ciso).get(reverse("incidents:detail", kwargs={"org": org_a.slug,
                                                                  "incident_id": open_one.pk})).content.decode()
    assert "written once the incident is recovered or closed" in page
    assert reverse("incidents:review", kwargs={"org": org_a.slug, "incident_id": open_one.pk}) not in page


# --- the PDF ------------------------------------------------------------------------------------------------------

def test_the_pdf_prints_the_review_and_its_lessons(org_a, ciso, recovered, risk):
    services_reviews.do_write_incident_review(ciso.user, org_a, recovered, {"worked": "Sessions revoked quickly"})
    services_reviews.do_add_lesson(ciso.user, org_a, recovered, {"text": "Rules went unwatched",
                                                                 "action": "Alert on forwarding", "risk": risk.ref})
    pdf = reports.render_pdf(org_a, "incident", parameters={"incident": recovered.ref})
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Post-incident review" in text and "Sessions revoked quickly" in text
    assert "Rules went unwatched" in text and "Alert on forwarding" in text
    assert f"Updated risk: {risk.ref} Mail accounts taken over" in text


def test_the_incident_page_offers_its_pdf_and_the_button_queues_the_report(org_a, viewer, recovered):
    client = _client(viewer)
    url = reverse("incidents:report", kwargs={"org": org_a.slug, "incident_id": recovered.pk})
    page = client.get(reverse("incidents:detail", kwargs={"org": org_a.slug, "incident_id": recovered.pk}))
    assert f'action="{url}"' in page.content.decode()
    response = client.post(url)
    job = Job.objects.for_org(org_a).get()
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.status == "done", job.error
    assert (job.kind, job.parameters) == ("reports.incident", {"incident": recovered.pk})


# --- the incident matrix on the web --------------------------------------------------------------------------------

def test_the_matrix_form_changes_the_labels_and_every_incidents_severity(org_a, ciso, viewer):
    small = _incident(org_a, title="Small", impact=1, urgency=1)
    assert small.severity == "low"
    client = _client(ciso)
    url = reverse("incidents:matrix", kwargs={"org": org_a.slug})
    form = client.get(url, {"urgencies": 2, "impacts": 3}).content.decode()
    assert 'name="level_2_3"' in form and 'name="level_3_1"' not in form and 'name="impact_3"' in form
    response = client.post(url, {"urgencies": "2", "impacts": "2", "urgency_1": "Later", "urgency_2": "Now",
                                 "impact_1": "Small", "impact_2": "Large", "level_1_1": "high",
                                 "level_1_2": "high", "level_2_1": "critical", "level_2_2": "critical"})
    assert response.status_code == 302
    small.refresh_from_db()
    assert small.severity == "high"
    body = _send(ciso, "GET", f"/api/v1/orgs/{org_a.slug}/incident-matrix/").json()
    assert body["impacts"] == ["Small", "Large"] and body["urgencies"] == ["Later", "Now"]
    refused = client.post(url, {"urgencies": "2", "impacts": "2", "urgency_1": "", "urgency_2": "Now",
                                "impact_1": "Small", "impact_2": "Large", "level_1_1": "low", "level_1_2": "low",
                                "level_2_1": "low", "level_2_2": "loud"})
    assert refused.status_code == 422
    playbooks = _client(ciso).get(reverse("incidents:playbooks", kwargs={"org": org_a.slug})).content.decode()
    assert f'href="{url}"' in playbooks
    assert f'href="{url}"' not in _client(viewer).get(reverse("incidents:playbooks",
                                                              kwargs={"org": org_a.slug})).content.decode()
    assert _client(viewer).get(url).status_code == 403


# --- the demo --------------------------------------------------------------------------------------------------

def test_the_demo_reviews_the_closed_incident_with_lessons_linking_a_risk_a_control_and_a_new_risk(
        org_a, ciso, cio, risk, control):
    assert demo.load_org(org_a) == 2
    assert demo.review_org(org_a) == 3
    closed = Incident.objects.for_org(org_a).get(status="closed")
    lessons = list(Lesson.objects.for_org(org_a).filter(incident=closed).order_by("pk"))
    assert [(lesson.risk_id == risk.pk, lesson.control_id == control.pk, lesson.risk_created) for lesson in lessons] \
        == [(True, False, False), (False, True, False), (False, False, True)]
    assert IncidentReview.objects.for_org(org_a).get(incident=closed).did_not_work
    assert demo.review_org(org_a) == 0
