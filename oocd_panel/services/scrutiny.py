"""Scrutiny panels: a manager draws a reproducible random sample of the service's decided cases,
stratified by outcome (rules/scrutiny_sampling.py); redacts each case's free texts for the
panel (rules/redaction.py suggests, a person confirms); exports the anonymised pack as PDF or
CSV (services/scrutiny_pack.py), each export on the audit trail; and records the panel's
rating of each decision. The report is evaluation/scrutiny.py's.

Only managers of the sample's service draw, read, redact, export and rate; anyone else is told
there is no such sample."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from oocd_panel.catalogue import disposals
from oocd_panel.catalogue.scrutiny import (
    FREE_TEXTS_BY_KEY,
    IDENTIFIER_WORDS,
    MAX_SAMPLE_SIZE,
    MAX_TEXT,
    RATINGS_BY_CODE,
    FreeText,
)
from oocd_panel.evaluation.snapshot import snapshot
from oocd_panel.models import (
    AgendaItem,
    Child,
    Correction,
    Decision,
    DecisionPoint,
    Referral,
    Role,
    ScrutinyCase,
    ScrutinyRating,
    ScrutinyRedaction,
    ScrutinySample,
    User,
)
from oocd_panel.plumbing.clock import LONDON, local_date, local_today, utcnow
from oocd_panel.plumbing.db import begin_writing
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules import redaction, scrutiny_sampling
from oocd_panel.services import audit_trail
from oocd_panel.services import scrutiny_pack as pack

NO_SUCH_SAMPLE = "There is no such scrutiny sample in your services."


def _check_manager(user: User, service_id: int) -> None:
    if not user.has_role(Role.MANAGER):
        raise ActionNotAllowed("Only YJS managers prepare scrutiny panel samples.")
    if service_id not in user.service_ids:
        raise NotFound(NO_SUCH_SAMPLE)


# --- Drawing a sample ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Decided:
    referral_id: int
    disposal: str
    decided_on: dt.date


def decisions_in_period(
    session: Session, service_id: int, start: dt.date, end: dt.date
) -> list[Decided]:
    """The service's panel decisions made from `start` to `end` (days in England and Wales),
    except those of cases whose records the retention schedule has removed."""
    since = dt.datetime.combine(start, dt.time(), LONDON)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), LONDON)
    rows = session.execute(
        select(Referral.id, Decision.disposal, Decision.decided_at)
        .join(Decision, Decision.referral_id == Referral.id)
        .where(
            Referral.service_id == service_id,
            Referral.purged_at.is_(None),
            Decision.decided_at >= since,
            Decision.decided_at < until,
        )
        .order_by(Referral.id)
    )
    return [Decided(rid, disposals.current_code(code), local_date(at)) for rid, code, at in rows]


def _check_request(
    start: dt.date | None, end: dt.date | None, size: int | None, seed: str, today: dt.date
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = "Enter the first day of the period"
    elif start > today:
        errors["start"] = "The period must start today or in the past"
    if end is None:
        errors["end"] = "Enter the last day of the period"
    elif start is not None and end < start:
        errors["end"] = "The last day of the period must be on or after its first day"
    if size is None:
        errors["size"] = "Enter the number of cases to sample, in digits"
    elif not 1 <= size <= MAX_SAMPLE_SIZE:
        errors["size"] = f"The number of cases must be between 1 and {MAX_SAMPLE_SIZE}"
    if len(seed) > scrutiny_sampling.MAX_SEED_LENGTH:
        errors["seed"] = (
            f"The seed must be {scrutiny_sampling.MAX_SEED_LENGTH} letters and digits or fewer"
        )
    return errors


def _facts_at_decision(session: Session, chosen: Sequence[Decided]) -> dict[int, dict[str, object]]:
    """Each chosen case's characteristics as its decided decision point kept them (or, for a
    case without one, as its record gives them at the decision)."""
    ids = [d.referral_id for d in chosen]
    found: dict[int, dict[str, object]] = {}
    for point in session.scalars(
        select(DecisionPoint)
        .where(DecisionPoint.referral_id.in_(ids), DecisionPoint.point == "decided")
        .order_by(DecisionPoint.id)
    ):
        found.setdefault(
            point.referral_id,
            {
                "age_band": point.age_band,
                "sex": point.sex,
                "ethnicity_group": point.ethnicity_group,
                "care_experience": point.care_experience,
                "send": point.send,
                "first_time_entrant": point.first_time_entrant,
            },
        )
    for decided in chosen:
        if decided.referral_id not in found:
            referral = session.get_one(Referral, decided.referral_id)
            then = snapshot(referral, decided.decided_on)
            found[decided.referral_id] = {
                k: then[k]
                for k in (
                    "age_band",
                    "sex",
                    "ethnicity_group",
                    "care_experience",
                    "send",
                    "first_time_entrant",
                )
            }
    return found


def draw_sample(
    session: Session,
    manager: User,
    *,
    service_id: int,
    start: dt.date | None,
    end: dt.date | None,
    size: int | None,
    seed: str | None = None,
    today: dt.date | None = None,
) -> ScrutinySample:
    """Draw and keep a sample. Without a seed, a new random one; with the seed of an earlier
    sample (and its service, period and size), the same cases again."""
    today = today or local_today()
    typed = scrutiny_sampling.normalise_seed(seed)
    errors = _check_request(start, end, size, typed, today)
    with unit_of_work(session):
        _check_manager(manager, service_id)
        if errors:
            raise InvalidInput(errors)
        assert start is not None
        assert end is not None
        assert size is not None
        decided = decisions_in_period(session, service_id, start, end)
        if not decided:
            raise InvalidInput(
                {"start": "No decisions were made in this service in this period: choose another"}
            )
        by_id = {d.referral_id: d for d in decided}
        strata: dict[str, list[int]] = defaultdict(list)
        for d in decided:
            strata[d.disposal].append(d.referral_id)
        used_seed = typed or scrutiny_sampling.new_seed()
        chosen = [by_id[i] for i in scrutiny_sampling.draw(strata, size, used_seed)]
        facts = _facts_at_decision(session, chosen)
        sample = ScrutinySample(
            service_id=service_id,
            decided_from=start,
            decided_to=end,
            size=size,
            seed=used_seed,
            decisions_by_outcome={k: len(v) for k, v in sorted(strata.items())},
            drawn_by_id=manager.id,
            drawn_at=utcnow(),
            cases=[
                ScrutinyCase(
                    service_id=service_id,
                    number=number,
                    referral_id=d.referral_id,
                    disposal=d.disposal,
                    decided_on=d.decided_on,
                    **facts[d.referral_id],
                )
                for number, d in enumerate(chosen, start=1)
            ],
        )
        session.add(sample)
        session.flush()
        audit_trail.record(
            session,
            actor=manager,
            action="create",
            record_type="scrutiny_sample",
            record_id=sample.id,
            details={
                "service": service_id,
                "from": start.isoformat(),
                "to": end.isoformat(),
                "size": size,
                "seed": used_seed,
                "cases": len(chosen),
            },
        )
    return sample


# --- Reading -------------------------------------------------------------------------------------


def samples(session: Session, user: User, limit: int = 50) -> list[ScrutinySample]:
    """The samples of the user's services, newest first."""
    return list(
        session.scalars(
            select(ScrutinySample)
            .where(ScrutinySample.service_id.in_(user.service_ids))
            .options(
                selectinload(ScrutinySample.service),
                selectinload(ScrutinySample.drawn_by),
                selectinload(ScrutinySample.cases),
            )
            .order_by(ScrutinySample.drawn_at.desc(), ScrutinySample.id.desc())
            .limit(limit)
        )
    )


