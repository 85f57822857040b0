"""Passwords: long enough, and not one that zxcvbn's offline lists of common and breached
passwords (and the patterns guessers try first) would give away; the message says why."""

from __future__ import annotations

import time

import pytest

from oocd_panel.demo.seed import DEMO_PASSWORD
from oocd_panel.services.accounts import password_problem

TOO_EASY = "That password is too easy to guess: "
WHAT_TO_DO = ". Use three or more unrelated words instead"
LISTED = (
    "it is on a list of common and breached passwords, or is one with a few letters, numbers "
    "or symbols added or changed"
)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("password1234", LISTED),
        ("Password!2026", LISTED),
        ("P@ssw0rd2026!!", LISTED),  # a common password in l33t, with a year
        ("Summer2026!!!", LISTED),  # one common word, whatever digits and symbols surround it
        ("qwertyuiop12", LISTED),
        ("iloveyou1234", LISTED),
        ("drowssap12345", LISTED),  # reversed
        ("aaaaaaaaaaaa", "it repeats the same characters or words"),
        ("passwordpassword", "it repeats the same characters or words"),
        ("abcdefghijklm", "it is a sequence such as abcd or 1234"),
        ("youthjustice1", "it contains your name or email address, or a word about this service"),
    ],
)
def test_common_and_breached_passwords_are_refused_saying_why(password: str, why: str) -> None:
    assert password_problem(password) == TOO_EASY + why + WHAT_TO_DO


def test_a_password_made_of_the_persons_own_name_or_email_is_refused() -> None:
    personal = ("Priya Ramaswamy", "p.ramaswamy@northbrook.example")
    assert password_problem("Ramaswamy2026!", personal=personal) == (
        TOO_EASY
        + "it contains your name or email address, or a word about this service"
        + WHAT_TO_DO
    )
    assert password_problem("Ramaswamy2026!") is None  # from anyone else, an unknown word


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",
        "lantern-otter-gravel-31",
        "kettle orbit lantern",
        "purple monkey dishwasher",  # several common words are fine together
        DEMO_PASSWORD,
    ],
)
def test_phrases_of_unrelated_words_are_accepted(password: str) -> None:
    assert password_problem(password) is None


def test_short_passwords_are_refused() -> None:
    assert password_problem("short") == (
        "Password must be at least 12 characters: three or more unrelated words work well"
    )


def test_very_long_passwords_are_checked_quickly() -> None:
    started = time.perf_counter()
    assert password_problem("a" * 1000) is not None
    assert password_problem("x7k!Qz" * 150) is None
    assert time.perf_counter() - started < 2
