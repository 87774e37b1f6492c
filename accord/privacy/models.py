"""The privacy app's models, one module per register (models_requests, models_breaches, and later the record of
processing), gathered here so Django finds them."""

from accord.privacy.models_breaches import Breach, BreachNotification
from accord.privacy.models_processors import Processor, ProcessorSystem, Transfer
from accord.privacy.models_requests import DataSubjectRequest, IdentityPause
from accord.privacy.models_ropa import ActivityProcessor, ActivitySystem, ProcessingActivity

__all__ = ["ActivityProcessor", "ActivitySystem", "Breach", "BreachNotification", "DataSubjectRequest",
           "IdentityPause", "ProcessingActivity", "Processor", "ProcessorSystem", "Transfer"]
