"""Demo risk registers for the three demo organisations, and `accord demo --scale N`.

Each organisation gets a register written for its trade (a payments fintech, a hospital group, an
online retailer), a signed risk appetite with money tolerance points and a few acceptances. Some
risks are in money through 90% ranges, two or three through an Open FAIR breakdown, and several
treatments have a recorded effect, so the Money page shows inherent and residual curves. Nordpay's
newest appetite is a draft the CISO has signed and the CIO has not, so the "awaiting signature"
state is on show. An organisation that already has risks only gets the money data its risks lack
(a demo loaded before the money view existed), so loading twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from accord.core.demo import CONSULTANT, DemoContext
from accord.core.models import Membership, Organization, User
from accord.core.selectors import organization_by_slug, user_by_email
from accord.core.services import do_add_member, do_create_organization
from accord.risks import services
from accord.risks.models import Risk, RiskAcceptance
from accord.risks.selectors import access_risk
from accord.risks.services.acceptances import org_today

SCALE_SLUG = "scale"
SCALE_CHUNK = 1000


@dataclass(frozen=True)
class R:
    """One demo risk; dates are days from today (negative: in the past)."""

    category: str
    title: str
    description: str
    scores: tuple[int, int, int, int]  # inherent likelihood, impact; residual likelihood, impact
    owner: str
    status: str = "assessed"
    treatment: str = "mitigate"
    plan: str = ""
    due: int | None = None
    review: int | None = None
    tags: tuple[str, ...] = ()
    quant: tuple[float, float, int, int] | None = None  # events/year 5%-95%, loss/event 5%-95% (EUR)
    assets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Acceptance:
    title: str  # of the risk
    justification: str
    measures: str
    days: int
    signers: tuple[str, ...]  # e-mails, in signing order; fewer than required leaves it pending
    lapsed: bool = False


@dataclass(frozen=True)
class Appetite:
    statement: str
    levels: dict[str, str]
    tolerance: list[list[float]]
    drafter: str
    signers: tuple[str, ...]


@dataclass(frozen=True)
class Money:
    """A demo risk's Open FAIR breakdown and its treatment's effect (shares of events and of loss removed)."""

    fair: dict[str, Any] | None = None
    fewer_events: float | None = None
    less_loss: float | None = None

    def fields(self) -> dict[str, Any]:
        values = {"fair": self.fair, "treatment_frequency_reduction": self.fewer_events,
                  "treatment_loss_reduction": self.less_loss}
        return {k: v for k, v in values.items() if v is not None}


@dataclass(frozen=True)
class Register:
    risks: tuple[R, ...]
    appetite: Appetite
    next_draft: Appetite | None = None  # signed by some, not all: stays a draft
    acceptances: tuple[Acceptance, ...] = field(default_factory=tuple)
    money: dict[str, Money] = field(default_factory=dict)  # by risk title


# --- Nordpay: payments fintech, external vCISO --------------------------------------------------------
NP_CIO, NP_CEO, NP_DPO, NP_ENG = ("cio@nordpay.example", "ceo@nordpay.example", "dpo@privacy-partners.example",
                                  "engineer@nordpay.example")
NORDPAY = Register(
    risks=(
        R("cyber_security", "Account takeover on the merchant dashboard",
          "Credential stuffing against merchant logins lets a fraudster change the payout IBAN and divert a day's "
          "settlement.", (4, 4, 3, 3), CONSULTANT, "in_treatment",
          plan="Require a passkey for payout changes; rate-limit logins per device; alert merchants on IBAN change.",
          due=45, tags=("fraud", "merchant-portal"), quant=(2, 12, 5_000, 80_000), assets=("Merchant dashboard",)),
        R("cyber_security", "Theft of the payment API signing keys",
          "Keys live in cloud KMS but a leaked CI secret could sign transfer instructions for a whole batch.",
          (2, 5, 1, 5), NP_ENG, plan="Move signing into a managed HSM; short-lived CI credentials.", due=90,
          tags=("keys", "pci-dss"), quant=(0.02, 0.2, 200_000, 4_000_000), assets=("Payment API", "CI pipeline")),
        R("cyber_security", "Ransomware on back-office laptops",
          "Forty mixed macOS and Windows laptops reach the finance share; backups of the share are online.",
          (3, 4, 2, 3), NP_CIO, tags=("endpoint",), quant=(0.05, 0.5, 30_000, 600_000)),
        R("third_party", "Outage of the card processing partner",
          "All card volume runs through one processor; there is no tested failover route.",
          (3, 5, 3, 4), NP_CIO, "in_treatment", plan="Contract a second processor for EU cards and rehearse "
          "failover every quarter.", due=-10, tags=("dora", "availability"), quant=(0.5, 3, 20_000, 400_000)),
        R("compliance", "DORA incident reports filed late",
          "Classifying a major ICT incident and sending the initial notification within four hours has never "
          "been rehearsed.", (3, 4, 2, 3), CONSULTANT, "in_treatment", plan="Write the playbook; tabletop twice "
          "a year with the CEO.", due=-20, tags=("dora", "regulator")),
        R("compliance", "Strong customer authentication exemptions misapplied",
          "Transaction-risk-analysis thresholds are set by hand in the rules engine; an error invites a finding.",
          (2, 4, 2, 3), NP_CIO, tags=("psd2",)),
        R("privacy", "Transaction logs kept beyond the retention schedule",
          "Raw transaction logs with names and IBANs stay in the warehouse indefinitely.", (4, 3, 2, 2), NP_DPO,
          "in_treatment", plan="Partition by month and drop partitions after ten years.", review=-15,
          tags=("gdpr", "retention")),
        R("privacy", "Support tickets transferred to a US help-desk tool",
          "Standard contractual clauses are signed, but the transfer impact assessment predates the vendor's "
          "new sub-processors.", (3, 3, 3, 2), NP_DPO, tags=("gdpr", "transfers")),
        R("cyber_security", "Standing production database access for engineers",
          "Six engineers can read card tokens and IBANs in production at any time.", (2, 4, 1, 3), NP_ENG,
          plan="Just-in-time access with a second approver and session recording.", due=30, tags=("access",)),
        R("it_operations", "Only one engineer understands the settlement batch",
          "The nightly settlement job is maintained by a single person and has no runbook.", (3, 4, 2, 3), NP_CIO,
          plan="Pair on the batch; write the runbook; on-call rota of two.", due=60, tags=("key-person",)),
        R("it_operations", "Database migration fails during business hours",
          "Schema migrations are run by hand and have locked the payments table twice this year.", (3, 3, 2, 2),
          NP_ENG, tags=("change",)),
        R("strategic", "E-money licence application delayed",
          "The regulator expects audited controls before granting the licence; the audit slot is not booked.",
          (3, 5, 3, 4), NP_CEO, tags=("licence", "board")),
        R("financial", "Chargeback losses exceed the reserve",
          "An insolvent merchant would leave its chargebacks with Nordpay.", (3, 4, 2, 4), NP_CEO,
          quant=(1, 6, 10_000, 250_000)),
        R("third_party", "Cloud region outage in Frankfurt",
          "Every workload runs in a single cloud region.", (2, 4, 2, 3), NP_ENG, tags=("availability", "cloud"),
          quant=(0.1, 1, 50_000, 500_000)),
        R("cyber_security", "Fraudulent supplier payment after a phishing e-mail",
          "A convincing invoice-change e-mail to finance diverts a supplier payment.", (4, 3, 3, 2), CONSULTANT,
          plan="Call-back check on any bank detail change; phishing drills.", due=20, tags=("phishing", "bec"),
          quant=(0.5, 4, 5_000, 150_000)),
        R("cyber_security", "Malicious package in the checkout widget build",
          "The JavaScript widget merchants embed pulls 900 npm packages; one compromised release reaches every "
          "checkout.", (3, 4, 2, 3), NP_ENG, plan="Lock files, provenance checks and a private registry mirror.",
          due=75, tags=("supply-chain", "pci-dss")),
        R("compliance", "Sanctions screening lists updated weekly",
          "Sanctions list updates are applied once a week instead of daily.", (3, 5, 2, 4), NP_CEO, tags=("aml",)),
        R("privacy", "Access requests answered after the one-month deadline",
          "Data subject requests arrive by e-mail with no tracking.", (3, 2, 2, 2), NP_DPO, review=-40,
          tags=("gdpr", "dsar")),
        R("it_operations", "Backups never restored in a test",
          "Database backups run nightly but no restore has been tried in twelve months.", (3, 4, 2, 3), NP_ENG,
          "in_treatment", plan="Quarterly restore test with a timed report.", due=-5, tags=("backup",)),
        R("strategic", "Three merchants bring 60 % of volume",
          "Losing any one of the three largest merchants would cut revenue by a fifth.", (3, 4, 3, 4), NP_CEO,
          "identified", treatment="accept", tags=("concentration",)),
        R("cyber_security", "Denial of service against the payment API",
          "A volumetric attack at month end would stop authorisations.", (3, 3, 2, 2), NP_CIO,
          treatment="transfer", plan="DDoS protection from the CDN provider, with a response SLA.",
          quant=(0.5, 4, 2_000, 60_000)),
        R("financial", "Currency exposure on the settlement float",
          "Float is held in EUR, SEK and DKK and settled a day later.", (3, 3, 3, 2), NP_CEO,
          quant=(1, 4, 1_000, 40_000)),
        R("compliance", "PCI DSS 4.0 requirements not met in time",
          "Targeted risk analyses and script inventory for payment pages are not done yet.", (3, 4, 2, 3),
          CONSULTANT, "in_treatment", plan="Gap assessment, then monthly progress to the CEO.", due=25,
          tags=("pci-dss",)),
        R("third_party", "Identity verification provider exits the market",
          "The KYC provider was acquired; its roadmap and pricing are unclear.", (2, 3, 2, 3), NP_CIO,
          "identified", tags=("supplier",)),
    ),
    appetite=Appetite(
        "Nordpay takes moderate risk to grow payment volume. It has minimal appetite for risk to customer funds, "
        "card data and its standing with the regulator.",
        {"strategic": "high", "it_operations": "medium", "cyber_security": "medium", "privacy": "medium",
         "compliance": "low", "third_party": "medium", "financial": "medium"},
        [[1_000_000, 0.25], [3_000_000, 0.03], [10_000_000, 0.005]], CONSULTANT, (NP_CIO, CONSULTANT)),
    next_draft=Appetite(
        "While the e-money licence is under review, Nordpay holds cyber security and third-party risk low. "
        "Everything else is unchanged.",
        {"strategic": "high", "it_operations": "medium", "cyber_security": "low", "privacy": "medium",
         "compliance": "low", "third_party": "low", "financial": "medium"},
        [[1_000_000, 0.15], [3_000_000, 0.02], [10_000_000, 0.002]], CONSULTANT, (CONSULTANT,)),
    acceptances=(
        Acceptance("Outage of the card processing partner",
                   "A second processor is contracted; integration goes live next quarter.",
                   "Manual failover runbook; daily volume cap agreed with the processor.", 120,
                   (CONSULTANT, NP_CEO)),
        Acceptance("Sanctions screening lists updated weekly",
                   "The daily feed needs a new screening vendor, selected in the autumn.",
                   "Manual check of the EU list on every payout above EUR 10,000.", 90, (CONSULTANT,)),
        Acceptance("PCI DSS 4.0 requirements not met in time",
                   "The QSA agreed compensating controls until the assessment.",
                   "Weekly review of payment page scripts.", 30, (CONSULTANT, NP_CEO), lapsed=True),
        Acceptance("Chargeback losses exceed the reserve", "The reserve covers the expected losses.",
                   "", 365, (NP_CEO,)),
    ),
    money={
        "Theft of the payment API signing keys": Money(fair={
            "tef": {"pert": [0.5, 2, 6]}, "tcap": {"pert": [0.4, 0.6, 0.9]}, "rs": {"pert": [0.6, 0.8, 0.95]},
            "primary_loss": {"lognormal_ci90": [200_000, 4_000_000]},
            "secondary_probability": {"pert": [0.2, 0.4, 0.7]},
            "secondary_loss": {"lognormal_ci90": [100_000, 2_000_000]}}, fewer_events=0.5),
        "Malicious package in the checkout widget build": Money(fair={
            "tef": {"pert": [1, 3, 8]}, "vulnerability": {"uniform": [0.02, 0.1]},
            "primary_loss": {"lognormal_ci90": [50_000, 1_500_000]}}, fewer_events=0.6),
        "Standing production database access for engineers": Money(fair={
            "tef": {"pert": [0.2, 1, 3]}, "vulnerability": {"pert": [0.05, 0.15, 0.4]},
            "primary_loss": {"lognormal_ci90": [20_000, 600_000]}, "secondary_probability": {"constant": 0.3},
            "secondary_loss": {"lognormal_ci90": [50_000, 1_000_000]}}, fewer_events=0.7),
        "Account takeover on the merchant dashboard": Money(fewer_events=0.6),
        "Outage of the card processing partner": Money(less_loss=0.5),
        "Fraudulent supplier payment after a phishing e-mail": Money(fewer_events=0.7),
        "Denial of service against the payment API": Money(fewer_events=0.3, less_loss=0.6),
    },
)

# --- Harbour Health: hospital group, internal CISO ------------------------------------------------------
HH_CIO, HH_CISO, HH_DPO, HH_ADMIN, HH_BOARD = ("cio@harbour-health.example", "ciso@harbour-health.example",
                                              "dpo@harbour-health.example", "admin@harbour-health.example",
                                              "board@harbour-health.example")
HARBOUR = Register(
    risks=(
        R("cyber_security", "Ransomware stops the electronic patient record",
          "Encrypted EPR servers would send three hospitals to paper for days.", (4, 5, 3, 4), HH_CISO,
          "in_treatment", plan="Immutable backups, EDR on every server and downtime drills twice a year.", due=90,
          tags=("ransomware", "epr", "board"), quant=(0.1, 0.6, 400_000, 8_000_000), assets=("EPR", "Backups")),
        R("cyber_security", "Unpatched medical devices on the clinical network",
          "Infusion pumps and imaging workstations run unsupported Windows on the same network as office PCs.",
          (4, 4, 3, 4), HH_CISO, "in_treatment", plan="Device VLANs and a vendor patch roadmap.", due=-30,
          tags=("medical-devices",), assets=("Infusion pumps", "PACS workstations")),
        R("privacy", "Staff look up records of well-known patients",
          "Record snooping is possible for any clinician and is not reviewed.", (3, 4, 2, 3), HH_DPO,
          "in_treatment", plan="Break-the-glass alerts and a monthly access review.", due=40,
          tags=("gdpr", "access-control")),
        R("privacy", "Discharge letters on a lost USB stick",
          "Secretaries copy letters to personal USB sticks to work from home.", (3, 3, 2, 2), HH_DPO,
          tags=("gdpr",)),
        R("it_operations", "Power failure in the main data centre",
          "One data centre; the generator is tested once a year.", (2, 5, 2, 4), HH_CIO,
          quant=(0.05, 0.3, 100_000, 1_500_000)),
        R("it_operations", "EPR upgrade overruns its downtime window",
          "The major version upgrade needs twelve hours of downtime on a weekend.", (3, 4, 2, 3), HH_CIO,
          "in_treatment", plan="Two dress rehearsals and a tested roll-back.", due=40, tags=("epr", "change")),
        R("third_party", "Laboratory system supplier goes out of business",
          "The laboratory information system comes from a twelve-person company.", (2, 4, 2, 4), HH_CIO,
          treatment="transfer", plan="Source code escrow in the next contract.", tags=("supplier",)),
        R("third_party", "Breach at the cloud imaging (PACS) provider",
          "Images and reports of 300,000 patients are hosted by a certified provider.", (2, 5, 2, 4), HH_CISO,
          treatment="transfer", tags=("pacs", "hds")),
        R("compliance", "Health data hosting certificate of the provider lapses",
          "The hosting provider's certificate is up for renewal during the migration.", (2, 4, 2, 3), HH_CIO,
          tags=("hds",)),
        R("compliance", "NIS2 obligations for essential entities not met",
          "Management training, supply-chain security and 24-hour reporting are not in place.", (3, 4, 2, 3),
          HH_CISO, "in_treatment", plan="NIS2 programme reporting to the board each quarter.", due=120,
          tags=("nis2", "board")),
        R("cyber_security", "Clinicians' webmail accounts phished",
          "Webmail is reachable from the internet; one account in twenty still has no second factor.",
          (5, 3, 3, 2), HH_CISO, plan="Enforce MFA for everyone; block legacy mail protocols.", due=14,
          tags=("phishing",), quant=(4, 20, 1_000, 50_000)),
        R("cyber_security", "Shared logins on nursing workstations",
          "Ward PCs stay logged in under one account for the whole shift.", (4, 3, 3, 2), HH_CIO,
          "in_treatment", plan="Badge tap-and-go login.", due=-15, tags=("access-control",)),
        R("strategic", "Merger with a regional hospital doubles the IT estate",
          "Two EPRs, two directories and two networks must converge in eighteen months.", (4, 4, 3, 3), HH_CIO,
          tags=("merger", "board")),
        R("financial", "Cyber insurance premium doubles or cover is refused",
          "Insurers ask for MFA, EDR and tested backups at renewal.", (3, 3, 2, 3), HH_CISO,
          quant=(0.3, 1, 50_000, 400_000)),
        R("privacy", "Research data sets can be re-identified",
          "Pseudonymised extracts shared with the university keep dates of birth and postcodes.", (2, 4, 2, 3),
          HH_DPO, tags=("research", "gdpr")),
        R("it_operations", "Nurse call and telephony system at end of life",
          "The vendor ends support next year; spare parts are scarce.", (3, 3, 3, 3), HH_ADMIN, review=-60,
          tags=("end-of-life",)),
        R("cyber_security", "Maintenance vendors connect without MFA",
          "Twelve suppliers use a shared VPN account to maintain their systems.", (3, 5, 2, 4), HH_CISO,
          plan="Per-person vendor accounts behind MFA, time-boxed.", due=15, tags=("vendor-access",)),
        R("compliance", "Medical record retention rules not applied",
          "Records past their twenty-year retention are never reviewed for deletion.", (3, 2, 3, 2), HH_DPO,
          "identified", tags=("retention",)),
        R("third_party", "Billing partner mishandles patient invoices",
          "Invoices go to old addresses and debt collection starts too early.", (2, 3, 2, 2), HH_ADMIN),
        R("financial", "EPR programme overruns its budget",
          "Integration work is billed by the day and the scope keeps growing.", (3, 3, 3, 2), HH_CIO,
          quant=(0.3, 1, 200_000, 1_200_000)),
        R("strategic", "Not enough security staff",
          "Two security engineers cover four sites and on-call.", (4, 3, 4, 3), HH_CISO, tags=("staffing",)),
        R("it_operations", "Wi-Fi drops in operating theatres",
          "Anaesthesia charting on tablets loses its connection in two theatres.", (2, 4, 1, 3), HH_ADMIN,
          plan="Survey and add access points.", due=-3),
        R("cyber_security", "Directory takeover through legacy protocols",
          "NTLMv1 and SMBv1 are still enabled for old laboratory analysers.", (3, 5, 2, 4), CONSULTANT,
          "in_treatment", plan="Disable NTLMv1, tiered administration, isolate the analysers.", due=-7,
          tags=("active-directory",)),
        R("privacy", "Patient portal shows another patient's documents",
          "Document links in the portal use sequential identifiers.", (2, 5, 1, 4), HH_CISO,
          plan="Authorisation check on every download; penetration test.", due=10, tags=("portal",)),
    ),
    appetite=Appetite(
        "Patient safety comes first. Harbour Health has no appetite for risks that could interrupt clinical care "
        "or expose health data, and a moderate appetite for risk in administrative systems and projects.",
        {"strategic": "medium", "it_operations": "medium", "cyber_security": "medium", "privacy": "low",
         "compliance": "low", "third_party": "medium", "financial": "medium"},
        [[1_000_000, 0.25], [5_000_000, 0.02]], HH_CISO, (HH_CIO, HH_CISO)),
    acceptances=(
        Acceptance("Unpatched medical devices on the clinical network",
                   "Replacement infusion pumps are funded in next year's budget.",
                   "Devices moved to a VLAN without internet access; monthly vulnerability scan.", 180,
                   (HH_CISO, HH_BOARD)),
        Acceptance("Research data sets can be re-identified",
                   "Accepted for the current study; the data-sharing agreement forbids linkage.",
                   "University access limited to two named researchers.", 30, (HH_CISO, HH_BOARD), lapsed=True),
        Acceptance("Ransomware stops the electronic patient record",
                   "Full EDR coverage is two quarters away.", "Offline backup copy every week.", 90, (HH_CISO,)),
    ),
    money={
        "Ransomware stops the electronic patient record": Money(fair={
            "tef": {"pert": [0.2, 0.8, 2]}, "tcap": {"pert": [0.3, 0.6, 0.95]}, "rs": {"pert": [0.4, 0.65, 0.85]},
            "primary_loss": {"lognormal_ci90": [400_000, 6_000_000]},
            "secondary_probability": {"pert": [0.3, 0.5, 0.8]},
            "secondary_loss": {"lognormal_ci90": [200_000, 4_000_000]}}, fewer_events=0.5, less_loss=0.4),
        "Unpatched medical devices on the clinical network": Money(fair={
            "tef": {"pert": [0.5, 2, 5]}, "vulnerability": {"pert": [0.05, 0.15, 0.35]},
            "primary_loss": {"lognormal_ci90": [30_000, 800_000]}}, fewer_events=0.5),
        "Patient portal shows another patient's documents": Money(fair={
            "tef": {"pert": [0.5, 1, 4]}, "vulnerability": {"uniform": [0.05, 0.2]},
            "primary_loss": {"lognormal_ci90": [10_000, 200_000]}, "secondary_probability": {"pert": [0.1, 0.3, 0.6]},
            "secondary_loss": {"lognormal_ci90": [50_000, 1_500_000]}}, fewer_events=0.8),
        "Clinicians' webmail accounts phished": Money(fewer_events=0.8),
        "Power failure in the main data centre": Money(less_loss=0.3),
    },
)

# --- Brightcart: online retailer, hybrid CIO-CISO -----------------------------------------------------
BC_LEAD, BC_CEO, BC_BUYER = "cio-ciso@brightcart.example", "ceo@brightcart.example", "buyer@brightcart.example"
BRIGHTCART = Register(
    risks=(
        R("cyber_security", "Card skimming script on the checkout page",
          "An injected script would copy card numbers as customers type them.", (3, 5, 2, 4), BC_LEAD,
          "in_treatment", plan="Content-Security-Policy, subresource integrity and script change alerts.", due=30,
          tags=("pci-dss", "checkout"), quant=(0.05, 0.4, 50_000, 2_000_000)),
        R("it_operations", "Shop outage on Black Friday",
          "A third of yearly revenue comes in the last five weeks of the year.", (3, 5, 2, 4), BC_LEAD,
          plan="Load test in October; change freeze in November.", due=60, tags=("peak", "availability", "board"),
          quant=(0.2, 1, 100_000, 1_500_000)),
        R("cyber_security", "Credential stuffing steals loyalty points",
          "Reused passwords let fraudsters spend customers' points.", (4, 3, 3, 2), BC_LEAD,
          tags=("fraud",), quant=(2, 10, 2_000, 30_000)),
        R("privacy", "Marketing e-mails without valid consent",
          "Consent from a 2019 competition is reused for newsletters.", (3, 3, 2, 2), CONSULTANT,
          "in_treatment", plan="Re-permission campaign; suppress unconfirmed addresses.", due=21,
          tags=("gdpr", "marketing")),
        R("privacy", "Ad-tech partner uses customer data beyond the contract",
          "Hashed e-mail addresses are sent for audience matching.", (2, 4, 2, 4), CONSULTANT, tags=("gdpr",)),
        R("third_party", "Warehouse management system outage",
          "The hosted system has had three outages this year; orders stop shipping.", (3, 4, 2, 3), BC_LEAD),
        R("third_party", "Payment provider raises fees by 30 %",
          "The contract allows a price change with ninety days' notice.", (3, 3, 3, 3), BC_CEO,
          treatment="accept"),
        R("financial", "Refund fraud with fake returns",
          "Empty or swapped parcels are refunded before inspection.", (4, 2, 3, 2), BC_BUYER,
          quant=(20, 80, 50, 800), tags=("fraud", "returns")),
        R("strategic", "Marketplace competitor undercuts prices",
          "A marketplace sells our top 200 products below our cost price.", (4, 4, 4, 4), BC_CEO,
          "identified", treatment="accept", tags=("market", "board")),
        R("compliance", "Product safety recalls not passed to customers",
          "Supplier recall notices arrive by e-mail to one buyer.", (2, 4, 2, 3), BC_BUYER, tags=("gpsr",)),
        R("compliance", "Shop does not meet the European Accessibility Act",
          "Checkout and product filters fail keyboard and screen-reader tests.", (4, 3, 2, 2), BC_LEAD,
          "in_treatment", plan="Accessibility fixes in the next two releases; external audit.", due=-25,
          tags=("eaa",)),
        R("cyber_security", "Shop admin panel reachable from the internet",
          "The e-commerce platform's back office answers on a public URL.", (3, 4, 1, 3), BC_LEAD,
          plan="Restrict to the office VPN and SSO.", due=10),
        R("it_operations", "Search index corruption hides products",
          "A failed re-index empties category pages.", (2, 3, 2, 2), BC_LEAD),
        R("it_operations", "Nightly stock sync between ERP and shop is a single point of failure",
          "A CSV export between ERP and shop runs once a night; when it fails the shop sells stock it does not "
          "have.", (4, 4, 3, 4), BC_LEAD, review=-20, tags=("erp",), quant=(2, 8, 3_000, 40_000)),
        R("cyber_security", "Gift card balances drained by bots",
          "The balance check endpoint has no rate limit.", (3, 3, 2, 2), BC_BUYER, quant=(1, 8, 1_000, 20_000),
          tags=("fraud",)),
        R("privacy", "Customer service exports customer lists to spreadsheets",
          "Agents export lists to work on complaints offline; files end up in personal mailboxes.",
          (4, 4, 4, 3), CONSULTANT, review=-10, tags=("gdpr",)),
        R("third_party", "Supplier ships counterfeit goods",
          "A new supplier in a high-risk category has no audit history.", (2, 4, 2, 3), BC_BUYER,
          tags=("sourcing",)),
        R("financial", "Stock write-offs from poor demand forecasts",
          "Seasonal lines are bought on last year's sales alone.", (3, 3, 3, 3), BC_BUYER,
          quant=(1, 4, 20_000, 200_000)),
        R("cyber_security", "Developer laptops hold production data",
          "Developers debug with copies of the production database.", (3, 4, 2, 3), BC_LEAD,
          plan="Masked test data set; disk encryption check.", due=35),
        R("strategic", "The hybrid CIO-CISO role is overloaded",
          "One person runs IT and security; leave or departure stalls both.", (3, 4, 3, 4), BC_CEO,
          tags=("governance", "key-person")),
        R("compliance", "Marketplace notice-and-action process missing",
          "Third-party sellers' listings cannot be reported as the Digital Services Act requires.", (2, 3, 2, 3),
          CONSULTANT, "identified", tags=("dsa",)),
        R("financial", "Cloud costs grow faster than revenue",
          "Hosting costs rose 40 % while orders rose 12 %.", (4, 2, 3, 2), BC_LEAD, tags=("cost",)),
    ),
    appetite=Appetite(
        "Brightcart takes commercial risk to grow and accepts short outages outside the peak season. It keeps "
        "risks to card data and to customers' trust low.",
        {"strategic": "high", "it_operations": "medium", "cyber_security": "medium", "privacy": "medium",
         "compliance": "medium", "third_party": "high", "financial": "high"},
        [[500_000, 0.4], [2_000_000, 0.02]], BC_LEAD, (BC_LEAD, BC_CEO)),
    acceptances=(
        Acceptance("Nightly stock sync between ERP and shop is a single point of failure",
                   "The ERP is replaced next year; a real-time integration is not worth building now.",
                   "Morning check of the sync log; oversold orders refunded within a day.", 270, (BC_LEAD, BC_CEO)),
        Acceptance("Customer service exports customer lists to spreadsheets",
                   "Accepted during the CRM migration.", "Exports limited to team leads.", 45, (BC_LEAD, BC_CEO),
                   lapsed=True),
        Acceptance("Gift card balances drained by bots", "Losses are small and capped per card.",
                   "Cards blocked after five failed checks.", 180, ()),
    ),
    money={
        "Card skimming script on the checkout page": Money(fair={
            "tef": {"pert": [0.2, 1, 3]}, "tcap": {"pert": [0.2, 0.5, 0.9]}, "rs": {"pert": [0.3, 0.55, 0.8]},
            "primary_loss": {"lognormal_ci90": [30_000, 800_000]}, "secondary_probability": {"pert": [0.2, 0.5, 0.8]},
            "secondary_loss": {"lognormal_ci90": [50_000, 1_500_000]}}, fewer_events=0.7),
        "Shop admin panel reachable from the internet": Money(fair={
            "tef": {"pert": [2, 6, 20]}, "vulnerability": {"pert": [0.01, 0.03, 0.1]},
            "primary_loss": {"lognormal_ci90": [20_000, 500_000]}}, fewer_events=0.9),
        "Shop outage on Black Friday": Money(fewer_events=0.4, less_loss=0.3),
        "Nightly stock sync between ERP and shop is a single point of failure": Money(less_loss=0.5),
    },
)

REGISTERS = {"nordpay": NORDPAY, "harbour-health": HARBOUR, "brightcart": BRIGHTCART}


def _raised_by(category: str) -> str:
    return {"privacy": "dpo", "strategic": "cio", "it_operations": "cio", "financial": "cio"}.get(category, "ciso")


def _risk_input(spec: R, index: int, today: dt.date) -> dict[str, Any]:
    li, im, rl, ri = spec.scores
    data: dict[str, Any] = {
        "title": spec.title, "description": spec.description, "category": spec.category, "owner": spec.owner,
        "raised_by": _raised_by(spec.category), "likelihood": li, "impact": im, "residual_likelihood": rl,
        "residual_impact": ri, "status": spec.status, "treatment": spec.treatment, "treatment_plan": spec.plan,
        "tags": list(spec.tags), "affected_assets": list(spec.assets),
        # Reviews spread over the next six months unless the spec says otherwise (negative: overdue).
        "next_review": (today + dt.timedelta(days=spec.review if spec.review is not None else 20 + index * 7 % 160)),
    }
    if spec.due is not None:
        data["treatment_owner"] = spec.owner
        data["treatment_due"] = today + dt.timedelta(days=spec.due)
    if spec.quant:
        data.update(zip(("frequency_low", "frequency_high", "loss_low", "loss_high"), spec.quant, strict=True))
    return data


def _draft_and_sign(org: Organization, people: dict[str, User], appetite: Appetite) -> None:
    services.do_draft_appetite(people[appetite.drafter], org, statement=appetite.statement,
                               category_levels=appetite.levels, tolerance=appetite.tolerance)
    for email in appetite.signers:
        services.do_sign_appetite(people[email], org)


def _accept(org: Organization, people: dict[str, User], risks: dict[str, Risk], spec: Acceptance,
            today: dt.date) -> None:
    risk = access_risk(org, risks[spec.title].pk)
    requester = people[spec.signers[0]] if spec.signers else people[risk.owner.user.email] if risk.owner else None
    acceptance = services.do_request_acceptance(requester, org, risk, justification=spec.justification,
                                                compensating_measures=spec.measures,
                                                expires_on=today + dt.timedelta(days=spec.days))
    for email in spec.signers:
        services.do_sign_acceptance(people[email], org, acceptance)
    if spec.lapsed:
        # Demo back-dating: an acceptance lapses only as time passes, so to show a lapsed one today its
        # expiry is moved into the past directly. No application code path may do this; the audit trail
        # keeps the date it was signed with.
        RiskAcceptance.objects.for_org(org).filter(pk=acceptance.pk).update(
            expires_on=today - dt.timedelta(days=12))


@transaction.atomic
def load_register(org: Organization, register: Register) -> int:
    """Fill `org` with `register` (risks, appetite, acceptances); returns the number of risks."""
    people = {m.user.email: m.user for m in Membership.objects.for_org(org).select_related("user")}
    today = org_today(org)
    risks: dict[str, Risk] = {}
    for index, spec in enumerate(register.risks):
        data = {**_risk_input(spec, index, today), **register.money.get(spec.title, Money()).fields()}
        risks[spec.title] = services.do_create_risk(people[spec.owner], org, data)
    _draft_and_sign(org, people, register.appetite)
    for acceptance in register.acceptances:
        _accept(org, people, risks, acceptance, today)
    if register.next_draft is not None:
        _draft_and_sign(org, people, register.next_draft)
    return len(risks)


def add_money(org: Organization, register: Register) -> int:
    """Give the register's risks the money data they lack (a demo loaded before the money view existed);
    returns how many risks changed. Values already there, even changed ones, are kept."""
    changed = 0
    for title, money in register.money.items():
        risk = Risk.objects.for_org(org).select_related("owner__user").filter(title=title).first()
        if risk is None:
            continue
        missing = {name: value for name, value in money.fields().items() if getattr(risk, name) is None}
        if missing:
            services.do_update_risk(risk.owner.user if risk.owner else None, org, risk, missing)
            changed += 1
    return changed


# --- scale ------------------------------------------------------------------------------------------------

_ASSETS = ("Payment gateway", "Customer database", "ERP", "Data warehouse", "Mail service", "Web shop",
           "Mobile app", "HR system", "Identity provider", "File servers", "Backup system", "Call centre",
           "Laboratory system", "Billing platform", "Partner API", "Office network", "Cloud tenant",
           "CI pipeline", "Document archive", "Point-of-sale terminals")
_THREATS = ("ransomware", "outage", "data leak", "insider misuse", "supplier failure", "misconfiguration",
            "unpatched vulnerability", "phishing-led compromise", "licence breach", "budget overrun",
            "loss of key staff", "regulatory finding", "fraud", "denial of service", "data corruption")
_CATEGORIES = ("strategic", "it_operations", "cyber_security", "privacy", "compliance", "third_party", "financial")
_TAGS = ("board", "gdpr", "nis2", "dora", "pci-dss", "cloud", "supplier", "fraud", "availability", "legacy")


def synthetic_rows(count: int, *, owners: tuple[str, ...] = (), today: dt.date | None = None,
                   seed: int = 2026) -> Iterator[tuple[int, dict[str, Any]]]:
    """`count` plausible, varied risks as `do_import_risks` rows (deterministic for a given seed)."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    today = today or dt.date.today()  # noqa: DTZ011 - callers pass the organisation's date
    for n in range(count):
        li, im = rng.randint(1, 5), rng.randint(1, 5)
        asset, threat = rng.choice(_ASSETS), rng.choice(_THREATS)
        row: dict[str, Any] = {
            "title": f"{asset}: {threat}", "category": rng.choice(_CATEGORIES),
            "description": f"A {threat} affecting the {asset.lower()} ({n + 1}).",
            "owner": rng.choice(owners) if owners and rng.random() < 0.8 else "",
            "likelihood": li, "impact": im, "residual_likelihood": rng.randint(1, li),
            "residual_impact": rng.randint(1, im), "affected_assets": [asset],
            "status": rng.choice(("identified", "assessed", "assessed", "in_treatment", "closed")),
            "tags": rng.sample(_TAGS, rng.randint(0, 2)),
            "next_review": today + dt.timedelta(days=rng.randint(-60, 300)),
        }
        if rng.random() < 0.4:
            row["treatment_plan"] = f"Reduce the {threat} exposure of the {asset.lower()}."
            row["treatment_due"] = today + dt.timedelta(days=rng.randint(-30, 180))
        if rng.random() < 0.3:
            freq = rng.choice((0.05, 0.1, 0.5, 1, 2))
            loss = rng.choice((5_000, 20_000, 100_000, 500_000))
            row.update(frequency_low=freq, frequency_high=freq * rng.choice((3, 5, 10)), loss_low=loss,
                       loss_high=loss * rng.choice((5, 10, 20)))
        yield n + 2, row


