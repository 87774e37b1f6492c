"""Writes of the data-privacy audit (decision 0066), each appending its audit event in the same transaction:

- `do_create_data_audit`: the scope (activities, systems) and the compliance audit on the GDPR framework that holds
  its findings (the built-in framework is installed first if the organisation has none);
- `do_import_discovery`: a data-discovery file's rows (system, location, field, classification, rows), every row
  checked before anything is written (all or nothing), each field classified by `rules_classify`; one event for
  the import, however many fields;
- `do_send_questionnaires`: one data-inventory questionnaire per system of the scope to its owner, who is notified;
- `do_answer_questionnaire`: the owner's answer;
- `do_compare_data_audit`: `rules_discrepancies`' answer kept as discrepancies, each new one a finding of the
  compliance audit; comparing again writes nothing for what it finds again (idempotent), marks what it no longer
  finds as resolved, and opens again what comes back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.compliance import services as compliance_services
from accord.compliance import services_assessments
from accord.compliance.choices import AssessmentStatus, FindingKind, Severity
from accord.compliance.models import Framework
from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.models import Membership, Organization, User
from accord.core.notifications.services import notify
from accord.core.permissions import allows
from accord.core.tenancy import check_same_org
from accord.portfolio.models_systems import System
from accord.privacy import rules_classify, rules_discrepancies, selectors_discovery
from accord.privacy.choices_discovery import CATEGORY_LABELS, DiscrepancyKind, DiscrepancyStatus, QuestionnaireStatus
from accord.privacy.models_discovery import (
    DataAudit,
    DataAuditActivity,
    DataAuditSystem,
    DiscoveredField,
    DiscoveryImport,
    Discrepancy,
    Questionnaire,
)
from accord.privacy.models_ropa import ProcessingActivity
from accord.privacy.services_common import lock_org

QUESTIONNAIRE_SENT = "privacy.questionnaire_sent"
#: The largest data-discovery file, in fields (rows besides the header): the 50,000 of issue 14 and room to spare.
MAX_FIELDS = 60_000
#: How many refused rows an error message names (the count says how many more).
NAMED_ERRORS = 20
MAX_ROW_COUNT = 10**15
GDPR = "gdpr"

#: The GDPR requirement each kind of discrepancy is a finding on, its severity and kind (finding or observation).
FINDING_OF = {
    DiscrepancyKind.UNDECLARED_CATEGORY: ("Art.30(1)", Severity.MEDIUM, FindingKind.FINDING),
    DiscrepancyKind.UNNAMED_SYSTEM: ("Art.30(1)", Severity.HIGH, FindingKind.FINDING),
    DiscrepancyKind.RETENTION_EXCEEDED: ("Art.5(1)", Severity.MEDIUM, FindingKind.FINDING),
    DiscrepancyKind.UNDECLARED_TRANSFER: ("Art.44", Severity.HIGH, FindingKind.FINDING),
    DiscrepancyKind.UNOBSERVED_CATEGORY: ("Art.30(1)", Severity.LOW, FindingKind.OBSERVATION),
}


def _words(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [w.strip() for w in value.replace(";", ",").split(",") if w.strip()]
    if isinstance(value, (list, tuple)):
        return [str(w).strip() for w in value if str(w).strip()]
    return [str(value).strip()]


def _find(known: Sequence[Any], text: str, prefix: str) -> Any:
    for obj in known:
        if text.casefold() in (obj.ref.casefold(), obj.name.casefold()):
            return obj
    if text[:len(prefix)].upper() == prefix and text[len(prefix):].isdigit():
        return next((o for o in known if o.number == int(text[len(prefix):])), None)
    return None


def _scope(org: Organization, data: Mapping[str, Any], errors: dict[str, str]) -> tuple[list[Any], list[Any]]:
    found: list[list[Any]] = []
    for name, model, prefix, noun in (("activities", ProcessingActivity, "PA-", _("activity")),
                                      ("systems", System, "S-", _("system"))):
        known = list(model.objects.for_org(org).only("pk", "number", "name").order_by("number"))
        picked, missing = {}, []
        for text in _words(data.get(name)):
            obj = _find(known, text, prefix)
            if obj is None:
                missing.append(text)
            else:
                picked[obj.pk] = obj
        if missing:
            errors[name] = _("No %(noun)s '%(value)s' in this organisation (give its reference or its name).") % {
                "noun": noun, "value": "', '".join(missing)}
        found.append(list(picked.values()))
    if not errors and not found[0] and not found[1]:
        errors["activities"] = _("Name at least one activity or one system for the audit's scope.")
    return found[0], found[1]


def _gdpr_framework(actor: User | None, org: Organization) -> Framework:
    framework = Framework.objects.for_org(org).filter(key=GDPR).order_by("-imported_at", "-pk").first()
    return framework or compliance_services.do_install_builtin_framework(actor, org, GDPR)


@transaction.atomic
def do_create_data_audit(actor: User | None, org: Organization, data: Mapping[str, Any]) -> DataAudit:
    """Plan a data-privacy audit: `title`, `activities` (PA-001 or names) and `systems` (S-001 or names) of its
    scope, at least one of either; optional `auditors` (members' e-mail addresses) for its compliance audit, which
    starts in progress on the GDPR framework."""
    errors: dict[str, str] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = _("This field is required.")
    elif len(title) > 200:
        errors["title"] = _("At most 200 characters (it has %(n)s).") % {"n": len(title)}
    activities, systems = _scope(org, data, errors)
    if errors:
        raise ValidationError(errors)
    refs = [a.ref for a in activities] + [s.ref for s in systems]
    framework = _gdpr_framework(actor, org)
    assessment = services_assessments.do_create_assessment(actor, org, {
        "title": title, "framework": f"{framework.key}@{framework.version}", "status": AssessmentStatus.IN_PROGRESS,
        "scope": _("Data-privacy audit: %(scope)s") % {"scope": ", ".join(refs)},
        "auditors": data.get("auditors") or []})
    lock_org(org)
    number = (DataAudit.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    data_audit = DataAudit.objects.for_org(org).create(organization=org, number=number, title=title,
                                                       assessment=assessment, created_by=actor)
    DataAuditActivity.objects.for_org(org).bulk_create(
        [DataAuditActivity(organization=org, audit=data_audit, activity=a) for a in activities])
    DataAuditSystem.objects.for_org(org).bulk_create(
        [DataAuditSystem(organization=org, audit=data_audit, system=s) for s in systems])
    audit.record(org, actor, AuditAction.CREATE, data_audit, changes={
        "title": [None, title], "assessment": [None, assessment.ref],
        "activities": [None, [a.ref for a in activities]], "systems": [None, [s.ref for s in systems]]})
    return data_audit


# --- the data discovery ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DiscoveryResult:
    """What an import wrote: its fields, those holding personal data, and the count by category."""

    discovery: DiscoveryImport
    fields: int
    personal: int
    by_category: dict[str, int]

    def as_data(self) -> dict[str, Any]:
        return {"audit": self.discovery.audit.ref, "filename": self.discovery.filename, "fields": self.fields,
                "personal": self.personal, "by_category": self.by_category}


Progress = Callable[[int, str], None]


def _cell(row: Mapping[str, Any], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value).strip()


def do_import_discovery(actor: User | None, org: Organization, data_audit: DataAudit,
                        rows: Iterable[tuple[int, Mapping[str, Any]]], *, filename: str, digest: str = "",
                        progress: Progress | None = None) -> DiscoveryResult:
    """Import data-discovery rows (`system`: S-001 or its name, a system of the audit's scope; `location`: the
    table, file or bucket; `field`; optional `classification`, the tool's own; optional `rows`, a whole number).
    Every row is checked before anything is written: with any refused row a ValidationError on `file` names them
    (the first ones, and how many in all) and nothing is written. The same file twice is refused (409)."""
    check_same_org(org, data_audit=data_audit)
    systems = selectors_discovery.scope_systems(org, data_audit)
    by_key = {}
    for s in systems:
        by_key[s.ref.casefold()] = s
        by_key[s.name.casefold()] = s
    problems: list[str] = []
    bad = 0
    fields: list[tuple[int, str, str, str, int | None, str]] = []
    counts: dict[str, int] = {}

    def refuse(number: int, name: str, message: str) -> None:
        nonlocal bad
        bad += 1
        if len(problems) < NAMED_ERRORS:
            problems.append(_("row %(row)s, %(field)s: %(message)s") % {"row": number, "field": name,
                                                                          "message": message})

    for number, row in rows:
        if len(fields) + bad >= MAX_FIELDS:
            raise ValidationError({"file": _("The file has more than %(max)s fields; split it into several "
                                             "imports.") % {"max": f"{MAX_FIELDS:,}"}})
        system_text, field_name = _cell(row, "system"), _cell(row, "field")
        location, sample, count_text = _cell(row, "location"), _cell(row, "classification"), _cell(row, "rows")
        system = by_key.get(system_text.casefold())
        ok = True
        if not system_text:
            refuse(number, "system", _("This field is required."))
            ok = False
        elif system is None:
            refuse(number, "system", _("'%(value)s' is not a system of %(audit)s's scope (%(scope)s).") % {
                "value": system_text, "audit": data_audit.ref, "scope": ", ".join(s.ref for s in systems) or "-"})
            ok = False
        if not field_name:
            refuse(number, "field", _("This field is required."))
            ok = False
        elif len(field_name) > 200:
            refuse(number, "field", _("At most 200 characters (it has %(n)s).") % {"n": len(field_name)})
            ok = False
        if len(location) > 300:
            refuse(number, "location", _("At most 300 characters (it has %(n)s).") % {"n": len(location)})
            ok = False
        if len(sample) > 100:
            refuse(number, "classification", _("At most 100 characters (it has %(n)s).") % {"n": len(sample)})
            ok = False
        row_count: int | None = None
        if count_text:
            try:
                row_count = int(float(count_text)) if "." in count_text else int(count_text)
            except ValueError:
                row_count = -1
            if row_count is None or not 0 <= row_count <= MAX_ROW_COUNT or (
                    "." in count_text and float(count_text) != row_count):
                refuse(number, "rows", _("'%(value)s' is not a whole number of rows (0 or more).") % {
                    "value": count_text})
                ok = False
        if ok and system is not None:
            category = rules_classify.classify(field_name, sample)
            if category:
                counts[category] = counts.get(category, 0) + 1
            fields.append((system.pk, location, field_name, sample, row_count, category))
        if progress and number % 10_000 == 0:
            progress(20 + min(40, number * 40 // MAX_FIELDS), f"checked {number:,} rows")
    if bad:
        more = bad - len(problems)
        message = _("%(bad)s row(s) refused; nothing was imported. ") % {"bad": f"{bad:,}"} + "; ".join(problems)
        if more > 0:
            message += _("; and %(more)s more.") % {"more": f"{more:,}"}
        raise ValidationError({"file": message})
    if not fields:
        raise ValidationError({"file": _("The file has no rows: give a header (system, location, field, "
                                         "classification, rows) and a row per field.")})
    with transaction.atomic():
        lock_org(org)
        if digest and DiscoveryImport.objects.for_org(org).filter(audit=data_audit, sha256=digest).exists():
            raise Conflict({"file": _("This file was already imported into %(audit)s.") % {"audit": data_audit.ref}})
        personal = sum(counts.values())
        discovery = DiscoveryImport.objects.for_org(org).create(
            organization=org, audit=data_audit, filename=filename[:255] or "discovery.csv",
            sha256=digest or hashlib.sha256(repr(len(fields)).encode()).hexdigest(),
            fields_count=len(fields), personal_count=personal, created_by=actor)
        _write_fields(org, data_audit, discovery, fields, progress)
        audit.record(org, actor, AuditAction.IMPORT, discovery, object_repr=f"{data_audit.ref}: {discovery.filename}",
                     changes={"audit": [None, data_audit.ref], "filename": [None, discovery.filename],
                              "fields": [None, len(fields)], "personal": [None, personal]})
    ordered = {c.key: counts[c.key] for c in rules_classify.CATEGORIES if c.key in counts}
    return DiscoveryResult(discovery, len(fields), personal, ordered)


#: The columns `_write_fields` writes, in the order of its tuples.
_FIELD_COLUMNS = ("organization_id", "audit_id", "discovery_id", "system_id", "location", "field_name",
                  "sample_classification", "row_count", "category")
_CHUNK = 5_000


def _write_fields(org: Organization, data_audit: DataAudit, discovery: DiscoveryImport,
                  fields: Sequence[tuple[int, str, str, str, int | None, str]], progress: Progress | None) -> None:
    """Insert the checked fields with the database's own batch insert (`executemany`), in chunks: 50,000 model
    instances through `bulk_create` cost most of the import's time in Python alone (bench/data_audit.py), and
    these rows have no defaults, signals or computed values to honour. The organisation and audit are the
    service's own, so the rows stay in the tenant."""
    meta = DiscoveredField._meta
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608 - names from the model's metadata, values bound
        quote(meta.db_table), ", ".join(quote(c) for c in _FIELD_COLUMNS), ", ".join(["%s"] * len(_FIELD_COLUMNS)))
    with connection.cursor() as cursor:
        for start in range(0, len(fields), _CHUNK):
            chunk = fields[start:start + _CHUNK]
            cursor.executemany(sql, [(org.pk, data_audit.pk, discovery.pk, *row) for row in chunk])
            if progress:
                progress(65 + 30 * (start + len(chunk)) // len(fields), f"written {start + len(chunk):,} fields")


# --- the questionnaires ----------------------------------------------------------------------------------------

def _owner(system: System) -> Membership | None:
    return system.business_owner or system.it_owner


@dataclass(frozen=True)
class Sent:
    """What sending the questionnaires did: those sent now, and the systems without an owner to send to."""

    sent: list[Questionnaire]
    without_owner: list[System]


@transaction.atomic
def do_send_questionnaires(actor: User | None, org: Organization, data_audit: DataAudit) -> Sent:
    """Send a data-inventory questionnaire to the owner (business owner, else IT owner) of each system of the scope
    that has none yet, and tell them; a system with no owner is listed (give it one, then send again). Sending
    again sends only what is missing."""
    check_same_org(org, data_audit=data_audit)
    lock_org(org)
    have = set(Questionnaire.objects.for_org(org).filter(audit=data_audit).values_list("system_id", flat=True))
    sent, orphans = [], []
    for system in selectors_discovery.scope_systems(org, data_audit):
        if system.pk in have:
            continue
        owner = _owner(system)
        if owner is None:
            orphans.append(system)
            continue
        q = Questionnaire.objects.for_org(org).create(organization=org, audit=data_audit, system=system,
                                                      recipient=owner)
        audit.record(org, actor, AuditAction.CREATE, q, object_repr=f"{data_audit.ref}: {system.ref}", changes={
            "audit": [None, data_audit.ref], "system": [None, system.ref], "recipient": [None, owner.user.email]})
        notify(org, QUESTIONNAIRE_SENT, q, actor=actor)
        sent.append(q)
    return Sent(sent, orphans)


def _answer_fields(value: Any, errors: dict[str, str]) -> list[dict[str, str]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list):
        errors["fields"] = _("Give a list of fields, each with `name` and optionally `category`, `location`, "
                             "`retention`.")
        return []
    out = []
    for n, item in enumerate(value, start=1):
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, Mapping):
            errors["fields"] = _("Item %(n)s: give an object with `name`.") % {"n": n}
            return []
        unknown = set(item) - {"name", "category", "location", "retention"}
        name = str(item.get("name") or "").strip()
        category = str(item.get("category") or "").strip()
        if unknown:
            errors["fields"] = _("Item %(n)s: unknown key(s) %(keys)s.") % {"n": n, "keys": ", ".join(sorted(unknown))}
        elif not name or len(name) > 200:
            errors["fields"] = _("Item %(n)s: a field name of 1 to 200 characters is required.") % {"n": n}
        elif category and category not in CATEGORY_LABELS:
            errors["fields"] = _("Item %(n)s: '%(value)s' is not a category; use one of: %(allowed)s.") % {
                "n": n, "value": category, "allowed": ", ".join(CATEGORY_LABELS)}
        else:
            out.append({"name": name, "category": category or rules_classify.classify(name),
                        "location": str(item.get("location") or "").strip()[:300],
                        "retention": str(item.get("retention") or "").strip()[:300]})
    if len(out) > 1_000:
        errors["fields"] = _("At most 1,000 fields in one answer (import the rest as data discovery).")
    return out


@transaction.atomic
def do_answer_questionnaire(actor: User | None, org: Organization, questionnaire: Questionnaire,
                            data: Mapping[str, Any]) -> Questionnaire:
    """Record the owner's answer (answering again replaces it): `fields` ([{name, category, location, retention}]
    or names; a field without a category is classified by its name), `stored_in` (ISO 3166-1 alpha-2 countries),
    `retention` (the retention applied, e.g. "5 years"), `access`, `shared_with`. Only the questionnaire's
    recipient answers, or a member who plans data-privacy audits."""
    check_same_org(org, questionnaire=questionnaire)
    member = Membership.objects.for_org(org).filter(user=actor).first() if actor is not None else None
    if actor is not None and (member is None or (member.pk != questionnaire.recipient_id
                                                 and not allows(member.role, "privacy.data_audit.change"))):
        raise PermissionDenied(_("This questionnaire was sent to the system's owner: only they (or the DPO) answer "
                                 "it."))
    errors: dict[str, str] = {}
    fields = _answer_fields(data.get("fields"), errors)
    countries = [c.upper() for c in _words(data.get("stored_in"))]
    wrong = [c for c in countries if len(c) != 2 or not c.isalpha()]
    if wrong:
        errors["stored_in"] = _("'%(value)s' is not a country code (ISO 3166-1 alpha-2, such as FR or US).") % {
            "value": "', '".join(wrong)}
    retention = str(data.get("retention") or "").strip()
    if retention and rules_discrepancies.retention_days(retention) is None:
        errors["retention"] = _("'%(value)s' names no period: write it as a number and a unit (90 days, 6 months, "
                                "5 years) or 'indefinitely'.") % {"value": retention[:100]}
    elif len(retention) > 300:
        errors["retention"] = _("At most 300 characters (it has %(n)s).") % {"n": len(retention)}
    texts = {name: str(data.get(name) or "").strip() for name in ("access", "shared_with")}
    for name, text in texts.items():
        if len(text) > 10_000:
            errors[name] = _("At most 10,000 characters (it has %(n)s).") % {"n": len(text)}
    if errors:
        raise ValidationError(errors)
    lock_org(org)
    before = {"fields": questionnaire.fields, "stored_in": questionnaire.stored_in,
              "retention": questionnaire.retention, "status": questionnaire.status, **{
                  n: getattr(questionnaire, n) for n in texts}}
    questionnaire.fields, questionnaire.stored_in, questionnaire.retention = fields, sorted(set(countries)), retention
    questionnaire.access, questionnaire.shared_with = texts["access"], texts["shared_with"]
    questionnaire.status = QuestionnaireStatus.ANSWERED
    questionnaire.answered_at, questionnaire.answered_by = timezone.now(), actor
    questionnaire.save(update_fields=["fields", "stored_in", "retention", "access", "shared_with", "status",
                                      "answered_at", "answered_by"])
    after = {"fields": fields, "stored_in": questionnaire.stored_in, "retention": retention,
             "status": questionnaire.status, **texts}
    audit.record(org, actor, AuditAction.UPDATE, questionnaire,
                 object_repr=f"{questionnaire.audit.ref}: {questionnaire.system.ref}",
                 changes={k: [before[k], after[k]] for k in after if before[k] != after[k]} or {"status": [
                     before["status"], after["status"]]})
    return questionnaire


# --- the comparison --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Compared:
    """What a comparison did: discrepancies found for the first time (each now a finding), found again (nothing
    written), no longer found (resolved), and found again after being resolved (open again)."""

    created: list[Discrepancy]
    unchanged: int
    resolved: list[Discrepancy]
    reopened: list[Discrepancy]

    def as_data(self) -> dict[str, Any]:
        return {"created": len(self.created), "unchanged": self.unchanged, "resolved": len(self.resolved),
                "reopened": len(self.reopened)}


def describe(d: rules_discrepancies.Discrepancy, names: Mapping[str, str]) -> tuple[str, str]:
    """A discrepancy's finding title and description, in the language of the request."""
    system = f"{d.system} {names.get(d.system, '')}".strip()
    category = str(CATEGORY_LABELS.get(d.category, d.category))
    facts = d.facts
    if d.kind == rules_discrepancies.UNDECLARED_CATEGORY:
        return (_("%(system)s holds %(category)s, which no activity naming it declares") % {
            "system": system, "category": category},
            _("Observed in %(sources)s (%(fields)s). Declare the category in the activities the system carries, "
              "or stop collecting it (Art. 5(1)(c)).") % {
                "sources": ", ".join(str(s) for s in facts.get("sources", [])),  # type: ignore[attr-defined]
                "fields": ", ".join(str(f) for f in facts.get("fields", []))})  # type: ignore[attr-defined]
    if d.kind == rules_discrepancies.UNNAMED_SYSTEM:
        held = ", ".join(str(CATEGORY_LABELS.get(str(k), k)) for k in facts.get("categories", []))  # type: ignore[attr-defined]
        return (_("%(system)s holds personal data but no processing activity names it") % {"system": system},
                _("It holds: %(held)s. Record the activity it serves, or remove the data.") % {"held": held})
    if d.kind == rules_discrepancies.RETENTION_EXCEEDED:
        return (_("%(system)s keeps %(category)s longer than declared") % {"system": system, "category": category},
                _("Applied: %(applied)s days; declared at most %(declared)s days (%(activities)s). Erase on time or "
                  "correct the record (Art. 5(1)(e)).") % {
                    "applied": facts.get("applied_days"), "declared": facts.get("declared_days"),
                    "activities": ", ".join(str(a) for a in facts.get("activities", []))})  # type: ignore[attr-defined]
    if d.kind == rules_discrepancies.UNDECLARED_TRANSFER:
        return (_("%(system)s stores personal data in %(country)s with no declared transfer") % {
            "system": system, "country": d.country},
            _("The country is outside the EEA. Record the transfer with its mechanism (Chapter V) in the activities "
              "the system carries, or move the data."))
    return (_("%(activity)s declares %(category)s, never observed") % {
        "activity": f"{d.activity} {names.get(d.activity, '')}".strip(), "category": facts.get("declared", "")},
        _("Not seen on %(systems)s. Correct the record, or say where the data are kept.") % {
            "systems": ", ".join(str(s) for s in facts.get("systems", []))})  # type: ignore[attr-defined]


@transaction.atomic
def do_compare_data_audit(actor: User | None, org: Organization, data_audit: DataAudit) -> Compared:
    """Compare declared and observed (`selectors_discovery.comparison`) and keep the answer: a discrepancy found for
    the first time is written with its finding in the compliance audit (on the GDPR requirement of its kind); one
    found again changes nothing; one no longer found is marked resolved, and opens again if it comes back. Refused
    (409) once the compliance audit is no longer in progress."""
    check_same_org(org, data_audit=data_audit)
    assessment = data_audit.assessment
    services_assessments.check_recording(org, actor, assessment)
    lock_org(org)
    result = selectors_discovery.comparison(org, data_audit)
    names = {s.ref: s.name for s in result.systems} | {a.ref: a.name for a in result.activities}
    systems = {s.ref: s for s in result.systems}
    activities = {a.ref: a.pk for a in ProcessingActivity.objects.for_org(org).filter(
        number__in=[int(a.ref[3:]) for a in result.activities])}
    existing = {d.key: d for d in Discrepancy.objects.for_org(org).filter(audit=data_audit)}
    created, resolved, reopened, unchanged = [], [], [], 0
    wanted = set()
    for found in result.found:
        wanted.add(found.key)
        old = existing.get(found.key)
        if old is not None:
            if old.status == DiscrepancyStatus.RESOLVED:
                old.status, old.resolved_at = DiscrepancyStatus.OPEN, None
                old.save(update_fields=["status", "resolved_at"])
                audit.record(org, actor, AuditAction.UPDATE, old, object_repr=f"{data_audit.ref}: {old.key}",
                             changes={"status": [DiscrepancyStatus.RESOLVED, DiscrepancyStatus.OPEN]})
                reopened.append(old)
            else:
                unchanged += 1
            continue
        requirement, severity, kind = FINDING_OF[DiscrepancyKind(found.kind)]
        if found.special and severity == Severity.MEDIUM:
            severity = Severity.HIGH
        title, description = describe(found, names)
        finding = services_assessments.do_create_finding(actor, org, assessment, {
            "title": title[:200], "description": description, "severity": severity, "kind": kind,
            "requirement": requirement})
        system = systems.get(found.system)
        row = Discrepancy.objects.for_org(org).create(
            organization=org, audit=data_audit, key=found.key, kind=found.kind, system=system,
            activity_id=activities.get(found.activity), category=found.category, country=found.country,
            facts=dict(found.facts), finding=finding)
        audit.record(org, actor, AuditAction.CREATE, row, object_repr=f"{data_audit.ref}: {row.key}", changes={
            "kind": [None, row.kind], "key": [None, row.key], "finding": [None, finding.ref]})
        created.append(row)
    for key, old in existing.items():
        if key not in wanted and old.status == DiscrepancyStatus.OPEN:
            old.status, old.resolved_at = DiscrepancyStatus.RESOLVED, timezone.now()
            old.save(update_fields=["status", "resolved_at"])
            audit.record(org, actor, AuditAction.UPDATE, old, object_repr=f"{data_audit.ref}: {old.key}",
                         changes={"status": [DiscrepancyStatus.OPEN, DiscrepancyStatus.RESOLVED]})
            resolved.append(old)
    data_audit.compared_at = timezone.now()
    data_audit.save(update_fields=["compared_at"])
    if not (created or resolved or reopened):
        audit.record(org, actor, AuditAction.UPDATE, data_audit, changes={
            "compared": [None, _("%(n)s discrepancies found again, none new") % {"n": unchanged}]})
    return Compared(created, unchanged, resolved, reopened)


@transaction.atomic
def do_hand_over_member_questionnaires(actor: User | None, org: Organization, membership: Membership,
                                       reassign_to: Membership | None) -> int:
    """Give the questionnaires sent to `membership` to `reassign_to` (None: nobody; an unanswered one is then
    sent again to the system's new owner by sending the audit's questionnaires); one audit event each."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    entries = []
    for q in (Questionnaire.objects.for_org(org).filter(recipient=membership).select_related("audit", "system")
              .select_for_update(of=("self",))):
        q.recipient = reassign_to
        q.save(update_fields=["recipient"])
        entries.append(audit.Entry(AuditAction.UPDATE, q, {"recipient": [
            membership.user.email, reassign_to.user.email if reassign_to else None]},
            f"{q.audit.ref}: {q.system.ref}"))
    if entries:
        audit.record_many(org, actor, entries)
    return len(entries)
