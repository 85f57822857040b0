"""A letter composed from a decision: who it is to, and what it says, section by section.

The sections are the ones every letter must have (domain.md, Letters). Their words come from the
disposal catalogue (through the service's wording) and from the frames here, adapted to who reads
the letter: a child of 10 to 13, a child of 14 to 17, a child who needs Easy Read, or a parent or
carer. Nothing here touches the database or a request: it is checked and rendered elsewhere.
"""

from __future__ import annotations

import datetime as dt

from oocd_panel.catalogue import disposals, interventions, offences
from oocd_panel.letters import feedback, pictures, points
from oocd_panel.letters.languages import Translator

# What a letter is (its parts, who it goes to, what it is about): letters/letter.py. Read from
# here too.
from oocd_panel.letters.letter import SECTIONS as SECTIONS
from oocd_panel.letters.letter import FirstMeeting as FirstMeeting
from oocd_panel.letters.letter import Letter as Letter
from oocd_panel.letters.letter import Recipient as Recipient
from oocd_panel.letters.letter import Section as Section
from oocd_panel.letters.letter import Variant as Variant
from oocd_panel.letters.letter import child_variant as child_variant
from oocd_panel.letters.letter import decided_on as decided_on
from oocd_panel.letters.letter import needs_easy_read as needs_easy_read
from oocd_panel.letters.letter import outcome_code as outcome_code
from oocd_panel.letters.letter import police_alone as police_alone
from oocd_panel.letters.letter import recipients as recipients
from oocd_panel.letters.letter import support_offered as support_offered
from oocd_panel.letters.pictures import Topic as T
from oocd_panel.letters.points import Point
from oocd_panel.letters.wording import Wording
from oocd_panel.models import Referral

# Bump when the frames below change: every issued letter records the version it was made with.
TEMPLATE_VERSION = "2026-12-04.2"  # letters in Welsh, bilingual and Polish


def long_date(day: dt.date) -> str:
    return Translator().date(day)


def _offence_kind(referral: Referral, _: Translator) -> str:
    """The main offence as a parent's letter names it, in the letter's language ("" if none is
    recorded)."""
    offence = referral.main_offence
    return _(offences.label(offence.offence_type)).lower() if offence else ""


def _what_happened(referral: Referral, variant: Variant, name: str, _: Translator) -> list[str]:
    when = _.date(referral.offence_date)
    if not variant.for_child:
        kind = _offence_kind(referral, _) or _("an offence")
        return [
            Point(
                _(
                    "This letter is about %(name)s and what happened on %(when)s.",
                    name=name,
                    when=when,
                ),
                T.DATE,
            ),
            Point(
                _("The police spoke to %(name)s about %(kind)s.", name=name, kind=kind), T.POLICE
            ),
        ]
    return [
        Point(_("This letter is about what happened on %(when)s.", when=when), T.DATE),
        Point(_("The police spoke to you about it."), T.POLICE),
    ]


def _police_decision(
    variant: Variant, disposal: disposals.Disposal, day: str, _: Translator
) -> list[str]:
    """What the police decided alone, and that the support offered does not change it."""
    outcome = _(disposal.plain_name)
    if variant.for_child:
        return [
            Point(_("The police dealt with it themselves."), T.POLICE),
            Point(_("They decided on this: %(outcome)s.", outcome=outcome), T.DECISION),
            Point(_("They told the youth justice team on %(day)s.", day=day), T.DATE),
        ]
    return [
        Point(_("The police dealt with it themselves, without a panel."), T.POLICE),
        Point(_("Their decision was: %(outcome)s.", outcome=outcome), T.DECISION),
        Point(_("They told the youth justice team on %(day)s.", day=day), T.DATE),
    ]


def _decision(
    referral: Referral, variant: Variant, disposal: disposals.Disposal, _: Translator
) -> list[str]:
    day = _.date(decided_on(referral))
    if police_alone(referral):
        return _police_decision(variant, disposal, day, _)
    outcome = _(disposal.plain_name)
    if variant is Variant.PARENT_EASY_READ:
        return [
            Point(_("On %(day)s a panel met.", day=day), T.PANEL),
            Point(_("It had people from the police and the youth justice team."), T.PANEL),
            Point(_("They decided on this: %(outcome)s.", outcome=outcome), T.DECISION),
        ]
    if variant is Variant.PARENT:
        return [
            Point(_("On %(day)s a panel met to decide what should happen next.", day=day), T.PANEL),
            Point(
                _("It had people from the police, the youth justice team and other services."),
                T.PANEL,
            ),
            Point(_("The decision was: %(outcome)s.", outcome=outcome), T.DECISION),
        ]
    if variant is Variant.CHILD_OLDER:
        return [
            Point(
                _("On %(day)s a group of people met to decide what should happen next.", day=day),
                T.PANEL,
            ),
            Point(_("It had people from the police and the youth justice team."), T.PANEL),
            Point(_("The decision was: %(outcome)s.", outcome=outcome), T.DECISION),
        ]
    return [
        Point(_("On %(day)s a group of people met.", day=day), T.PANEL),
        Point(_("They talked about what should happen next."), T.TALK),
        Point(
            _("Some were from the police. Some were from the youth justice team."),
            T.POLICE,
            T.YOUTH_WORKER,
        ),
        Point(_("They decided on this: %(outcome)s.", outcome=outcome), T.DECISION),
    ]


