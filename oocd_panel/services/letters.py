"""Letters to the child and family: drafts checked on the page, and issuing them as PDFs.

A letter is composed from the decision, checked (`letters.checks`), and only then issued: the PDF
is stored with its SHA-256, the template and catalogue versions, the number of the service's
approved wording version it used (never a draft's), the recipient and the date, and never
changes. Re-issuing makes the next version for the same recipient.

Each letter ends with its family feedback link and QR code (`services.feedback`): the caller
says how a token becomes a link (`feedback_link`, from the web's address); without one, the
letter is issued without a feedback block.

It goes in the recipient's language (their record, the service's bilingual setting, and the
translations approved for the service's wording: `letters/editions.py`); the row records the
languages it went in, and the language whose letter is still to follow, if any.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.letters import checks, editions, render
from oocd_panel.letters.compose import (
    TEMPLATE_VERSION,
    FirstMeeting,
    Letter,
    Recipient,
    police_alone,
    recipients,
    support_offered,
)
from oocd_panel.letters.editions import Edition
from oocd_panel.letters.feedback import FeedbackBlock
from oocd_panel.letters.wording import Wording, wording_for
from oocd_panel.models import (
    Decision,
    DeliveryOutcome,
    Referral,
    ReferralStatus,
    Role,
    Route,
    Service,
    User,
)
from oocd_panel.models import Letter as IssuedLetter
from oocd_panel.plumbing.clock import local_date, local_today, utcnow
from oocd_panel.plumbing.errors import (
    ActionNotAllowed,
    DomainError,
    InvalidInput,
    NotFound,
)
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.rules.service_settings import settings_for
from oocd_panel.services import audit_trail, feedback, translations
from oocd_panel.services.cases import get_case

LETTER_ROLES = frozenset({Role.PRACTITIONER, Role.MANAGER})
# How a feedback token becomes the link printed on the letter (the web knows its address).
FeedbackLinkFor = Callable[[str], str]


class LetterProblems(DomainError):
    """The letter failed its checks: nothing was issued."""

    def __init__(self, problems: list[checks.Problem]) -> None:
        super().__init__(
            f"The letter cannot be issued: {len(problems)} "
            f"problem{'s' if len(problems) != 1 else ''} to fix first."
        )
        self.problems = problems


@dataclass
class Draft:
    recipient: Recipient
    # The letter as it goes: its parts (Welsh then English when bilingual), the English beside it.
    edition: Edition
    problems: list[checks.Problem]
    # The service's wording the letter was made and checked with.
    wording: Wording
    issued: list[IssuedLetter] = field(default_factory=list)

    @property
    def letter(self) -> Letter:
        """The letter's first part (the whole letter, unless it is bilingual)."""
        return self.edition.first

    @property
    def parts(self) -> list[Letter]:
        return self.edition.parts

    @property
    def owed(self) -> str:
        """The language a letter was promised in ("a letter in your language will follow") and
        can now go in: the last one issued said it would follow, and this one is in it."""
        last = self.issued[-1] if self.issued else None
        if last is None or not last.pending_language:
            return ""
        return last.pending_language if last.pending_language in self.edition.languages else ""


# Where a case may be when its letters are issued (the batch looks only at these).
OPEN_FOR_LETTERS = (
    ReferralStatus.DECIDED,
    ReferralStatus.OUTCOME_DELIVERED,
    ReferralStatus.INTERVENTION,
)
# On the police-alone path: once the YJS has offered support, and while the child takes it up.
OPEN_FOR_POLICE_ALONE_LETTERS = (ReferralStatus.SUPPORT_OFFERED, ReferralStatus.INTERVENTION)


