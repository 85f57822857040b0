"""Scrutiny panels: drawing a reproducible sample stratified by outcome, redacting each case's
free texts, recording the panel's ratings, and the pack (PDF and CSV) that names nobody."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from oocd_panel.catalogue.scrutiny import NOT_YET_REDACTED
from oocd_panel.models import (
    AuditEntry,
    Decision,
    DecisionPoint,
    Referral,
    ReferralStatus,
    Role,
    ScrutinyRedaction,
    ScrutinySample,
    Vote,
)
from oocd_panel.plumbing.clock import LONDON, local_today, utcnow
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.services import retention, scrutiny
from oocd_panel.services import scrutiny_pack as pack
from oocd_panel.services.referrals import create_referral
from oocd_panel.services.subject_access.record import gather
from tests.factories import Factory, new_referral
from tests.personal_data import marked_case

S = ReferralStatus
TODAY = local_today()


def _decided(factory: Factory, disposal: str, n: int = 1) -> list[Referral]:
    return [factory.referral_at(S.DECIDED, disposal=disposal) for _ in range(n)]


def _draw(
    factory: Factory, size: int = 5, seed: str | None = "SEED1234", **kw: object
) -> ScrutinySample:
    return scrutiny.draw_sample(
        factory.session,
        factory.cast(Role.MANAGER),
        service_id=factory.service().id,
        start=kw.pop("start", TODAY - dt.timedelta(days=30)),  # type: ignore[arg-type]
        end=kw.pop("end", TODAY),  # type: ignore[arg-type]
        size=size,
        seed=seed,
        **kw,  # type: ignore[arg-type]
    )


def _backdate(session: Session, referral: Referral, days: int) -> None:
    """The referral's decision made `days` ago."""
    session.execute(
        update(Decision)
        .where(Decision.referral_id == referral.id)
        .values(
            decided_at=dt.datetime.combine(
                TODAY - dt.timedelta(days=days), dt.time(12), LONDON
            ).astimezone(dt.UTC)
        )
    )
    session.commit()


def test_a_sample_is_stratified_by_outcome_with_at_least_one_of_each(factory: Factory) -> None:
    _decided(factory, "youth_caution", 6)
    _decided(factory, "community_resolution", 3)
    _decided(factory, "charge", 1)
    sample = _draw(factory, size=5)
    by_outcome = {
        code: sum(c.disposal == code for c in sample.cases) for code in sample.decisions_by_outcome
    }
    # Shares of 5: youth caution 3, community resolution 1.5, charge 0.5; at least one each.
    assert by_outcome == {"youth_caution": 3, "community_resolution": 1, "charge": 1}
    assert sample.decisions_by_outcome == {
        "charge": 1,
        "community_resolution": 3,
        "youth_caution": 6,
    }
    assert [c.number for c in sample.cases] == [1, 2, 3, 4, 5]
    assert [c.label for c in sample.cases][:2] == ["Case 1", "Case 2"]


def test_the_same_period_size_and_seed_draw_the_same_cases_again(factory: Factory) -> None:
    _decided(factory, "youth_caution", 5)
    _decided(factory, "community_resolution", 3)
    first = _draw(factory, size=4, seed="k7qx-3mpa")
    again = _draw(factory, size=4, seed="K7QX3MPA")
    other = _draw(factory, size=4, seed="ZZZZ9999")
    assert first.seed == again.seed == "K7QX3MPA"
    assert [c.referral_id for c in first.cases] == [c.referral_id for c in again.cases]
    assert {c.referral_id for c in first.cases} != {c.referral_id for c in other.cases} or [
        c.referral_id for c in first.cases
    ] != [c.referral_id for c in other.cases]
    # The sample keeps its cases whatever is decided later.
    _decided(factory, "youth_caution", 2)
    kept = factory.session.get_one(ScrutinySample, first.id)
    factory.session.refresh(kept)
    assert [c.referral_id for c in kept.cases] == [c.referral_id for c in again.cases]


def test_without_a_seed_a_new_one_is_chosen_and_kept(factory: Factory) -> None:
    _decided(factory, "youth_caution", 3)
    sample = _draw(factory, size=2, seed=None)
    assert len(sample.seed) == 8
    again = _draw(factory, size=2, seed=sample.seed)
    assert [c.referral_id for c in again.cases] == [c.referral_id for c in sample.cases]


