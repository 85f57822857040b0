"""Easy Read pictures: every point carries a picture of what it says, and a picture means one
thing in a letter; they are in the preview and in the PDF, with text alternatives."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import re
from html import unescape

import pytest
from flask import Flask

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.letters import pictures, points, render
from oocd_panel.letters.compose import FirstMeeting, Letter, Variant, compose, recipients
from oocd_panel.letters.feedback import FeedbackBlock
from oocd_panel.letters.pictures import Topic
from oocd_panel.letters.points import Point
from oocd_panel.letters.readability import sentences
from oocd_panel.letters.wording import Wording, apply
from oocd_panel.models import Referral, ReferralStatus, Role, Route
from oocd_panel.plumbing.clock import local_today, years_before
from tests.factories import Factory, child_details
from tests.web.helpers import sign_in

WORDING = apply(
    "Northbrook",
    {"contact:phone": "01632 960 123", "contact:email": "youth.justice@northbrook.example"},
)
EASY_READ = (Variant.EASY_READ, Variant.PARENT_EASY_READ)


def _decided(factory: Factory, disposal: str) -> Referral:
    child = child_details(
        date_of_birth=years_before(local_today(), 15) - dt.timedelta(days=30),
        needs_easy_read=True,
    )
    referral = factory.referral_at(ReferralStatus.DECIDED, disposal=disposal, child=child)
    referral.child.contacts[0].needs_easy_read = True
    factory.session.commit()
    return referral


def _letter(
    referral: Referral, variant: Variant, meeting: FirstMeeting | None, wording: Wording = WORDING
) -> Letter:
    recipient = next(r for r in recipients(referral) if r.variant is variant)
    return compose(referral, recipient, wording, meeting=meeting, today=local_today())


def _points(letter: Letter) -> list[tuple[str, str]]:
    return [(s.key, line) for s in letter.sections for line in [*s.lines, *s.items]]


MEETING = FirstMeeting(local_today() + dt.timedelta(days=7), "4pm", "the youth centre")
CASES = [(d.code, v) for d in disposals.CATALOGUE for v in EASY_READ]


@pytest.mark.parametrize(("disposal", "variant"), CASES, ids=[f"{d}-{v}" for d, v in CASES])
def test_every_point_of_every_easy_read_letter_has_a_picture_of_what_it_says(
    factory: Factory, disposal: str, variant: Variant
) -> None:
    referral = _decided(factory, disposal)
    assert referral.decision is not None
    # Every piece of work a panel can offer, so each description's picture is seen.
    referral.decision.interventions = [i.code for i in interventions.CATALOGUE]
    for meeting in (MEETING, None):
        _assert_pictured(_letter(referral, variant, meeting))


def _assert_pictured(letter: Letter) -> None:
    found = _points(letter)
    assert found
    for key, line in found:
        assert isinstance(line, Point), f"{key}: {line!r} has no topic"
        assert line.topic is not Topic.GENERIC, f"{key}: {line!r} has the generic picture"
        assert len(sentences(line)) == 1, "Easy Read: one sentence a point"
    # One meaning a picture: a picture repeats only for the same topic.
    meanings: dict[pictures.Picture, set[Topic]] = {}
    for _, line in found:
        topic = pictures.topic_of(line)
        meanings.setdefault(pictures.picture(topic), set()).add(topic)
    assert all(len(topics) == 1 for topics in meanings.values()), meanings


@pytest.mark.parametrize("outcome", [d.code for d in disposals.police_alone()])
def test_the_police_alone_letters_picture_every_point_too(factory: Factory, outcome: str) -> None:
    child = child_details(needs_easy_read=True)
    referral = factory.referral(
        route=Route.NOTIFICATION, police_outcome=outcome, proposed_outcome=outcome, child=child
    )
    factory.act(referral, "offer_support", Role.PRACTITIONER)
    referral.child.contacts[0].needs_easy_read = True
    offered = tuple(i.code for i in interventions.CATALOGUE)
    for recipient in recipients(referral):
        assert recipient.variant in EASY_READ
        letter = compose(
            referral, recipient, WORDING, meeting=MEETING, offered=offered, today=local_today()
        )
        _assert_pictured(letter)
        choice = letter.section("choice")
        assert choice is not None
        unchanged = [line for line in choice.lines if "does not change" in line]
        assert [pictures.topic_of(line) for line in unchanged] == [Topic.UNCHANGED]


def test_no_two_topics_share_a_picture_and_each_is_in_the_installed_openmoji_set() -> None:
    assert set(pictures.PICTURES) == set(Topic)
    drawn = [(p.icon, p.badge) for p in pictures.PICTURES.values()]
    assert len(drawn) == len(set(drawn)), "a picture would mean two things"
    alts = [p.alt for p in pictures.PICTURES.values()]
    assert len(alts) == len(set(alts))
    assert all(alts)
    for topic in Topic:
        markup = str(pictures.svg(topic))
        # Each icon's drawing is there (not an empty box), and ids would clash when repeated.
        assert "<path" in markup, topic
        assert " id=" not in markup, topic
    info = json.loads((pictures.ICON_SET.parent / "info.json").read_text())
    assert info["license"]["spdx"] == "CC-BY-SA-4.0"


def test_a_sentence_split_from_a_line_keeps_its_own_topic() -> None:
    line = Point(
        "Some were from the police. Some were from the youth justice team.",
        *(
            Topic.POLICE,
            Topic.YOUTH_WORKER,
        ),
    )
    split = points.split(line)
    assert split == ["Some were from the police.", "Some were from the youth justice team."]
    assert [pictures.topic_of(s) for s in split] == [Topic.POLICE, Topic.YOUTH_WORKER]
    # A translation or an edit with another number of sentences: the line's topic for each.
    joined = points.split(Point("Some were from the police, some from the team.", *line.topics))
    assert [pictures.topic_of(s) for s in joined] == [Topic.POLICE]
    # A line written without a topic is found out (the generic picture).
    assert pictures.topic_of(points.split("Plain text. Two sentences.")[1]) is Topic.GENERIC


@pytest.mark.parametrize("code", list(disposals.LETTER_TEXTS))
def test_the_catalogues_own_texts_have_a_topic_for_each_sentence(code: str) -> None:
    texts = disposals.LETTER_TEXTS[code]
    for field in dataclasses.fields(texts):
        text = getattr(texts, field.name)
        if not text:
            continue
        topics = points.DEFAULT_TOPICS.get((code, field.name))
        count = len(sentences(text))
        if count > 1:
            assert topics is not None, f"{code} {field.name}: a topic for each sentence"
        if topics is not None:
            assert len(topics) == count, f"{code} {field.name}: {count} sentences"


def test_a_services_own_wording_takes_the_topic_of_what_its_field_says() -> None:
    voluntary = disposals.get("outcome_22")
    conditional = disposals.get("youth_conditional_caution")
    edited = "If you say no, that is fine. Nothing happens."
    assert points.from_catalogue(voluntary, "child_if_not", edited).topics == (Topic.SAY_NO,)
    assert points.from_catalogue(conditional, "child_if_not", edited).topics == (Topic.COURT,)
    assert points.from_catalogue(voluntary, "child_record", edited).topics == (Topic.RECORD,)
    default = disposals.LETTER_TEXTS["outcome_22"].child_record
    assert points.from_catalogue(voluntary, "child_record", default).topics[0] is (
        Topic.NOT_CRIMINAL_RECORD
    )


def test_every_intervention_has_a_topic_for_each_sentence_of_its_description() -> None:
    for intervention in interventions.CATALOGUE:
        topics = points.INTERVENTION_TOPICS[intervention.code]
        assert len(topics) == len(sentences(intervention.plain_description)), intervention.code


def test_an_overridden_text_is_still_pictured_in_the_letter(factory: Factory) -> None:
    referral = _decided(factory, "outcome_22")
    wording = apply(
        "Northbrook",
        {
            "contact:phone": "01632 960 123",
            "disposal:outcome_22:child_if_not": "You can say no. Nothing else happens then.",
        },
    )
    letter = _letter(referral, Variant.EASY_READ, MEETING, wording)
    if_not = letter.section("if_not")
    assert if_not is not None
    assert [pictures.topic_of(line) for line in if_not.lines] == [Topic.SAY_NO, Topic.SAY_NO]


def _img_alts(html: str) -> list[str]:
    return re.findall(
        r'<img class="app-letter__picture" src="picture:[a-z_]+" alt="([^"]+)">', html
    )


def test_the_pdf_has_a_picture_left_of_every_point_with_its_text_alternative(
    factory: Factory,
) -> None:
    referral = _decided(factory, "youth_caution")
    letter = _letter(referral, Variant.EASY_READ, MEETING)
    html = render.to_html(letter, "Northbrook")
    alts = _img_alts(html)
    assert len(alts) == len(_points(letter))
    assert "A signpost: you choose" in alts
    assert "A police officer" in alts
    assert pictures.ATTRIBUTION in unescape(html)
    pdf = render.to_pdf(html)
    # Each distinct picture embedded once (JPEG), the attribution printed.
    assert pdf.count(b"/DCTDecode") == len(set(alts))
    for topic in {pictures.topic_of(line) for _, line in _points(letter)}:
        assert pictures.print_image(topic).startswith(b"\xff\xd8")  # a JPEG


def test_pictures_are_decoded_once_for_every_letter_but_no_letters_qr_code_is_kept(
    factory: Factory,
) -> None:
    referral = _decided(factory, "youth_caution")
    letter = _letter(referral, Variant.EASY_READ, MEETING)
    links = [FeedbackBlock(f"https://panel.example/f/K7M3PQ9X2{last}") for last in "RS"]
    for link in links:
        html = render.to_html(letter, "Northbrook", link)
        pdf = render.to_pdf(html)
        assert pdf.count(b"/DCTDecode") == len(set(_img_alts(html)))  # the pictures
        assert link.qr_image is not None
        assert link.qr_image in html
    kept = [str(key) for key in render._PICTURE_CACHE]
    assert any(key.startswith(pictures.PRINT_URL_PREFIX) for key in kept)
    codes = {
        hashlib.md5(str(link.qr_image).encode(), usedforsecurity=False).hexdigest()
        for link in links
    }
    assert not [key for key in kept if key.startswith("data:") or key.split("-")[0] in codes]


def test_letters_that_are_not_easy_read_have_no_pictures(factory: Factory) -> None:
    referral = _decided(factory, "youth_caution")
    referral.child.needs_easy_read = False
    referral.child.contacts[0].needs_easy_read = False
    assert referral.assessment is not None
    section = referral.assessment.section("circumstances")
    assert section is not None
    section.answers = {**section.answers, "easy_read": "no"}
    factory.session.commit()
    for recipient in recipients(referral):
        assert not recipient.variant.easy_read
        letter = compose(referral, recipient, WORDING, meeting=MEETING, today=local_today())
        html = render.to_html(letter, "Northbrook")
        assert "app-letter__picture" not in html
        assert "OpenMoji" not in html


def test_easy_read_text_is_at_least_14_point_and_pictures_2_cm() -> None:
    css = render.STYLESHEET.read_text()
    size = re.search(r"\.app-letter--easy-read \{[^}]*font-size: (\d+)pt", css)
    assert size is not None
    assert int(size.group(1)) >= 14
    picture = re.search(r"\.app-letter__picture \{[^}]*width: 2cm; height: 2cm", css)
    assert picture is not None


def test_the_preview_page_shows_each_picture_inline_with_its_text_alternative(
    app: Flask, factory: Factory
) -> None:
    child = child_details(needs_easy_read=True)
    referral = factory.referral_at(
        ReferralStatus.OUTCOME_DELIVERED, disposal="community_resolution", child=child
    )
    worker = app.test_client()
    sign_in(worker, factory.cast(Role.PRACTITIONER))
    page = worker.get(f"/cases/{referral.id}/letters/child")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    shown = re.findall(
        r'<div class="app-letter__point">\s*<svg class="app-letter__picture" [^>]*'
        r'role="img" aria-label="([^"]+)"[^>]*><title>([^<]+)</title>.*?</svg>\s*'
        r'<p class="app-letter__line">([^<]+)</p>',
        html,
        flags=re.S,
    )
    assert len(shown) == html.count('class="app-letter__point"') > 20
    assert all(label == title for label, title, _ in shown)
    by_line = {unescape(line): unescape(label) for label, _, line in shown}
    assert by_line["Taking part is your choice."] == "A signpost: you choose"
    assert by_line["You can say no."] == "Someone saying no"
    assert by_line["It is not a criminal record."] == "A file crossed out"
    assert pictures.ATTRIBUTION in unescape(html)
