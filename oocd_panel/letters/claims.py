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

import enum
import functools
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import regex

from oocd_panel.catalogue import disposals
from oocd_panel.catalogue.disposals import Disposal, Work
from oocd_panel.letters.readability import sentences

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.matcher import Matcher, PhraseMatcher
    from spacy.tokens import Doc


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


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


@dataclass(frozen=True)
class Finding:
    """A false claim (or a refused character) in a sentence, in plain words."""

    sentence: str
    message: str
    section: str = ""
    kind: str = ""
    index: int = 0  # of the sentence, among those read


# --- Unicode ------------------------------------------------------------------------------------

_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_HIDDEN = regex.compile(
    r"[\p{Cf}\u034f\u115f\u1160\u17b4\u17b5\u180e\u2800\u3164\uffa0"
    r"\uFE00-\uFE0F\U000E0100-\U000E01EF\u180B-\u180F]"
)
_WORD = regex.compile(r"[\p{L}\p{M}]+")
_SCRIPTS = ("Latin", "Cyrillic", "Greek", "Armenian", "Cherokee", "Coptic")
_SCRIPT_OF = {name: regex.compile(rf"\p{{Script={name}}}") for name in _SCRIPTS}
# Letters of other alphabets that look like Latin ones (Unicode's confusables, the usual ones).
_LOOKALIKE = str.maketrans(
    "аАвВеЕѐёЁһНіІїјЈкКмМнНоОрРсСтТуУхХѕЅԁԛԝүӏɑɡıȷαΑβΒεΕηΗιΙκΚμΜνΝοΟρΡτΤυΥχΧζΖ",
    "aABBeEeeEhHiIijJkKmMhHoOpPcCtTyYxXsSdqwylagijaABBeEnHiIkKuMvNoOpPtTuYxXzZ",
)


def _char_name(char: str) -> str:
    return unicodedata.name(char, f"U+{ord(char):04X}").lower()


def unicode_problems(text: str) -> list[str]:
    """Why this text cannot go in a letter as typed: hidden characters, mixed alphabets."""
    if text.isascii():
        return []
    text = _whole(text)
    found: list[str] = []
    for char in dict.fromkeys(_HIDDEN.findall(text)):
        if char in _BIDI:
            found.append(
                f"It has a hidden character that changes the direction of the text "
                f"({_char_name(char)}): delete it and type the words again"
            )
        else:
            found.append(
                f"It has an invisible character ({_char_name(char)}) that can hide what a word "
                "says: delete it and type the words again"
            )
    words = _WORD.findall(unicodedata.normalize("NFKC", text))
    for word in dict.fromkeys(w for w in words if not w.isascii()):
        scripts = [name for name, pattern in _SCRIPT_OF.items() if pattern.search(word)]
        if len(scripts) > 1:
            found.append(
                f'The word "{word}" mixes letters of different alphabets '
                f"({' and '.join(scripts)}), so it only looks like an English word: type it "
                "again in ordinary letters"
            )
        elif scripts and scripts[0] != "Latin" and word.translate(_LOOKALIKE).isascii():
            found.append(
                f'The word "{word}" is written in {scripts[0]} letters that look like English '
                "ones: type it again in ordinary letters"
            )
    return found


# --- Reading the words as they are meant -------------------------------------------------------

_TEXTSPEAK = {
    "u": "you",
    "ya": "you",
    "ur": "your",
    "yr": "your",
    "r": "are",
    "wont": "won't",
    "dont": "don't",
    "cant": "can't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "mustnt": "mustn't",
    "shouldnt": "shouldn't",
    "wouldnt": "wouldn't",
    "couldnt": "couldn't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "aint": "ain't",
    "youll": "you'll",
    "theyll": "they'll",
    "youre": "you're",
    "theyre": "they're",
    "noone": "no one",
    "no-one": "no one",
    "nobody's": "nobody is",
    "gotta": "got to",
    "gonna": "going to",
    "hafta": "have to",
}
_LEET = str.maketrans("013457@$", "oieastas")
_SPACED = regex.compile(r"(?<![\p{L}\p{N}])(?:\p{L}[ .\-_*·•/]){2,}\p{L}(?![\p{L}\p{N}])")
_JOINED = regex.compile(r"[\p{L}\p{N}@$]+(?:(?:[\-.·•_/']|[*#]+)[\p{L}\p{N}@$]+)*")
# "Say no = court", "miss it -> police": an arrow is "then".
_ARROW = regex.compile(r"\s*(?:->|=>|→|⇒|=|>)\s*")
# "YouMUSTcome": words run together, told apart by their capitals.
_CAMEL = regex.compile(r"(?<=\p{Ll})(?=\p{Lu}\p{Ll}{2,})|(?<=\p{Lu}{2})(?=\p{Ll}{2,})")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u02bc": "'", "`": "'", "\u00b4": "'"})


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.cache
def _vocabulary() -> frozenset[str]:
    """Every word the patterns below look for (lower case), and its usual inflections."""
    words: set[str] = set()
    for _, specs in _FAMILIES:
        for spec in specs:
            for item in spec.split():
                item = item.rstrip("?*+").lstrip("~@")
                if item and item != "_" and item not in _SETS:
                    words.update(item.split("|"))
    for values in _SETS.values():
        words.update(values)
    words.update(n for d in disposals.CATALOGUE for n in _names(d) for n in n.split())
    inflected = {w + end for w in words for end in ("s", "ed", "d", "ing", "es")}
    return frozenset(w for w in words | inflected if w.isalpha() and len(w) > 1)


