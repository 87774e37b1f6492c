"""Tenant scoping for every model an organisation owns.

`Model.objects` on a tenant model has one way in, `for_org(org)`, which returns an ordinary
QuerySet filtered by that organisation. Every other public attribute a Django manager or QuerySet
has (sync or async, methods and properties, including any Django adds in a later release) raises
`TenantScopeError` when it is looked up, so a forgotten scope fails loudly instead of leaking or
locking another organisation's rows.

The guard is an allow-list, not a list of refused names: `TenantManager` derives from Django's
`BaseManager`, which carries none of the QuerySet proxy methods that `Manager` copies in with
`from_queryset`, and every public name of `models.Manager` and `models.QuerySet` that is not in
`ALLOWED` is replaced by a refusing descriptor when this module is imported. What `ALLOWED` keeps
is what Django's model machinery reads from every manager (`check`, `contribute_to_class`,
`deconstruct`, the creation counter and flags); none of it reads or writes rows.

Django's own machinery (unique checks, related managers, deletion, serializers, migrations) uses
the plain `unscoped` manager, the model's default manager. Application code names `unscoped` only
in the few places tests/core/test_tenancy.py lists, for work that really spans organisations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.manager import BaseManager

if TYPE_CHECKING:
    from accord.core.models import Organization

M = TypeVar("M", bound=models.Model)


class TenantScopeError(RuntimeError):
    """Raised when tenant data is queried without naming the organisation."""


# The public names of a manager that cannot reach rows; everything else public is refused, including
# a public method later written on TenantManager itself until it is added here (and to the test's list).
ALLOWED = frozenset({
    "for_org",  # the way in
    "check",  # system checks call it on every manager; BaseManager's returns []
    "contribute_to_class",  # installs the manager on its model class
    "deconstruct",  # how migrations would serialise it
    "auto_created", "creation_counter", "use_in_migrations",  # plain values Django's Options read
})


def _refusal(model: type[models.Model] | None, name: str) -> TenantScopeError:
    label = model.__name__ if model is not None else "Model"
    return TenantScopeError(
        f"{label}.objects.{name} is not scoped to an organisation: use {label}.objects.for_org(org) "
        f"(or {label}.unscoped for deliberate cross-organisation work listed in tests/core/test_tenancy.py)."
    )


class _Refused:
    """A class attribute that raises `TenantScopeError` as soon as it is read on a manager.

    Refusing on lookup (not on call) covers properties (`db`, `query`), sync and async methods alike:
    `await Risk.objects.acount()` raises before any coroutine exists.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, manager: object, owner: type | None = None) -> Any:
        if manager is None:  # class-level introspection (dir, help) sees the descriptor itself
            return self
        raise _refusal(getattr(manager, "model", None), self.name)

    def __call__(self, *args: object, **kwargs: object) -> NoReturn:  # TenantManager.filter(mgr) etc.
        raise _refusal(None, self.name)


def public_names(*classes: type) -> set[str]:
    """Every public attribute name of the classes (what `dir()` shows, without leading `_`)."""
    return {name for cls in classes for name in dir(cls) if not name.startswith("_")}


class TenantManager(BaseManager[M], Generic[M]):
    """A manager whose only way in is `for_org(org)`."""

    # Read by for_org and by BaseManager.deconstruct; BaseManager itself has no QuerySet class.
    _queryset_class: type[models.QuerySet[Any]] = models.QuerySet

    def for_org(self, org: Organization) -> models.QuerySet[M]:
        """All rows of this model that belong to `org` (a saved Organization, nothing else)."""
        from accord.core.models import Organization

        label = self.model.__name__ if self.model is not None else "Model"
        if not isinstance(org, Organization):
            raise TenantScopeError(
                f"{label}.objects.for_org() needs an Organization, got {type(org).__name__} {org!r}."
            )
        if org.pk is None:
            raise TenantScopeError(f"{label}.objects.for_org() needs a saved Organization, got unsaved {org!r}.")
        return self._queryset_class(model=self.model, using=self._db).filter(organization=org)

    if TYPE_CHECKING:  # what BaseManager declares to mypy; at run time these are refused below
        def get_queryset(self) -> NoReturn: ...
        def all(self) -> NoReturn: ...
        def db_manager(self, using: str | None = None, hints: dict[str, Any] | None = None) -> NoReturn: ...


REFUSED = frozenset(public_names(models.Manager, models.QuerySet, TenantManager) - ALLOWED)
for _name in REFUSED:
    setattr(TenantManager, _name, _Refused(_name))
del _name


class TenantModel(models.Model):
    """Base for tenant-owned data: a non-null organisation and the guarded manager."""

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")

    unscoped = models.Manager()
    objects: TenantManager[Any] = TenantManager()

    class Meta:
        abstract = True
        default_manager_name = "unscoped"


def check_same_org(org: Organization, **related: models.Model | None) -> None:
    """Refuse objects of another organisation than `org`, each named by the field it was given as
    (`check_same_org(org, risk=risk, owner=member)`): a `ValidationError` naming every such field, so a
    service never links or changes another tenant's row. An empty optional relation (None) passes.

    Services call it first, on every tenant object they are handed; objects they look up themselves
    with `for_org(org)` are of `org` already."""
    errors = {}
    for field, obj in related.items():
        if obj is None:
            continue
        owner = obj.pk if obj._meta.label == "core.Organization" else getattr(obj, "organization_id", None)
        if owner != org.pk:
            errors[field] = (f"This {obj._meta.verbose_name} (#{obj.pk}) belongs to another organisation; "
                             f"choose one of {org.name}'s.")
    if errors:
        raise ValidationError(errors)
