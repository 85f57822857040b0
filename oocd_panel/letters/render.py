"""Letters as HTML (the same template on screen and in print) and as a tagged PDF (WeasyPrint)."""

from __future__ import annotations

import datetime as dt
from functools import cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from oocd_panel.letters.compose import Letter, long_date
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
    return env


def to_html(letter: Letter, service_name: str) -> str:
    """The whole letter as a standalone HTML document (what the PDF is made from)."""
    template = _environment().get_template("letters/document.html")
    return template.render(letter=letter, service_name=service_name)


def to_pdf(html: str) -> bytes:
    """A tagged PDF (structure for screen readers), fonts embedded."""
    # Imported here: loading pango is slow, and most requests never make a PDF.
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]

    pdf = HTML(string=html, base_url=str(PROJECT_ROOT)).write_pdf(
        stylesheets=[CSS(filename=str(STYLESHEET))], pdf_tags=True
    )
    assert isinstance(pdf, bytes)
    return pdf
