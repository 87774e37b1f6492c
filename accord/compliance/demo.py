"""Demo frameworks and controls: ISO/IEC 27001:2022 in each demo organisation, and a controls library whose
implemented treatments carry the demo risks' effects (accord/risks/demo: `Money.fewer_events`, `less_loss`).
Idempotent: frameworks are installed once, controls are added only to an organisation that has none."""

from __future__ import annotations

from accord.compliance import demo_assessments, demo_soa, selectors, services, services_controls, services_mappings
from accord.compliance.models_controls import Control
from accord.core.demo import DemoContext
from accord.risks.demo import REGISTERS
from accord.risks.models import Risk

DEMO_FRAMEWORKS = {"nordpay": ("iso27001-2022",), "harbour-health": ("iso27001-2022",),
                   "brightcart": ("iso27001-2022",)}


def _frameworks(context: DemoContext) -> None:
    for slug, keys in DEMO_FRAMEWORKS.items():
        org = context.orgs[slug]
        have = set(selectors.frameworks(org).values_list("builtin", flat=True))
        for key in keys:
            if key not in have:
                framework = services.do_install_builtin_framework(None, org, key)
                context.log(f"{slug}: installed the framework {framework.name}")


def _mapping_sets(context: DemoContext) -> None:
    """The built-in mapping sets of the demo organisations that have both ends of one (installing a framework
    brings them; this catches a demo database made before mapping sets existed)."""
    for slug in DEMO_FRAMEWORKS:
        for made in services_mappings.do_install_builtin_mapping_sets(None, context.orgs[slug]):
            context.log(f"{slug}: installed the mapping set {made.name}")


def _treatments(context: DemoContext) -> None:
    """One implemented treatment control per demo risk whose spec records an effect."""
    for slug, register in REGISTERS.items():
        org = context.orgs.get(slug)
        if org is None or Control.objects.for_org(org).exists():
            continue
        risks = {r.title: r for r in Risk.objects.for_org(org).select_related("owner__user")}
        made = 0
        for title, money in register.money.items():
            risk = risks.get(title)
            if risk is None or (money.fewer_events is None and money.less_loss is None):
                continue
            control = services_controls.do_create_control(None, org, {
                "name": f"Treatment of {risk.ref}: {risk.title}"[:200], "kind": "process", "status": "implemented",
                "owner": risk.owner.user.email if risk.owner else None, "description": risk.treatment_plan})
            services_controls.do_link_control_risk(None, org, control, risk, frequency_reduction=money.fewer_events,
                                                   loss_reduction=money.less_loss)
            made += 1
        context.log(f"{slug}: {made} demo controls")


def load(context: DemoContext) -> None:
    _frameworks(context)
    _mapping_sets(context)
    _treatments(context)
    demo_assessments.load(context)
    demo_soa.load(context)