def test_only_the_services_decisions_in_the_period_are_sampled(factory: Factory) -> None:
    inside = _decided(factory, "youth_caution", 2)
    earlier = _decided(factory, "youth_caution")[0]
    _backdate(factory.session, earlier, 60)
    factory.referral_at(S.AT_PANEL)  # not decided
    other_service = factory.service("elsewhere")
    officer = factory.user(Role.POLICE_OFFICER, services=[other_service])
    create_referral(factory.session, officer, new_referral(other_service.id))
    sample = _draw(factory, size=10)
    assert {c.referral_id for c in sample.cases} == {r.id for r in inside}
    assert sample.size == 10  # asked for; the period had two


def test_the_sample_keeps_the_childs_characteristics_at_the_decision(factory: Factory) -> None:
    referral = _decided(factory, "youth_caution")[0]
    point = factory.session.scalars(
        select(DecisionPoint).where(
            DecisionPoint.referral_id == referral.id, DecisionPoint.point == "decided"
        )
    ).one()
    referral.child.ethnicity = "white_british"  # changed since the decision
    factory.session.commit()
    case = _draw(factory).cases[0]
    assert case.ethnicity_group == point.ethnicity_group == "black"
    assert (case.age_band, case.sex, case.care_experience, case.send) == (
        point.age_band, point.sex, point.care_experience, point.send
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start": None}, "start", "Enter the first day of the period"),
        ({"end": TODAY - dt.timedelta(days=40)}, "end", "on or after its first day"),
        ({"size": 0}, "size", "between 1 and 200"),
        ({"size": 201}, "size", "between 1 and 200"),
        ({"size": None}, "size", "in digits"),
        ({"seed": "x" * 41}, "seed", "40 letters and digits or fewer"),
        (
            {"start": TODAY - dt.timedelta(days=400), "end": TODAY - dt.timedelta(days=300)},
            "start",
            "No decisions were made",
        ),
    ],
)
def test_a_request_that_cannot_be_drawn_says_why(
    factory: Factory, changes: dict[str, object], field: str, message: str
) -> None:
    _decided(factory, "youth_caution")
    values: dict[str, object] = {
        "start": TODAY - dt.timedelta(days=30),
        "end": TODAY,
        "size": 5,
        "seed": "SEED1234",
        **changes,
    }
    with pytest.raises(InvalidInput) as refused:
        scrutiny.draw_sample(
            factory.session,
            factory.cast(Role.MANAGER),
            service_id=factory.service().id,
            **values,  # type: ignore[arg-type]
        )
    assert message in refused.value.errors[field]
    assert factory.session.scalars(select(ScrutinySample)).first() is None


def test_only_managers_of_the_service_draw_and_read_samples(factory: Factory) -> None:
    _decided(factory, "youth_caution")
    sample = _draw(factory)
    stranger = factory.user(Role.MANAGER, services=[factory.service("other-yjs")])
    with pytest.raises(NotFound):
        scrutiny.sample_for(factory.session, stranger, sample.id)
    with pytest.raises(NotFound):
        scrutiny.draw_sample(
            factory.session,
            stranger,
            service_id=factory.service().id,
            start=TODAY,
            end=TODAY,
            size=1,
        )
    with pytest.raises(ActionNotAllowed):
        scrutiny.sample_for(factory.session, factory.cast(Role.PRACTITIONER), sample.id)
    assert scrutiny.samples(factory.session, stranger) == []


def _named_votes(factory: Factory, referral: Referral) -> None:
    """The panel's rationales name the child, their mother and give the reference."""
    child = referral.child
    for vote in factory.session.scalars(
        select(Vote).where(Vote.item_id == referral.agenda_items[-1].id)
    ):
        vote.rationale = (
            f"{child.first_name} {child.last_name} ({child.date_of_birth:%d/%m/%Y}) admitted it; "
            f"Pat Parent says {child.first_name} is sorry. Ref {referral.police_reference}."
        )
    factory.session.commit()


def test_the_suggested_redaction_takes_out_what_the_case_records(factory: Factory) -> None:
    referral = _decided(factory, "youth_caution")[0]
    _named_votes(factory, referral)
    sample = _draw(factory)
    view = scrutiny.redaction_view(
        factory.session, factory.cast(Role.MANAGER), sample.id, 1, "decision"
    )
    assert referral.child.first_name in view.source
    assert referral.child.first_name not in view.proposed
    assert "Pat" not in view.proposed
    assert referral.police_reference not in view.proposed
    assert f"{referral.child.date_of_birth:%d/%m/%Y}" not in view.proposed
    assert "[name] ([date of birth]) admitted it; [name] says [name] is sorry." in view.proposed
    assert "Ref [police reference]." in view.proposed
    assert view.confirmed is None
    assert not view.stale


