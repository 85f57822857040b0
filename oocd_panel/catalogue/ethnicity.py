"""Ethnicity: ONS 2021 census categories, their broad groups, and the police 16+1 codes.

The child's own (self-defined) ethnicity is recorded with the ONS 2021 classification: 19
categories plus 'not stated', grouped into five broad groups for evaluation. Police referrals
often carry a self-defined ethnicity (SDE) code from the older 16+1 list; each maps to one ONS
category. One difference to know: the 16+1 list puts 'Chinese' under 'Chinese or other ethnic
group', while ONS 2021 puts it in the Asian group, so code O1 counts as Asian here.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class BroadGroup(enum.StrEnum):
    ASIAN = "asian"
    BLACK = "black"
    MIXED = "mixed"
    WHITE = "white"
    OTHER = "other"
    NOT_STATED = "not_stated"

    @property
    def label(self) -> str:
        return _GROUP_LABELS[self]


_GROUP_LABELS = {
    BroadGroup.ASIAN: "Asian, Asian British or Asian Welsh",
    BroadGroup.BLACK: "Black, Black British, Black Welsh, Caribbean or African",
    BroadGroup.MIXED: "Mixed or multiple ethnic groups",
    BroadGroup.WHITE: "White",
    BroadGroup.OTHER: "Other ethnic group",
    BroadGroup.NOT_STATED: "Not stated",
}


@dataclass(frozen=True)
class Ethnicity:
    code: str
    label: str
    group: BroadGroup

    @property
    def full_label(self) -> str:
        if self.group is BroadGroup.NOT_STATED:
            return self.label
        return f"{self.group.label}: {self.label}"


NOT_STATED = "not_stated"

ONS_2021: tuple[Ethnicity, ...] = (
    Ethnicity("asian_bangladeshi", "Bangladeshi", BroadGroup.ASIAN),
    Ethnicity("asian_chinese", "Chinese", BroadGroup.ASIAN),
    Ethnicity("asian_indian", "Indian", BroadGroup.ASIAN),
    Ethnicity("asian_pakistani", "Pakistani", BroadGroup.ASIAN),
    Ethnicity("asian_other", "Any other Asian background", BroadGroup.ASIAN),
    Ethnicity("black_african", "African", BroadGroup.BLACK),
    Ethnicity("black_caribbean", "Caribbean", BroadGroup.BLACK),
    Ethnicity(
        "black_other", "Any other Black, Black British or Caribbean background", BroadGroup.BLACK
    ),
    Ethnicity("mixed_white_asian", "White and Asian", BroadGroup.MIXED),
    Ethnicity("mixed_white_black_african", "White and Black African", BroadGroup.MIXED),
    Ethnicity("mixed_white_black_caribbean", "White and Black Caribbean", BroadGroup.MIXED),
    Ethnicity("mixed_other", "Any other Mixed or multiple ethnic background", BroadGroup.MIXED),
    Ethnicity(
        "white_british",
        "English, Welsh, Scottish, Northern Irish or British",
        BroadGroup.WHITE,
    ),
    Ethnicity("white_irish", "Irish", BroadGroup.WHITE),
    Ethnicity("white_gypsy_traveller", "Gypsy or Irish Traveller", BroadGroup.WHITE),
    Ethnicity("white_roma", "Roma", BroadGroup.WHITE),
    Ethnicity("white_other", "Any other White background", BroadGroup.WHITE),
    Ethnicity("other_arab", "Arab", BroadGroup.OTHER),
    Ethnicity("other_any", "Any other ethnic group", BroadGroup.OTHER),
    Ethnicity(NOT_STATED, "Not stated", BroadGroup.NOT_STATED),
)

_BY_CODE = {e.code: e for e in ONS_2021}

# Police self-defined ethnicity codes (16+1) and the ONS 2021 category each maps to.
POLICE_16_PLUS_1: dict[str, tuple[str, str]] = {
    "W1": ("White: British", "white_british"),
    "W2": ("White: Irish", "white_irish"),
    "W9": ("White: any other White background", "white_other"),
    "M1": ("Mixed: White and Black Caribbean", "mixed_white_black_caribbean"),
    "M2": ("Mixed: White and Black African", "mixed_white_black_african"),
    "M3": ("Mixed: White and Asian", "mixed_white_asian"),
    "M9": ("Mixed: any other Mixed background", "mixed_other"),
    "A1": ("Asian: Indian", "asian_indian"),
    "A2": ("Asian: Pakistani", "asian_pakistani"),
    "A3": ("Asian: Bangladeshi", "asian_bangladeshi"),
    "A9": ("Asian: any other Asian background", "asian_other"),
    "B1": ("Black: Caribbean", "black_caribbean"),
    "B2": ("Black: African", "black_african"),
    "B9": ("Black: any other Black background", "black_other"),
    "O1": ("Chinese", "asian_chinese"),
    "O9": ("Any other ethnic group", "other_any"),
    "NS": ("Not stated", NOT_STATED),
}


def get(code: str) -> Ethnicity:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise KeyError(f"unknown ethnicity code {code!r}") from None


def is_valid(code: str) -> bool:
    return code in _BY_CODE


def from_police_code(code: str) -> Ethnicity:
    """The ONS 2021 category for a police 16+1 self-defined ethnicity code."""
    return get(POLICE_16_PLUS_1[code.strip().upper()][1])


def broad_group(code: str) -> BroadGroup:
    return get(code).group


def choices() -> list[tuple[str, str]]:
    return [(e.code, e.full_label) for e in ONS_2021]


def police_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} {label}") for code, (label, _) in POLICE_16_PLUS_1.items()]