def _mend(word: str) -> str:
    """One word as it was meant: c0urt, m.u.s.t, co-urt, pr*secuted."""
    vocabulary = _vocabulary()
    plain = word.lower()
    if plain in vocabulary:
        return word
    if plain.isalpha():
        squeezed = regex.sub(r"(\p{L})\1{2,}", r"\1", plain)
        if squeezed != plain and squeezed in vocabulary:
            return squeezed  # "mussst", "cooourt"
        return word
    squashed = regex.sub(r"[\-.·•*_/]", "", plain)
    if squashed in vocabulary:
        return squashed
    if regex.search(r"\p{L}", plain):
        leet = plain.translate(_LEET)
        squashed_leet = regex.sub(r"[\-.·•_/]", "", leet)
        if squashed_leet in vocabulary:
            return squashed_leet
        hidden = regex.sub(r"[\-.·•_/]", "", plain)
        if 1 <= hidden.count("*") + hidden.count("#") <= 2:
            for letter in "aeioustrnlc":
                guess = regex.sub(r"[*#]", letter, hidden)
                if guess in vocabulary:
                    return guess
    return word


def _unspace(match: regex.Match[str]) -> str:
    """ "c o u r t" is "court" (only for a word the patterns look for: "a b c" stays)."""
    joined = regex.sub(r"[ .\-_*·•/]", "", match.group())
    return joined if joined.lower() in _vocabulary() else match.group()