def why_no_letters(referral: Referral) -> str | None:
    """Why the case's letters cannot be written now (None when they can).

    A letter explains an outcome the child has been given: for an outcome the police deliver,
    only once they have recorded giving it, never after the child declined it. After an outcome
    the police gave alone, the letters explain it and the support offered, once it is offered."""
    if police_alone(referral):
        if referral.status not in OPEN_FOR_POLICE_ALONE_LETTERS:
            return (
                "Letters after an outcome the police gave alone explain the support offered: "
                "record that support was offered first. Once the case is closed no new letter "
                "is written."
            )
        return None
    if referral.decision is None:
        return "Letters follow the decision: this case has no decision yet."
    if referral.status is ReferralStatus.RETURNED_TO_POLICE:
        return (
            "The case went back to the police for their decision: there is no outcome to explain."
        )
    disposal = disposals.get(referral.decision.disposal)
    if disposal.delivered_by_police:
        outcomes = [d.outcome for d in referral.deliveries]
        if DeliveryOutcome.GIVEN not in outcomes:
            if DeliveryOutcome.DECLINED in outcomes:
                return (
                    "The child declined the outcome when the police offered it: no letter is due."
                )
            return (
                "Letters follow the police giving the outcome: they have not recorded it yet. "
                "The letter would tell the child about an outcome they have not been given."
            )
    return None


def _decided_case(session: Session, user: User, referral_id: int) -> Referral:
    if not user.has_role(*LETTER_ROLES):
        raise ActionNotAllowed("Letters are written and issued by YJS practitioners and managers.")
    referral = get_case(session, user, referral_id)
    why = why_no_letters(referral)
    if why is not None:
        raise ActionNotAllowed(why)
    return referral


def check_offered(referral: Referral, offered: tuple[str, ...]) -> tuple[str, ...]:
    """The support a police-alone letter offers: known interventions, each once; a decided
    case's letters offer what the decision says, so nothing may be chosen for them."""
    if not offered:
        return ()
    if not police_alone(referral):
        raise InvalidInput(
            {"offered": "The support in this letter is the decision's: it cannot be changed here"}
        )
    known = {i.code for i in interventions.CATALOGUE}
    if any(code not in known for code in offered):
        raise InvalidInput({"offered": "Choose the support offered from the list"})
    return tuple(dict.fromkeys(offered))


def _issued_case(session: Session, user: User, referral_id: int) -> Referral:
    """A case whose issued letters this user may read (whatever has happened to it since)."""
    if not user.has_role(*LETTER_ROLES):
        raise ActionNotAllowed("Letters are written and issued by YJS practitioners and managers.")
    return get_case(session, user, referral_id)


def check_meeting(
    on: dt.date | None, time: str | None, place: str | None, today: dt.date
) -> FirstMeeting | None:
    """The first meeting, if one was entered; the date must not be in the past."""
    time, place = clean_text(time), clean_text(place)
    if on is None:
        if time or place:
            raise InvalidInput({"meeting_on": "Enter the date of the first meeting"})
        return None
    errors = {}
    if on < today:
        errors["meeting_on"] = "The first meeting must be today or later"
    if len(time) > 20:
        errors["meeting_time"] = "The time must be 20 characters or fewer"
    if len(place) > 200:
        errors["meeting_place"] = "The place must be 200 characters or fewer"
    if errors:
        raise InvalidInput(errors)
    return FirstMeeting(on, time, place)


def _issued_for(session: Session, referral: Referral) -> list[IssuedLetter]:
    """The letters already issued about the outcome the case has now (its decision, or the
    outcome the police gave alone)."""
    decision = referral.decision
    which = (
        IssuedLetter.decision_id == decision.id
        if decision is not None
        else (IssuedLetter.referral_id == referral.id) & IssuedLetter.decision_id.is_(None)
    )
    return list(session.scalars(select(IssuedLetter).where(which).order_by(IssuedLetter.id)))


def _draft(
    referral: Referral,
    recipient: Recipient,
    wording: Wording,
    meeting: FirstMeeting | None,
    today: dt.date,
    offered: tuple[str, ...] = (),
    *,
    bilingual: bool = False,
    approved: Collection[str] = (),
) -> Draft:
    wanted = editions.plan(recipient.language, bilingual=bilingual, approved=approved)
    edition = editions.make(
        referral, recipient, wording, wanted, meeting=meeting, offered=offered, today=today
    )
    interventions = support_offered(referral, offered)
    # The English letter's checks (its honesty stands for every translation of the same
    # wording), then each translation's own.
    problems = checks.check(edition.source, wording, interventions)
    for part in edition.translations():
        problems += checks.check(part, wording, interventions)
    return Draft(recipient, edition, problems, wording)


