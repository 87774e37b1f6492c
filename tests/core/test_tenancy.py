import pytest

from accord.core.models import Membership
from accord.core.tenancy import TenantScopeError
from tests.factories import make_member


@pytest.mark.parametrize("call", ["all", "filter", "get", "count", "exists", "first", "create", "values"])
def test_it_refuses_tenant_queries_without_an_organisation(db, call):
    with pytest.raises(TenantScopeError, match=r"for_org\(org\)"):
        getattr(Membership.objects, call)()


def test_for_org_returns_only_that_organisations_rows(org_a, org_b, cio, outsider):
    assert list(Membership.objects.for_org(org_a)) == [cio.membership]
    assert list(Membership.objects.for_org(org_b)) == [outsider.membership]


def test_django_internals_still_work_through_the_unscoped_default_manager(org_a):
    persona = make_member(org_a, "cio")
    persona.membership.full_clean()  # unique checks go through the default manager
    assert Membership._default_manager is Membership.unscoped