def test_a_redaction_is_confirmed_by_a_person_and_refused_while_it_names_someone(
    factory: Factory,
) -> None:
    referral = _decided(factory, "youth_caution")[0]
    _named_votes(factory, referral)
    sample = _draw(factory)
    manager = factory.cast(Role.MANAGER)
    summary = scrutiny.summaries(scrutiny.sample_for(factory.session, manager, sample.id))[0]
    assert summary.texts[1].shown == NOT_YET_REDACTED
    confirm = {"sample_id": sample.id, "number": 1, "key": "decision"}
    with pytest.raises(InvalidInput) as refused:
        scrutiny.confirm_redaction(
            factory.session,
            manager,
            text=f"{referral.child.last_name} admitted it.",
            confirmed=True,
            **confirm,  # type: ignore[arg-type]
        )
    assert (
        refused.value.errors["text"] == "The text still gives a name: take it out and check again"
    )
    with pytest.raises(InvalidInput) as unconfirmed:
        scrutiny.confirm_redaction(
            factory.session, manager, text="The child admitted it.", confirmed=False, **confirm
        )  # type: ignore[arg-type]
    assert "Confirm that you have read the whole text" in unconfirmed.value.errors["confirmed"]
    scrutiny.confirm_redaction(
        factory.session,
        manager,
        text="The child admitted it and will apologise.",
        confirmed=True,
        **confirm,  # type: ignore[arg-type]
    )
    summary = scrutiny.summaries(scrutiny.sample_for(factory.session, manager, sample.id))[0]
    assert summary.texts[1].shown == "The child admitted it and will apologise."
    assert summary.texts[1].redacted
    audit = factory.session.scalars(select(AuditEntry).where(AuditEntry.action == "redact")).one()
    assert (audit.actor_id, audit.child_id) == (manager.id, referral.child_id)
    # The text it was made from changes: the redaction no longer holds.
    vote = factory.session.scalars(
        select(Vote).where(Vote.item_id == referral.agenda_items[-1].id)
    ).first()
    assert vote is not None
    vote.rationale = "Something else entirely."
    factory.session.commit()
    view = scrutiny.redaction_view(factory.session, manager, sample.id, 1, "decision")
    assert view.stale
    assert view.confirmed is None
    summary = scrutiny.summaries(scrutiny.sample_for(factory.session, manager, sample.id))[0]
    assert summary.texts[1].shown == NOT_YET_REDACTED


