import pytest
from django.core.exceptions import ValidationError

from accord.core import services
from accord.core.choices import Role
from accord.core.models import ApiToken, Membership
from tests.factories import make_member, make_user


def test_an_organisation_keeps_its_last_admin(org_a, admin):
    with pytest.raises(ValidationError, match="last admin"):
        services.do_change_member(admin.user, org_a, admin.membership, role=Role.CIO)
    second = make_member(org_a, Role.ADMIN)
    services.do_change_member(admin.user, org_a, admin.membership, role=Role.CIO, board_representative=False)
    assert Membership.objects.for_org(org_a).get(pk=admin.membership.pk).role == Role.CIO
    assert second.role == Role.ADMIN


def test_a_user_joins_an_organisation_once(org_a, cio):
    with pytest.raises(ValidationError, match="already a member"):
        services.do_add_member(None, org_a, cio.user, Role.DPO)


def test_only_admins_and_viewers_sign_for_the_board(org_a):
    user = make_user()
    with pytest.raises(ValidationError, match="board"):
        services.do_add_member(None, org_a, user, Role.CIO, board_representative=True)


def test_removing_a_member_revokes_their_tokens(org_a, admin, cio):
    _ = cio.token
    services.do_remove_member(admin.user, org_a, cio.membership)
    assert ApiToken.objects.for_org(org_a).get(user=cio.user).revoked_at is not None


def test_a_hybrid_cio_ciso_cannot_report_to_the_cio(org_a, admin):
    with pytest.raises(ValidationError, match="A hybrid CIO-CISO cannot report to the CIO") as exc:
        services.do_update_governance(admin.user, org_a, ciso_model="hybrid", ciso_reports_to="cio")
    assert list(exc.value.message_dict) == ["ciso_reports_to"]


def test_a_token_needs_a_membership(org_a, org_b, outsider):
    with pytest.raises(ValidationError, match="not a member"):
        services.do_create_token(None, org_a, outsider.user)


def test_user_creation_validates_email_and_password(db):
    with pytest.raises(ValidationError, match="not an e-mail"):
        services.do_create_user("not-an-email")
    with pytest.raises(ValidationError, match=r"too short\. It must contain at least 12 characters") as exc:
        services.do_create_user("weak@x.test", password="123")
    assert list(exc.value.message_dict) == ["password"]
    user = services.do_create_user("Mixed.Case@X.test")
    assert user.email == "mixed.case@x.test"
    assert not user.has_usable_password()