def drafts(
    session: Session,
    user: User,
    referral_id: int,
    *,
    meeting: FirstMeeting | None = None,
    offered: tuple[str, ...] = (),
    today: dt.date | None = None,
) -> tuple[Referral, list[Draft]]:
    """The letter each recipient gets, checked, with the versions already issued to them.

    `offered`: on the police-alone path, the support the letter offers (intervention codes)."""
    referral = _decided_case(session, user, referral_id)
    service = session.get(Service, referral.service_id)
    assert service is not None
    wording = wording_for(session, service)
    bilingual = settings_for(service).bilingual_letters
    approved = translations.approved_languages(session, service.id, wording)
    issued = _issued_for(session, referral)
    offered = check_offered(referral, offered)
    found = []
    for recipient in recipients(referral):
        draft = _draft(
            referral,
            recipient,
            wording,
            meeting,
            today or local_today(),
            offered,
            bilingual=bilingual,
            approved=approved,
        )
        draft.issued = [i for i in issued if i.recipient_key == recipient.key]
        found.append(draft)
    return referral, found


def draft_for(
    session: Session,
    user: User,
    referral_id: int,
    recipient_key: str,
    *,
    meeting: FirstMeeting | None = None,
    offered: tuple[str, ...] = (),
    today: dt.date | None = None,
) -> tuple[Referral, Draft]:
    referral, found = drafts(
        session, user, referral_id, meeting=meeting, offered=offered, today=today
    )
    draft = next((d for d in found if d.recipient.key == recipient_key), None)
    if draft is None:
        raise NotFound("There is no such recipient for this case's letters.")
    return referral, draft


class WordingChanged(DomainError):
    def __init__(self, message: str = "") -> None:
        super().__init__(
            message
            or "The letter's wording changed after you previewed it (an administrator edited "
            "it), so nothing was issued. Check the preview as it is now and issue it again."
        )


class LanguageChanged(WordingChanged):
    def __init__(self) -> None:
        super().__init__(
            "The letter's language changed after you previewed it (a translation was approved, "
            "or the recipient's language or the service's setting changed), so nothing was "
            "issued. Check the preview as it is now and issue it again."
        )


def issue(
    session: Session,
    user: User,
    referral_id: int,
    recipient_key: str,
    *,
    meeting: FirstMeeting | None = None,
    offered: tuple[str, ...] = (),
    previewed: str | None = None,
    now: dt.datetime | None = None,
    feedback_link: FeedbackLinkFor | None = None,
) -> IssuedLetter:
    """Issue the letter as a PDF, if it passes every check; otherwise nothing is stored.

    `previewed` is the wording version the user saw: if it has changed since, nothing is issued.
    `feedback_link` makes the letter's feedback link from its token."""
    now = now or utcnow()
    referral, draft = draft_for(
        session,
        user,
        referral_id,
        recipient_key,
        meeting=meeting,
        offered=offered,
        today=local_date(now),
    )
    if previewed is not None:
        wording_part, _, edition_part = previewed.partition("|")
        if wording_part != version_of(draft.wording):
            raise WordingChanged()
        if edition_part and edition_part != edition_key(draft):
            raise LanguageChanged()
    return _store(session, user, referral, draft, now, feedback_link)


def _store(
    session: Session,
    user: User,
    referral: Referral,
    draft: Draft,
    now: dt.datetime,
    feedback_link: FeedbackLinkFor | None = None,
) -> IssuedLetter:
    """Render the checked draft as a PDF and keep it, with its feedback link and audit row, in
    one transaction. The link's token is made first: the HTML printed with it never changes."""
    with unit_of_work(session, conflicts=(IntegrityError,)):
        if draft.problems:
            raise LetterProblems(draft.problems)
        recipient_key = draft.recipient.key
        token = feedback.new_token() if feedback_link is not None else None
        block = FeedbackBlock(feedback_link(token)) if feedback_link and token else None
        html = render.to_html(draft.parts, draft.wording.service_name, block)
        pdf = render.to_pdf(html)
        number = (
            session.scalar(
                select(func.max(IssuedLetter.number)).where(
                    IssuedLetter.referral_id == referral.id,
                    IssuedLetter.recipient_key == recipient_key,
                )
            )
            or 0
        ) + 1
        row = IssuedLetter(
            referral_id=referral.id,
            decision_id=referral.decision.id if referral.decision is not None else None,
            recipient_key=recipient_key,
            recipient_name=draft.recipient.addressee,
            address=draft.recipient.address,
            variant=draft.recipient.variant.value,
            number=number,
            html=html,
            pdf=pdf,
            sha256=hashlib.sha256(pdf).hexdigest(),
            template_version=TEMPLATE_VERSION,
            catalogue_version=draft.wording.version,
            wording_version=draft.wording.number,
            issued_by_id=user.id,
            issued_at=now,
            languages=" ".join(draft.edition.languages),
            pending_language=draft.edition.pending or None,
        )
        session.add(row)
        session.flush()
        if token is not None:
            feedback.keep_link(
                session,
                token,
                row,
                service_id=referral.service_id,
                disposal=draft.letter.disposal.code,
                now=now,
            )
        audit_trail.record(
            session,
            actor=user,
            action="issue_letter",
            record_type="letter",
            record_id=row.id,
            child_id=referral.child_id,
            details={
                "recipient": recipient_key,
                "version": number,
                "sha256": row.sha256,
                "languages": row.languages,
            },
        )
    return row


