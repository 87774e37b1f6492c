"""Demo privacy registers: the hospital group's requests at every stage (one extended, one overdue, one answered
late) and its breaches (one notified in two phases, one documented but not notified, one whose 72-hour clock still
runs); smaller registers for the fintech and the retailer. Dates are set from today, so the clocks read true
whenever the demo is loaded. An organisation that has requests is left as it is. Everything goes through the
services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from accord.core.clock import org_today
from accord.core.demo import DemoContext
from accord.core.models import Membership, Organization
from accord.privacy import demo_discovery, demo_dpias, demo_ropa, services_breaches, services_requests
from accord.privacy.models_requests import DataSubjectRequest

#: (kind, received days ago, requester, contact, what they asked, the stage: (action, days ago, details)...).
HOSPITAL_REQUESTS: tuple[tuple[str, int, str, str, str, tuple[tuple[str, int, dict[str, Any]], ...]], ...] = (
    ("access", 1, "A. Martin", "a.martin@mail.example", "A copy of my maternity ward records.", ()),
    ("rectification", 6, "B. Bernard", "b.bernard@mail.example", "My date of birth is wrong on my file.",
     (("pause", 4, {"reason": "The request came from an unknown address; a copy of an ID was asked."}),)),
    ("access", 20, "C. Dubois", "c.dubois@mail.example", "Everything you hold on me since 2015, all sites.",
     (("start", 18, {}), ("extend", 0, {"reason": "Records are spread over five hospitals and the archive; the "
                                                  "reasons were sent to the person by letter."}))),
    ("erasure", 45, "D. Thomas", "d.thomas@mail.example", "Delete my account on the patient portal.",
     (("start", 40, {}),)),
    ("portability", 40, "E. Robert", "e.robert@mail.example", "My lab results in a machine-readable file.",
     (("close", 12, {"outcome": "answered", "response": "CSV export sent through the patient portal."}),)),
    ("objection", 50, "F. Richard", "f.richard@mail.example", "Stop using my data for the satisfaction survey.",
     (("close", 10, {"outcome": "answered", "response": "Removed from the survey panel."}),)),
    ("erasure", 30, "G. Petit", "g.petit@mail.example", "Delete my medical file.",
     (("close", 25, {"outcome": "refused", "complaint_right_given": True,
                     "refusal_reasons": "Medical records are kept for 20 years under the public health code "
                                        "(Art. 17(3)(c) and (b)); the person was told of their right to complain "
                                        "to the CNIL and to a court."}),)),
    ("restriction", 15, "H. Durand", "h.durand@mail.example", "Freeze my data while my complaint is handled.",
     (("close", 9, {"outcome": "withdrawn"}),)),
    ("automated_decision", 8, "I. Leroy", "i.leroy@mail.example", "How was my appointment priority decided?",
     (("start", 7, {}),)),
)

SMALL_REQUESTS: dict[str, tuple[tuple[str, int, str, tuple[tuple[str, int, dict[str, Any]], ...]], ...]] = {
    "nordpay": (
        ("access", 12, "A customer asks for the data behind a declined card payment.", (("start", 10, {}),)),
        ("erasure", 35, "A former customer asks to close and erase the account.",
         (("close", 20, {"outcome": "refused", "complaint_right_given": True,
                         "refusal_reasons": "Anti-money-laundering law requires keeping the records for five "
                                            "years (Art. 17(3)(b))."}),)),
    ),
    "brightcart": (
        ("objection", 3, "A shopper objects to marketing e-mails.", ()),
        ("access", 28, "A shopper asks for their order history and profiling data.", (("start", 25, {}),)),
        ("rectification", 20, "Wrong delivery address on the account.",
         (("close", 18, {"outcome": "answered", "response": "Address corrected."}),)),
    ),
}


def _dpo(org: Organization) -> Membership | None:
    return Membership.objects.for_org(org).filter(role="dpo").select_related("user").order_by("pk").first()


def _stage(org: Organization, obj: DataSubjectRequest, action: str, on: dt.date, data: dict[str, Any]) -> None:
    if action == "pause":
        services_requests.do_pause_request(None, org, obj, paused_on=on, **data)
    elif action == "start":
        services_requests.do_update_request(None, org, obj, {"status": "in_progress"})
    elif action == "extend":
        services_requests.do_extend_request(None, org, obj, **data)
    elif action == "close":
        services_requests.do_close_request(None, org, obj, closed_on=on, **data)


def _load_requests(org: Organization, rows: Any) -> int:
    today = org_today(org)
    dpo = _dpo(org)
    for kind, days, name, contact, details, stages in rows:
        obj = services_requests.do_create_request(None, org, {
            "kind": kind, "received_on": today - dt.timedelta(days=days), "channel": "e-mail",
            "subject_name": name, "subject_contact": contact, "details": details,
            "assignee": dpo.user.email if dpo else None})
        for action, ago, data in stages:
            _stage(org, obj, action, today - dt.timedelta(days=ago), data)
    return len(rows)


def _load_hospital_breaches(org: Organization) -> None:
    now = timezone.now()
    notified = services_breaches.do_open_breach(None, org, {
        "title": "Ransomware on the radiology file server", "became_aware_at": now - dt.timedelta(days=20),
        "occurred_at": now - dt.timedelta(days=21),
        "nature": "Encryption of a file server by ransomware; exfiltration of part of the images not ruled out.",
        "subject_categories": "Patients of the radiology department", "subjects_approx": 4200,
        "record_categories": "Imaging reports, identity, social security numbers", "records_approx": 18_000,
        "dpo_contact": "dpo@harbour-health.example, +33 1 00 00 00 00",
        "likely_consequences": "Disclosure of health data; delayed diagnoses while the server was down.",
        "measures": "Server isolated and rebuilt from backups; accounts reset; forensics engaged.",
        "subjects_decision": "inform", "subjects_informed_at": now - dt.timedelta(days=14)})
    services_breaches.do_add_breach_notification(None, org, notified, {
        "sent_at": now - dt.timedelta(days=20) + dt.timedelta(hours=50), "authority_reference": "DEMO-2026-0142",
        "content": "Initial notification: nature, categories and approximate numbers, first measures."})
    services_breaches.do_add_breach_notification(None, org, notified, {
        "sent_at": now - dt.timedelta(days=12),
        "content": "Complement: forensics found 310 files copied out; people informed by letter."})
    services_breaches.do_open_breach(None, org, {
        "title": "Encrypted laptop lost on a train", "became_aware_at": now - dt.timedelta(days=60),
        "nature": "Loss of a laptop holding a spreadsheet of appointments.", "subject_categories": "Patients",
        "subjects_approx": 90, "record_categories": "Names and appointment dates", "records_approx": 90,
        "dpo_contact": "dpo@harbour-health.example", "likely_consequences": "None expected: full-disk encryption.",
        "measures": "Remote wipe issued; device certificate revoked.", "notify_decision": "not_required",
        "not_notified_reason": "Full-disk encryption with a strong key that was not lost: unlikely to result in a "
                               "risk to people (Art. 33(1)); documented under Art. 33(5).",
        "subjects_decision": "exempt_protected",
        "subjects_decision_reason": "The data were unintelligible to anyone who finds the laptop (Art. 34(3)(a))."})
    services_breaches.do_open_breach(None, org, {
        "title": "Discharge letters e-mailed to the wrong GP", "became_aware_at": now - dt.timedelta(hours=9),
        "nature": "Three discharge letters sent to a GP who does not treat those patients.",
        "subject_categories": "Patients", "subjects_approx": 3})


def load(context: DemoContext) -> None:
    for slug, org in context.orgs.items():
        if DataSubjectRequest.objects.for_org(org).exists():
            continue
        if slug == "harbour-health":
            made = _load_requests(org, HOSPITAL_REQUESTS)
            _load_hospital_breaches(org)
        elif slug in SMALL_REQUESTS:
            made = _load_requests(org, [(kind, days, "", "", details, stages)
                                        for kind, days, details, stages in SMALL_REQUESTS[slug]])
            services_breaches.do_open_breach(None, org, {
                "title": "Support mailbox forwarded to a personal address",
                "became_aware_at": timezone.now() - dt.timedelta(days=30),
                "nature": "An auto-forward rule sent support e-mails to an employee's personal mailbox.",
                "notify_decision": "not_required",
                "not_notified_reason": "The mailbox was the employee's own and the rule was removed within a day; "
                                       "unlikely to result in a risk (Art. 33(5))."})
        else:
            continue
        context.log(f"  privacy: {made} data-subject requests in {org.name}")
    for org in context.orgs.values():
        activities = demo_ropa.load_org(org)
        if activities:
            context.log(f"  privacy: {activities} processing activities in {org.name}")
        found = demo_discovery.load_org(org)
        if found:
            context.log(f"  privacy: a data-privacy audit with {found} discrepancies in {org.name}")
        made_dpias = demo_dpias.load_org(org, context.users)
        if made_dpias:
            context.log(f"  privacy: {made_dpias} DPIAs in {org.name}")
