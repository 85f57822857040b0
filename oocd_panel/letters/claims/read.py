"""The claims of one sentence: for each match, its kind, polarity (negation counted in its
clause), strength ("could" or "will"), condition (if the child says no, does them, or said
outright), what it is about (the work, court; the letter's disposal or one named) and whether it
binds the child at all."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass

from oocd_panel.catalogue.disposals import Disposal
from oocd_panel.letters.claims.parse import Clause, Sentence, Span, read_tokens
from oocd_panel.letters.claims.text import normalise
from oocd_panel.letters.claims.words import (
    ADVICE,
    AFTER_CRIMINAL,
    AVOID,
    CLAIM_VERBS,
    FINE,
    JOB_HARM,
    NOT_WORK,
    OWN_NEGATION,
    PAST_TELLING,
    POSSIBLE,
    QUALIFIERS,
    QUESTION_STARTS,
    SETS,
    UNIVERSAL,
    wordlist,
)


class Kind(enum.StrEnum):
    OBLIGATION = "obligation"
    CHOICE = "choice"
    COURT = "court"
    PUNISHMENT = "punishment"
    ARREST = "arrest"
    POLICE = "police"
    TROUBLE = "trouble"
    NOTHING = "nothing"
    CRIMINAL_RECORD = "criminal record"
    CONVICTION = "conviction"
    CAUTION = "caution"
    FOREVER = "forever"
    ERASED = "erased"
    EVERY_CHECK = "every check"
    NO_CHECK = "no check"
    ADMISSION = "admission"
    GUILT = "guilt"


class Condition(enum.Enum):
    NONE = "none"  # said outright
    NOT_DOING = "not doing"  # if the child says no, stops, misses, does not do them
    DOING = "doing"  # if the child does them


class Target(enum.Enum):
    """What an obligation or a choice is about."""

    WORK = "work"
    COURT = "court"
    OTHER = "other"  # legal advice, getting in touch: not the work


CONSEQUENCES = frozenset(
    {Kind.COURT, Kind.PUNISHMENT, Kind.ARREST, Kind.POLICE, Kind.TROUBLE, Kind.NOTHING}
)


RECORDS = frozenset({Kind.CRIMINAL_RECORD, Kind.CONVICTION, Kind.CAUTION})


@dataclass(frozen=True)
class Claim:
    kind: Kind
    positive: bool
    words: str  # the words that make the claim, as read
    possible: bool = False  # "could", "may": not "will"
    condition: Condition = Condition.NONE
    target: Target = Target.WORK
    soft: bool = False  # an obligation only in tone ("Come every week"), undone by "if you want"
    about: Disposal | None = None  # a disposal the sentence names as its subject


def _in(span: Span, clause: Clause) -> bool:
    return clause.start <= span.start < clause.end


def _negations(sentence: Sentence, clause: Clause, upto: int, own: Span) -> int:
    """Negating words in the clause before `upto`, leaving out those another match is made of
    ("say no", "nothing will happen", "not come")."""
    used = {
        i
        for span in sentence.spans
        if span is not own and span.label in OWN_NEGATION
        for i in range(span.start, span.end)
    }
    negators = SETS["NEG"]
    count = 0
    i = clause.start
    while i < upto:
        word = sentence.words[i]
        said_no = word == "no" and i and sentence.words[i - 1] in {"say", "says", "or", "saying"}
        if i not in used and not said_no and (word in negators or sentence.lemmas[i] in AVOID):
            if word == "instead" and (
                i + 1 >= len(sentence.words) or sentence.words[i + 1] != "of"
            ):
                i += 1
                continue
            if word == "no" and i + 1 < len(sentence.words) and sentence.words[i + 1] == "longer":
                i += 1
            count += 1
        i += 1
    return count


def _possible(sentence: Sentence, clause: Clause) -> bool:
    """ "could", "may", "a chance" (but "no chance" is a certainty)."""
    words = sentence.words
    return any(
        words[i] in POSSIBLE
        and not (words[i] in {"chance", "risk"} and i and words[i - 1] in {"no", "not", "zero"})
        for i in range(clause.start, clause.end)
    )


def _action(sentence: Sentence, clause: Clause) -> Condition | None:
    """Doing or not doing the work, as a clause speaks of it (None: neither)."""
    found: Condition | None = None
    last = clause.start
    flip = sentence.words[clause.start] == "unless" or sentence.words[clause.start] == "without"
    for span in sentence.spans:
        if not _in(span, clause) or span.label not in {"TAKE", "NOTTAKE"}:
            continue
        negated = sum(1 for w in sentence.words[last : span.start] if w in {"not", "n't", "never"})
        doing = (span.label == "TAKE") == (negated % 2 == 0)
        if flip:
            doing = not doing
        if not doing:
            return Condition.NOT_DOING
        found = Condition.DOING
        last = span.end
    words = sentence.words[clause.start : clause.end]
    if found is None and words and sentence.lemmas[clause.end - 1] == "do":
        found = Condition.NOT_DOING if flip else Condition.DOING
    if (
        found is None
        and len(words) >= 2
        and words[-1] in {"not", "n't"}
        and words[-2]
        in {
            "do",
            "does",
            "did",
        }
    ):
        found = Condition.DOING if flip else Condition.NOT_DOING
    return found


def _soft(sentence: Sentence) -> bool:
    return any(span.label == "SOFT" for span in sentence.spans)


def _condition_of(
    sentence: Sentence, clause: Clause, index: int, inherited: Condition
) -> Condition:
    """The condition a main clause's claims are said under."""
    own = _action(sentence, clause)
    if own is Condition.NOT_DOING:
        return own
    conditions = [c for c in sentence.clauses if c.condition]
    for other in conditions:
        found = _action(sentence, other)
        if found is not None:
            return found
    if index > 0:
        before = sentence.clauses[index - 1]
        if clause.joiner in {"or", "otherwise"} or (
            clause.joiner == ""
            and sentence.words[clause.start : clause.start + 2] == ["or", "else"]
        ):
            return Condition.NOT_DOING
        if clause.joiner in {"and", "then", "so"} and _action(sentence, before) is (
            Condition.NOT_DOING
        ):
            return Condition.NOT_DOING
    first = sentence.words[clause.start] if clause.start < len(sentence.words) else ""
    if first in {"otherwise", "else"}:
        return Condition.NOT_DOING
    return inherited


