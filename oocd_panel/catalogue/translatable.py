"""Marking the catalogue's letter texts for translation.

`N_` returns its text unchanged: it only tells `pybabel extract` (babel.cfg) that the text is
read in letters, so it goes into the message catalogues under `oocd_panel/translations/`. Letters
look a text up by its English words (`letters/languages.py`), so a text a service has worded its
own way has no translation until one is written for it."""

from __future__ import annotations


def N_(text: str) -> str:
    return text
