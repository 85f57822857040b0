"""Passwords: long enough, and not one of the few shapes every guesser tries first."""

from __future__ import annotations

import pytest

from oocd_panel.demo.seed import DEMO_PASSWORD
from oocd_panel.services.accounts import password_problem


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password!2026",
        "qwertyuiop12",
        "aaaaaaaaaaaa",
        "123456789012",
        "passwordpassword",
        "Summer2026!!!",
        "youthjustice1",
    ],
)
def test_common_passwords_are_refused(password: str) -> None:
    assert password_problem(password) == (
        "That password is too common to be safe: use three or more unrelated words instead"
    )


@pytest.mark.parametrize(
    "password", ["correct horse battery staple", "lantern-otter-gravel-31", DEMO_PASSWORD]
)
def test_phrases_of_unrelated_words_are_accepted(password: str) -> None:
    assert password_problem(password) is None


def test_short_passwords_are_refused() -> None:
    assert password_problem("short") == "Password must be at least 12 characters"
