"""`python -m tests.oidc_provider.serve`: create the provider's database, its people (people.json) and Accord's
client (client.json), then serve on 127.0.0.1:IDP_PORT until stopped."""

from __future__ import annotations

import json
import os

import django
from django.core.management import call_command


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0, interactive=False)
    for username, person in json.loads((settings.IDP_DIR / "people.json").read_text()).items():
        user, _ = get_user_model().objects.get_or_create(username=username, defaults={"email": person["email"]})
        user.set_password(person["password"])
        user.save()
    client = json.loads((settings.IDP_DIR / "client.json").read_text())
    Application.objects.filter(client_id=client["client_id"]).delete()
    Application.objects.create(
        name="Accord", client_id=client["client_id"], client_secret=client["client_secret"],
        client_type=Application.CLIENT_CONFIDENTIAL, authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(client["redirect_uris"]), algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True)
    call_command("runserver", f"127.0.0.1:{settings.IDP_PORT}", use_reloader=False, use_threading=True,
                 skip_checks=True)


if __name__ == "__main__":
    main()
