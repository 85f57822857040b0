"""The pictures beside each point of an Easy Read letter: one per meaning, from OpenMoji.

Easy Read guidance asks for a picture that carries what each sentence says (a meeting beside "You
can come to a meeting"). The meaning is decided where a letter's lines are written (`Topic` on each
`points.Point`, chosen in `compose.py` and `points.py`), never by reading the words when a letter
is drawn, so a letter translated into Welsh or Polish keeps its pictures. Here each topic gets one
picture and its text alternative; no two topics share a picture, so a picture in a letter always
means the same thing.

The pictures are OpenMoji (https://openmoji.org, CC BY-SA 4.0), from the npm package
`@iconify-json/openmoji`; `npm run build` copies its icon set into `oocd_panel/static/build/`.
On screen (the preview page) each picture is inline SVG. In the PDF it is the same SVG drawn once
(resvg) at 300 dpi as a JPEG, which WeasyPrint embeds as it is: WeasyPrint draws inline SVG by
parsing every path again at every use, which made an Easy Read letter three times slower.
"""

from __future__ import annotations

import enum
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import resvg_py
from markupsafe import Markup, escape
from PIL import Image

from oocd_panel.catalogue.translatable import N_
from oocd_panel.plumbing.config import PROJECT_ROOT

ICON_SET = PROJECT_ROOT / "oocd_panel" / "static" / "build" / "openmoji" / "icons.json"
# The URL a letter's PDF asks for a picture by (render.py answers it).
PRINT_URL_PREFIX = "picture:"
PRINT_PIXELS = 236  # 2 cm at 300 dpi
ATTRIBUTION = N_(
    "Pictures: OpenMoji, the open-source emoji and icon project. License: CC BY-SA 4.0"
)


class Topic(enum.StrEnum):
    """What a sentence of a letter says, as far as its picture is concerned."""

    # Who
    POLICE = "police"
    YOUTH_WORKER = "youth_worker"
    PANEL = "panel"
    LAWYER = "lawyer"
    FAMILY = "family"
    # What happened and what was decided
    DATE = "date"
    TALK = "talk"
    TOLD_POLICE = "told_police"
    DECISION = "decision"
    WARNING = "warning"
    FINISHED = "finished"
    SUPPORT = "support"
    AGREED = "agreed"
    ON_HOLD = "on_hold"
    TO_DO = "to_do"
    NOTHING_TO_DO = "nothing_to_do"
    COURT = "court"
    NO_COURT = "no_court"
    # Choice
    CHOICE = "choice"
    SAY_NO = "say_no"
    STOP = "stop"
    NOTHING_BAD = "nothing_bad"
    CHANGE_MIND = "change_mind"
    UNCHANGED = "unchanged"
    # The record
    RECORD = "record"
    NOT_CRIMINAL_RECORD = "not_criminal_record"
    POLICE_NOTE = "police_note"
    POLICE_COMPUTER = "police_computer"
    SPENT = "spent"
    JOB_CHECK = "job_check"
    # Next, rights and contact
    MEETING = "meeting"
    RIGHTS = "rights"
    FREE = "free"
    COMPLAINT = "complaint"
    ASK = "ask"
    PHONE = "phone"
    EMAIL = "email"
    DETAILS_BELOW = "details_below"
    # The work a child may be offered (catalogue/interventions.py)
    THINK = "think"
    PUT_RIGHT = "put_right"
    WEAPONS = "weapons"
    DRUGS_ALCOHOL = "drugs_alcohol"
    FEELINGS = "feelings"
    WORDS = "words"
    SCHOOL_WORK = "school_work"
    MENTOR = "mentor"
    SPORT = "sport"
    SAFE = "safe"
    # A line written without a topic: the letter may not be issued with one (tests).
    GENERIC = "generic"


@dataclass(frozen=True)
class Picture:
    icon: str  # the OpenMoji icon's name in the Iconify set
    alt: str  # its text alternative
    # A second icon drawn small over the top right corner (a cross for "not").
    badge: str = ""


_NOT = "cross-mark"

