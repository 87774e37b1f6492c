"""What the register's pages share beyond the core web kit (accord.core.web): the filter form."""

from __future__ import annotations

from accord.core import selectors as core_selectors
from accord.core.web import OrgRequest
from accord.risks import selectors
from accord.risks.forms import RiskFilterForm


def filter_form(request: OrgRequest) -> RiskFilterForm:
    """The register's filters, from the query string."""
    return RiskFilterForm(request.GET, categories=selectors.categories(request.org),
                          members=core_selectors.members(request.org))