def fill(org: Organization, count: int, *, owners: tuple[str, ...] = (), log: Any = None) -> int:
    """Add `count` synthetic risks to `org` through `do_import_risks` (audited, one event each), in
    transactions of 1,000; returns how many were added."""
    rows = synthetic_rows(count, owners=owners, today=org_today(org))
    done = 0
    while done < count:
        chunk = [next(rows) for _ in range(min(SCALE_CHUNK, count - done))]
        services.do_import_risks(None, org, chunk)
        done += len(chunk)
        if log is not None:
            log(f"risks: {org.slug} {done:,} / {count:,}")
    return done


def _scale_org(ctx: DemoContext) -> Organization:
    org = organization_by_slug(SCALE_SLUG)
    if org is None:
        org = do_create_organization(None, slug=SCALE_SLUG, name="Scale test", timezone_name="Europe/Paris")
    consultant = ctx.users.get(CONSULTANT) or user_by_email(CONSULTANT)
    if consultant is not None and not Membership.objects.for_org(org).filter(user=consultant).exists():
        do_add_member(None, org, consultant, "admin", external=True)
    return org


def load(ctx: DemoContext) -> None:
    """Demo registers for the demo organisations (one that has risks only gets missing money data), then
    `--scale`."""
    for slug, register in REGISTERS.items():
        org = ctx.orgs.get(slug)
        if org is None:
            continue
        if not Risk.objects.for_org(org).exists():
            ctx.log(f"risks: {load_register(org, register)} demo risks in {slug}")
        elif changed := add_money(org, register):
            ctx.log(f"risks: money estimates added to {changed} demo risks in {slug}")
    if ctx.scale > 0:
        org = _scale_org(ctx)
        missing = ctx.scale - Risk.objects.for_org(org).count()
        if missing > 0:
            fill(org, missing, owners=(CONSULTANT,), log=ctx.log)
        ctx.log(f"risks: {SCALE_SLUG} has {Risk.objects.for_org(org).count():,} risks")