def _conditions(referral: Referral, _: Translator) -> list[str]:
    assert referral.decision is not None
    return [
        Point(
            _(
                "%(condition)s, by %(day)s.",
                condition=c["text"].rstrip("."),
                day=_.date(dt.date.fromisoformat(c["due_on"])),
            ),
            T.TO_DO,
        )
        for c in referral.decision.conditions
    ]


def _choice(
    referral: Referral, variant: Variant, disposal: disposals.Disposal, name: str, _: Translator
) -> Section:
    child = variant.for_child
    lines: list[str]
    if police_alone(referral):
        # The support the YJS offers is voluntary, and the police outcome stands either way.
        if child:
            lines = [
                Point(_("Taking the help we offer is your choice."), T.CHOICE),
                Point(_("You can say yes or no. You can stop at any time."), T.CHOICE, T.STOP),
                Point(_("Saying yes or no does not change what the police decided."), T.UNCHANGED),
            ]
        else:
            lines = [
                Point(_("Taking the support we offer is their choice."), T.CHOICE),
                Point(_("%(name)s can say yes or no, or stop at any time.", name=name), T.CHOICE),
                Point(_("Saying yes or no does not change what the police decided."), T.UNCHANGED),
            ]
        heading = _("Is it your choice?") if child else _("Is taking part their choice?")
        return Section("choice", heading, lines)
    if disposal.work is disposals.Work.VOLUNTARY:
        if child:
            lines = [
                Point(_("Taking part is your choice."), T.CHOICE),
                Point(_("You can say no."), T.SAY_NO),
                Point(_("You can stop at any time."), T.STOP),
                Point(_("Nothing bad will happen if you say no."), T.NOTHING_BAD),
            ]
        else:
            lines = [
                Point(_("Taking part is their choice."), T.CHOICE),
                Point(_("%(name)s can say no, or stop at any time.", name=name), T.SAY_NO),
                Point(_("Nothing bad will happen if they say no."), T.NOTHING_BAD),
            ]
        heading = _("Is it your choice?") if child else _("Is taking part their choice?")
        return Section("choice", heading, lines)
    if disposal.work is disposals.Work.CONDITIONAL:
        heading = (
            _("What you agreed to do") if child else _("What %(name)s agreed to do", name=name)
        )
        lead = (
            _("You agreed to do these things:")
            if child
            else _("%(name)s agreed to do these things:", name=name)
        )
        return Section("choice", heading, [Point(lead, T.AGREED)], _conditions(referral, _))
    if disposal.code == "charge":
        lines = [
            Point(
                _("You will go to court.") if child else _("%(name)s will go to court.", name=name),
                T.COURT,
            )
        ]
    else:
        lines = [
            Point(
                _("You do not need to do anything.")
                if child
                else _("%(name)s does not need to do anything.", name=name),
                T.NOTHING_TO_DO,
            )
        ]
    heading = _("Is there anything to do?")
    return Section("choice", heading, lines)


def _police_alone_if_not(child: bool, _: Translator) -> str:
    if child:
        return Point(_("If you say no to the help, nothing more will happen about this."), T.SAY_NO)
    return Point(
        _("If your child says no to the support, nothing further happens about this."), T.SAY_NO
    )


def _if_not_heading(
    disposal: disposals.Disposal, child: bool, _: Translator, alone: bool = False
) -> str:
    if alone or disposal.work is disposals.Work.VOLUNTARY:
        return _("What if you say no?") if child else _("What if they say no?")
    if disposal.work is disposals.Work.CONDITIONAL:
        return _("What if you do not do them?") if child else _("What if they do not do them?")
    return _("What happens now")


def _meeting_when(meeting: FirstMeeting, _: Translator) -> str:
    day = _.date(meeting.on)
    if meeting.time and meeting.place:
        return _(
            "%(day)s at %(time)s at %(place)s", day=day, time=meeting.time, place=meeting.place
        )
    if meeting.time:
        return _("%(day)s at %(time)s", day=day, time=meeting.time)
    if meeting.place:
        return _("%(day)s at %(place)s", day=day, place=meeting.place)
    return day


