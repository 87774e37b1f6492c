"""Secrets Accord must give back to someone else (an identity provider's client secret), stored sealed.

Fernet (AES-128-CBC with an HMAC-SHA-256, from `cryptography`) under a key derived from SECRET_KEY by
HKDF, so a copy of the database alone does not reveal them. SECRET_KEY_FALLBACKS still open what an older
key sealed (rotate SECRET_KEY, keep the old one as a fallback, then re-enter or re-seal the secrets); a
secret no key opens is reported as such, never guessed.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_INFO = b"accord sealed secrets v1"


class UnsealError(Exception):
    """A sealed secret that no current or fallback SECRET_KEY opens (the key was changed without a fallback)."""


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    return MultiFernet([_fernet(str(settings.SECRET_KEY)), *(_fernet(str(k)) for k in settings.SECRET_KEY_FALLBACKS)])


def seal(plain: str) -> str:
    """`plain` sealed under the current SECRET_KEY."""
    return _keys().encrypt(plain.encode()).decode()


def unseal(sealed: str) -> str:
    """What `seal` sealed, under the current SECRET_KEY or a fallback; UnsealError if none opens it."""
    try:
        return _keys().decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise UnsealError("the stored secret was sealed with a SECRET_KEY that is no longer configured") from None
