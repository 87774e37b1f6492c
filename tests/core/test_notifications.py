"""Notifications: who is told about what (one rule, from the kind's rule and the permission table), the inbox,
e-mail at once or in a daily digest, the one-click unsubscribe per kind, and what is re-checked at send time."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accord.core import services as core_services
from accord.core.clock import org_today
from accord.core.models import Membership, Notification, NotificationPreference
from accord.core.notifications import registry
from accord.core.notifications import services as notifications
from accord.core.notifications.choices import Delivery
from accord.core.notifications.registry import Kind
from accord.risks import services as risk_services
from accord.risks.models import RiskAcceptance
from accord.risks.notifications import ACCEPTANCE_EXPIRING, ACCEPTANCE_SIGNATURE, APPETITE_SIGNATURE
from tests.factories import make_member, make_notification, make_org, sign_draft

BASE = "https://accord.example.org"
UNSUBSCRIBE = re.compile(re.escape(BASE) + r"(/notifications/unsubscribe/[^/\s]+/)")


@pytest.fixture(autouse=True)
def base_url(settings):
    settings.ACCORD_BASE_URL = BASE


def _notes(who, kind=None):
    """The notifications of a persona (or a membership), oldest first."""
    membership = getattr(who, "membership", who)
    qs = Notification.objects.for_org(membership.organization).filter(recipient=membership).order_by("pk")
    return list(qs.filter(kind=kind) if kind else qs)


def _draft(org, actor):
    return risk_services.do_draft_appetite(actor, org, statement="We keep cyber risk moderate.",
                                           category_levels={"cyber_security": "medium"},
                                           tolerance=[[1_000_000, 0.1]])


@pytest.fixture
def risky(org_a, cio):
    return risk_services.do_create_risk(cio.user, org_a, {"title": "Ransomware", "category": "cyber_security",
                                                          "likelihood": 4, "impact": 4, "owner": cio.user.email})


# --- a pending signature -------------------------------------------------------------------------------------

def test_a_member_with_a_pending_signature_gets_one_notification_and_one_email(org_a, org_b, cio, ciso, dpo,
                                                                                outsider, mail):
    appetite = mail(_draft, org_a, ciso.user)
    (note,) = _notes(cio)
    assert note.kind == APPETITE_SIGNATURE
    assert note.title == "Risk appetite v1 awaits your signature (it needs the CIO and the CISO)"
    assert note.link == reverse("risks:appetite", kwargs={"org": org_a.slug})
    assert note.object_id == str(appetite.pk) and note.read_at is None and note.emailed_at is not None
    (message,) = mail.outbox
    assert message.to == ["cio@a.test"]
    assert note.title in message.subject and org_a.name in message.subject
    assert f"{BASE}/o/{org_a.slug}/risks/appetite/" in message.body
    assert UNSUBSCRIBE.search(message.body)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The drafter (who caused it), the DPO (no signature asked of them) and the other organisation: nothing.
    assert _notes(ciso) == [] and _notes(dpo) == [] and _notes(outsider) == []
    assert Notification.objects.for_org(org_b).count() == 0


def test_signing_tells_nobody_twice_and_a_new_draft_is_a_new_occasion(org_a, cio, ciso, mail):
    mail(_draft, org_a, ciso.user)
    mail(sign_draft, cio.user, org_a)
    assert len(_notes(cio)) == 1 and len(mail.outbox) == 1
    mail(_draft, org_a, ciso.user)  # v2: the CIO must sign again
    assert len(_notes(cio)) == 2 and len(mail.outbox) == 2


def test_an_acceptance_above_tolerance_tells_the_signatories_still_awaited(org_a, cio, ciso, contributor, risky,
                                                                         mail):
    _draft(org_a, ciso.user)
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    Notification.objects.for_org(org_a).delete()
    mail.outbox.clear()
    acceptance = mail(risk_services.do_request_acceptance, contributor.user, org_a, risky,
                      justification="Legacy system", expires_on=org_today(org_a) + dt.timedelta(days=90))
    told = {n.recipient.user.email for n in Notification.objects.for_org(org_a).filter(kind=ACCEPTANCE_SIGNATURE)}
    assert told == {"cio@a.test", "ciso@a.test"}
    assert sorted(m.to[0] for m in mail.outbox) == ["cio@a.test", "ciso@a.test"]
    (note,) = _notes(ciso, ACCEPTANCE_SIGNATURE)
    assert note.title.startswith(f"The acceptance of {risky.ref} Ransomware until ")
    assert note.link.endswith(f"/risks/register/{risky.pk}/#acceptances")
    assert note.object_id == str(acceptance.pk)


def test_a_requester_who_signs_at_once_is_not_told_to_sign(org_a, cio, ciso, risky, mail):
    _draft(org_a, ciso.user)
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    mail(risk_services.do_request_acceptance, ciso.user, org_a, risky, justification="Legacy system",
         expires_on=org_today(org_a) + dt.timedelta(days=90))
    assert _notes(ciso, ACCEPTANCE_SIGNATURE) == []
    assert len(_notes(cio, ACCEPTANCE_SIGNATURE)) == 1


# --- what a member may see ---------------------------------------------------------------------------------

@pytest.fixture
def admins_only_kind():
    """A kind whose (careless) rule names every member, about something only admins may read."""
    registry.register(Kind("tests.admin_secret", "Admin secret", "member.manage",
                           recipients=lambda org, obj: list(Membership.objects.for_org(org).select_related("user")),
                           title=lambda obj, m: "Secret of the members page", link=lambda org, obj: "/",
                           load=lambda org, object_id: org))
    yield "tests.admin_secret"
    registry.KINDS.pop("tests.admin_secret")


def test_a_viewer_never_gets_a_notification_about_what_their_role_cannot_read(org_a, admin, viewer, auditor,
                                                                             admins_only_kind, mail):
    mail(notifications.notify, org_a, admins_only_kind, org_a)
    assert len(_notes(admin)) == 1
    assert _notes(viewer) == [] and _notes(auditor) == []
    assert [m.to for m in mail.outbox] == [["admin@a.test"]]


def test_a_member_whose_role_loses_the_right_loses_those_notifications(org_a, admin, cio, admins_only_kind):
    notifications.notify(org_a, admins_only_kind, org_a)
    make_notification(cio.membership)
    core_services.do_change_member(admin.user, org_a, cio.membership, role="admin")
    notifications.notify(org_a, admins_only_kind, org_a, key="second")
    assert len(_notes(cio)) == 2
    core_services.do_change_member(admin.user, org_a, cio.membership, role="viewer")
    assert [n.kind for n in _notes(cio)] == ["core.two_factor_required"]


def test_an_email_is_not_sent_to_a_member_whose_role_no_longer_reads_it(org_a, admin, cio, admins_only_kind,
                                                                      mailoutbox, settings):
    settings.ACCORD_BASE_URL = ""  # outside a request, nothing is sent: it waits for send_pending
    core_services.do_change_member(admin.user, org_a, cio.membership, role="admin")
    notifications.notify(org_a, admins_only_kind, org_a)
    Membership.objects.for_org(org_a).filter(pk=cio.membership.pk).update(role="viewer")  # behind the service
    settings.ACCORD_BASE_URL = BASE
    assert notifications.send_pending([org_a]) == 1
    assert [m.to for m in mailoutbox] == [["admin@a.test"]]


def test_an_email_waits_for_no_one_who_signed_meanwhile(org_a, cio, ciso, settings, mailoutbox):
    settings.ACCORD_BASE_URL = ""
    _draft(org_a, ciso.user)
    sign_draft(cio.user, org_a)
    settings.ACCORD_BASE_URL = BASE
    assert notifications.send_pending([org_a]) == 0
    assert mailoutbox == []
    assert _notes(cio)[0].emailed_at is not None  # decided: none goes


# --- the inbox on the three fronts -----------------------------------------------------------------------

def _client(persona):
    client = Client()
    client.force_login(persona.user)
    return client


def test_the_navigation_shows_the_unread_count_and_the_inbox_marks_read(org_a, cio, ciso, mail):
    mail(_draft, org_a, ciso.user)
    make_notification(cio.membership, title="Second notice")
    client = _client(cio)
    page = client.get(reverse("core:dashboard", kwargs={"org": org_a.slug})).content.decode()
    assert re.search(r'id="inbox-link">Inbox <span class="badge[^"]*">2<', page)
    inbox = client.get(reverse("core:notifications", kwargs={"org": org_a.slug})).content.decode()
    assert "Risk appetite v1 awaits your signature" in inbox and "Second notice" in inbox
    note = _notes(cio, APPETITE_SIGNATURE)[0]
    response = client.post(reverse("core:notification_read", kwargs={"org": org_a.slug, "notification_id": note.pk}),
                           {"open": "1"})
    assert response.status_code == 302 and response["Location"] == note.link
    unread = client.get(reverse("core:notifications", kwargs={"org": org_a.slug}) + "?unread=1").content.decode()
    assert "Second notice" in unread and "Risk appetite v1" not in unread
    client.post(reverse("core:notifications_read_all", kwargs={"org": org_a.slug}))
    page = client.get(reverse("core:dashboard", kwargs={"org": org_a.slug})).content.decode()
    assert 'id="inbox-link">Inbox</a>' in page


def test_another_members_notification_answers_404(org_a, cio, ciso):
    theirs = make_notification(ciso.membership)
    url = reverse("core:notification_read", kwargs={"org": org_a.slug, "notification_id": theirs.pk})
    assert _client(cio).post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_api_lists_and_marks_read(client, org_a, cio):
    first = make_notification(cio.membership, title="First")
    make_notification(cio.membership, title="Second")
    path = f"/api/v1/orgs/{org_a.slug}/notifications/"
    body = client.get(path, **cio.auth()).json()
    assert [n["title"] for n in body["items"]] == ["Second", "First"]
    response = client.post(f"{path}{first.pk}/read/", **cio.auth())
    assert response.status_code == 200 and response.json()["read_at"]
    assert [n["title"] for n in client.get(path + "?unread=true", **cio.auth()).json()["items"]] == ["Second"]
    marked = client.post(f"{path}read-all/", {}, content_type="application/json", **cio.auth()).json()
    assert marked == {"marked_read": 1}
    assert client.get(path + "?unread=true", **cio.auth()).json()["items"] == []


def test_the_api_sets_preferences_and_names_an_unknown_kind(client, org_a, cio):
    path = f"/api/v1/orgs/{org_a.slug}/notification-preferences/"
    response = client.put(path, {"deliveries": {APPETITE_SIGNATURE: "digest"}}, content_type="application/json",
                          **cio.auth())
    assert response.status_code == 200
    assert {p["kind"]: p["delivery"] for p in response.json()}[APPETITE_SIGNATURE] == "digest"
    response = client.put(path, {"deliveries": {"nope": "off"}}, content_type="application/json", **cio.auth())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "nope"


def test_the_cli_lists_a_members_notifications(org_a, cio, capsys):
    from accord.cli import main

    make_notification(cio.membership, title="From the CLI")
    assert main(["notify", "list", org_a.slug, "cio@a.test", "--unread"]) == 0
    assert "From the CLI" in capsys.readouterr().out
    assert main(["notify", "list", org_a.slug, "nobody@a.test"]) == 1
    assert "nobody@a.test is not a member" in capsys.readouterr().err


# --- unsubscribe -------------------------------------------------------------------------------------------

def test_the_unsubscribe_link_stops_that_kind_only_without_signing_in(org_a, cio, ciso, admin, mail, risky):
    mail(_draft, org_a, ciso.user)
    (message,) = mail.outbox
    path = UNSUBSCRIBE.search(message.body).group(1)
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200 and "Stop these e-mails?" in page.content.decode()
    assert not NotificationPreference.objects.for_org(org_a).exists()  # opening the link changes nothing
    done = anonymous.post(path)
    assert done.status_code == 200 and "Unsubscribed" in done.content.decode()
    (pref,) = NotificationPreference.objects.for_org(org_a)
    assert (pref.membership_id, pref.kind, pref.delivery) == (cio.membership.pk, APPETITE_SIGNATURE, "off")
    # The next draft reaches the CIO's inbox, not their mail; another kind is still e-mailed.
    mail(_draft, org_a, ciso.user)
    assert len(_notes(cio, APPETITE_SIGNATURE)) == 2 and len(mail.outbox) == 1
    mail(core_services.do_set_two_factor_policy, None, org_a, required=True)
    assert "cio@a.test" in [m.to[0] for m in mail.outbox[1:]]


def test_a_forged_unsubscribe_token_is_refused(org_a, cio):
    from accord.core.notifications.mail import unsubscribe_token

    token = unsubscribe_token(cio.membership, APPETITE_SIGNATURE)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = Client().post(reverse("notification_unsubscribe", kwargs={"token": forged}))
    assert response.status_code == 404
    assert not NotificationPreference.objects.for_org(org_a).exists()


# --- digests and periodic work ---------------------------------------------------------------------------

@pytest.fixture
def notice_kind():
    """A kind every member may read, about the organisation, that always concerns every member."""
    registry.register(Kind("tests.notice", "Notice", "organization.view",
                           recipients=lambda org, obj: list(Membership.objects.for_org(org).select_related("user")),
                           title=lambda obj, m: "Notice", link=lambda org, obj: "/", load=lambda org, object_id: org,
                           default=Delivery.DIGEST))
    yield "tests.notice"
    registry.KINDS.pop("tests.notice")


def test_digests_group_per_person_across_organisations(org_a, cio, mailoutbox, notice_kind):
    other = make_org("org-c", name="Charlie Care")
    vciso = make_member(org_a, "ciso", email="vciso@practice.test")
    core_services.do_add_member(None, other, vciso.user, "ciso")
    membership_c = Membership.objects.for_org(other).get(user=vciso.user)
    for membership, title in ((vciso.membership, "Alpha one"), (vciso.membership, "Alpha two"),
                              (membership_c, "Charlie one"), (cio.membership, "For the CIO")):
        Notification.objects.for_org(membership.organization).filter(
            pk=make_notification(membership, title=title, kind=notice_kind).pk).update(delivery="digest")
    assert notifications.send_digests([org_a, other]) == 2
    by_person = {m.to[0]: m for m in mailoutbox}
    assert set(by_person) == {"vciso@practice.test", "cio@a.test"}
    body = by_person["vciso@practice.test"].body
    assert all(t in body for t in ("Alpha one", "Alpha two", "Charlie one", org_a.name, "Charlie Care"))
    assert "For the CIO" not in body
    assert "3 notifications" in by_person["vciso@practice.test"].subject
    assert len(UNSUBSCRIBE.findall(body)) == 2  # one per kind and organisation
    assert notifications.send_digests([org_a, other]) == 0  # sent once


def test_a_read_notification_stays_out_of_the_digest(org_a, cio, mailoutbox, notice_kind):
    n = make_notification(cio.membership, kind=notice_kind)
    Notification.objects.for_org(org_a).filter(pk=n.pk).update(delivery="digest")
    notifications.do_mark_notification_read(cio.user, org_a, n)
    assert notifications.send_digests([org_a]) == 0 and mailoutbox == []


def test_an_acceptance_expiring_within_30_days_is_told_once_to_its_people(org_a, cio, ciso, risky, mailoutbox):
    _draft(org_a, ciso.user)
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    risk_services.do_request_acceptance(ciso.user, org_a, risky, justification="Legacy system",
                                        expires_on=org_today(org_a) + dt.timedelta(days=20))
    acceptance = RiskAcceptance.objects.for_org(org_a).get()  # signed by the CISO who asked; the CIO signs next
    risk_services.do_sign_acceptance(cio.user, org_a, acceptance)
    assert notifications.run_scans([org_a]) == 2  # the owner (the CIO, who signed) and the CISO (asked, signed)
    assert notifications.run_scans([org_a]) == 0
    told = Notification.objects.for_org(org_a).filter(kind=ACCEPTANCE_EXPIRING)
    assert {n.recipient.user.email for n in told} == {"cio@a.test", "ciso@a.test"}
    assert all(n.delivery == "digest" for n in told)
    assert notifications.send_digests([org_a]) == 2


def test_an_acceptance_ending_later_is_not_told(org_a, cio, ciso, risky):
    _draft(org_a, ciso.user)
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    risk_services.do_request_acceptance(ciso.user, org_a, risky, justification="Legacy system",
                                        expires_on=org_today(org_a) + dt.timedelta(days=45))
    assert notifications.run_scans([org_a]) == 0


# --- the core's own kinds ----------------------------------------------------------------------------------

def test_every_member_is_told_when_two_factor_becomes_required(org_a, admin, cio, viewer, outsider, mail):
    mail(core_services.do_set_two_factor_policy, None, org_a, required=True)
    for persona in (admin, cio, viewer):
        (note,) = _notes(persona)
        assert note.title.startswith(f"{org_a.name} now requires two-factor authentication")
    assert _notes(outsider) == []
    assert {m.to[0] for m in mail.outbox} == {"admin@a.test", "cio@a.test", "board@a.test"}
    mail(core_services.do_set_two_factor_policy, None, org_a, required=True)  # no change: nobody is told again
    assert len(_notes(cio)) == 1


def test_admins_are_told_when_an_invitation_is_accepted(org_a, admin, cio, mail):
    invitation = mail(core_services.do_invite_member, admin.user, org_a, "new@a.test", "contributor",
                      site_url="http://testserver")
    mail.outbox.clear()
    membership = mail(core_services.do_accept_invitation, invitation, full_name="New Person",
                      password="a long enough passphrase 42")
    (note,) = _notes(admin)
    assert note.title == "New Person (new@a.test) accepted the invitation and joined as Contributor"
    assert _notes(cio) == [] and _notes(membership) == []
    assert mail.outbox == []  # a digest kind by default


def test_the_cli_sends_digests_and_needs_the_base_url(org_a, cio, capsys, mailoutbox, notice_kind, settings):
    from accord.cli import main

    n = make_notification(cio.membership, kind=notice_kind, title="Daily one")
    Notification.objects.for_org(org_a).filter(pk=n.pk).update(delivery="digest")
    settings.ACCORD_BASE_URL = ""
    assert main(["notify", "send-digests"]) == 1
    assert "set ACCORD_BASE_URL" in capsys.readouterr().err
    settings.ACCORD_BASE_URL = BASE
    assert main(["notify", "send-digests", "--org", org_a.slug]) == 0
    assert "1 digest sent" in capsys.readouterr().out
    assert [m.to for m in mailoutbox] == [["cio@a.test"]]


def test_a_removed_member_takes_their_notifications_with_them_and_the_removal_says_so(org_a, admin, cio):
    from accord.core.models import AuditEvent

    make_notification(cio.membership)
    notifications.do_set_notification_preferences(cio.user, org_a, {APPETITE_SIGNATURE: "off"})
    core_services.do_remove_member(admin.user, org_a, cio.membership, clear=True)
    assert not Notification.objects.for_org(org_a).exists()
    assert not NotificationPreference.objects.for_org(org_a).exists()
    removal = AuditEvent.objects.for_org(org_a).filter(action="delete", object_type="core.membership").get()
    assert removal.changes["notifications_deleted"] == [None, 1]


def test_the_daily_work_and_the_retry_are_on_the_job_queue_s_timetable(org_a, cio, ciso, risky, mailoutbox):
    from accord.core.jobs import registry as jobs
    from accord.core.notifications import periodic

    timetable = {p.name: (p.minute, p.hour) for p in jobs.periodic_tasks()}
    assert timetable["accord.notifications.daily"] == ("0", "6")
    assert timetable["accord.notifications.retry"] == ("*/15", "*")
    assert jobs.task(notifications.SEND_TASK) is notifications.send_immediate_task
    _draft(org_a, ciso.user)
    sign_draft(cio.user, org_a)
    sign_draft(ciso.user, org_a)
    acceptance = risk_services.do_request_acceptance(ciso.user, org_a, risky, justification="Legacy system",
                                                     expires_on=org_today(org_a) + dt.timedelta(days=10))
    risk_services.do_sign_acceptance(cio.user, org_a, acceptance)
    mailoutbox.clear()
    periodic.daily()  # the check, then the digests
    assert sorted(m.to[0] for m in mailoutbox) == ["cio@a.test", "ciso@a.test"]
    assert all("Your daily digest: 1 notification" in m.subject for m in mailoutbox)


def test_a_french_speaking_member_is_told_in_french(org_a, cio, ciso, mail):
    core_services.do_set_user_language(cio.user, language="fr")
    mail(_draft, org_a, ciso.user)
    (note,) = _notes(cio)
    assert note.title == "L'appétence au risque v1 attend votre signature (il faut celle du DSI et RSSI)"
    (message,) = mail.outbox
    assert "Arrêter les e-mails de ce type (en un clic)" in message.body
    page = _client(cio).get(reverse("core:notifications", kwargs={"org": org_a.slug})).content.decode()
    assert "Tout marquer comme lu" in page and "Mark all read" not in page


def test_mark_all_read_leaves_what_arrived_after_the_list_was_shown(org_a, cio):
    first = make_notification(cio.membership, title="Shown")
    client = _client(cio)
    page = client.get(reverse("core:notifications", kwargs={"org": org_a.slug})).content.decode()
    listed_at = re.search(r'name="up_to" value="([^"]+)"', page).group(1)
    later = make_notification(cio.membership, title="Arrived later")
    Notification.objects.for_org(org_a).filter(pk=later.pk).update(created_at=timezone.now() + dt.timedelta(seconds=5))
    client.post(reverse("core:notifications_read_all", kwargs={"org": org_a.slug}), {"up_to": listed_at})
    first.refresh_from_db()
    later.refresh_from_db()
    assert first.read_at is not None and later.read_at is None
