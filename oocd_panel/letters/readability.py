"""Readability measured offline: Flesch-Kincaid grade (textstat 0.7.x, pyphen syllables)."""

from __future__ import annotations

import re

import textstat  # type: ignore[import-untyped]

# Capitals of the Latin alphabets letters are written in (Welsh Ŵ and Ŷ, Polish Ł and Ż...).
_CAPITALS = "A-Z" + "".join(c for c in map(chr, range(0xC0, 0x250)) if c.isupper())
_SENTENCE_END = re.compile(rf"(?<=[.!?])\s+(?=[{_CAPITALS}0-9\"'(])")
_WORD = re.compile(r"[^\W_][\w'\u2019-]*")


def sentences(text: str) -> list[str]:
    """The sentences of a line of text (a line without a full stop is one sentence)."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def word_count(sentence: str) -> int:
    return len(_WORD.findall(sentence))


def grade(text: str) -> float:
    """Flesch-Kincaid grade level: about the school year (US) a reader needs; 4 is age 9-10."""
    if not _WORD.search(text):
        return 0.0
    return float(textstat.flesch_kincaid_grade(text))
