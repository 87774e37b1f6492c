"""The audit trail against someone who can write to the database: the attacks of the outside review
(issue 10, section 2), the keyed hash, checkpoints outside the database and key rotation."""

import itertools
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from accord.cli import main
from accord.core import services
from accord.core.audit import rotate_chain_key, verify_chain
from accord.core.audit_keys import LEGACY, Keyring, canonical_hash, event_payload, keyring, mac
from accord.core.models import AuditChain, AuditEvent, GovernanceProfile, Organization
from accord.envconf import audit_keys, parse_audit_keys
from tests.factories import make_org

K1 = ("k1", "first-audit-key-of-the-tests-0123456789")
K2 = ("k2", "second-audit-key-of-the-tests-987654321")


def _events(org):
    return list(AuditEvent.objects.for_org(org).order_by("seq"))


def _run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


_names = itertools.count()


def _write(org, actor, n):
    """n writes, each appending one event."""
    for _ in range(n):
        services.do_update_organization(actor, org, name=f"Renamed {next(_names)}")


def _head(org):
    return AuditChain.objects.for_org(org).get().last_seq


@pytest.fixture
def chain(org_a, admin):
    _write(org_a, admin.user, 6)
    assert verify_chain(org_a).ok
    return org_a


def _rewrite_from(org, seq, *, key_id, secret=None, repr_="nothing happened", until=None):
    """What a database administrator does: change the events from #seq on (to #until) and re-hash
    them and the head consistently, with the scheme and key of their choice."""
    events = _events(org)
    prev = events[seq - 2].hash if seq > 1 else ""
    for event in events[seq - 1:until]:
        event.object_repr, event.prev_hash, event.key_id = repr_, prev, key_id
        payload = event_payload(event)
        event.hash = canonical_hash(payload) if key_id == LEGACY else mac(secret.encode(), payload)
        AuditEvent.unscoped.filter(pk=event.pk).update(object_repr=event.object_repr, prev_hash=event.prev_hash,
                                                       key_id=key_id, hash=event.hash)
        prev = event.hash
    AuditChain.unscoped.filter(organization=org).update(last_hash=prev, last_key_id=key_id)


def _cut_back(org, keep):
    """Delete the events after #keep and roll the head back to #keep."""
    kept = _events(org)[keep - 1]
    AuditEvent.unscoped.filter(organization=org, seq__gt=keep).delete()
    AuditChain.unscoped.filter(organization=org).update(last_seq=keep, last_hash=kept.hash, last_key_id=kept.key_id)


# --- the keyed hash ---------------------------------------------------------------------------------

def test_new_events_are_signed_with_the_configured_key(chain):
    assert {e.key_id for e in _events(chain)} == {keyring().current_id}
    assert AuditChain.objects.for_org(chain).get().last_key_id == keyring().current_id


def test_a_suffix_rewritten_and_rehashed_the_old_way_fails_verification(chain, capsys):
    _rewrite_from(chain, 4, key_id=LEGACY)
    report = verify_chain(chain)
    assert (report.ok, report.first_bad_seq) == (False, 4)
    assert "event #4 is under the unkeyed legacy scheme" in report.problem
    code, _, err = _run(capsys, "audit", "verify")
    assert code == 1
    assert "audit chain of org-a is broken: event #4" in err


def test_a_suffix_rehashed_with_a_guessed_key_fails_verification(chain):
    _rewrite_from(chain, 4, key_id=keyring().current_id, secret="a-key-the-attacker-made-up-0123456789")
    report = verify_chain(chain)
    assert (report.ok, report.first_bad_seq) == (False, 4)
    assert "event #4 was modified" in report.problem


def test_a_whole_chain_rewritten_in_the_unkeyed_scheme_fails_verification(chain):
    _rewrite_from(chain, 1, key_id=LEGACY)
    report = verify_chain(chain)
    assert (report.ok, report.first_bad_seq) == (False, _head(chain))
    assert f"the chain ends at #{_head(chain)} under the unkeyed legacy scheme, not the current key 'test'" \
        in report.problem


