"""Writes of the systems inventory, each in one transaction with its audit events: systems (create, change,
remove), their dependencies, the CIO's TIME decision, links to the register's risks (and the register's
affected assets that name a system becoming such links), a system's components from a CycloneDX SBOM, a
leaving member's systems. The file import is `services_systems_import`.

Input uses the API's names (`fields_systems.SYSTEM`): owners by e-mail address, dependencies by name (or
reference); every bad field is reported at once, naming the field, the value and what is allowed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from accord.core import audit
from accord.core.choices import AuditAction
from accord.core.conflict import Conflict
from accord.core.fields import Kind
from accord.core.models import Membership, Organization, User
from accord.core.tenancy import check_same_org
from accord.portfolio import rules, selectors_systems
from accord.portfolio.choices_systems import Hosting, TimeClass
from accord.portfolio.fields_systems import AUDITED, SYSTEM
from accord.portfolio.models import Initiative, InitiativeSystem
from accord.portfolio.models_costs import BudgetLine
from accord.portfolio.models_systems import MAX_OBJECTIVE_HOURS, RiskSystem, System, SystemComponent, SystemDependency
from accord.portfolio.sbom import Sbom
from accord.portfolio.services import lock_org
from accord.risks.models import Risk

#: The input names of a system (API, forms, files), in the API's order.
SYSTEM_FIELDS = SYSTEM.input_names
MAX_MONEY = 10**15
MAX_TEXT = 10_000
TRUE_WORDS = frozenset({"true", "yes", "y", "1", "oui", "x"})
FALSE_WORDS = frozenset({"false", "no", "n", "0", "non", ""})


# --- parsing ---------------------------------------------------------------------------------------

class Lookups:
    """What cleaning many rows needs, read once: members by e-mail address, systems by name key and number."""

    def __init__(self, org: Organization) -> None:
        self.org = org
        self.members = {m.user.email.casefold(): m for m in
                        Membership.objects.for_org(org).select_related("user").order_by("pk")}
        self.systems = selectors_systems.by_name_key(org)
        self.numbers = {s.number: s for s in self.systems.values()}
        self._labels: dict[str, dict[str, str]] = {}

    def labels(self, name: str) -> dict[str, str]:
        """A choice field's labels (in the active language, as a person typed them) → values, read once."""
        if name not in self._labels:
            choices = SYSTEM[name].choices
            self._labels[name] = {str(label).casefold(): value for value, label in choices.choices} if choices else {}
        return self._labels[name]


def _reference(text: str) -> int | None:
    """The number of a system reference (S-001, s-1), or None."""
    text = text.strip()
    if text[:2].upper() != "S-" or not text[2:].isascii() or not text[2:].isdigit():
        return None
    return int(text[2:]) or None


