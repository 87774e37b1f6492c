"""The privacy app's models, one module per register (models_requests, models_breaches, and later the record of
processing), gathered here so Django finds them."""

from accord.privacy.models_breaches import Breach, BreachNotification
from accord.privacy.models_requests import DataSubjectRequest, IdentityPause

__all__ = ["Breach", "BreachNotification", "DataSubjectRequest", "IdentityPause"]