def test_an_event_signed_with_a_key_outside_the_keyring_fails(chain):
    _rewrite_from(chain, 5, key_id="mine", secret="a-key-the-attacker-made-up-0123456789")
    report = verify_chain(chain)
    assert (report.ok, report.first_bad_seq) == (False, 5)
    assert "signed with key 'mine', which is not in the keyring" in report.problem


# --- a chain starts with its organisation's creation ------------------------------------------------

def test_an_emptied_chain_fails_verification(chain, capsys):
    AuditEvent.unscoped.filter(organization=chain).delete()
    AuditChain.unscoped.filter(organization=chain).update(last_seq=0, last_hash="", last_key_id="")
    report = verify_chain(chain)
    assert not report.ok
    assert "no events, not even the creation of the organisation" in report.problem
    code, _, err = _run(capsys, "audit", "verify", "--org", "org-a")
    assert code == 1
    assert "audit chain of org-a is broken: the chain has no events" in err


def test_a_chain_deleted_with_its_head_fails_verification(chain, capsys):
    AuditEvent.unscoped.filter(organization=chain).delete()
    AuditChain.unscoped.filter(organization=chain).delete()
    assert not verify_chain(chain).ok
    code, _, err = _run(capsys, "audit", "verify")
    assert code == 1
    assert "org-a" in err


def test_a_chain_whose_beginning_was_replaced_fails_verification(chain, admin):
    ring = keyring()
    secret = ring.secret(ring.current_id).decode()  # even with the key: the first event must be the creation
    first = _events(chain)[0]
    AuditEvent.unscoped.filter(pk=first.pk).update(action="update")
    _rewrite_from(chain, 1, key_id=ring.current_id, secret=secret, repr_=first.object_repr)
    report = verify_chain(chain)
    assert (report.ok, report.first_bad_seq) == (False, 1)
    assert "event #1 is not the creation of the organisation" in report.problem


# --- checkpoints outside the database ---------------------------------------------------------------

@pytest.fixture
def checkpoints(chain, org_b, outsider, tmp_path, capsys):
    path = tmp_path / "audit-checkpoints.jsonl"
    code, out, _ = _run(capsys, "audit", "checkpoint", "--out", str(path))
    assert (code, out.strip()) == (0, f"appended 2 checkpoint(s) to {path}")
    return path


def test_checkpoints_are_appended_one_signed_line_per_chain(checkpoints, chain, org_b, admin, capsys):
    first = checkpoints.read_text()
    a, b = _head(chain), _head(org_b)
    _write(chain, admin.user, 1)
    assert _run(capsys, "audit", "checkpoint", "--out", str(checkpoints))[0] == 0
    text = checkpoints.read_text()
    assert text.startswith(first)
    lines = [json.loads(line) for line in text.splitlines()]
    assert [(line["slug"], line["seq"]) for line in lines] == [("org-a", a), ("org-b", b), ("org-a", a + 1),
                                                                  ("org-b", b)]
    assert {line["key_id"] for line in lines} == {"test"}
    code, out, _ = _run(capsys, "audit", "verify", "--checkpoints", str(checkpoints))
    assert (code, out.strip()) == (0, f"audit chains intact: 2 organisation(s), {a + 1 + b} event(s), "
                                      "against 4 checkpoint(s)")


def test_newest_events_deleted_and_head_rolled_back_fail_against_a_checkpoint(checkpoints, chain, capsys):
    checkpointed = _head(chain)
    _cut_back(chain, checkpointed - 3)
    assert verify_chain(chain).ok  # the chain alone cannot tell: this is what the checkpoints are for
    code, _, err = _run(capsys, "audit", "verify", "--checkpoints", str(checkpoints))
    assert code == 1
    assert err.strip() == (f"audit chain of org-a is broken: the chain ends at #{checkpointed - 3} but the "
                           f"checkpoint of {json.loads(checkpoints.read_text().splitlines()[0])['at']} (line 1) "
                           f"recorded #{checkpointed}: newer events were deleted")


