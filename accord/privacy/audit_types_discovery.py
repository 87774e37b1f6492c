"""How the data-privacy audit's object types read in the audit trail (accord.core.history): audits by reference,
questionnaires and discrepancies by their audit and system or key. Registered by PrivacyConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from accord.core.history import ObjectType, names_by_id, register
from accord.core.models import Organization
from accord.privacy.choices_discovery import DiscrepancyKind, DiscrepancyStatus, QuestionnaireStatus
from accord.privacy.models_discovery import DataAudit, DiscoveryImport, Discrepancy, Questionnaire


def _audits(org: Organization, ids: set[str]) -> Mapping[str, str]:
    return names_by_id(DataAudit.objects.for_org(org), ids, str)


def _imports(org: Organization, ids: set[str]) -> Mapping[str, str]:
    return names_by_id(DiscoveryImport.objects.for_org(org).select_related("audit"), ids,
                       lambda d: f"{d.audit.ref}: {d.filename}")


def _questionnaires(org: Organization, ids: set[str]) -> Mapping[str, str]:
    return names_by_id(Questionnaire.objects.for_org(org).select_related("audit", "system"), ids,
                       lambda q: f"{q.audit.ref}: {q.system.ref} {q.system.name}")


def _discrepancies(org: Organization, ids: set[str]) -> Mapping[str, str]:
    return names_by_id(Discrepancy.objects.for_org(org).select_related("audit"), ids,
                       lambda d: f"{d.audit.ref}: {d.key}")


def register_discovery_types() -> None:
    register("privacy.dataaudit", ObjectType(_("Data-privacy audit"), name=_audits, labels={
        "title": _("Title"), "assessment": _("Audit"), "activities": _("Activities"), "systems": _("Systems"),
        "compared": _("Comparison")}))
    register("privacy.discoveryimport", ObjectType(_("Data-discovery import"), name=_imports, labels={
        "audit": _("Data-privacy audit"), "filename": _("File"), "fields": _("Fields"),
        "personal": _("Fields holding personal data")}))
    register("privacy.questionnaire", ObjectType(_("Data-inventory questionnaire"), name=_questionnaires,
                                                 fields={"status": QuestionnaireStatus}, labels={
        "audit": _("Data-privacy audit"), "system": _("System"), "recipient": _("Sent to"),
        "fields": _("Fields held"), "stored_in": _("Stored in"), "retention": _("Retention applied"),
        "access": _("Who has access"), "shared_with": _("Shared with")}))
    register("privacy.discrepancy", ObjectType(_("Discrepancy"), name=_discrepancies,
                                               fields={"kind": DiscrepancyKind, "status": DiscrepancyStatus},
                                               labels={"key": _("Key"), "finding": _("Finding")}))
