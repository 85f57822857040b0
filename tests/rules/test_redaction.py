"""The suggested redaction of a free text, and the check made when a person confirms one."""

from __future__ import annotations

import datetime as dt

import pytest

from oocd_panel.rules.redaction import Identifiers, remaining, suggest

IDS = Identifiers(
    names=(
        "Zebedee",
        "Quillfeather",
        "Zebedee Quillfeather",
        "Zeb",
        "Marigold Quillfeather",
        "PC Will Hartley",
    ),
    dates_of_birth=(dt.date(2012, 3, 7),),
    addresses=("14 Larkspur Row", "Flat 2, 9 Mill Lane, Wexbury"),
    postcodes=("ZZ1 9QX",),
    police_references=("NB/77123/26",),
    phones=("07700 900123",),
    emails=("marigold.q@example.net",),
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zebedee Quillfeather admitted it.", "[name] admitted it."),
        ("zebedee's mum, Marigold, came.", "[name]'s mum, [name], came."),
        ("ZEB said sorry to QUILLFEATHER", "[name] said sorry to [name]"),
        ("PC Hartley spoke to Marigold Quillfeather", "PC [name] spoke to [name]"),
        ("Born 07/03/2012.", "Born [date of birth]."),
        ("Born 7/3/12 or 2012-03-07.", "Born [date of birth] or [date of birth]."),
        ("Born 7th March 2012, also 7 Mar 2012 and March 7, 2012.",
         "Born [date of birth], also [date of birth] and [date of birth]."),
        ("Lives at 14 Larkspur Row, ZZ1 9QX.", "Lives at [address], [postcode]."),
        ("Near Larkspur Row and 9 mill lane.", "Near [address] and [address]."),
        ("Postcode zz19qx; another AB1 2CD.", "Postcode [postcode]; another [postcode]."),
        ("Ref NB/77123/26, crime 77123, or NB/77123.",
         "Ref [police reference], crime [police reference], or [police reference]."),
        ("Another force's XY/55555/25.", "Another force's [police reference]."),
        ("Call 07700900123 or 07700 900 123.", "Call [phone number] or [phone number]."),
        ("Or 01632 960 101, or marigold.q@example.net, or a@b.org.",
         "Or [phone number], or [email address], or [email address]."),
        ("The child will attend every week.", "The child [name] attend every week."),
    ],
)  # fmt: skip
def test_the_suggestion_replaces_each_identifier_by_its_kind(text: str, expected: str) -> None:
    assert suggest(text, IDS) == expected


def test_nothing_else_is_changed() -> None:
    text = "The panel agreed a youth caution: 3 sessions over 6 weeks, from 12 May."
    assert suggest(text, IDS) == text
    assert remaining(text, IDS) == []


def test_the_check_names_what_is_left() -> None:
    assert remaining("Zebedee said 07/03/2012 at 14 Larkspur Row", IDS) == [
        "date_of_birth",
        "address",
        "name",
    ]
    assert remaining("[name] ([date of birth]) of [address]", IDS) == []


def test_the_check_finds_names_only_as_names_are_written() -> None:
    """Suggesting, "will" is taken out in case it is the officer's name; confirming, a person
    may keep the word."""
    assert remaining("The child will attend.", IDS) == []
    assert remaining("Will Hartley agreed.", IDS) == ["name"]
    assert remaining("quillfeather agreed.", IDS) == []
    assert remaining("Quillfeather agreed.", IDS) == ["name"]