def _with_case_records() -> list[object]:
    """What a summary and the free texts read of each case, loaded for all the cases at once."""
    referral = selectinload(ScrutinySample.cases).selectinload(ScrutinyCase.referral)
    return [
        referral.selectinload(Referral.decision),
        referral.selectinload(Referral.assessment),
        referral.selectinload(Referral.offences),
        referral.selectinload(Referral.escalations),
        referral.selectinload(Referral.agenda_items).selectinload(AgendaItem.votes),
    ]


def sample_for(session: Session, user: User, sample_id: int) -> ScrutinySample:
    """A sample of one of the user's services, which they manage, with its cases' records."""
    sample = session.scalars(
        select(ScrutinySample).where(ScrutinySample.id == sample_id).options(*_with_case_records())  # type: ignore[arg-type]
    ).one_or_none()
    if sample is None:
        raise NotFound(NO_SUCH_SAMPLE)
    _check_manager(user, sample.service_id)
    return sample


def case_of(sample: ScrutinySample, number: int) -> ScrutinyCase:
    found = next((c for c in sample.cases if c.number == number), None)
    if found is None:
        raise NotFound("There is no such case in this sample.")
    return found


def summaries(sample: ScrutinySample) -> list[pack.CaseSummary]:
    return [pack.summarise(case) for case in sample.cases]


