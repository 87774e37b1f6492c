"""Languages (decision 0034): which language a request is answered in, the French catalogue is complete
(every string marked for translation anywhere in accord/ has its French), and French pages carry no
English left behind."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from accord.core import services
from accord.core.i18n import choose_language, from_header
from tests.conftest import signed_in

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "accord" / "locale" / "fr" / "LC_MESSAGES" / "django.po"
HOW_TO = ("mark the string, then from accord/: `ACCORD_DEBUG=1 accord makemessages -l fr --add-location=file "
          "--no-obsolete --ignore=static`, and write each new msgstr in French in "
          "accord/locale/fr/LC_MESSAGES/django.po (no fuzzy entry left)")


def _entries_needing_work(po: Path) -> str:
    """The untranslated and the fuzzy entries of a catalogue, as GNU gettext's msgattrib prints them."""
    untranslated = subprocess.run(["msgattrib", "--untranslated", "--no-wrap", str(po)],  # noqa: S603,S607 - GNU gettext on our catalogue
                                  capture_output=True, text=True, check=True).stdout
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", "--no-wrap", str(po)],  # noqa: S603,S607 - GNU gettext on our catalogue
                           capture_output=True, text=True, check=True).stdout
    return "\n".join(block for block in (untranslated + "\n\n" + fuzzy).split("\n\n")
                     if "msgid" in block and 'msgid ""\nmsgstr ""\n"' not in block)


# --- the catalogue --------------------------------------------------------------------------------------

def test_every_french_entry_is_translated_and_none_is_fuzzy():
    assert _entries_needing_work(CATALOGUE) == "", f"translate these, with no fuzzy mark left: {HOW_TO}"


def test_the_catalogue_compiles_with_its_format_checks():
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(CATALOGUE)], check=True)  # noqa: S603,S607 - GNU gettext on our catalogue


def test_every_string_marked_in_accord_is_in_the_french_catalogue(tmp_path, settings, monkeypatch):
    """makemessages over a copy of the source, merged into a copy of the catalogue, finds nothing new: a
    string marked for translation (template or Python) without its French fails here."""
    tree = tmp_path / "accord"
    shutil.copytree(ROOT / "accord", tree, ignore=shutil.ignore_patterns("__pycache__", "*.mo", "static"))
    settings.LOCALE_PATHS = [tree / "locale"]
    monkeypatch.chdir(tree)
    call_command("makemessages", locale=["fr"], add_location="file", no_obsolete=True, verbosity=0)
    missing = _entries_needing_work(tree / "locale" / "fr" / "LC_MESSAGES" / "django.po")
    assert missing == "", f"strings without their French: {HOW_TO}\n{missing}"


# --- which language ----------------------------------------------------------------------------------------

def test_the_person_comes_first_then_the_organisation_then_the_browser_then_english():
    assert choose_language(person="fr", organisation="en", accept_language="en") == "fr"
    assert choose_language(person="", organisation="fr", accept_language="en") == "fr"
    assert choose_language(accept_language="de-DE,fr-CA;q=0.8,en;q=0.5") == "fr"
    assert choose_language(accept_language="de,es") == "en"
    assert choose_language() == "en"


def test_the_api_puts_the_header_a_client_sends_first():
    assert choose_language(person="fr", organisation="fr", accept_language="en", header_first=True) == "en"
    assert choose_language(person="fr", accept_language="", header_first=True) == "fr"


def test_a_header_is_read_by_its_base_language():
    assert from_header("fr-BE") == "fr"
    assert from_header("*") == ""
    assert from_header("x" * 5000) == ""


