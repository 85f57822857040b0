"""A letter composed from a decision: who it is to, and what it says, section by section.

The sections are the ones every letter must have (domain.md, Letters). Their words come from the
disposal catalogue (through the service's wording) and from the frames here, adapted to who reads
the letter: a child of 10 to 13, a child of 14 to 17, a child who needs Easy Read, or a parent or
carer. Nothing here touches the database or a request: it is checked and rendered elsewhere.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass, field

from oocd_panel.catalogue import disposals, interventions, offences
from oocd_panel.letters import points
from oocd_panel.letters.pictures import Topic as T
from oocd_panel.letters.points import Point
from oocd_panel.letters.readability import sentences
from oocd_panel.letters.wording import Wording
from oocd_panel.models import Contact, Referral, Route
from oocd_panel.plumbing.clock import local_date
from oocd_panel.rules.referral_rules import age_on

_EMAIL = re.compile(r"\S+@\S+?(?=[.,;]?(?:\s|$))")

# Bump when the frames below change: every issued letter records the version it was made with.
TEMPLATE_VERSION = "2026-12-04.1"  # Easy Read: a picture for each point's meaning


class Variant(enum.StrEnum):
    CHILD_YOUNGER = "child_10_13"
    CHILD_OLDER = "child_14_17"
    EASY_READ = "easy_read"
    PARENT = "parent"
    PARENT_EASY_READ = "parent_easy_read"

    @property
    def label(self) -> str:
        return {
            "child_10_13": "Child, 10 to 13",
            "child_14_17": "Child, 14 to 17",
            "easy_read": "Child, Easy Read",
            "parent": "Parent or carer",
            "parent_easy_read": "Parent or carer, Easy Read",
        }[self.value]

    @property
    def for_child(self) -> bool:
        return self not in (Variant.PARENT, Variant.PARENT_EASY_READ)

    @property
    def easy_read(self) -> bool:
        return self in (Variant.EASY_READ, Variant.PARENT_EASY_READ)

    @property
    def grade_limit(self) -> float:
        """Flesch-Kincaid grade a letter may not exceed: 4 (reading age about 9) for children and
        Easy Read, 6 for other adults."""
        return 6.0 if self is Variant.PARENT else 4.0


# Every letter has these sections, in this order.
SECTIONS: tuple[str, ...] = (
    "what_happened",
    "decision",
    "meaning",
    "choice",
    "if_not",
    "record",
    "next",
    "rights",
    "contact",
)


@dataclass(frozen=True)
class Recipient:
    key: str  # "child" or "contact-<id>"
    name: str  # as the letter greets them
    address_lines: tuple[str, ...]
    variant: Variant
    relationship: str = ""
    full_name: str = ""  # on the envelope

    @property
    def address(self) -> str:
        return "\n".join(self.address_lines)

    @property
    def addressee(self) -> str:
        return self.full_name or self.name


@dataclass(frozen=True)
class FirstMeeting:
    on: dt.date
    time: str = ""
    place: str = ""


@dataclass
class Section:
    key: str
    heading: str
    lines: list[str]
    # Items shown as a list under the lines (interventions, conditions with their dates).
    items: list[str] = field(default_factory=list)

    def sentences(self) -> list[str]:
        found = [s for line in [self.heading, *self.lines, *self.items] for s in sentences(line)]
        return found


@dataclass
class Letter:
    recipient: Recipient
    disposal: disposals.Disposal
    dated: dt.date
    reference: str
    title: str
    greeting: str
    sections: list[Section]
    sign_off: str
    # People's names: not words anyone chose for the letter, so the checks read them as "Sam".
    names: tuple[str, ...] = ()
    # Also read plainly, but for readability only: the word checks still read what was typed.
    details: tuple[str, ...] = ()
    # The police gave the outcome alone and the YJS offers voluntary support (the notification
    # path): the support is the family's choice whatever the outcome's own work is.
    police_alone: bool = False

    def plain(self, sentence: str, *, for_reading: bool = False) -> str:
        swap = [*self.names, *(self.details if for_reading else ())]
        for name in sorted(swap, key=len, reverse=True):
            if name:
                sentence = sentence.replace(name, "Sam")
        return _EMAIL.sub("this email", sentence) if for_reading else sentence

    @property
    def variant(self) -> Variant:
        return self.recipient.variant

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def sentences(self) -> list[tuple[str, str]]:
        """(section key, sentence) for every sentence a reader meets after the greeting."""
        return [(s.key, sentence) for s in self.sections for sentence in s.sentences()]

    def body_text(self) -> str:
        """The letter's words as readability reads them (names and details made plain)."""
        return " ".join(self.plain(s, for_reading=True) for _, s in self.sentences())


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def needs_easy_read(referral: Referral) -> bool:
    """The child needs Easy Read: recorded on the child, or in the assessment."""
    if referral.child.needs_easy_read:
        return True
    assessment = referral.assessment
    if assessment is None:
        return False
    answer = assessment.answers().get("circumstances", {}).get("easy_read")
    return answer == "yes"


