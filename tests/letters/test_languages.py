"""Letters in Welsh, Polish and Welsh-and-English: every disposal x audience, reviewed (the
family's language) and awaiting review (English, with the sentence that their letter follows)."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from html import unescape

import pytest
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.letters import checks, editions, languages, readability, render
from oocd_panel.letters.compose import FirstMeeting, Letter, Variant, recipients, support_offered
from oocd_panel.letters.editions import Edition
from oocd_panel.letters.feedback import FeedbackBlock
from oocd_panel.letters.wording import apply
from oocd_panel.models import Referral, ReferralStatus, Role, Route
from oocd_panel.plumbing.clock import local_today, years_before
from tests.factories import Factory, child_details

S = ReferralStatus
PHONE = "01632 960 123"
WORDING = apply(
    "Northbrook", {"contact:phone": PHONE, "contact:email": "youth.justice@northbrook.example"}
)
AUDIENCES = {
    "child_12": Variant.CHILD_YOUNGER,
    "child_16": Variant.CHILD_OLDER,
    "easy_read": Variant.EASY_READ,
    "parent": Variant.PARENT,
    "parent_easy_read": Variant.PARENT_EASY_READ,
}
CASES = [(d.code, a) for d in disposals.CATALOGUE for a in AUDIENCES]
# (what the record says, whether the service sends Welsh and English) -> the languages that go
# once reviewed.
EDITIONS = {
    "welsh": ("Cymraeg", False, ("cy",)),
    "polish": ("Polish", False, ("pl",)),
    "bilingual": ("English", True, ("cy", "en")),
}


def _decided(factory: Factory, disposal: str, audience: str) -> Referral:
    age = 12 if audience == "child_12" else 16
    child = child_details(
        date_of_birth=years_before(local_today(), age) - dt.timedelta(days=30),
        needs_easy_read=audience == "easy_read",
    )
    referral = factory.referral_at(S.DECIDED, disposal=disposal, child=child)
    assert referral.assessment is not None
    section = referral.assessment.section("circumstances")
    assert section is not None
    section.answers = {**section.answers, "easy_read": "no"}
    if audience == "parent_easy_read":
        referral.child.contacts[0].needs_easy_read = True
    factory.session.commit()
    return referral


def _edition(
    referral: Referral,
    variant: Variant,
    recorded: str,
    bilingual: bool,
    approved: set[str],
    offered: tuple[str, ...] = (),
) -> Edition:
    recipient = next(r for r in recipients(referral) if r.variant is variant)
    wanted = editions.plan(recorded, bilingual=bilingual, approved=approved)
    meeting = FirstMeeting(local_today() + dt.timedelta(days=7), "4pm", "the youth centre")
    return editions.make(
        referral, recipient, WORDING, wanted, meeting=meeting, offered=offered, today=local_today()
    )


def _problems(edition: Edition, referral: Referral, offered: tuple[str, ...] = ()) -> list[str]:
    interventions = support_offered(referral, offered)
    found = checks.check(edition.source, WORDING, interventions)
    for part in edition.translations():
        found += checks.check(part, WORDING, interventions)
    return [str(p) for p in found]


def _record(letter: Letter) -> str:
    section = letter.section("record")
    assert section is not None
    return " ".join(section.lines)


@pytest.mark.parametrize(("disposal", "audience"), CASES, ids=[f"{d}-{a}" for d, a in CASES])
def test_every_disposal_and_audience_in_welsh_polish_and_bilingual(
    factory: Factory, session: Session, disposal: str, audience: str
) -> None:
    referral = _decided(factory, disposal, audience)
    variant = AUDIENCES[audience]
    texts = disposals.LETTER_TEXTS[disposal]
    english_record = texts.child_record if variant.for_child else texts.parent_record
    for kind, (recorded, bilingual, expected) in EDITIONS.items():
        # Reviewed: the letter goes in the family's language (Welsh first when bilingual).
        edition = _edition(referral, variant, recorded, bilingual, {"cy", "pl"})
        assert edition.languages == expected, kind
        assert edition.pending == ""
        assert _problems(edition, referral) == [], kind
        html = unescape(render.to_html(edition.parts, "Northbrook"))
        assert f'<html lang="{expected[0]}">' in html
        for part in edition.parts:
            easy = " app-letter--easy-read" if variant.easy_read else ""
            assert f'<article class="app-letter{easy}" lang="{part.language}">' in html
            section = part.section("record")
            assert section is not None
            if part.language == "en":
                assert _record(part) == english_record
            else:
                # The catalogue's own translation, word for word; no English frame left.
                assert _record(part) == languages.catalogue(part.language).messages[english_record]
                assert not part.greeting.startswith("Dear")
                assert "%(" not in " ".join(s for _, s in part.sentences())
                assert part.date_line != f"{local_today().day} {local_today():%B %Y}"
        # Awaiting review: the English letter, with the sentence in the family's language first.
        waiting = _edition(referral, variant, recorded, bilingual, set())
        pending = expected[0]
        assert waiting.languages == ("en",), kind
        assert waiting.pending == pending
        assert waiting.first.notice == languages.notice(pending, PHONE)
        assert _problems(waiting, referral) == [], kind
        html = unescape(render.to_html(waiting.parts, "Northbrook"))
        assert f'<p class="app-letter__notice" lang="{pending}">' in html
        assert _record(waiting.first) == english_record


ALONE = [(d.code, a) for d in disposals.police_alone() for a in AUDIENCES if a != "child_12"]


@pytest.mark.parametrize(("outcome", "audience"), ALONE, ids=[f"{d}-{a}" for d, a in ALONE])
def test_letters_after_an_outcome_the_police_gave_alone_in_every_language(
    factory: Factory, outcome: str, audience: str
) -> None:
    extra = {"needs_easy_read": True} if audience == "easy_read" else {}
    referral = factory.referral(
        route=Route.NOTIFICATION,
        police_outcome=outcome,
        proposed_outcome=outcome,
        child=child_details(**extra),
    )
    factory.act(referral, "offer_support", Role.PRACTITIONER)
    if audience == "parent_easy_read":
        referral.child.contacts[0].needs_easy_read = True
        factory.session.commit()
    variant = AUDIENCES[audience]
    if variant is Variant.CHILD_OLDER:
        variant = next(r.variant for r in recipients(referral) if r.key == "child")
    offered = ("one_to_one", "mentoring")
    for kind, (recorded, bilingual, expected) in EDITIONS.items():
        edition = _edition(referral, variant, recorded, bilingual, {"cy", "pl"}, offered)
        assert edition.languages == expected, kind
        assert _problems(edition, referral, offered) == [], kind
        for part in edition.translations():
            assert part.police_alone


@pytest.mark.parametrize("code", languages.TRANSLATED)
def test_every_intervention_reads_as_one_idea_a_sentence_in_every_language(code: str) -> None:
    """Letters offer any of them; each Easy Read line is one of their sentences."""
    messages = languages.catalogue(code).messages
    for intervention in interventions.CATALOGUE:
        for english in (intervention.name, intervention.plain_description):
            for sentence in readability.sentences(messages[english]):
                assert readability.word_count(sentence) <= checks.EASY_READ_MAX_WORDS, sentence
                assert len(checks.joiners(sentence, code)) <= checks.MAX_JOINERS, sentence


def test_welsh_dim_ond_is_only_not_but() -> None:
    assert checks.joiners("Dim ond os ydych chi eisiau hynny.", "cy") == ["os"]
    assert checks.joiners("Gallwch ddweud na, ond os ydych chi eisiau.", "cy") == ["ond", "os"]


def test_a_bilingual_letter_is_one_tagged_pdf_welsh_first(factory: Factory) -> None:
    referral = _decided(factory, "youth_caution", "child_16")
    edition = _edition(referral, Variant.CHILD_OLDER, "English", True, {"cy"})
    block = FeedbackBlock("https://panel.example/f/abc123")
    html = render.to_html(edition.parts, "Northbrook", block)
    assert html.index('lang="cy"') < html.index('<article class="app-letter" lang="en"')
    # Each part ends with the feedback block in its own language, the same link in both.
    welsh, english = html.split('<article class="app-letter" lang="en">')
    assert "Dywedwch wrthym beth rydych chi" in welsh
    assert "Tell us what you think" in english
    assert welsh.count("https://panel.example/f/abc123") == 1
    assert english.count("https://panel.example/f/abc123") == 1
    assert "Annwyl" in html
    assert html.index("Annwyl") < html.index("Dear ")
    pdf = render.to_pdf(html)
    assert pdf.startswith(b"%PDF")
    # The document's language is Welsh (its first part) in the PDF's catalogue. (WeasyPrint 70
    # tags no language per element: the English part's lang is in the HTML only.)
    assert b"/Lang (cy)" in _pdf_objects(pdf)


def _pdf_objects(pdf: bytes) -> bytes:
    """The PDF with its compressed object streams opened, to read the catalogue."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S)
    opened = []
    for stream in streams:
        try:
            opened.append(zlib.decompress(stream))
        except zlib.error:
            continue  # not a Flate stream (fonts are compressed differently)
    return b"\n".join([pdf, *opened])


