"""Letter translations and their review (administrators and managers of the service).

A language's letters are used only once a named reviewer (the qualified translator) has approved
them for the service's wording as it is now and the translations as they are now: the approval
records both fingerprints, so a wording change or a new translation needs a new review. The
review shows every letter side by side with its English, and any text with no translation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from oocd_panel.catalogue import disposals
from oocd_panel.letters import languages, specimen
from oocd_panel.letters.compose import Letter, Variant, compose
from oocd_panel.letters.languages import Catalogue, Language, Untranslated
from oocd_panel.letters.wording import Wording, wording_for
from oocd_panel.models import Role, Service, TranslationApproval, User
from oocd_panel.plumbing.clock import local_today
from oocd_panel.plumbing.errors import ActionNotAllowed, EditedMeanwhile, InvalidInput, NotFound
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.plumbing.unit_of_work import unit_of_work
from oocd_panel.services import audit_trail

REVIEW_ROLES = (Role.ADMIN, Role.MANAGER)


def approved_languages(session: Session, service_id: int, wording: Wording) -> set[str]:
    """The languages whose letters may go for this wording: approved, and unchanged since."""
    rows = session.execute(
        select(TranslationApproval.language, TranslationApproval.translation_version).where(
            TranslationApproval.service_id == service_id,
            TranslationApproval.wording_version == wording.version,
        )
    ).all()
    return {
        language
        for language, version in rows
        if language in languages.TRANSLATED and version == languages.catalogue(language).version
    }


def _service(session: Session, user: User, service_id: int) -> Service:
    if not user.has_role(*REVIEW_ROLES):
        raise ActionNotAllowed("Translations are approved by administrators and managers.")
    service = session.get(Service, service_id)
    if service is None or service.id not in user.service_ids:
        raise NotFound("There is no such service among yours.")
    return service


def _language(code: str) -> Language:
    if code not in languages.TRANSLATED:
        raise NotFound("Letters are not translated into that language.")
    return languages.LANGUAGES[code]


@dataclass
class Status:
    language: Language
    catalogue: Catalogue
    # The approval in force for the wording and translations as they are now, if any.
    approval: TranslationApproval | None
    history: list[TranslationApproval] = field(default_factory=list)


def seen_version(wording: Wording, catalogue: Catalogue) -> str:
    """What a review was of: the wording and the translations (the page keeps it)."""
    return f"{wording.version}/{catalogue.version}"


def statuses(session: Session, user: User, service_id: int) -> tuple[Service, list[Status]]:
    service = _service(session, user, service_id)
    wording = wording_for(session, service)
    rows = list(
        session.scalars(
            select(TranslationApproval)
            .where(TranslationApproval.service_id == service.id)
            .order_by(TranslationApproval.recorded_at.desc(), TranslationApproval.id.desc())
        )
    )
    found = []
    for code in languages.TRANSLATED:
        catalogue = languages.catalogue(code)
        mine = [r for r in rows if r.language == code]
        current = next(
            (
                r
                for r in mine
                if r.wording_version == wording.version
                and r.translation_version == catalogue.version
            ),
            None,
        )
        found.append(Status(languages.LANGUAGES[code], catalogue, current, mine))
    return service, found


@dataclass
class ReviewLetter:
    disposal: disposals.Disposal
    variant: Variant
    english: Letter
    translated: Letter | None
    # Why there is no translated letter (a text with no translation), if there is none.
    missing: str = ""

    @property
    def key(self) -> str:
        return f"{self.disposal.code}-{self.variant.value}"


@dataclass
class Review:
    service: Service
    language: Language
    status: Status
    wording: Wording
    letters: list[ReviewLetter]
    # Translated texts no specimen letter shows (offence types, other meeting details...).
    other_texts: list[tuple[str, str]]
    seen: str
    # The pre-approved sentence an English letter carries meanwhile.
    notice: str = ""


def review(session: Session, user: User, service_id: int, code: str) -> Review:
    """Every disposal's letter to every audience, in English and in the language, for review."""
    language = _language(code)
    service, found = statuses(session, user, service_id)
    status = next(s for s in found if s.language.code == code)
    wording = wording_for(session, service)
    today = local_today()
    shown: set[str] = set()
    letters = []
    for disposal in disposals.CATALOGUE:
        case = specimen.referral(disposal, today)
        for variant in Variant:
            recipient = specimen.recipient(variant)
            meeting = specimen.meeting(today)
            english = compose(case, recipient, wording, meeting=meeting, today=today)
            translator = languages.translator(code)
            try:
                translated: Letter | None = compose(
                    case, recipient, wording, meeting=meeting, today=today, translator=translator
                )
                missing = ""
            except Untranslated as exc:
                translated, missing = None, exc.english
            shown.update(translator.used)
            letters.append(ReviewLetter(disposal, variant, english, translated, missing))
    catalogue = status.catalogue
    try:
        notice = languages.notice(code, wording.phone)
    except Untranslated:
        notice = ""  # refused: the English letter goes alone
    other = [(e, t) for e, t in sorted(catalogue.messages.items()) if e not in shown]
    return Review(
        service,
        language,
        status,
        wording,
        letters,
        other,
        seen_version(wording, catalogue),
        notice,
    )


def approve(
    session: Session,
    user: User,
    service_id: int,
    code: str,
    *,
    reviewer_name: str | None,
    seen: str | None,
    now: dt.datetime | None = None,
) -> TranslationApproval:
    """Record that the named reviewer approved the language's letters for the service's wording.

    `seen` is what the review page showed (seen_version): if the wording or the translations
    changed since, nothing is recorded and EditedMeanwhile is raised."""
    language = _language(code)
    service = _service(session, user, service_id)
    wording = wording_for(session, service)
    catalogue = languages.catalogue(code)
    if seen is not None and seen != seen_version(wording, catalogue):
        raise EditedMeanwhile("the letter wording or its translations")
    name = clean_text(reviewer_name)
    if not name:
        raise InvalidInput(
            {"reviewer_name": "Enter the name of the qualified translator who reviewed them"}
        )
    if len(name) > 200:
        raise InvalidInput({"reviewer_name": "The name must be 200 characters or fewer"})
    if code in approved_languages(session, service.id, wording):
        raise ActionNotAllowed(
            f"The {language.name} letters are already approved for this wording."
        )
    with unit_of_work(
        session,
        conflicts=(IntegrityError,),
        changed=lambda: EditedMeanwhile("the translation approvals"),
    ):
        row = TranslationApproval(
            service_id=service.id,
            language=code,
            wording_version=wording.version,
            translation_version=catalogue.version,
            reviewer_name=name,
            recorded_by_id=user.id,
            **({"recorded_at": now} if now else {}),
        )
        session.add(row)
        session.flush()
        audit_trail.record(
            session,
            actor=user,
            action="approve_translation",
            record_type="translation_approval",
            record_id=row.id,
            details={
                "language": code,
                "wording_version": wording.version,
                "translation_version": catalogue.version,
                "reviewer": name,
            },
        )
    return row