def _text_items(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    items = value if isinstance(value, (list, tuple)) else str(value).split(";")
    return [str(item).strip() for item in items if str(item).strip()]


# What the model says of each input, read once (a 10,000-row import asks it 200,000 times).
_SPECS = {spec.name: spec for spec in SYSTEM.inputs}
_LIMITS = {spec.name: getattr(SYSTEM.model_field_of(spec), "max_length", None) or MAX_TEXT for spec in SYSTEM.inputs}
_NULLABLE = {spec.name: SYSTEM.nullable(spec) for spec in SYSTEM.inputs}
_DEFAULTS = {spec.name: SYSTEM.default(spec) for spec in SYSTEM.inputs}
_VALUES = {spec.name: {str(v).casefold(): v for v in spec.choices.values} for spec in SYSTEM.inputs if spec.choices}


class _Cleaner:
    """Parses one system's input by field kind, collecting every error by field name."""

    def __init__(self, lookups: Lookups) -> None:
        self.lookups = lookups
        self.errors: dict[str, str] = {}

    def value(self, name: str, value: Any) -> Any:
        spec = _SPECS[name]
        match spec.kind:
            case Kind.TEXT:
                text = "" if value is None else str(value).strip()
                limit = _LIMITS[name]
                if len(text) > limit:
                    self.errors[name] = f"At most {limit} characters (this one has {len(text)})."
                return text
            case Kind.CHOICE:
                given = "" if value is None else str(value).strip()
                if given == "":
                    return _DEFAULTS[name]
                choice = _VALUES[name].get(given.casefold()) or self.lookups.labels(name).get(given.casefold())
                if choice is not None:
                    return choice
                self.errors[name] = f"'{given}' is not allowed; use one of: {', '.join(_VALUES[name].values())}."
                return None
            case Kind.INTEGER:
                high = MAX_OBJECTIVE_HOURS if name in ("rto_hours", "rpo_hours") else MAX_MONEY
                return self.integer(name, value, high=high, optional=_NULLABLE[name])
            case Kind.BOOLEAN:
                if isinstance(value, bool):
                    return value
                word = "" if value is None else str(value).strip().casefold()
                if word in TRUE_WORDS:
                    return True
                if word in FALSE_WORDS:
                    return False
                self.errors[name] = f"'{value}' is not yes or no."
                return None
            case Kind.DATE:
                return self.date(name, value)
            case Kind.LIST:
                items = _text_items(value)
                too_long = [item for item in items if len(item) > 200]
                if too_long:
                    self.errors[name] = f"Each item has at most 200 characters ('{too_long[0][:40]}…' has more)."
                return list(dict.fromkeys(items))
            case Kind.MEMBER:
                if value in (None, ""):
                    return None
                found = self.lookups.members.get(str(value).strip().casefold())
                if found is None:
                    self.errors[name] = f"'{value}' is not the e-mail address of a member of {self.lookups.org.name}."
                return found
        raise AssertionError(spec.kind)  # pragma: no cover - every kind of the spec is handled

    def integer(self, name: str, value: Any, *, high: int, optional: bool) -> int | None:
        if value in (None, ""):
            return None if optional else 0
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        try:
            number = value if isinstance(value, int) and not isinstance(value, bool) else int(str(value).strip())
        except ValueError:
            self.errors[name] = f"'{value}' is not a whole number."
            return None
        if not 0 <= number <= high:
            self.errors[name] = f"{number} is out of range: 0 to {high}."
            return None
        return number

    def date(self, name: str, value: Any) -> dt.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip())
        except ValueError:
            self.errors[name] = f"'{value}' is not a date; write it as YYYY-MM-DD."
            return None


@dataclass(frozen=True)
class Cleaned:
    """A system's checked input: model `values` (owners as members) and the dependency names it gave
    (None when it gave none: the dependencies stay as they are)."""

    values: dict[str, Any]
    dependencies: list[str] | None


def clean_system_input(org: Organization, data: Mapping[str, Any], *, current: System | None = None,
                       lookups: Lookups | None = None) -> Cleaned:
    """Check a system's input (each field given; on creation `name` is required) and the rules across
    fields: a unique name without semicolons, the hosting's own details (a cloud provider for cloud, a
    vendor for SaaS, neither otherwise), personal data categories only when it holds personal data, and an
    end of support not before its introduction. Dependencies are names, resolved by the caller."""
    unknown = sorted(set(data) - set(SYSTEM_FIELDS))
    if unknown:
        raise ValidationError({name: f"Unknown field; use: {', '.join(SYSTEM_FIELDS)}." for name in unknown})
    look = lookups or Lookups(org)
    c = _Cleaner(look)
    values: dict[str, Any] = {}
    dependencies: list[str] | None = None
    if current is None and not str(data.get("name") or "").strip():
        c.errors["name"] = "This field is required."
    for name, value in data.items():
        if name in c.errors:
            continue
        parsed = c.value(name, value)
        if name in c.errors:
            continue
        if name == "dependencies":
            dependencies = parsed
        elif parsed is not None or _NULLABLE[name]:
            values[SYSTEM.model_name(name)] = parsed
    if "name" in values and "name" not in c.errors:
        name = values["name"]
        other = look.systems.get(rules.system_name_key(name))
        if not name:
            c.errors["name"] = "This field is required."
        elif ";" in name:
            c.errors["name"] = "A system's name may not hold a semicolon (;): lists in files are separated by it."
        elif other is not None and (current is None or other.pk != current.pk):
            c.errors["name"] = f"{other.ref} is already named '{other.name}' (names are compared without case)."

    def now(field: str) -> Any:
        return values[field] if field in values else (getattr(current, field) if current else _DEFAULTS.get(field))

    hosting = now("hosting")
    for field, wanted in (("cloud_provider", Hosting.CLOUD), ("cloud_region", Hosting.CLOUD),
                          ("saas_vendor", Hosting.SAAS)):
        if field in c.errors or "hosting" in c.errors:
            continue
        if now(field) and hosting != wanted:
            c.errors[field] = (f"Only for {wanted.label} hosting (this system's hosting is {hosting}); clear it or "
                               f"set hosting to {wanted.value}.")
        elif not now(field) and hosting == wanted and field != "cloud_region":
            c.errors[field] = f"Required for {wanted.label} hosting."
    if now("personal_data_categories") and now("personal_data") is False and "personal_data" not in c.errors:
        c.errors["personal_data_categories"] = ("Categories of personal data are given but personal_data is no; "
                                                "set personal_data to yes, or clear the categories.")
    start, end = now("introduced_on"), now("end_of_support_on")
    if start and end and end < start and "end_of_support_on" not in c.errors:
        c.errors["end_of_support_on"] = f"The end of support ({end}) is before the introduction ({start})."
    if c.errors:
        raise ValidationError(c.errors)
    return Cleaned(values, dependencies)