def test_a_truncated_chain_that_grew_again_fails_against_a_checkpoint(checkpoints, chain, admin, capsys):
    checkpointed = _head(chain)
    _cut_back(chain, checkpointed - 3)
    _write(chain, admin.user, 5)  # the chain is longer than the checkpoint again, but not the same
    code, _, err = _run(capsys, "audit", "verify", "--checkpoints", str(checkpoints))
    assert code == 1
    assert f"event #{checkpointed} differs from the checkpoint of" in err


def test_a_suffix_rewritten_with_the_key_fails_against_a_checkpoint(checkpoints, chain, capsys):
    ring = keyring()
    _rewrite_from(chain, _head(chain) - 3, key_id=ring.current_id, secret=ring.secret(ring.current_id).decode())
    assert verify_chain(chain).ok  # someone holding the key and the database: only a checkpoint tells
    code, _, err = _run(capsys, "audit", "verify", "--checkpoints", str(checkpoints))
    assert code == 1
    assert f"audit chain of org-a is broken: event #{_head(chain)} differs from the checkpoint" in err


def test_a_chain_deleted_with_its_organisation_fails_against_a_checkpoint(checkpoints, chain, capsys):
    org_id, checkpointed = chain.pk, _head(chain)
    AuditEvent.unscoped.filter(organization=chain).delete()
    AuditChain.unscoped.filter(organization=chain).delete()
    GovernanceProfile.unscoped.filter(organization=chain).delete()
    Organization.objects.filter(pk=org_id).delete()
    code, _, err = _run(capsys, "audit", "verify", "--checkpoints", str(checkpoints))
    assert code == 1
    assert err.strip().startswith(f"audit chain of org-a (organisation id {org_id}) is gone: the checkpoint of")
    assert f"recorded it at #{checkpointed}, but the database no longer holds the organisation" in err


def test_a_forged_checkpoint_line_fails(checkpoints, chain, capsys):
    line = json.loads(checkpoints.read_text().splitlines()[0])
    forged = dict(line, seq=3, hash=_events(chain)[2].hash)  # an attacker wants an older head to look fine
    with checkpoints.open("a") as out:
        out.write(json.dumps(forged) + "\n" + "not a checkpoint\n")
    code, _, err = _run(capsys, "audit", "verify", "--checkpoints", str(checkpoints))
    assert code == 1
    assert err.strip().splitlines() == [
        "checkpoint line 3 does not carry a valid signature: it was forged or altered",
        "checkpoint line 4 is not a checkpoint (not JSON): the file was altered",
    ]


def test_verify_names_a_missing_checkpoint_file_in_one_line(db, tmp_path, capsys):
    code, _, err = _run(capsys, "audit", "verify", "--checkpoints", str(tmp_path / "nowhere.jsonl"))
    assert code == 1
    assert err.strip() == f"accord: error: cannot read the checkpoint file {tmp_path / 'nowhere.jsonl'}: " \
                          "No such file or directory"


def test_checkpoint_reports_an_organisation_without_a_chain_head(chain, tmp_path, capsys):
    AuditChain.unscoped.filter(organization=chain).delete()
    code, _, err = _run(capsys, "audit", "checkpoint", "--out", str(tmp_path / "cp.jsonl"))
    assert code == 1
    assert "audit chain of org-a has no head to checkpoint" in err


# --- key rotation and chains from before keys -------------------------------------------------------

@pytest.fixture
def on_k1(settings, db):
    settings.ACCORD_AUDIT_KEYS = (K1,)
    org = make_org("rotating")
    _write(org, None, 3)
    return org


