"""Demo data: a virtual-CISO practice with three client organisations (idempotent).

Other apps extend the demo with a `demo.py` module of their own that defines
`load(context: DemoContext) -> None`; they are called in INSTALLED_APPS order after the core data.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction

from accord.core import services
from accord.core.choices import Role
from accord.core.models import Membership, Organization, User
from accord.core.selectors import governance, organization_by_slug, user_by_email

DEMO_PASSWORD = "accord-demo-2026"  # noqa: S105 - printed to the person running the demo, by design


@dataclass(frozen=True)
class DemoOrg:
    slug: str
    name: str
    timezone: str
    currency: str
    profile: dict[str, str]
    members: tuple[tuple[str, str, str, bool, bool], ...]  # email, full name, role, external, board rep
    country: str = ""  # whose public holidays its clocks skip


CONSULTANT = "consultant@vciso.example"

ORGS = (
    DemoOrg(
        "nordpay", "Nordpay (fintech, 40 people)", "Europe/Berlin", "EUR",
        {"ciso_reports_to": "ceo", "ciso_model": "external", "dpo_model": "external"},
        (
            ("ceo@nordpay.example", "Nordpay CEO", Role.ADMIN, False, True),
            ("cio@nordpay.example", "Nordpay CIO", Role.CIO, False, False),
            (CONSULTANT, "vCISO consultant", Role.CISO, True, False),
            ("dpo@privacy-partners.example", "External DPO", Role.DPO, True, False),
            ("engineer@nordpay.example", "Nordpay engineer", Role.CONTRIBUTOR, False, False),
        ),
        country="DE",
    ),
    DemoOrg(
        "harbour-health", "Harbour Health Group (hospitals, 400 people)", "Europe/Paris", "EUR",
        {"ciso_reports_to": "ceo", "ciso_model": "internal", "dpo_model": "internal"},
        (
            ("admin@harbour-health.example", "Harbour IT administrator", Role.ADMIN, False, False),
            ("cio@harbour-health.example", "Harbour CIO", Role.CIO, False, False),
            ("ciso@harbour-health.example", "Harbour CISO", Role.CISO, False, False),
            ("dpo@harbour-health.example", "Harbour DPO", Role.DPO, False, False),
            ("auditor@audit-firm.example", "External auditor", Role.AUDITOR, False, False),
            ("board@harbour-health.example", "Harbour board member", Role.VIEWER, False, True),
            (CONSULTANT, "vCISO consultant", Role.CONTRIBUTOR, True, False),
        ),
        country="FR",
    ),
    DemoOrg(
        "brightcart", "Brightcart (online retail, 150 people)", "Europe/Amsterdam", "EUR",
        {"ciso_reports_to": "ceo", "ciso_model": "hybrid", "dpo_model": "external"},
        (
            ("ceo@brightcart.example", "Brightcart CEO", Role.ADMIN, False, True),
            ("cio-ciso@brightcart.example", "Brightcart CIO-CISO", Role.CIO, False, False),
            (CONSULTANT, "vCISO consultant", Role.DPO, True, False),
            ("buyer@brightcart.example", "Brightcart category manager", Role.CONTRIBUTOR, False, False),
            ("investor@brightcart.example", "Brightcart board observer", Role.VIEWER, False, False),
        ),
        country="NL",
    ),
)


@dataclass
class DemoContext:
    """What app demo loaders receive: the demo organisations by slug and the users by e-mail."""

    orgs: dict[str, Organization] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    scale: int = 0
    log: Callable[[str], None] = print


def _ensure_user(email: str, full_name: str) -> User:
    user = user_by_email(email)
    if user is None:
        user = services.do_create_user(email, password=DEMO_PASSWORD, full_name=full_name)
    return user


@transaction.atomic
def _load_core(ctx: DemoContext) -> None:
    for spec in ORGS:
        org = organization_by_slug(spec.slug)
        if org is None:
            org = services.do_create_organization(None, slug=spec.slug, name=spec.name,
                                                  timezone_name=spec.timezone, currency=spec.currency,
                                                  country=spec.country)
        elif not org.country and spec.country:  # a demo loaded before organisations had a country
            services.do_update_organization(None, org, country=spec.country)
        ctx.orgs[spec.slug] = org
        for email, full_name, role, external, board in spec.members:
            user = _ensure_user(email, full_name)
            ctx.users[email] = user
            if not Membership.objects.for_org(org).filter(user=user).exists():
                services.do_add_member(None, org, user, role, external=external, board_representative=board)
        current = governance(org)
        wanted = {k: v for k, v in spec.profile.items() if getattr(current, k) != v}
        if wanted:
            services.do_update_governance(None, org, **wanted)


@contextlib.contextmanager
def _unsent_counted() -> Iterator[list[int]]:
    """The notification e-mails left unsent for want of ACCORD_BASE_URL while the demo loads, counted rather
    than logged one warning per notification (the demo makes dozens)."""
    from accord.core.notifications import services as notifications

    counted: list[int] = []

    def count(record: logging.LogRecord) -> bool:
        unsent = getattr(record, notifications.UNSENT, None)
        if unsent is None:
            return True
        counted.append(int(unsent))
        return False

    logger = logging.getLogger(notifications.__name__)
    logger.addFilter(count)
    try:
        yield counted
    finally:
        logger.removeFilter(count)


def load_demo(*, scale: int = 0, log: Callable[[str], None] = print,
              site_url: str = "http://127.0.0.1:8000/") -> str:
    """Load (or top up) the demo data and return the text that lists the logins, telling the reader to sign
    in at `site_url` (where `accord demo` is about to serve)."""
    ctx = DemoContext(scale=scale, log=log)
    with _unsent_counted() as unsent:
        _load_core(ctx)
        for config in apps.get_app_configs():
            if not config.name.startswith("accord.") or config.name == "accord.core":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError as exc:
                if exc.name == f"{config.name}.demo":
                    continue
                raise
            module.load(ctx)
    if unsent:
        log(f"{sum(unsent)} notification e-mail(s) of the demo not sent: set ACCORD_BASE_URL so that their links "
            "have an address (`accord notify send-pending` sends them)")
    lines = ["", f"Accord demo is ready. Sign in at {site_url} with any of these "
             f"(password for all: {DEMO_PASSWORD}):", ""]
    for spec in ORGS:
        lines.append(f"  {spec.name}  [/o/{spec.slug}/]")
        for email, _name, role, external, board in spec.members:
            extra = " (external)" if external else ""
            extra += " (signs for the CEO/board)" if board else ""
            lines.append(f"    {Role(role).label!s:<16} {email}{extra}")
    lines.append("")
    return "\n".join(lines)
