"""An import checks every row before it takes the organisation's write lock, then writes in one short
transaction: on SQLite the write lock is the whole database's, so validating 20,000 rows under it made
every other tenant's writes wait (issue 10, §3). A write that lands between the check and the write is
not lost: the import checks its rows again under the lock."""

from __future__ import annotations

import pytest
from django.db import connection

from accord.core.audit import verify_chain
from accord.risks import services
from accord.risks.models import Risk
from accord.risks.services import imports

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = [(n, {"title": f"Risk {n}", "category": "strategic", "likelihood": 2, "impact": 3}) for n in range(2, 12)]


@pytest.fixture
def trace(monkeypatch):
    """What happened, in order: ("check", in a transaction?) per row checked, ("lock", in a transaction?)."""
    events: list[tuple[str, bool]] = []
    clean, lock = imports.clean_risk_input, imports.lock_org

    def checking(*args, **kwargs):
        events.append(("check", connection.in_atomic_block))
        return clean(*args, **kwargs)

    def locking(org):
        events.append(("lock", connection.in_atomic_block))
        return lock(org)

    monkeypatch.setattr(imports, "clean_risk_input", checking)
    monkeypatch.setattr(imports, "lock_org", locking)
    return events


def test_every_row_is_checked_outside_any_transaction_and_the_lock_is_taken_only_to_write(org_a, ciso, trace):
    report = services.do_import_risks(ciso.user, org_a, ROWS)
    assert [e for e in trace if e[0] == "check"] == [("check", False)] * len(ROWS)
    assert trace[-1] == ("lock", True)
    assert len(report.created) == len(ROWS)
    assert Risk.objects.for_org(org_a).count() == len(ROWS)


def test_a_dry_run_takes_no_write_lock(org_a, ciso, trace):
    report = services.do_import_risks(ciso.user, org_a, ROWS, dry_run=True)
    assert ("lock", True) not in trace
    assert report.dry_run
    assert not Risk.objects.for_org(org_a).exists()


def test_a_file_with_a_refused_row_is_refused_without_taking_the_lock(org_a, ciso, trace):
    bad = [*ROWS, (12, {"title": "", "category": "strategic", "likelihood": 9, "impact": 3})]
    with pytest.raises(services.ImportRejected, match="row 12, title"):
        services.do_import_risks(ciso.user, org_a, bad)
    assert ("lock", True) not in trace
    assert not Risk.objects.for_org(org_a).exists()


def test_a_write_between_the_check_and_the_write_makes_the_import_check_again_under_the_lock(
        org_a, ciso, monkeypatch):
    clean = imports.clean_risk_input
    checked = [0]

    def checking(*args, **kwargs):
        checked[0] += 1
        if checked[0] == len(ROWS):  # another writer adds R-001 once the import has checked its rows
            services.do_create_risk(ciso.user, org_a, {"title": "Meanwhile", "category": "strategic",
                                                       "likelihood": 1, "impact": 1})
        return clean(*args, **kwargs)

    monkeypatch.setattr(imports, "clean_risk_input", checking)
    report = services.do_import_risks(ciso.user, org_a, ROWS)
    assert checked[0] == 2 * len(ROWS)  # checked again, under the lock
    numbers = sorted(Risk.objects.for_org(org_a).values_list("number", flat=True))
    assert numbers == list(range(1, len(ROWS) + 2))
    assert [r.ref for r in report.created] == [f"R-{n:03d}" for n in range(2, len(ROWS) + 2)]
    assert verify_chain(org_a).ok
