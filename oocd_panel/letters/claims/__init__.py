"""What each sentence of a letter claims, held against the disposal's facts in the catalogue.

A word list cannot tell "You do not go to court" (true for a youth caution) from "Skip it and you
go to court" (false for voluntary work). So every sentence is read for its claims:

- obligation or choice: taking part is required ("must", "not optional", "Be there every
  week", "you will come") or is the child's choice ("You can say no", "You do not have to");
- consequence: what happens (court, prosecution, arrest, the police, punishment, trouble, or
  nothing at all), and whether it is said to follow from saying no or stopping, from doing the
  work, or from nothing;
- record: criminal record, conviction, caution, "on your record", "forever", "nobody will ever
  see it", what a check for a job shows;
- admission: "you admitted", "you said you did it", "you accepted responsibility".

Each claim has a polarity (negation is counted in its clause: "not optional" is an obligation,
"It is not true that you do not have to" too), a strength ("could" or "will"), a condition ("if
you miss it", "unless you come", "Skip it and ...", "Saying no means ...") and what it is about
(the letter's disposal, or one it names: "A youth caution is a conviction"). The catalogue says
which claims are true (disposals.Disposal: work, admission_needed, goes_to_court,
court_if_not_done, criminal_record, conviction, caution, may_show_on_a_check).

Text is Unicode-normalised (NFKC) first; words mixing alphabets ("breach" typed with a Cyrillic
"e"), invisible characters and characters that reverse the direction of text are refused outright.
Spelling tricks (c.o.u.r.t, mu-st, c0urt, capitals, extra spaces, "u" for "you") are read as the
words they spell.

Tokens and lemmas come from spaCy (a blank English pipeline, its lookup lemmatizer with the
tables of spacy-lookups-data, loaded once on first use), the token patterns from spaCy's
Matcher, scripts from `regex` (\\p{Script=...}).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from oocd_panel.catalogue.disposals import Disposal
from oocd_panel.letters.claims.parse import loaded
from oocd_panel.letters.claims.read import Claim, Condition, Kind, Target, forget_readings, read
from oocd_panel.letters.claims.text import normalise, unicode_problems
from oocd_panel.letters.claims.verdicts import falsehood
from oocd_panel.letters.readability import sentences

__all__ = [
    "Claim",
    "Condition",
    "Finding",
    "Kind",
    "Target",
    "falsehood",
    "forget",
    "implied_condition",
    "normalise",
    "read",
    "says_court_if_not_done",
    "sentence_findings",
    "sentences",
    "text_findings",
    "unicode_problems",
    "warm_up",
]


@dataclass(frozen=True)
class Finding:
    """A false claim (or a refused character) in a sentence, in plain words."""

    sentence: str
    message: str
    section: str = ""
    kind: str = ""
    index: int = 0  # of the sentence, among those read


def pairs_with_court(claims: Sequence[Claim]) -> bool:
    """A sentence that says the child could go to court (or be prosecuted)."""
    return any(c.kind is Kind.COURT and c.positive for c in claims)


def sentence_findings(
    sentences: Sequence[str],
    disposal: Disposal,
    *,
    section: str = "",
    implied: Condition = Condition.NONE,
) -> list[Finding]:
    """What is false or refused in these sentences (one section, in order)."""
    findings: list[Finding] = []
    said = [
        _answered(s, sentences[i + 1] if i + 1 < len(sentences) else "")
        for i, s in enumerate(sentences)
    ]
    read_all = [
        read(s, implied=implied, previous=said[i - 1] if i else "") for i, s in enumerate(said)
    ]
    for i, sentence in enumerate(sentences):
        for message in unicode_problems(sentence):
            findings.append(Finding(sentence, message, section, "characters", i))
        claims = read_all[i]
        nearby = [
            *claims,
            *(read_all[i - 1] if i else []),
            *(read_all[i + 1] if i + 1 < len(read_all) else []),
        ]
        seen: set[str] = set()
        for claim in claims:
            if claim.soft and claim.kind is Kind.OBLIGATION:
                continue
            if (
                claim.kind is Kind.CHOICE
                and claim.target is Target.WORK
                and pairs_with_court(nearby)
            ):
                continue
            why = falsehood(claim, disposal)
            if why and why not in seen:
                seen.add(why)
                findings.append(Finding(sentence, why, section, claim.kind.value, i))
    return findings


_ANSWERS = {
    "no": False,
    "nope": False,
    "not": False,
    "never": False,
    "yes": True,
    "yeah": True,
    "yep": True,
    "definitely": True,
    "absolutely": True,
    "always": True,
}


def _answered(question: str, answer: str) -> str:
    """ "Optional? No.": a question answered by the next sentence claims what the answer says."""
    if not question.rstrip().endswith("?") or not answer:
        return question
    first = normalise(answer).split(" ", 1)[0].strip(".,!:;")
    if first not in _ANSWERS:
        return question
    statement = question.rstrip().rstrip("?")
    return statement + "." if _ANSWERS[first] else f"It is not true that {statement}."


def says_court_if_not_done(sentences: Iterable[str]) -> bool:
    """The "what if not" part of a letter about conditions says the child could go to court."""
    return any(pairs_with_court(read(s, implied=Condition.NOT_DOING)) for s in sentences)


def implied_condition(section: str) -> Condition:
    """The section that says what happens if not speaks of saying no, even without "if"."""
    return Condition.NOT_DOING if section == "if_not" else Condition.NONE


def text_findings(text: str, disposal: Disposal, section: str) -> list[Finding]:
    """A text a service words itself, read as the letter section it goes in."""
    found = [s for line in text.splitlines() for s in sentences(line)]
    return sentence_findings(found, disposal, section=section, implied=implied_condition(section))


def forget() -> None:
    """Drop the readings kept (for measuring; a changed catalogue needs no such thing: the
    readings hold no facts)."""
    forget_readings()
    normalise.cache_clear()


def warm_up() -> None:
    """Load the pipeline now (a second), not on the first letter."""
    loaded()