def _target(sentence: Sentence, clause: Clause, span: Span) -> Target:
    """What the obligation or choice is about: the first telling word after it (or else
    before it: "Legal advice is essential")."""
    after = range(span.start, clause.end)
    before = range(span.start - 1, clause.start - 1, -1)
    for positions in (after, before):
        for i in positions:
            word, lemma = sentence.words[i], sentence.lemmas[i]
            if i >= span.end and any(s.start == i and s.label == "TAKE" for s in sentence.spans):
                return Target.WORK
            if word in SETS["COURTWORD"] or lemma == "prosecute":
                return Target.COURT
            if word in ADVICE or (i != span.start and lemma in NOT_WORK):
                return Target.OTHER
            if lemma in {"admit", "confess"} or word in {"admission", "guilty"}:
                return Target.OTHER
    return Target.WORK


def _on_the_child(sentence: Sentence, clause: Clause, span: Span) -> bool:
    """Whether an obligation or choice binds the child (not the police, the worker, us)."""
    for i in range(span.start - 1, clause.start - 1, -1):
        word = sentence.words[i]
        if word in SETS["CHILD"] or word in {"it", "this", "that", "these", "attendance"}:
            return True
        if word in SETS["COURTWORD"]:
            return True  # "Court is optional": about the child going to court
        if word in SETS["THIRD"]:
            later = sentence.words[span.start : clause.end]
            lemmas = sentence.lemmas[span.start : clause.end]
            return bool({"you", "them"} & set(later)) and any(
                lemma in lemmas for lemma in ("see", "meet", "come", "attend", "expect", "wait")
            )
    return True


def _about(sentence: Sentence, clause: Clause, span: Span) -> Disposal | None:
    """A disposal the clause names before the claim ("A youth caution is a conviction")."""
    verb = next(
        (
            i
            for i in range(clause.start, clause.end)
            if sentence.lemmas[i] in CLAIM_VERBS or sentence.words[i] in SETS["BE"]
        ),
        clause.end,
    )
    found = None
    for start, disposal in sentence.named:
        if clause.start <= start < verb and start <= span.start:
            found = disposal
    return found


