"""A letter's lines with what each one says: the topic its Easy Read picture shows.

`Point` is a `str` (so every caller that reads a letter's lines as text keeps working) carrying a
topic for each of its sentences. `compose.py` writes its own lines as points; the catalogue's texts
(possibly a service's own wording) and the interventions' descriptions get theirs here. When an
Easy Read letter puts each sentence on a line of its own (`split`), each sentence keeps its topic.
"""

from __future__ import annotations

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.letters.pictures import Topic as T
from oocd_panel.letters.readability import sentences


class Point(str):
    """A line of a letter, with the topic of each of its sentences (the last one goes on)."""

    topics: tuple[T, ...]

    def __new__(cls, text: str, *topics: T) -> Point:
        point = super().__new__(cls, text)
        point.topics = topics
        return point

    @property
    def topic(self) -> T:
        return self.topics[0] if self.topics else T.GENERIC


def split(line: str) -> list[str]:
    """The line's sentences, one a line, each with its own topic.

    When the line has a topic for each sentence they pair up; when the count differs (a service's
    own wording, or a translation that joins or splits sentences) every sentence takes the line's
    first topic, which is the one for what the whole line says."""
    parts = sentences(line)
    if not isinstance(line, Point):
        return parts
    if len(line.topics) == len(parts):
        return [Point(part, topic) for part, topic in zip(parts, line.topics, strict=True)]
    return [Point(part, line.topic) for part in parts]


# --- The catalogue's texts -----------------------------------------------------------------------
#
# A text a service may have worded its own way gets the topic of what its field says for this
# disposal. The catalogue's own wording gets one topic a sentence (a test keeps the counts right).

_MEANING = {
    "no_further_action": T.FINISHED,
    "community_resolution": T.TOLD_POLICE,
    "youth_caution": T.WARNING,
    "youth_conditional_caution": T.WARNING,
    "charge": T.COURT,
}
_MEANING_BY_WORK = {
    disposals.Work.NONE: T.FINISHED,
    disposals.Work.VOLUNTARY: T.SUPPORT,
    disposals.Work.CONDITIONAL: T.AGREED,
}
_IF_NOT_BY_WORK = {
    disposals.Work.NONE: T.NOTHING_TO_DO,
    disposals.Work.VOLUNTARY: T.SAY_NO,
    disposals.Work.CONDITIONAL: T.COURT,
}

