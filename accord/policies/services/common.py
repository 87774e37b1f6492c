"""What the policies' services share: the organisation's lock and reading a member named by e-mail."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accord.core.models import Membership, Organization, User
from accord.risks.services.register import lock_org as lock_org  # one lock for every writer of an organisation


def member_by_email(org: Organization, value: object, *, field: str) -> Membership | None:
    """The member of `org` whose e-mail address is `value` (None or "" for nobody), or a refusal naming
    `field`."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, Membership):
        return value
    found = Membership.objects.for_org(org).select_related("user").filter(
        user__email__iexact=str(value).strip()).first()
    if found is None:
        raise ValidationError({field: _("'%(value)s' is not the e-mail address of a member of %(org)s.")
                               % {"value": value, "org": org.name}})
    return found


def membership_of(org: Organization, actor: User | None) -> Membership | None:
    if actor is None:
        return None
    return Membership.objects.for_org(org).select_related("user").filter(user=actor).first()
