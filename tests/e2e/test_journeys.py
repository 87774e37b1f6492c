"""Main journeys in a real Chromium (Debian's package) driven by Playwright against the live test server."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from accord.core import services
from accord.core.models import Membership, Organization
from tests.factories import PASSWORD, Persona, make_member, make_org, make_user

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is missing: install Debian's chromium package "
                                                      "(apt-get install chromium) to run the browser tests"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop running in this thread, and Django refuses ORM calls
    # from a thread with a running loop unless told that this is safe (it is: nothing here is async).
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
            yield chromium
            chromium.close()


@pytest.fixture
def site(live_server, settings) -> str:
    """The live server's base URL. Static files come from the finders (accord/static, node_modules), never
    from a collectstatic manifest under var/ that may be stale or absent."""
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    cache.clear()  # allauth's sign-in rate limits
    yield live_server.url
    cache.clear()


@pytest.fixture
def page(browser: Browser, site: str) -> Iterator[Page]:
    context = browser.new_context(base_url=site, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def sign_in(page: Page, email: str, *, path: str = "/accounts/login/") -> None:
    page.goto(path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def mark_page(page: Page) -> None:
    """Leave a mark on the loaded document; it survives htmx swaps and vanishes on a full page load."""
    page.evaluate("window.accordTestMark = 'still here'")


def page_was_not_reloaded(page: Page) -> bool:
    return page.evaluate("window.accordTestMark") == "still here"


def test_a_member_of_two_organisations_signs_in_and_switches_organisation(page: Page, site: str):
    alpha = make_org("alpha", name="Alpha Clinic")
    beta = make_org("beta", name="Beta Bank")
    dual = make_member(alpha, "cio", email="dual@e2e.test")
    services.do_add_member(None, beta, dual.user, "ciso")

    page.goto("/o/alpha/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/o/alpha/$"))
    sign_in(page, "dual@e2e.test", path=page.url)
    expect(page).to_have_url(f"{site}/o/{alpha.slug}/")
    expect(page.locator("h1")).to_have_text(alpha.name)

    menu = page.locator("#org-switcher + .dropdown-menu")
    expect(menu).to_be_hidden()
    page.locator("#org-switcher").click()
    expect(menu).to_be_visible()
    menu.get_by_role("link", name=re.compile(beta.name)).click()

    expect(page).to_have_url(f"{site}/o/{beta.slug}/")
    expect(page.locator("h1")).to_have_text(beta.name)
    expect(page.locator("#org-switcher")).to_have_text(beta.name)


@pytest.fixture
def team() -> tuple[Organization, Persona, Persona]:
    org = make_org("gamma", name="Gamma Logistics")
    admin = make_member(org, "admin", email="admin@gamma.test", full_name="Gamma Admin")
    cio = make_member(org, "cio", email="cio@gamma.test", full_name="Gamma CIO")
    return org, admin, cio


def test_an_admin_invites_a_member_and_changes_a_role_inline(page: Page, team):
    org, admin, cio = team
    newcomer = make_user("newcomer@gamma.test", full_name="New Colleague")
    sign_in(page, admin.user.email)
    page.goto(f"/o/{org.slug}/members/")

    add = page.locator("section[aria-labelledby='invite-h']")
    add.get_by_label("E-mail address").fill(newcomer.email)
    add.get_by_label("Role").select_option("dpo")
    add.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text(f"Invitation sent to {newcomer.email}")
    expect(page.locator("#invitations tbody tr", has_text=newcomer.email)).to_contain_text("DPO")

    mark_page(page)
    row = page.locator(f"#member-{cio.membership.pk}")
    row.get_by_role("link", name="Change").click()
    role = row.locator("select[name=role]")
    expect(role).to_be_visible()  # htmx swapped the row for its edit form...
    assert page_was_not_reloaded(page)  # ...without loading a new page
    role.select_option("auditor")
    row.get_by_role("button", name="Save").click()

    expect(page.get_by_role("alert")).to_contain_text(f"{cio.user.email} now holds the role")
    expect(row).to_contain_text("Auditor")
    assert Membership.objects.for_org(org).get(pk=cio.membership.pk).role == "auditor"
    assert not Membership.objects.for_org(org).filter(user=newcomer).exists()  # until they accept


def test_the_change_form_confirms_the_new_role(page: Page, team):
    org, admin, cio = team
    sign_in(page, admin.user.email)
    page.goto(f"/o/{org.slug}/members/{cio.membership.pk}/edit/")  # the page htmx-less browsers get
    page.get_by_label("Role").select_option("auditor")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(rf"/o/{org.slug}/members/$"))
    assert f"{cio.user.email} now holds the role Auditor" in page.get_by_role("alert").inner_text()


def test_the_audit_trail_filters_by_object_type_without_reloading_the_page(page: Page, team):
    org, admin, _cio = team
    services.do_create_token(admin.user, org, admin.user, name="SIEM export")
    services.do_update_governance(admin.user, org, ciso_reports_to="board")
    sign_in(page, admin.user.email)
    page.goto(f"/o/{org.slug}/audit/")
    results = page.locator("#audit-results tbody tr")
    members = results.filter(has_text="Member #")  # the trail names object types as people read them
    expect(members).to_have_count(2)

    mark_page(page)
    with page.expect_response(re.compile(r"/audit/\?.*object_type=core.apitoken")) as filtered:
        page.get_by_label("Object type").select_option("core.apitoken")
    assert filtered.value.request.headers.get("hx-request") == "true"

    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("token acc_")
    expect(results.first).to_contain_text("SIEM export")
    expect(members).to_have_count(0)
    assert page_was_not_reloaded(page)
    expect(page).to_have_url(re.compile(r"object_type=core.apitoken"))


def test_pages_run_without_content_security_policy_violations(page: Page, team):
    org, admin, cio = team
    messages: list[ConsoleMessage] = []
    page.on("console", lambda message: messages.append(message))
    sign_in(page, admin.user.email)  # the sign-in page is the first one checked
    for path in (f"/o/{org.slug}/", f"/o/{org.slug}/members/", f"/o/{org.slug}/governance/",
                 f"/o/{org.slug}/audit/", f"/o/{org.slug}/tokens/", "/accounts/2fa/", "/accounts/password/change/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        # The page's own scripts ran: they were loaded from 'self', which the policy allows.
        assert page.evaluate("typeof htmx === 'object' && typeof bootstrap === 'object'"), path
    # Dynamic parts too: a Bootstrap dropdown, an htmx row swap and an htmx filter.
    page.goto(f"/o/{org.slug}/members/")
    page.locator("#user-menu").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()  # the dropdown opened
    page.keyboard.press("Escape")  # and closes: open, it covers the first rows of the table
    expect(page.get_by_role("button", name="Sign out")).to_be_hidden()
    page.locator(f"#member-{cio.membership.pk}").get_by_role("link", name="Change").click()
    expect(page.locator(f"#member-{cio.membership.pk} select[name=role]")).to_be_visible()
    page.goto(f"/o/{org.slug}/audit/")
    with page.expect_response(re.compile(r"object_type=")):
        page.get_by_label("Object type").select_option("core.membership")
    page.wait_for_load_state("networkidle")

    violations = [m.text for m in messages if "content security policy" in m.text.lower()]
    assert violations == []


def test_an_invited_newcomer_follows_the_e_mailed_link_creates_an_account_and_joins(
    browser: Browser, page: Page, site: str, team, mailoutbox
):
    org, admin, _cio = team
    sign_in(page, admin.user.email)
    page.goto(f"/o/{org.slug}/members/")
    invite = page.locator("section[aria-labelledby='invite-h']")
    invite.get_by_label("E-mail address").fill("newcomer@gamma.test")
    invite.get_by_label("Role").select_option("dpo")
    invite.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text("newcomer@gamma.test")
    expect(page.locator("main")).to_contain_text("newcomer@gamma.test")

    assert [m.to for m in mailoutbox] == [["newcomer@gamma.test"]]
    link = re.search(r"https?://\S+/invitations/\S+/", mailoutbox[0].body)
    assert link is not None, mailoutbox[0].body

    # The newcomer, in their own browser (no session), with only the link.
    messages: list[ConsoleMessage] = []
    newcomer = browser.new_context(base_url=site).new_page()
    newcomer.on("console", lambda message: messages.append(message))
    newcomer.goto(link.group(0))
    expect(newcomer.locator("h1")).to_have_text(f"Join {org.name}")
    newcomer.get_by_label("Your name").fill("New Colleague")
    newcomer.get_by_label("Choose a password").fill("a long passphrase for e2e")
    newcomer.get_by_label("The same password again").fill("a long passphrase for e2e")
    newcomer.get_by_role("button", name="Create my account and join").click()

    expect(newcomer).to_have_url(f"{site}/o/{org.slug}/")
    expect(newcomer.get_by_role("alert")).to_contain_text(f"Welcome to {org.name}")
    assert Membership.objects.for_org(org).get(user__email="newcomer@gamma.test").role == "dpo"
    # The link worked once.
    newcomer.goto(link.group(0))
    expect(newcomer.locator("main")).not_to_contain_text("Create my account")
    assert [m.text for m in messages if "content security policy" in m.text.lower()] == []
    newcomer.context.close()


def test_a_member_without_a_second_factor_is_sent_to_set_one_up(page: Page, site: str, team):
    org, _admin, cio = team
    Organization.objects.filter(pk=org.pk).update(two_factor_required=True)
    sign_in(page, cio.user.email)
    page.goto(f"/o/{org.slug}/members/")
    # The set-up page; allauth first asks for the password again, as before any change to the sign-in.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/\?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F$"))
    expect(page.locator("main")).to_contain_text(f"{org.name} requires two-factor authentication")
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))


def test_the_register_filters_in_place_and_the_money_pages_draw_their_curves(page: Page, site: str, team):
    from tests.factories import create_risk

    org, _admin, cio = team
    for title, low, high in (("Vendor outage", "0.2", "1.5"), ("Ransomware", "0.05", "0.4")):
        create_risk(cio.user, org, {
            "title": title, "category": "cyber_security", "likelihood": 3, "impact": 4,
            "frequency_low": low, "frequency_high": high, "loss_low": "20000", "loss_high": "900000",
            "treatment_frequency_reduction": "40%"})
    messages: list[ConsoleMessage] = []
    page.on("console", lambda message: messages.append(message))
    sign_in(page, cio.user.email)
    page.goto(f"/o/{org.slug}/risks/register/")
    rows = page.locator("#risk-results tbody tr")
    expect(rows).to_have_count(2)

    mark_page(page)
    page.get_by_label("Search").press_sequentially("vendor")  # keyup: htmx searches as the user types
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Vendor outage")
    assert page_was_not_reloaded(page)
    expect(page).to_have_url(f"{site}/o/{org.slug}/risks/register/?q=vendor")  # no empty filters in the address

    rows.first.get_by_role("link", name="Vendor outage").click()
    curve = page.locator("img[src$='lec.svg']")
    expect(curve).to_be_visible()
    assert curve.evaluate("image => image.decode().then(() => image.naturalWidth > 0, () => false)")

    page.goto(f"/o/{org.slug}/risks/money/")
    portfolio_curve = page.locator("img[src*='money/lec.svg']")
    expect(portfolio_curve).to_be_visible()
    assert portfolio_curve.evaluate("image => image.decode().then(() => image.naturalWidth > 0, () => false)")
    expect(page.locator("main")).to_contain_text("Vendor outage")
    assert [m.text for m in messages if "content security policy" in m.text.lower()] == []


def test_the_cio_sees_what_a_draft_appetite_changes_before_signing_the_version_shown(page: Page, team):
    from accord.risks import selectors as risk_selectors
    from accord.risks import services as risk_services

    org, _admin, cio = team
    ciso = make_member(org, "ciso", email="ciso@gamma.test", full_name="Gamma CISO")
    risk = risk_services.do_create_risk(cio.user, org, {"title": "Ransomware", "category": "cyber_security",
                                                        "likelihood": 2, "impact": 3})
    draft = risk_services.do_draft_appetite(ciso.user, org, statement="Medium cyber risk.",
                                            category_levels={"cyber_security": "high"})
    risk_services.do_sign_appetite(cio.user, org, version=draft.version)
    risk_services.do_sign_appetite(ciso.user, org, version=draft.version)
    risk_services.do_draft_appetite(ciso.user, org, statement="Low cyber risk.",
                                    category_levels={"cyber_security": "low"})
    sign_in(page, cio.user.email)
    page.goto(f"/o/{org.slug}/risks/appetite/")
    preview = page.locator("#draft-preview")
    expect(preview).to_contain_text("Before signing: what version 2 changes")
    expect(preview.locator(".newly-above")).to_contain_text(f"{risk.ref} Ransomware")
    expect(preview.locator(".money-verdict")).to_contain_text("Under the draft:")
    page.once("dialog", lambda dialog: dialog.accept())  # hx-confirm: sign version 2 as it stands?
    page.get_by_role("button", name="Sign version 2").click()
    expect(page.locator("main")).to_contain_text("Signed: risk appetite v2 still awaits a signature.")
    signature = risk_selectors.appetite_draft(org).signatures.get()
    assert (signature.slot, signature.user_id) == ("cio", cio.user.pk)