# --- Redacting the free texts ---------------------------------------------------------------------


def _free_text(key: str) -> FreeText:
    found = FREE_TEXTS_BY_KEY.get(key)
    if found is None:
        raise NotFound("There is no such text.")
    return found


def _identifiers(session: Session, referral: Referral) -> redaction.Identifiers:
    child = session.get_one(Child, referral.child_id)
    corrections = session.scalars(select(Correction).where(Correction.child_id == child.id))
    return pack.identifiers_of(referral, list(corrections))


@dataclass(frozen=True)
class RedactionView:
    sample: ScrutinySample
    case: ScrutinyCase
    text: FreeText
    source: str
    # What the box holds to start with: the confirmed redaction, or the suggestion.
    proposed: str
    confirmed: ScrutinyRedaction | None
    # A redaction was confirmed for an earlier version of the text, which has changed since.
    stale: bool


def redaction_view(
    session: Session, manager: User, sample_id: int, number: int, key: str
) -> RedactionView:
    sample = sample_for(session, manager, sample_id)
    case = case_of(sample, number)
    text = _free_text(key)
    source = pack.source_text(case.referral, key)
    if not source:
        raise ActionNotAllowed(f"{case.label} has no such text: the pack says so.")
    confirmed = case.redaction(key)
    holds = confirmed is not None and confirmed.source_sha256 == pack.digest(source)
    proposed = (
        confirmed.text
        if holds and confirmed is not None
        else redaction.suggest(source, _identifiers(session, case.referral))
    )
    return RedactionView(
        sample,
        case,
        text,
        source,
        proposed,
        confirmed if holds else None,
        confirmed is not None and not holds,
    )


def confirm_redaction(
    session: Session,
    manager: User,
    *,
    sample_id: int,
    number: int,
    key: str,
    text: str | None,
    confirmed: bool,
) -> ScrutinyRedaction:
    """Keep the text as the reviewer confirmed the panel may read it. Refused while it still
    holds one of the case's identifiers (or a postcode, email address, phone number or police
    reference by its shape)."""
    with unit_of_work(session):
        view = redaction_view(session, manager, sample_id, number, key)
        cleaned = clean_text(text)
        errors: dict[str, str] = {}
        if not cleaned:
            errors["text"] = "Enter the text as the scrutiny panel may read it"
        elif len(cleaned) > MAX_TEXT:
            errors["text"] = f"The text must be {MAX_TEXT:,} characters or fewer"
        else:
            left = redaction.remaining(cleaned, _identifiers(session, view.case.referral))
            if left:
                words = [IDENTIFIER_WORDS[k] for k in left]
                listed = words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
                errors["text"] = f"The text still gives {listed}: take it out and check again"
        if not confirmed:
            errors["confirmed"] = (
                "Confirm that you have read the whole text and it names nobody and gives no "
                "address, date of birth or police reference"
            )
        if errors:
            raise InvalidInput(errors)
        row = view.case.redaction(key)
        if row is None:
            row = ScrutinyRedaction(case_id=view.case.id, text_key=key)
            view.case.redactions.append(row)
        row.text = cleaned
        row.source_sha256 = pack.digest(view.source)
        row.confirmed_by_id = manager.id
        row.confirmed_at = utcnow()
        session.flush()
        audit_trail.record(
            session,
            actor=manager,
            action="redact",
            record_type="scrutiny_case",
            record_id=view.case.id,
            child_id=view.case.referral.child_id,
            details={"sample": sample_id, "case": number, "text": key},
        )
    return row