def test_a_browser_asking_for_french_gets_french_pages(admin):
    client = signed_in(admin)
    response = client.get("/o/org-a/members/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    page = response.content.decode()
    assert response["Content-Language"] == "fr"
    assert "Accept-Language" in response["Vary"]
    assert '<html lang="fr">' in page
    assert "Membres" in page and "Ajouter un membre par e-mail" in page


def test_english_stays_the_default(admin):
    response = signed_in(admin).get("/o/org-a/members/")
    assert response["Content-Language"] == "en"
    assert "Add a member by e-mail" in response.content.decode()


def test_the_organisation_default_wins_over_the_browser(org_a, admin):
    services.do_set_organization_language(admin.user, org_a, language="fr")
    page = signed_in(admin).get("/o/org-a/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tableau de bord" in page and "Activité récente" in page


def test_the_person_s_choice_wins_over_the_organisation(org_a, admin):
    services.do_set_organization_language(admin.user, org_a, language="fr")
    services.do_set_user_language(admin.user, language="en")
    page = signed_in(admin).get("/o/org-a/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Recent activity" in page


def test_a_person_chooses_their_language_on_their_preferences_page(admin):
    client = signed_in(admin)
    response = client.post("/accounts/preferences/", {"language": "fr"}, follow=True)
    admin.user.refresh_from_db()
    assert admin.user.language == "fr"
    assert "Votre langue est enregistrée." in response.content.decode()
    assert client.post("/accounts/preferences/", {"language": "xx"}).status_code == 200
    admin.user.refresh_from_db()
    assert admin.user.language == "fr"


def test_an_admin_sets_the_organisation_default_and_it_is_audited(org_a, admin):
    from accord.core.models import AuditEvent

    response = signed_in(admin).post("/o/org-a/governance/language/", {"language": "fr"})
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.language == "fr"
    event = AuditEvent.objects.for_org(org_a).filter(action="update").first()
    assert event.changes == {"language": ["", "fr"]}


def test_a_viewer_cannot_set_the_organisation_default(org_a, viewer):
    assert signed_in(viewer).post("/o/org-a/governance/language/", {"language": "fr"}).status_code == 403


def test_a_language_accord_does_not_speak_is_refused_naming_the_field(org_a, admin):
    with pytest.raises(ValidationError, match="'de' is not a language Accord speaks") as caught:
        services.do_set_organization_language(admin.user, org_a, language="de")
    assert "language" in caught.value.message_dict  # type: ignore[attr-defined]


def test_a_request_leaves_no_language_behind(admin):
    signed_in(admin).get("/o/org-a/", HTTP_ACCEPT_LANGUAGE="fr")
    assert translation.get_language() == "en"


# --- formats -------------------------------------------------------------------------------------------------

def test_dates_follow_the_language(org_a, admin):
    from datetime import date

    from django.utils.formats import date_format, number_format

    day = date(2026, 12, 2)
    assert date_format(day, "SHORT_DATE_FORMAT") == "2026-12-02"
    assert date_format(day, "DATE_FORMAT") == "2 December 2026"
    with translation.override("fr"):
        assert date_format(day, "SHORT_DATE_FORMAT") == "02/12/2026"
        assert date_format(day, "DATE_FORMAT") == "2 décembre 2026"
        assert number_format(1234.5, 1, force_grouping=True) == "1\xa0234,5"


# --- e-mails and the API ---------------------------------------------------------------------------------------

def test_an_invitation_is_written_in_the_organisation_s_language(org_a, admin, django_capture_on_commit_callbacks):
    services.do_set_organization_language(admin.user, org_a, language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.do_invite_member(admin.user, org_a, "newcomer@a.test", "viewer", site_url="http://testserver")
    message = mail.outbox[-1]
    assert message.subject == "Invitation à rejoindre Alpha Clinic sur Accord"
    assert "Pour accepter, ouvrez ce lien" in message.body
    assert "Lecteur (conseil d'administration)" in message.body


def test_an_api_error_speaks_the_client_s_language_and_keeps_its_field_names(admin):
    client = Client()
    hybrid_under_the_cio = {"ciso_reports_to": "cio", "ciso_model": "hybrid", "dpo_model": "internal"}
    response = client.put("/api/v1/orgs/org-a/governance/", hybrid_under_the_cio,
                          content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr", **admin.auth())
    body = response.json()
    assert response.status_code == 422
    assert response["Content-Language"] == "fr"
    assert [e["field"] for e in body["errors"]] == ["ciso_reports_to"]
    assert body["detail"] == "La requête a été refusée."
    english = client.put("/api/v1/orgs/org-a/governance/", hybrid_under_the_cio,
                         content_type="application/json", **admin.auth())
    assert english["Content-Language"] == "en"
    assert english.json()["detail"] == "The request was rejected."


def test_an_api_token_owner_s_choice_answers_a_client_that_sends_no_language(admin):
    services.do_set_user_language(admin.user, language="fr")
    response = Client().get("/api/v1/orgs/org-b/", **admin.auth())
    assert response.status_code == 404
    assert response.json()["detail"] == "Introuvable."


def test_a_french_page_keeps_no_english_of_the_core_pages(org_a, admin):
    """The core pages in French: none of their English phrases is left (risk pages: tests/risks)."""
    services.do_set_user_language(admin.user, language="fr")
    client = signed_in(admin)
    english = ["Add a member by e-mail", "Open invitations", "Governance profile", "Recent activity",
               "Audit trail", "Your API tokens", "Create a token", "Two-factor authentication",
               "Sign out", "Change password", "Your organisations", "There is nothing here", "Save"]
    for path in ("/o/org-a/", "/o/org-a/members/", "/o/org-a/governance/", "/o/org-a/tokens/", "/o/org-a/audit/",
                 "/accounts/preferences/", "/orgs/", "/o/org-a/nowhere/"):
        page = re.sub(r"<[^>]+>", " ", client.get(path).content.decode())
        left = [phrase for phrase in english if re.search(rf"\b{re.escape(phrase)}\b", page)]
        assert left == [], f"{path} keeps English: {left}"


# --- refusals, joiners and punctuation ---------------------------------------------------------------------------

def test_a_service_refusal_is_written_in_the_active_language(org_a, admin):
    with translation.override("fr"), pytest.raises(ValidationError, match="adresse e-mail") as caught:
        services.do_invite_member(admin.user, org_a, "not-an-address", "viewer", site_url="http://testserver")
    assert caught.value.message_dict == {"email": ["« not-an-address » n'est pas une adresse e-mail."]}  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="'not-an-address' is not an e-mail address"):
        services.do_invite_member(admin.user, org_a, "not-an-address", "viewer", site_url="http://testserver")


def test_lists_and_colons_follow_the_language():
    from accord.core.wording import and_join, labelled, or_join

    assert and_join(["CISO", "CEO/board representative"]) == "CISO and CEO/board representative"
    assert or_join(["A", "B", "C"]) == "A, B or C"
    assert labelled("Inherent") == "Inherent:"
    with translation.override("fr"):
        assert and_join(["RSSI", "DSI", "DPO"]) == "RSSI, DSI et DPO"
        assert or_join(["RSSI", "DPO"]) == "RSSI ou DPO"
        assert labelled("Inhérent") == "Inhérent :"
