"""Offence types: the categories the Youth Justice Board uses to count offences."""

from __future__ import annotations

from oocd_panel.catalogue.translatable import N_

OFFENCE_TYPES: dict[str, str] = {
    "violence_against_the_person": N_("Violence against the person"),
    "robbery": N_("Robbery"),
    "theft_and_handling": N_("Theft and handling stolen goods"),
    "burglary": N_("Burglary"),
    "criminal_damage": N_("Criminal damage"),
    "drugs": N_("Drugs offences"),
    "possession_of_weapon": N_("Possession of a weapon"),
    "public_order": N_("Public order"),
    "sexual": N_("Sexual offences"),
    "motoring": N_("Motoring offences"),
    "vehicle_theft": N_("Vehicle theft or unauthorised taking"),
    "fraud_and_forgery": N_("Fraud and forgery"),
    "arson": N_("Arson"),
    "racially_or_religiously_aggravated": N_("Racially or religiously aggravated offences"),
    "breach": N_("Breach of statutory order"),
    "other": N_("Other"),
}


def label(code: str) -> str:
    return OFFENCE_TYPES.get(code, code)


def choices() -> list[tuple[str, str]]:
    return list(OFFENCE_TYPES.items())
