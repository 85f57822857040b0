"""The family feedback page (no sign-in), the letter's link as the web issues it, and the
answers in the reports and the panel briefing, suppressed like every count."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals
from oocd_panel.letters import readability
from oocd_panel.models import FeedbackLink, FeedbackTally, Letter, ReferralStatus, Role, User
from oocd_panel.services import feedback
from tests.factories import Factory
from tests.services.test_feedback import ANSWERS, _phone, issue, token_of
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus


def _client(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    sign_in(client, user)
    return client


def _code(factory: Factory, disposal: str = "outcome_22", recipient: str = "child") -> str:
    return token_of(issue(factory, disposal, recipient))


def test_the_link_opens_three_plain_questions_without_signing_in(
    client: FlaskClient, factory: Factory
) -> None:
    _phone(factory)
    response = client.get(f"/f/{_code(factory)}")
    assert response.status_code == 200
    text = text_of(response)
    assert "Tell us what you think" in text
    assert "We do not record who you are." in text
    for words in (
        "Did the letter make sense?",
        "Do you know what happens next?",
        "How was the meeting with the panel or your worker?",
        "Not sure",
        "No meeting yet",
    ):
        assert words in text
    # Nothing typed: no free text can carry a name.
    html = response.get_data(as_text=True)
    assert "<textarea" not in html
    assert 'type="text"' not in html
    # No staff menu or sign-in on a family's page.
    assert "My work" not in text
    assert "Sign in" not in text
    assert response.headers["Cache-Control"] == "no-store"


def _plain(page: str) -> list[str]:
    """The words a family reads on the page: its paragraphs, list items, questions, answers."""
    main = re.search(r"<main.*?</main>", page, re.S)
    assert main is not None
    found = re.findall(r"<(p|li|legend|label|h1)\b[^>]*>(.*?)</\1>", main.group(0), re.S)
    return [" ".join(unescape(re.sub(r"<[^>]+>", " ", text)).split()) for _, text in found]


def test_every_page_a_family_sees_is_in_plain_words(client: FlaskClient, factory: Factory) -> None:
    """A reading age of about 9 (grade 4 at most, as the child's letters), and short sentences:
    the same bar as an Easy Read letter."""
    _phone(factory)
    code = _code(factory)
    pages = [client.get(f"/f/{code}"), client.post(f"/f/{code}", data={})]
    pages.append(client.get("/f/0000000000"))
    client.post(f"/f/{code}", data=ANSWERS)
    pages.append(client.get(f"/f/{code}"))
    for response in pages:
        words = _plain(response.get_data(as_text=True))
        assert words
        text = " ".join(w if w.endswith((".", "?", ":")) else f"{w}." for w in words)
        assert readability.grade(text) <= 4, text
        for sentence in (s for w in words for s in readability.sentences(w)):
            assert readability.word_count(sentence) <= 15, sentence


def test_answering_thanks_once_and_the_link_is_used_up(
    app: Flask, client: FlaskClient, factory: Factory, session: Session
) -> None:
    _phone(factory)
    code = _code(factory)
    response = client.post(f"/f/{code}", data=ANSWERS)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/f/{code}"
    thanks = client.get(f"/f/{code}")
    assert thanks.status_code == 200
    assert "Thank you" in text_of(thanks)
    assert "You cannot use this link again." in text_of(thanks)
    assert session.scalar(select(func.sum(FeedbackTally.count))) == 3
    # Sending again from the same browser changes nothing and says thank you again.
    again = client.post(f"/f/{code}", data={**ANSWERS, "letter_clear": "no"})
    assert again.status_code == 200
    assert "Thank you" in text_of(again)
    assert session.scalar(select(func.sum(FeedbackTally.count))) == 3
    # Anywhere else, a used link looks like any link that does not work.
    elsewhere = app.test_client().get(f"/f/{code}")
    assert elsewhere.status_code == 404
    assert "This link does not work" in text_of(elsewhere)
    assert "If you have already answered, thank you." in text_of(elsewhere)


def test_a_missing_answer_is_listed_at_the_top_and_nothing_is_counted(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    _phone(factory)
    code = _code(factory)
    response = client.post(f"/f/{code}", data={"knows_next": "yes", "meeting": "soon"})
    assert response.status_code == 400
    assert error_summary(response) == [
        ("#letter_clear", "Choose an answer to 'Did the letter make sense?'"),
        ("#meeting", "Choose an answer to 'How was the meeting with the panel or your worker?'"),
    ]
    # What was chosen stays chosen.
    assert re.search(r'value="yes"\s+checked', response.get_data(as_text=True))
    assert session.scalar(select(func.count()).select_from(FeedbackTally)) == 0
    assert client.post(f"/f/{code}", data=ANSWERS).status_code == 302


@pytest.mark.parametrize(
    "code",
    ["0000000000", "nonsense", "x" * 500, "K7M3P%00Q9X", "%E2%80%AEK7M3PQ9X2R", "'; drop table"],
)
def test_a_link_that_does_not_work_says_so_plainly_never_a_crash(
    client: FlaskClient, code: str
) -> None:
    for response in (client.get(f"/f/{code}"), client.post(f"/f/{code}", data=ANSWERS)):
        assert response.status_code == 404
        assert "This link does not work" in text_of(response)
        assert "If you typed the link, check it is the same as on your letter." in text_of(response)


def test_odd_answers_and_an_expired_form_never_crash(
    app: Flask, client: FlaskClient, factory: Factory, session: Session
) -> None:
    _phone(factory)
    code = _code(factory)
    odd = {"letter_clear": ["yes", "no"], "knows_next": "\u202eyes", "meeting": "x" * 10_000}
    response = client.post(f"/f/{code}", data=odd)
    assert response.status_code == 400
    assert {href for href, _ in error_summary(response)} == {"#knows_next", "#meeting"}
    app.config["WTF_CSRF_ENABLED"] = True
    expired = client.post(f"/f/{code}", data=ANSWERS)
    assert expired.status_code == 400
    assert "your answers were not sent" in text_of(expired)
    assert session.scalar(select(func.count()).select_from(FeedbackTally)) == 0


def test_many_links_that_do_not_work_slow_that_address(
    app: Flask, client: FlaskClient, factory: Factory
) -> None:
    _phone(factory)
    code = _code(factory)
    for i in range(feedback.MISSES):
        assert client.get(f"/f/{i:010d}").status_code == 404
    busy = client.get(f"/f/{code}")
    assert busy.status_code == 429
    assert "Wait until" in text_of(busy)
    other = app.test_client().get(f"/f/{code}", environ_base={"REMOTE_ADDR": "192.0.2.77"})
    assert other.status_code == 200


def test_the_preview_shows_where_the_link_goes_and_the_issued_letter_has_it(
    app: Flask, factory: Factory, session: Session
) -> None:
    _phone(factory)
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="youth_caution")
    worker = _client(app, factory.cast(Role.PRACTITIONER))
    preview = text_of(worker.get(f"/cases/{referral.id}/letters/child"))
    assert "Tell us what you think" in preview
    assert "The link and its QR code go here when the letter is issued." in preview
    app.config["PUBLIC_URL"] = "https://panel.northbrook.example"
    try:
        assert worker.post(f"/cases/{referral.id}/letters/child").status_code == 302
    finally:
        app.config["PUBLIC_URL"] = None
    letter = session.scalars(select(Letter)).one()
    found = re.search(r"https://panel\.northbrook\.example/f/([0-9A-Z]{10})", letter.html)
    assert found is not None
    assert session.scalars(select(FeedbackLink.letter_id)).all() == [letter.id]
    # The printed link opens the page.
    assert app.test_client().get(f"/f/{found.group(1)}").status_code == 200


def _answered(factory: Factory, disposal: str, recipient: str, times: int, **answers: str) -> None:
    session = factory.session
    for _ in range(times):
        code = _code(factory, disposal, recipient)
        feedback.answer(session, code, {**ANSWERS, **answers}, address="192.0.2.1")


def test_the_reports_show_the_answers_by_outcome_and_reader_with_small_counts_hidden(
    app: Flask, factory: Factory
) -> None:
    _phone(factory)
    _answered(factory, "outcome_22", "child", 6)
    _answered(factory, "community_resolution", "parent", 5, letter_clear="no")
    _answered(factory, "youth_caution", "child", 2, letter_clear="no")  # too few to publish
    manager = _client(app, factory.cast(Role.MANAGER))
    text = text_of(manager.get("/reports"))
    assert "What families told us about their letters" in text
    assert "Families answered 13 times about letters issued in the period." in text
    table = re.search(r"Did the letter make sense\? by outcome (.*?) Did the letter", text)
    assert table is not None
    rows = table.group(1)
    name = disposals.get
    # Outcome 22: 6 yes, none partly or no, 6 in all.
    assert f"{name('outcome_22').name} 6 0 0 6" in rows
    # The youth caution's 2 are too few: its row is withheld (its total is small too), and so is
    # the next smallest (community resolution): neither can be worked out from other figures.
    hidden = "not shown not shown fewer than 5 fewer than 5"
    assert f"{name('youth_caution').name} {hidden}" in rows
    assert f"{name('community_resolution').name} {' '.join(['not shown'] * 4)}" in rows
    assert f"{name('no_further_action').name} No answers" in rows
    export = manager.get("/reports/feedback.csv")
    assert export.status_code == 200
    lines = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    for line in lines:
        assert not (line["Count"].isdigit() and 0 < int(line["Count"]) < 5), line
    # By reader: the child's letters hold the youth caution's 2 "no"s, so the child's row is
    # withheld, and with it the parents' (a row is never withheld alone).
    child = [
        (line["Answer"], line["Count"])
        for line in lines
        if line["Question"] == "Did the letter make sense?" and line["Group"] == "The child"
    ]
    assert child == [
        ("Yes", "not shown"),
        ("Partly", "not shown"),
        ("No", "fewer than 5"),
        ("All", "not shown"),
    ]


def test_the_panel_briefing_carries_what_families_said(app: Flask, factory: Factory) -> None:
    _phone(factory)
    _answered(factory, "outcome_22", "child", 5)
    referral = factory.referral_at(S.AT_PANEL)
    item = referral.agenda_items[-1]
    # Briefings are kept per service id, which another test's (rolled back) service may share.
    app.extensions.pop("oocd_briefings", None)
    try:
        chair = _client(app, factory.panel().chair)
        text = text_of(chair.get(f"/panels/{item.meeting_id}/cases/{item.id}/pack"))
    finally:
        app.extensions.pop("oocd_briefings", None)
    assert "What families told us about their letters" in text
    assert "issued in the same months: 5 in all" in text
    assert "Did the letter make sense? Yes: 5; Partly: 0; No: 0" in text
    assert "How was the meeting with the panel or your worker? Good: 0; OK: 0;" in text
