"""Flask-Babel for the pages that show letters.

The app's own words are English: every request's locale is "en". A letter shown on a page is
rendered in its own language (`letter_html`, with Flask-Babel's `force_locale`), its template's
words translated from the same guarded catalogues (letters/languages.py) that compose and the PDF
use, so the page shows what the PDF will say, with the same `lang` attributes."""

from __future__ import annotations

from babel.support import NullTranslations
from flask import Flask, render_template
from flask_babel import Babel, Domain, force_locale, get_locale, gettext
from markupsafe import Markup

from oocd_panel.letters import languages, pictures
from oocd_panel.letters.compose import Letter
from oocd_panel.letters.feedback import FeedbackBlock

CHROME_LOCALE = "en"


class LetterCatalogues(Domain):
    """Translations for the locale in force, from the letters' guarded catalogues."""

    def get_translations(self) -> NullTranslations:
        locale = get_locale()
        code = locale.language if locale is not None else CHROME_LOCALE
        if code in languages.TRANSLATED:
            return languages.catalogue(code).translations
        return NullTranslations()


def letter_html(letter: Letter, feedback: FeedbackBlock | None = None) -> Markup:
    """One letter (or one part of a bilingual letter), rendered in its own language, ending with
    its feedback block (on a preview: where the link will go)."""
    with force_locale(letter.language):
        html = render_template("letters/_letter.html", letter=letter, feedback=feedback)
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


def letter_picture(line: str, for_print: bool = False) -> Markup:
    """An Easy Read line's picture, its text alternative in the locale in force (the letter's,
    inside `letter_html`)."""
    return pictures.picture_for(line, for_print, gettext)


def language_names(codes: str) -> str:
    """ "cy en" (as an issued letter records them) -> "Welsh and English"."""
    return " and ".join(languages.name_of(c) for c in codes.split() if c in languages.LANGUAGES)


def init_app(app: Flask) -> None:
    babel = Babel(app, locale_selector=lambda: CHROME_LOCALE)
    babel.domain_instance = LetterCatalogues()
    app.add_template_global(letter_html)
    app.add_template_filter(letter_picture)
    app.add_template_filter(language_names, "language_name")