PICTURES: dict[Topic, Picture] = {
    Topic.POLICE: Picture("police-officer", N_("A police officer")),
    Topic.YOUTH_WORKER: Picture("person-tipping-hand", N_("A youth justice worker")),
    Topic.PANEL: Picture("busts-in-silhouette", N_("A group of people")),
    Topic.LAWYER: Picture("man-office-worker", N_("A lawyer"), badge="balance-scale"),
    Topic.FAMILY: Picture("family-adult-adult-child", N_("A family")),
    Topic.DATE: Picture("spiral-calendar", N_("A calendar")),
    Topic.TALK: Picture("people-dialogue", N_("People talking")),
    Topic.TOLD_POLICE: Picture("speaking-head", N_("Someone telling what happened")),
    Topic.DECISION: Picture("check-mark-button", N_("A tick: the decision")),
    Topic.WARNING: Picture("warning", N_("A warning sign")),
    Topic.FINISHED: Picture("chequered-flag", N_("A finish flag: it ends here")),
    Topic.SUPPORT: Picture("open-hands", N_("Hands offering help")),
    Topic.AGREED: Picture("handshake", N_("A handshake: an agreement")),
    Topic.ON_HOLD: Picture("mantelpiece-clock", N_("A clock: the decision waits")),
    Topic.TO_DO: Picture("clipboard", N_("A list of things to do")),
    Topic.NOTHING_TO_DO: Picture("relieved-face", N_("A calm face: nothing to do")),
    Topic.COURT: Picture("judge", N_("A judge in court")),
    Topic.NO_COURT: Picture("judge", N_("No court"), badge=_NOT),
    Topic.CHOICE: Picture("signpost", N_("A signpost: you choose")),
    Topic.SAY_NO: Picture("person-gesturing-no", N_("Someone saying no")),
    Topic.STOP: Picture("raised-hand", N_("A hand held up: stop")),
    Topic.NOTHING_BAD: Picture("slightly-smiling-face", N_("A smiling face: nothing bad happens")),
    Topic.CHANGE_MIND: Picture("thinking-face", N_("A thinking face: changing your mind")),
    Topic.UNCHANGED: Picture("locked", N_("A padlock: it stays the same")),
    Topic.RECORD: Picture("file-folder", N_("A file: the record")),
    Topic.NOT_CRIMINAL_RECORD: Picture("file-folder", N_("A file crossed out"), badge=_NOT),
    Topic.POLICE_NOTE: Picture("memo", N_("A written note")),
    Topic.POLICE_COMPUTER: Picture("desktop-computer", N_("A computer")),
    Topic.SPENT: Picture("hourglass-done", N_("An hourglass: after a time")),
    Topic.JOB_CHECK: Picture("briefcase", N_("A briefcase: checks for jobs")),
    Topic.MEETING: Picture("assembly-point", N_("People meeting")),
    Topic.RIGHTS: Picture("balance-scale", N_("Scales: your rights")),
    Topic.FREE: Picture("pound-banknote", N_("Money crossed out: it is free"), badge=_NOT),
    Topic.COMPLAINT: Picture("frowning-face", N_("An unhappy face: you can complain")),
    Topic.ASK: Picture("person-raising-hand", N_("Someone asking")),
    Topic.PHONE: Picture("telephone", N_("A telephone")),
    Topic.EMAIL: Picture("e-mail", N_("An email")),
    Topic.DETAILS_BELOW: Picture("backhand-index-pointing-down", N_("A finger pointing down")),
    Topic.THINK: Picture("thought-balloon", N_("A thought bubble: thinking about others")),
    Topic.PUT_RIGHT: Picture("mending-heart", N_("A mended heart: putting things right")),
    Topic.WEAPONS: Picture("kitchen-knife", N_("A knife crossed out"), badge=_NOT),
    Topic.DRUGS_ALCOHOL: Picture("beer-bottle", N_("A bottle and pills"), badge="pill"),
    Topic.FEELINGS: Picture("red-heart", N_("A heart: how you feel")),
    Topic.WORDS: Picture("speech-balloon", N_("A speech bubble: words and talking")),
    Topic.SCHOOL_WORK: Picture("school", N_("A school")),
    Topic.MENTOR: Picture("people-holding-hands", N_("Two people side by side: a mentor")),
    Topic.SPORT: Picture("soccer-ball", N_("A football: sport and activities")),
    Topic.SAFE: Picture("shield", N_("A shield: staying safe")),
    Topic.GENERIC: Picture("circled-information-source", N_("Information")),
}


# Every text the pictures bring into a letter, for a letter in another language to have too.
TEXTS: tuple[str, ...] = (*(p.alt for p in PICTURES.values()), ATTRIBUTION)


def picture(topic: Topic | None) -> Picture:
    return PICTURES[topic or Topic.GENERIC]