def test_rotation_moves_every_chain_onto_the_new_key_signed_by_both(on_k1, settings, capsys):
    n = _head(on_k1)
    settings.ACCORD_AUDIT_KEYS = (K2, K1)
    code, _, err = _run(capsys, "audit", "verify")
    assert code == 1
    assert err.strip() == (f"audit chain of rotating is broken: the chain ends at #{n} under key 'k1', not the "
                           "current key 'k2': seal it with `accord audit rotate-key`")
    code, out, _ = _run(capsys, "audit", "rotate-key")
    assert (code, out.strip()) == (0, "1 audit chain(s) moved onto key 'k2'")
    rotation = _events(on_k1)[-1]
    assert (rotation.seq, rotation.action, rotation.key_id, rotation.actor_label) == \
        (n + 1, "rotate_key", "k2", "system")
    assert rotation.changes == {"key_id": ["k1", "k2"], "old_key_mac": mac(K1[1].encode(), {
        "org": on_k1.pk, "seq": n + 1, "prev_hash": rotation.prev_hash, "key_id": "k2"})}
    assert [e.key_id for e in _events(on_k1)] == ["k1"] * n + ["k2"]
    assert _run(capsys, "audit", "verify")[:2] == (0, f"audit chains intact: 1 organisation(s), {n + 1} event(s)\n")
    assert _run(capsys, "audit", "rotate-key")[:2] == (0, "0 audit chain(s) moved onto key 'k2'\n")


def test_after_rotation_the_old_key_cannot_rewrite_what_came_before(on_k1, settings):
    n = _head(on_k1)
    settings.ACCORD_AUDIT_KEYS = (K2, K1)
    rotate_chain_key(on_k1)
    _write(on_k1, None, 1)
    _rewrite_from(on_k1, n - 1, key_id="k1", secret=K1[1], until=n)
    AuditChain.unscoped.filter(organization=on_k1).update(last_hash=_events(on_k1)[-1].hash, last_key_id="k2")
    report = verify_chain(on_k1)
    assert (report.ok, report.first_bad_seq) == (False, n + 1)
    assert f"event #{n + 1} does not follow event #{n}" in report.problem


def test_after_rotation_the_old_key_cannot_extend_the_chain(on_k1, settings):
    settings.ACCORD_AUDIT_KEYS = (K2, K1)
    rotate_chain_key(on_k1)
    last = _events(on_k1)[-1]
    forged = AuditEvent(organization=on_k1, seq=last.seq + 1, at=last.at, actor_id=None, actor_label="system",
                        action="update", object_type="core.organization", object_id=str(on_k1.pk),
                        object_repr="forged", changes={}, prev_hash=last.hash, key_id="k1")
    forged.hash = mac(K1[1].encode(), event_payload(forged))
    forged.save()
    AuditChain.unscoped.filter(organization=on_k1).update(last_seq=forged.seq, last_hash=forged.hash, last_key_id="k1")
    report = verify_chain(on_k1)
    assert (report.ok, report.first_bad_seq) == (False, forged.seq)
    assert f"event #{forged.seq} is under key 'k1' although event #{last.seq} is under the newer key 'k2'" \
        in report.problem


def test_rotation_names_the_chains_it_cannot_rotate_and_rotates_the_others(on_k1, settings, capsys):
    broken = make_org("broken")
    AuditChain.unscoped.filter(organization=broken).delete()
    settings.ACCORD_AUDIT_KEYS = (K2, K1)
    code, out, err = _run(capsys, "audit", "rotate-key")
    assert code == 1
    assert err.strip() == "the audit chain of broken has no head (it was deleted); it was not rotated"
    assert out.strip() == "1 audit chain(s) moved onto key 'k2'; 1 not rotated because they do not verify"
    assert _events(on_k1)[-1].action == "rotate_key"


def test_a_rotation_without_the_outgoing_keys_signature_fails(on_k1, settings):
    settings.ACCORD_AUDIT_KEYS = (K2, K1)
    rotation = rotate_chain_key(on_k1)
    rotation.changes = {"key_id": ["k1", "k2"], "old_key_mac": "0" * 64}
    rotation.hash = mac(K2[1].encode(), event_payload(rotation))
    AuditEvent.unscoped.filter(pk=rotation.pk).update(changes=rotation.changes, hash=rotation.hash)
    AuditChain.unscoped.filter(organization=on_k1).update(last_hash=rotation.hash)
    report = verify_chain(on_k1)
    assert (report.ok, report.first_bad_seq) == (False, rotation.seq)
    assert "without the signature of the outgoing key 'k1'" in report.problem