def _has_claim_verb(sentence: Sentence, clause: Clause) -> bool:
    return any(
        sentence.lemmas[i] in CLAIM_VERBS or sentence.words[i] in CLAIM_VERBS
        for i in range(clause.start, clause.end)
    )


def _is_question(words: list[str]) -> bool:
    if not words or words[-1] != "?":
        return False
    if any(w in {"know", "remember", "realise", "realize", "aware", "understand"} for w in words):
        return False
    return words[0] in QUESTION_STARTS


def read(text: str, *, implied: Condition = Condition.NONE, previous: str = "") -> list[Claim]:
    """The claims of one sentence. `implied` is the condition its section gives every sentence
    ("What happens if you say no": NOT_DOING); `previous` the sentence before it, for "Then
    ...", "Otherwise ...". Letters repeat their sentences, so the readings are kept (a few
    thousand, least recently used first out)."""
    return list(_read(normalise(text), implied, normalise(previous) if previous else ""))


@functools.lru_cache(maxsize=4096)
def _read(plain: str, implied: Condition, previous: str) -> tuple[Claim, ...]:
    return tuple(_claims(plain, implied, previous))


def _claims(plain: str, implied: Condition, previous: str) -> list[Claim]:
    if not plain:
        return []
    sentence = read_tokens(plain)
    if _is_question(sentence.words):
        return []
    inherited = implied
    first = sentence.words[0] if sentence.words else ""
    opening = [w for w in sentence.words[:3] if w not in {"but", "and", ","}]
    if opening[:1] in (["otherwise"], ["else"]) or opening[:2] == ["if", "not"]:
        inherited = Condition.NOT_DOING
    elif previous and (
        opening[:1] == ["then"] or opening[:2] in (["that", "means"], ["this", "means"])
    ):
        before = read_tokens(previous)
        if any(
            _action(before, c) is Condition.NOT_DOING
            or any(s.label == "NOTTAKE" and _in(s, c) for s in before.spans)
            for c in before.clauses
        ):
            inherited = Condition.NOT_DOING
    del first
    soft = _soft(sentence)
    claims: list[Claim] = []
    for index, clause in enumerate(sentence.clauses):
        if clause.condition:
            continue
        words = sentence.words[clause.start : clause.end]
        if words and words[0] in {"what", "whether", "how"}:
            continue
        condition = _condition_of(sentence, clause, index, inherited)
        for span in sentence.spans:
            if _in(span, clause):
                claims += _claims_of(sentence, clause, span, condition, soft)
        claims += _check_when(sentence, clause, index)
        claims += _imperative(sentence, clause, soft)
    return claims


def _imperative(sentence: Sentence, clause: Clause, soft: bool) -> list[Claim]:
    """ "Come to every session", "Be there", "Do not miss a session": orders to the child."""
    i = clause.start
    words = sentence.words
    while i < clause.end and words[i] in set(
        wordlist("""please just always so now then and also simply but still or""")
    ):
        i += 1
    if i >= clause.end:
        return []
    negative = False
    if words[i] in {"never"}:
        negative, i = True, i + 1
    elif words[i] == "do" and i + 1 < clause.end and words[i + 1] in {"not", "n't"}:
        negative, i = True, i + 2
    starts = [s for s in sentence.spans if s.start == i and s.label in {"TAKE", "NOTTAKE"}]
    if not starts:
        return []
    span = starts[0]
    if words[i] != sentence.lemmas[i] and words[i] not in {"be"}:
        return []  # "Taking part is your choice": not an order
    if negative != (span.label == "NOTTAKE"):
        return []  # "Do not come" or "Stop": not an order to take part
    target = _target(sentence, clause, span)
    said = " ".join(words[clause.start : span.end])
    return [Claim(Kind.OBLIGATION, True, said, target=target, soft=soft and not negative)]


