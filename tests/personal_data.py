"""A child whose personal data is written into every place the product keeps any, each piece
recognisable, and a search of every column of every table for them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import (
    AssessmentSection,
    AuditAnswer,
    Conflict,
    Decision,
    Delivery,
    QualityAudit,
    QualityAuditAnswer,
    Referral,
    ReferralStatus,
    Role,
)
from oocd_panel.plumbing.clock import local_today, years_before
from oocd_panel.plumbing.db import Base
from oocd_panel.rules.referral_rules import ContactDetails, OffenceDetails
from oocd_panel.services import corrections, interventions, letters
from tests.factories import Factory, child_details

S = ReferralStatus
_names = itertools.count(1)
# Letters issued here carry a feedback link, as the web issues them.
FEEDBACK_LINK = "https://oocd.example/f/{}"


def birthday(age: int, days_more: int = 100) -> dt.date:
    """A date of birth `age` years and some days ago, never 1 January (a purged record keeps
    the year as 1 January, which must not look like the real date)."""
    born = years_before(local_today(), age) - dt.timedelta(days=days_more)
    return born - dt.timedelta(days=1) if (born.month, born.day) == (1, 1) else born


@dataclass
class Marked:
    referral: Referral
    first_name: str
    last_name: str
    born: dt.date
    postcode: str
    markers: list[str] = field(default_factory=list)

    @property
    def child_id(self) -> int:
        return self.referral.child_id


def marked_case(
    factory: Factory, *, status: ReferralStatus = S.CLOSED, age: int = 13, letters_out: bool = True
) -> Marked:
    """A case with the child's name, date of birth, address and parent's details in every free
    text field, the letters issued, and (by default) closed after a completed intervention."""
    session = factory.session
    n = next(_names)
    tag = f"q{n}x"  # no marker of one case is part of another's
    first, last = f"Zebedee{tag}", f"Quillfeather{tag}"
    born = birthday(age, 100 + n)
    postcode = f"ZZ{n} 9QX"
    phone = f"07700 9{n:05d}"
    name = f"{first} {last}"
    child = child_details(
        first_name=first,
        last_name=last,
        preferred_name=f"Zebbo{tag}",
        date_of_birth=born,
        address_line_1=f"{tag} Larkspur Row",
        town="Wexbury",
        postcode=postcode,
        neurodiversity_details=f"{first} has an autism diagnosis",
        communication_needs=f"{first} needs short sentences",
        interpreter_language="Welsh",
    )
    contact = ContactDetails(
        full_name=f"Marigold {last}",
        relationship_to_child="mother",
        phone=phone,
        email=f"marigold.{last.lower()}@example.net",
    )
    if letters_out:
        factory.approved_wording({"contact:phone": "01632 960 123"})
    target = S.OUTCOME_DELIVERED if status in (S.CLOSED, S.INTERVENTION) else status
    referral = factory.referral_at(
        target,
        child=child,
        contact=contact,
        victim_details=f"Olwen Brackenby{tag}, who lives near {postcode}",
        victim_views=f"Wants {first} to apologise",
        offences=[OffenceDetails("theft_and_handling", f"{name} took sweets", 3)],
    )
    marked = Marked(referral, first, last, born, postcode)
    marked.markers = [
        first,
        last,
        name,
        f"Zebbo{tag}",
        born.isoformat(),
        f"{born:%-d %B %Y}",
        postcode,
        f"{tag} Larkspur Row",
        contact.full_name,
        phone,
        str(contact.email),
        f"Olwen Brackenby{tag}",
        referral.police_reference,
    ]
    if status not in (S.CLOSED, S.INTERVENTION):
        return marked

    # What practitioners, panel members and officers wrote about the child.
    assessment = referral.assessment
    assert assessment is not None
    for section in session.scalars(
        select(AssessmentSection).where(AssessmentSection.assessment_id == assessment.id)
    ):
        section.answers = {**section.answers, "note": f"{name} said so"}
    for version in assessment.versions:
        version.content = {**version.content, "note": {"text": f"{name}, born {born}"}}
        version.review_comment = f"Good work on {first}"
    item = referral.agenda_items[-1]
    for vote in item.votes:
        vote.rationale = f"{name} admitted it"
    session.add(
        Conflict(item_id=item.id, member_id=item.votes[0].member_id, reason=f"Knows {last}")
    )
    decision = session.scalars(select(Decision).where(Decision.referral_id == referral.id)).one()
    decision.confirmation_rationale = f"{first} is sorry"
    decision.conditions = [{"text": f"{first} writes to the shop", "due_on": "2030-01-01"}]
    decision.dissent = [
        {"member": "Nurse", "agency": "Health", "disposal": "x", "rationale": f"{first} is ill"}
    ]
    for delivery in session.scalars(select(Delivery).where(Delivery.referral_id == referral.id)):
        delivery.appropriate_adult_name = contact.full_name
        delivery.notes = f"{first} attended with {contact.full_name}"
    for event in referral.events:
        event.reason = f"{first} at {postcode}"
        if "delivery" in event.details:
            event.details = {
                **event.details,
                "delivery": {**event.details["delivery"], "notes": f"{first} attended"},
            }
    session.add(
        QualityAudit(
            referral_id=referral.id,
            auditor_id=factory.cast(Role.MANAGER).id,
            summary=f"{first}'s plan was good",
            answers=[
                QualityAuditAnswer(
                    standard="assessment",
                    question="desistance",
                    answer=AuditAnswer.NO,
                    comment=f"Ask {contact.full_name}",
                )
            ],
        )
    )
    session.commit()

    worker = factory.cast(Role.PRACTITIONER)
    # A correction keeps the value it replaced, and a note about why.
    corrections.correct_child(
        session,
        worker,
        child_id=referral.child_id,
        details=dataclasses.replace(
            corrections.child_details_of(referral.child), preferred_name=f"Zeb{tag}"
        ),
        why=corrections.Why("changed_since", f"{first} prefers it now"),
        expected_version=None,
    )
    if letters_out:
        for recipient in ("child", f"contact-{referral.child.contacts[0].id}"):
            letters.issue(
                session, worker, referral.id, recipient, feedback_link=FEEDBACK_LINK.format
            )
    factory.act(referral, "start_intervention", Role.PRACTITIONER)
    interventions.add_note(
        session, worker, referral_id=referral.id, text=f"Met {first} at {born:%-d %B %Y}"
    )
    if status is S.CLOSED:
        factory.act(referral, "complete_intervention", Role.PRACTITIONER)
    return marked


def _cells(session: Session) -> list[tuple[str, str]]:
    """(table.column, value as lower-case text) for every value in the database."""
    session.flush()
    cells: list[tuple[str, str]] = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)):
            for column, value in zip(table.columns, row, strict=True):
                if isinstance(value, bytes):
                    shown = value.decode("latin-1")
                elif isinstance(value, dict | list):
                    shown = json.dumps(value, default=str)
                else:
                    shown = str(value)
                cells.append((f"{table.name}.{column.name}", shown.lower()))
    return cells


def everything(session: Session) -> str:
    """Every value of every column of every table, as text (bytes as Latin-1), lower case."""
    return "\n".join(value for _, value in _cells(session))


def found(session: Session, markers: list[str]) -> list[str]:
    """The markers still somewhere in the database."""
    text = everything(session)
    return [m for m in markers if m.lower() in text]


def where(session: Session, markers: list[str]) -> set[tuple[str, str]]:
    """(marker, table.column) for each place a marker is found."""
    return {(m, place) for place, value in _cells(session) for m in markers if m.lower() in value}
