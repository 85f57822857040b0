"""Letters as HTML (the same template on screen and in print) and as a tagged PDF (WeasyPrint).

A document holds one letter, or the parts of a bilingual one (Welsh first, then English), each
marked with its language (`lang`) so the PDF's tags and screen readers read it right. The
template's own words (and the pictures' text alternatives) are translated as it renders, with the
translations of the part's language (the same ones compose used); pages in a request render it
through Flask-Babel instead (web/i18n.py)."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache

from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from oocd_panel.letters import languages, pictures
from oocd_panel.letters.compose import Letter, long_date
from oocd_panel.letters.feedback import FeedbackBlock
from oocd_panel.plumbing.config import PROJECT_ROOT

_BETWEEN_TAGS = re.compile(r">\s*\n\s*<")
STYLESHEET = PROJECT_ROOT / "oocd_panel" / "static" / "letters.css"

_ENGLISH = NullTranslations()
_translations: ContextVar[NullTranslations | None] = ContextVar("letter_translations", default=None)


def _gettext(message: str) -> str:
    return (_translations.get() or _ENGLISH).gettext(message)


def _ngettext(one: str, many: str, n: int) -> str:
    return (_translations.get() or _ENGLISH).ngettext(one, many, n)


def letter_date(day: dt.date) -> str:
    return long_date(day)


def _picture(line: str, for_print: bool = False) -> Markup:
    return pictures.picture_for(line, for_print, _gettext)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        # As the app's own environment: a page shows a letter exactly as the PDF has it.
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["letter_date"] = letter_date
    env.filters["letter_picture"] = _picture
    env.globals["letter_pictures_credit"] = pictures.ATTRIBUTION
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=_gettext,
        ngettext=_ngettext,
        newstyle=True,
    )
    return env


@contextmanager
def _in_language(language: str) -> Iterator[None]:
    own = languages.catalogue(language).translations if language != languages.ENGLISH else _ENGLISH
    token = _translations.set(own)
    try:
        yield
    finally:
        _translations.reset(token)


def fragment(
    letter: Letter, *, for_print: bool = False, feedback: FeedbackBlock | None = None
) -> Markup:
    """One letter (or one part of a bilingual letter) as the HTML article the page shows
    (`for_print`: with the pictures as the PDF has them), ending with its feedback block."""
    with _in_language(letter.language):
        template = _environment().get_template("letters/_letter.html")
        html = template.render(letter=letter, for_print=for_print, feedback=feedback)
    return Markup(html)  # noqa: S704 - rendered by an autoescaping template


def to_html(
    letters: Letter | Sequence[Letter], service_name: str, feedback: FeedbackBlock | None = None
) -> str:
    """The whole letter as a standalone HTML document (what the PDF is made from): its parts
    in order, the first part's language the document's, each ending with its feedback link and
    QR code when it has one (the same link in every part)."""
    parts = [letters] if isinstance(letters, Letter) else list(letters)
    template = _environment().get_template("letters/document.html")
    html = template.render(
        letter=parts[0],
        parts=[fragment(p, for_print=True, feedback=feedback) for p in parts],
        service_name=service_name,
    )
    # The templates' line breaks and indentation between tags mean nothing in a letter (no
    # inline element follows another across a line); without them WeasyPrint parses and lays
    # out some 3% less (an Easy Read letter has a text node between every two of its tags).
    return _BETWEEN_TAGS.sub("><", html)


# Easy Read pictures, kept between letters: each is fetched and decoded once per process.
_PICTURE_CACHE: dict[str, object] = {}
# WeasyPrint keys a picture by its URL and its decoded data by the URL's MD5 ("<md5>-<slot>-").
_PICTURE_IDS = frozenset(
    hashlib.md5(f"{pictures.PRINT_URL_PREFIX}{t.value}".encode(), usedforsecurity=False).hexdigest()
    for t in pictures.Topic
)


class _LetterImages(dict[str, object]):
    """One letter's images for WeasyPrint: the pictures' entries are shared with every later
    letter; the rest (the letter's own QR code) goes with the letter, so a long run of letters
    does not keep every code it printed."""

    def __init__(self) -> None:
        super().__init__(_PICTURE_CACHE)

    def __setitem__(self, key: str, value: object) -> None:
        super().__setitem__(key, value)
        if pictures.print_topic(key) is not None or key.split("-", 1)[0] in _PICTURE_IDS:
            _PICTURE_CACHE[key] = value


@cache
def _url_fetcher() -> object:
    """WeasyPrint's fetcher, answering the pictures' URLs (`pictures.print_image`) too."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

    class PictureFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: object = None) -> object:
            topic = pictures.print_topic(url)
            if topic is None:
                return super().fetch(url, headers)
            image = pictures.print_image(topic)
            return URLFetcherResponse(url, image, {"Content-Type": "image/jpeg"})

    return PictureFetcher()


@cache
def _stylesheet() -> object:
    """The letters' stylesheet, parsed once per process (parsing it cost 15 ms a letter)."""
    from weasyprint import CSS  # type: ignore[import-untyped]

    return CSS(filename=str(STYLESHEET))


def to_pdf(html: str) -> bytes:
    """A tagged PDF (structure for screen readers), fonts embedded."""
    # Imported here: loading pango is slow, and most requests never make a PDF.
    from weasyprint import HTML

    # Python's cycle collector paused while WeasyPrint works: its boxes live until the PDF is
    # written, so every collection in between walked the whole growing layout again and again
    # (a bilingual Easy Read letter spent about a sixth of its time there). The layout's
    # garbage is all young when the PDF is done, and collected then (the young generations only).
    collecting = gc.isenabled()
    gc.disable()
    try:
        pdf = HTML(string=html, base_url=str(PROJECT_ROOT), url_fetcher=_url_fetcher()).write_pdf(
            stylesheets=[_stylesheet()], pdf_tags=True, cache=_LetterImages()
        )
    finally:
        if collecting:
            gc.enable()
            gc.collect(1)
    assert isinstance(pdf, bytes)
    return pdf
