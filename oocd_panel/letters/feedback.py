"""The feedback block every issued letter ends with: a short link to three questions, the same
link as a QR code, and what happens to the answers.

Its words are all here, in one place (`WORDS`), for translating; `templates/letters/_feedback
.html` lays them out. The QR code is drawn by segno from exactly the link printed beside it: on
screen an inline SVG; in the letter as issued (the PDF and its stored HTML) a PNG of one pixel
per module in a data URI, printed with its pixels kept square (WeasyPrint draws the SVG's path
at some 10 ms a code, the image at almost nothing, and a bilingual letter has two)."""

from __future__ import annotations

from dataclasses import dataclass

import segno
from markupsafe import Markup

from oocd_panel.catalogue.translatable import N_


@dataclass(frozen=True)
class FeedbackWords:
    heading: str
    lines: tuple[str, ...]
    how: str  # before the link
    qr_text: str  # the QR code's text alternative
    not_yet: str  # in a preview, where the link will be


WORDS = FeedbackWords(
    heading=N_("Tell us what you think"),
    lines=(
        N_("We want to know if this letter made sense to you."),
        N_("There are 3 short questions."),
        N_("You do not give your name. We do not record who you are."),
        N_("Answering is up to you."),
    ),
    how=N_("Scan the code with a phone camera, or type this link:"),
    qr_text=N_("A QR code. It opens the same page as the link."),
    not_yet=N_("The link and its QR code go here when the letter is issued."),
)


# Every text of the block, for a letter in another language to have too (the template translates
# each as it renders: templates/letters/_feedback.html).
TEXTS: tuple[str, ...] = (
    WORDS.heading,
    *WORDS.lines,
    WORDS.how,
    WORDS.qr_text,
    WORDS.not_yet,
)


def qr_svg(url: str) -> Markup:
    """The link as a QR code: an inline SVG, made by segno from exactly `url`. Error correction
    M (15% of the code may be lost to a fold or a smudge on paper), a quiet zone of 2 modules,
    and no size of its own: the letter's stylesheet sizes it."""
    svg = segno.make(url, error="m").svg_inline(
        border=2, omitsize=True, svgclass="app-letter__qr-code"
    )
    return Markup(svg)  # noqa: S704  (segno's own markup, the URL escaped in it)


def qr_png(url: str) -> str:
    """The same code as `qr_svg`, as a `data:` URI of a PNG with one pixel per module (the
    stylesheet scales it to 25 mm without smoothing, so the modules stay sharp on paper)."""
    return str(segno.make(url, error="m").png_data_uri(scale=1, border=2))


@dataclass(frozen=True)
class FeedbackBlock:
    """What the letter's feedback block shows: the link and its QR code, or (a preview, before
    the letter is issued and its link made) where they will go."""

    url: str | None
    words: FeedbackWords = WORDS

    @property
    def qr(self) -> Markup | None:
        return qr_svg(self.url) if self.url else None

    @property
    def qr_image(self) -> str | None:
        return qr_png(self.url) if self.url else None


PREVIEW = FeedbackBlock(None)