def test_an_easy_read_letter_in_welsh_describes_its_pictures_in_welsh(factory: Factory) -> None:
    referral = _decided(factory, "youth_caution", "easy_read")
    edition = _edition(referral, Variant.EASY_READ, "Cymraeg", False, {"cy"})
    html = unescape(render.to_html(edition.parts, "Northbrook"))
    assert 'alt="Swyddog heddlu"' in html  # "A police officer"
    assert 'alt="A police officer"' not in html
    assert "Lluniau: OpenMoji" in html
    screen = unescape(str(render.fragment(edition.first)))
    assert 'aria-label="Swyddog heddlu"' in screen


def test_welsh_and_polish_dates_use_their_own_month_names(factory: Factory) -> None:
    referral = _decided(factory, "outcome_22", "child_16")
    day = dt.date(2026, 12, 4)
    assert languages.translator("cy").date(day) == "4 Rhagfyr 2026"
    assert languages.translator("pl").date(day) == "4 grudnia 2026"
    edition = _edition(referral, Variant.CHILD_OLDER, "Polski", False, {"pl"})
    months = "stycznia lutego marca kwietnia maja czerwca lipca sierpnia września października"
    months += " listopada grudnia"
    assert any(m in edition.first.date_line for m in months.split())


@pytest.mark.parametrize(
    ("recorded", "code"),
    [
        ("Welsh", "cy"),
        ("Cymraeg", "cy"),
        ("welsh (Cymraeg)", "cy"),
        ("Welsh and English", "cy"),
        ("Polish", "pl"),
        ("Polski", "pl"),
        ("POLSKI", "pl"),
        ("English", "en"),
        ("", "en"),
        ("Urdu", None),
        ("British Sign Language", None),
    ],
)
def test_the_letters_language_comes_from_how_the_record_names_it(
    recorded: str, code: str | None
) -> None:
    assert languages.code_for(recorded) == code


