"""Characters and spelling: what a text may not hide (invisible characters, text-direction
controls, letters of other alphabets that look like English ones), and the text as the patterns
read it (NFKC, look-alikes made Latin, c0urt, m.u.s.t, co-urt, com pulsory, capitals)."""

from __future__ import annotations

import functools
import unicodedata

import regex

from oocd_panel.catalogue import disposals
from oocd_panel.letters.claims.words import FAMILIES, SETS, names_of, wordlist

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
    for _, specs in FAMILIES:
        for spec in specs:
            for item in spec.split():
                item = item.rstrip("?*+").lstrip("~@")
                if item and item != "_" and item not in SETS:
                    words.update(item.split("|"))
    for values in SETS.values():
        words.update(values)
    words.update(n for d in disposals.CATALOGUE for n in names_of(d) for n in n.split())
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
    wordlist("""
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
