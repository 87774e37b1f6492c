import io

import pytest

from accord.cli import main
from accord.core.models import ApiToken, Membership, Organization, User


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_org_user_member_and_token_commands_build_a_tenant(db, capsys, monkeypatch):
    assert run(capsys, "org", "create", "acme", "--name", "Acme", "--timezone", "Europe/Paris")[0] == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-enough-passphrase\n"))
    assert run(capsys, "user", "create", "ciso@acme.test", "--password-stdin")[0] == 0
    assert User.objects.get(email="ciso@acme.test").check_password("a-long-enough-passphrase")
    assert run(capsys, "member", "add", "acme", "ciso@acme.test", "ciso", "--external")[0] == 0
    code, out, _ = run(capsys, "member", "list", "acme")
    assert "ciso@acme.test\tciso\texternal" in out
    code, out, err = run(capsys, "token", "create", "ciso@acme.test", "--org", "acme")
    assert code == 0
    assert out.startswith("acc_")
    assert "not shown again" in err
    org = Organization.objects.get(slug="acme")
    assert ApiToken.objects.for_org(org).count() == 1
    assert run(capsys, "token", "revoke", out.strip()[:10], "--org", "acme")[0] == 0
    assert ApiToken.objects.for_org(org).get().revoked_at is not None



def test_org_list_counts_each_organisations_own_members(org_a, org_b, cio, ciso, outsider, capsys):
    code, out, _ = run(capsys, "org", "list")
    assert code == 0
    assert "org-a\tAlpha Clinic\tUTC\tEUR\t2 members" in out
    assert "org-b\tCANARYB Bank\tUTC\tEUR\t1 members" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["org", "create", "Bad Slug!", "--name", "x"], "slug"),
        (["org", "create", "ok", "--name", "x", "--timezone", "Mars/Base"], "time zone"),
        (["member", "add", "nowhere", "a@b.test", "cio"], "no organisation"),
        (["token", "create", "ghost@x.test", "--org", "nowhere"], "no organisation"),
        (["org", "governance", "nowhere"], "no organisation"),
    ],
)
def test_errors_are_one_line_and_exit_non_zero(db, capsys, args, message):
    code, _, err = run(capsys, *args)
    assert code != 0
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["member", "add", "acme"], "accord member add: the following arguments are required: email, role"),
        (["quant", "simulate", "x.json", "--years", "abc"], "accord quant simulate: argument --years: invalid int"),
    ],
)
def test_a_usage_error_exits_2_with_one_line(db, capsys, args, message):
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"accord: error: {message}")
    assert err.count("\n") == 1
    assert "--help" in err


def test_governance_can_be_shown_and_changed(org_a, capsys):
    code, out, _ = run(capsys, "org", "governance", "org-a", "--ciso-model", "external", "--ciso-reports-to", "ceo")
    assert code == 0
    assert "ciso_model=external" in out


def test_demo_loads_idempotently_and_prints_the_logins(db, capsys):
    assert run(capsys, "demo", "--no-serve")[0] == 0
    first = (Organization.objects.count(), Membership.unscoped.count(), User.objects.count())
    code, out, _ = run(capsys, "demo", "--no-serve")
    assert code == 0
    assert (Organization.objects.count(), Membership.unscoped.count(), User.objects.count()) == first
    assert first[0] >= 3
    assert "consultant@vciso.example" in out
    assert "accord-demo-2026" in out
    consultant = User.objects.get(email="consultant@vciso.example")
    assert Membership.unscoped.filter(user=consultant).count() == first[0]
    assert not Organization.objects.filter(two_factor_required=True).exists()  # password sign-in works everywhere
    assert run(capsys, "audit", "verify")[0] == 0


def test_the_demo_banner_names_the_port_it_was_given(db, capsys):
    code, out, _ = run(capsys, "demo", "--no-serve", "--port", "9123")
    assert code == 0
    assert "Sign in at http://127.0.0.1:9123/ " in out
    assert ":8000" not in out


def test_serve_announces_the_address_it_binds_once_it_listens(db, capsys, monkeypatch):
    bound = []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)
    monkeypatch.setattr("accord.core.server.run_server",
                        lambda host, port, workers, *, ready: bound.append((host, port, ready)))
    code, _, err = run(capsys, "serve", "--host", "127.0.0.2", "--port", "8443", "--workers", "1")
    assert code == 0
    [(host, port, ready)] = bound
    assert (host, port) == ("127.0.0.2", 8443)
    assert ready.startswith("Accord is serving on http://127.0.0.2:8443/ ")  # said by the server once it listens
    assert "serving" not in err and "Accord is starting on 127.0.0.2:8443" in err


def test_the_demo_tells_its_logins_once_the_server_listens_not_before(db, capsys, monkeypatch):
    said_before, ready_texts = [], []
    monkeypatch.setattr("django.core.management.call_command", lambda *a, **k: None)

    def serving(host, port, workers, *, ready):
        out, err = capsys.readouterr()
        said_before.append(out + err)
        ready_texts.append(ready)

    monkeypatch.setattr("accord.core.server.run_server", serving)
    code, _, _ = run(capsys, "demo", "--no-worker", "--port", "9124")
    assert code == 0
    assert "Sign in at" not in said_before[0]
    assert "Accord demo is ready. Sign in at http://127.0.0.1:9124/ " in ready_texts[0]
    assert ready_texts[0].rstrip().endswith("Ctrl-C stops it.")


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("127.0.0.1", 8001, "http://127.0.0.1:8001/"),
        ("0.0.0.0", 80, "http://127.0.0.1:80/"),  # noqa: S104 - a wildcard bind is reached on loopback
        ("::", 8000, "http://127.0.0.1:8000/"),
        ("::1", 9000, "http://[::1]:9000/"),
        ("accord.example.org", 8080, "http://accord.example.org:8080/"),
    ],
)
def test_the_site_address_is_one_a_browser_can_open(host, port, url):
    from accord.core.server import site_url

    assert site_url(host, port) == url


def test_django_management_commands_run_under_accord(db, capsys):
    assert run(capsys, "check")[0] == 0