def test_the_panels_rating_needs_comments_unless_appropriate_and_a_past_meeting(
    factory: Factory,
) -> None:
    _decided(factory, "youth_caution")
    sample = _draw(factory)
    manager = factory.cast(Role.MANAGER)
    rate = {"sample_id": sample.id, "number": 1}
    cases = [
        (
            {"rating": None, "comments": "", "meeting_on": TODAY},
            "rating",
            "Select the scrutiny panel's rating",
        ),
        (
            {"rating": "inappropriate", "comments": " ", "meeting_on": TODAY},
            "comments",
            "why the panel found",
        ),
        (
            {"rating": "appropriate", "comments": "", "meeting_on": None},
            "meeting_on",
            "Enter the date",
        ),
        (
            {"rating": "appropriate", "comments": "", "meeting_on": TODAY + dt.timedelta(days=1)},
            "meeting_on",
            "today or in the past",
        ),
        (
            {"rating": "appropriate", "comments": "", "meeting_on": TODAY - dt.timedelta(days=1)},
            "meeting_on",
            "on or after the day the sample was drawn",
        ),
    ]
    for values, field, message in cases:
        with pytest.raises(InvalidInput) as refused:
            scrutiny.record_rating(factory.session, manager, **rate, **values)  # type: ignore[arg-type]
        assert message in refused.value.errors[field], (values, refused.value.errors)
    row = scrutiny.record_rating(
        factory.session, manager, **rate, rating="appropriate", comments="", meeting_on=TODAY
    )  # type: ignore[arg-type]
    assert (row.rating, row.comments, row.meeting_on) == ("appropriate", None, TODAY)
    again = scrutiny.record_rating(
        factory.session, manager, **rate, rating="appropriate_with_observations",  # type: ignore[arg-type]
        comments="Record the victim's views.", meeting_on=TODAY,
    )  # fmt: skip
    assert again.id == row.id
    assert again.rating == "appropriate_with_observations"
    actions = [
        e.action
        for e in factory.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.record_type == "scrutiny_rating")
            .order_by(AuditEntry.id)
        )
    ]
    assert actions == ["create", "update"]


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pack_names_nobody_and_shows_free_text_only_once_redacted(factory: Factory) -> None:
    marked = marked_case(factory, letters_out=False)
    manager = factory.cast(Role.MANAGER)
    sample = _draw(factory, size=3)
    assert [c.referral_id for c in sample.cases] == [marked.referral.id]
    # The panel's reasoning redacted as suggested; the assessment's left waiting.
    view = scrutiny.redaction_view(factory.session, manager, sample.id, 1, "decision")
    assert marked.first_name in view.source
    scrutiny.confirm_redaction(
        factory.session, manager, sample_id=sample.id, number=1, key="decision",
        text=view.proposed, confirmed=True,
    )  # fmt: skip
    pdf = scrutiny.export_pack(factory.session, manager, sample.id, "pdf")
    csv_file = scrutiny.export_pack(factory.session, manager, sample.id, "csv")
    assert pdf.content.startswith(b"%PDF")
    assert pdf.content_type == "application/pdf"
    text = _pdf_text(pdf.content)
    rows = list(csv.DictReader(io.StringIO(csv_file.content.decode())))
    assert "Case 1" in text
    assert rows[0]["Case"] == "Case 1"
    assert "[name] admitted it" in text.replace("\n", " ")
    assert rows[0]["The panel's reasoning"].count("[name] admitted it") >= 2
    assert rows[0]["The practitioner's reasons for their recommendation"] == NOT_YET_REDACTED
    assert NOT_YET_REDACTED in text
    assert rows[0]["Age band"] == "10 to 14"
    assert "Month of the decision" in rows[0]
    for marker in [*marked.markers, str(marked.born.year), f"/cases/{marked.referral.id}"]:
        for where, content in (("PDF", text), ("CSV", csv_file.content.decode())):
            assert marker.lower() not in content.lower(), (where, marker)
    assert pack.month_of(TODAY) in text  # the month of the decision, never its day
    # Each export recorded: the sample, and the child whose case is in it.
    exports = factory.session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert {(e.record_type, e.details.get("format")) for e in exports} == {
        ("scrutiny_sample", "pdf"), ("scrutiny_sample", "csv"),
        ("scrutiny_case", "pdf"), ("scrutiny_case", "csv"),
    }  # fmt: skip
    assert {e.child_id for e in exports if e.record_type == "scrutiny_case"} == {marked.child_id}
    assert all(e.actor_id == manager.id for e in exports)


def test_the_retention_schedule_removes_the_redacted_texts_and_comments(factory: Factory) -> None:
    marked = marked_case(factory, letters_out=False)
    manager = factory.cast(Role.MANAGER)
    sample = _draw(factory)
    view = scrutiny.redaction_view(factory.session, manager, sample.id, 1, "decision")
    scrutiny.confirm_redaction(
        factory.session, manager, sample_id=sample.id, number=1, key="decision",
        text=view.proposed, confirmed=True,
    )  # fmt: skip
    scrutiny.record_rating(
        factory.session, manager, sample_id=sample.id, number=1, rating="inappropriate",
        comments="The child should have been offered support.", meeting_on=TODAY,
    )  # fmt: skip
    retention.purge_child(factory.session, marked.child_id, TODAY + dt.timedelta(days=365 * 30))
    assert factory.session.scalars(select(ScrutinyRedaction)).all() == []
    case = factory.session.get_one(ScrutinySample, sample.id).cases[0]
    factory.session.refresh(case)
    assert case.rating is not None
    assert (case.rating.rating, case.rating.comments) == ("inappropriate", None)


def test_subject_access_shows_the_childs_case_in_a_sample(factory: Factory) -> None:
    referral = _decided(factory, "youth_caution")[0]
    manager = factory.cast(Role.MANAGER)
    sample = _draw(factory)
    scrutiny.confirm_redaction(
        factory.session, manager, sample_id=sample.id, number=1, key="decision",
        text="The child admitted it.", confirmed=True,
    )  # fmt: skip
    scrutiny.record_rating(
        factory.session, manager, sample_id=sample.id, number=1, rating="appropriate",
        comments="", meeting_on=TODAY,
    )  # fmt: skip
    record, _ = gather(factory.session, manager, referral.child, utcnow())
    assert record["cases"][0]["scrutiny_panel_reviews"] == [
        {
            "sample": sample.id,
            "case": "Case 1",
            "texts_as_redacted": {
                "decision": {"text": "The child admitted it.", "confirmed_by": manager.full_name}
            },
            "rating": "Appropriate",
            "comments": None,
            "meeting": record["cases"][0]["scrutiny_panel_reviews"][0]["meeting"],
        }
    ]
