"""Typed helpers that read Accord's settings from environment variables and fail fast.

Each helper raises `ImproperlyConfigured` with the variable's name and what is allowed, so a
mistyped value stops the process at start-up instead of surfacing as odd behaviour later.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str | None = None) -> str:
    """Return the variable as text; without a default, a missing variable is an error."""
    value = os.environ.get(name)
    if value is None:
        if default is None:
            raise ImproperlyConfigured(f"{name} must be set.")
        return default
    return value


def env_bool(name: str, *, default: bool) -> bool:
    """Read a yes/no variable (1/0, true/false, yes/no, on/off)."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value; use 1 or 0.")


def env_int(name: str, default: int) -> int:
    """Read a whole number."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    """Read a comma-separated list, ignoring blanks."""
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [part.strip() for part in raw.split(",") if part.strip()]


@dataclass(frozen=True)
class Rate:
    """At most `amount` requests per `seconds`, counted per `per` ("token" or "ip")."""

    amount: int
    seconds: int
    per: str

    def __str__(self) -> str:
        return f"{self.amount}/{self.seconds}s/{self.per}"


_RATE = re.compile(r"(?P<amount>-?\d+)/(?P<count>\d*)(?P<unit>[smhd])(?:/(?P<per>\w+))?")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
RATE_SCOPES = ("token", "ip")


def parse_rates(text: str, name: str) -> tuple[Rate, ...]:
    """Read rates such as `600/m/token,1800/m/ip` (amount / period: s, m, h, d, optionally with a count,
    as in `5m` / what is counted: `token` or `ip`, `ip` when left out); empty means no limit. Errors
    name the variable `name`."""
    rates = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        found = _RATE.fullmatch(part)
        if found is None:
            raise ImproperlyConfigured(f"{name}: {part!r} is not a rate; write amount/period/scope, e.g. 600/m/token "
                                       "or 20/5m/ip (periods s, m, h, d).")
        per = found["per"] or "ip"
        if per not in RATE_SCOPES:
            raise ImproperlyConfigured(f"{name}: {part!r} counts per {per!r}; count per token or per ip.")
        if int(found["amount"]) < 1 or found["count"] == "0":
            raise ImproperlyConfigured(f"{name}: {part!r} must allow at least 1 request in at least 1 second "
                                       "(leave the variable empty for no limit).")
        rates.append(Rate(int(found["amount"]), int(found["count"] or 1) * _UNIT_SECONDS[found["unit"]], per))
    return tuple(rates)


def secret_key(var_dir: Path, *, debug: bool) -> str:
    """ACCORD_SECRET_KEY, or in debug mode a key generated once and kept in var/secret_key."""
    value = os.environ.get("ACCORD_SECRET_KEY")
    if value:
        if len(value) < 32:
            raise ImproperlyConfigured("ACCORD_SECRET_KEY must be at least 32 characters long.")
        return value
    if not debug:
        raise ImproperlyConfigured(
            "ACCORD_SECRET_KEY must be set when ACCORD_DEBUG is off "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


AUDIT_KEY_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
AUDIT_KEY_MIN_LENGTH = 32


def parse_audit_keys(text: str, source: str) -> tuple[tuple[str, str], ...]:
    """Parse a keyring: entries `ID:SECRET` (or a bare `SECRET`, whose id is derived from it) separated
    by commas or new lines, `#` starting a comment; the first entry is the current key, the others
    are older keys kept to verify what they signed, newest first. Errors name `source` and the entry's
    position, never the secret."""
    entries: list[str] = []
    for line in text.splitlines():
        line = line.split("#", 1)[0]
        entries.extend(part.strip() for part in line.split(",") if part.strip())
    if not entries:
        raise ImproperlyConfigured(f"{source} holds no key; put at least one `ID:SECRET` entry in it.")
    keys: list[tuple[str, str]] = []
    for position, entry in enumerate(entries, start=1):
        key_id, _, secret = entry.rpartition(":")
        if not key_id:
            key_id = hashlib.sha256(secret.encode("utf-8")).hexdigest()[:8]
        if not (1 <= len(key_id) <= 16 and set(key_id) <= AUDIT_KEY_ID_CHARS):
            raise ImproperlyConfigured(
                f"{source}: key #{position} has the id {key_id!r}; an id is 1 to 16 letters, digits, '.', '_' or '-'."
            )
        if len(secret) < AUDIT_KEY_MIN_LENGTH:
            raise ImproperlyConfigured(
                f"{source}: key #{position} ({key_id}) is {len(secret)} characters long; it must be at least "
                f"{AUDIT_KEY_MIN_LENGTH} (generate one with: "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))')."
            )
        if key_id in {k for k, _ in keys}:
            raise ImproperlyConfigured(f"{source}: the key id {key_id!r} appears twice; every key needs its own id.")
        keys.append((key_id, secret))
    return tuple(keys)


def audit_keys(var_dir: Path, *, debug: bool) -> tuple[tuple[tuple[str, str], ...], str]:
    """The audit keyring and where it came from: ACCORD_AUDIT_KEY, the file named by
    ACCORD_AUDIT_KEY_FILE, in debug mode a key generated once into var/audit_key ("development"),
    or none at all ("") in production, which `accord check --deploy` reports as an error."""
    value, path_name = os.environ.get("ACCORD_AUDIT_KEY", ""), os.environ.get("ACCORD_AUDIT_KEY_FILE", "")
    if value and path_name:
        raise ImproperlyConfigured("Set ACCORD_AUDIT_KEY or ACCORD_AUDIT_KEY_FILE, not both.")
    if value:
        return parse_audit_keys(value, "ACCORD_AUDIT_KEY"), "ACCORD_AUDIT_KEY"
    if path_name:
        try:
            text = Path(path_name).read_text(encoding="utf-8")
        except OSError as exc:
            raise ImproperlyConfigured(f"ACCORD_AUDIT_KEY_FILE={path_name!r} cannot be read: {exc.strerror}.") from None
        return parse_audit_keys(text, f"ACCORD_AUDIT_KEY_FILE={path_name!r}"), "ACCORD_AUDIT_KEY_FILE"
    if not debug:
        return (), ""
    path = var_dir / "audit_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(f"dev:{secrets.token_urlsafe(32)}\n")
        path.chmod(0o600)
    return parse_audit_keys(path.read_text(encoding="utf-8"), str(path)), "development"


def file_storage(url: str, media_root: Path) -> dict[str, object]:
    """The `STORAGES["default"]` entry for stored files (evidence, reports): the local folder
    `media_root` when `url` is empty, or an S3-compatible bucket for `s3://BUCKET[/PREFIX]` through
    django-storages, whose endpoint, region and credentials come from ACCORD_S3_ENDPOINT_URL,
    ACCORD_S3_REGION, ACCORD_S3_ACCESS_KEY_ID and ACCORD_S3_SECRET_ACCESS_KEY (without the last two,
    boto3's own chain: its environment variables, a profile, an instance role). Objects are private
    and reached through signed URLs; a name already taken gets a new one instead of overwriting."""
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(media_root), "file_permissions_mode": 0o640,
                            "directory_permissions_mode": 0o750}}
    scheme, _, rest = url.partition("://")
    bucket, _, prefix = rest.partition("/")
    if scheme != "s3" or not bucket:
        raise ImproperlyConfigured(f"ACCORD_STORAGE_URL={url!r} is not s3://BUCKET or s3://BUCKET/PREFIX "
                                   "(leave it empty for files under ACCORD_VAR_DIR/media).")
    options: dict[str, object] = {
        "bucket_name": bucket,
        "location": prefix.strip("/"),
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
    }
    for option, name in (("endpoint_url", "ACCORD_S3_ENDPOINT_URL"), ("region_name", "ACCORD_S3_REGION"),
                         ("access_key", "ACCORD_S3_ACCESS_KEY_ID"), ("secret_key", "ACCORD_S3_SECRET_ACCESS_KEY")):
        value = os.environ.get(name, "").strip()
        if value:
            options[option] = value
    if ("access_key" in options) != ("secret_key" in options):
        raise ImproperlyConfigured("Set both ACCORD_S3_ACCESS_KEY_ID and ACCORD_S3_SECRET_ACCESS_KEY, or neither.")
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