def test_a_process_without_the_chains_newer_key_refuses_to_write(on_k1, settings, admin):
    settings.ACCORD_AUDIT_KEYS = (K2, K1)
    rotate_chain_key(on_k1)
    settings.ACCORD_AUDIT_KEYS = (K1,)  # a worker still running with the old keyring
    with pytest.raises(ImproperlyConfigured, match="signed with key 'k2', which this process's keyring does not hold"):
        _write(on_k1, admin.user, 1)


def test_writes_without_any_key_refuse_to_continue_a_keyed_chain(on_k1, settings, admin):
    settings.ACCORD_AUDIT_KEYS = ()
    with pytest.raises(ImproperlyConfigured, match="no audit key is configured, but the audit chain of rotating"):
        _write(on_k1, admin.user, 1)


def test_verify_without_any_key_stops_with_one_line(db, settings, capsys):
    settings.ACCORD_AUDIT_KEYS = ()
    code, _, err = _run(capsys, "audit", "verify")
    assert code == 1
    assert err.strip().startswith("accord: error: no audit key is configured")


@pytest.fixture
def legacy(settings, db):
    """A chain written before audit keys existed: plain SHA-256, no key id."""
    settings.ACCORD_AUDIT_KEYS = ()
    org = make_org("before-keys")
    _write(org, None, 3)
    settings.ACCORD_AUDIT_KEYS = (K1,)
    return org


def test_a_chain_from_before_keys_verifies_as_before_once_sealed(legacy, capsys):
    assert {e.key_id for e in _events(legacy)} == {LEGACY}
    report = verify_chain(legacy)
    assert "under the unkeyed legacy scheme, not the current key 'k1'" in report.problem
    assert verify_chain(legacy, require_current_key=False).ok
    assert rotate_chain_key(legacy).changes == {"key_id": ["", "k1"], "old_key_mac": ""}
    assert verify_chain(legacy).ok
    assert rotate_chain_key(legacy) is None  # already on the current key


def test_a_chain_from_before_keys_is_sealed_by_its_next_write_too(legacy):
    n = _head(legacy)
    _write(legacy, None, 1)
    assert [e.key_id for e in _events(legacy)] == [LEGACY] * n + ["k1"]
    assert verify_chain(legacy).ok


def test_an_old_unkeyed_event_modified_before_sealing_is_still_caught_and_not_sealed(legacy):
    AuditEvent.unscoped.filter(organization=legacy, seq=2).update(object_repr="nothing")
    assert verify_chain(legacy, require_current_key=False).first_bad_seq == 2
    with pytest.raises(ValueError, match=r"does not verify \(event #2 was modified"):
        rotate_chain_key(legacy)
    assert _events(legacy)[-1].action != "rotate_key"


def test_keyring_lists_the_current_key_first():
    ring = Keyring(((K2[0], K2[1].encode()), (K1[0], K1[1].encode())))
    assert (ring.current_id, ring.age("k2"), ring.age("k1"), ring.age(LEGACY), ring.age("other")) == \
        ("k2", 0, 1, 2, None)


# --- the keys in settings ---------------------------------------------------------------------------

def test_a_keyring_is_read_current_key_first_with_ids_given_or_derived():
    text = f"# rotated in May\nk2:{K2[1]}\n{K1[1]}, legacy.1:{'z' * 32}\n"
    keys = parse_audit_keys(text, "ACCORD_AUDIT_KEY_FILE='keys'")
    assert [kid for kid, _ in keys] == ["k2", keys[1][0], "legacy.1"]
    assert len(keys[1][0]) == 8
    assert keys[0][1] == K2[1]


@pytest.mark.parametrize(("text", "message"), [
    ("", "holds no key"),
    ("k1:short", r"key #1 \(k1\) is 5 characters long; it must be at least 32"),
    (f"bad id!:{'x' * 32}", r"key #1 has the id 'bad id!'"),
    (f"k1:{'x' * 32},k1:{'y' * 32}", "the key id 'k1' appears twice"),
])
def test_a_bad_keyring_stops_start_up_naming_the_variable_and_the_entry(text, message):
    with pytest.raises(ImproperlyConfigured, match=message) as raised:
        parse_audit_keys(text, "ACCORD_AUDIT_KEY")
    assert str(raised.value).startswith("ACCORD_AUDIT_KEY")
    assert "x" * 32 not in str(raised.value)


