"""A change of the risk matrix records, for every risk it re-scores, an audit event with that risk's level
change, appended in bulk (a fixed number of queries whatever the number of risks)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from accord.core.models import AuditEvent
from accord.risks import services

ALL_HIGH = [["high"] * 5 for _ in range(5)]
LABELS = {"likelihood_labels": list("abcde"), "impact_labels": list("vwxyz")}


def _risk(org, persona, title, likelihood, impact, **extra):
    return services.do_create_risk(persona.user, org, {"title": title, "category": "cyber_security",
                                                      "likelihood": likelihood, "impact": impact, **extra})


def test_each_rescored_risk_gets_its_own_event_with_its_level_change(org_a, ciso):
    low = _risk(org_a, ciso, "Low", 1, 1)
    treated = _risk(org_a, ciso, "Treated", 5, 5, residual_likelihood=1, residual_impact=2)
    _risk(org_a, ciso, "Already high", 3, 4)  # high under both matrices: not re-scored
    seq = AuditEvent.objects.for_org(org_a).order_by("-seq").first().seq
    matrix = services.do_change_matrix(ciso.user, org_a, levels=ALL_HIGH, **LABELS)
    events = list(AuditEvent.objects.for_org(org_a).filter(seq__gt=seq).order_by("seq"))
    rescored = {e.object_id: e for e in events if e.object_type == "risks.risk"}
    assert set(rescored) == {str(low.pk), str(treated.pk)}
    assert rescored[str(low.pk)].changes == {"inherent_level": ["low", "high"], "residual_level": ["low", "high"],
                                             "matrix_version": [1, 2]}
    assert rescored[str(treated.pk)].changes == {"inherent_level": ["critical", "high"],
                                                 "residual_level": ["low", "high"], "matrix_version": [1, 2]}
    assert all(e.action == "update" for e in rescored.values())
    [change] = [e for e in events if e.object_type == "risks.riskmatrix"]
    assert change.object_id == str(matrix.pk)
    assert change.changes["risks_rescored"] == [None, 2]


def test_the_events_are_appended_in_bulk(org_a, ciso):
    for k in range(30):
        _risk(org_a, ciso, f"Risk {k}", 1 + k % 5, 1 + k % 3)
    services.do_change_matrix(ciso.user, org_a, levels=ALL_HIGH, **LABELS)
    back = [[str(c) for c in row] for row in services.register.DEFAULT_LEVELS]
    with CaptureQueriesContext(connection) as few:
        services.do_change_matrix(ciso.user, org_a, levels=back, **LABELS)
    for k in range(30, 90):
        _risk(org_a, ciso, f"Risk {k}", 1 + k % 5, 1 + k % 3)
    with CaptureQueriesContext(connection) as many:
        services.do_change_matrix(ciso.user, org_a, levels=ALL_HIGH, **LABELS)
    assert len(many) == len(few)
