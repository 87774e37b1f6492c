"""The tenant manager fails closed: `objects.for_org(org)` is its only way in, every other manager or
QuerySet entry raises, and Django's own machinery keeps working through the plain `unscoped` manager."""

from __future__ import annotations

import ast
import copy
import inspect
from pathlib import Path

import pytest
from asgiref.sync import async_to_sync
from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.models import Prefetch, RestrictedError
from django.forms import modelform_factory

import accord
from accord.core import tenancy
from accord.core.models import ApiToken, Membership, Organization, User
from accord.core.tenancy import TenantManager, TenantModel, TenantScopeError
from accord.risks.models import Risk, RiskCategory
from accord.risks.services import do_create_risk, do_hand_over_member_risks

# The documented allow-list (decision 0001). Changing it is a deliberate act: change it here too.
DOCUMENTED_ALLOWED = {
    "for_org", "check", "contribute_to_class", "deconstruct", "auto_created", "creation_counter",
    "use_in_migrations",
}


def public_names(*classes: type) -> set[str]:
    return {name for cls in classes for name in dir(cls) if not name.startswith("_")}


DJANGO_ENTRIES = sorted(public_names(models.Manager, models.QuerySet) - DOCUMENTED_ALLOWED)
ASYNC_ENTRIES = [
    name for name in DJANGO_ENTRIES
    if inspect.iscoroutinefunction(getattr(models.QuerySet, name, None))
    or inspect.isasyncgenfunction(getattr(models.QuerySet, name, None))
]
TENANT_MODELS = sorted((m for m in apps.get_models() if issubclass(m, TenantModel)), key=lambda m: m._meta.label)


def refusal(model: type[models.Model], name: str) -> str:
    return rf"{model.__name__}\.objects\.{name} is not scoped to an organisation: use .*for_org\(org\)"


def risk_in(persona, title: str) -> Risk:
    return do_create_risk(persona.user, persona.org, {
        "title": title, "category": "cyber_security", "likelihood": 3, "impact": 3, "owner": persona.user.email})


# No `db` fixture below: pytest-django would turn any query into a different error than the one expected.
@pytest.mark.parametrize("name", DJANGO_ENTRIES)
def test_every_manager_and_queryset_entry_outside_the_allow_list_raises_on_every_tenant_model(name):
    for model in TENANT_MODELS:
        with pytest.raises(TenantScopeError, match=refusal(model, name)):
            getattr(model.objects, name)


def test_the_enumeration_covers_the_entries_the_review_walked_around():
    walked_around = {"select_for_update", "none", "reverse", "using", "extra", "get_queryset",
                     "aget", "acount", "aiterator", "all", "filter", "raw", "db_manager"}
    assert walked_around <= set(DJANGO_ENTRIES)
    assert {"aget", "acount", "aiterator", "acreate", "aupdate", "adelete", "aexists"} <= set(ASYNC_ENTRIES)
    assert len(TENANT_MODELS) >= 12


def test_the_tenant_manager_has_no_public_entry_beyond_the_documented_allow_list():
    assert tenancy.ALLOWED == DOCUMENTED_ALLOWED
    surface = public_names(type(Risk.objects))
    assert surface >= DOCUMENTED_ALLOWED
    for name in surface - DOCUMENTED_ALLOWED:
        with pytest.raises(TenantScopeError, match=refusal(Risk, name)):
            getattr(Risk.objects, name)


def test_the_allowed_entries_are_bookkeeping_that_reads_and_writes_no_rows():
    manager = Risk.objects  # no database access is allowed in this test: a query would fail it
    assert manager.model is Risk
    assert manager.name == "objects"
    assert manager.auto_created is False
    assert isinstance(manager.creation_counter, int)
    assert manager.use_in_migrations is False  # so migrations never carry it
    assert manager.check() == []
    assert manager.deconstruct() == (False, "accord.core.tenancy.TenantManager", None, (), {})

    class Host:
        class _meta:
            added: list[object] = []
            add_manager = added.append

    spare = copy.copy(manager)  # contribute_to_class rebinds the manager it is called on
    spare.contribute_to_class(Host, "guarded")
    assert Host._meta.added == [spare]
    assert isinstance(Host.__dict__["guarded"], models.manager.ManagerDescriptor)


