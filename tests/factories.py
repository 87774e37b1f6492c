"""Test data builders: organisations, members with roles, tokens. Always through the services."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass
from typing import Any

from accord.core import services
from accord.core.models import Membership, Organization, User

PASSWORD = "correct-horse-battery-staple"
_seq = itertools.count(1)


def make_org(slug: str | None = None, *, name: str | None = None) -> Organization:
    n = next(_seq)
    slug = slug or f"org-{n}"
    return services.do_create_organization(None, slug=slug, name=name or f"Organisation {slug}")


def make_user(email: str | None = None, *, full_name: str = "") -> User:
    return services.do_create_user(email or f"user{next(_seq)}@example.test", password=PASSWORD, full_name=full_name)


@dataclass
class Persona:
    """A user with one role in one organisation, and the means to call the API as them."""

    user: User
    membership: Membership
    org: Organization
    _token: str | None = None

    @property
    def role(self) -> str:
        return self.membership.role

    @property
    def token(self) -> str:
        if self._token is None:
            _, self._token = services.do_create_token(None, self.org, self.user, name="tests")
        return self._token

    def auth(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}


def make_member(org: Organization, role: str, *, email: str | None = None, external: bool = False,
                board_representative: bool = False, full_name: str = "") -> Persona:
    user = make_user(email or f"{role}-{next(_seq)}@{org.slug}.test", full_name=full_name)
    m = services.do_add_member(None, org, user, role, external=external, board_representative=board_representative)
    return Persona(user=user, membership=m, org=org)


def sign_draft(user: User, org: Organization) -> Any:
    """Sign the organisation's current appetite draft as `user`, naming its version as every front must."""
    from accord.risks import selectors
    from accord.risks import services as risk_services

    draft = selectors.appetite_draft(org)
    assert draft is not None, "no appetite draft to sign"
    return risk_services.do_sign_appetite(user, org, version=draft.version)


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    """A workbook whose first sheet holds `rows`, as an upload would carry it."""
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def make_notification(membership: Membership, *, title: str = "", kind: str = "core.two_factor_required") -> Any:
    """An unread notification of `membership` (a kind every role may read, by default), written directly: the
    suites need one without the event behind it."""
    from accord.core.models import Notification

    org = membership.organization
    return Notification.objects.for_org(org).create(
        organization=org, recipient=membership, kind=kind, title=title or f"{org.name} notice",
        link=f"/o/{org.slug}/", object_type="core.organization", object_id=str(org.pk))


#: The effect fields a risk had before controls (decision 0044): tests still say a risk is "treated" that way.
TREATMENT_KEYS = {"treatment_frequency_reduction": "frequency_reduction", "treatment_loss_reduction": "loss_reduction"}


def treat(org: Organization, risk: Any, *, frequency: Any = None, loss: Any = None, actor: User | None = None,
          status: str = "implemented", name: str = "") -> Any:
    """An implemented control (unless `status` says otherwise) linked to `risk` with the given effect."""
    from accord.compliance import services_controls

    control = services_controls.do_create_control(actor, org, {
        "name": name or f"Treatment of {risk.ref}", "status": status, "kind": "process"})
    services_controls.do_link_control_risk(actor, org, control, risk, frequency_reduction=frequency,
                                           loss_reduction=loss)
    return control


def create_risk(actor: User | None, org: Organization, data: dict[str, Any]) -> Any:
    """`do_create_risk`, where `treatment_frequency_reduction` / `treatment_loss_reduction` in `data` become an
    implemented control linked to the new risk with that effect (what the retired fields meant)."""
    from accord.risks import services as risk_services

    data = dict(data)
    effect = {TREATMENT_KEYS[k]: data.pop(k) for k in list(data) if k in TREATMENT_KEYS}
    risk = risk_services.do_create_risk(actor, org, data)
    if any(v is not None for v in effect.values()):
        treat(org, risk, frequency=effect.get("frequency_reduction"), loss=effect.get("loss_reduction"), actor=actor)
    return risk