_JOBS = (T.JOB_CHECK, T.JOB_CHECK)
DEFAULT_TOPICS: dict[tuple[str, str], tuple[T, ...]] = {
    ("no_further_action", "child_meaning"): (T.POLICE, T.FINISHED),
    ("no_further_action", "child_record"): (T.NOT_CRIMINAL_RECORD, T.POLICE_NOTE),
    ("no_further_action", "parent_record"): (T.NOT_CRIMINAL_RECORD, T.POLICE_NOTE),
    ("outcome_22", "child_meaning"): (T.SUPPORT, T.POLICE),
    ("outcome_22", "child_record"): (
        T.NOT_CRIMINAL_RECORD,
        T.NOT_CRIMINAL_RECORD,
        T.POLICE_NOTE,
        T.JOB_CHECK,
    ),
    ("outcome_22", "parent_meaning"): (T.SUPPORT, T.POLICE),
    ("outcome_22", "parent_record"): (T.NOT_CRIMINAL_RECORD, T.POLICE_NOTE, T.JOB_CHECK),
    ("outcome_23", "child_meaning"): (T.ON_HOLD, T.AGREED, T.NO_COURT),
    ("outcome_23", "child_record"): (
        T.FINISHED,
        T.NOT_CRIMINAL_RECORD,
        T.NOT_CRIMINAL_RECORD,
        T.POLICE_NOTE,
    ),
    ("outcome_23", "parent_meaning"): (T.ON_HOLD, T.AGREED, T.NO_COURT),
    ("outcome_23", "parent_record"): (T.FINISHED, T.NOT_CRIMINAL_RECORD, T.POLICE_NOTE),
    ("community_resolution", "child_meaning"): (T.TOLD_POLICE, T.NO_COURT),
    ("community_resolution", "child_record"): (T.NOT_CRIMINAL_RECORD, *_JOBS),
    ("community_resolution", "parent_meaning"): (T.TOLD_POLICE, T.NO_COURT),
    ("community_resolution", "parent_record"): (T.NOT_CRIMINAL_RECORD, *_JOBS),
    ("youth_caution", "child_meaning"): (T.WARNING, T.TOLD_POLICE, T.NO_COURT),
    ("youth_caution", "child_record"): (T.POLICE_COMPUTER, T.SPENT, *_JOBS),
    ("youth_caution", "parent_meaning"): (T.WARNING, T.TOLD_POLICE, T.NO_COURT),
    ("youth_caution", "parent_record"): (T.POLICE_COMPUTER, T.SPENT, *_JOBS),
    ("youth_conditional_caution", "child_meaning"): (T.WARNING, T.AGREED),
    ("youth_conditional_caution", "child_record"): (T.POLICE_COMPUTER, T.SPENT, *_JOBS),
    ("youth_conditional_caution", "parent_meaning"): (T.WARNING, T.AGREED),
    ("youth_conditional_caution", "parent_record"): (T.POLICE_COMPUTER, T.SPENT, *_JOBS),
    ("youth_conditional_caution", "child_right"): (T.CHANGE_MIND, T.COURT, T.LAWYER),
    ("youth_conditional_caution", "parent_right"): (T.CHANGE_MIND, T.COURT, T.LAWYER),
    ("charge", "child_meaning"): (T.COURT, T.COURT),
    ("charge", "child_if_not"): (T.COURT, T.YOUTH_WORKER),
    ("charge", "child_record"): (T.RECORD,),
    ("charge", "parent_meaning"): (T.COURT, T.COURT),
    ("charge", "parent_if_not"): (T.COURT,),
    ("charge", "parent_record"): (T.RECORD,),
}


def field_topic(disposal: disposals.Disposal, field: str) -> T:
    """What a catalogue text says, from its field and the disposal, whatever its wording."""
    kind = field.removeprefix("child_").removeprefix("parent_")
    if kind == "meaning":
        return _MEANING.get(disposal.code, _MEANING_BY_WORK[disposal.work])
    if kind == "if_not":
        return T.COURT if disposal.code == "charge" else _IF_NOT_BY_WORK[disposal.work]
    if kind == "record":
        return T.RECORD
    if kind == "right":
        return T.RIGHTS
    raise ValueError(f"no topic for the catalogue field {field!r}")


def from_catalogue(disposal: disposals.Disposal, field: str, text: str) -> Point:
    """A catalogue text (`LetterTexts` field), as the letter's point (a point the letter wrote
    in its place, such as the police-alone path's own line, keeps its topics)."""
    if isinstance(text, Point):
        return text
    default = getattr(disposals.LETTER_TEXTS.get(disposal.code), field, None)
    topics = DEFAULT_TOPICS.get((disposal.code, field)) if text == default else None
    return Point(text, *(topics or (field_topic(disposal, field),)))


INTERVENTION_TOPICS: dict[str, tuple[T, ...]] = {
    "one_to_one": (T.YOUTH_WORKER, T.TALK),
    "victim_awareness": (T.THINK,),
    "restorative_justice": (T.PUT_RIGHT,),
    "weapons_awareness": (T.WEAPONS,),
    "substance_misuse": (T.DRUGS_ALCOHOL,),
    "emotional_wellbeing": (T.FEELINGS,),
    "speech_language": (T.WORDS,),
    "education_training": (T.SCHOOL_WORK,),
    "mentoring": (T.MENTOR, T.SUPPORT),
    "sport_activities": (T.SPORT,),
    "exploitation_support": (T.SAFE,),
    "family_support": (T.FAMILY,),
}


def from_intervention(intervention: interventions.Intervention, text: str) -> Point:
    """An intervention as the letter lists it (its plain description, or its name)."""
    return Point(text, *INTERVENTION_TOPICS.get(intervention.code, (T.SUPPORT,)))
