"""A sentence as tokens, lemmas, matches and clauses: spaCy's blank English pipeline with its
lookup lemmatizer (the tables of spacy-lookups-data, offline), loaded once on first use, and
two Matchers (the verbs of taking part first, marked on the tokens, then every other family)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from oocd_panel.catalogue import disposals
from oocd_panel.catalogue.disposals import Disposal
from oocd_panel.letters.claims.words import (
    CHOOSING,
    CLAUSE_STARTS,
    CONDITION_STARTS,
    FAMILIES,
    FIRST_PASS,
    INLINE,
    LEMMA_FIX,
    MAIN_SUBJECTS,
    SETS,
    SPLIT_MODALS,
    SUBJECTS,
    VERB_AFTER_AND,
    names_of,
)

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc


def _token(item: str) -> dict[str, Any]:
    op = ""
    if len(item) > 1 and item[-1] in "?*+":
        item, op = item[:-1], item[-1]
    token: dict[str, Any]
    if item == "_":
        token = {}
    elif item.startswith("@"):
        # A set, with any words after it: "@BE|get|gets".
        key = "LEMMA" if item.startswith("@~") else "LOWER"
        name, *more = item.lstrip("@~").split("|")
        token = {key: {"IN": [*SETS[name], *more]}}
    elif item.startswith("~"):
        token = {"LEMMA": {"IN": item[1:].split("|")}}
    else:
        token = {"LOWER": {"IN": item.split("|")}}
    if op:
        token["OP"] = op
    return token


def _expand(spec: str, *, inline: bool = False) -> list[list[dict[str, Any]]]:
    """A spec as Matcher patterns. A family item is spelled out as every pattern it has
    (`inline`, for the first pass), or else is the mark the first pass leaves on its tokens."""
    families = dict(FAMILIES)
    found: list[list[dict[str, Any]]] = [[]]
    for item in spec.split():
        if item in INLINE and inline:
            options = [p for inner in families[INLINE[item]] for p in _expand(inner, inline=True)]
            found = [head + option for head in found for option in options]
        elif item in INLINE:
            mark = INLINE[item].lower()
            found = [
                [*head, {"NORM": f"<{mark}>"}, {"NORM": f"<{mark}+>", "OP": "*"}] for head in found
            ]
        else:
            found = [[*head, _token(item)] for head in found]
    return found


def _merged(patterns: list[list[dict[str, Any]]]) -> list[list[dict[str, Any]]]:
    """One-token patterns of a family made one pattern per attribute (the Matcher's time grows
    with the number of patterns)."""
    single: dict[str, set[str]] = {}
    kept = []
    for pattern in patterns:
        if len(pattern) == 1 and set(pattern[0]) == {next(iter(pattern[0]))}:
            ((attr, test),) = pattern[0].items()
            if isinstance(test, dict) and set(test) == {"IN"}:
                single.setdefault(attr, set()).update(test["IN"])
                continue
        kept.append(pattern)
    return kept + [[{attr: {"IN": sorted(values)}}] for attr, values in single.items()]


@dataclass
class Reader:
    nlp: Language
    verbs: Matcher  # the first pass: verbs of taking part, and of not taking part
    # Each other family's Matcher, with the words one of which a sentence must have for it to
    # match at all (None: no such words), so most sentences meet only a few Matchers.
    families: list[tuple[frozenset[str] | None, Matcher]]
    names: PhraseMatcher
    name_of: dict[str, Disposal] = field(default_factory=dict)


@functools.cache
def loaded() -> Reader:
    """The spaCy pipeline and the patterns, built once (about a second), on first use."""
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    verbs = Matcher(nlp.vocab)
    families: list[tuple[frozenset[str] | None, Matcher]] = []
    for label, specs in FAMILIES:
        if label in FIRST_PASS:
            verbs.add(label, [p for spec in specs for p in _expand(spec, inline=True)])
        else:
            patterns = _merged([p for spec in specs for p in _expand(spec)])
            matcher = Matcher(nlp.vocab)
            matcher.add(label, patterns)
            families.append((_anchors(patterns), matcher))
    names = PhraseMatcher(nlp.vocab, attr="LOWER")
    name_of: dict[str, Disposal] = {}
    for disposal in disposals.CATALOGUE:
        for name in names_of(disposal):
            name_of.setdefault(name, disposal)
    for name in sorted(name_of, key=len, reverse=True):
        names.add(name, [nlp.make_doc(name)])
    return Reader(nlp, verbs, families, names, name_of)


# Words too common to tell whether a pattern can match.
_COMMON = frozenset(SETS["CHILD"] + SETS["BE"] + SETS["WILL"] + SETS["MODAL"] + SETS["DET"])


def _anchors(patterns: list[list[dict[str, Any]]]) -> frozenset[str] | None:
    """Words of which a sentence must have one for any of these patterns to match: for each,
    the values of its most telling token that must be there."""
    found: set[str] = set()
    for pattern in patterns:
        best: set[str] | None = None
        for token in pattern:
            if token.get("OP") in {"?", "*"}:
                continue
            values: set[str] = set()
            for attr, test in token.items():
                if attr == "OP":
                    continue
                values.update(test["IN"] if isinstance(test, dict) else [test])
            if values and not values & _COMMON and (best is None or len(values) < len(best)):
                best = values
        if best is None:
            return None
        found |= best
    return frozenset(found)


@dataclass
class Span:
    label: str
    start: int
    end: int


@dataclass
class Clause:
    start: int
    end: int
    condition: bool = False  # an if/unless/when clause: read for its condition, not its claims
    joiner: str = ""  # the word that began it (and, or, but, then, ...)


@dataclass
class Sentence:
    words: list[str]
    lemmas: list[str]
    spans: list[Span]
    clauses: list[Clause]
    named: list[tuple[int, Disposal]]


def read_tokens(text: str) -> Sentence:
    reader = loaded()
    doc: Doc = reader.nlp(text)
    for token in doc:
        if token.lower_ in LEMMA_FIX:
            token.lemma_ = LEMMA_FIX[token.lower_]
    words = [t.lower_ for t in doc]
    lemmas = [t.lemma_.lower() for t in doc]
    strings = reader.nlp.vocab.strings
    verbs = _longest([Span(strings[m], s, e) for m, s, e in reader.verbs(doc)])
    for label in ("TAKE", "NOTTAKE"):  # "not come" is not taking part: NOTTAKE marks last
        for span in verbs:
            if span.label == label:
                mark = label.lower()
                doc[span.start].norm_ = f"<{mark}>"
                for i in range(span.start + 1, span.end):
                    doc[i].norm_ = f"<{mark}+>"
    present = {*words, *lemmas, *(t.norm_ for t in doc)}
    found = [
        Span(strings[m], s, e)
        for anchors, matcher in reader.families
        if anchors is None or anchors & present
        for m, s, e in matcher(doc)
    ]
    spans = _longest(verbs + found)
    named = [
        (s, reader.name_of[doc[s:e].text.lower()])
        for _, s, e in reader.names(doc)
        if doc[s:e].text.lower() in reader.name_of
    ]
    return Sentence(words, lemmas, spans, _clauses(words), named)


def _longest(spans: list[Span]) -> list[Span]:
    """Per family, the longest matches that do not overlap."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        if not any(
            k.label == span.label and k.start < span.end and span.start < k.end for k in kept
        ):
            kept.append(span)
    # A longer match of a stronger family hides a shorter one inside it.
    hidden = {
        ("GUILT", "ADMISSION"),
        ("ON_RECORD", "CRIMINAL_RECORD"),
        ("CHOICE", "ADMISSION"),
        ("OBLIGATION", "ADMISSION"),
        ("CHECK", "ERASED"),
        ("TROUBLE", "NOTHING"),
        ("ERASED", "NOTHING"),
        ("COURT", "PUNISHMENT"),
        ("ERASED", "CRIMINAL_RECORD"),
        ("ERASED", "ON_RECORD"),
        ("OBLIGATION_SOFT", "OBLIGATION"),
        ("CHOICE", "OBLIGATION"),
    }
    return sorted(
        (
            span
            for span in kept
            if not any(
                (span.label, other.label) in hidden
                and other.start <= span.start
                and span.end <= other.end
                for other in kept
            )
        ),
        key=lambda s: (s.start, s.end),
    )


