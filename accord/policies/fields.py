"""A policy's own fields, each declared once (accord/core/fields.py): the API's schemas, the service's
input and the audited fields come from `POLICY`. Its text is not here: it lives in its versions, each a
new draft that its approvers sign (services.do_draft_version)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from accord.core.fields import FieldSpec, Kind, ModelSpec
from accord.policies.choices import PolicyKind
from accord.policies.models import Policy

POLICY = ModelSpec(Policy, key="ref", fields=(
    FieldSpec("id", Kind.INTEGER, input=False, column=False, audited=False),
    FieldSpec("ref", Kind.TEXT, label=_("Ref"), input=False, audited=False,
              help="POL-001, POL-002, … in the order policies were added"),
    FieldSpec("title", Kind.TEXT, label=_("Title"), required=True),
    FieldSpec("kind", Kind.CHOICE, label=_("Kind"), choices=PolicyKind, required=True,
              help="Decides who approves its versions: the CIO and the CISO; for privacy, the DPO and the CISO"),
    FieldSpec("owner", Kind.MEMBER, label=_("Owner"), help="The owner's e-mail address",
              input_help="A member's e-mail address, or null"),
    FieldSpec("review_interval_months", Kind.INTEGER, label=_("Review every (months)"),
              help="How often the policy is reviewed, 1 to 60 months (12 by default)"),
    FieldSpec("next_review_on", Kind.DATE, label=_("Next review"), input=False,
              help="Set when a version comes into force or a review is recorded"),
))
