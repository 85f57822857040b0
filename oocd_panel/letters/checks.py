"""Checks every letter passes before it can be issued. Each problem names the sentence at fault.

- readability: Flesch-Kincaid grade at most 4 for the child and Easy Read (6 for adults); in Easy
  Read no sentence over 15 words;
- honesty: every sentence's claims (obligation, choice, consequence, record, admission) are true
  of the disposal (letters/claims.py), and no word hides its letters (mixed alphabets, invisible
  characters); a voluntary disposal's letter says taking part is a choice and uses none of the
  service's words that make work sound compulsory; a conditional one says the child could be
  taken to court if the conditions are not done; what goes on the record is the catalogue's
  text, word for word;
- completeness: every section there and not empty, an address, a way to get in touch, the
  interventions a disposal needs, and no jargon left unexplained.

A letter in another language (Welsh, Polish) cannot be read with an English formula, so it is held
to measures that hold in any language (`translation_problems`): sentences of at most 20 words (15
in Easy Read), one idea per sentence (at most one clause joiner: the language's words for "and",
"or", "but", "if", "because", "that", "which"...), no placeholder left unfilled, every section
there, and the record the catalogue's own translation, word for word. What it claims (honesty) is
checked on the English letter of the same wording, which every translated letter is made beside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from oocd_panel.catalogue import disposals
from oocd_panel.letters import claims, languages, readability
from oocd_panel.letters.compose import SECTIONS, Letter
from oocd_panel.letters.wording import Wording

EASY_READ_MAX_WORDS = 15
# A letter in another language: no sentence longer than this (Easy Read: EASY_READ_MAX_WORDS).
TRANSLATED_MAX_WORDS = 20
# One idea per sentence: at most this many words that join one clause to another.
MAX_JOINERS = 1
# Those words, per language. Welsh "a" (and) and "achos" (because) are left out: "a" is also the
# relative particle and "with", "achos" also "a case", so counting them would count the wrong
# thing; "ac" (and, before a vowel) and "oherwydd" (because) count.
JOINERS: dict[str, frozenset[str]] = {
    "cy": frozenset({"ac", "ond", "neu", "oherwydd", "felly", "pan", "tra", "os", "oni", "er"}),
    "pl": frozenset(
        {
            "i",
            "oraz",
            "a",
            "ale",
            "lecz",
            "lub",
            "albo",
            "ani",
            "bo",
            "ponieważ",
            "gdyż",
            "więc",
            "że",
            "żeby",
            "aby",
            "gdy",
            "kiedy",
            "jeśli",
            "jeżeli",
            "gdyby",
            "chociaż",
            "choć",
            "który",
            "która",
            "które",
            "którzy",
            "którego",
            "której",
            "których",
            "którą",
        }
    ),
}
_LETTERS = re.compile(r"[^\W\d_]+")
SECTION_NAMES = {
    "what_happened": "What happened",
    "decision": "What was decided",
    "meaning": "What this means",
    "choice": "Whether taking part is a choice",
    "if_not": "What happens if not",
    "record": "What goes on the record",
    "next": "What happens next",
    "rights": "Rights",
    "contact": "Who to contact",
}


@dataclass(frozen=True)
class Problem:
    check: str  # readability, honesty or completeness
    message: str
    sentence: str = ""
    section: str = ""

    def __str__(self) -> str:
        where = f' In "{self.sentence}"' if self.sentence else ""
        return f"{self.message}.{where}"


def term_pattern(term: str) -> re.Pattern[str]:
    """The term as a word (or its plural or past form), in any case."""
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?:s|es|ed)?(?![\w-])", re.IGNORECASE)


def readability_problems(letter: Letter) -> list[Problem]:
    problems = []
    limit = letter.variant.grade_limit
    found = readability.grade(letter.body_text())
    if found > limit:
        hardest = sorted(
            letter.sentences(),
            key=lambda pair: readability.grade(letter.plain(pair[1], for_reading=True)),
            reverse=True,
        )[:3]
        for section, sentence in hardest:
            problems.append(
                Problem(
                    "readability",
                    f"The letter reads at grade {found:.1f}, above {limit:.0f}: make this "
                    "sentence shorter or use shorter words",
                    sentence,
                    section,
                )
            )
    if letter.variant.easy_read:
        for section, sentence in letter.sentences():
            words = readability.word_count(letter.plain(sentence, for_reading=True))
            if words > EASY_READ_MAX_WORDS:
                problems.append(
                    Problem(
                        "readability",
                        f"Easy Read sentences are {EASY_READ_MAX_WORDS} words or fewer; this one "
                        f"has {words}",
                        sentence,
                        section,
                    )
                )
    return problems


def honesty_problems(letter: Letter, wording: Wording) -> list[Problem]:
    problems = []
    disposal = letter.disposal
    child = letter.variant.for_child
    # On the police-alone path the support offered is voluntary whatever the outcome.
    if letter.police_alone or disposal.work is disposals.Work.VOLUNTARY:
        phrase = "your choice" if child else "their choice"
        choice = letter.section("choice")
        if choice is None or not any(phrase in line.lower() for line in choice.lines):
            problems.append(
                Problem(
                    "honesty",
                    (
                        "A letter offering support after an outcome the police gave alone"
                        if letter.police_alone
                        else f"A letter about a {disposal.plain_name.lower()}"
                    )
                    + f" must say plainly that taking part is {phrase}",
                    section="choice",
                )
            )
        for word in wording.compulsory_words:
            pattern = term_pattern(word)
            for section, sentence in letter.sentences():
                if pattern.search(letter.plain(sentence)):
                    problems.append(
                        Problem(
                            "honesty",
                            f'"{word}" makes voluntary work sound compulsory',
                            sentence,
                            section,
                        )
                    )
    if disposal.work is disposals.Work.CONDITIONAL:
        if_not = letter.section("if_not")
        said = [letter.plain(s, for_reading=True) for s in if_not.sentences()] if if_not else []
        if not claims.says_court_if_not_done(said):
            problems.append(
                Problem(
                    "honesty",
                    "A letter about conditions must say what happens if they are not done: the "
                    "child could be taken to court",
                    section="if_not",
                )
            )
    problems += claim_problems(letter)
    # The record is the catalogue's own text (never a service's wording), word for word.
    catalogue = disposals.LETTER_TEXTS[disposal.code]
    record = catalogue.child_record if child else catalogue.parent_record
    shown = letter.section("record")
    if shown is None or " ".join(shown.lines).strip() != record.strip():
        problems.append(
            Problem(
                "honesty",
                "What goes on the record must be the catalogue's text for "
                f"{disposal.name}, word for word",
                section="record",
            )
        )
    return problems


def claim_problems(letter: Letter) -> list[Problem]:
    """Every sentence of every section read for what it claims, against the catalogue."""
    problems = []
    for section in letter.sections:
        shown = section.sentences()
        read = [letter.plain(s, for_reading=True) for s in shown]
        for finding in claims.sentence_findings(
            read,
            letter.disposal,
            section=section.key,
            implied=claims.implied_condition(section.key),
        ):
            problems.append(Problem("honesty", finding.message, shown[finding.index], section.key))
    return problems


def completeness_problems(
    letter: Letter, wording: Wording, interventions: tuple[str, ...]
) -> list[Problem]:
    problems = []
    for key in SECTIONS:
        section = letter.section(key)
        if section is None or not any(line.strip() for line in section.lines):
            problems.append(
                Problem(
                    "completeness",
                    f'The section "{SECTION_NAMES[key]}" is missing or empty',
                    section=key,
                )
            )
    if not letter.recipient.address_lines:
        problems.append(
            Problem(
                "completeness",
                f"There is no postal address for {letter.recipient.name}: add it to the "
                "child's record",
            )
        )
    if not wording.phone:
        problems.append(
            Problem(
                "completeness",
                "The letter gives no phone number: an administrator adds it on the Letter "
                "wording page",
                section="contact",
            )
        )
    if letter.police_alone and not interventions:
        problems.append(
            Problem(
                "completeness",
                "A letter after an outcome the police gave alone says what support is offered: "
                'choose it under "Support offered" on this page',
                section="next",
            )
        )
    elif letter.disposal.code in disposals.INTERVENTIONS_NEEDED and not interventions:
        problems.append(
            Problem(
                "completeness",
                f"{letter.disposal.name} needs the interventions the child is offered, and the "
                "decision records none. Decisions cannot be changed here: ask your manager to "
                "raise it with the panel",
                section="next",
            )
        )
    for term, explanation in wording.jargon.items():
        pattern = term_pattern(term)
        for section_key, sentence in letter.sentences():
            if not pattern.search(letter.plain(sentence)):
                continue
            if not explanation:
                problems.append(
                    Problem(
                        "completeness",
                        f'"{term}" is jargon: say it in plain words',
                        sentence,
                        section_key,
                    )
                )
            elif explanation.lower() not in sentence.lower():
                problems.append(
                    Problem(
                        "completeness",
                        f'"{term}" needs its explanation in the same sentence: "{explanation}"',
                        sentence,
                        section_key,
                    )
                )
    return problems


# Joiners that join nothing after the word before them: Welsh "dim ond" is "only".
NOT_JOINING: dict[str, frozenset[tuple[str, str]]] = {"cy": frozenset({("dim", "ond")})}


def joiners(sentence: str, language: str) -> list[str]:
    """The clause joiners in a sentence, as one idea per sentence counts them."""
    words = JOINERS.get(language, frozenset())
    pairs = NOT_JOINING.get(language, frozenset())
    found = _LETTERS.findall(sentence.casefold())
    return [w for i, w in enumerate(found) if w in words and not (i and (found[i - 1], w) in pairs)]


def translation_problems(letter: Letter) -> list[Problem]:
    """What a letter in another language must pass (see the module's docstring)."""
    language = languages.name_of(letter.language)
    problems = []

    def problem(check: str, message: str, sentence: str = "", section: str = "") -> None:
        problems.append(Problem(check, f"In the {language} letter: {message}", sentence, section))

    for key in SECTIONS:
        section = letter.section(key)
        if section is None or not any(line.strip() for line in section.lines):
            problem("completeness", f'the section "{SECTION_NAMES[key]}" is missing or empty')
    limit = EASY_READ_MAX_WORDS if letter.variant.easy_read else TRANSLATED_MAX_WORDS
    everything = [("", letter.title), ("", letter.greeting), *letter.sentences()]
    for section_key, sentence in everything:
        plain = letter.plain(sentence, for_reading=True)
        words = readability.word_count(plain)
        if words > limit:
            problem(
                "readability",
                f"sentences are {limit} words or fewer; this one has {words}",
                sentence,
                section_key,
            )
        found = joiners(plain, letter.language)
        if len(found) > MAX_JOINERS:
            problem(
                "readability",
                f"one idea per sentence: this one joins {len(found)} clauses "
                f"({', '.join(found)}); split it",
                sentence,
                section_key,
            )
        if "%(" in sentence or ")s" in sentence:
            problem("completeness", "a placeholder was left unfilled", sentence, section_key)
    catalogue = disposals.LETTER_TEXTS[letter.disposal.code]
    record = catalogue.child_record if letter.variant.for_child else catalogue.parent_record
    expected = languages.translator(letter.language).lookup(record)
    shown = letter.section("record")
    if expected is None or shown is None or " ".join(shown.lines).strip() != expected.strip():
        problem(
            "honesty",
            "what goes on the record must be the catalogue's own translation for "
            f"{letter.disposal.name}, word for word",
            section="record",
        )
    return problems


def check(letter: Letter, wording: Wording, interventions: tuple[str, ...]) -> list[Problem]:
    """Every problem with the letter; it can be issued only when there are none.

    A letter in another language gets `translation_problems`; its honesty is the English
    letter's of the same wording, which services/letters checks with it."""
    if letter.language != languages.ENGLISH:
        return translation_problems(letter)
    return (
        completeness_problems(letter, wording, interventions)
        + honesty_problems(letter, wording)
        + readability_problems(letter)
    )
