"""Accepting an offer (selectors_offers): the offered result is recorded on the audit's requirement through
the audits' own service (`services_assessments.do_record_result`: the same checks of who records where and
when, and its audit event), with a note saying where it came from."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from accord.compliance import rules, selectors_offers, services_assessments
from accord.compliance.models_assessments import Assessment, AssessmentResult
from accord.core.models import Organization, User
from accord.core.tenancy import check_same_org


@transaction.atomic
def do_accept_offer(actor: User | None, org: Organization, assessment: Assessment, target_id: int | str,
                    source_id: int | str) -> AssessmentResult:
    """Record on the result `target_id` of `assessment` what the result `source_id` offers it now (404 when
    it offers nothing any more). The notes keep what was there and add where the result came from; an
    offered not applicable carries its source's justification."""
    check_same_org(org, assessment=assessment)
    services_assessments.lock_org(org)  # the offer is read again under the lock that serialises recording
    offer = selectors_offers.access_offer(org, assessment, target_id, source_id)
    source = offer.source
    said = _("Accepted from %(ref)s %(audit)s (%(result)s, %(framework)s), mapped by %(set)s as %(relationship)s, "
             "strength %(strength)s.") % {
        "ref": source.requirement.ref, "audit": source.assessment.ref, "result": source.get_result_display(),
        "framework": source.requirement.framework.ref, "set": offer.mapping_set.name,
        "relationship": offer.relationship, "strength": f"{offer.strength.normalize():f}"}
    target = offer.target
    data = {"result": offer.result, "notes": f"{target.notes}\n\n{said}".strip()}
    if rules.needs_justification(offer.result):
        data["justification"] = source.justification
    return services_assessments.do_record_result(actor, org, target, data)
