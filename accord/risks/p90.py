"""Why a P90 of 0 can sit beside a positive ALE: the one wording every front shows (pages, reports, the
API's field descriptions), beside the figures `accord.risks.quantified` computes."""

from __future__ import annotations

from django.utils.formats import get_format
from django.utils.translation import gettext, gettext_lazy

from accord.charts import format_probability

#: The explanation in general, beside a table whose cells carry `p90_note` (a tooltip) each.
#: Lazy: pages read it in their language; the API's field descriptions, written at import, stay English.
P90_ZERO = gettext_lazy("A P90 of 0 beside a positive ALE: a rare risk, with a loss in at most one year in ten, so "
                        "its 1-in-10 bad year has none; the ALE spreads the rarer losses over every year.")


def p90_note(ale: float, p90: float, prob_any_loss: float) -> str:
    """Why a P90 of 0 sits beside a positive ALE, in one line; "" when it does not. A loss that comes in
    at most one year in ten leaves the 90th-percentile year without loss, while the mean (ALE) spreads
    the rarer losses over every year: both figures are right, and the P90 alone reads as "no risk"."""
    if p90 > 0 or ale <= 0:
        return ""
    share = format_probability(prob_any_loss).replace(".", str(get_format("DECIMAL_SEPARATOR")))
    return gettext("P90 is 0 because a loss comes in only %(share)s of simulated years (at most one in ten), so a "
                   "1-in-10 bad year has no loss; the ALE spreads the rarer losses over every year.") % {"share": share}
