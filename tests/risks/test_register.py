import pytest
from django.core.exceptions import ValidationError

from accord.core import selectors as core_selectors
from accord.core.audit import verify_chain
from accord.core.models import AuditEvent
from accord.risks import selectors, services
from accord.risks.models import Risk, RiskCategory, RiskMatrix
from accord.risks.services import ImportRejected
from accord.risks.services.register import DEFAULT_LEVELS


def _risk(org, actor, **extra):
    data = {"title": "Phishing", "category": "cyber_security", "likelihood": 3, "impact": 3, **extra}
    return services.do_create_risk(actor, org, data)


def test_a_new_organisation_gets_the_usual_categories_and_a_5x5_matrix(org_a):
    keys = list(selectors.categories(org_a).values_list("key", flat=True))
    assert keys == ["strategic", "it_operations", "cyber_security", "privacy", "compliance", "third_party",
                    "financial"]
    matrix = selectors.current_matrix(org_a)
    assert (matrix.version, matrix.size) == (1, (5, 5))


def test_a_risk_takes_its_levels_from_the_matrix_and_defaults_residual_to_inherent(org_a, ciso):
    risk = _risk(org_a, ciso.user, likelihood=5, impact=5)
    assert (risk.inherent_level, risk.residual_level, risk.residual_rank) == ("critical", "critical", 4)
    assert (risk.residual_likelihood, risk.residual_impact) == (5, 5)
    risk = services.do_update_risk(ciso.user, org_a, risk, {"residual_likelihood": 1, "residual_impact": 2})
    assert (risk.inherent_level, risk.residual_level) == ("critical", "low")


def test_risk_numbers_count_up_per_organisation(org_a, org_b, ciso, outsider):
    assert [_risk(org_a, ciso.user).ref for _ in range(2)] == ["R-001", "R-002"]
    assert _risk(org_b, outsider.user).ref == "R-001"


def test_every_bad_field_is_reported_at_once(org_a, ciso):
    with pytest.raises(ValidationError, match="'weather' is not a category of this organisation") as exc:
        services.do_create_risk(ciso.user, org_a, {
            "title": "", "category": "weather", "likelihood": 0, "impact": "big", "owner": "nobody@x.test",
            "next_review": "31/12/2026", "loss_low": "-5", "colour": "red"})
    assert set(exc.value.message_dict) == {"title", "category", "likelihood", "impact", "owner", "next_review",
                                           "loss_low", "colour"}
    assert exc.value.message_dict["impact"] == ["'big' is not a whole number from 1 to 5."]
    assert exc.value.message_dict["likelihood"] == ["0 is outside the matrix: use 1 to 5."]
    assert Risk.objects.for_org(org_a).count() == 0


def test_quantitative_ranges_need_both_ends_in_order(org_a, ciso):
    with pytest.raises(ValidationError, match="both ends"):
        _risk(org_a, ciso.user, frequency_low="0.1")
    with pytest.raises(ValidationError, match="must be above"):
        _risk(org_a, ciso.user, loss_low=50000, loss_high=20000)
    risk = _risk(org_a, ciso.user, frequency_low="0.1", frequency_high="2", loss_low=1000, loss_high=90000)
    assert risk.has_quant


def test_an_update_is_audited_with_before_and_after(org_a, ciso):
    risk = _risk(org_a, ciso.user)
    services.do_update_risk(ciso.user, org_a, risk, {"title": "Spear phishing", "tags": ["email", "people"]})
    event = core_selectors.object_history(org_a, risk)[0].event
    assert event.action == "update"
    assert event.changes["title"] == ["Phishing", "Spear phishing"]
    assert event.changes["tags"] == [[], ["email", "people"]]


def test_changing_the_matrix_keeps_history_and_rederives_levels(org_a, ciso):
    risk = _risk(org_a, ciso.user, likelihood=1, impact=1)
    stricter = [row[:] for row in DEFAULT_LEVELS]
    stricter[0][0] = "high"
    services.do_change_matrix(ciso.user, org_a, likelihood_labels=["a", "b", "c", "d", "e"],
                              impact_labels=["1", "2", "3", "4", "5"], levels=stricter)
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).residual_level == "high"
    assert list(selectors.matrix_history(org_a).values_list("version", "is_current")) == [(2, True), (1, False)]


