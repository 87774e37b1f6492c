"""A foreign key between two tenant objects never changes rows by itself when its target is deleted:
CASCADE and SET_NULL would remove or empty rows without their audit events (DESIGN.md: every write appends
its event). Such links use RESTRICT (a deletion that would reach them fails loudly; an organisation's
own deletion, which cascades to both ends, still works) or PROTECT, and services change them, audited:
archiving a risk, handing over a leaving member's holdings (accord.core.handover)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from accord.core.tenancy import TenantModel


def _tenant_links():
    """Every foreign key of an Accord model to a tenant model (the organisation link is not one)."""
    for model in apps.get_models():
        if not model.__module__.startswith("accord."):
            continue
        for field in model._meta.get_fields():
            if (isinstance(field, models.ForeignKey) and field.concrete
                    and isinstance(field.related_model, type) and issubclass(field.related_model, TenantModel)):
                yield f"{model._meta.label}.{field.name}", field.remote_field.on_delete


LINKS = dict(_tenant_links())


@pytest.mark.parametrize("link", sorted(LINKS))
def test_a_link_between_tenant_objects_never_changes_by_itself_on_delete(link):
    on_delete = LINKS[link]
    assert on_delete in (models.RESTRICT, models.PROTECT), (
        f"{link} uses {on_delete.__name__}: a deletion would change or remove rows without their audit events; "
        "use RESTRICT and a service that audits each object it changes")


def test_the_register_links_are_among_those_checked():
    assert {"risks.Risk.owner", "risks.Risk.treatment_owner", "risks.RiskAcceptance.risk",
            "risks.AcceptanceSignature.acceptance", "risks.AppetiteSignature.appetite"} <= set(LINKS)
