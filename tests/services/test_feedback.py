"""Family feedback: each letter's one-time link, made as it is issued, and answers that keep
nothing about who gave them."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

import pytest
import segno
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from oocd_panel.models import (
    AuditEntry,
    FeedbackLink,
    FeedbackMiss,
    FeedbackTally,
    Letter,
    ReferralStatus,
    Role,
)
from oocd_panel.plumbing.clock import local_date, utcnow
from oocd_panel.plumbing.errors import InvalidInput
from oocd_panel.services import feedback, letters
from tests.factories import Factory

S = ReferralStatus
BASE = "https://panel.northbrook.example/f/"
ANSWERS = {"letter_clear": "yes", "knows_next": "not_sure", "meeting": "no_meeting"}
_LINK = re.compile(re.escape(BASE) + r"([0-9A-Z]+)")


def link_for(token: str) -> str:
    return BASE + token


def _phone(factory: Factory) -> None:
    factory.approved_wording({"contact:phone": "01632 960 123"})


def issue(factory: Factory, disposal: str = "outcome_22", recipient: str = "child") -> Letter:
    """A letter issued with its feedback link, as the web issues it."""
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal=disposal)
    key = recipient if recipient == "child" else f"contact-{referral.child.contacts[0].id}"
    return letters.issue(
        factory.session, factory.cast(Role.PRACTITIONER), referral.id, key, feedback_link=link_for
    )


def token_of(letter: Letter) -> str:
    """The token printed on the letter: the only place it is kept."""
    found = _LINK.search(letter.html)
    assert found is not None, "the letter prints its feedback link"
    return found.group(1)


def test_an_issued_letter_prints_its_link_and_the_qr_code_made_from_exactly_it(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    row = issue(factory)
    token = token_of(row)
    url = link_for(token)
    # Short enough to type from paper, in an alphabet with no I, L, O or U: 50 bits.
    assert len(token) == 10
    assert set(token) <= set(feedback.ALPHABET)
    assert len(feedback.ALPHABET) ** len(token) >= 2**50
    assert "Tell us what you think" in row.html
    assert "We do not record who you are." in row.html
    # The QR code is segno's drawing of the very link printed beside it: in the letter as
    # issued, a PNG of one pixel per module, with its text alternative.
    png = segno.make(url, error="m").png_data_uri(scale=1, border=2)
    assert (
        f'<img class="app-letter__qr-code" src="{png}" '
        'alt="A QR code. It opens the same page as the link.">'
    ) in row.html
    assert row.pdf.startswith(b"%PDF")
    # Only the token's SHA-256 is kept, with what the answers are counted by.
    link = session.scalars(select(FeedbackLink)).one()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in {str(v) for v in vars(link).values()}
    assert link.letter_id == row.id
    assert (link.service_id, link.disposal, link.audience) == (
        factory.service().id,
        "outcome_22",
        "child",
    )
    assert link.month == local_date(row.issued_at).replace(day=1)
    assert link.expires_at == row.issued_at + feedback.LINK_LIFETIME


def test_a_parents_letter_counts_as_a_parents_and_issuing_again_revokes_the_old_link(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    first = issue(factory, "community_resolution", recipient="parent")
    assert session.scalars(select(FeedbackLink.audience)).one() == "parent"
    again = letters.issue(
        session,
        factory.cast(Role.PRACTITIONER),
        first.referral_id,
        first.recipient_key,
        feedback_link=link_for,
    )
    assert again.number == 2
    assert token_of(again) != token_of(first)
    # Only the newest letter's link works: one family, one answer.
    assert session.scalars(select(FeedbackLink.letter_id)).all() == [again.id]
    with pytest.raises(feedback.LinkNotValid):
        feedback.open_link(session, token_of(first), address="192.0.2.1")
    feedback.open_link(session, token_of(again), address="192.0.2.1")


def test_without_a_way_to_make_links_a_letter_has_no_feedback_block(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    referral = factory.referral_at(S.OUTCOME_DELIVERED, disposal="outcome_22")
    row = letters.issue(session, factory.cast(Role.PRACTITIONER), referral.id, "child")
    assert "Tell us what you think" not in row.html
    assert session.scalar(select(func.count()).select_from(FeedbackLink)) == 0


def test_answering_counts_each_answer_and_uses_the_link_up(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    row = issue(factory)
    token = token_of(row)
    feedback.answer(session, token, ANSWERS, address="192.0.2.1")
    tallies = session.scalars(select(FeedbackTally).order_by(FeedbackTally.question)).all()
    assert [(t.question, t.answer, t.count) for t in tallies] == [
        ("knows_next", "not_sure", 1),
        ("letter_clear", "yes", 1),
        ("meeting", "no_meeting", 1),
    ]
    assert {(t.service_id, t.month, t.disposal, t.audience) for t in tallies} == {
        (factory.service().id, local_date(row.issued_at).replace(day=1), "outcome_22", "child")
    }
    # Used up: the link's row is gone, so nothing joins the letter to the answers any more.
    assert session.scalar(select(func.count()).select_from(FeedbackLink)) == 0
    with pytest.raises(feedback.LinkNotValid):
        feedback.answer(session, token, {**ANSWERS, "letter_clear": "no"}, address="192.0.2.1")
    with pytest.raises(feedback.LinkNotValid):
        feedback.open_link(session, token, address="192.0.2.1")
    assert session.scalar(select(func.sum(FeedbackTally.count))) == 3


def test_a_second_family_adds_to_the_same_counts(factory: Factory, session: Session) -> None:
    _phone(factory)
    for _ in range(2):
        feedback.answer(session, token_of(issue(factory)), ANSWERS, address="192.0.2.1")
    counts = session.scalars(select(FeedbackTally.count)).all()
    assert counts == [2, 2, 2]


def test_nothing_kept_with_an_answer_could_say_whose_it_is(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    row = issue(factory)
    before = session.scalar(select(func.max(AuditEntry.id))) or 0
    feedback.answer(session, token_of(row), ANSWERS, address="198.51.100.23")
    # The counts' columns: the service, the letter's month, its outcome, child or parent, the
    # question and the answer, and how many. No letter, referral, child, time or address.
    columns = {c.key for c in inspect(FeedbackTally).columns}
    assert columns == {
        "id",
        "service_id",
        "month",
        "disposal",
        "audience",
        "question",
        "answer",
        "count",
    }
    values = {
        str(getattr(t, c)) for t in session.scalars(select(FeedbackTally)) for c in columns
    } - {str(factory.service().id)}
    assert str(row.id) not in values
    assert str(row.referral_id) not in values
    # The one audit row says only that a family of the service answered, not from where.
    audit = session.scalars(select(AuditEntry).where(AuditEntry.id > before)).one()
    assert (audit.action, audit.record_type, audit.record_id) == (
        "feedback_answered",
        "service",
        str(factory.service().id),
    )
    assert (audit.actor_id, audit.child_id, audit.details) == (None, None, {})
    assert audit.origin == "feedback page"
    # A right link leaves no address behind.
    assert session.scalar(select(func.count()).select_from(FeedbackMiss)) == 0


def test_answers_must_all_be_given_and_from_the_list(factory: Factory, session: Session) -> None:
    _phone(factory)
    token = token_of(issue(factory))
    with pytest.raises(InvalidInput) as raised:
        feedback.answer(
            session,
            token,
            {"letter_clear": "maybe", "knows_next": None, "meeting": "good"},
            address="192.0.2.1",
        )
    assert raised.value.errors == {
        "letter_clear": "Choose an answer to 'Did the letter make sense?'",
        "knows_next": "Choose an answer to 'Do you know what happens next?'",
    }
    # Nothing was counted, and the link still works.
    assert session.scalar(select(func.count()).select_from(FeedbackTally)) == 0
    feedback.answer(session, token, ANSWERS, address="192.0.2.1")


def test_a_link_can_be_typed_as_people_type(factory: Factory, session: Session) -> None:
    assert feedback.read_token("k7m3p-q9x2r") == "K7M3PQ9X2R"
    assert feedback.read_token(" K7M3P Q9X2R ") == "K7M3PQ9X2R"
    assert feedback.read_token("O0IL1ABCDE") == "00111ABCDE"
    for wrong in ("", "K7M3P", "K7M3PQ9X2RR", "K7M3PQ9X2U", "K7M3PQ9X2\u0405", "x" * 5000):
        assert feedback.read_token(wrong) is None
    _phone(factory)
    token = token_of(issue(factory))
    typed = f"{token[:5].lower()}-{token[5:].lower()}".replace("0", "o").replace("1", "l")
    feedback.answer(session, typed, ANSWERS, address="192.0.2.1")
    assert session.scalar(select(func.sum(FeedbackTally.count))) == 3


def test_an_expired_link_does_not_work_and_the_purge_removes_it(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    row = issue(factory)
    later = row.issued_at + feedback.LINK_LIFETIME + dt.timedelta(seconds=1)
    with pytest.raises(feedback.LinkNotValid):
        feedback.answer(session, token_of(row), ANSWERS, address="192.0.2.1", now=later)
    assert feedback.expired_links(session, later) == 1
    assert feedback.expired_links(session, utcnow()) == 0
    assert feedback.prune_expired_links(session, later) == 1
    assert session.scalar(select(func.count()).select_from(FeedbackLink)) == 0


def test_guessing_links_from_one_address_is_slowed_and_forgets_nobody_elses(
    factory: Factory, session: Session
) -> None:
    _phone(factory)
    token = token_of(issue(factory))
    now = utcnow()
    for i in range(feedback.MISSES):
        with pytest.raises(feedback.LinkNotValid):
            feedback.open_link(session, f"{i:010d}", address="203.0.113.9", now=now)
    # From there, no link is looked up, right or wrong, until the window has passed.
    with pytest.raises(feedback.FeedbackBusy, match="Wait until"):
        feedback.open_link(session, token, address="203.0.113.9", now=now)
    with pytest.raises(feedback.FeedbackBusy):
        feedback.answer(session, token, ANSWERS, address="203.0.113.9", now=now)
    # Another address is not slowed, and the window ends.
    feedback.open_link(session, token, address="192.0.2.1", now=now)
    later = now + feedback.MISS_WINDOW + dt.timedelta(seconds=1)
    feedback.answer(session, token, ANSWERS, address="203.0.113.9", now=later)
    # Misses are kept no longer than the window.
    with pytest.raises(feedback.LinkNotValid):
        feedback.open_link(session, "0000000000", address="192.0.2.1", now=later)
    assert session.scalars(select(FeedbackMiss.address)).all() == ["192.0.2.1"]