def test_a_language_letters_are_not_written_in_gets_the_english_letter_saying_why(
    factory: Factory,
) -> None:
    referral = _decided(factory, "community_resolution", "parent")
    edition = _edition(referral, Variant.PARENT, "Urdu", False, {"cy", "pl"})
    assert edition.languages == ("en",)
    assert edition.pending == ""
    assert edition.first.notice == ""
    assert "letters are not written in it" in edition.why


def test_a_service_worded_text_has_no_translation_so_the_english_letter_goes(
    factory: Factory,
) -> None:
    referral = _decided(factory, "youth_caution", "child_16")
    own = "You told the police you did it. It is a warning. You do not go to court."
    wording = apply(
        "Northbrook", {"contact:phone": PHONE, "disposal:youth_caution:child_meaning": own}
    )
    recipient = next(r for r in recipients(referral) if r.variant is Variant.CHILD_OLDER)
    wanted = editions.plan("Cymraeg", bilingual=False, approved={"cy"})
    edition = editions.make(referral, recipient, wording, wanted, today=local_today())
    assert edition.languages == ("en",)
    assert edition.pending == "cy"
    assert "the service's own wording" in edition.why
    assert own in edition.why
    assert edition.first.notice.startswith("Bydd llythyr yn Gymraeg yn dilyn")
    meaning = edition.first.section("meaning")
    assert meaning is not None
    assert meaning.lines == [own]


def test_translation_checks_catch_long_sentences_joined_ideas_and_a_changed_record(
    factory: Factory,
) -> None:
    referral = _decided(factory, "outcome_22", "easy_read")
    edition = _edition(referral, Variant.EASY_READ, "Polski", False, {"pl"})
    letter = edition.first
    meaning = letter.section("meaning")
    record = letter.section("record")
    assert meaning is not None
    assert record is not None
    meaning.lines = [
        "Możesz dostać pomoc i wsparcie, ale policja nie podejmie dalszych działań, jeśli chcesz."
    ]
    meaning.lines.append(" ".join(["słowo"] * 16) + ".")
    record.lines = ["Nic nie zostanie zapisane."]
    problems = [str(p) for p in checks.check(letter, WORDING, ("one_to_one",))]
    assert any("one idea per sentence" in p and "ale, jeśli" in p for p in problems), problems
    assert any("sentences are 15 words or fewer; this one has 16" in p for p in problems)
    assert any("record must be the catalogue's own translation" in p for p in problems)
    assert all(p.startswith("In the Polish letter") for p in problems)


def test_every_template_word_is_in_the_list_compose_checks() -> None:
    from oocd_panel.letters.compose import TEMPLATE_MESSAGES

    template = (render.PROJECT_ROOT / "templates" / "letters" / "_letter.html").read_text()
    assert set(re.findall(r'_\("([^"]+)"', template)) == set(TEMPLATE_MESSAGES)
