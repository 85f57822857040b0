"""Letters as HTML (the same template on screen and in print) and as a tagged PDF (WeasyPrint)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from oocd_panel.letters import pictures
from oocd_panel.letters.compose import Letter, long_date
from oocd_panel.letters.feedback import FeedbackBlock
from oocd_panel.plumbing.config import PROJECT_ROOT

STYLESHEET = PROJECT_ROOT / "oocd_panel" / "static" / "letters.css"


def letter_date(day: dt.date) -> str:
    return long_date(day)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=select_autoescape(["html"]),
    )
    env.filters["letter_date"] = letter_date
    env.filters["letter_picture"] = pictures.picture_for
    env.globals["letter_pictures_credit"] = pictures.ATTRIBUTION
    return env


def to_html(letter: Letter, service_name: str, feedback: FeedbackBlock | None = None) -> str:
    """The whole letter as a standalone HTML document (what the PDF is made from), ending with
    its feedback link and QR code when it has one."""
    template = _environment().get_template("letters/document.html")
    return template.render(
        letter=letter, service_name=service_name, for_print=True, feedback=feedback
    )


# Easy Read pictures, kept between letters: each is fetched and decoded once per process.
_PICTURE_CACHE: dict[str, object] = {}


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


def to_pdf(html: str) -> bytes:
    """A tagged PDF (structure for screen readers), fonts embedded."""
    # Imported here: loading pango is slow, and most requests never make a PDF.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    pdf = HTML(string=html, base_url=str(PROJECT_ROOT), url_fetcher=_url_fetcher()).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))], pdf_tags=True, cache=_PICTURE_CACHE
    )
    assert isinstance(pdf, bytes)
    return pdf
