"""Forms of the core app. They parse and show input; services decide what is valid."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accord.core.choices import (
    AuditAction,
    CisoModel,
    CisoReportsTo,
    DpoModel,
    Nis2Designation,
    Role,
    TokenScope,
    unknown_role_message,
)
from accord.core.formrender import COMPACT
from accord.core.languages import LANGUAGE_NAMES
from accord.core.models import Membership
from accord.core.tokens import MAX_TOKEN_DAYS

#: A date picker: its value is always ISO (what <input type="date"> reads), whatever the page's language.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def role_field() -> forms.ChoiceField:
    """A role, refused with the list of roles when it is none of them."""
    return forms.ChoiceField(choices=Role.choices,
                             error_messages={"invalid_choice": lazy(unknown_role_message, str)("%(value)s")})


class InvitationForm(forms.Form):
    """Adding someone by e-mail: always an invitation they accept, whether the address has an account or not."""

    email = forms.EmailField(label=_("E-mail address"))
    role = role_field()
    external = forms.BooleanField(required=False, label=_("External (virtual CISO/DPO)"))
    board_representative = forms.BooleanField(required=False, label=_("Signs for the CEO/board"))


class InvitationAcceptForm(forms.Form):
    """A new account for the invited address: the person's name and a password, typed twice."""

    full_name = forms.CharField(max_length=150, label=_("Your name"),
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    password = forms.CharField(label=_("Choose a password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                               help_text=_("At least 12 characters; not a common or all-numeric one."))
    password_again = forms.CharField(label=_("The same password again"), strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords differ; type the same password twice."))
        return data


class TwoFactorPolicyForm(forms.Form):
    two_factor_required = forms.BooleanField(
        required=False, label=_("Require two-factor authentication of every member"),
        widget=forms.CheckboxInput(attrs={"role": "switch", "id": "two-factor-required",
                                          "aria-describedby": "two-factor-help"}))


class _ProviderRulesForm(forms.Form):
    """What both protocols share: whose addresses the provider speaks for, who joins, whether it is required."""

    allowed_domains = forms.CharField(label=_("Allowed e-mail domains"), max_length=2000,
                                      help_text=_("The domains whose addresses this provider speaks for, separated by "
                                                  "commas or spaces, for example example.org."))
    join_role = forms.ChoiceField(label=_("People the provider signs in for the first time"), required=False,
                                  choices=[("", _("are refused unless already members")),
                                           ("viewer", _("join as viewers")),
                                           ("contributor", _("join as contributors"))])
    sso_required = forms.BooleanField(label=_("Members must sign in through this provider"), required=False,
                                      widget=forms.CheckboxInput(attrs={"role": "switch"}))

    def domains(self) -> list[str]:
        return self.cleaned_data["allowed_domains"].replace(",", " ").split()


class IdentityProviderForm(_ProviderRulesForm):
    """An organisation's OpenID Connect identity provider (decision 0033); the service checks the values."""

    issuer = forms.CharField(label=_("Issuer URL"), max_length=500,
                             help_text=_("The provider's issuer, where /.well-known/openid-configuration is found, "
                                         "for example https://login.example.org/realms/acme."))
    client_id = forms.CharField(label=_("Client id"), max_length=255)
    client_secret = forms.CharField(label=_("Client secret"), required=False, strip=True,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
                                    help_text=_("Stored sealed and never shown again; leave empty to keep the "
                                                "stored one."))
    field_order = ("issuer", "client_id", "client_secret", "allowed_domains", "join_role", "sso_required")


class SamlIdentityProviderForm(_ProviderRulesForm):
    """An organisation's SAML 2.0 identity provider (decision 0037); the service checks the values. Shown with
    the prefix "saml" beside the OpenID Connect form on the same page."""

    saml_idp_metadata_url = forms.CharField(
        label=_("IdP metadata address"), max_length=500, required=False,
        help_text=_("Optional: the https:// address where the identity provider publishes its metadata; Accord reads "
                    "the entity id, endpoints and certificate from it each time you save (after the identity "
                    "provider rotates its certificate, save again)."))
    saml_idp_metadata = forms.CharField(
        label=_("IdP metadata (XML)"), max_length=512 * 1024, required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: or paste the metadata document the identity provider's console exports."))
    saml_entity_id = forms.CharField(label=_("IdP entity id"), max_length=500, required=False,
                                     help_text=_("The identity provider's entity id (the Issuer of its responses); "
                                                 "what the metadata names replaces it."))
    saml_sso_url = forms.CharField(label=_("IdP single sign-on URL"), max_length=500, required=False,
                                   help_text=_("Where Accord sends people with its request (HTTP-Redirect binding), "
                                               "for example https://idp.example.org/saml/sso."))
    saml_slo_url = forms.CharField(label=_("IdP single logout URL"), max_length=500, required=False,
                                   help_text=_("Optional (HTTP-Redirect binding): signing out of Accord then signs "
                                               "out at the identity provider too, and the reverse."))
    saml_x509_cert = forms.CharField(label=_("IdP signing certificate"), max_length=20000, required=False,
                                     widget=forms.Textarea(attrs={"rows": 4}),
                                     help_text=_("PEM (-----BEGIN CERTIFICATE----- ...); the responses or their "
                                                 "assertions must be signed with its key."))
    saml_sign_requests = forms.BooleanField(
        label=_("Sign Accord's requests"), required=False,
        help_text=_("Accord signs its sign-in and logout requests with a key of its own (its certificate is in "
                    "Accord's SP metadata and below)."))
    saml_encrypted_assertions = forms.BooleanField(
        label=_("Require encrypted assertions"), required=False,
        help_text=_("Accord refuses an assertion that is not encrypted to its certificate."))
    saml_email_attribute = forms.CharField(label=_("E-mail attribute"), max_length=255, initial="email",
                                           help_text=_("The name of the attribute carrying the address, for example "
                                                       "email or urn:oid:0.9.2342.19200300.100.1.3."))
    saml_name_attribute = forms.CharField(label=_("Name attribute"), max_length=255, required=False,
                                          help_text=_("Optional: the attribute carrying the person's full name."))
    field_order = ("saml_idp_metadata_url", "saml_idp_metadata", "saml_entity_id", "saml_sso_url", "saml_slo_url",
                   "saml_x509_cert", "saml_email_attribute", "saml_name_attribute", "saml_sign_requests",
                   "saml_encrypted_assertions", "allowed_domains", "join_role", "sso_required")


class MemberChangeForm(forms.Form):
    role = role_field()
    external = forms.BooleanField(required=False, label=_("External (virtual CISO/DPO)"))
    board_representative = forms.BooleanField(required=False, label=_("Signs for the CEO/board"))


CLEAR = "clear"  # the removal form's choice "nobody": clear what the member holds


class MemberRemoveForm(forms.Form):
    """Whom a leaving member's holdings (risks they own or treat, ...) go to, or nobody."""

    reassign_to = forms.ChoiceField(required=False, label=_("Hand what they hold over to"),
                                    help_text=_("Each object handed over (or cleared) records it in its history."))

    def __init__(self, data: Any = None, *, leaving: Membership, members: Iterable[Membership]) -> None:
        super().__init__(data)
        field = self.fields["reassign_to"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = [("", _("Choose a member…")), *((str(m.pk), f"{m.user.display_name} ({m.get_role_display()})")
                                                   for m in members if m.pk != leaving.pk),
                         (CLEAR, _("Nobody: clear them"))]

    def choice(self, members: Iterable[Membership]) -> tuple[Membership | None, bool]:
        """(the member chosen, or None; whether to clear)."""
        value = self.cleaned_data.get("reassign_to") or "" if self.is_valid() else ""
        if value == CLEAR:
            return None, True
        return next((m for m in members if str(m.pk) == value), None), False


class GovernanceForm(forms.Form):
    ciso_reports_to = forms.ChoiceField(choices=CisoReportsTo.choices, label=_("The CISO reports to"))
    ciso_model = forms.ChoiceField(choices=CisoModel.choices, label=_("CISO function"))
    dpo_model = forms.ChoiceField(choices=DpoModel.choices, label=_("DPO function"))
    dpo_consulted_on_appetite = forms.BooleanField(
        required=False, label=_("Consult the DPO on the risk appetite"),
        help_text=_("The DPO sees each draft and records an opinion the signatories read (not a signature)."))
    dpo_signs_privacy_acceptances = forms.BooleanField(
        required=False, label=_("The DPO signs acceptances of privacy risks"),
        help_text=_("Every acceptance of a risk in a privacy category then needs the DPO's signature too."))


class PersonLanguageForm(forms.Form):
    """A person's own language, or none (their organisation's default, else their browser's)."""

    language = forms.ChoiceField(
        required=False, label=_("Language"),
        choices=[("", _("No preference: my organisation's default, else my browser's")), *LANGUAGE_NAMES],
        help_text=_("The language of Accord's pages, messages and e-mails to you."))


class OrganizationLanguageForm(forms.Form):
    """The language of an organisation's members who chose none."""

    language = forms.ChoiceField(
        required=False, label=_("Default language of the members"),
        choices=[("", _("None: each member's browser decides")), *LANGUAGE_NAMES],
        help_text=_("A member who chose a language on their account page keeps it."))


class OrganizationCalendarForm(forms.Form):
    """The country (and subdivision) whose public holidays the organisation's clocks skip."""

    country = forms.CharField(required=False, max_length=2, label=_("Country"),
                              help_text=_("ISO 3166-1 alpha-2 code, such as FR; empty: no public holidays."))
    subdivision = forms.CharField(required=False, max_length=10, label=_("Subdivision"),
                                  help_text=_("The region whose own public holidays apply too (ISO 3166-2, such "
                                              "as BY in DE); empty: the country's only."))
    nis2 = forms.ChoiceField(required=False, label=_("NIS2 designation"), choices=Nis2Designation.choices,
                             help_text=_("An essential or important entity's incidents track the Article 23 "
                                         "clocks: early warning, incident notification, final report."))


class AuditFilterForm(forms.Form):
    control_size = "sm"
    field_template_name = COMPACT

    actor = forms.CharField(required=False, label=_("Actor e-mail"))
    object_type = forms.ChoiceField(required=False, label=_("Object type"))
    object_id = forms.CharField(required=False, label=_("Object id"), max_length=64)
    action = forms.ChoiceField(required=False, choices=[("", _("Any action")), *AuditAction.choices])
    since = forms.DateField(required=False, label=_("From"), widget=DATE)
    until = forms.DateField(required=False, label=_("To"), widget=DATE)

    def __init__(self, *args: object, object_types: list[tuple[str, str]], **kwargs: object) -> None:
        """`object_types`: (object type, what people call it) of the types in the trail."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["object_type"]
        assert isinstance(field, forms.ChoiceField)  # noqa: S101 - narrows the type for mypy
        field.choices = [("", _("Any type")), *object_types]


class TokenCreateForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Token name"),
                           help_text=_("What will use it, e.g. 'SIEM export'."))
    scope = forms.ChoiceField(choices=TokenScope.choices, initial=TokenScope.READ_WRITE, label=_("Scope"),
                              required=False,
                              help_text=_("Read only: the token may read but never change anything."))
    # The service checks the range, with the message every front gives.
    expires_in_days = forms.IntegerField(required=False, label=_("Expires after (days)"),
                                         widget=forms.NumberInput(attrs={"min": 1, "max": MAX_TOKEN_DAYS}),
                                         help_text=format_lazy(_("1 to {days}; leave empty for a token that "
                                                                 "does not expire."), days=MAX_TOKEN_DAYS))
