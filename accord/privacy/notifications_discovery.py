"""The data-privacy audit's kind of notification, registered by PrivacyConfig.ready(): a system's owner is asked to
answer the data-inventory questionnaire of their system (the questionnaire's recipient, while it awaits an
answer)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accord.core.models import Membership, Organization
from accord.core.notifications.registry import Kind, register
from accord.privacy.choices_discovery import QuestionnaireStatus
from accord.privacy.models_discovery import Questionnaire
from accord.privacy.services_discovery import QUESTIONNAIRE_SENT


def _recipient(org: Organization, q: Questionnaire) -> list[Membership]:
    if q.status != QuestionnaireStatus.SENT or q.recipient_id is None:
        return []
    return list(Membership.objects.for_org(org).filter(pk=q.recipient_id).select_related("user"))


def _load(org: Organization, object_id: str) -> Questionnaire | None:
    return (Questionnaire.objects.for_org(org).filter(pk=int(object_id), status=QuestionnaireStatus.SENT)
            .select_related("audit", "system").first())


def register_discovery_kinds() -> None:
    register(Kind(
        QUESTIONNAIRE_SENT, gettext_lazy("A data-inventory questionnaire awaits your answer"),
        "privacy.data_audit.answer", recipients=_recipient,
        title=lambda q, m: _("%(audit)s: say which personal data %(system)s holds") % {
            "audit": q.audit.ref, "system": f"{q.system.ref} {q.system.name}"},
        link=lambda org, q: reverse("dataaudits:questionnaire", kwargs={
            "org": org.slug, "audit_id": q.audit_id, "questionnaire_id": q.pk}),
        load=_load,
        description=gettext_lazy("The DPO audits how personal data are really kept, and you own a system in the "
                                 "audit's scope.")))
