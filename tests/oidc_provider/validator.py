"""The claims the test provider asserts: each person's e-mail address as people.json says, verified or not."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from oauth2_provider.oauth2_validators import OAuth2Validator


def people() -> dict[str, dict[str, Any]]:
    return json.loads((settings.IDP_DIR / "people.json").read_text())


class Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "email": "email", "email_verified": "email",
                        "name": "profile"}

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        person = people()[request.user.username]
        return {"email": person["email"], "email_verified": person["verified"], "name": person.get("name", "")}
