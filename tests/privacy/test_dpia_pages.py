"""The DPIA pages, the command line, the PDF and the demo: the page shows each risk's level against the signed
appetite and the prior-consultation flag, the DPO records the advice from it, the CLI lists and shows a DPIA, the
report prints, and the hospital group's demo has one DPIA decided and one in progress."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from accord.cli import main
from accord.core import reports
from accord.privacy import services_dpias, services_ropa
from accord.privacy.models_dpias import Dpia
from accord.risks.services.appetite import do_draft_appetite
from tests.factories import sign_draft

pytestmark = pytest.mark.django_db


def _client(persona):
    client = Client()
    client.force_login(persona.user)
    return client


@pytest.fixture
def dpia(cio, ciso, dpo):
    do_draft_appetite(None, dpo.org, statement="Careful", category_levels={"privacy": "low"})
    sign_draft(cio.user, dpo.org)
    sign_draft(ciso.user, dpo.org)
    activity = services_ropa.do_create_activity(None, dpo.org, {"name": "Video monitoring"})
    services_ropa.do_screen_activity(None, dpo.org, activity, criteria=[], cases=["public_monitoring"])
    made = services_dpias.do_create_dpia(dpo.user, dpo.org, activity, description="Cameras in the halls",
                                         necessity="Safety of staff")
    services_dpias.do_add_dpia_risk(dpo.user, dpo.org, made, {"title": "Filming patients in care", "likelihood": 4,
                                                              "impact": 4, "residual_likelihood": 3,
                                                              "residual_impact": 3})
    return made


def test_the_page_shows_the_risk_above_the_appetite_and_the_consultation(dpia, dpo, viewer):
    page = _client(viewer).get(reverse("dpias:detail", kwargs={"org": dpo.org.slug, "dpia_id": dpia.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Filming patients in care" in html and "Above tolerance" in html
    assert "Prior consultation of the supervisory authority required" in html
    assert "Record the advice" not in html and "Add the risk" not in html  # a viewer gets no forms
    listed = _client(viewer).get(reverse("dpias:list", kwargs={"org": dpo.org.slug})).content.decode()
    assert dpia.ref in listed and "Required" in listed


def test_the_dpo_submits_and_advises_from_the_pages(dpia, dpo):
    client = _client(dpo)
    kwargs = {"org": dpo.org.slug, "dpia_id": dpia.pk}
    assert client.post(reverse("dpias:submit", kwargs=kwargs)).status_code == 302
    answer = client.post(reverse("dpias:advice", kwargs=kwargs), {"advice": "Blur the care areas"})
    assert answer.status_code == 302
    dpia.refresh_from_db()
    assert dpia.status == "awaiting" and dpia.dpo_advice == "Blur the care areas"


def test_the_cli_lists_and_shows_a_dpia(dpia, dpo, capsys):
    assert main(["privacy", "dpia", "list", dpo.org.slug]) == 0
    assert capsys.readouterr().out.split("\n")[0].split("\t") == [dpia.ref, "PA-001", "draft", "1", "consultation",
                                                                  "-"]
    assert main(["privacy", "dpia", "show", dpo.org.slug, dpia.ref]) == 0
    out = capsys.readouterr().out
    assert "risk\tR-001\tmedium\tlow\tabove\tFilming patients in care" in out
    assert "consultation\trequired" in out
    assert main(["privacy", "dpia", "show", dpo.org.slug, "DPIA-999"]) != 0


def test_the_dpia_prints_as_a_pdf(dpia, dpo):
    report = reports.get("dpia")
    checked = report.checked(dpo.org, {"dpia": dpia.ref})
    assert checked == {"dpia": dpia.pk}
    document = report.build(dpo.org, **checked)
    assert document.subject == dpia.ref and document.context["read"].consultation_required is True
    assert reports.render_pdf(dpo.org, "dpia", parameters={"dpia": dpia.ref}).startswith(b"%PDF")


def test_the_hospital_demo_has_one_dpia_decided_and_one_in_progress(db):
    from accord.core.demo import load_demo
    from accord.core.selectors import organization_by_slug
    from accord.privacy import selectors_dpias

    load_demo(log=lambda line: None)
    hospital = organization_by_slug("harbour-health")
    found = {d.status: d for d in Dpia.objects.for_org(hospital)}
    assert set(found) == {"decided", "draft"}
    decided = selectors_dpias.reading(hospital, selectors_dpias.access_dpia(hospital, found["decided"].pk))
    assert found["decided"].decision == "approved" and decided.signatures.awaiting == ()
    assert set(decided.signatures.signed) == {"ciso", "board"}
    assert all(row.risk.category.key == "privacy" for row in decided.risks)
