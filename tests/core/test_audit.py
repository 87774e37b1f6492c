import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accord.cli import main
from accord.core import audit, services
from accord.core.audit import verify_chain
from accord.core.audit_keys import event_hash, keyring
from accord.core.models import AuditChain, AuditEvent
from tests.factories import make_member, make_org, make_user


def _events(org):
    return AuditEvent.objects.for_org(org).order_by("seq")


def test_a_new_organisation_starts_a_chain_with_its_creation(db):
    org = make_org("fresh")
    first = _events(org).first()
    assert (first.seq, first.action, first.object_type, first.prev_hash) == (1, "create", "core.organization", "")
    assert verify_chain(org).ok


@pytest.mark.parametrize(
    ("write", "action", "object_type"),
    [
        (lambda org, actor, m: services.do_change_member(actor, org, m.membership, role="dpo"), "update",
         "core.membership"),
        (lambda org, actor, m: services.do_remove_member(actor, org, m.membership), "delete", "core.membership"),
        (lambda org, actor, m: services.do_update_governance(actor, org, ciso_reports_to="board"), "update",
         "core.governanceprofile"),
        (lambda org, actor, m: services.do_create_token(actor, org, m.user, name="x"), "create", "core.apitoken"),
        (lambda org, actor, m: services.do_update_organization(actor, org, name="Renamed"), "update",
         "core.organization"),
    ],
)
def test_each_successful_write_appends_exactly_one_event(org_a, admin, write, action, object_type):
    member = make_member(org_a, "cio")
    before = _events(org_a).count()
    write(org_a, admin.user, member)
    new = list(_events(org_a).filter(seq__gt=before))
    assert len(new) == 1
    assert (new[0].action, new[0].object_type, new[0].actor_label) == (action, object_type, admin.user.email)
    assert verify_chain(org_a).ok


def test_an_update_records_the_changed_fields_before_and_after(org_a, admin):
    services.do_update_governance(admin.user, org_a, ciso_reports_to="board", ciso_model="external")
    event = _events(org_a).last()
    assert event.changes == {"ciso_reports_to": ["cio", "board"], "ciso_model": ["internal", "external"]}


def test_a_write_that_changes_nothing_records_nothing(org_a, admin):
    before = _events(org_a).count()
    services.do_update_governance(admin.user, org_a, ciso_reports_to="cio")
    assert _events(org_a).count() == before


def test_a_failed_write_records_nothing(org_a, admin):
    before = _events(org_a).count()
    with pytest.raises(ValidationError, match="last admin"):
        services.do_remove_member(admin.user, org_a, admin.membership)
    with pytest.raises(ValidationError, match="not one of"):
        services.do_update_governance(admin.user, org_a, dpo_model="nobody")
    assert _events(org_a).count() == before


@pytest.mark.django_db(transaction=True)
def test_record_refuses_to_run_outside_the_writes_transaction():
    org = make_org("tx")
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit.record(org, None, "update", org)


def _tamper(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def chain(org_a, admin):
    for reports_to in ("board", "ceo", "cio", "board"):
        services.do_update_governance(admin.user, org_a, ciso_reports_to=reports_to)
    assert verify_chain(org_a).ok
    return org_a


def test_verify_detects_a_modified_event(chain):
    event = _events(chain).get(seq=4)
    AuditEvent.unscoped.filter(pk=event.pk).update(object_repr="nothing to see")
    report = verify_chain(chain)
    assert (report.ok, report.first_bad_seq) == (False, 4)
    assert "modified" in report.problem


def test_verify_detects_a_modified_change_value(chain):
    event = _events(chain).get(seq=5)
    AuditEvent.unscoped.filter(pk=event.pk).update(changes={"ciso_reports_to": ["cio", "ceo"]})
    assert verify_chain(chain).first_bad_seq == 5


def test_verify_detects_a_deleted_event(chain):
    AuditEvent.unscoped.filter(organization=chain, seq=3).delete()
    report = verify_chain(chain)
    assert (report.ok, report.first_bad_seq) == (False, 3)


def test_verify_detects_the_newest_event_deleted(chain):
    last = _events(chain).last()
    AuditEvent.unscoped.filter(pk=last.pk).delete()
    assert not verify_chain(chain).ok


def test_verify_detects_an_inserted_event(chain):
    last = _events(chain).last()
    forged = _events(chain).get(seq=last.seq)
    forged.pk = None
    forged.seq = last.seq + 1
    forged.object_repr = "forged"
    forged.prev_hash = last.hash
    forged.hash = event_hash(forged, keyring())  # even with the key, the head gives it away
    forged.save()
    report = verify_chain(chain)
    assert not report.ok
    assert "head" in report.problem


def test_verify_detects_two_events_swapped(chain):
    e3, e4 = _events(chain).get(seq=3), _events(chain).get(seq=4)
    AuditEvent.unscoped.filter(pk=e3.pk).update(seq=1000)
    AuditEvent.unscoped.filter(pk=e4.pk).update(seq=3)
    AuditEvent.unscoped.filter(pk=e3.pk).update(seq=4)
    report = verify_chain(chain)
    assert (report.ok, report.first_bad_seq) == (False, 3)


def test_cli_verify_exits_0_when_intact_and_1_naming_the_first_bad_event(chain, capsys):
    assert main(["audit", "verify"]) == 0
    assert "intact" in capsys.readouterr().out
    AuditEvent.unscoped.filter(organization=chain, seq=2).update(actor_label="someone else")
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert "org-a" in err
    assert "#2" in err


def test_chains_are_separate_per_organisation(org_a, org_b, admin, outsider):
    b_before = list(_events(org_b).values_list("seq", "hash"))
    services.do_update_governance(admin.user, org_a, ciso_reports_to="board")
    assert list(_events(org_b).values_list("seq", "hash")) == b_before
    assert AuditChain.objects.for_org(org_b).get().last_seq == len(b_before)
    assert _events(org_b).last().object_repr == "admin@canaryb.test as Administrator"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_one_unbroken_chain():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers itself; run with ACCORD_DATABASE_URL=postgres://…")
    org = make_org("busy")
    users = [make_user(f"writer{i}@busy.test") for i in range(8)]
    errors: list[BaseException] = []
    start = threading.Barrier(len(users))

    def write(user):
        try:
            start.wait()
            for i in range(5):
                with transaction.atomic():
                    services.do_add_member(None, org, user, "contributor") if i == 0 else \
                        services.do_update_governance(None, org, ciso_reports_to=["board", "ceo"][i % 2])
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = verify_chain(org)
    assert report.ok, report.problem
    assert report.events == AuditChain.objects.for_org(org).get().last_seq
    seqs = list(_events(org).values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
