"""The register's part in removing a member (accord.core.handover): the risks they own or treat go to
the member the admin names, or are cleared, with one audit event per risk (archived risks too, so that
no `on_delete=SET_NULL` ever empties an owner without a record)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.models import Membership, Organization, User
from accord.core.tenancy import check_same_org
from accord.risks.models import Risk
from accord.risks.selectors import risks_held_by

PEOPLE = ("owner", "treatment_owner")


@transaction.atomic
def do_hand_over_member_risks(actor: User | None, org: Organization, membership: Membership,
                              reassign_to: Membership | None) -> int:
    """Make `reassign_to` (None: nobody) the owner and treatment owner of every risk where `membership` is one;
    one bulk update and one audit event per changed risk. Returns the number of risks changed."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    risks = list(risks_held_by(org, membership).select_for_update().only("pk", "number", "title", *PEOPLE))
    now = timezone.now()
    entries = []
    for risk in risks:
        before = audit.snapshot(risk, PEOPLE)
        if risk.owner_id == membership.pk:
            risk.owner = reassign_to
        if risk.treatment_owner_id == membership.pk:
            risk.treatment_owner = reassign_to
        risk.updated_at = now
        entries.append(audit.Entry(AuditAction.UPDATE, risk, audit.diff(before, audit.snapshot(risk, PEOPLE)),
                                   str(risk)))
    if risks:
        Risk.objects.for_org(org).bulk_update(risks, [*PEOPLE, "updated_at"], batch_size=500)
        audit.record_many(org, actor, entries)
    return len(risks)