def _claims_of(
    sentence: Sentence, clause: Clause, span: Span, condition: Condition, soft: bool
) -> list[Claim]:
    label = span.label
    words = sentence.words
    said = " ".join(words[span.start : span.end])
    upto = span.start if label in OWN_NEGATION else span.end
    count = _negations(sentence, clause, upto, span)
    if label == "CHOICE" and "only" in words[clause.start : span.end]:
        count += 1  # "You can only say no if the police agree": not a choice
    negated = count % 2 == 1
    if label in {"OBLIGATION", "OBLIGATION_SOFT", "CHOICE"}:
        if label != "CHOICE" and not _on_the_child(sentence, clause, span):
            return []
        if label == "CHOICE" and not _on_the_child(sentence, clause, span):
            return []
        if label == "CHOICE" and sentence.lemmas[span.start] == "decide":
            # "They decided on this": the panel's decision, not a choice of the child's.
            before = words[max(0, span.start - 2) : span.start]
            if not before or (before[-1] not in {"you", "can"} and before != ["you", "to"]):
                return []
        if (
            label == "CHOICE"
            and words[span.start] == "option"
            and not negated
            and not any(s.label == "NOTTAKE" and _in(s, clause) for s in sentence.spans)
        ):
            return []  # "another option is to call us"
        target = _target(sentence, clause, span)
        if target is Target.OTHER and _admission_target(sentence, clause, span):
            positive = label != "CHOICE"
            return [Claim(Kind.ADMISSION, positive != negated, said)]
        obligation = (label != "CHOICE") != negated
        kind = Kind.OBLIGATION if obligation else Kind.CHOICE
        return [
            Claim(
                kind,
                True,
                said,
                target=target,
                soft=soft and label == "OBLIGATION_SOFT" and obligation,
            )
        ]
    if label in {"COURT", "PUNISHMENT", "ARREST", "POLICE", "TROUBLE", "NOTHING"}:
        if label == "COURT" and _not_a_court(words, span):
            return []
        if label == "ARREST" and _past(words, clause, span):
            return []
        if (
            label == "POLICE"
            and words[span.start] in PAST_TELLING
            and (
                span.start == 0 or words[span.start - 1] not in {*SETS["BE"], "get", "got", "gets"}
            )
        ):
            return []  # "You told the police you did it": what happened
        if (
            label == "NOTHING"
            and FINE & set(words[span.start : span.end])
            and condition is not Condition.NOT_DOING
        ):
            return []  # "It is fine to ask": only "If you stop, that's fine" says nothing
        kind = Kind(label.lower())
        positive = not negated
        if kind is Kind.NOTHING and not positive:
            kind, positive = Kind.TROUBLE, True
        elif kind in {Kind.POLICE, Kind.TROUBLE} and not positive:
            kind, positive = Kind.NOTHING, True
        possible = _possible(sentence, clause) and not (
            negated and any(w in {"can", "ca", "could"} for w in words[clause.start : span.start])
        )
        return [Claim(kind, positive, said, possible=possible, condition=condition)]
    if label in {"CRIMINAL_RECORD", "ON_RECORD", "CONVICTION", "CAUTION"}:
        if not _has_claim_verb(sentence, clause):
            return []
        after = words[span.end] if span.end < len(words) else ""
        if words[span.start] == "a" and after.isalpha() and after not in AFTER_CRIMINAL:
            return []  # "a criminal offence", "a criminal damage case": not "a criminal"
        if label == "ON_RECORD" and _wh_subject(words, clause, span):
            return []
        if negated and any(s.label == "FOREVER" and _in(s, clause) for s in sentence.spans):
            return []  # "It will not stay on your record forever": not forever, still there
        positive = not negated
        if {"clean", "spotless"} & set(words[span.start : span.end]):
            positive = not positive
        kind = {
            "CRIMINAL_RECORD": Kind.CRIMINAL_RECORD,
            "ON_RECORD": Kind.CRIMINAL_RECORD,
            "CONVICTION": Kind.CONVICTION,
            "CAUTION": Kind.CAUTION,
        }[label]
        return [
            Claim(
                kind,
                positive,
                said,
                possible=_possible(sentence, clause),
                condition=condition,
                about=_about(sentence, clause, span),
            )
        ]
    if label == "FOREVER":
        context = {"record", "records", "caution", "conviction", "it", "this", "that", "file"}
        if negated or not context & set(words[clause.start : clause.end]):
            return []
        return [Claim(Kind.FOREVER, True, said)]
    if label == "ERASED":
        context = set(
            wordlist("""
                record records caution conviction it this that note file check checks employer
                employers anyone police outcome history nobody one anybody people
                """)
        )
        if not context & set(words[clause.start : clause.end]) or negated:
            return []
        if any(w in QUALIFIERS for w in words[clause.start : clause.end]):
            return []
        return [Claim(Kind.ERASED, True, said)]
    if label == "CHECK":
        return _check_claim(sentence, clause, span, said)
    if label in {"ADMISSION", "GUILT"}:
        kind = Kind.ADMISSION if label == "ADMISSION" else Kind.GUILT
        return [Claim(kind, not negated, said, condition=condition)]
    return []


