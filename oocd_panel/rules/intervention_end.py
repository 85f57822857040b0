"""What the end of an intervention records: which actions end one, what the practitioner must
answer then (the questions are in catalogue/kpis.py), and the row that keeps it.

The practitioner's service checks the answers and passes them with the workflow action; the
workflow writes the row in the same transaction as the state change, so an intervention never
ends without its facts, nor are facts kept for one that did not end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from oocd_panel.catalogue import kpis
from oocd_panel.models import (
    CareExperience,
    InterventionEnd,
    InterventionEnding,
    Referral,
    ReferralStatus,
    SendStatus,
    User,
    VictimContact,
    YesNoUnknown,
)
from oocd_panel.plumbing.clock import local_date

# The actions that end an intervention under way, and how each ends it.
ENDING_TRIGGERS: dict[str, InterventionEnding] = {
    "complete_intervention": InterventionEnding.COMPLETED,
    "end_not_completed": InterventionEnding.NOT_COMPLETED,
    "record_declined": InterventionEnding.STOPPED,
}


def ends_intervention(trigger: str, from_status: ReferralStatus | None) -> bool:
    """Whether this action ends an intervention (declining before the work started does not)."""
    return from_status is ReferralStatus.INTERVENTION and trigger in ENDING_TRIGGERS


def _allowed(question: kpis.Question) -> set[str]:
    return {value for value, _ in question.choices}


def kept(answers: Mapping[str, str | None]) -> dict[str, str | None]:
    """The answers as they are kept: a valid answer to each question asked, None for one not
    answered, and None for one not asked (its earlier question was not answered yes)."""
    out: dict[str, str | None] = {}
    for key, question in kpis.QUESTIONS.items():
        if question.asked_if is not None and out.get(question.asked_if) != kpis.YES:
            out[key] = None
            continue
        value = answers.get(key)
        out[key] = value if value in _allowed(question) else None
    return out


def asked(answers: Mapping[str, str | None], key: str) -> bool:
    """Whether the question is asked, given the answers so far."""
    question = kpis.QUESTIONS[key]
    return question.asked_if is None or kept(answers).get(question.asked_if) == kpis.YES


def problems(answers: Mapping[str, str | None]) -> dict[str, str]:
    """Each question asked but not answered (every one has a "Not known"), by field."""
    values = kept(answers)
    return {
        key: question.missing_message
        for key, question in kpis.QUESTIONS.items()
        if values[key] is None and asked(values, key)
    }


@dataclass(frozen=True)
class EndFacts:
    """The practitioner's answers, checked (`problems` found nothing) and as kept."""

    answers: dict[str, str | None]


def end_facts(answers: Mapping[str, str | None]) -> EndFacts | None:
    """The answers as facts to record, or None while any is missing."""
    if problems(answers):
        return None
    return EndFacts(kept(answers))


def _ehcp(send: SendStatus) -> YesNoUnknown:
    if send is SendStatus.NOT_KNOWN:
        return YesNoUnknown.NOT_KNOWN
    return YesNoUnknown.YES if send is SendStatus.EHCP else YesNoUnknown.NO


def _looked_after(care: CareExperience) -> YesNoUnknown:
    if care is CareExperience.NOT_KNOWN:
        return YesNoUnknown.NOT_KNOWN
    return YesNoUnknown.YES if care is CareExperience.LOOKED_AFTER else YesNoUnknown.NO


def from_the_child_record(send: SendStatus, care: CareExperience) -> dict[str, YesNoUnknown]:
    """What KPI 8 reads from the child's record (their SEND and care experience) rather than
    asking again."""
    return {"ehcp": _ehcp(send), "looked_after": _looked_after(care)}


def end_record(
    referral: Referral, facts: EndFacts, trigger: str, actor: User, now: dt.datetime
) -> InterventionEnd:
    """The row kept for the ended intervention (answers, and the child record's facts now)."""
    a = facts.answers

    def fact(key: str) -> YesNoUnknown | None:
        value = a.get(key)
        return YesNoUnknown(value) if value is not None else None

    def answered(key: str) -> YesNoUnknown:
        value = fact(key)
        assert value is not None, key  # end_facts has checked
        return value

    consent = a.get("victim_consent")
    assert consent is not None
    return InterventionEnd(
        referral_id=referral.id,
        service_id=referral.service_id,
        ended_on=local_date(now),
        ending=ENDING_TRIGGERS[trigger],
        route=referral.route,
        disposal=referral.disposal,
        accommodation_suitable=answered("accommodation_suitable"),
        ete_suitable=answered("ete_suitable"),
        send_need=answered("send_need"),
        send_learning_plan=fact("send_learning_plan"),
        mental_health_need=answered("mental_health_need"),
        mental_health_offered=fact("mental_health_offered"),
        mental_health_attending=fact("mental_health_attending"),
        substance_need=answered("substance_need"),
        substance_offered=fact("substance_offered"),
        substance_attending=fact("substance_attending"),
        child_protection_plan=answered("child_protection_plan"),
        child_in_need=answered("child_in_need"),
        victim_consent=VictimContact(consent),
        victim_views_sought=fact("victim_views_sought"),
        victim_rj_offered=fact("victim_rj_offered"),
        victim_kept_informed=fact("victim_kept_informed"),
        victim_support_info=fact("victim_support_info"),
        recorded_by_id=actor.id,
        recorded_at=now,
        **from_the_child_record(referral.child.send, referral.child.care_experience),
    )