def _next(
    referral: Referral,
    variant: Variant,
    disposal: disposals.Disposal,
    name: str,
    worker: str | None,
    meeting: FirstMeeting | None,
    _: Translator,
    offered: tuple[str, ...] = (),
) -> Section:
    child = variant.for_child
    lines: list[str] = []
    items: list[str] = []
    who = worker or _("A worker from the youth justice team")
    if worker:
        lines.append(
            Point(
                _("Your worker is %(worker)s.", worker=worker)
                if child
                else _("%(name)s's worker is %(worker)s.", name=name, worker=worker),
                T.YOUTH_WORKER,
            )
        )
    alone = police_alone(referral)
    if alone or disposal.offers_intervention:
        voluntary = alone or disposal.work is disposals.Work.VOLUNTARY
        if meeting is not None:
            when = _meeting_when(meeting, _)
            if voluntary:
                offer = (
                    _(
                        "If you want to, you can come to a first meeting. It is on %(when)s.",
                        when=when,
                    )
                    if child
                    else _(
                        "If %(name)s wants to, they can come to a first meeting. "
                        "It is on %(when)s.",
                        name=name,
                        when=when,
                    )
                )
                lines.append(Point(offer, T.MEETING, T.DATE))
            else:
                lines.append(
                    Point(
                        _("Your first meeting is on %(when)s.", when=when)
                        if child
                        else _("The first meeting is on %(when)s.", when=when),
                        T.MEETING,
                    )
                )
        else:
            lines.append(
                Point(_("%(who)s will get in touch to set up a first meeting.", who=who), T.MEETING)
            )
        chosen = [interventions.get(c) for c in support_offered(referral, offered)]
        if chosen:
            if voluntary:
                lines.append(
                    Point(
                        _("If you want to, we can offer you this help:")
                        if child
                        else _("If %(name)s wants to, we can offer this help:", name=name),
                        T.SUPPORT,
                    )
                )
            else:
                lines.append(
                    Point(
                        _("We will help you with this:")
                        if child
                        else _("We will help %(name)s with this:", name=name),
                        T.SUPPORT,
                    )
                )
            items = [
                points.from_intervention(i, _(i.plain_description) if child else f"{_(i.name)}.")
                for i in chosen
            ]
    elif disposal.code == "charge":
        lines.append(
            Point(
                _("%(who)s can help you get ready for court.", who=who)
                if child
                else _("%(who)s can help %(name)s get ready for court.", who=who, name=name),
                T.YOUTH_WORKER,
            )
        )
    else:
        lines.append(
            Point(
                _("If you want help, you can still ask us.")
                if child
                else _("If you want support, you can still ask us."),
                T.SUPPORT,
            )
        )
    return Section("next", _("What happens next"), lines, items)


def _in_language(point: str, _: Translator) -> Point:
    """A catalogue text's point (`points.from_catalogue`, read on its English words) in the
    letter's language, keeping its pictures."""
    return Point(_(str(point)), *getattr(point, "topics", ()))


def _rights(
    variant: Variant,
    disposal: disposals.Disposal,
    texts: disposals.LetterTexts,
    name: str,
    _: Translator,
    alone: bool = False,
) -> list[str]:
    voluntary = alone or disposal.work is disposals.Work.VOLUNTARY
    lines: list[str]
    if variant.for_child:
        lines = [
            Point(_("You can get free advice from a lawyer. It costs nothing."), T.LAWYER, T.FREE)
        ]
        if voluntary:
            lines.append(Point(_("You can say no to the help we offer."), T.SAY_NO))
        if texts.child_right:
            right = points.from_catalogue(disposal, "child_right", texts.child_right)
            lines.append(_in_language(right, _))
        lines.append(
            Point(_("If you are not happy with how we treated you, you can complain."), T.COMPLAINT)
        )
        lines.append(Point(_("Ask your worker how, or use the contact details below."), T.ASK))
        return lines
    if variant.easy_read:
        lines = [
            Point(
                _("%(name)s can get free advice from a lawyer. It costs nothing.", name=name),
                T.LAWYER,
                T.FREE,
            )
        ]
    else:
        lines = [
            Point(_("%(name)s can get free legal advice from a solicitor.", name=name), T.LAWYER)
        ]
    if voluntary:
        lines.append(Point(_("%(name)s can say no to the support we offer.", name=name), T.SAY_NO))
    if texts.parent_right:
        right = points.from_catalogue(disposal, "parent_right", texts.parent_right)
        lines.append(_in_language(right, _))
    if variant.easy_read:
        lines += [
            Point(_("If you are not happy with us, you can complain."), T.COMPLAINT),
            Point(_("Use the contact details below."), T.DETAILS_BELOW),
        ]
    else:
        lines.append(
            Point(_("If you are unhappy with our service, you can make a complaint."), T.COMPLAINT)
        )
        lines.append(Point(_("Contact us using the details below."), T.DETAILS_BELOW))
    return lines


