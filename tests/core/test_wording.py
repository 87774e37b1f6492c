"""Labels inside sentences: the history panel's "This risk in the audit trail" lowers a label's first letter,
but not an acronym's ("This DPIA in the audit trail", not "This dpia")."""

from __future__ import annotations

import pytest
from django.test import Client

from accord.core.wording import in_a_sentence
from accord.privacy import services_dpias, services_ropa


@pytest.mark.parametrize(("label", "reads"), [
    ("Risk", "risk"), ("Processing activity", "processing activity"), ("DPIA", "DPIA"), ("RoPA entry", "RoPA entry"),
    ("A", "a"), ("", ""), ("Évaluation", "évaluation"),
])
def test_a_label_inside_a_sentence_keeps_its_acronyms(label, reads):
    assert in_a_sentence(label) == reads


def test_the_dpia_page_links_this_dpia_to_the_audit_trail(dpo):
    activity = services_ropa.do_create_activity(None, dpo.org, {"name": "Patient records"})
    dpia = services_dpias.do_create_dpia(dpo.user, dpo.org, activity, reason="Sensitive data at scale")
    browser = Client()
    browser.force_login(dpo.user)
    page = browser.get(f"/o/{dpo.org.slug}/privacy/dpias/{dpia.pk}/").content.decode()
    assert "This DPIA in the audit trail" in page