def _clauses(words: list[str]) -> list[Clause]:
    clauses: list[Clause] = []
    start = 0
    joiner = ""
    condition = False

    def close(end: int) -> None:
        if end > start:
            clauses.append(Clause(start, end, condition, joiner))

    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if i == start and not joiner and word in {"and", "or", "but", "then", "so", "otherwise"}:
            joiner = word
        if word in {
            ",",
            ";",
            ":",
            "\u2014",
            "\u2013",
            "(",
            ")",
            '"',
            ".",
            "!",
            "?",
            "…",
            "...",
            "/",
        }:
            close(i)
            start, joiner = i + 1, ""
            # ", or stop," after a condition goes on with the condition.
            if condition and nxt in {"or", "and"} and _next_is_verb(words, i + 2):
                pass
            else:
                condition = False
            i += 1
            continue
        starts_condition = word in CONDITION_STARTS and not (
            (word == "once" and nxt in {"a", "every", "each", "more", "again"})
            # "You can choose whether to go": the choice's object, not a condition.
            or (word == "whether" and i and words[i - 1] in CHOOSING)
        )
        if word == "should" and nxt in {"you", "they", "sam"} and i == start:
            starts_condition = True
        if word in {"without"} and i == start:
            starts_condition = True
        if condition and joiner == "whether" and word in SETS["BE"] and i > start + 2:
            # "Whether you come is up to you": the main clause begins at "is".
            clauses.append(Clause(start, i, True, joiner))
            start, joiner, condition = i, "", False
        if condition and word in SPLIT_MODALS and i - 1 > start + 1:
            # "If you miss it you will go to court": the main clause begins without a comma.
            back = i - 1
            if words[back] in MAIN_SUBJECTS:
                if back - 1 > start and words[back - 1] in {"the", "your", "their"}:
                    back -= 1
                if back > start + 1:
                    clauses.append(Clause(start, back, True, joiner))
                    start, joiner, condition = back, "", False
        if starts_condition and (i > start or not condition):
            close(i)
            start, joiner, condition = i, word, True
        elif word in CLAUSE_STARTS and i > start and not (word == "so" and nxt == "that"):
            close(i)
            start, joiner, condition = i, word, False
        elif (
            word in {"and", "or"}
            and i > start
            and (nxt in SUBJECTS or nxt == "else" or (nxt in VERB_AFTER_AND and not condition))
        ):
            close(i)
            start, joiner = i, word
            if not condition or nxt in SUBJECTS:
                condition = False
        i += 1
    close(len(words))
    return clauses


def _next_is_verb(words: list[str], i: int) -> bool:
    return i < len(words) and words[i] not in SUBJECTS