def issued_letter(session: Session, user: User, letter_id: int) -> IssuedLetter:
    row = session.get(IssuedLetter, letter_id)
    if row is None:
        raise NotFound("There is no such letter.")
    _issued_case(session, user, row.referral_id)  # same service, right role
    return row


@dataclass
class BatchResult:
    issued: int = 0
    held: list[tuple[str, str]] = field(default_factory=list)  # (case, why)


def wording_version(session: Session, referral: Referral) -> str:
    service = session.get(Service, referral.service_id)
    assert service is not None
    return version_of(wording_for(session, service))


def version_of(wording: Wording) -> str:
    """What a preview was made with: the template and the wording."""
    return f"{TEMPLATE_VERSION}/{wording.version}"


def edition_key(draft: Draft) -> str:
    """The languages a draft goes in, and the one still to follow: "cy+en", "en~pl"."""
    key = "+".join(draft.edition.languages)
    return f"{key}~{draft.edition.pending}" if draft.edition.pending else key


def preview_version(draft: Draft) -> str:
    """What the preview showed, as the issue form carries it: the wording and the languages."""
    return f"{version_of(draft.wording)}|{edition_key(draft)}"


def due_cases(session: Session, service_id: int) -> list[int]:
    """Open cases with a decision, in the service, where some recipient has no letter yet for
    the current decision. Closed cases are never swept up: their letters were a choice then."""
    decided = (
        select(Referral.id)
        .join(Decision, Decision.referral_id == Referral.id)
        .where(Referral.service_id == service_id, Referral.status.in_(OPEN_FOR_LETTERS))
    )
    alone = select(Referral.id).where(
        Referral.service_id == service_id,
        Referral.route == Route.NOTIFICATION,
        Referral.status.in_(OPEN_FOR_POLICE_ALONE_LETTERS),
    )
    rows = session.execute(decided.union(alone)).all()
    return sorted(referral_id for (referral_id,) in rows)


def issue_due(
    session: Session,
    user: User,
    service_id: int,
    *,
    progress: Callable[[int], None] | None = None,
    feedback_link: FeedbackLinkFor | None = None,
) -> BatchResult:
    """Issue every due letter in the service; a letter that cannot be issued is held, with why."""
    result = BatchResult()
    for referral_id in due_cases(session, service_id):
        case = session.get(Referral, referral_id)
        assert case is not None
        if why_no_letters(case) is not None:
            if progress is not None:
                progress(1)
            continue  # not due: for example the police have not given the outcome yet
        try:
            referral, found = drafts(session, user, referral_id)
        except DomainError as exc:
            result.held.append((case.police_reference, exc.message))
            referral, found = case, []
        for draft in found:
            if draft.issued and not draft.owed:
                continue  # issued; or a letter in their language was promised and still can't go
            try:
                # The drafts just made and checked are the ones issued: nothing is made twice.
                _store(session, user, referral, draft, utcnow(), feedback_link)
                result.issued += 1
            except LetterProblems as exc:
                result.held.append((referral.police_reference, str(exc.problems[0])))
            except DomainError as exc:
                result.held.append((referral.police_reference, exc.message))
        if progress is not None:
            progress(1)
    return result