def topic_of(line: str) -> Topic:
    """The topic a letter's line was written with (a line without one gets the generic one)."""
    topics = getattr(line, "topics", ())
    return topics[0] if topics else Topic.GENERIC


@cache
def _icon_set(path: Path = ICON_SET) -> dict[str, object]:
    try:
        with path.open(encoding="utf-8") as f:
            found: dict[str, object] = json.load(f)
    except FileNotFoundError:
        raise RuntimeError(
            f"The OpenMoji pictures are not built at {path}: run `make setup` (npm run build)"
        ) from None
    return found


def icon_body(name: str) -> str:
    """The SVG elements of one OpenMoji icon (72 x 72 units), following the set's aliases."""
    icons = _icon_set()
    aliases: dict[str, dict[str, str]] = icons.get("aliases", {})  # type: ignore[assignment]
    while name in aliases:
        name = aliases[name]["parent"]
    bodies: dict[str, dict[str, str]] = icons["icons"]  # type: ignore[assignment]
    return _without_ids(bodies[name]["body"])


_DEFS = re.compile(r"<defs>(.*?)</defs>", re.S)
_DEFINED = re.compile(r'<(\w+) id="([^"]+)"([^>]*?)/>')
_USE = re.compile(r'<use href="#([^"]+)"([^>]*?)/>')


def _without_ids(body: str) -> str:
    """The icon with each `<use>` of a shape in its `<defs>` replaced by the shape itself.

    Iconify writes a shape used twice (filled, then outlined) once, with an id; an id repeated
    when a picture appears twice in a page is invalid HTML, so each use gets its own copy."""
    defs = _DEFS.search(body)
    if defs is None:
        return body
    shapes = {ident: (tag, attrs) for tag, ident, attrs in _DEFINED.findall(defs.group(1))}

    def inline(use: re.Match[str]) -> str:
        tag, attrs = shapes[use.group(1)]
        return f"<{tag}{attrs}{use.group(2)}/>"

    return _USE.sub(inline, body[: defs.start()] + body[defs.end() :])


@cache
def svg(topic: Topic, alt_text: str | None = None) -> Markup:
    """The picture as inline SVG, with its text alternative (role="img", aria-label and title):
    `alt_text` in the letter's language, or the English."""
    found = picture(topic)
    alt = escape(alt_text if alt_text is not None else found.alt)
    badge = ""
    if found.badge:
        badge = (
            '<circle cx="55" cy="17" r="17" fill="#ffffff"/>'
            '<svg x="38" y="0" width="34" height="34" viewBox="0 0 72 72">'
            f"{icon_body(found.badge)}</svg>"
        )
    # The icon set is the build's own copy of the npm package, and the alt text is escaped.
    return Markup(  # noqa: S704
        f'<svg class="app-letter__picture" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 72 72" role="img" aria-label="{alt}" focusable="false">'
        f"<title>{alt}</title>{icon_body(found.icon)}{badge}</svg>"
    )


@cache
def print_image(topic: Topic) -> bytes:
    """The picture as a JPEG on white, 2 cm at 300 dpi, for the PDF."""
    png = resvg_py.svg_to_bytes(
        svg_string=str(svg(topic)),
        width=PRINT_PIXELS,
        height=PRINT_PIXELS,
        background="#ffffff",
        skip_system_fonts=True,
    )
    with Image.open(io.BytesIO(png)) as image:
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=92, subsampling=0)
    return out.getvalue()


def print_topic(url: str) -> Topic | None:
    """The topic a PDF's picture URL asks for (None: not a picture's URL)."""
    if not url.startswith(PRINT_URL_PREFIX):
        return None
    try:
        return Topic(url.removeprefix(PRINT_URL_PREFIX))
    except ValueError:
        return None


def picture_for(
    line: str, for_print: bool = False, translate: Callable[[str], str] | None = None
) -> Markup:
    """A template filter: the picture beside this line of an Easy Read letter, as inline SVG on
    screen, or (for the PDF) an image that `render.to_pdf` fetches with `print_image`; its text
    alternative in the letter's language (`translate`, the part's gettext)."""
    topic = topic_of(line)
    alt = picture(topic).alt
    if translate is not None:
        alt = str(translate(alt))
    if not for_print:
        return svg(topic, alt)
    return Markup('<img class="app-letter__picture" src="{}{}" alt="{}">').format(
        PRINT_URL_PREFIX, topic.value, alt
    )
