"""The starter set of policy templates: short, plain first drafts an organisation adapts before its
approvers sign them. Written for Accord; each names the kind it is and the review cycle it suggests.
The bodies are Markdown in English (a policy is the organisation's own text, which it rewrites in its
language); their names and summaries are translated."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accord.policies.choices import PolicyKind


@dataclass(frozen=True)
class Starter:
    key: str
    title: str | Promise
    kind: str
    summary: str | Promise
    body: str
    review_interval_months: int = 12


_INFOSEC = """# Information security policy

## Purpose
This policy states how the organisation protects the information it holds and the systems that process it,
so that customers, staff and partners can rely on them.

## Scope
All staff, contractors and suppliers with access to the organisation's information or systems, wherever they work.

## Commitments
- Management sets security objectives each year and reviews progress against them.
- Risks to information are identified, assessed and treated in the shared risk register, within the risk appetite
  signed by the CIO and the CISO.
- Controls are chosen from recognised frameworks and their effectiveness is checked at least once a year.
- Everyone completes security awareness training when they join and every year after.
- Security incidents are reported at once and handled under the incident response policy.

## Roles
- The **CISO** owns this policy, maintains the security programme and reports on it.
- The **CIO** makes sure that IT services are run within this policy and funds the controls it needs.
- **Managers** make sure their teams know and follow it.
- **Everyone** protects the information they handle and reports what looks wrong.

## Exceptions
A departure from this policy needs a written exception with a justification, compensating measures and an expiry
date, linked to a risk in the register and signed as a risk acceptance.
"""

_ACCEPTABLE_USE = """# Acceptable use policy

## Purpose
These rules say how the organisation's devices, accounts and networks may be used.

## Rules
1. Use your work account only for work and for limited, reasonable personal use that harms no one.
2. Never share your password or multi-factor codes; nobody from IT will ever ask for them.
3. Lock your screen when you leave your device, and report a lost or stolen device within the hour.
4. Install software only from the company catalogue or with IT's approval.
5. Keep company data in approved services; do not copy it to personal storage or unapproved AI tools.
6. Do not try to reach systems or data you have not been given access to.
7. Treat messages asking for money, credentials or urgency with suspicion, and report them with the phishing button.

## Monitoring
The organisation logs the use of its systems to protect them, as its privacy notice for staff describes.

## Breaches
Breaking these rules may lead to access being withdrawn and to disciplinary action.
"""

_ACCESS = """# Access control policy

## Principles
- **Least privilege**: people get the access their role needs, and no more.
- **Need to know**: confidential data is visible only to those whose work requires it.
- **Separation of duties**: no single person can both request and approve their own privileged access.

## Accounts
- Every account belongs to one named person; shared accounts are not allowed except service accounts with an owner.
- Multi-factor authentication is required for remote access, e-mail, administration and every cloud service.
- Access is granted on a documented request approved by the system owner.

## Reviews
- System owners review who has access to their systems every quarter for privileged access and every six months
  for the rest.
- Access is removed on the day someone leaves, and adjusted when someone changes role.

## Privileged access
Administrator rights are held in separate accounts, used only for administration, and logged.
"""

_BACKUP = """# Backup policy

## Purpose
Make sure that the data and systems the organisation depends on can be restored within the recovery time and
recovery point objectives recorded in the systems inventory.

## Rules
- Every system in the inventory has a backup plan that meets its RPO.
- Backups follow the 3-2-1 rule: three copies, on two kinds of media, one of them off-site and offline or immutable.
- Backups are encrypted, and their keys are stored apart from them.
- Restores are tested at least every quarter for critical systems and every year for the others; results are
  recorded as evidence.
- Backup failures raise an alert to the operations team and are fixed within one working day.

## Responsibilities
The CIO's operations team runs the backups; system owners confirm the RPO and RTO of their systems each year.
"""

_INCIDENT = """# Incident response policy

## Purpose
Limit the harm of security incidents by detecting them early, containing them quickly and learning from each one.

## Reporting
Anyone who suspects an incident reports it at once to the service desk or the security team, by phone if urgent.
Nobody investigates on their own or deletes evidence.

## Handling
1. **Detect and analyse**: the security team confirms the incident and rates its severity.
2. **Contain**: the response lead (CISO side) limits the spread; the recovery lead (CIO side) protects services.
3. **Eradicate and recover**: the cause is removed and systems are restored within their RTO.
4. **Review**: every significant incident has a post-incident review within two weeks; lessons become actions.

## Personal data and regulators
When personal data may be involved, the DPO is told at once and decides on notifying the supervisory authority
within 72 hours of awareness and on informing the people affected.

## Communication
Only the people named in the incident plan speak to customers, regulators or the press about an incident.
"""

_PRIVACY = """# Data protection policy

## Purpose
The organisation processes personal data lawfully, fairly and transparently, and can show that it does.

## Principles
- Personal data is collected for stated purposes and not used for others that are incompatible with them.
- Only the data needed is collected, kept accurate, and deleted when its retention period ends.
- Each processing activity has a lawful basis and is listed in the record of processing.
- A data protection impact assessment is carried out before processing likely to result in a high risk.
- Processors are chosen for their guarantees and bound by a written agreement.
- Transfers outside the EEA rely on an adequacy decision or appropriate safeguards.

## Rights
Requests from data subjects are answered within one month; the DPO keeps track of each request.

## Breaches
Personal data breaches are reported to the DPO at once and handled under the incident response policy.

## Roles
The **DPO** advises, monitors compliance and is the contact point for the supervisory authority.
The **CISO** makes sure personal data is protected by appropriate security measures.
"""

_SUPPLIER = """# Supplier security policy

## Purpose
Make sure that suppliers who handle the organisation's data or run its services protect them as well as it would.

## Before signing
- Each supplier is rated by the data it will handle and the services it will run.
- High-rated suppliers answer the security questionnaire and provide evidence (certification or audit report).
- Contracts include security and confidentiality terms, incident notification within 24 hours, and the right to audit.

## During the contract
- High-rated suppliers are reviewed every year; others every three years or on a significant change.
- Supplier access to systems is named, limited and removed when no longer needed.

## At the end
Data is returned or destroyed, with written confirmation, and accesses are closed.
"""

STARTERS: tuple[Starter, ...] = (
    Starter("information_security", _("Information security policy"), PolicyKind.INFORMATION_SECURITY,
            _("The top-level policy: purpose, scope, commitments and roles."), _INFOSEC),
    Starter("acceptable_use", _("Acceptable use policy"), PolicyKind.ACCEPTABLE_USE,
            _("How staff may use devices, accounts and networks."), _ACCEPTABLE_USE),
    Starter("access_control", _("Access control policy"), PolicyKind.ACCESS_CONTROL,
            _("Least privilege, MFA, access requests and reviews."), _ACCESS),
    Starter("backup", _("Backup policy"), PolicyKind.BACKUP,
            _("Backups that meet each system's RPO, with tested restores."), _BACKUP),
    Starter("incident_response", _("Incident response policy"), PolicyKind.INCIDENT_RESPONSE,
            _("Reporting, handling, the 72-hour clock and reviews."), _INCIDENT),
    Starter("privacy", _("Data protection policy"), PolicyKind.PRIVACY,
            _("GDPR principles, rights, processors and breaches."), _PRIVACY),
    Starter("supplier", _("Supplier security policy"), PolicyKind.SUPPLIER,
            _("Security before, during and after a supplier contract."), _SUPPLIER, review_interval_months=24),
)


def starter(key: str) -> Starter | None:
    """The starter template `key`, or None."""
    return next((s for s in STARTERS if s.key == key), None)