def resolve_dependencies(names: Sequence[str], known: Mapping[str, System], numbers: Mapping[int, System], *,
                         itself: str, field: str = "dependencies") -> list[System]:
    """The systems `names` name (a name, any case, or a reference S-001), refusing an unknown one and the
    system itself (`itself`: its name key)."""
    out: dict[str, System] = {}
    missing = []
    for text in names:
        number = _reference(text)
        found = numbers.get(number) if number is not None else None
        found = found or known.get(rules.system_name_key(text))
        if found is None:
            missing.append(text)
        elif rules.system_name_key(found.name) == itself:
            raise ValidationError({field: f"A system cannot depend on itself ('{text}')."})
        else:
            out[rules.system_name_key(found.name)] = found
    if missing:
        raise ValidationError({field: "No system of this organisation is named " + ", ".join(
            f"'{m}'" for m in missing) + "; add it first, or check the spelling."})
    return sorted(out.values(), key=lambda s: s.name.casefold())


def _names(systems: Iterable[System]) -> list[str]:
    return sorted((s.name for s in systems), key=str.casefold)


def _repr(system: System) -> str:
    return str(system)[:200]


def _set_dependencies(org: Organization, system: System, wanted: Sequence[System]) -> list[str] | None:
    """Make `system` depend on exactly `wanted`; the names before when they changed, else None."""
    current = {d.pk: d for d in System.objects.for_org(org).filter(dependents=system).only("pk", "name")}
    target = {s.pk: s for s in wanted}
    if set(current) == set(target):
        return None
    SystemDependency.objects.for_org(org).filter(system=system, depends_on_id__in=set(current) - set(target)).delete()
    SystemDependency.objects.for_org(org).bulk_create([
        SystemDependency(organization=org, system=system, depends_on=target[pk]) for pk in set(target) - set(current)])
    return _names(current.values())


# --- risks' affected assets become links ---------------------------------------------------------------

def absorb_assets(org: Organization, targets: Iterable[System]) -> list[audit.Entry]:
    """The register's affected assets (free text) that name one of `targets` (`rules.split_assets`) become
    links to it and leave the text (decision 0047): the writes done, their audit entries returned for the
    caller to record with its own (one per changed risk, one per new link)."""
    keys = {rules.system_name_key(s.name): s for s in targets}
    if not keys:
        return []
    existing = set(RiskSystem.objects.for_org(org).filter(system__in=list(keys.values()))
                   .values_list("risk_id", "system_id"))
    entries: list[audit.Entry] = []
    changed: list[Risk] = []
    links: list[RiskSystem] = []
    for risk in (Risk.objects.for_org(org).exclude(affected_assets=[])
                 .only("pk", "number", "title", "affected_assets").order_by("number")):
        matched, rest = rules.split_assets(risk.affected_assets or [], keys)
        if not matched:
            continue
        entries.append(audit.Entry(AuditAction.UPDATE, risk, {"affected_assets": [list(risk.affected_assets), rest]},
                                   str(risk)))
        risk.affected_assets = rest
        changed.append(risk)
        links += [RiskSystem(organization=org, risk=risk, system=keys[key]) for key in matched
                  if (risk.pk, keys[key].pk) not in existing]
    Risk.objects.for_org(org).bulk_update(changed, ["affected_assets"], batch_size=500)
    RiskSystem.objects.for_org(org).bulk_create(links, batch_size=500)
    entries += [audit.Entry(AuditAction.CREATE, link, {"risk": [None, link.risk_id], "system": [None, link.system_id]},
                            f"{link.risk} affects {link.system}") for link in links]
    return entries


