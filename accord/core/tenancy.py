"""Tenant scoping for every model an organisation owns.

`Model.objects` on a tenant model refuses to run a query until it is told the organisation
(`Model.objects.for_org(org)`), so a forgotten filter fails loudly in development and tests instead
of leaking another organisation's rows. Django's own machinery (unique checks, related managers,
deletion) uses the plain `unscoped` manager, which is the model's default manager; application code
calls `unscoped` only for work that really spans organisations (audit verification, operators' CLI).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

from django.db import models

if TYPE_CHECKING:
    from accord.core.models import Organization

M = TypeVar("M", bound=models.Model)


class TenantScopeError(RuntimeError):
    """Raised when tenant data is queried without naming the organisation."""


_GUARDED = (
    "all", "filter", "exclude", "get", "count", "exists", "first", "last", "iterator", "values",
    "values_list", "order_by", "aggregate", "annotate", "select_related", "prefetch_related", "in_bulk",
    "create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "latest", "earliest",
    "only", "defer", "distinct", "update", "delete", "raw", "alias", "dates", "datetimes", "union",
)


class TenantManager(models.Manager[M], Generic[M]):
    """A manager whose only way in is `for_org(org)`."""

    def for_org(self, org: Organization) -> models.QuerySet[M]:
        """All rows of this model that belong to `org`."""
        return super().get_queryset().filter(organization=org)


def _refuse(name: str) -> Any:
    def method(self: TenantManager[Any], *args: object, **kwargs: object) -> NoReturn:
        model = self.model.__name__ if self.model else "model"
        raise TenantScopeError(
            f"{model}.objects.{name}() has no organisation: use {model}.objects.for_org(org) "
            f"(or {model}.unscoped for deliberate cross-organisation work)."
        )

    method.__name__ = name
    return method


for _name in _GUARDED:
    setattr(TenantManager, _name, _refuse(_name))


class TenantModel(models.Model):
    """Base for tenant-owned data: a non-null organisation and the guarded manager."""

    organization = models.ForeignKey("core.Organization", on_delete=models.CASCADE, related_name="+")

    unscoped = models.Manager()
    objects: TenantManager[Any] = TenantManager()

    class Meta:
        abstract = True
        default_manager_name = "unscoped"
