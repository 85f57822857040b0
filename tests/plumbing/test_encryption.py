"""Secrets encrypted at rest: each box under its own derived key, rotated by listing keys."""

from __future__ import annotations

import pytest

from oocd_panel.plumbing.encryption import SecretBox, Unreadable


def test_a_box_opens_its_own_tokens_and_no_other_boxes() -> None:
    totp, clients = SecretBox(b"one purpose"), SecretBox(b"another purpose")
    for box in (totp, clients):
        box.configure("the same key material")
    token = totp.encrypt("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in token
    assert totp.decrypt(token) == "JBSWY3DPEHPK3PXP"
    with pytest.raises(Unreadable):
        clients.decrypt(token)


def test_keys_rotate_the_first_encrypts_and_any_decrypts() -> None:
    box = SecretBox(b"purpose")
    box.configure("old key")
    old = box.encrypt("secret")
    box.configure("new key, old key")
    assert box.decrypt(old) == "secret"
    new = box.encrypt("secret")
    box.configure("new key")
    assert box.decrypt(new) == "secret"
    with pytest.raises(Unreadable):
        box.decrypt(old)
    with pytest.raises(Unreadable):
        box.decrypt("not a token at all")
    with pytest.raises(ValueError, match="empty"):
        box.configure(" , ")
