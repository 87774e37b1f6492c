"""The incidents' enumerations: kinds, phases (NIST SP 800-61r3 as mapped to CSF 2.0), severities, the timeline's
entry kinds, tasks and the audiences of the communications log."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IncidentKind(models.TextChoices):
    RANSOMWARE = "ransomware", _("Ransomware")
    DATA_LEAK = "data_leak", _("Data leak")
    PHISHING = "phishing", _("Phishing or account compromise")
    OUTAGE = "outage", _("Service outage")
    THIRD_PARTY = "third_party", _("Third-party incident")
    LOST_DEVICE = "lost_device", _("Lost or stolen device")
    OTHER = "other", _("Other")


class IncidentStatus(models.TextChoices):
    """The phases in order; `advance` moves an incident to the next one and stamps its time."""

    DETECTED = "detected", _("Detected")
    ANALYSED = "analysed", _("Analysed")
    CONTAINED = "contained", _("Contained")
    ERADICATED = "eradicated", _("Eradicated")
    RECOVERED = "recovered", _("Recovered")
    CLOSED = "closed", _("Closed")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class PersonalData(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class EntryKind(models.TextChoices):
    OBSERVATION = "observation", _("Observation")
    ACTION = "action", _("Action")
    DECISION = "decision", _("Decision")
    COMMUNICATION = "communication", _("Communication")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class TaskKind(models.TextChoices):
    RESPONSE = "response", _("Response")
    RECOVERY = "recovery", _("Recovery of a system")


class IncidentRole(models.TextChoices):
    """The roles on an incident (a playbook's task names the one who owns it)."""

    COMMANDER = "commander", _("Incident commander")
    RESPONSE_LEAD = "response_lead", _("Response lead (CISO side)")
    RECOVERY_LEAD = "recovery_lead", _("Recovery lead (CIO side)")
    DPO = "dpo", _("DPO")


class Audience(models.TextChoices):
    REGULATOR = "regulator", _("Regulator")
    CUSTOMERS = "customers", _("Customers")
    STAFF = "staff", _("Staff")
    BOARD = "board", _("Board")
    PRESS = "press", _("Press")


class Nis2Report(models.TextChoices):
    """The Article 23 NIS2 reports an essential or important entity owes for a significant incident."""

    EARLY_WARNING = "early_warning", _("Early warning")
    NOTIFICATION = "notification", _("Incident notification")
    FINAL_REPORT = "final_report", _("Final report")


class LessonStatus(models.TextChoices):
    """Where a lesson's action stands."""

    OPEN = "open", _("Open")
    DONE = "done", _("Done")
