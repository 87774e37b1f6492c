"""Demo frameworks: ISO/IEC 27001:2022 in each demo organisation (idempotent: installed once)."""

from __future__ import annotations

from accord.compliance import selectors, services
from accord.core.demo import DemoContext

DEMO_FRAMEWORKS = {"nordpay": ("iso27001-2022",), "harbour-health": ("iso27001-2022",),
                   "brightcart": ("iso27001-2022",)}


def load(context: DemoContext) -> None:
    for slug, keys in DEMO_FRAMEWORKS.items():
        org = context.orgs[slug]
        have = set(selectors.frameworks(org).values_list("builtin", flat=True))
        for key in keys:
            if key not in have:
                framework = services.do_install_builtin_framework(None, org, key)
                context.log(f"{slug}: installed the framework {framework.name}")