def _admission_target(sentence: Sentence, clause: Clause, span: Span) -> bool:
    return any(
        sentence.lemmas[i] in {"admit", "confess"} or sentence.words[i] in {"admission", "guilty"}
        for i in range(span.start, clause.end)
    )


def _not_a_court(words: list[str], span: Span) -> bool:
    """ "free of charge", "in charge", a tennis court."""
    before = words[span.start - 1] if span.start else ""
    word = words[span.start]
    if word.startswith("charge") and before in {"of", "in", "no", "extra"}:
        return True
    return word in {"court", "courts"} and before in set(
        wordlist("""tennis basketball netball football squash food royal""")
    )


def _past(words: list[str], clause: Clause, span: Span) -> bool:
    """ "You were arrested": what happened, not a consequence."""
    before = words[clause.start : span.start]
    return any(w in {"was", "were", "got", "had", "did"} for w in before) and not any(
        w in {"will", "'ll", "may", "might", "could", "if"} for w in before
    )


def _wh_subject(words: list[str], clause: Clause, span: Span) -> bool:
    """ "The court will decide what goes on your record": the record is not described."""
    return any(w in {"what", "whether", "which", "how"} for w in words[clause.start : span.start])


def _check_when(sentence: Sentence, clause: Clause, index: int) -> list[Claim]:
    """ "It will show when you apply for jobs": a check named in a when-clause next to the claim."""
    found: list[Claim] = []
    for other in (
        sentence.clauses[index + 1 : index + 2] + sentence.clauses[max(0, index - 1) : index]
    ):
        if not (other.condition and other.joiner in {"when", "whenever", "once"}):
            continue
        for span in sentence.spans:
            if span.label == "CHECK" and _in(span, other):
                both = Clause(min(clause.start, other.start), max(clause.end, other.end))
                said = " ".join(sentence.words[span.start : span.end])
                found += _check_claim(sentence, both, span, said, within=clause)
    return found


def _check_claim(
    sentence: Sentence, clause: Clause, span: Span, said: str, *, within: Clause | None = None
) -> list[Claim]:
    """What a check for a job (or an employer, or anyone) will show."""
    words = sentence.words[clause.start : clause.end]
    lemmas = sentence.lemmas[clause.start : clause.end]
    verbs = {"show", "see", "know", "find", "appear", "come", "reveal", "tell", "pick", "flag"}
    if any(w in QUALIFIERS for w in words) or "like" in words:
        return []
    if ("if" in words or "whether" in words) and within is None:
        return []
    jobs = any(w in {"job", "jobs", "work", "career"} for w in words)
    never = any(w in {"not", "n't", "never", "no", "nobody", "none"} for w in words)
    if jobs and (
        any(w in JOB_HARM for w in words)
        or (never and any(lemma in {"get", "find", "have"} for lemma in lemmas))
    ):
        return [Claim(Kind.EVERY_CHECK, True, said)]  # "You will never get a job"
    if not any(lemma in verbs for lemma in lemmas) and "on" not in words:
        return []  # ("It will be on a check": to be on one is to show)
    if never:
        return [Claim(Kind.NO_CHECK, True, said)]
    if any(w in UNIVERSAL for w in words):
        return [Claim(Kind.EVERY_CHECK, True, said)]  # "Employers can always see it"
    if _possible(sentence, clause):
        return []
    if any(w in {"employer", "employers", "everyone", "people", "anyone"} for w in words):
        return [Claim(Kind.EVERY_CHECK, True, said)]
    return [Claim(Kind.EVERY_CHECK, True, said)] if "will" in words else []


def forget_readings() -> None:
    _read.cache_clear()
