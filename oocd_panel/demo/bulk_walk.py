"""One planned referral's rows: `_Walk` carries a plan through its steps and writes what each
action of the workflow writes (the child and their parent or carer, the referral and its offences,
every event with its snapshot, the evaluation's decision points, the assessment's sections and
versions, the panel's votes, escalation and decision, the delivery, intervention notes and the
KPI facts kept when the intervention ends), then the records of the letters issued and, for a
small sample of cases, a manager's quality audit.
`_Earlier` is what it leaves for the same child's next referral."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oocd_panel.catalogue import disposals
from oocd_panel.demo.bulk_rows import COLUMNS, PLACEHOLDER_LETTER, VALUE, _json, _small_json, ts
from oocd_panel.demo.cohort import ReferralPlan, audit_answers, audited_at
from oocd_panel.demo.kpi_facts import end_answers
from oocd_panel.demo.panels import conditions_for
from oocd_panel.evaluation.decision_points import points
from oocd_panel.evaluation.snapshot import counts_against_first_entry, facts
from oocd_panel.letters.compose import TEMPLATE_VERSION, Variant
from oocd_panel.models import CareExperience, ReferralStatus, SendStatus
from oocd_panel.plumbing.clock import local_date
from oocd_panel.rules.intervention_end import (
    ENDING_TRIGGERS,
    ends_intervention,
    from_the_child_record,
    kept,
)
from oocd_panel.rules.referral_rules import age_on
from oocd_panel.rules.working_days import add_working_days
from oocd_panel.services.police import CAUTIONS
from oocd_panel.workflow import ACTIONS_BY_TRIGGER

if TYPE_CHECKING:
    from oocd_panel.demo.bulk_maker import _Rows

S = ReferralStatus

LETTERS_ISSUED = 0.9  # of cases whose letters are due, the share whose letters were issued
AUDITED = 0.03  # of signed-off cases, the share a manager audited


@dataclass
class _Earlier:
    """The last referral written, in case the same child is referred again next."""

    number: int
    child_id: int
    contact_id: int | None
    contact_name: str | None
    counts: bool  # counts against the child being a first-time entrant


class _Walk:
    """One referral carried through its plan's steps, writing what each action writes."""

    def __init__(self, rows: _Rows, plan: ReferralPlan) -> None:
        self.out = rows
        self.plan = plan
        self.service = rows.service(plan)
        self.rows = rows.rows
        self.ids = rows.ids

    def run(self) -> None:
        out, plan, rows, ids, service = self.out, self.plan, self.rows, self.ids, self.service
        data, child = plan.data, plan.child
        assert child.date_of_birth is not None
        assert data.received_on is not None
        assert data.offence_date is not None
        assert data.route is not None
        entered = ts(plan.entered_at)
        earlier = out.earlier
        if plan.earlier is not None:
            assert earlier is not None
            assert earlier.number == plan.earlier.number
            child_id, contact_id = earlier.child_id, earlier.contact_id
            contact_name = earlier.contact_name
            first_time = not earlier.counts
        else:
            child_id = ids.take("child")
            rows["child"].append(
                (child_id, plan.service_id, child.first_name, child.last_name, None,
                 child.date_of_birth.isoformat(), child.address_line_1, None, child.town,
                 " ".join(child.postcode.split()).upper(), child.sex, child.ethnicity, None,
                 child.care_experience, child.send, child.neurodivergent,
                 child.neurodiversity_details, child.first_language or "English",
                 child.needs_interpreter,
                 child.interpreter_language if child.needs_interpreter else None,
                 child.needs_easy_read, None, entered, entered)
            )  # fmt: skip
            contact_id = contact_name = None
            if data.contact is not None:
                c = data.contact
                contact_id, contact_name = ids.take("contact"), c.full_name
                rows["contact"].append(
                    (contact_id, child_id, c.full_name, c.relationship_to_child, c.phone,
                     c.email, c.address, c.has_parental_responsibility, c.receives_letters,
                     "English", False, False)
                )  # fmt: skip
            first_time = True

        referral_id = ids.take("referral")
        notification = data.route.value == "notification"
        offence = data.offences[0]
        gravity = max(o.gravity_score or 1 for o in data.offences)
        for position, o in enumerate(data.offences):
            rows["offence"].append(
                (ids.take("offence"), referral_id, position, o.offence_type,
                 o.description.strip(), o.gravity_score or 1)
            )  # fmt: skip
        status = S.NOTIFIED if notification else S.REFERRED
        disposal: str | None = data.police_outcome if notification else None
        practitioner_id: int | None = None
        delivered_on: str | None = None
        closure: str | None = None
        closed_at: str | None = None
        version = 1
        updated = entered
        route = data.route.value

        # Snapshots: the characteristics stay, the age and the disposal move on.
        snap_key: tuple[int, str | None] | None = None
        snap: dict[str, Any] = {}
        snap_json = ""
        born = child.date_of_birth
        # The referral's referred row, marked when its assessment is signed off (the follow-up
        # fact; the reoffending date is filled in after the load: fill_in_referred_again).
        referred_at: int | None = None

        def event(
            trigger: str,
            from_status: ReferralStatus | None,
            actor_id: int,
            moment: dt.datetime,
            at: str,
            reason: str | None,
            details: dict[str, Any],
        ) -> None:
            nonlocal snap_key, snap, snap_json, referred_at
            on = local_date(moment)
            key = (age_on(born, on), disposal)
            if key != snap_key:
                snap_key = key
                snap = facts(
                    born=born,
                    on=on,
                    offence_date=data.offence_date or on,
                    sex=child.sex,
                    ethnicity_code=child.ethnicity or "not_stated",
                    care_experience=child.care_experience,
                    send=child.send,
                    neurodivergent=child.neurodivergent,
                    first_time_entrant=first_time,
                    gravity_score=gravity,
                    offence_type=offence.offence_type,
                    route=route,
                    proposed_outcome=data.proposed_outcome,
                    disposal=disposal,
                )
                snap_json = _json(snap)
            rows["referral_event"].append(
                (ids.take("referral_event"), referral_id,
                 VALUE[from_status] if from_status else None, VALUE[status], trigger, actor_id,
                 at, reason, _json(details) if details else "{}", snap_json)
            )  # fmt: skip
            for p in points(
                trigger=trigger,
                from_status=from_status,
                disposal=disposal,
                gravity_score=gravity,
                on=on,
            ):
                found = rows["decision_point"]
                if p.point == "assessed" and referred_at is not None:
                    found[referred_at] = (*found[referred_at][:-2], True, None)
                elif p.point == "referred":
                    referred_at = len(found)
                found.append(
                    (ids.take("decision_point"), referral_id, child_id, plan.service_id, p.point,
                     route, on.isoformat(), p.selected, p.disposal, p.departure,
                     p.window_end.isoformat() if p.window_end else None, snap.get("age"),
                     snap["age_band"],
                     snap["sex"], snap["ethnicity"], snap["ethnicity_group"],
                     snap["care_experience"], snap["send"], snap["neurodivergent"],
                     bool(snap["first_time_entrant"]), gravity, snap["offence_type"], False, None)
                )  # fmt: skip

        event("notify" if notification else "refer", None, plan.cast.police.id,
              plan.entered_at, entered, None, {})  # fmt: skip

        assessment: list[Any] | None = None
        versions: list[list[Any]] = []
        item: list[Any] | None = None
        positions: tuple[str | None, str | None] = (None, None)  # the decision-makers' votes
        tie_break: str | None = None
        votes: list[tuple[int, str]] = []  # (member id, disposal), in the order cast
        escalation: list[Any] | None = None
        answers = plan.answers if not notification else None
        written = out.written(plan) if not notification else None
        decision_day: dt.date | None = None
        decision_id: int | None = None
        delivery_at: dt.datetime | None = None

        for index, step in enumerate(plan.steps):
            trigger, actor, moment = step.trigger, step.actor, step.moment
            actor_id: int = actor.id
            action = ACTIONS_BY_TRIGGER[trigger]
            assert status in action.sources, (plan.number, trigger, status)
            at = ts(moment)
            reason = step.reason
            details: dict[str, Any] = {}
            from_status = status
            if trigger in {"start_assessment", "offer_support"} and practitioner_id is None:
                practitioner_id = actor_id
            elif trigger == "submit_for_sign_off":
                assert answers is not None
                assert written is not None
                if assessment is None:
                    assessment_id = ids.take("assessment")
                    assessment = [assessment_id, referral_id, "draft", at, at, None, None, None,
                                  _small_json([actor_id])]  # fmt: skip
                    for key, section in written.sections:
                        rows["assessment_section"].append(
                            (ids.take("assessment_section"), assessment_id, key, section, True,
                             at, actor_id, 1)
                        )  # fmt: skip
                versions.append(
                    [ids.take("assessment_version"), assessment[0], len(versions) + 1,
                     written.content, written.warnings(gravity), actor_id, at, None, None,
                     None, None]
                )  # fmt: skip
                assessment[2] = "submitted"
                assessment[5:8] = written.ratings
            elif trigger in {"sign_off", "return_for_rework"}:
                assert assessment is not None
                signed = trigger == "sign_off"
                versions[-1][7:] = ["signed_off" if signed else "returned", reason, actor_id, at]
                assessment[2] = "signed_off" if signed else "returned"
            elif trigger == "take_to_panel":
                assert plan.meeting_start is not None
                meeting = out.meeting(service, plan.meeting_start)
                meeting.items += 1
                # The rule in force when the vote opens is kept with the item (it decides it).
                item = [ids.take("agenda_item"), meeting.id, referral_id, meeting.items,
                        "voting", at, None, service.settings.decision_rule, None, None, 2,
                        meeting]  # fmt: skip
                tie_break = service.settings.majority_tie_break
            elif trigger in {"decide", "escalate"}:
                assert item is not None
                assert step.disposal is not None
                police_vote = None if trigger == "decide" else _other(step.disposal)
                meeting = item[11]
                for m, member_id in zip(service.members, meeting.member_ids, strict=True):
                    vote = service._vote(m, step.disposal, police_vote)
                    votes.append((member_id, vote))
                    rows["panel_vote"].append(
                        (ids.take("panel_vote"), item[0], member_id, vote, '["one_to_one"]',
                         m.rationale, m.recorded_by_id, m.on_behalf, at, at)
                    )  # fmt: skip
                rule = service.outcome(step.disposal, police_vote)
                positions = (rule.police_position, rule.yjs_position)
                item[6:10] = [at, service.settings.decision_rule, rule.disposal, rule.note]
                item[10] += 2  # closing the vote, then the decision or the escalation
                if trigger == "decide":
                    disposal = step.disposal
                    decision_id, decision_day = ids.take("decision"), local_date(moment)
                    found_disposal = disposals.get(disposal)
                    conditions = _conditions(disposal, decision_day)
                    interventions = ["one_to_one"] if found_disposal.offers_intervention else []
                    confirmation = (
                        "Differs from the vote after hearing from the victim."
                        if rule.disposal != disposal
                        else None
                    )
                    departure = _departure_reason(gravity, disposal)
                    rows["decision"].append(
                        (decision_id, referral_id, item[0], None, service.settings.decision_rule,
                         rule.disposal, disposal, _small_json(interventions), _json(conditions),
                         _small_json({disposal: len(votes)}), "[]", confirmation, departure,
                         service.police_dm_id, False, at)
                    )  # fmt: skip
                    item[4] = "decided"
                    reason = confirmation or rule.note
                    details = {
                        "decision": {
                            "item_id": item[0],
                            "disposal": disposal,
                            "interventions": interventions,
                            "conditions": conditions,
                            "confirmation_rationale": confirmation,
                            "departure_rationale": departure,
                            "on_behalf": False,
                        }
                    }
                else:
                    item[4] = "escalated"
                    due = add_working_days(local_date(moment), service.settings.escalation_due_days)
                    escalation = [ids.take("escalation"), referral_id, item[0],
                                  service.inspector_id, service.yjs_manager_id, due.isoformat(),
                                  rule.police_position, rule.yjs_position, at, None, None, None,
                                  None, None, None, False, None, None]  # fmt: skip
                    reason = rule.note
                    details = {
                        "escalation": {
                            "item_id": item[0],
                            "police_inspector_id": service.inspector_id,
                            "yjs_manager_id": service.yjs_manager_id,
                            "due_on": due.isoformat(),
                            "police_position": rule.police_position,
                            "yjs_position": rule.yjs_position,
                        }
                    }
            elif trigger == "resolve_escalation":
                assert escalation is not None
                assert item is not None
                assert step.disposal is not None
                disposal = step.disposal
                decision_id, decision_day = ids.take("decision"), local_date(moment)
                conditions = _conditions(disposal, decision_day)
                departure = _departure_reason(gravity, disposal)
                reason = ESCALATION_RESOLUTION
                escalation[9:15] = [at, actor_id, disposal, reason, True, None]
                # The inspector proposed it (a new version of the case), the YJS manager agreed
                # signed in as themselves: the event is the manager's.
                escalation[16:18] = [
                    _json({"disposal": disposal, "interventions": ["one_to_one"],
                           "conditions": conditions, "rationale": reason,
                           "departure_rationale": departure}),
                    at,
                ]  # fmt: skip
                version += 1
                tally: dict[str, int] = {}
                dissent = []
                for (_member, vote), m in zip(votes, service.members, strict=True):
                    tally[vote] = tally.get(vote, 0) + 1
                    if vote != disposal:
                        dissent.append(
                            {"member": m.name, "agency": m.agency.label, "disposal": vote,
                             "rationale": m.rationale}
                        )  # fmt: skip
                rows["decision"].append(
                    (decision_id, referral_id, item[0], escalation[0], item[7], None, disposal,
                     '["one_to_one"]', _json(conditions), _json(tally), _json(dissent), reason,
                     departure, actor_id, False, at)
                )  # fmt: skip
                details = {
                    "resolution": {
                        "disposal": disposal,
                        "rationale": reason,
                        "interventions": ["one_to_one"],
                        "conditions": conditions,
                        "departure_rationale": departure,
                        "yjs_manager_agreed": True,
                        "yjs_manager_view": None,
                    }
                }
                actor_id = service.yjs_manager_id  # the event is the manager's answer
            elif trigger == "record_delivery":
                day = local_date(moment)
                caution = disposal in CAUTIONS
                given = disposals.find(disposal)
                conditional = given is not None and given.work is disposals.Work.CONDITIONAL
                adult = (contact_name or "Duty appropriate adult") if caution else None
                delivery: dict[str, Any] = {
                    "outcome": "given",
                    "delivered_on": day.isoformat(),
                    "appropriate_adult_present": True if caution else None,
                    "appropriate_adult_name": adult,
                    "legal_advice_offered": True if caution else None,
                    "legal_advice_taken": False if caution else None,
                    "admission_confirmed": True,
                    "consent_signed": True if conditional else None,
                    "notes": None,
                    "extra": {},
                }
                rows["delivery"].append(
                    (ids.take("delivery"), referral_id, "given", day.isoformat(),
                     delivery["appropriate_adult_present"], adult,
                     delivery["legal_advice_offered"], delivery["legal_advice_taken"], True,
                     delivery["consent_signed"], None, actor_id, at)
                )  # fmt: skip
                delivered_on = day.isoformat()
                delivery_at = moment
                # The workflow saves the case twice here (the status, then the date given), and
                # the optimistic-locking version counts both.
                version += 1
                details = {"delivery": delivery}
                reason = None
            elif ends_intervention(trigger, status):
                self._ended(referral_id, trigger, disposal, actor_id, moment)
            elif trigger == "withdraw":
                assert item is None or item[4] not in {"waiting", "voting", "vote_closed"}
                assert escalation is None or escalation[9] is not None
                version += 1  # saved twice too: the status, then the closure
            status = action.dest
            if action.closes_as is not None:
                closure, closed_at = action.closes_as.value, at
                details = {**details, "closure_reason": closure}
            version += 1
            updated = at
            event(trigger, from_status, actor_id, moment, at, reason, details)
            for moment_, note in plan.notes.get(index, []):
                rows["intervention_note"].append(
                    (ids.take("intervention_note"), referral_id, actor_id, ts(moment_), note)
                )

        rows["referral"].append(
            (referral_id, plan.service_id, child_id, route, data.police_reference,
             data.offence_date.isoformat(), data.received_on.isoformat(),
             None if notification else service.assessment_due(data.received_on),
             data.admission, data.officer_name, None, plan.cast.police.id,
             data.proposed_outcome, gravity, data.victim_details, None,
             data.victim_restorative_wish, VALUE[status], practitioner_id, disposal, delivered_on,
             closure, closed_at, entered, updated, version)
        )  # fmt: skip
        if assessment is not None:
            rows["assessment"].append(tuple(assessment))
            rows["assessment_version"].extend(tuple(v) for v in versions)
        if item is not None:
            rows["agenda_item"].append((*item[:11], *positions, tie_break))
        if escalation is not None:
            rows["escalation"].append(tuple(escalation))
        if delivery_at is not None and decision_id is not None and decision_day is not None:
            self._letters(referral_id, decision_id, decision_day, delivery_at, practitioner_id,
                          child_id, contact_id, contact_name, answers)  # fmt: skip
        if assessment is not None and assessment[2] == "signed_off":
            self._audit(referral_id, practitioner_id, status, plan.finished_at)
        out.earlier = _Earlier(
            plan.number,
            child_id,
            contact_id,
            contact_name,
            counts_against_first_entry(
                disposal, status, dt.date.fromisoformat(delivered_on) if delivered_on else None
            ),
        )

    def _ended(
        self,
        referral_id: int,
        trigger: str,
        disposal: str | None,
        actor_id: int,
        moment: dt.datetime,
    ) -> None:
        """The KPI facts kept when the intervention ends (`end_intervention` in the workflow)."""
        plan, child = self.plan, self.plan.child
        answers = kept(end_answers(plan.number, child, plan.data.victim_restorative_wish, trigger))
        record = from_the_child_record(
            SendStatus(child.send), CareExperience(child.care_experience)
        )
        facts = {**answers, **{k: v.value for k, v in record.items()}}
        columns = COLUMNS["intervention_end"]
        self.rows["intervention_end"].append(
            (self.ids.take("intervention_end"), referral_id, plan.service_id,
             local_date(moment).isoformat(), ENDING_TRIGGERS[trigger].value,
             plan.data.route.value if plan.data.route else "panel", disposal,
             *(facts[c] for c in columns[7:-2]), actor_id, ts(moment))
        )  # fmt: skip

    def _letters(
        self,
        referral_id: int,
        decision_id: int,
        decided: dt.date,
        delivered: dt.datetime,
        issuer_id: int | None,
        child_id: int,
        contact_id: int | None,
        contact_name: str | None,
        answers: dict[str, dict[str, Any]] | None,
    ) -> None:
        """The letters' records, as issuing them the day the outcome was given records them."""
        out = self.out
        if issuer_id is None or out.rng.random() >= LETTERS_ISSUED:
            return
        child = self.plan.child
        assert child.date_of_birth is not None
        issued = ts(min(delivered + dt.timedelta(hours=2), out.last_moment))
        address = "\n".join(
            line
            for line in (
                child.address_line_1.strip(),
                child.town.strip(),
                " ".join(child.postcode.split()).upper(),
            )
            if line
        )
        easy_read = child.needs_easy_read or (
            answers is not None and answers.get("circumstances", {}).get("easy_read") == "yes"
        )
        if easy_read:
            variant = Variant.EASY_READ
        elif age_on(child.date_of_birth, decided) <= 13:
            variant = Variant.CHILD_YOUNGER
        else:
            variant = Variant.CHILD_OLDER
        recipients = [("child", f"{child.first_name} {child.last_name}", variant)]
        if contact_id is not None and contact_name is not None:
            recipients.append((f"contact-{contact_id}", contact_name, Variant.PARENT))
        for key, name, kind in recipients:
            self.rows["letter"].append(
                (self.ids.take("letter"), referral_id, decision_id, key, name, address,
                 kind.value, 1, PLACEHOLDER_LETTER, out.pdf, out.sha256, TEMPLATE_VERSION,
                 self.service.catalogue_version, self.service.wording_version, issuer_id,
                 issued)
            )  # fmt: skip

    def _audit(
        self,
        referral_id: int,
        practitioner_id: int | None,
        status: ReferralStatus,
        last: dt.datetime,
    ) -> None:
        """A manager's quality audit of a small sample of signed-off cases."""
        out = self.out
        if out.rng.random() >= AUDITED:
            return
        delivered = status in {S.INTERVENTION, S.CLOSED}
        answers = audit_answers(out.rng, delivered=delivered)
        audit_id = self.ids.take("quality_audit")
        when = audited_at(out.rng, last, out.last_moment)
        self.rows["quality_audit"].append(
            (audit_id, referral_id, self.service.auditor_id, practitioner_id, ts(when), None)
        )
        for name, (answer, comment) in answers.items():
            standard, question = name.split("_", 1)
            self.rows["quality_audit_answer"].append(
                (self.ids.take("quality_audit_answer"), audit_id, standard, question, answer,
                 comment)
            )  # fmt: skip


ESCALATION_RESOLUTION = (
    "The inspector and the YJS manager met and agreed the YJS recommendation: the "
    "assessment shows the child is being exploited."
)
DEPARTURE = "The assessment shows strong protective factors and an early admission."


def _conditions(disposal: str, day: dt.date) -> list[dict[str, str]]:
    """The conditions the demo's panels set (`conditions_for`), as the decision keeps them."""
    found = []
    for condition, due_on in conditions_for(disposal, day):
        assert due_on is not None
        found.append({"text": condition, "due_on": due_on.isoformat()})
    return found


def _other(disposal: str) -> str:
    return "youth_caution" if disposal != "youth_caution" else "community_resolution"


def _departure_reason(gravity: int, disposal: str) -> str | None:
    default = disposals.gravity_default(gravity)
    return DEPARTURE if default is not None and default.code != disposal else None
