"""A DPIA as a PDF report (`accord.core.reports`): the processing activity, the description, the necessity and
proportionality, the risks to the rights and freedoms of data subjects against the signed appetite, the measures,
the DPO's advice, the controller's decision with its signatures, and whether prior consultation (Art. 36) is
required. Everything is read through `selectors_dpias.reading`; nothing is computed here.

A report of one DPIA among several: `accord report dpia ORG --with dpia=DPIA-001 --out FILE.pdf`, queued by the
DPIA page's "PDF" button (and the reports kit's API)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core import reports
from accord.core.models import Organization
from accord.privacy import selectors_dpias
from accord.privacy.models_dpias import Dpia

NAME = "dpia"


def check_parameters(org: Organization, asked: Mapping[str, Any]) -> dict[str, Any]:
    """The DPIA asked for (`dpia`: its reference DPIA-001, its number or its id) in `org`: 404 when it is not
    there, a `ValidationError` on `dpia` when none is named."""
    ident = str(asked.get("dpia", "")).strip()
    if not ident:
        raise ValidationError({"dpia": _("Name the DPIA to print: its reference (DPIA-001).")})
    unknown = sorted(set(asked) - {"dpia"})
    if unknown:
        raise ValidationError({unknown[0]: _("The DPIA report takes only the DPIA (dpia).")})
    text = ident.upper()
    if text.startswith("DPIA-"):
        number = text.removeprefix("DPIA-")
        found = (Dpia.objects.for_org(org).filter(number=int(number)).first() if number.isdigit() else None)
        if found is None:
            raise Http404("No such DPIA.")
        return {"dpia": found.pk}
    return {"dpia": selectors_dpias.access_dpia(org, ident).pk}


def build_dpia_report(org: Organization, dpia: int) -> reports.Document:
    """The report's content for the DPIA `dpia` (its id) of `org`."""
    read = selectors_dpias.reading(org, selectors_dpias.access_dpia(org, dpia))
    sections = [reports.Section("assessment", _("Assessment")),
                reports.Section("risks", _("Risks to the rights and freedoms of data subjects")),
                reports.Section("decision", _("Advice and decision"))]
    return reports.Document("privacy/reports/dpia.html", {"read": read, "dpia": read.dpia}, sections,
                            subject=read.dpia.ref)


DPIA_REPORT = reports.Report(NAME, gettext_lazy("Data protection impact assessment"), "privacy.dpia.view",
                             build_dpia_report, parameters=check_parameters)
