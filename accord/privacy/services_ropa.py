"""Writes of the record of processing, each in one transaction with its audit event: processing activities
(create, change) with their systems and processors, and an activity's DPIA screening (the answers, the rule's
outcome from `rules_screening`, the DPO's justified exception).

Input uses the API's names; every bad field is reported at once, naming the field, the value and what is allowed.
Systems are named by reference (S-001) or name, processors by reference (PR-001) or name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.clock import org_today
from accord.core.models import Organization, User
from accord.core.tenancy import check_same_org
from accord.core.wording import too_long
from accord.portfolio.models_systems import System
from accord.privacy import rules_screening, selectors_ropa
from accord.privacy.adequacy import shipped
from accord.privacy.choices_ropa import Art9Condition, LegalBasis, RecordKind
from accord.privacy.models_processors import Processor
from accord.privacy.models_ropa import ActivityProcessor, ActivitySystem, ProcessingActivity
from accord.privacy.services_common import lock_org

TEXTS = ("name", "description", "controller_name", "controller_contact", "joint_controller_name",
         "joint_controller_contact", "representative_name", "representative_contact", "dpo_name", "dpo_contact",
         "retention", "security_measures")
FLAGS = ("joint_controllership", "representative_required", "dpo_designated", "no_recipients")
LISTS = ("processing_categories", "data_subjects")
TABLES = ("controllers", "purposes", "data_categories", "recipients")
LINKS = ("systems", "processors")
ACTIVITY_FIELDS = ("name", "description", "record_kind", "controller_name", "controller_contact",
                   "joint_controllership", "joint_controller_name", "joint_controller_contact",
                   "representative_required", "representative_name", "representative_contact", "dpo_designated",
                   "dpo_name", "dpo_contact", "controllers", "processing_categories", "purposes", "data_subjects",
                   "data_categories", "recipients", "no_recipients", "retention", "security_measures", "systems",
                   "processors")
#: The model fields the audit trail records of an activity (its links as lists of references beside).
AUDITED = tuple(f for f in ACTIVITY_FIELDS if f not in LINKS)
SCREENING_AUDITED = ("screening_criteria", "screening_cases", "screening_exception", "screening_outcome")
MAX_TEXT = 10_000
MAX_ITEMS = 200
_SHORT = {"name": 200, "controller_name": 200, "joint_controller_name": 200, "representative_name": 200,
          "dpo_name": 200, "controller_contact": 300, "joint_controller_contact": 300,
          "representative_contact": 300, "dpo_contact": 300}


def _allowed(value: Any, choices: Any) -> str:
    return _("'%(value)s' is not allowed; use one of: %(allowed)s.") % {
        "value": value, "allowed": ", ".join(str(v) for v in choices.values)}


class _Cleaner:
    def __init__(self, org: Organization) -> None:
        self.org = org
        self.errors: dict[str, str] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(self, name: str, value: Any, limit: int = MAX_TEXT) -> str:
        text = "" if value is None else str(value).strip()
        if len(text) > limit:
            self.fail(name, too_long(limit, len(text)))
        return text

    def flag(self, name: str, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        word = "" if value is None else str(value).strip().casefold()
        if word in ("true", "yes", "1", "on", "oui"):
            return True
        if word in ("false", "no", "0", "off", "non", ""):
            return False
        self.fail(name, _("'%(value)s' is not yes or no.") % {"value": value})
        return False

    def items(self, name: str, value: Any) -> list[Any]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = value.split(";")
        if not isinstance(value, (list, tuple)):
            self.fail(name, _("Expected a list."))
            return []
        if len(value) > MAX_ITEMS:
            self.fail(name, _("At most %(most)s items (%(given)s given).") % {"most": MAX_ITEMS, "given": len(value)})
            return []
        return list(value)

    def words(self, name: str, value: Any) -> list[str]:
        texts = [self.text(name, item, 200) for item in self.items(name, value)]
        return list(dict.fromkeys(t for t in texts if t))

    def table(self, name: str, value: Any, keys: Sequence[str]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for index, item in enumerate(self.items(name, value)):
            if not isinstance(item, Mapping):
                self.fail(name, _("Item %(n)s: expected an object with %(keys)s.") % {"n": index + 1,
                                                                                   "keys": ", ".join(keys)})
                continue
            unknown = sorted(set(item) - set(keys))
            if unknown:
                self.fail(name, _("Item %(n)s: unknown %(unknown)s; use %(keys)s.") % {
                    "n": index + 1, "unknown": ", ".join(unknown), "keys": ", ".join(keys)})
                continue
            if not str(item.get("name") or "").strip():
                self.fail(name, _("Item %(n)s: the name is required.") % {"n": index + 1})
                continue
            rows.append(dict(item))
        return rows


def _purposes(c: _Cleaner, value: Any) -> list[dict[str, Any]]:
    out = []
    for index, row in enumerate(c.table("purposes", value, ("name", "legal_basis", "lia"))):
        basis = str(row.get("legal_basis") or "").strip()
        if basis and basis not in LegalBasis.values:
            c.fail("purposes", _("Item %(n)s: legal basis %(msg)s") % {"n": index + 1,
                                                                      "msg": _allowed(basis, LegalBasis)})
        purpose: dict[str, Any] = {"name": c.text("purposes", row["name"], 300), "legal_basis": basis}
        lia = row.get("lia")
        if lia not in (None, {}, ""):
            if not isinstance(lia, Mapping) or set(lia) - {"interest", "necessity", "balancing"}:
                c.fail("purposes", _("Item %(n)s: the assessment has interest, necessity and balancing.")
                       % {"n": index + 1})
            elif basis != LegalBasis.LEGITIMATE_INTERESTS:
                c.fail("purposes", _("Item %(n)s: a legitimate-interests assessment is for legal basis (f) only.")
                       % {"n": index + 1})
            else:
                purpose["lia"] = {k: c.text("purposes", lia.get(k)) for k in ("interest", "necessity", "balancing")}
        out.append(purpose)
    return out


def _categories(c: _Cleaner, value: Any) -> list[dict[str, Any]]:
    out = []
    for index, row in enumerate(c.table("data_categories", value,
                                        ("name", "special", "art9_condition", "retention"))):
        special = c.flag("data_categories", row.get("special", False))
        condition = str(row.get("art9_condition") or "").strip()
        if condition and not special:
            c.fail("data_categories", _("Item %(n)s: an Art. 9(2) condition is for a special category only.")
                   % {"n": index + 1})
        elif condition and condition not in Art9Condition.values:
            c.fail("data_categories", _("Item %(n)s: Art. 9(2) condition %(msg)s")
                   % {"n": index + 1, "msg": _allowed(condition, Art9Condition)})
        out.append({"name": c.text("data_categories", row["name"], 300), "special": special,
                    "art9_condition": condition, "retention": c.text("data_categories", row.get("retention"), 300)})
    return out


def _recipients(c: _Cleaner, value: Any) -> list[dict[str, Any]]:
    out = []
    decisions = shipped()
    for index, row in enumerate(c.table("recipients", value, ("name", "country"))):
        country = str(row.get("country") or "").strip().upper()
        if country and not (len(country) == 2 and country.isalpha()) and decisions.find(country) is None:
            c.fail("recipients", _("Item %(n)s: '%(value)s' is not an ISO 3166-1 alpha-2 country code.")
                   % {"n": index + 1, "value": country})
        out.append({"name": c.text("recipients", row["name"], 300), "country": country})
    return out


def _controllers(c: _Cleaner, value: Any) -> list[dict[str, Any]]:
    return [{"name": c.text("controllers", row["name"], 200), "contact": c.text("controllers", row.get("contact"), 300)}
            for row in c.table("controllers", value, ("name", "contact"))]


def _resolve(c: _Cleaner, name: str, value: Any, known: Sequence[Any], prefix: str) -> list[Any]:
    by_key: dict[str, Any] = {}
    for obj in known:
        by_key[obj.name.casefold()] = obj
        by_key[obj.ref.casefold()] = obj
    found: dict[int, Any] = {}
    missing = []
    for text in c.words(name, value):
        obj = by_key.get(text.casefold())
        if obj is None and text[: len(prefix)].upper() == prefix and text[len(prefix):].isdigit():
            obj = next((o for o in known if o.number == int(text[len(prefix):])), None)
        if obj is None:
            missing.append(text)
        else:
            found[obj.pk] = obj
    if missing:
        c.fail(name, _("Nothing of this organisation is named %(names)s; give a reference (%(prefix)s001) or a name.")
               % {"names": ", ".join(f"'{m}'" for m in missing), "prefix": prefix})
    return sorted(found.values(), key=lambda o: o.number)


def clean_activity(org: Organization, data: Mapping[str, Any], *, current: ProcessingActivity | None = None
                   ) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """An activity's checked input: (model values, links by field) for the fields given; `name` is required on
    creation. Refuses unknown fields, bad choices and tables whose items have unknown keys, naming each."""
    unknown = sorted(set(data) - set(ACTIVITY_FIELDS))
    if unknown:
        raise ValidationError({n: _("Unknown field; use: %(fields)s.") % {"fields": ", ".join(ACTIVITY_FIELDS)}
                               for n in unknown})
    c = _Cleaner(org)
    values: dict[str, Any] = {}
    links: dict[str, list[Any]] = {}
    for name, value in data.items():
        if name in TEXTS:
            values[name] = c.text(name, value, _SHORT.get(name, MAX_TEXT))
        elif name in FLAGS:
            values[name] = c.flag(name, value)
        elif name in LISTS:
            values[name] = c.words(name, value)
        elif name == "record_kind":
            if value not in RecordKind.values:
                c.fail(name, _allowed(value, RecordKind))
            values[name] = value
        elif name == "purposes":
            values[name] = _purposes(c, value)
        elif name == "data_categories":
            values[name] = _categories(c, value)
        elif name == "recipients":
            values[name] = _recipients(c, value)
        elif name == "controllers":
            values[name] = _controllers(c, value)
        elif name == "systems":
            links[name] = _resolve(c, name, value, list(System.objects.for_org(org).only("pk", "number", "name")),
                                   "S-")
        elif name == "processors":
            links[name] = _resolve(c, name, value,
                                   list(Processor.objects.for_org(org).only("pk", "number", "name")), "PR-")
    if (current is None or "name" in data) and not values.get("name") and "name" not in c.errors:
        c.fail("name", _("This field is required."))
    if c.errors:
        raise ValidationError(c.errors)
    return values, links


def _refs(objects: Sequence[Any]) -> list[str]:
    return [o.ref for o in objects]


def _set_links(org: Organization, activity: ProcessingActivity, links: Mapping[str, list[Any]],
               changes: dict[str, list[Any]]) -> None:
    models: tuple[tuple[str, Any, str], ...] = (("systems", ActivitySystem, "system"),
                                                ("processors", ActivityProcessor, "processor"))
    for name, model, column in models:
        if name not in links:
            continue
        wanted = links[name]
        check_same_org(org, **{f"{name}[{i}]": obj for i, obj in enumerate(wanted)})
        current = sorted((getattr(link, column) for link in model.objects.for_org(org).filter(activity=activity)
                          .select_related(column)), key=lambda o: o.number)
        if [o.pk for o in current] == [o.pk for o in wanted]:
            continue
        model.objects.for_org(org).filter(activity=activity).exclude(**{f"{column}__in": wanted}).delete()
        have = {o.pk for o in current}
        model.objects.for_org(org).bulk_create([model(organization=org, activity=activity, **{column: o})
                                                for o in wanted if o.pk not in have])
        changes[name] = [_refs(current), _refs(wanted)]


def refresh_completeness(org: Organization, activity_id: int) -> None:
    """Keep the activity's `complete` and `missing_items` as the rule reads its record now (after a write to the
    activity or one of its transfers); not audited, being a reading of audited fields."""
    activity = selectors_ropa.access_activity(org, activity_id)
    result = selectors_ropa.completeness(activity, org_today(org))
    missing = [[g.item, g.article, g.detail] for g in result.missing]
    if (activity.complete, activity.missing_items) != (result.complete, missing):
        activity.complete, activity.missing_items = result.complete, missing
        activity.save(update_fields=["complete", "missing_items"])


@transaction.atomic
def do_create_activity(actor: User | None, org: Organization, data: Mapping[str, Any]) -> ProcessingActivity:
    """Add a processing activity to the register (PA-NNN, the next number) with its links; one audit event."""
    values, links = clean_activity(org, data)
    lock_org(org)
    number = (ProcessingActivity.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    activity = ProcessingActivity(organization=org, number=number, **values)
    activity.save(force_insert=True)
    changes = audit.diff({}, audit.snapshot(activity, AUDITED))
    _set_links(org, activity, links, changes)
    audit.record(org, actor, AuditAction.CREATE, activity, changes=changes)
    refresh_completeness(org, activity.pk)
    return activity


@transaction.atomic
def do_update_activity(actor: User | None, org: Organization, activity: ProcessingActivity,
                       data: Mapping[str, Any]) -> ProcessingActivity:
    """Change the fields given (links replaced when given); one audit event naming what changed, none if nothing
    did."""
    check_same_org(org, activity=activity)
    values, links = clean_activity(org, data, current=activity)
    lock_org(org)
    before = audit.snapshot(activity, AUDITED)
    for name, value in values.items():
        setattr(activity, name, value)
    changes = audit.diff(before, audit.snapshot(activity, AUDITED))
    _set_links(org, activity, links, changes)
    if changes:
        activity.updated_at = timezone.now()
        activity.save(update_fields=[*values, "updated_at"])
        audit.record(org, actor, AuditAction.UPDATE, activity, changes=changes)
        refresh_completeness(org, activity.pk)
    return activity


@transaction.atomic
def do_screen_activity(actor: User | None, org: Organization, activity: ProcessingActivity, *,
                       criteria: Sequence[str], cases: Sequence[str] = (), exception: str = ""
                       ) -> rules_screening.Screening:
    """Record the activity's DPIA screening: the WP248 criteria met, the Art. 35(3) cases that apply and, where
    the rule requires a DPIA, the DPO's justified exception. The outcome is the rule's (docs/privacy-ropa.md);
    one audit event. Answering again replaces the answers."""
    check_same_org(org, activity=activity)
    if len(exception) > MAX_TEXT:
        raise ValidationError({"exception": too_long(MAX_TEXT, len(exception))})
    try:
        result = rules_screening.screen(criteria, cases, exception=exception)
    except rules_screening.ScreeningInvalid as error:
        if error.field == "exception":
            message = _("An exception applies only where the rule requires a DPIA (an Art. 35(3) case, or two "
                        "criteria or more); clear it.")
        else:
            message = _("Unknown value; use: %(allowed)s.") % {"allowed": ", ".join(
                rules_screening.Criterion if error.field == "criteria" else rules_screening.Art35Case)}
        raise ValidationError({error.field: message}) from None
    lock_org(org)
    before = audit.snapshot(activity, SCREENING_AUDITED)
    activity.screening_criteria = [c.value for c in result.criteria]
    activity.screening_cases = [c.value for c in result.cases]
    activity.screening_exception = result.exception
    activity.screening_outcome = result.outcome.value
    activity.screened_at = activity.updated_at = timezone.now()
    activity.screened_by = actor
    activity.save(update_fields=[*SCREENING_AUDITED, "screened_at", "screened_by", "updated_at"])
    audit.record(org, actor, AuditAction.UPDATE, activity,
                 changes=audit.diff(before, audit.snapshot(activity, SCREENING_AUDITED)) or {
                     "screening_outcome": [before["screening_outcome"], result.outcome.value]})
    return result
