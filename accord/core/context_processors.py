"""Template context every page needs: the current organisation, the user's role and memberships."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from accord.core.extensions import NAV_ITEMS
from accord.core.permissions import actions_for
from accord.core.selectors import access_membership_or_none, memberships_of


def workspace(request: HttpRequest) -> dict[str, Any]:
    """`org`, `membership`, `can` (the role's actions) and `my_memberships` for the navigation."""
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    if membership is None and (last := request.session.get("last_org")):
        # Account pages (2FA, password) live outside any organisation: keep the last one in the navigation.
        membership = access_membership_or_none(user, last)

    def my_memberships() -> list[Any]:
        return list(memberships_of(user))

    can = actions_for(membership.role) if membership else frozenset()
    nav: list[dict[str, Any]] = []
    if membership is not None:
        slug = membership.organization.slug
        for item in NAV_ITEMS:
            if item.action in can:
                url = reverse(item.url_name, kwargs={"org": slug})
                nav.append({"label": item.label, "url": url, "active": request.path.startswith(url)})
    return {
        "org_nav": nav,
        "org": membership.organization if membership else None,
        "membership": membership,
        "can": can,
        "my_memberships": my_memberships,
    }
