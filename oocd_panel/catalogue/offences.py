"""Offence types: the categories the Youth Justice Board uses to count offences."""

from __future__ import annotations

OFFENCE_TYPES: dict[str, str] = {
    "violence_against_the_person": "Violence against the person",
    "robbery": "Robbery",
    "theft_and_handling": "Theft and handling stolen goods",
    "burglary": "Burglary",
    "criminal_damage": "Criminal damage",
    "drugs": "Drugs offences",
    "possession_of_weapon": "Possession of a weapon",
    "public_order": "Public order",
    "sexual": "Sexual offences",
    "motoring": "Motoring offences",
    "vehicle_theft": "Vehicle theft or unauthorised taking",
    "fraud_and_forgery": "Fraud and forgery",
    "arson": "Arson",
    "racially_or_religiously_aggravated": "Racially or religiously aggravated offences",
    "breach": "Breach of statutory order",
    "other": "Other",
}


def label(code: str) -> str:
    return OFFENCE_TYPES.get(code, code)


def choices() -> list[tuple[str, str]]:
    return list(OFFENCE_TYPES.items())