@transaction.atomic
def do_link_matching_assets(actor: User | None, org: Organization) -> int:
    """Link every affected asset of the register that names a system (added after the risk was written) and
    take it out of the text; the risks changed (their audit events with the links')."""
    lock_org(org)
    entries = absorb_assets(org, System.objects.for_org(org).only("pk", "number", "name"))
    audit.record_many(org, actor, entries)
    return sum(1 for e in entries if isinstance(e.obj, Risk))


# --- systems -----------------------------------------------------------------------------------------

def _create_changes(system: System, dependencies: Sequence[System]) -> dict[str, list[Any]]:
    changes = audit.diff({}, audit.snapshot(system, AUDITED))
    if dependencies:
        changes["dependencies"] = [None, _names(dependencies)]
    return changes


@transaction.atomic
def do_create_system(actor: User | None, org: Organization, data: Mapping[str, Any]) -> System:
    """Add a system (numbered after the inventory's last), with its dependencies; the register's affected
    assets that name it become links. One audit event for the system, and one per risk and link changed."""
    lock_org(org)
    lookups = Lookups(org)
    cleaned = clean_system_input(org, data, lookups=lookups)
    key = rules.system_name_key(cleaned.values["name"])
    wanted = resolve_dependencies(cleaned.dependencies or [], lookups.systems, lookups.numbers, itself=key)
    number = (System.objects.for_org(org).aggregate(n=Max("number"))["n"] or 0) + 1
    system = System.objects.for_org(org).create(organization=org, number=number, **cleaned.values)
    SystemDependency.objects.for_org(org).bulk_create([
        SystemDependency(organization=org, system=system, depends_on=d) for d in wanted])
    entries = [audit.Entry(AuditAction.CREATE, system, _create_changes(system, wanted), _repr(system)),
               *absorb_assets(org, [system])]
    audit.record_many(org, actor, entries)
    return system


@transaction.atomic
def do_update_system(actor: User | None, org: Organization, system: System, data: Mapping[str, Any]) -> System:
    """Change some fields of a system (`dependencies` replaces its list); one audit event when anything
    changed. A new name links the register's affected assets that name it."""
    check_same_org(org, system=system)
    lock_org(org)
    system = System.objects.for_org(org).get(pk=system.pk)
    lookups = Lookups(org)
    cleaned = clean_system_input(org, data, current=system, lookups=lookups)
    before = audit.snapshot(system, AUDITED)
    for name, value in cleaned.values.items():
        setattr(system, name, value)
    changes = audit.diff(before, audit.snapshot(system, AUDITED))
    if cleaned.dependencies is not None:
        wanted = resolve_dependencies(cleaned.dependencies, lookups.systems, lookups.numbers,
                                      itself=rules.system_name_key(system.name))
        old = _set_dependencies(org, system, wanted)
        if old is not None:
            changes["dependencies"] = [old, _names(wanted)]
    if not changes:
        return system
    system.updated_at = timezone.now()
    system.save(update_fields=[*cleaned.values, "updated_at"])
    entries = [audit.Entry(AuditAction.UPDATE, system, changes, _repr(system))]
    if "name" in changes:
        entries += absorb_assets(org, [system])
    audit.record_many(org, actor, entries)
    return system