def test_for_org_is_a_plain_queryset_filtered_by_the_organisation():
    org = Organization(pk=41, slug="org-41")
    queryset = Risk.objects.for_org(org)
    locked = queryset.select_for_update()
    assert type(queryset) is models.QuerySet and type(locked) is models.QuerySet
    assert locked.query.select_for_update
    # Compiled without the lock: PostgreSQL's compiler asks the connection about autocommit for FOR UPDATE.
    assert '"risks_risk"."organization_id" = 41' in str(queryset.query)


@pytest.mark.parametrize(
    ("org", "message"),
    [
        (None, r"needs an Organization, got NoneType None"),
        (7, r"needs an Organization, got int 7"),
        ("org-a", r"needs an Organization, got str 'org-a'"),
        (Organization(slug="unsaved"), r"needs a saved Organization, got unsaved"),
    ],
)
def test_for_org_refuses_anything_but_a_saved_organisation(org, message):
    with pytest.raises(TenantScopeError, match=rf"Risk\.objects\.for_org\(\) {message}"):
        Risk.objects.for_org(org)


def test_for_org_refuses_another_models_instance(cio):
    with pytest.raises(TenantScopeError, match=r"needs an Organization, got Membership"):
        Risk.objects.for_org(cio.membership)


def test_async_entries_raise_before_any_coroutine_runs():
    async def use(name: str) -> object:
        result = getattr(Risk.objects, name)()
        if inspect.isawaitable(result):
            return await result
        return [row async for row in result]

    async def count() -> int:
        return await Risk.objects.acount()

    with pytest.raises(TenantScopeError, match=refusal(Risk, "acount")):
        async_to_sync(count)()
    for name in ASYNC_ENTRIES:
        with pytest.raises(TenantScopeError, match=refusal(Risk, name)):
            async_to_sync(use)(name)


def test_cross_organisation_reads_fail_through_every_unscoped_route(org_a, org_b, ciso, outsider):
    risk_in(ciso, "A's ransomware")
    foreign = risk_in(outsider, "CANARYB fraud")

    async def aget() -> Risk:
        return await Risk.objects.aget(pk=foreign.pk)

    attempts = {
        "select_for_update": lambda: Risk.objects.select_for_update().get(pk=foreign.pk),
        "none": lambda: Risk.objects.none().union(Risk.unscoped.filter(pk=foreign.pk)),
        "get_queryset": lambda: Risk.objects.get_queryset().get(pk=foreign.pk),
        "all": lambda: Risk.objects.all().get(pk=foreign.pk),
        "reverse": lambda: Risk.objects.reverse().get(pk=foreign.pk),
        "using": lambda: Risk.objects.using("default").get(pk=foreign.pk),
        "db_manager": lambda: Risk.objects.db_manager("default").get(pk=foreign.pk),
        "extra": lambda: Risk.objects.extra(where=["1 = 1"]).get(pk=foreign.pk),
        "raw": lambda: list(Risk.objects.raw("SELECT * FROM risks_risk")),
        "in_bulk": lambda: Risk.objects.in_bulk([foreign.pk]),
        "aget": lambda: async_to_sync(aget)(),
    }
    for name, attempt in attempts.items():
        with pytest.raises(TenantScopeError, match=refusal(Risk, name)), transaction.atomic():
            attempt()

    with transaction.atomic():
        assert not Risk.objects.for_org(org_a).select_for_update().filter(pk=foreign.pk).exists()
    with pytest.raises(Risk.DoesNotExist, match="does not exist"):
        Risk.objects.for_org(org_a).get(pk=foreign.pk)
    assert [r.title for r in Risk.objects.for_org(org_a)] == ["A's ransomware"]


