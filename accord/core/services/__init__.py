"""Writes of the core app, one module per noun. Each `do_<verb>_<noun>(actor, org, ...)` validates,
writes, appends its audit event and returns the object, inside one transaction. Validation problems
raise `ValidationError` keyed by field, which every front turns into its own error shape.
"""

from accord.core.services.invitations import (
    INVITATION_VALIDITY,
    InvitationNotSent,
    do_accept_invitation,
    do_invite_member,
    do_resend_invitation,
    do_revoke_invitation,
    invitation_link,
)
from accord.core.services.members import (
    do_add_member,
    do_change_member,
    do_create_user,
    do_remove_member,
    do_set_user_language,
)
from accord.core.services.organizations import (
    do_create_organization,
    do_set_organization_language,
    do_set_two_factor_policy,
    do_update_governance,
    do_update_organization,
)
from accord.core.services.sso import (
    do_join_through_sso,
    do_link_to_identity_provider,
    do_refresh_saml_metadata,
    do_remove_identity_provider,
    do_rotate_saml_sp_key,
    do_set_identity_provider,
    do_set_saml_identity_provider,
    do_set_sso_policy,
)
from accord.core.services.tokens import do_create_token, do_revoke_token, touch_token

__all__ = [
    "INVITATION_VALIDITY",
    "InvitationNotSent",
    "do_accept_invitation",
    "do_add_member",
    "do_change_member",
    "do_create_organization",
    "do_create_token",
    "do_create_user",
    "do_invite_member",
    "do_join_through_sso",
    "do_link_to_identity_provider",
    "do_refresh_saml_metadata",
    "do_remove_identity_provider",
    "do_remove_member",
    "do_resend_invitation",
    "do_revoke_invitation",
    "do_revoke_token",
    "do_rotate_saml_sp_key",
    "do_set_identity_provider",
    "do_set_organization_language",
    "do_set_saml_identity_provider",
    "do_set_sso_policy",
    "do_set_two_factor_policy",
    "do_set_user_language",
    "do_update_governance",
    "do_update_organization",
    "invitation_link",
    "touch_token",
]