def test_the_matrix_cannot_shrink_below_a_used_score(org_a, ciso):
    _risk(org_a, ciso.user, likelihood=5, impact=1)
    with pytest.raises(ValidationError, match="re-score"):
        services.do_change_matrix(ciso.user, org_a, likelihood_labels=["a", "b", "c"],
                                  impact_labels=["x", "y", "z"], levels=[["low"] * 3] * 3)
    assert RiskMatrix.objects.for_org(org_a).count() == 1


@pytest.mark.parametrize(
    ("levels", "message"),
    [([["low"] * 5] * 4, "rows"), ([["low"] * 5] * 4 + [["low", "low", "low", "low", "purple"]], "purple")],
)
def test_a_malformed_matrix_is_refused(org_a, ciso, levels, message):
    with pytest.raises(ValidationError, match=message):
        services.do_change_matrix(ciso.user, org_a, likelihood_labels=list("abcde"), impact_labels=list("vwxyz"),
                                  levels=levels)


def test_an_import_with_bad_rows_names_each_and_writes_nothing(org_a, ciso):
    before = AuditEvent.objects.for_org(org_a).count()
    rows = [
        (2, {"title": "Good", "category": "privacy", "likelihood": "2", "impact": "3"}),
        (3, {"title": "", "category": "privacy", "likelihood": "2", "impact": "3"}),
        (4, {"title": "Bad scores", "category": "privacy", "likelihood": "9", "impact": "x"}),
    ]
    with pytest.raises(ImportRejected, match="row 4, likelihood: 9 is outside the matrix: use 1 to 5") as exc:
        services.do_import_risks(ciso.user, org_a, rows)
    assert sorted((r, f) for r, f, _ in exc.value.rows) == [(3, "title"), (4, "impact"), (4, "likelihood")]
    assert Risk.objects.for_org(org_a).count() == 0
    assert AuditEvent.objects.for_org(org_a).count() == before


def test_a_good_import_creates_every_risk_with_one_audit_event_each(org_a, ciso):
    rows = [(n, {"title": f"Risk {n}", "category": "Privacy", "likelihood": 2, "impact": 3}) for n in range(2, 7)]
    created = services.do_import_risks(ciso.user, org_a, rows).created
    assert [r.ref for r in created] == ["R-001", "R-002", "R-003", "R-004", "R-005"]
    assert AuditEvent.objects.for_org(org_a).filter(object_type="risks.risk", action="create").count() == 5
    assert verify_chain(org_a).ok
    services.do_create_risk(ciso.user, org_a, {"title": "After", "category": "privacy", "likelihood": 1, "impact": 1})
    assert verify_chain(org_a).ok


def test_categories_are_unique_per_organisation_and_can_be_retired(org_a, ciso):
    with pytest.raises(ValidationError, match="already exists"):
        services.do_create_category(ciso.user, org_a, key="privacy", name="Privacy again")
    category = RiskCategory.objects.for_org(org_a).get(key="privacy")
    services.do_update_category(ciso.user, org_a, category, active=False)
    assert "privacy" not in selectors.categories(org_a, active_only=True).values_list("key", flat=True)


def test_list_filters_combine(org_a, ciso, cio):
    _risk(org_a, ciso.user, title="Laptop theft", category="it_operations", likelihood=4, impact=2,
          tags=["endpoint"], owner=cio.user.email)
    _risk(org_a, ciso.user, title="Vendor breach", category="third_party", likelihood=2, impact=5)
    f = selectors.RiskFilter
    assert [r.title for r in selectors.risks(org_a, f(q="laptop"))] == ["Laptop theft"]
    assert [r.title for r in selectors.risks(org_a, f(category="third_party"))] == ["Vendor breach"]
    assert [r.title for r in selectors.risks(org_a, f(tags=("endpoint",)))] == ["Laptop theft"]
    assert [r.title for r in selectors.risks(org_a, f(owner=cio.membership.pk))] == ["Laptop theft"]
    assert [r.title for r in selectors.risks(org_a, f(sort="-title"))] == ["Vendor breach", "Laptop theft"]
    assert [r.title for r in selectors.risks(org_a, f(q="R-002"))] == ["Vendor breach"]


def test_the_heatmap_counts_each_risk_once_per_grid(org_a, ciso):
    _risk(org_a, ciso.user, likelihood=4, impact=2, residual_likelihood=2, residual_impact=2)
    _risk(org_a, ciso.user, likelihood=4, impact=2)
    hm = selectors.heatmap(org_a)
    assert hm.inherent[3][1] == 2
    assert (hm.residual[3][1], hm.residual[1][1]) == (1, 1)
    assert sum(map(sum, hm.residual)) == 2
