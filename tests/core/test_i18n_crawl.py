"""The French UI, crawled (decision 0034): a demo consultant who reads French walks every page the demo's
links reach (the three organisations, their registers, heat maps, money pages and charts, audit trails, a
page their role refuses) and finds none of the English phrases that pages, charts and refusals used to keep.
Data the organisations typed or installed (risk titles, category names, matrix labels, the text of their policies,
the requirements of the frameworks they hold) stays as written, in English."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from accord.compliance.models import Requirement
from accord.core import services
from accord.core.demo import CONSULTANT, load_demo
from accord.core.models import Organization
from accord.core.selectors import user_by_email
from accord.policies.models import PolicyVersion
from accord.policies.texts import render_markdown
from tests.core.i18n_crawl import Page, crawl, visible_lines

#: English that Accord itself wrote on French pages before: the heat map's cells and footnote, the
#: register's filters and form choices, the audit trail's labels and values, the loss exceedance chart, the
#: 403 page's sentence, the signatories' joiner and the colon without its French space.
ENGLISH = ["risks, level", "1 risk,", "the cell holds", "above tolerance", "Any category", "Anyone",
           "Title, description or R-001", "Nobody yet", "Same as inherent", "Choose…", "simulated years",
           "Annual loss", "log scale", "at most", "Tolerance point", "Loss exceedance curve of",
           "Probability of a bigger loss", "Signs for the CEO/board", "Signed as", "Above tolerance",
           "Required signatories", "Compensating measures", "Category levels", "Likelihood labels",
           "Impact labels", "Expires on", "Risks rescored", "Is privacy", "(removed)", "Your role", "may not",
           "P90 is 0", "A P90 of 0", "Risk acceptance #", "Risk matrix #", "Member #", ": — → yes", ": — → no"]
#: A colon straight after a French word: the catalogue writes "Inhérent :" (a space before the colon).
FRENCH_WORD_COLON = re.compile(r"\b(Inhérent|Résiduel|En vigueur|Projet|Exporter le registre|Vraisemblance \d "
                               r"\([^)]*\), impact \d \([^)]*\)):")


def _says(line: str, phrase: str) -> bool:
    """`phrase` in `line`, as whole words where it starts or ends with a letter ("no" is not in "non")."""
    start = r"(?<![\w-])" if phrase[:1].isalnum() else ""
    end = r"(?![\w-])" if phrase[-1:].isalnum() else ""
    return re.search(start + re.escape(phrase) + end, line) is not None


def _org_content() -> frozenset[str]:
    """The lines of the organisations' own content as their pages show them, which Accord does not translate:
    their policies (the demo adopted the English starters) and the requirements of the frameworks they hold
    (a framework's text is the framework's, in the language it was loaded in)."""
    orgs = list(Organization.objects.all())
    bodies = [body for org in orgs for body in PolicyVersion.objects.for_org(org).values_list("body", flat=True)]
    requirements = [text for org in orgs
                    for texts in Requirement.objects.for_org(org).values_list("title", "description", "guidance")
                    for text in texts if text]
    return frozenset([line for body in bodies for line in visible_lines(render_markdown(body))]
                     + [" ".join(text.split()) for text in requirements])


@pytest.fixture
def french_pages(db) -> list[Page]:
    load_demo(log=lambda line: None)
    consultant = user_by_email(CONSULTANT)
    assert consultant is not None
    services.do_set_user_language(consultant, language="fr")
    client = Client()
    client.force_login(consultant)
    # The consultant is a contributor at Harbour Health: importing risks there is refused (a 403 page).
    start = ["/orgs/", "/o/nordpay/", "/o/harbour-health/", "/o/brightcart/",
             "/o/harbour-health/risks/register/import/", "/o/nordpay/risks/register/new/"]
    return list(crawl(client, start))


def test_the_french_crawl_keeps_none_of_the_english_accord_wrote(french_pages):
    paths = {page.path for page in french_pages}
    assert {"/o/nordpay/risks/heatmap/", "/o/nordpay/risks/money/", "/o/nordpay/risks/money/lec.svg",
            "/o/nordpay/audit/", "/o/brightcart/risks/register/"} <= paths
    assert any(page.status == 403 for page in french_pages)
    content = _org_content()
    left = sorted({(page.path, phrase) for page in french_pages for line in page.lines for phrase in ENGLISH
                   if _says(line, phrase) and line not in content})
    assert left == [], f"English left on French pages: {left[:40]}"
    glued = sorted({(page.path, line[:80]) for page in french_pages for line in page.lines
                    if FRENCH_WORD_COLON.search(line)})
    assert glued == [], f"a colon without its French space: {glued[:20]}"


def test_the_french_chart_writes_french_numbers_dates_and_words(french_pages):
    chart = next(page for page in french_pages if page.path == "/o/nordpay/risks/money/lec.svg")
    text = " ".join(chart.lines)
    assert "Courbe de dépassement des pertes de" in text
    assert "50 000 années simulées" in text and "décembre" in text  # the page's blanks read as spaces
    assert "Perte annuelle (EUR, échelle log.)" in text
    assert re.search(r"\d,\d+ [kM] EUR", text)  # the decimal comma of the French amounts
    assert "50,000" not in text and not re.search(r"\d\.\d", text)  # no English separators left
    assert "Tolérance : P(perte >" in text and "au plus" in text


def test_the_403_page_speaks_french(french_pages):
    refused = next(page for page in french_pages if page.status == 403)
    text = " ".join(refused.lines)
    assert "Votre rôle (Contributeur) ne permet pas cette action" in text
