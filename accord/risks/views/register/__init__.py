"""Web pages of the risk register (the register, risk pages, heat map, appetite, matrix and categories):
thin, each parses input, calls one service or selector, renders.

Writes have their own URL names, so the role table checks each one; htmx requests get the part of
the page they replace (the `_*.html` partials) and plain requests the whole page, so every page also
works without JavaScript.

One module a page or group of pages: the register list (`listing`), the register as a file (`files`),
the risk page (`detail`, its history from core's `object_history`), writes of a risk (`edit`), archiving
and restoring (`archive`), acceptances (`acceptances`), the heat maps (`heatmap`), the appetite (`appetite`)
and the matrix and categories (`settings`); what they share is in `common`.
"""

from accord.risks.views.register.acceptances import acceptance_request, acceptance_sign, acceptance_withdraw
from accord.risks.views.register.appetite import (
    AppetiteVersion,
    appetite,
    appetite_draft,
    appetite_opinion,
    appetite_sign,
)
from accord.risks.views.register.archive import risk_archive, risk_restore
from accord.risks.views.register.detail import risk_detail, risk_section
from accord.risks.views.register.edit import risk_create, risk_edit, risk_section_edit
from accord.risks.views.register.files import export, import_risks
from accord.risks.views.register.heatmap import heatmap, heatmap_svg
from accord.risks.views.register.listing import index, risk_list
from accord.risks.views.register.settings import category_create, category_edit, matrix_change, risk_settings

__all__ = [
    "AppetiteVersion",
    "acceptance_request",
    "acceptance_sign",
    "acceptance_withdraw",
    "appetite",
    "appetite_draft",
    "appetite_opinion",
    "appetite_sign",
    "category_create",
    "category_edit",
    "export",
    "heatmap",
    "heatmap_svg",
    "import_risks",
    "index",
    "matrix_change",
    "risk_archive",
    "risk_create",
    "risk_detail",
    "risk_edit",
    "risk_list",
    "risk_restore",
    "risk_section",
    "risk_section_edit",
    "risk_settings",
]