def test_the_key_comes_from_the_variable_or_a_file_but_not_both(tmp_path, monkeypatch):
    monkeypatch.delenv("ACCORD_AUDIT_KEY", raising=False)
    key_file = tmp_path / "audit.keys"
    key_file.write_text(f"k1:{K1[1]}\n")
    monkeypatch.setenv("ACCORD_AUDIT_KEY_FILE", str(key_file))
    assert audit_keys(tmp_path, debug=False) == ((K1,), "ACCORD_AUDIT_KEY_FILE")
    monkeypatch.setenv("ACCORD_AUDIT_KEY", f"k2:{K2[1]}")
    with pytest.raises(ImproperlyConfigured, match="ACCORD_AUDIT_KEY or ACCORD_AUDIT_KEY_FILE, not both"):
        audit_keys(tmp_path, debug=False)
    monkeypatch.delenv("ACCORD_AUDIT_KEY")
    monkeypatch.setenv("ACCORD_AUDIT_KEY_FILE", str(tmp_path / "missing.keys"))
    with pytest.raises(ImproperlyConfigured, match=r"missing\.keys' cannot be read: No such file"):
        audit_keys(tmp_path, debug=False)


def test_only_debug_mode_gets_a_generated_development_key(tmp_path, monkeypatch):
    monkeypatch.delenv("ACCORD_AUDIT_KEY", raising=False)
    monkeypatch.delenv("ACCORD_AUDIT_KEY_FILE", raising=False)
    assert audit_keys(tmp_path, debug=False) == ((), "")
    assert not (tmp_path / "audit_key").exists()
    first = audit_keys(tmp_path, debug=True)
    assert first[1] == "development"
    assert audit_keys(tmp_path, debug=True) == first
    assert (tmp_path / "audit_key").stat().st_mode & 0o077 == 0


def test_an_installation_checkpoints_and_verifies_with_a_key_file(tmp_path):
    """The real command in a production environment: key in a file, checkpoints in another, a chain
    cut back by the database's administrator."""
    key_file = tmp_path / "audit.keys"
    key_file.write_text(f"k1:{K1[1]}\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ACCORD_", "DJANGO_"))}
    env.update(ACCORD_DEBUG="0", ACCORD_SECRET_KEY="s" * 50, ACCORD_ALLOWED_HOSTS="accord.example.org",
               ACCORD_VAR_DIR=str(tmp_path), ACCORD_AUDIT_KEY_FILE=str(key_file))
    accord = Path(sys.executable).with_name("accord")

    def run(*args):
        # our own command with fixed arguments (hence S603's noqa)
        return subprocess.run([str(accord), *args], env=env, cwd=tmp_path, capture_output=True, text=True,  # noqa: S603
                              check=False)

    for args in (["migrate"], ["org", "create", "acme", "--name", "Acme"],
                 ["audit", "checkpoint", "--out", "cp.jsonl"]):
        done = run(*args)
        assert done.returncode == 0, done.stderr
    assert run("audit", "verify", "--checkpoints", "cp.jsonl").returncode == 0
    with sqlite3.connect(tmp_path / "accord.sqlite3") as db:
        seq, = db.execute("SELECT last_seq FROM core_auditchain").fetchone()
        prev, = db.execute("SELECT hash FROM core_auditevent WHERE seq = ?", (seq - 1,)).fetchone()
        db.execute("DELETE FROM core_auditevent WHERE seq = ?", (seq,))
        db.execute("UPDATE core_auditchain SET last_seq = ?, last_hash = ?", (seq - 1, prev))
    assert run("audit", "verify").returncode == 0  # without checkpoints the cut cannot be seen
    done = run("audit", "verify", "--checkpoints", "cp.jsonl")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"audit chain of acme is broken: the chain ends at #{seq - 1} but the checkpoint of "
        f"{json.loads((tmp_path / 'cp.jsonl').read_text())['at']} (line 1) recorded #{seq}: newer events were deleted"]