def test_async_reads_through_for_org_stay_inside_the_organisation(org_a, org_b, ciso, outsider):
    foreign = risk_in(outsider, "CANARYB fraud")

    async def exists_in_a() -> bool:
        return await Risk.objects.for_org(org_a).filter(pk=foreign.pk).aexists()

    async def count_in_b() -> int:
        return await Risk.objects.for_org(org_b).acount()

    assert async_to_sync(exists_in_a)() is False
    assert async_to_sync(count_in_b)() == 1


def test_memberships_list_only_their_organisation(org_a, org_b, cio, outsider):
    assert list(Membership.objects.for_org(org_a)) == [cio.membership]
    assert list(Membership.objects.for_org(org_b)) == [outsider.membership]


@pytest.mark.parametrize("model", TENANT_MODELS, ids=lambda m: m._meta.label)
def test_djangos_default_and_base_managers_are_plain_on_every_tenant_model(model):
    assert model._default_manager is model.unscoped
    assert not isinstance(model._default_manager, TenantManager)
    assert not isinstance(model._base_manager, TenantManager)
    assert isinstance(model.objects, TenantManager)
    assert model.objects.model is model
    assert model.check() == []


def test_unique_checks_in_full_clean_and_model_forms_see_every_row(org_a, cio):
    duplicate = Membership(organization=org_a, user=cio.user, role="viewer")
    with pytest.raises(ValidationError, match="already exists"):
        duplicate.full_clean()
    form = modelform_factory(Membership, fields=["role", "external"])(
        instance=cio.membership, data={"role": "ciso", "external": "on"})
    assert form.is_valid(), form.errors


def test_related_managers_descriptors_and_joins_work_on_tenant_models(org_a, ciso):
    risk = risk_in(ciso, "Ransomware")
    fresh = Risk.objects.for_org(org_a).get(pk=risk.pk)
    assert fresh.category.key == "cyber_security"  # forward FK: the base manager
    assert list(fresh.category.risks.all()) == [risk]  # reverse FK: a manager built on the default one
    assert list(ciso.user.memberships.all()) == [ciso.membership]
    org = Organization.objects.get(pk=org_a.pk)
    assert org.governance.organization_id == org.pk  # reverse one-to-one
    assert org.audit_chain.last_seq >= 1

    joined = Risk.objects.for_org(org_a).select_related("category", "owner__user").get(pk=risk.pk)
    assert joined.owner.user == ciso.user
    user = User.objects.prefetch_related(
        "memberships", Prefetch("api_tokens", queryset=ApiToken.objects.for_org(org_a))).get(pk=ciso.user.pk)
    assert list(user.memberships.all()) == [ciso.membership]
    categories = RiskCategory.objects.for_org(org_a).prefetch_related("risks").filter(key="cyber_security")
    assert [list(c.risks.all()) for c in categories] == [[risk]]


def test_deletion_cascades_and_restrictions_reach_tenant_rows(org_a, ciso):
    risk = risk_in(ciso, "Ransomware")
    ciso.token  # noqa: B018 - creates the persona's API token
    # The risk's owner link is RESTRICT (tests/test_tenant_links.py): the collector sees it through the guard.
    with pytest.raises(RestrictedError, match="restricted foreign keys"), transaction.atomic():
        ciso.user.delete()
    assert Membership.objects.for_org(org_a).filter(pk=ciso.membership.pk).exists()
    do_hand_over_member_risks(None, org_a, ciso.membership, None)
    ciso.user.delete()
    assert not Membership.objects.for_org(org_a).filter(pk=ciso.membership.pk).exists()
    assert not ApiToken.objects.for_org(org_a).exists()
    assert Risk.objects.for_org(org_a).get(pk=risk.pk).owner is None


def test_serializers_and_migration_history_work_on_tenant_models(org_a, org_b, ciso, outsider):
    risk = risk_in(ciso, "Ransomware")
    risk_in(outsider, "CANARYB fraud")
    data = serializers.serialize("json", Risk.objects.for_org(org_a))
    assert [d.object for d in serializers.deserialize("json", data)] == [risk]

    historical = MigrationLoader(None, ignore_no_migrations=True).project_state().apps.get_model("risks", "Risk")
    assert not hasattr(historical, "objects")  # RunPython code sees only the plain default manager
    assert historical._default_manager.filter(organization_id=org_a.pk).count() == 1