@transaction.atomic
def do_delete_system(actor: User | None, org: Organization, system: System) -> None:
    """Remove a system with its dependencies both ways and its components; each risk it was linked to gets
    the system's name back among its affected assets (as text, so the register loses nothing); the
    initiatives that affected it let it go. One audit event for the system, and one per link, risk and
    initiative changed. A system a budget line pays for is kept (`Conflict` naming the lines): its money is
    not silently moved."""
    check_same_org(org, system=system)
    lock_org(org)
    system = System.objects.for_org(org).get(pk=system.pk)
    paying = [line.ref for line in BudgetLine.objects.for_org(org).filter(system=system).order_by("number")[:11]]
    if paying:
        listed = ", ".join(paying[:10]) + (", ..." if len(paying) > 10 else "")
        raise Conflict({"system": _("Budget lines pay for %(system)s (%(lines)s): move them to another system, or "
                                    "clear their system, before you delete it.")
                        % {"system": system.name, "lines": listed}})
    entries = []
    for link in RiskSystem.objects.for_org(org).filter(system=system).select_related("risk"):
        risk = link.risk
        entries.append(audit.Entry(AuditAction.DELETE, link, {"risk": [risk.pk, None], "system": [system.pk, None]},
                                   f"{risk} affects {system}"))
        if rules.system_name_key(system.name) not in {rules.system_name_key(t) for t in risk.affected_assets}:
            after = [*risk.affected_assets, system.name]
            entries.append(audit.Entry(AuditAction.UPDATE, risk, {"affected_assets": [risk.affected_assets, after]},
                                       str(risk)))
            risk.affected_assets = after
            risk.save(update_fields=["affected_assets"])
    for initiative in Initiative.objects.for_org(org).filter(systems=system).order_by("number"):
        before = sorted(initiative.systems.values_list("pk", flat=True))
        entries.append(audit.Entry(AuditAction.UPDATE, initiative,
                                   {"systems": [before, [pk for pk in before if pk != system.pk]]}, str(initiative)))
    needs = _names(System.objects.for_org(org).filter(dependents=system))
    needed_by = _names(System.objects.for_org(org).filter(dependencies=system))
    changes = audit.diff(audit.snapshot(system, AUDITED), dict.fromkeys(AUDITED))
    changes.update({"dependencies": [needs, None], "dependents": [needed_by, None],
                    "components": [SystemComponent.objects.for_org(org).filter(system=system).count(), None]})
    entries.append(audit.Entry(AuditAction.DELETE, system, changes, _repr(system)))
    audit.record_many(org, actor, entries)
    RiskSystem.objects.for_org(org).filter(system=system).delete()
    InitiativeSystem.objects.for_org(org).filter(system=system).delete()
    SystemDependency.objects.for_org(org).filter(system=system).delete()
    SystemDependency.objects.for_org(org).filter(depends_on=system).delete()
    SystemComponent.objects.for_org(org).filter(system=system).delete()
    try:
        system.delete()
    except (RestrictedError, ProtectedError) as exc:
        # Another app's record still names the system (a processing activity, a processor, a data audit, an
        # incident): refused, and everything above rolls back with the transaction.
        held = exc.restricted_objects if isinstance(exc, RestrictedError) else exc.protected_objects
        names = sorted({_holder(obj) for obj in held})
        raise Conflict({"system": _("%(system)s is still named by %(holders)s: remove it there first.")
                        % {"system": system.name, "holders": ", ".join(names[:10]) + (", ..." if len(names) > 10
                                                                                      else "")}}) from exc


def _holder(obj: Any) -> str:
    """What holds a system, as people read it: the record that names it (a link row reads as its owner)."""
    for name in ("activity", "processor", "incident", "audit", "assessment"):
        owner = getattr(obj, name, None)
        if owner is not None and hasattr(owner, "ref"):
            return f"{owner.ref} {getattr(owner, 'name', '') or getattr(owner, 'title', '')}".strip()
    ref = getattr(obj, "ref", None)
    return f"{ref}" if ref else f"{obj._meta.verbose_name} {obj.pk}"


@transaction.atomic
def do_decide_time(actor: User | None, org: Organization, system: System, *, time_class: str,
                   reason: str = "") -> System:
    """Record the CIO's TIME decision on a system with its reason; the audit event carries the security
    input's suggestion and reasons as they stood (`selectors_systems.time_input`), so a decision against
    it is visible. Deciding Tolerate or Invest while the input suggests Migrate or Eliminate needs a reason."""
    check_same_org(org, system=system)
    lock_org(org)
    system = System.objects.for_org(org).get(pk=system.pk)
    errors = {}
    if time_class not in TimeClass.values:
        errors["time_class"] = f"'{time_class}' is not allowed; use one of: {', '.join(TimeClass.values)}."
    reason = str(reason or "").strip()
    if len(reason) > MAX_TEXT:
        errors["reason"] = f"At most {MAX_TEXT} characters (this one has {len(reason)})."
    suggestion = selectors_systems.time_input(org, system)
    if not errors and suggestion.suggested and time_class not in suggestion.suggested and not reason:
        errors["reason"] = ("The security input suggests " + " or ".join(suggestion.suggested) + " ("
                            + " ".join(r.text for r in suggestion.reasons) + "); say why you decide otherwise.")
    if errors:
        raise ValidationError(errors)
    before = audit.snapshot(system, ("time_class", "time_reason"))
    system.time_class, system.time_reason = time_class, reason
    system.time_decided_at, system.time_decided_by = timezone.now(), actor
    system.save(update_fields=["time_class", "time_reason", "time_decided_at", "time_decided_by"])
    changes: dict[str, Any] = {**audit.diff(before, audit.snapshot(system, ("time_class", "time_reason"))),
                               "suggested": [None, list(suggestion.suggested)],
                               "reasons": [None, [r.text for r in suggestion.reasons]]}
    audit.record(org, actor, AuditAction.UPDATE, system, changes=changes, object_repr=_repr(system))
    return system


