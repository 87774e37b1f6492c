"""The frameworks pages: the list, a framework's tree with folding groups and requirement details, the search
(htmx swaps only the results), and the same number of queries for 50 or 1,000 requirements."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.compliance import services
from accord.core import services as core_services
from tests.compliance.routes import framework_document


@pytest.fixture
def iso(org_a, ciso):
    return services.do_install_builtin_framework(ciso.user, org_a, "iso27001-2022")


def _page(client, persona, path, **headers):
    client.force_login(persona.user)
    return client.get(f"/o/org-a/compliance/{path}", **headers)


def test_the_list_shows_each_framework_with_its_counts_and_the_navigation_links_it(client, iso, viewer):
    response = _page(client, viewer, "frameworks/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="/o/org-a/compliance/frameworks/iso27001-2022@2022/">ISO/IEC 27001:2022</a>' in html
    assert "<td class=\"text-end\">127</td>" in html and "<td class=\"text-end\">123</td>" in html
    assert 'href="/o/org-a/compliance/frameworks/"' in html.split("<main")[0]  # the organisation's navigation


def test_an_empty_list_tells_the_ciso_how_to_install_one(client, org_a, ciso):
    html = _page(client, ciso, "frameworks/").content.decode()
    assert "<code>accord framework builtin org-a iso27001-2022</code>" in html


def test_the_framework_page_shows_the_whole_tree_with_details_to_open(client, iso, viewer):
    html = _page(client, viewer, "frameworks/iso27001-2022/").content.decode()
    assert html.count('class="framework-requirement') == 127
    assert html.count('class="framework-group') == 12
    assert "<code>A.8.24</code>" in html and "<code>6.1.2</code>" in html
    assert "not assessed itself" in html and "Typical evidence:" in html
    assert "<script" not in html.split("</main>")[0].split("<main")[1]


def test_the_search_finds_requirements_by_id_or_text_and_htmx_gets_only_the_results(client, iso, viewer):
    response = _page(client, viewer, "frameworks/iso27001-2022/?q=A.8.2", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and response["Vary"].count("HX-Request")
    assert "11 requirements match “A.8.2”" in html  # A.8.2 and A.8.20 to A.8.29
    assert "<code>A.8.24</code>" in html and "<code>A.5.1</code>" not in html
    assert "In A.8 Technological controls" in html
    html = _page(client, viewer, "frameworks/iso27001-2022/?q=cryptograph").content.decode()
    assert "<code>A.8.24</code>" in html and "<html" in html


def test_a_french_reader_gets_the_pages_in_french_with_the_colon_s_space(client, org_a, viewer):
    services.do_import_framework(None, org_a, framework_document("fw", "Acme", groups=1, per_group=2))
    core_services.do_set_user_language(viewer.user, language="fr")
    listing = _page(client, viewer, "frameworks/").content.decode()
    assert "<th scope=\"col\">Référentiel</th>" in listing and "Évaluables" in listing
    html = _page(client, viewer, "frameworks/fw/").content.decode()
    assert "Rechercher dans les exigences" in html and "non évaluée elle-même" in html
    assert "Preuves habituelles :" in html and "Frequency : yearly (parmi yearly, monthly)" in html
    found = _page(client, viewer, "frameworks/fw/?q=nested").content.decode()
    assert "1 exigence correspond à « nested »" in found


def test_another_organisations_framework_is_404(client, org_b, viewer):
    services.do_import_framework(None, org_b, framework_document("only-b", "CANARYB controls"))
    assert _page(client, viewer, "frameworks/only-b/").status_code == 404


def test_a_framework_page_takes_the_same_queries_for_50_and_1000_requirements(client, org_a, ciso, viewer):
    services.do_import_framework(ciso.user, org_a, framework_document("small", "Small", groups=5, per_group=8))
    services.do_import_framework(ciso.user, org_a, framework_document("large", "Large", groups=20, per_group=48))
    counts = []
    for key, size in (("small", 5 * 10 + 1), ("large", 20 * 50 + 1)):
        _page(client, viewer, f"frameworks/{key}/")
        with CaptureQueriesContext(connection) as ctx:
            html = _page(client, viewer, f"frameworks/{key}/").content.decode()
        assert html.count('class="framework-requirement') == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