# Modules and functions allowed to reach past the tenant guard. Each entry spans organisations by
# nature; tenant work uses Model.objects.for_org(org). `_default_manager` and `_base_manager` are
# the same door as `unscoped`, so they count too.
UNSCOPED_ALLOWED = {
    ("accord/core/selectors.py", "member_counts"): "operators' CLI counts the members of every organisation",
    ("accord/core/selectors.py", "memberships_of"): "a user's organisations, for sign-in and the switcher",
    ("accord/core/selectors.py", "domains_claimed_elsewhere"): "one e-mail domain, one organisation's identity "
                                                                "provider (decision 0033)",
    ("accord/core/selectors.py", "invitation_by_token"): "an invitation link's token is its only key",
    ("accord/core/selectors.py", "token_by_plaintext"): "an API call's bearer token is its only key",
    ("accord/core/jobs/runner.py", "_claim"): "a worker receives only a job's id from the queue",
    ("accord/core/jobs/runner.py", "run_job"): "a worker receives only a job's id from the queue",
    ("accord/core/jobs/runner.py", "recover_lost"): "a worker takes back every organisation's lost jobs",
    ("accord/core/notifications/selectors.py", "unsubscribe_target"): "an unsubscribe link's signed token is its "
                                                                      "only key",
}
GUARD_BYPASSES = {"unscoped", "_default_manager", "_base_manager"}


def guard_bypasses(source: str) -> list[tuple[str, int, str]]:
    """(function, line, name) for every `.unscoped`/`._default_manager`/`._base_manager` in `source`,
    including `getattr(x, "unscoped")`; code outside any function counts as `<module>`."""
    found: list[tuple[str, int, str]] = []

    def visit(node: ast.AST, scope: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else scope
            if isinstance(child, ast.Attribute) and child.attr in GUARD_BYPASSES:
                found.append((scope, child.lineno, child.attr))
            elif isinstance(child, ast.Constant) and child.value in GUARD_BYPASSES:
                found.append((scope, child.lineno, child.value))
            visit(child, inner)

    visit(ast.parse(source), "<module>")
    return found


def test_the_bypass_scanner_finds_attribute_and_getattr_uses():
    planted = (
        "x = Risk.unscoped.all()\n"
        "def leak(m):\n    return getattr(m, 'unscoped'), m._default_manager, m._base_manager\n"
        "def fine(org):\n    return Risk.objects.for_org(org)\n"
    )
    assert guard_bypasses(planted) == [
        ("<module>", 1, "unscoped"), ("leak", 3, "unscoped"), ("leak", 3, "_default_manager"),
        ("leak", 3, "_base_manager")]


def test_only_the_listed_functions_reach_past_the_tenant_guard():
    package = Path(accord.__file__).parent
    uses: dict[tuple[str, str], list[str]] = {}
    for path in sorted(package.rglob("*.py")):
        module = path.relative_to(package.parent).as_posix()
        if "/migrations/" in module or module == "accord/core/tenancy.py":
            continue
        for scope, line, name in guard_bypasses(path.read_text(encoding="utf-8")):
            uses.setdefault((module, scope), []).append(f"{module}:{line} {name}")

    unexpected = [
        f"{scope}() reaches past the tenant guard at {', '.join(where)}: tenant work goes through "
        f"Model.objects.for_org(org); if this really spans organisations, add ({module!r}, {scope!r}) with its "
        "reason to UNSCOPED_ALLOWED in tests/core/test_tenancy.py, deliberately"
        for (module, scope), where in uses.items() if (module, scope) not in UNSCOPED_ALLOWED
    ]
    assert not unexpected, "\n".join(unexpected)
    stale = sorted(set(UNSCOPED_ALLOWED) - set(uses))
    assert not stale, f"no longer reach past the guard, remove them from UNSCOPED_ALLOWED: {stale}"