# --- links to risks -----------------------------------------------------------------------------------

@transaction.atomic
def do_link_risk(actor: User | None, org: Organization, system: System, risk: Risk) -> RiskSystem:
    """Say that a register risk affects a system (already linked: nothing changes); one audit event."""
    check_same_org(org, system=system, risk=risk)
    lock_org(org)
    link = RiskSystem.objects.for_org(org).filter(system=system, risk=risk).first()
    if link is not None:
        return link
    link = RiskSystem.objects.for_org(org).create(organization=org, system=system, risk=risk)
    audit.record(org, actor, AuditAction.CREATE, link, object_repr=f"{risk} affects {system}"[:200],
                 changes={"risk": [None, risk.pk], "system": [None, system.pk]})
    return link


@transaction.atomic
def do_unlink_risk(actor: User | None, org: Organization, link: RiskSystem) -> None:
    check_same_org(org, link=link)
    lock_org(org)
    link = RiskSystem.objects.for_org(org).select_related("risk", "system").get(pk=link.pk)
    audit.record(org, actor, AuditAction.DELETE, link, object_repr=f"{link.risk} affects {link.system}"[:200],
                 changes={"risk": [link.risk_id, None], "system": [link.system_id, None]})
    link.delete()


# --- components (CycloneDX SBOM) ------------------------------------------------------------------------

@transaction.atomic
def do_import_sbom(actor: User | None, org: Organization, system: System, sbom: Sbom) -> int:
    """Replace a system's components with those of a CycloneDX SBOM (read and checked by `sbom.read_sbom`);
    one audit event on the system (how many components before and after, and the SBOM's serial number)."""
    check_same_org(org, system=system)
    lock_org(org)
    system = System.objects.for_org(org).get(pk=system.pk)
    before = SystemComponent.objects.for_org(org).filter(system=system).count()
    SystemComponent.objects.for_org(org).filter(system=system).delete()
    at = timezone.now()
    SystemComponent.objects.for_org(org).bulk_create([
        SystemComponent(organization=org, system=system, name=c.name, group=c.group, version=c.version,
                        component_type=c.component_type, purl=c.purl, licences=list(c.licences), supplier=c.supplier,
                        imported_at=at) for c in sbom.components], batch_size=1000)
    audit.record(org, actor, AuditAction.UPDATE, system, object_repr=_repr(system), changes={
        "components": [before, len(sbom.components)], "sbom": [None, sbom.serial_number or sbom.spec_version]})
    return len(sbom.components)


# --- handover ---------------------------------------------------------------------------------------

@transaction.atomic
def do_hand_over_member_systems(actor: User | None, org: Organization, membership: Membership,
                                reassign_to: Membership | None) -> int:
    """Give the systems `membership` owns (business or IT) to `reassign_to` (None: nobody); one audit
    event per system changed."""
    check_same_org(org, membership=membership, reassign_to=reassign_to)
    entries = []
    new = reassign_to.pk if reassign_to else None
    for system in (System.objects.for_org(org).filter(business_owner=membership)
                   | System.objects.for_org(org).filter(it_owner=membership)).select_for_update():
        changes = {}
        for field in ("business_owner", "it_owner"):
            if getattr(system, f"{field}_id") == membership.pk:
                setattr(system, field, reassign_to)
                changes[field] = [membership.pk, new]
        system.save(update_fields=list(changes))
        entries.append(audit.Entry(AuditAction.UPDATE, system, changes, _repr(system)))
    if entries:
        audit.record_many(org, actor, entries)
    return len(entries)
