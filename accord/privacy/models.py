"""The privacy app's models, one module per register (models_requests, models_breaches, and later the record of
processing), gathered here so Django finds them."""

from accord.privacy.models_breaches import Breach, BreachNotification
from accord.privacy.models_discovery import (
    DataAudit,
    DataAuditActivity,
    DataAuditSystem,
    DiscoveredField,
    DiscoveryImport,
    Discrepancy,
    Questionnaire,
)
from accord.privacy.models_dpias import Dpia, DpiaControl, DpiaRisk, DpiaSignature
from accord.privacy.models_processors import Processor, ProcessorSystem, Transfer
from accord.privacy.models_requests import DataSubjectRequest, IdentityPause
from accord.privacy.models_ropa import ActivityProcessor, ActivitySystem, ProcessingActivity

__all__ = [
    "ActivityProcessor",
    "ActivitySystem",
    "Breach",
    "BreachNotification",
    "DataAudit",
    "DataAuditActivity",
    "DataAuditSystem",
    "DataSubjectRequest",
    "DiscoveredField",
    "DiscoveryImport",
    "Discrepancy",
    "Dpia",
    "DpiaControl",
    "DpiaRisk",
    "DpiaSignature",
    "IdentityPause",
    "ProcessingActivity",
    "Processor",
    "ProcessorSystem",
    "Questionnaire",
    "Transfer",
]