def police_alone(referral: Referral) -> bool:
    """The police gave the outcome alone and told the YJS (no panel decided it)."""
    return referral.route is Route.NOTIFICATION


def outcome_code(referral: Referral) -> str:
    """The outcome a letter explains: the panel's decision, or the one the police gave alone."""
    if referral.decision is not None:
        return referral.decision.disposal
    if not police_alone(referral) or not referral.disposal:
        raise ValueError("letters follow a decision, or an outcome the police gave alone")
    return referral.disposal


def decided_on(referral: Referral) -> dt.date:
    """The day of the decision; for an outcome the police gave alone, the day they told us."""
    if referral.decision is None:
        return referral.received_on
    return local_date(referral.decision.decided_at)


def support_offered(referral: Referral, offered: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The interventions the letter offers: the decision's, or (police alone) those chosen for
    the letter from the intervention catalogue."""
    if referral.decision is not None:
        return tuple(referral.decision.interventions)
    return offered


def child_variant(referral: Referral) -> Variant:
    if needs_easy_read(referral):
        return Variant.EASY_READ
    age = age_on(referral.child.date_of_birth, decided_on(referral))
    return Variant.CHILD_YOUNGER if age <= 13 else Variant.CHILD_OLDER


def _child_address(referral: Referral) -> tuple[str, ...]:
    child = referral.child
    lines = (child.address_line_1, child.address_line_2 or "", child.town, child.postcode)
    return tuple(line.strip() for line in lines if line and line.strip())


def _contact_address(referral: Referral, contact: Contact) -> tuple[str, ...]:
    """The contact's own address, or (none recorded: the form says so) the child's."""
    own = tuple(line.strip() for line in (contact.address or "").splitlines() if line.strip())
    return own or _child_address(referral)


def recipients(referral: Referral) -> list[Recipient]:
    """The child, then each parent or carer who receives letters."""
    child = referral.child
    found = [
        Recipient(
            "child",
            child.preferred_name or child.first_name,
            _child_address(referral),
            child_variant(referral),
            full_name=f"{child.preferred_name or child.first_name} {child.last_name}",
        )
    ]
    for contact in child.contacts:
        if contact.receives_letters:
            found.append(
                Recipient(
                    f"contact-{contact.id}",
                    contact.full_name,
                    _contact_address(referral, contact),
                    Variant.PARENT_EASY_READ if contact.needs_easy_read else Variant.PARENT,
                    contact.relationship_to_child,
                    full_name=contact.full_name,
                )
            )
    return found


def _offence_kind(referral: Referral) -> str:
    """The main offence as a parent's letter names it ("" if none is recorded)."""
    offence = referral.main_offence
    return offences.label(offence.offence_type).lower() if offence else ""


def _what_happened(referral: Referral, variant: Variant, name: str) -> list[str]:
    when = long_date(referral.offence_date)
    if not variant.for_child:
        kind = _offence_kind(referral) or "an offence"
        return [
            Point(f"This letter is about {name} and what happened on {when}.", T.DATE),
            Point(f"The police spoke to {name} about {kind}.", T.POLICE),
        ]
    return [
        Point(f"This letter is about what happened on {when}.", T.DATE),
        Point("The police spoke to you about it.", T.POLICE),
    ]


def _police_decision(variant: Variant, disposal: disposals.Disposal, day: str) -> list[str]:
    """What the police decided alone, and that the support offered does not change it."""
    if variant.for_child:
        return [
            Point("The police dealt with it themselves.", T.POLICE),
            Point(f"They decided on this: {disposal.plain_name}.", T.DECISION),
            Point(f"They told the youth justice team on {day}.", T.DATE),
        ]
    return [
        Point("The police dealt with it themselves, without a panel.", T.POLICE),
        Point(f"Their decision was: {disposal.plain_name}.", T.DECISION),
        Point(f"They told the youth justice team on {day}.", T.DATE),
    ]


def _decision(referral: Referral, variant: Variant, disposal: disposals.Disposal) -> list[str]:
    day = long_date(decided_on(referral))
    if police_alone(referral):
        return _police_decision(variant, disposal, day)
    if variant is Variant.PARENT_EASY_READ:
        return [
            Point(f"On {day} a panel met.", T.PANEL),
            Point("It had people from the police and the youth justice team.", T.PANEL),
            Point(f"They decided on this: {disposal.plain_name}.", T.DECISION),
        ]
    if variant is Variant.PARENT:
        return [
            Point(f"On {day} a panel met to decide what should happen next.", T.PANEL),
            Point(
                "It had people from the police, the youth justice team and other services.",
                T.PANEL,
            ),
            Point(f"The decision was: {disposal.plain_name}.", T.DECISION),
        ]
    if variant is Variant.CHILD_OLDER:
        return [
            Point(f"On {day} a group of people met to decide what should happen next.", T.PANEL),
            Point("It had people from the police and the youth justice team.", T.PANEL),
            Point(f"The decision was: {disposal.plain_name}.", T.DECISION),
        ]
    return [
        Point(f"On {day} a group of people met.", T.PANEL),
        Point("They talked about what should happen next.", T.TALK),
        Point(
            "Some were from the police. Some were from the youth justice team.",
            T.POLICE,
            T.YOUTH_WORKER,
        ),
        Point(f"They decided on this: {disposal.plain_name}.", T.DECISION),
    ]


def _conditions(referral: Referral) -> list[str]:
    assert referral.decision is not None
    return [
        Point(
            f"{c['text'].rstrip('.')}, by {long_date(dt.date.fromisoformat(c['due_on']))}.", T.TO_DO
        )
        for c in referral.decision.conditions
    ]


def _choice(
    referral: Referral, variant: Variant, disposal: disposals.Disposal, name: str
) -> Section:
    child = variant.for_child
    lines: list[str]
    if police_alone(referral):
        # The support the YJS offers is voluntary, and the police outcome stands either way.
        if child:
            lines = [
                Point("Taking the help we offer is your choice.", T.CHOICE),
                Point("You can say yes or no. You can stop at any time.", T.CHOICE, T.STOP),
                Point("Saying yes or no does not change what the police decided.", T.UNCHANGED),
            ]
        else:
            lines = [
                Point("Taking the support we offer is their choice.", T.CHOICE),
                Point(f"{name} can say yes or no, or stop at any time.", T.CHOICE),
                Point("Saying yes or no does not change what the police decided.", T.UNCHANGED),
            ]
        heading = "Is it your choice?" if child else "Is taking part their choice?"
        return Section("choice", heading, lines)
    if disposal.work is disposals.Work.VOLUNTARY:
        if child:
            lines = [
                Point("Taking part is your choice.", T.CHOICE),
                Point("You can say no.", T.SAY_NO),
                Point("You can stop at any time.", T.STOP),
                Point("Nothing bad will happen if you say no.", T.NOTHING_BAD),
            ]
        else:
            lines = [
                Point("Taking part is their choice.", T.CHOICE),
                Point(f"{name} can say no, or stop at any time.", T.SAY_NO),
                Point("Nothing bad will happen if they say no.", T.NOTHING_BAD),
            ]
        heading = "Is it your choice?" if child else "Is taking part their choice?"
        return Section("choice", heading, lines)
    if disposal.work is disposals.Work.CONDITIONAL:
        heading = "What you agreed to do" if child else f"What {name} agreed to do"
        lead = "You agreed to do these things:" if child else f"{name} agreed to do these things:"
        return Section("choice", heading, [Point(lead, T.AGREED)], _conditions(referral))
    if disposal.code == "charge":
        lines = [Point("You will go to court." if child else f"{name} will go to court.", T.COURT)]
    else:
        lines = [
            Point(
                "You do not need to do anything."
                if child
                else f"{name} does not need to do anything.",
                T.NOTHING_TO_DO,
            )
        ]
    heading = "Is there anything to do?"
    return Section("choice", heading, lines)


def _police_alone_if_not(child: bool) -> str:
    if child:
        return Point("If you say no to the help, nothing more will happen about this.", T.SAY_NO)
    return Point(
        "If your child says no to the support, nothing further happens about this.", T.SAY_NO
    )


def _if_not_heading(disposal: disposals.Disposal, child: bool, alone: bool = False) -> str:
    if alone or disposal.work is disposals.Work.VOLUNTARY:
        return "What if you say no?" if child else "What if they say no?"
    if disposal.work is disposals.Work.CONDITIONAL:
        return "What if you do not do them?" if child else "What if they do not do them?"
    return "What happens now"


def _next(
    referral: Referral,
    variant: Variant,
    disposal: disposals.Disposal,
    name: str,
    worker: str | None,
    meeting: FirstMeeting | None,
    offered: tuple[str, ...] = (),
) -> Section:
    child = variant.for_child
    lines: list[str] = []
    items: list[str] = []
    who = worker or "A worker from the youth justice team"
    if worker:
        lines.append(
            Point(
                f"Your worker is {worker}." if child else f"{name}'s worker is {worker}.",
                T.YOUTH_WORKER,
            )
        )
    alone = police_alone(referral)
    if alone or disposal.offers_intervention:
        voluntary = alone or disposal.work is disposals.Work.VOLUNTARY
        if meeting is not None:
            at = f" at {meeting.time}" if meeting.time else ""
            where = f" at {meeting.place}" if meeting.place else ""
            when = f"{long_date(meeting.on)}{at}{where}"
            if voluntary:
                offer = (
                    f"If you want to, you can come to a first meeting. It is on {when}."
                    if child
                    else f"If {name} wants to, they can come to a first meeting. It is on {when}."
                )
                lines.append(Point(offer, T.MEETING, T.DATE))
            else:
                lines.append(
                    Point(
                        f"Your first meeting is on {when}."
                        if child
                        else f"The first meeting is on {when}.",
                        T.MEETING,
                    )
                )
        else:
            lines.append(Point(f"{who} will get in touch to set up a first meeting.", T.MEETING))
        chosen = [interventions.get(c) for c in support_offered(referral, offered)]
        if chosen:
            if voluntary:
                lines.append(
                    Point(
                        "If you want to, we can offer you this help:"
                        if child
                        else f"If {name} wants to, we can offer this help:",
                        T.SUPPORT,
                    )
                )
            else:
                lines.append(
                    Point(
                        "We will help you with this:"
                        if child
                        else f"We will help {name} with this:",
                        T.SUPPORT,
                    )
                )
            items = [
                points.from_intervention(i, i.plain_description if child else f"{i.name}.")
                for i in chosen
            ]
    elif disposal.code == "charge":
        lines.append(
            Point(
                f"{who} can help you get ready for court."
                if child
                else f"{who} can help {name} get ready for court.",
                T.YOUTH_WORKER,
            )
        )
    else:
        lines.append(
            Point(
                "If you want help, you can still ask us."
                if child
                else "If you want support, you can still ask us.",
                T.SUPPORT,
            )
        )
    return Section("next", "What happens next", lines, items)


def _rights(
    variant: Variant,
    disposal: disposals.Disposal,
    texts: disposals.LetterTexts,
    name: str,
    alone: bool = False,
) -> list[str]:
    voluntary = alone or disposal.work is disposals.Work.VOLUNTARY
    lines: list[str]
    if variant.for_child:
        lines = [
            Point("You can get free advice from a lawyer. It costs nothing.", T.LAWYER, T.FREE)
        ]
        if voluntary:
            lines.append(Point("You can say no to the help we offer.", T.SAY_NO))
        if texts.child_right:
            lines.append(points.from_catalogue(disposal, "child_right", texts.child_right))
        lines.append(
            Point("If you are not happy with how we treated you, you can complain.", T.COMPLAINT)
        )
        lines.append(Point("Ask your worker how, or use the contact details below.", T.ASK))
        return lines
    if variant.easy_read:
        lines = [
            Point(f"{name} can get free advice from a lawyer. It costs nothing.", T.LAWYER, T.FREE)
        ]
    else:
        lines = [Point(f"{name} can get free legal advice from a solicitor.", T.LAWYER)]
    if voluntary:
        lines.append(Point(f"{name} can say no to the support we offer.", T.SAY_NO))
    if texts.parent_right:
        lines.append(points.from_catalogue(disposal, "parent_right", texts.parent_right))
    if variant.easy_read:
        lines += [
            Point("If you are not happy with us, you can complain.", T.COMPLAINT),
            Point("Use the contact details below.", T.DETAILS_BELOW),
        ]
    else:
        lines.append(
            Point("If you are unhappy with our service, you can make a complaint.", T.COMPLAINT)
        )
        lines.append(Point("Contact us using the details below.", T.DETAILS_BELOW))
    return lines


def _contact(wording: Wording, worker: str | None) -> list[str]:
    lines: list[str] = []
    if wording.phone:
        lines.append(Point(f"Call the youth justice team on {wording.phone}.", T.PHONE))
    if wording.email:
        lines.append(Point(f"Or email {wording.email}.", T.EMAIL))
    if worker:
        lines.append(Point(f"Ask for {worker}.", T.YOUTH_WORKER))
    return lines


def compose(
    referral: Referral,
    recipient: Recipient,
    wording: Wording,
    *,
    meeting: FirstMeeting | None = None,
    offered: tuple[str, ...] = (),
    today: dt.date,
) -> Letter:
    """The letter this recipient gets about the referral's decision, or (police alone) about
    the outcome the police gave and the support the YJS offers (`offered`)."""
    disposal = disposals.get(outcome_code(referral))
    alone = police_alone(referral)
    texts = wording.texts_for(disposal.code)
    variant = recipient.variant
    child = variant.for_child
    child_name = referral.child.preferred_name or referral.child.first_name
    worker = referral.practitioner.full_name if referral.practitioner else None
    meaning = texts.child_meaning if child else texts.parent_meaning
    if_not = texts.child_if_not if child else texts.parent_if_not
    if alone:
        if_not = _police_alone_if_not(child)
    record = texts.child_record if child else texts.parent_record
    reader = "child" if child else "parent"  # which catalogue texts: what their pictures show
    sections = [
        Section("what_happened", "What happened", _what_happened(referral, variant, child_name)),
        Section("decision", "What was decided", _decision(referral, variant, disposal)),
        Section(
            "meaning",
            "What this means",
            [points.from_catalogue(disposal, f"{reader}_meaning", meaning)],
        ),
        _choice(referral, variant, disposal, child_name),
        Section(
            "if_not",
            _if_not_heading(disposal, child, alone),
            [points.from_catalogue(disposal, f"{reader}_if_not", if_not)],
        ),
        Section(
            "record",
            "What goes on your record" if child else f"What goes on {child_name}'s record",
            [points.from_catalogue(disposal, f"{reader}_record", record)],
        ),
        _next(referral, variant, disposal, child_name, worker, meeting, offered),
        Section(
            "rights",
            "Your rights" if child else f"{child_name}'s rights",
            _rights(variant, disposal, texts, child_name, alone),
        ),
        Section("contact", "Who to contact", _contact(wording, worker)),
    ]
    if variant.easy_read:
        # One idea per line: every sentence on a line of its own.
        for section in sections:
            section.lines = [s for line in section.lines for s in points.split(line)]
            section.items = [s for item in section.items for s in points.split(item)]
    return Letter(
        recipient=recipient,
        disposal=disposal,
        dated=today,
        reference=referral.police_reference,
        title=f"What happens next for {child_name}" if not child else "What happens next",
        greeting=f"Dear {recipient.name},",
        sections=sections,
        sign_off=f"From {worker}" if worker else f"From {wording.service_name} youth justice team",
        # The offence's name (from the offence catalogue) is what the police recorded, not words
        # anyone chose for the letter: "breach of statutory order" promises nothing.
        names=tuple(
            n
            for n in (
                worker,
                child_name,
                recipient.name,
                recipient.full_name,
                _offence_kind(referral),
            )
            if n
        ),
        details=tuple(
            n
            for n in (
                wording.service_name,
                wording.phone,
                meeting.place if meeting else None,
                meeting.time if meeting else None,
            )
            if n
        ),
        police_alone=alone,
    )