# --- The panel's rating ---------------------------------------------------------------------------


def record_rating(
    session: Session,
    manager: User,
    *,
    sample_id: int,
    number: int,
    rating: str | None,
    comments: str | None,
    meeting_on: dt.date | None,
    today: dt.date | None = None,
) -> ScrutinyRating:
    """Record (or correct) the scrutiny panel's rating of one case's decision."""
    today = today or local_today()
    with unit_of_work(session):
        sample = sample_for(session, manager, sample_id)
        case = case_of(sample, number)
        errors: dict[str, str] = {}
        given = RATINGS_BY_CODE.get(rating or "")
        cleaned = clean_text(comments)
        if given is None:
            errors["rating"] = "Select the scrutiny panel's rating"
        elif given.needs_comments and not cleaned:
            errors["comments"] = given.missing_comments
        if len(cleaned) > MAX_TEXT:
            errors["comments"] = f"The comments must be {MAX_TEXT:,} characters or fewer"
        drawn = local_date(sample.drawn_at)
        if meeting_on is None:
            errors["meeting_on"] = "Enter the date of the scrutiny panel's meeting"
        elif meeting_on > today:
            errors["meeting_on"] = "The date of the meeting must be today or in the past"
        elif meeting_on < drawn:
            errors["meeting_on"] = (
                f"The date of the meeting must be on or after the day the sample was drawn, "
                f"{drawn.day} {drawn:%B %Y}"
            )
        if errors:
            raise InvalidInput(errors)
        assert given is not None
        assert meeting_on is not None
        row = case.rating
        action = "update" if row is not None else "create"
        if row is None:
            row = ScrutinyRating(case_id=case.id)
            case.rating = row
        row.rating = given.code
        row.comments = cleaned or None
        row.meeting_on = meeting_on
        row.recorded_by_id = manager.id
        row.recorded_at = utcnow()
        session.flush()
        audit_trail.record(
            session,
            actor=manager,
            action=action,
            record_type="scrutiny_rating",
            record_id=row.id,
            child_id=case.referral.child_id,
            details={"sample": sample_id, "case": number, "rating": given.code},
        )
    return row


# --- Exporting the pack ---------------------------------------------------------------------------

FORMATS = ("pdf", "csv")


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    content: bytes


def export_pack(session: Session, manager: User, sample_id: int, kind: str) -> Export:
    """The sample's pack as PDF or CSV, recorded on the audit trail: the export of the sample,
    and a row for each child whose case is in it (their subject access shows it)."""
    if kind not in FORMATS:
        raise NotFound("There is no such format.")
    sample = sample_for(session, manager, sample_id)
    found = summaries(sample)
    if kind == "pdf":
        content, content_type = pack.to_pdf(sample, found), "application/pdf"
    else:
        content, content_type = pack.to_csv(found).encode(), "text/csv; charset=utf-8"
    if session.in_transaction() and not (session.new or session.dirty or session.deleted):
        session.commit()  # end the reading, so that the audit rows begin ready to write
    begin_writing(session)
    with unit_of_work(session):
        audit_trail.record_many(
            session,
            manager,
            [
                (
                    "export",
                    "scrutiny_sample",
                    sample.id,
                    None,
                    {"format": kind, "cases": len(sample.cases)},
                ),
                *(
                    (
                        "export",
                        "scrutiny_case",
                        case.id,
                        case.referral.child_id,
                        {"sample": sample.id, "case": case.number, "format": kind},
                    )
                    for case in sample.cases
                ),
            ],
        )
    name = f"scrutiny-pack-{sample.service.slug}-sample-{sample.id}.{kind}"
    return Export(name, content_type, content)
