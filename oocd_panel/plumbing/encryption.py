"""Secrets kept encrypted in the database (Fernet), under keys from configuration.

Each kind of secret has its own `SecretBox`, named by its purpose: the Fernet keys are derived
(HKDF-SHA256) from the configured key material and the purpose, so one setting (`TOTP_KEY`)
can serve every box and a token made by one box never opens in another. Several keys,
comma-separated, rotate it: the first encrypts, any of them decrypts.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

DEVELOPMENT_KEY = "development key: not secret"


class Unreadable(Exception):
    """The token was made under a key no longer configured (or is not a token at all)."""


def _fernet_key(material: str, purpose: bytes) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        material.encode()
    )
    return base64.urlsafe_b64encode(derived)


class SecretBox:
    """Encrypts and decrypts one kind of secret. Until `configure` is called it uses a
    development key, so tests and scripts that never configure it still work."""

    def __init__(self, purpose: bytes) -> None:
        self.purpose = purpose
        self.cipher = self._cipher(DEVELOPMENT_KEY)

    def _cipher(self, keys: str) -> MultiFernet:
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        if not parts:
            raise ValueError("the encryption key is empty")
        return MultiFernet([Fernet(_fernet_key(k, self.purpose)) for k in parts])

    def configure(self, keys: str) -> None:
        """Set the key(s): comma-separated, the first encrypts, any decrypts."""
        self.cipher = self._cipher(keys)

    def encrypt(self, secret: str) -> str:
        return self.cipher.encrypt(secret.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self.cipher.decrypt(token.encode()).decode()
        except InvalidToken:
            raise Unreadable() from None