def _contact(wording: Wording, worker: str | None, _: Translator) -> list[str]:
    lines: list[str] = []
    if wording.phone:
        lines.append(
            Point(_("Call the youth justice team on %(phone)s.", phone=wording.phone), T.PHONE)
        )
    if wording.email:
        lines.append(Point(_("Or email %(email)s.", email=wording.email), T.EMAIL))
    if worker:
        lines.append(Point(_("Ask for %(worker)s.", worker=worker), T.YOUTH_WORKER))
    return lines


# The letter template's own words (templates/letters/_letter.html, translated as it renders):
# a letter is written only in a language that has them too. A test keeps this list and the
# template together.
TEMPLATE_MESSAGES = ("Reference: %(reference)s",)


def compose(
    referral: Referral,
    recipient: Recipient,
    wording: Wording,
    *,
    meeting: FirstMeeting | None = None,
    offered: tuple[str, ...] = (),
    today: dt.date,
    translator: Translator | None = None,
    notice: tuple[str, str] | None = None,
) -> Letter:
    """The letter this recipient gets about the referral's decision, or (police alone) about
    the outcome the police gave and the support the YJS offers (`offered`).

    `translator` gives every text in the letter's language (English when None); it raises
    languages.Untranslated when the language has no translation for a text the letter needs.
    `notice` is (language, sentence): the English letter's first line, in the family's language,
    while their own letter awaits its translation (languages.notice)."""
    _ = translator or Translator()
    disposal = disposals.get(outcome_code(referral))
    alone = police_alone(referral)
    texts = wording.texts_for(disposal.code)
    variant = recipient.variant
    child = variant.for_child
    child_name = referral.child.preferred_name or referral.child.first_name
    worker = referral.practitioner.full_name if referral.practitioner else None
    meaning = texts.child_meaning if child else texts.parent_meaning
    if_not = texts.child_if_not if child else texts.parent_if_not
    record = texts.child_record if child else texts.parent_record
    reader = "child" if child else "parent"  # which catalogue texts: what their pictures show
    for message in TEMPLATE_MESSAGES:
        _(message, reference="")
    # The feedback block's words, and in Easy Read the pictures' text alternatives and their
    # credit: in the letter's language too.
    for message in (*feedback.TEXTS, *(pictures.TEXTS if variant.easy_read else ())):
        _(message)

    def catalogue(field: str, text: str) -> Point:
        return _in_language(points.from_catalogue(disposal, f"{reader}_{field}", text), _)

    sections = [
        Section(
            "what_happened",
            _("What happened"),
            _what_happened(referral, variant, child_name, _),
        ),
        Section("decision", _("What was decided"), _decision(referral, variant, disposal, _)),
        Section("meaning", _("What this means"), [catalogue("meaning", meaning)]),
        _choice(referral, variant, disposal, child_name, _),
        Section(
            "if_not",
            _if_not_heading(disposal, child, _, alone),
            [_police_alone_if_not(child, _) if alone else catalogue("if_not", if_not)],
        ),
        Section(
            "record",
            _("What goes on your record")
            if child
            else _("What goes on %(name)s's record", name=child_name),
            [catalogue("record", record)],
        ),
        _next(referral, variant, disposal, child_name, worker, meeting, _, offered),
        Section(
            "rights",
            _("Your rights") if child else _("%(name)s's rights", name=child_name),
            _rights(variant, disposal, texts, child_name, _, alone),
        ),
        Section("contact", _("Who to contact"), _contact(wording, worker, _)),
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
        title=_("What happens next for %(name)s", name=child_name)
        if not child
        else _("What happens next"),
        greeting=_("Dear %(name)s,", name=recipient.name),
        sections=sections,
        sign_off=_("From %(worker)s", worker=worker)
        if worker
        else _("From %(service)s youth justice team", service=wording.service_name),
        language=_.language,
        date_line=_.date(today),
        notice=notice[1] if notice else "",
        notice_language=notice[0] if notice else "",
        # The offence's name (from the offence catalogue) is what the police recorded, not words
        # anyone chose for the letter: "breach of statutory order" promises nothing.
        names=tuple(
            n
            for n in (
                worker,
                child_name,
                recipient.name,
                recipient.full_name,
                _offence_kind(referral, _),
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