def _whole(text: str) -> str:
    """Text with any stray UTF-16 surrogate made a replacement character (a pair joined)."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


@functools.lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """The text as the claim patterns read it: NFKC, look-alike letters made Latin, marks and
    invisible characters dropped, spelling tricks undone, lower case, single spaces."""
    if not text.isascii():
        text = _whole(text)
        text = _HIDDEN.sub("", unicodedata.normalize("NFKC", text).translate(_QUOTES))
        text = _strip_marks(text.translate(_LOOKALIKE))
    text = text.replace(" - ", " \u2014 ")
    text = _CAMEL.sub(" ", text)
    text = _ARROW.sub(", then ", text)
    text = _SPACED.sub(_unspace, text)
    text = _JOINED.sub(lambda m: _mend(m.group()), text)
    words = _rejoin([_TEXTSPEAK.get(w, w) for w in text.lower().split()])
    return " ".join(words)


# Words too common to be half of a word split in two ("com pulsory").
_WHOLE = frozenset(
    _words("""
        you the a an to of in on at it is be no not go do up out so as or and will can may for
        with your their our my me we us he she his her they them this that was are has had have
        all any one get some every no
        """)
)


def _rejoin(words: list[str]) -> list[str]:
    """ "com pulsory", "pro secuted": two pieces that only make sense as one word we look for."""
    vocabulary = _vocabulary()
    found: list[str] = []
    i = 0
    while i < len(words):
        if i + 1 < len(words):
            a, b = words[i], words[i + 1]
            joined = a + b
            if (
                a.isalpha()
                and b.rstrip(".,!?;:").isalpha()
                and len(joined) >= 6
                and joined.rstrip(".,!?;:") in vocabulary
                and not (a in vocabulary and b.rstrip(".,!?;:") in vocabulary)
                and a not in _WHOLE
                and b.rstrip(".,!?;:") not in _WHOLE
            ):
                found.append(joined)
                i += 2
                continue
        found.append(words[i])
        i += 1
    return found


# --- The patterns ------------------------------------------------------------------------------
#
# A tiny notation for spaCy Matcher patterns: each item is one token. `a|b` is the token's lower
# case text, `~a|b` its lemma, `@NAME` a set below (`@~NAME` as lemmas), `_` any token; `?`, `*`
# or `+` after an item is its Matcher operator.

_SETS: dict[str, tuple[str, ...]] = {
    "NEG": _words("""
            not n't never no nobody nothing none neither nor without noone nowhere avoid avoids
            avoided avoiding instead
            """),
    "CHILD": _words("""
            you your yourself they them their he she him her his sam child son daughter person
            """),
    "BE": ("be", "is", "are", "am", "was", "were", "been", "being", "'s", "'re", "'m"),
    "WILL": ("will", "'ll", "shall", "wo", "would", "'d"),
    "MODAL": ("can", "ca", "may", "might", "could", "will", "'ll", "would", "shall", "wo"),
    "DET": ("the", "a", "an", "your", "their", "his", "her", "this", "that", "these", "those"),
    "ALL": ("all", "every", "each", "any"),
    "SESSION": _words("""
            session sessions meeting meetings appointment appointments group groups class classes
            programme program activity activities workshop workshops course it them one week
            centre office youth first next weekly
            """),
    "COURTWORD": ("court", "courts", "trial", "magistrate", "magistrates", "judge", "hearing"),
    "THIRD": _words("""
            police we worker workers team court lawyer solicitor panel officer officers i someone
            service staff judge magistrates school
            """),
}

# Verbs of taking part, and of not taking part.
_TAKE_PART = (
    "~come|attend|join|meet|complete|finish|participate|engage|arrive",
    "~go along? to? @DET? @ALL? _? @SESSION",
    "~be there|here",
    "~be on time",
    "~turn|show up",
    "~take part",
    "~see @DET? worker|workers|us|team",
    "~do them|it|this|these|that|all|every|each|so|what|any|anything|everything|some|the",
    "~keep to|going|coming|up|it|them|your|their|the|all|every|each",
    "~stick to|with",
    "~work with us|your|their|the",
    "~sign up? to|on",
)
_NOT_TAKE_PART = (
    "~say no",
    "~refuse|decline|miss|skip|stop|quit|withdraw|fail|ignore|bunk|dodge",
    "refusal|refusing",
    "~drop|pull|opt|walk|back out",
    "~walk away",
    "~give up",
    "~turn @DET? down",
    "~turn it|them|us|this|that down",
    "~change your|their|his|her|my mind",
    "~break @DET? agreement|agreements|conditions|condition|rules|promise|contract|them|it|deal",
    "~breach",
    "~be late",
    "~stay away",
    "failure|nonattendance|absence",
    "missed",
    "not|n't|never|no @~TAKE",
    "not|n't|never|no ~do @DET? thing|things",
    "not|n't|never ~bother",
)
_SOFTENER = (
    "if|when|whenever|unless @CHILD ~want|wish|like|choose|decide|prefer|feel",
    "if|when @CHILD 'd|would like",
    "if @CHILD @BE happy|ready|willing",
    "only if",
    "should @CHILD wish|want",
    "if it suits",
)

_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "OBLIGATION",
        (
            "must",
            "~have|has|had to",
            "~have got to",
            "got to",
            "~need to",
            "~need you to",
            "~require",
            "requirement|requirements",
            "compulsory|mandatory|obligatory|obliged|obligated|obligation|obligations|duty",
            "conditional|dependent|depends|depending on|upon",
            "~bind to",
            "~expect to|you|them",
            "expected",
            "~force",
            "forced",
            "~make you|them|sam|him|her @~TAKE",
            "~make @CHILD child? @~TAKE",
            "@BE to @~TAKE",
            "@BE made to @~TAKE",
            "~insist|demand|order|enforce",
            "ordered",
            "without fail|exception|excuse",
            "no excuses|exceptions",
            "essential|vital|crucial|necessary",
            "@BE in breach",
            "~breach @DET? conditions|agreement|rules|order",
            "@WILL ~have to",
            "ought to",
        ),
    ),
    (
        "OBLIGATION_SOFT",
        (
            "should @~TAKE",
            "~make sure|certain @CHILD? _? @~TAKE",
            "~be sure to @~TAKE",
            "~remember|try to @~TAKE",
            "forget to @~TAKE",
            "important|best that? @CHILD? _? to? @~TAKE",
            "@CHILD @WILL then|also|now|still? @~TAKE",
            "@CHILD @BE going to @~TAKE",
            "@CHILD @WILL be ~expect",
            "@WILL be expecting you|them|sam|your",
            "@WILL be waiting for? you|them|sam|your",
            "~make every|an effort to @~TAKE",
            "we|worker|they @WILL ~see|meet you|them|sam|him|her",
            "we @BE going to ~see|meet you|them|sam",
            "~look forward to ~see|meet you",
            "see you|them then|there|every|each|weekly|on",
        ),
    ),
    (
        "CHOICE",
        (
            "choice|choices",
            "~choose",
            "optional|voluntary",
            "up to you|them|your|sam|him|her",
            "~decide",
            "option",
            "~can|may|could|free|able|allow|right|entitled|welcome|fine|ok|okay|alright _? _? "
            "@~NOTTAKE",
            "@~NOTTAKE @BE not|n't? fine|ok|okay|alright|allowed|possible|acceptable",
            "~have no|a|any say",
            "possible|able|allowed|ok|okay|fine|alright|acceptable to @~NOTTAKE",
            "yes or no",
            "your|their|own|child 's? decision",
            "there @BE no|not|n't @~NOTTAKE",
            "there @BE no|not|n't way|option|chance|possibility of|to @~NOTTAKE",
            "~matter if|whether|when @CHILD @~NOTTAKE",
        ),
    ),
    (
        "COURT",
        (
            "court|courts|trial|magistrate|magistrates|judge|prosecution|prosecutor|cps",
            "crown prosecution",
            "a|the charge|charges",
            "~prosecute",
            "charged",
            "~charge you|them|him|her|sam|your",
            "~take @CHILD to @COURTWORD",
        ),
    ),
    (
        "PUNISHMENT",
        (
            "~punish",
            "punishment|punishments|prison|jail|gaol|custody|detention|penalty|penalties",
            "young|youth offender|offenders institution|institutions",
            "secure centre|unit|home",
            "referral|rehabilitation|community|detention|supervision order",
            "~tag|curfew",
            "~lock @CHILD? up",
            "locked up",
            "fined",
            "a|pay fine",
            "~sentence",
            "~penalise|penalize|sanction",
        ),
    ),
    ("ARREST", ("~arrest", "~come for @CHILD", "~pick @CHILD up")),
    (
        "POLICE",
        (
            "police will|'ll|may|might|could|can|would? be|get "
            "~tell|inform|notify|call|contact|involve",
            "~tell|inform|notify|call|contact|report|hand|pass|send|refer|return @CHILD? @DET? "
            "case? back? to? the police",
            "back to the police",
            "to the police again",
            "police will|'ll|may|might|could|can|would? ~decide|look|think again",
            "police will|'ll|may|might|could|can|would? ~deal with",
            "police will|'ll|may|might|could|can|would|do|does|wo|ca? not|n't? ~take|have "
            "any|some? more|further|other action|actions|steps",
            "police will|'ll|may|might|could|can|would? ~come|visit",
            "police will|'ll|may|might|could|can|would? ~take it|this|that|things|matters further",
            "back at|to|in? the? police station",
            "police will|'ll|may|might|could|can|would? ~know|hear|learn|find",
            "visit|call|knock|letter from the police",
            "officer|officers will|'ll|may|might|could|can|would? ~come|visit|call|arrest|knock",
            "~reopen",
            "reopened",
        ),
    ),
    (
        "TROUBLE",
        (
            "in|into big|serious|real|deep|more|a? lot? of? trouble",
            "consequence|consequences",
            "something bad|worse",
            "bad|serious things",
        ),
    ),
    (
        "NOTHING",
        (
            "nothing bad|more|else|further|worse|at? all? will|'ll|would|is|'s? going? to? ~happen",
            "nothing @WILL? ~happen",
            "nothing further|more|else",
            "no more|further|other action|actions",
            "no consequences|consequence|trouble|punishment",
            "not|n't @BE|get? in|into big|any|serious? trouble",
            "~take no action",
            "~do nothing more|further|else|at? all?",
            "end of it|the matter",
            "case|matter @BE closed|over|finished|dropped|done",
            "that|it|this @BE fine|ok|okay|alright|allowed",
            "that|it|this @BE no problem",
        ),
    ),
    (
        "CRIMINAL_RECORD",
        (
            "criminal record|records|history",
            "police record",
            "a criminal|offender",
            "~record of offending",
            "clean record",
            "record|records @BE still|now|completely? clean|spotless",
        ),
    ),
    (
        "ON_RECORD",
        (
            "on|in @DET? record|records|file",
            "on|in @DET child|sam 's record|records|file",
            "~have|get a record",
            "~give @CHILD a record",
            "~record against @CHILD",
        ),
    ),
    (
        "CONVICTION",
        ("~convict", "conviction|convictions", "~find guilty", "guilty verdict", "convicted"),
    ),
    (
        "CAUTION",
        ("caution|cautions|cautioned", "~caution", "formal|official|final warning|warnings"),
    ),
    (
        "FOREVER",
        (
            "forever",
            "for ever|life|good",
            "permanent|permanently|lifelong",
            "rest of @CHILD life",
            "never ~go away",
            "never @BE? ~remove|delete|wipe|spend|clear|forget|disappear|go",
            "~follow @CHILD around? for? ever|life|always|everywhere?",
            "always @BE? there|on",
        ),
    ),
    (
        "ERASED",
        (
            "~wipe|delete|erase|expunge|destroy|shred",
            "~wipe|clear it|this|that|the|your|their clean|off|away",
            "~remove|clear from @DET? record|records|computer|file",
            "be|is|are|was|been|get|gets|got removed|cleared|forgotten|gone|deleted|wiped|erased",
            "no one will|'ll|can|could|would? ever? ~see|know|find|check|hear|look",
            "nobody will|'ll|can|could|would? ever? ~see|know|find|check|hear|look",
            "never @BE? seen|known|found|shown|shared|told|revealed|recorded|kept",
            "never ~show|appear|come|surface",
            "not|n't|never ~show|appear|come up? anywhere",
            "secret",
            "no record|records|trace|note",
            "not|n't ~keep|record|hold|store",
            "not|n't @BE? kept|recorded|held|stored|written",
            "~disappear|vanish",
        ),
    ),
    (
        "CHECK",
        (
            "check|checks|employer|employers|dbs|background|job|jobs|college|university",
            "everyone|anyone|everybody|anybody|people ~will|can|could|would? ~see|know|find|hear",
        ),
    ),
    (
        "ADMISSION",
        (
            "~admit",
            "admission|admissions|confession",
            "~confess",
            "~own up",
            "~plead guilty",
            "pleaded|pled guilty",
            "~say|tell|agree|accept|confirm|explain|show to? the? police|us|them|officer? that? "
            "@CHILD ~do|commit it|this|that|the|a|an",
            "~accept|admit @DET? responsibility|blame|guilt|fault",
            "took|taken responsibility|blame",
            "~accept|admit the|your|their offence|crime|charge",
            "~accept what @CHILD did",
            "~accept that? @CHILD @BE? guilty|responsible|wrong",
        ),
    ),
    (
        "GUILT",
        (
            "@CHILD @BE guilty",
            "@CHILD ~commit|do the|a|an|this|that offence|crime",
            "@CHILD ~commit it",
            "@CHILD did it|this",
            "@CHILD ~break the law",
            "your|their crime|offence|offending",
            "the crime @CHILD committed|did",
        ),
    ),
    ("TAKE", _TAKE_PART),
    ("NOTTAKE", _NOT_TAKE_PART),
    ("SOFT", _SOFTENER),
)

_CONDITION_STARTS = frozenset({"if", "unless", "when", "whenever", "whether", "once", "provided"})
_CLAUSE_STARTS = frozenset(
    {"but", "however", "although", "though", "whereas", "because", "otherwise", "then", "so"}
)
_SUBJECTS = frozenset(
    _words("""
        you they we he she it this that your their sam nothing nobody there then else i everyone
        anyone
        """)
)
_POSSIBLE = frozenset(
    _words("""
        may might could can ca possibly perhaps maybe chance risk sometimes would 'd likely
        possible
        """)
)
_QUESTION_STARTS = frozenset(
    _words("""
        is are do does did can could will would should what who why how when where which whether
        have has may shall was were
        """)
)
_QUALIFIERS = frozenset(
    {"most", "many", "some", "basic", "standard", "usually", "normally", "often", "few", "not all"}
)
_UNIVERSAL = frozenset(
    {"every", "all", "any", "always", "everyone", "anyone", "everybody", "anybody", "each"}
)
_JOB_HARM = frozenset({"stop", "stops", "prevent", "prevents", "ruin", "ruins", "harm", "block"})
_CLAIM_VERBS = frozenset(
    _words("""
        be have get give go mean count leave end show put add appear stay remain keep receive
        carry become land follow make treat record start will 's 're
        """)
)
_ADVICE = frozenset({"lawyer", "solicitor", "advice", "adviser", "advisor", "legal"})
# Verbs an obligation can have that are not the work: getting in touch, knowing, reading.
_NOT_WORK = frozenset(
    _words("""
        call phone ring email contact tell let ask complain text know understand read bring
        remember explain
        """)
)


def _names(disposal: Disposal) -> list[str]:
    if disposal.goes_to_court:
        return []  # "charge" is also a verb, and "going to court" a claim of its own
    names = [disposal.short_name, disposal.plain_name, *disposal.also_called]
    return [n.lower() for n in names]


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
        token = {key: {"IN": [*_SETS[name], *more]}}
    elif item.startswith("~"):
        token = {"LEMMA": {"IN": item[1:].split("|")}}
    else:
        token = {"LOWER": {"IN": item.split("|")}}
    if op:
        token["OP"] = op
    return token


# Families a pattern can use as one of its items: "@~TAKE" is any verb of taking part. They are
# matched first, and their tokens marked (NORM "<take>", then "<take+>") for the other patterns.
_INLINE = {"@~TAKE": "TAKE", "@~NOTTAKE": "NOTTAKE"}
_FIRST_PASS = frozenset({"TAKE", "NOTTAKE"})


def _expand(spec: str, *, inline: bool = False) -> list[list[dict[str, Any]]]:
    """A spec as Matcher patterns. A family item is spelled out as every pattern it has
    (`inline`, for the first pass), or else is the mark the first pass leaves on its tokens."""
    families = dict(_FAMILIES)
    found: list[list[dict[str, Any]]] = [[]]
    for item in spec.split():
        if item in _INLINE and inline:
            options = [p for inner in families[_INLINE[item]] for p in _expand(inner, inline=True)]
            found = [head + option for head in found for option in options]
        elif item in _INLINE:
            mark = _INLINE[item].lower()
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
class _Reader:
    nlp: Language
    verbs: Matcher  # the first pass: verbs of taking part, and of not taking part
    matcher: Matcher
    names: PhraseMatcher
    name_of: dict[str, Disposal] = field(default_factory=dict)


@functools.cache
def _reader() -> _Reader:
    """The spaCy pipeline and the patterns, built once (about a second), on first use."""
    import spacy
    from spacy.matcher import Matcher, PhraseMatcher

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    verbs = Matcher(nlp.vocab)
    matcher = Matcher(nlp.vocab)
    for label, specs in _FAMILIES:
        if label in _FIRST_PASS:
            verbs.add(label, [p for spec in specs for p in _expand(spec, inline=True)])
        else:
            matcher.add(label, _merged([p for spec in specs for p in _expand(spec)]))
    names = PhraseMatcher(nlp.vocab, attr="LOWER")
    name_of: dict[str, Disposal] = {}
    for disposal in disposals.CATALOGUE:
        for name in _names(disposal):
            name_of.setdefault(name, disposal)
    for name in sorted(name_of, key=len, reverse=True):
        names.add(name, [nlp.make_doc(name)])
    return _Reader(nlp, verbs, matcher, names, name_of)


@dataclass
class _Span:
    label: str
    start: int
    end: int


@dataclass
class _Clause:
    start: int
    end: int
    condition: bool = False  # an if/unless/when clause: read for its condition, not its claims
    joiner: str = ""  # the word that began it (and, or, but, then, ...)


@dataclass
class _Sentence:
    words: list[str]
    lemmas: list[str]
    spans: list[_Span]
    clauses: list[_Clause]
    named: list[tuple[int, Disposal]]


# Where the lookup tables' lemma is wrong for a letter ("does" is not a deer).
_LEMMA_FIX = {
    "does": "do",
    "more": "more",
    "'s": "'s",
    "'d": "would",
    "less": "less",
    "ca": "can",
    "wo": "will",
    "sha": "shall",
    "'ll": "will",
    "n't": "not",
    "allowed": "allow",
}


def _read_tokens(text: str) -> _Sentence:
    reader = _reader()
    doc: Doc = reader.nlp(text)
    for token in doc:
        if token.lower_ in _LEMMA_FIX:
            token.lemma_ = _LEMMA_FIX[token.lower_]
    words = [t.lower_ for t in doc]
    lemmas = [t.lemma_.lower() for t in doc]
    strings = reader.nlp.vocab.strings
    verbs = _longest([_Span(strings[m], s, e) for m, s, e in reader.verbs(doc)])
    for label in ("TAKE", "NOTTAKE"):  # "not come" is not taking part: NOTTAKE marks last
        for span in verbs:
            if span.label == label:
                mark = label.lower()
                doc[span.start].norm_ = f"<{mark}>"
                for i in range(span.start + 1, span.end):
                    doc[i].norm_ = f"<{mark}+>"
    found = [_Span(strings[m], s, e) for m, s, e in reader.matcher(doc)]
    spans = _longest(verbs + found)
    named = [
        (s, reader.name_of[doc[s:e].text.lower()])
        for _, s, e in reader.names(doc)
        if doc[s:e].text.lower() in reader.name_of
    ]
    return _Sentence(words, lemmas, spans, _clauses(words), named)


def _longest(spans: list[_Span]) -> list[_Span]:
    """Per family, the longest matches that do not overlap."""
    kept: list[_Span] = []
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


def _clauses(words: list[str]) -> list[_Clause]:
    clauses: list[_Clause] = []
    start = 0
    joiner = ""
    condition = False

    def close(end: int) -> None:
        if end > start:
            clauses.append(_Clause(start, end, condition, joiner))

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
        starts_condition = word in _CONDITION_STARTS and not (
            (word == "once" and nxt in {"a", "every", "each", "more", "again"})
            # "You can choose whether to go": the choice's object, not a condition.
            or (word == "whether" and i and words[i - 1] in _CHOOSING)
        )
        if word == "should" and nxt in {"you", "they", "sam"} and i == start:
            starts_condition = True
        if word in {"without"} and i == start:
            starts_condition = True
        if condition and joiner == "whether" and word in _SETS["BE"] and i > start + 2:
            # "Whether you come is up to you": the main clause begins at "is".
            clauses.append(_Clause(start, i, True, joiner))
            start, joiner, condition = i, "", False
        if condition and word in _SPLIT_MODALS and i - 1 > start + 1:
            # "If you miss it you will go to court": the main clause begins without a comma.
            back = i - 1
            if words[back] in _MAIN_SUBJECTS:
                if back - 1 > start and words[back - 1] in {"the", "your", "their"}:
                    back -= 1
                if back > start + 1:
                    clauses.append(_Clause(start, back, True, joiner))
                    start, joiner, condition = back, "", False
        if starts_condition and (i > start or not condition):
            close(i)
            start, joiner, condition = i, word, True
        elif word in _CLAUSE_STARTS and i > start and not (word == "so" and nxt == "that"):
            close(i)
            start, joiner, condition = i, word, False
        elif (
            word in {"and", "or"}
            and i > start
            and (nxt in _SUBJECTS or nxt == "else" or (nxt in _VERB_AFTER_AND and not condition))
        ):
            close(i)
            start, joiner = i, word
            if not condition or nxt in _SUBJECTS:
                condition = False
        i += 1
    close(len(words))
    return clauses


_CHOOSING = frozenset(_words("choose chooses decide decides you them child sam matter up"))
# "and will never be seen": a clause of its own (its subject is the one before).
_VERB_AFTER_AND = frozenset(
    _words("will 'll can could may might must would should shall is are was were does do did")
)
_SPLIT_MODALS = frozenset(_words("will 'll may might could can ca would must shall wo"))
_MAIN_SUBJECTS = frozenset(
    _words("you they we it nothing police he she sam this that there i child case nobody people")
)


def _next_is_verb(words: list[str], i: int) -> bool:
    return i < len(words) and words[i] not in _SUBJECTS


# --- Reading a sentence -----------------------------------------------------------------------


def _in(span: _Span, clause: _Clause) -> bool:
    return clause.start <= span.start < clause.end


def _negations(sentence: _Sentence, clause: _Clause, upto: int, own: _Span) -> int:
    """Negating words in the clause before `upto`, leaving out those another match is made of
    ("say no", "nothing will happen", "not come")."""
    used = {
        i
        for span in sentence.spans
        if span is not own and span.label in _OWN_NEGATION
        for i in range(span.start, span.end)
    }
    negators = _SETS["NEG"]
    count = 0
    i = clause.start
    while i < upto:
        word = sentence.words[i]
        said_no = word == "no" and i and sentence.words[i - 1] in {"say", "says", "or", "saying"}
        if i not in used and not said_no and (word in negators or sentence.lemmas[i] in _AVOID):
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


_AFTER_CRIMINAL = frozenset({"now", "again", "for", "record", "records", "history"})
_AVOID = frozenset({"avoid", "prevent"})
_FINE = frozenset({"fine", "ok", "okay", "alright", "allowed", "problem"})
_PAST_TELLING = frozenset(
    {"told", "informed", "reported", "called", "contacted", "sent", "passed", "handed", "referred"}
)

# Families whose own words include a negation that gives their meaning.
_OWN_NEGATION = frozenset({"NOTTAKE", "NOTHING", "ERASED", "FOREVER", "NO_CHECK"})


def _possible(sentence: _Sentence, clause: _Clause) -> bool:
    """ "could", "may", "a chance" (but "no chance" is a certainty)."""
    words = sentence.words
    return any(
        words[i] in _POSSIBLE
        and not (words[i] in {"chance", "risk"} and i and words[i - 1] in {"no", "not", "zero"})
        for i in range(clause.start, clause.end)
    )


def _action(sentence: _Sentence, clause: _Clause) -> Condition | None:
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


def _soft(sentence: _Sentence) -> bool:
    return any(span.label == "SOFT" for span in sentence.spans)


def _condition_of(
    sentence: _Sentence, clause: _Clause, index: int, inherited: Condition
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


def _target(sentence: _Sentence, clause: _Clause, span: _Span) -> Target:
    """What the obligation or choice is about: the first telling word after it (or else
    before it: "Legal advice is essential")."""
    after = range(span.start, clause.end)
    before = range(span.start - 1, clause.start - 1, -1)
    for positions in (after, before):
        for i in positions:
            word, lemma = sentence.words[i], sentence.lemmas[i]
            if i >= span.end and any(s.start == i and s.label == "TAKE" for s in sentence.spans):
                return Target.WORK
            if word in _SETS["COURTWORD"] or lemma == "prosecute":
                return Target.COURT
            if word in _ADVICE or (i != span.start and lemma in _NOT_WORK):
                return Target.OTHER
            if lemma in {"admit", "confess"} or word in {"admission", "guilty"}:
                return Target.OTHER
    return Target.WORK


def _on_the_child(sentence: _Sentence, clause: _Clause, span: _Span) -> bool:
    """Whether an obligation or choice binds the child (not the police, the worker, us)."""
    for i in range(span.start - 1, clause.start - 1, -1):
        word = sentence.words[i]
        if word in _SETS["CHILD"] or word in {"it", "this", "that", "these", "attendance"}:
            return True
        if word in _SETS["COURTWORD"]:
            return True  # "Court is optional": about the child going to court
        if word in _SETS["THIRD"]:
            later = sentence.words[span.start : clause.end]
            lemmas = sentence.lemmas[span.start : clause.end]
            return bool({"you", "them"} & set(later)) and any(
                lemma in lemmas for lemma in ("see", "meet", "come", "attend", "expect", "wait")
            )
    return True


def _about(sentence: _Sentence, clause: _Clause, span: _Span) -> Disposal | None:
    """A disposal the clause names before the claim ("A youth caution is a conviction")."""
    verb = next(
        (
            i
            for i in range(clause.start, clause.end)
            if sentence.lemmas[i] in _CLAIM_VERBS or sentence.words[i] in _SETS["BE"]
        ),
        clause.end,
    )
    found = None
    for start, disposal in sentence.named:
        if clause.start <= start < verb and start <= span.start:
            found = disposal
    return found


def _has_claim_verb(sentence: _Sentence, clause: _Clause) -> bool:
    return any(
        sentence.lemmas[i] in _CLAIM_VERBS or sentence.words[i] in _CLAIM_VERBS
        for i in range(clause.start, clause.end)
    )


def _is_question(words: list[str]) -> bool:
    if not words or words[-1] != "?":
        return False
    if any(w in {"know", "remember", "realise", "realize", "aware", "understand"} for w in words):
        return False
    return words[0] in _QUESTION_STARTS


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
    sentence = _read_tokens(plain)
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
        before = _read_tokens(previous)
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
        claims += _imperative(sentence, clause, soft)
    return claims


def _imperative(sentence: _Sentence, clause: _Clause, soft: bool) -> list[Claim]:
    """ "Come to every session", "Be there", "Do not miss a session": orders to the child."""
    i = clause.start
    words = sentence.words
    while i < clause.end and words[i] in set(
        _words("""please just always so now then and also simply but still or""")
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
    sentence: _Sentence, clause: _Clause, span: _Span, condition: Condition, soft: bool
) -> list[Claim]:
    label = span.label
    words = sentence.words
    said = " ".join(words[span.start : span.end])
    upto = span.start if label in _OWN_NEGATION else span.end
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
            and words[span.start] in _PAST_TELLING
            and (
                span.start == 0 or words[span.start - 1] not in {*_SETS["BE"], "get", "got", "gets"}
            )
        ):
            return []  # "You told the police you did it": what happened
        if (
            label == "NOTHING"
            and _FINE & set(words[span.start : span.end])
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
        if words[span.start] == "a" and after.isalpha() and after not in _AFTER_CRIMINAL:
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
            _words("""
                record records caution conviction it this that note file check checks employer
                employers anyone police outcome history nobody one anybody people
                """)
        )
        if not context & set(words[clause.start : clause.end]) or negated:
            return []
        if any(w in _QUALIFIERS for w in words[clause.start : clause.end]):
            return []
        return [Claim(Kind.ERASED, True, said)]
    if label == "CHECK":
        return _check_claim(sentence, clause, span, said)
    if label in {"ADMISSION", "GUILT"}:
        kind = Kind.ADMISSION if label == "ADMISSION" else Kind.GUILT
        return [Claim(kind, not negated, said, condition=condition)]
    return []


def _admission_target(sentence: _Sentence, clause: _Clause, span: _Span) -> bool:
    return any(
        sentence.lemmas[i] in {"admit", "confess"} or sentence.words[i] in {"admission", "guilty"}
        for i in range(span.start, clause.end)
    )


def _not_a_court(words: list[str], span: _Span) -> bool:
    """ "free of charge", "in charge", a tennis court."""
    before = words[span.start - 1] if span.start else ""
    word = words[span.start]
    if word.startswith("charge") and before in {"of", "in", "no", "extra"}:
        return True
    return word in {"court", "courts"} and before in set(
        _words("""tennis basketball netball football squash food royal""")
    )


def _past(words: list[str], clause: _Clause, span: _Span) -> bool:
    """ "You were arrested": what happened, not a consequence."""
    before = words[clause.start : span.start]
    return any(w in {"was", "were", "got", "had", "did"} for w in before) and not any(
        w in {"will", "'ll", "may", "might", "could", "if"} for w in before
    )


def _wh_subject(words: list[str], clause: _Clause, span: _Span) -> bool:
    """ "The court will decide what goes on your record": the record is not described."""
    return any(w in {"what", "whether", "which", "how"} for w in words[clause.start : span.start])


def _check_claim(sentence: _Sentence, clause: _Clause, span: _Span, said: str) -> list[Claim]:
    """What a check for a job (or an employer, or anyone) will show."""
    words = sentence.words[clause.start : clause.end]
    lemmas = sentence.lemmas[clause.start : clause.end]
    verbs = {"show", "see", "know", "find", "appear", "come", "reveal", "tell", "pick", "flag"}
    if any(w in _QUALIFIERS for w in words) or "like" in words:
        return []
    if "if" in words or "whether" in words:
        return []
    jobs = any(w in {"job", "jobs", "work", "career"} for w in words)
    never = any(w in {"not", "n't", "never", "no", "nobody", "none"} for w in words)
    if jobs and (
        any(w in _JOB_HARM for w in words)
        or (never and any(lemma in {"get", "find", "have"} for lemma in lemmas))
    ):
        return [Claim(Kind.EVERY_CHECK, True, said)]  # "You will never get a job"
    if not any(lemma in verbs for lemma in lemmas):
        return []
    if never:
        return [Claim(Kind.NO_CHECK, True, said)]
    if _possible(sentence, clause):
        return []
    if any(w in _UNIVERSAL for w in words) or any(
        w in {"employer", "employers", "everyone", "people", "anyone"} for w in words
    ):
        return [Claim(Kind.EVERY_CHECK, True, said)]
    return [Claim(Kind.EVERY_CHECK, True, said)] if "will" in words else []


# --- Holding claims against the catalogue ------------------------------------------------------


def falsehood(claim: Claim, disposal: Disposal) -> str | None:
    """Why the claim is false of the disposal, in plain words (None: it is true, or the catalogue
    has nothing against it)."""
    about = claim.about or disposal
    called = disposal.called
    kind = claim.kind
    if kind is Kind.OBLIGATION:
        if claim.target is Target.COURT:
            return None  # going to court: its own claim (court) says whether it is true
        if claim.target is Target.OTHER or disposal.work is Work.CONDITIONAL:
            return None
        if disposal.goes_to_court:
            return (
                "This says the child must take part in something, but after a charge the only "
                "thing they must do is go to court: any help from the team is their choice"
            )
        if disposal.work is Work.NONE:
            return (
                f"This says the child must do something, but after {called} there is nothing "
                "they have to do"
            )
        return (
            f"This says taking part is required, but the support offered with {called} is the "
            "child's choice"
        )
    if kind is Kind.CHOICE:
        if claim.target is Target.COURT and disposal.goes_to_court:
            return "This says going to court is a choice, but after a charge the child must go"
        if claim.target is Target.WORK and disposal.work is Work.CONDITIONAL:
            return (
                f"This says the child can choose not to do them, but the things agreed for "
                f"{called} are conditions: if they are not done the child could be taken to "
                "court (say so in the same sentence or the next)"
            )
        return None
    if kind in CONSEQUENCES:
        return _consequence(claim, disposal)
    if kind in RECORDS:
        return _record(claim, about, disposal)
    if kind is Kind.FOREVER:
        return (
            f"This says it stays on the record forever, but the catalogue says: {disposal.record}"
        )
    if kind is Kind.ERASED:
        return (
            f"This promises that nobody will see it or that it is wiped, but the police keep a "
            f"record of {called}. The catalogue says: {disposal.record}"
        )
    if kind is Kind.EVERY_CHECK:
        return (
            "This says every check for a job (or every employer) will see it, but most checks "
            f"for jobs will not. The catalogue says: {disposal.record}"
        )
    if kind is Kind.NO_CHECK and disposal.may_show_on_a_check is not False:
        return (
            "This promises no check for a job will ever show it, but for some jobs the police "
            f"can choose to share it. The catalogue says: {disposal.record}"
        )
    if kind is Kind.ADMISSION:
        if claim.positive and disposal.admission_needed is not True:
            needs = (
                "needs no admission"
                if disposal.admission_needed is False
                else ("does not depend on an admission")
            )
            return f"This says the child admitted it, but {called} {needs}"
        if not claim.positive and disposal.admission_needed:
            return (
                f"This says the child did not (or need not) admit it, but {called} is given only "
                "when the child admits it"
            )
        return None
    if kind is Kind.GUILT and claim.positive and disposal.admission_needed is not True:
        return (
            f"This says the child did it, but {called} needs no admission and no court has "
            "found them guilty"
        )
    return None


def _consequence(claim: Claim, disposal: Disposal) -> str | None:
    called = disposal.called
    kind, positive, condition = claim.kind, claim.positive, claim.condition
    if_not = disposal.if_not_taking_part
    later = disposal.court_if_not_done
    court = disposal.goes_to_court
    if kind is Kind.NOTHING:
        if court:
            return "This says nothing more will happen, but after a charge the case goes to court"
        if later and condition is not Condition.DOING:
            return (
                f"This says nothing will happen, but with {called}, if the things agreed are not "
                f"done: {if_not}"
            )
        return None
    threat = {
        Kind.COURT: "court",
        Kind.PUNISHMENT: "punishment",
        Kind.ARREST: "arrest",
        Kind.POLICE: "the police",
        Kind.TROUBLE: "trouble",
    }[kind]
    if not positive:
        if kind is not Kind.COURT:
            return None
        if court:
            return "This says the child will not go to court, but after a charge they must go"
        if later and condition is Condition.NOT_DOING:
            return f"This says not doing them has no court consequence, but with {called}: {if_not}"
        if later and condition is Condition.NONE and not claim.possible:
            return (
                f"This says the child will not go to court, but with {called} they could be taken "
                "to court if the things agreed are not done"
            )
        return None
    # A bad thing is said to happen.
    if court:
        if kind is Kind.PUNISHMENT and not claim.possible:
            return "This says what the punishment will be, but only the youth court decides that"
        return None
    if condition is Condition.NOT_DOING:
        if later:
            if kind in {Kind.COURT, Kind.PUNISHMENT, Kind.ARREST} and not claim.possible:
                return (
                    f"This says it will happen for certain, but with {called} the police may (not "
                    f"must) act if the things agreed are not done: {if_not}"
                )
            return None
        if kind in {Kind.POLICE, Kind.TROUBLE} or disposal.work is not Work.NONE:
            return (
                f"This threatens {threat} if the child says no or stops, but for {called} the "
                f"catalogue says: {if_not}"
            )
        return f"This threatens {threat}, but after {called}: {if_not}"
    if condition is Condition.DOING:
        if kind in {Kind.POLICE, Kind.TROUBLE} and not later:
            return None
        return (
            f"This says {threat} follows even if the child does what was asked, but for {called} "
            "it does not"
        )
    # Said outright.
    if kind in {Kind.POLICE, Kind.TROUBLE}:
        if claim.words.startswith("police") and "action" in claim.words and not later:
            return f"This says the police will take more action, but after {called} they will not"
        return None
    if later:
        if claim.possible:
            return None
        return (
            f"This says {threat} will happen, but with {called} it could happen only if the things "
            "agreed are not done"
        )
    if kind is Kind.COURT:
        return f"This says the child will or could go to court, but {called} does not go to court"
    return f"This says {threat} will or could follow, but nothing in {called} leads to it"


def _record(claim: Claim, about: Disposal, disposal: Disposal) -> str | None:
    """Criminal record, conviction, caution: against the facts of the disposal spoken of."""
    fact = {
        Kind.CRIMINAL_RECORD: about.criminal_record,
        Kind.CONVICTION: about.conviction,
        Kind.CAUTION: about.caution,
    }[claim.kind]
    noun = {
        Kind.CRIMINAL_RECORD: "a criminal record",
        Kind.CONVICTION: "a conviction",
        Kind.CAUTION: "a caution",
    }[claim.kind]
    called = about.called
    if (
        about is disposal
        and claim.condition is Condition.NOT_DOING
        and disposal.court_if_not_done
        and claim.possible
        and claim.positive
    ):
        return None  # "If you do not do them you could end up with a conviction": if prosecuted
    if fact is None:
        if claim.possible:
            return None
        return f"This says whether it is {noun}, but after a charge only the youth court decides"
    says = f"The catalogue says: {about.record}"
    if claim.positive and not fact:
        return f"This says it is {noun}, but {called} is not {noun}. {says}"
    if not claim.positive and fact:
        return f"This says it is not {noun}, but {called} is. {says}"
    return None


# --- Letters and texts -------------------------------------------------------------------------


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
    _read.cache_clear()
    normalise.cache_clear()


def warm_up() -> None:
    """Load the pipeline now (a second), not on the first letter."""
    _reader()
