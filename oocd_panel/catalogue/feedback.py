"""Family feedback: the three questions a letter's short link asks, and who a letter was for.

The page families answer, the counting of the answers and the reports all read them from here.
The words are for a reading age of about 9: a child of 10 answers them as well as a parent.
Nothing else is asked: no free text (it could hold a name), nothing about who answers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    key: str
    text: str  # as the page asks it
    short: str  # as a report's heading names it
    answers: tuple[tuple[str, str], ...]  # (value, label), in the order shown

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(value for value, _ in self.answers)

    def label(self, value: str) -> str:
        return dict(self.answers).get(value, value)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "letter_clear",
        "Did the letter make sense?",
        "The letter made sense",
        (("yes", "Yes"), ("partly", "Partly"), ("no", "No")),
    ),
    Question(
        "knows_next",
        "Do you know what happens next?",
        "They know what happens next",
        (("yes", "Yes"), ("not_sure", "Not sure"), ("no", "No")),
    ),
    Question(
        "meeting",
        "How was the meeting with the panel or your worker?",
        "How the meeting went",
        (
            ("good", "Good"),
            ("ok", "OK"),
            ("not_good", "Not good"),
            ("no_meeting", "No meeting yet"),
        ),
    ),
)
QUESTIONS_BY_KEY = {q.key: q for q in QUESTIONS}

# Who a letter was for: the child (any of the child's versions) or a parent or carer. Only
# these two are kept with an answer: the letter's exact version would say the child's age band
# or that they need Easy Read, which with the service, month and outcome could point to a child.
AUDIENCES: tuple[tuple[str, str], ...] = (
    ("child", "The child"),
    ("parent", "A parent or carer"),
)
