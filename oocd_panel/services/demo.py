"""Synthetic demo data: services, one demo user per role, and a realistic cohort of referrals.

Everything here is invented. Names are random pairings of common first names and surnames,
streets and towns are fictional, and the characteristics are drawn to look roughly like a diverse
London borough's youth justice caseload (mostly boys aged 14 to 17, black and mixed heritage
children, children in care and neurodivergent children over-represented). The same `seed` always
gives the same cohort.

Every referral is carried through the real workflow (`take_action`), so its timeline, snapshots
and status are exactly what the product itself would have written.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from oocd_panel import disposals
from oocd_panel.audit_standards import question_pairs
from oocd_panel.clock import LONDON, local_date, utcnow, years_before
from oocd_panel.models import (
    Agency,
    Assessment,
    AssessmentStatus,
    Referral,
    ReferralStatus,
    Role,
    Route,
    Service,
    User,
)
from oocd_panel.referral_rules import ChildDetails, ContactDetails, NewReferral, OffenceDetails
from oocd_panel.services import demo_panel, letter_wording, panels, police, two_factor
from oocd_panel.services.accounts import create_user, find_by_email
from oocd_panel.services.actions import take_action
from oocd_panel.services.assessments import save_section
from oocd_panel.services.audits import field_name, record_audit
from oocd_panel.services.demo_assessment import answers_for
from oocd_panel.services.demo_names import FIRST_NAMES_BOYS, FIRST_NAMES_GIRLS, STREETS, SURNAMES
from oocd_panel.services.demo_panel import PanelCast
from oocd_panel.services.referrals import create_referral
from oocd_panel.workflow import current_item

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 (printed for the synthetic demo only)
# Demo administrators and managers sign in with two-factor like everyone in their roles: their
# authenticator key is published with the demo password (`flask demo-sign-ins`), and
# `flask demo-code` prints the current code. There is no switch that turns two-factor off.
DEMO_TOTP_SECRET = "DEMOTWOFACTORKEYSYNTHETICDATAXYZ"  # noqa: S105 (synthetic demo only)

SERVICES = (
    ("northbrook", "Northbrook Youth Justice Service"),
    ("eastmere", "Eastmere Youth Justice Service"),
)
# Northbrook keeps the default joint rule; Eastmere shows the majority rule.
SERVICE_SETTINGS = {"eastmere": {"decision_rule": "majority"}}


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    roles: tuple[Role, ...]
    agency: Agency | None
    services: tuple[str, ...]
    note: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "practitioner@example.org",
        "Robin Adeyemi",
        (Role.PRACTITIONER,),
        Agency.YJS,
        ("northbrook",),
        "writes pre-panel assessments",
    ),
    DemoUser(
        "practitioner2@example.org",
        "Casey Lindqvist",
        (Role.PRACTITIONER,),
        Agency.YJS,
        ("northbrook",),
        "a second practitioner",
    ),
    DemoUser(
        "practitioner.eastmere@example.org",
        "Alex Varga",
        (Role.PRACTITIONER,),
        Agency.YJS,
        ("eastmere",),
        "practitioner in Eastmere only",
    ),
    DemoUser(
        "manager@example.org",
        "Morgan Achterberg",
        (Role.MANAGER,),
        Agency.YJS,
        ("northbrook",),
        "signs off assessments, resolves escalations",
    ),
    DemoUser(
        "manager2@example.org",
        "Dana Szymanska",
        (Role.MANAGER,),
        Agency.YJS,
        ("northbrook", "eastmere"),
        "a second manager, covers both services",
    ),
    DemoUser(
        "panel.police@example.org",
        "Sergeant Avery Quinlan",
        (Role.PANEL_MEMBER,),
        Agency.POLICE,
        ("northbrook",),
        "police decision-maker on the panel",
    ),
    DemoUser(
        "panel.eastmere@example.org",
        "Inspector Quinn Adebayo",
        (Role.PANEL_MEMBER,),
        Agency.POLICE,
        ("eastmere",),
        "police decision-maker on Eastmere's panel",
    ),
    DemoUser(
        "panel.yjs@example.org",
        "Jules Oyelaran",
        (Role.PANEL_MEMBER,),
        Agency.YJS,
        ("northbrook",),
        "YJS decision-maker on the panel",
    ),
    DemoUser(
        "panel.health@example.org",
        "Dr Rowan Petrakis",
        (Role.PANEL_MEMBER,),
        Agency.HEALTH,
        ("northbrook",),
        "health adviser on the panel",
    ),
    DemoUser(
        "police@example.org",
        "PC Harper Nkemelu",
        (Role.POLICE_OFFICER,),
        Agency.POLICE,
        ("northbrook", "eastmere"),
        "checks outcomes and records delivery, both services",
    ),
    DemoUser(
        "inspector@example.org",
        "Inspector Jo Ferris",
        (Role.POLICE_OFFICER,),
        Agency.POLICE,
        ("northbrook", "eastmere"),
        "police inspector who resolves escalations",
    ),
    DemoUser(
        "analyst@example.org",
        "Sasha Whitlow",
        (Role.ANALYST,),
        None,
        ("northbrook", "eastmere"),
        "evaluation and reports",
    ),
    DemoUser(
        "admin@example.org",
        "Kit Marchetti",
        (Role.ADMIN,),
        None,
        ("northbrook", "eastmere"),
        "users and settings",
    ),
)

# Roughly a diverse London borough's caseload (ONS 2021 codes, weights in per cent).
ETHNICITY_WEIGHTS = {
    "white_british": 24,
    "white_irish": 1,
    "white_gypsy_traveller": 1,
    "white_roma": 1,
    "white_other": 10,
    "black_african": 12,
    "black_caribbean": 9,
    "black_other": 3,
    "mixed_white_black_caribbean": 8,
    "mixed_white_black_african": 3,
    "mixed_white_asian": 2,
    "mixed_other": 3,
    "asian_indian": 5,
    "asian_pakistani": 4,
    "asian_bangladeshi": 2,
    "asian_chinese": 1,
    "asian_other": 3,
    "other_arab": 3,
    "other_any": 3,
    "not_stated": 2,
}
OFFENCE_WEIGHTS = {
    "violence_against_the_person": 32,
    "drugs": 18,
    "theft_and_handling": 12,
    "possession_of_weapon": 9,
    "criminal_damage": 8,
    "public_order": 6,
    "robbery": 5,
    "burglary": 3,
    "motoring": 3,
    "vehicle_theft": 2,
    "fraud_and_forgery": 1,
    "other": 1,
}
OFFENCE_DESCRIPTIONS = {
    "violence_against_the_person": "Pushed and punched another young person outside school.",
    "drugs": "Found in possession of a small amount of cannabis.",
    "theft_and_handling": "Took clothing from a shop without paying.",
    "possession_of_weapon": "Carried a folding knife in a bag at a bus station.",
    "criminal_damage": "Broke a bus shelter window.",
    "public_order": "Shouted threats during an argument in a park.",
    "robbery": "Took a phone from another child with threats.",
    "burglary": "Entered a garden shed and took a bicycle.",
    "motoring": "Rode an electric scooter on the road without insurance.",
    "vehicle_theft": "Rode in a car taken without the owner's consent.",
    "fraud_and_forgery": "Used someone else's bank card online.",
    "other": "Gave a false name to a police officer.",
}
PARENTS = (
    ("mother", 55),
    ("father", 20),
    ("foster carer", 8),
    ("grandmother", 8),
    ("aunt", 4),
    ("residential care worker", 5),
)

# Where each demo case ends up (weights): every status and closure is represented.
OUTCOME_WEIGHTS: dict[str, int] = {
    "referred": 6,
    "assessing": 8,
    "awaiting_sign_off": 5,
    "ready_for_panel": 6,
    "at_panel": 4,
    "escalated": 2,
    "decided": 5,
    "outcome_delivered": 5,
    "intervention": 12,
    "notified": 3,
    "support_offered": 3,
    "closed_completed": 18,
    "closed_not_completed": 4,
    "closed_declined": 4,
    "closed_withdrawn": 3,
    "closed_nfa": 4,
    "closed_charged": 4,
    "support_accepted": 2,
    "support_declined": 2,
    "deferred_prosecution": 2,
    "returned_to_police": 2,
    "escalation_resolved": 2,
}
DISPOSAL_FOR_GRAVITY = {
    1: "no_further_action",
    2: "community_resolution",
    3: "youth_caution",
    4: "youth_conditional_caution",
    5: "charge",
}


ALL_FIRST_NAMES = FIRST_NAMES_BOYS + FIRST_NAMES_GIRLS
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def _postcode(rng: random.Random, area: str) -> str:
    letters = rng.choice(_POSTCODE_LETTERS) + rng.choice(_POSTCODE_LETTERS)
    return f"{area}{rng.randint(1, 9)} {rng.randint(1, 9)}{letters}"


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def ensure_services(session: Session) -> dict[str, Service]:
    found = {s.slug: s for s in session.scalars(select(Service))}
    for slug, name in SERVICES:
        if slug not in found:
            found[slug] = Service(slug=slug, name=name, settings=SERVICE_SETTINGS.get(slug, {}))
            session.add(found[slug])
    session.commit()
    return found


def ensure_demo_users(session: Session, services: dict[str, Service]) -> dict[str, User]:
    users: dict[str, User] = {}
    for demo in DEMO_USERS:
        user = find_by_email(session, demo.email)
        if user is None:
            user = create_user(
                session,
                email=demo.email,
                full_name=demo.full_name,
                password=DEMO_PASSWORD,
                roles=demo.roles,
                services=[services[s] for s in demo.services],
                agency=demo.agency,
            )
        if two_factor.must_set_up(user):
            two_factor.set_up_with_secret(session, user, DEMO_TOTP_SECRET)
        users[demo.email] = user
    return users


def _date_of_birth(rng: random.Random, offence_date: dt.date) -> dt.date:
    # Ages at the offence from 10 to 17, mostly 14 to 17.
    age = rng.choices(range(10, 18), weights=[1, 2, 4, 7, 12, 17, 21, 22])[0]
    return years_before(offence_date, age + 1) + dt.timedelta(days=rng.randint(1, 364))


def _child(
    rng: random.Random, offence_date: dt.date, town: str, postcode_area: str
) -> ChildDetails:
    boy = rng.random() < 0.82
    first = rng.choice(FIRST_NAMES_BOYS if boy else FIRST_NAMES_GIRLS)
    care = rng.choices(["none", "looked_after", "care_leaver", "not_known"], [82, 11, 4, 3])[0]
    send = rng.choices(["none", "sen_support", "ehcp", "not_known"], [58, 24, 12, 6])[0]
    neuro = rng.choices(["yes", "no", "not_known"], [28, 55, 17])[0]
    code = _weighted(rng, ETHNICITY_WEIGHTS)
    language = rng.choices(
        ["English", "Somali", "Polish", "Arabic", "Portuguese", "Tigrinya"], [88, 3, 3, 2, 2, 2]
    )[0]
    return ChildDetails(
        first_name=first,
        last_name=rng.choice(SURNAMES),
        date_of_birth=_date_of_birth(rng, offence_date),
        address_line_1=f"{rng.randint(1, 180)} {rng.choice(STREETS)}",
        town=town,
        postcode=_postcode(rng, postcode_area),
        sex="male" if boy else "female",
        ethnicity=code,
        care_experience=care,
        send=send,
        neurodivergent=neuro,
        neurodiversity_details=rng.choice(
            ["ADHD (diagnosed)", "Autism (diagnosed)", "Awaiting ADHD assessment", "Dyslexia"]
        )
        if neuro == "yes"
        else None,
        first_language=language,
        needs_interpreter=language != "English" and rng.random() < 0.3,
        interpreter_language=language if language != "English" else None,
        needs_easy_read=send != "none" and rng.random() < 0.4,
    )


def _contact(rng: random.Random, child: ChildDetails) -> ContactDetails:
    relation = _weighted(rng, dict(PARENTS))
    women = relation in {"mother", "grandmother", "aunt"}
    first = rng.choice(FIRST_NAMES_GIRLS if women else ALL_FIRST_NAMES)
    name = f"{first} {child.last_name}"
    return ContactDetails(
        full_name=name,
        relationship_to_child=relation,
        phone=f"07700 9{rng.randint(0, 99999):05d}",  # Ofcom's range reserved for drama
        has_parental_responsibility=relation in {"mother", "father"},
    )


@dataclass
class Cast:
    practitioners: Sequence[User]
    managers: Sequence[User]
    panel: PanelCast
    police: User


Step = tuple[str, User, dict[str, object], str | None]


def _path(outcome: str, gravity: int, cast: Cast, rng: random.Random) -> tuple[Route, list[Step]]:
    """The actions that take a new referral to `outcome`, each with who takes it."""
    practitioner = rng.choice(cast.practitioners)
    manager = next(m for m in cast.managers if m.id != practitioner.id)
    if outcome in {"notified", "support_offered", "support_accepted", "support_declined"}:
        steps: list[Step] = []
        if outcome != "notified":
            steps.append(("offer_support", practitioner, {}, None))
        if outcome == "support_accepted":
            steps += [
                ("accept_support", practitioner, {}, None),
                ("complete_intervention", practitioner, {}, None),
            ]
        if outcome == "support_declined":
            steps.append(("record_declined", practitioner, {}, None))
        return Route.NOTIFICATION, steps

    order = [
        "referred",
        "assessing",
        "awaiting_sign_off",
        "ready_for_panel",
        "at_panel",
        "decided",
        "outcome_delivered",
        "intervention",
    ]
    disposal = DISPOSAL_FOR_GRAVITY[gravity]
    if outcome == "closed_charged":
        disposal = "charge"
    elif outcome == "closed_nfa":
        disposal = "no_further_action"
    elif outcome == "deferred_prosecution":
        disposal = "deferred_prosecution"
    elif outcome in {
        "outcome_delivered",
        "intervention",
        "closed_completed",
        "closed_not_completed",
        "returned_to_police",
        "closed_declined",
    }:
        if disposal in {"no_further_action", "charge"}:
            disposal = (
                "youth_caution"
                if outcome not in {"closed_not_completed", "returned_to_police"}
                else "youth_conditional_caution"
            )
        if outcome == "closed_declined" and disposal == "youth_conditional_caution":
            disposal = "community_resolution"
        if outcome in {"closed_not_completed", "returned_to_police"}:
            disposal = "youth_conditional_caution"
    target = {
        "escalated": "at_panel",
        "escalation_resolved": "at_panel",
        "returned_to_police": "intervention",
        "closed_withdrawn": rng.choice(order[:4]),
        "closed_charged": "decided",
        "closed_nfa": "decided",
        "closed_completed": "intervention",
        "closed_not_completed": "intervention",
        "closed_declined": "outcome_delivered",
        "deferred_prosecution": "intervention",
    }.get(outcome, outcome)

    all_steps: list[Step] = [
        ("start_assessment", practitioner, {}, None),
        ("submit_for_sign_off", practitioner, {}, None),
        ("sign_off", manager, {}, "Risks to and from the child are analysed with evidence."),
        ("take_to_panel", cast.panel.chair, {}, None),
        ("decide", cast.panel.police, {"disposal": disposal}, None),
        ("record_delivery", cast.police, {}, None),
        ("start_intervention", practitioner, {}, None),
    ]
    steps = all_steps[: order.index(target)]
    if outcome in {"escalated", "escalation_resolved"}:
        steps.append(("escalate", cast.panel.chair, {"disposal": disposal}, None))
        if outcome == "escalation_resolved":
            steps.append(("resolve_escalation", cast.panel.chair, {"disposal": disposal}, None))
    elif outcome == "closed_withdrawn":
        steps.append(
            ("withdraw", cast.police, {}, "The victim withdrew support for the prosecution.")
        )
    elif outcome == "closed_charged":
        steps.append(("close_charged", cast.police, {}, None))
    elif outcome == "closed_nfa":
        steps.append(
            ("close_no_further_action", practitioner, {}, "No further action was decided.")
        )
    elif outcome in {"closed_completed", "deferred_prosecution"}:
        steps.append(("complete_intervention", practitioner, {}, None))
    elif outcome in {"closed_not_completed", "returned_to_police"}:
        steps.append(
            ("end_not_completed", practitioner, {}, "Stopped attending after three sessions.")
        )
        if outcome == "closed_not_completed":
            steps.append(
                (
                    "close_no_further_action",
                    cast.police,
                    {},
                    "Two of three conditions met; the police decided on no further action.",
                )
            )
    elif outcome == "closed_declined":
        steps.append(
            ("record_declined", practitioner, {}, "The child did not want further sessions.")
        )
    if outcome in {"assessing"} and rng.random() < 0.3:
        # Some assessments were returned for rework on the way.
        steps = [
            *all_steps[:2],
            (
                "return_for_rework",
                manager,
                {},
                "Analyse the exploitation concerns and give evidence for the rating.",
            ),
        ]
    return Route.PANEL, steps


def seed_referrals(
    session: Session,
    *,
    count: int,
    seed: int,
    users: dict[str, User],
    services: dict[str, Service],
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Create `count` referrals (deterministic for a given seed and today). Returns how many."""
    rng = random.Random(seed)
    today = today or utcnow().astimezone(LONDON).date()
    inspector = users["inspector@example.org"]
    casts = {
        "northbrook": Cast(
            practitioners=[users["practitioner@example.org"], users["practitioner2@example.org"]],
            managers=[users["manager@example.org"], users["manager2@example.org"]],
            panel=PanelCast(
                chair=users["panel.yjs@example.org"],
                police=users["panel.police@example.org"],
                advisers=[users["panel.health@example.org"]],
                volunteers=["Lee Harlow (community volunteer)"],
                inspector=inspector,
                yjs_manager=users["manager@example.org"],
            ),
            police=users["police@example.org"],
        ),
        "eastmere": Cast(
            practitioners=[users["practitioner.eastmere@example.org"]],
            managers=[users["manager2@example.org"]],
            panel=PanelCast(
                chair=users["manager2@example.org"],
                police=users["panel.eastmere@example.org"],
                volunteers=["Sam Okoro (community volunteer)", "Ash Brennan (education)"],
                inspector=inspector,
                yjs_manager=users["manager2@example.org"],
            ),
            police=users["police@example.org"],
        ),
    }
    outcomes = list(OUTCOME_WEIGHTS)
    for i in range(count):
        # The first cases cover every outcome once; the rest follow the weights.
        outcome = outcomes[i] if i < len(outcomes) else _weighted(rng, OUTCOME_WEIGHTS)
        # One case in five is Eastmere's, so a second service has work too.
        slug = "eastmere" if i >= len(outcomes) and rng.random() < 0.2 else "northbrook"
        service, cast = services[slug], casts[slug]
        if slug == "eastmere" and outcome in {"escalated", "escalation_resolved"}:
            outcome = "at_panel"  # Eastmere decides by majority: its panels rarely escalate
        # Older cases are further along: open cases are recent, closed ones up to two years old.
        open_case = not outcome.startswith("closed") and outcome not in {
            "support_accepted",
            "support_declined",
            "deferred_prosecution",
        }
        days_ago = rng.randint(3, 40) if open_case else rng.randint(60, 700)
        received = today - dt.timedelta(days=days_ago)
        offence_date = received - dt.timedelta(days=rng.randint(1, 20))
        offence_type = _weighted(rng, OFFENCE_WEIGHTS)
        gravity = rng.choices([1, 2, 3, 4, 5], [8, 38, 30, 17, 7])[0]
        town, area = ("Northbrook", "NB") if slug == "northbrook" else ("Eastmere", "EM")
        child = _child(rng, offence_date, town, area)
        route, steps = _path(outcome, gravity, cast, rng)
        police_outcome = None
        if route is Route.NOTIFICATION:
            police_outcome = (
                "outcome_22"
                if outcome == "support_accepted"
                else rng.choice(["community_resolution", "community_resolution", "outcome_22"])
            )
        proposed = DISPOSAL_FOR_GRAVITY[gravity]
        if rng.random() < 0.2:
            proposed = DISPOSAL_FOR_GRAVITY[max(1, gravity - 1)]
        data = NewReferral(
            service_id=service.id,
            route=route,
            police_reference=f"{area}{rng.randint(1000000, 9999999)}/{received:%y}",
            offence_date=offence_date,
            received_on=received,
            admission=rng.choices(["admits", "denies", "no_comment"], [80, 8, 12])[0],
            officer_name=f"PC {rng.choice(ALL_FIRST_NAMES)} {rng.choice(SURNAMES)}",
            proposed_outcome=police_outcome or proposed,
            police_outcome=police_outcome,
            offences=[OffenceDetails(offence_type, OFFENCE_DESCRIPTIONS[offence_type], gravity)],
            child=child,
            contact=_contact(rng, child),
            victim_details="A pupil at the same school."
            if offence_type == "violence_against_the_person"
            else None,
            victim_restorative_wish=rng.choice(["yes", "no", "not_asked"]),
        )
        at = dt.datetime.combine(received, dt.time(10, rng.randint(0, 59)), LONDON)
        referral, _ = create_referral(session, cast.police, data, now=at)
        _walk(session, cast, referral, steps, at, today, rng)
        if progress:
            progress(i + 1)
    return count


PANEL_WEEKDAY = 1  # panels meet on Tuesdays


def _panel_day(moment: dt.datetime, last_day: dt.datetime) -> dt.datetime:
    """The next Tuesday's meeting (10:00), or the moment itself if that is still to come."""
    day = local_date(moment)
    day += dt.timedelta(days=(PANEL_WEEKDAY - day.weekday()) % 7)
    meeting = dt.datetime.combine(day, dt.time(10, 0), LONDON)
    return meeting if meeting <= last_day else moment


def _panel_step(
    session: Session,
    cast: Cast,
    referral: Referral,
    trigger: str,
    values: dict[str, object],
    moment: dt.datetime,
) -> bool:
    """Steps that happen at a panel or at the police station, through their own services."""
    panel = cast.panel
    if trigger == "take_to_panel":
        demo_panel.to_panel(session, panel, referral, moment)
    elif trigger in {"decide", "escalate"}:
        item = current_item(referral)
        assert item is not None
        disposal = str(values["disposal"])
        if trigger == "decide":
            demo_panel.vote(session, panel, item, disposal, moment)
            demo_panel.confirm(session, panel, item, disposal, moment)
        else:
            other = "youth_caution" if disposal != "youth_caution" else "community_resolution"
            demo_panel.vote(session, panel, item, disposal, moment, police_vote=other)
    elif trigger == "resolve_escalation":
        assert panel.inspector is not None
        panels.resolve_escalation(
            session,
            panel.inspector,
            referral_id=referral.id,
            given=panels.DecisionInput(
                str(values["disposal"]),
                ("one_to_one",),
                demo_panel.conditions_for(str(values["disposal"]), local_date(moment)),
                "The inspector and the YJS manager met and agreed the YJS recommendation: the "
                "assessment shows the child is being exploited.",
                demo_panel.departure_reason(referral, str(values["disposal"])),
            ),
            yjs_manager_agreed=True,
            expected_version=None,
            now=moment,
        )
    elif trigger == "record_delivery":
        police.record_delivery(
            session,
            cast.police,
            referral_id=referral.id,
            given=delivery_for(referral, local_date(moment)),
            expected_version=None,
            now=moment,
        )
    else:
        return False
    return True


def delivery_for(referral: Referral, day: dt.date) -> police.DeliveryInput:
    """A delivery record with what the outcome needs: appropriate adult, advice, consent."""
    caution = referral.disposal in police.CAUTIONS
    found = disposals.find(referral.disposal)
    conditional = found is not None and found.work is disposals.Work.CONDITIONAL
    return police.DeliveryInput(
        outcome="given",
        delivered_on=day,
        appropriate_adult_present=True if caution else None,
        appropriate_adult_name=referral.child.contacts[0].full_name
        if caution and referral.child.contacts
        else ("Duty appropriate adult" if caution else None),
        legal_advice_offered=True if caution else None,
        legal_advice_taken=False if caution else None,
        admission_confirmed=True,
        consent_signed=True if conditional else None,
    )


def _walk(
    session: Session,
    cast: Cast,
    referral: Referral,
    steps: list[Step],
    start: dt.datetime,
    today: dt.date,
    rng: random.Random,
) -> None:
    moment = start
    last_day = dt.datetime.combine(today, dt.time(9), LONDON)
    for trigger, actor, inputs, reason in steps:
        moment = min(
            moment + dt.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5)), last_day
        )
        values = dict(inputs)
        if trigger == "submit_for_sign_off":
            _write_assessment(session, actor, referral, rng)
        if trigger == "take_to_panel":
            moment = _panel_day(moment, last_day)
        if _panel_step(session, cast, referral, trigger, values, moment):
            continue
        take_action(
            session,
            referral_id=referral.id,
            trigger=trigger,
            actor=actor,
            expected_version=None,
            reason=reason,
            inputs=values,
            now=moment,
        )


def _write_assessment(
    session: Session, author: User, referral: Referral, rng: random.Random
) -> None:
    """Complete every section of the assessment, as the practitioner would."""
    exploitation = rng.random() < 0.15
    answers = answers_for(rng, referral.proposed_outcome, exploitation=exploitation)
    for key, section_answers in answers.items():
        current = referral.assessment.section(key) if referral.assessment else None
        save_section(
            session,
            author,
            referral_id=referral.id,
            key=key,
            answers=section_answers,
            mark_completed=True,
            expected_version=current.version if current else None,
        )


# How often auditors answer 'yes', per standard and question: weakest on safety, as the
# inspection found.
_AUDIT_YES = {
    "desistance": 0.8,
    "child_safety": 0.55,
    "others_safety": 0.6,
}


def seed_audits(session: Session, users: dict[str, User], rng: random.Random) -> int:
    """Audit about a third of the signed-off cases, as their service's managers would."""
    auditors = [users["manager@example.org"], users["manager2@example.org"]]
    signed_off = session.scalars(
        select(Referral)
        .join(Assessment, Assessment.referral_id == Referral.id)
        .where(Assessment.status == AssessmentStatus.SIGNED_OFF)
        .order_by(Referral.id)
    ).all()
    done = 0
    for referral in signed_off:
        if rng.random() > 0.35:
            continue
        auditor = next((a for a in auditors if referral.service_id in a.service_ids), auditors[0])
        delivered = referral.status in {ReferralStatus.INTERVENTION, ReferralStatus.CLOSED}
        answers: dict[str, tuple[str, str | None]] = {}
        for standard, question, _ in question_pairs():
            if standard == "delivery" and not delivered:
                answers[field_name(standard, question)] = ("not_applicable", None)
                continue
            boost = 0.1 if standard != "assessment" else 0.0
            yes = rng.random() < _AUDIT_YES[question] + boost
            comment = (
                None
                if yes
                else "Risks named but not analysed: add the evidence and what could happen."
            )
            answers[field_name(standard, question)] = ("yes" if yes else "no", comment)
        when = referral.events[-1].occurred_at + dt.timedelta(days=rng.randint(7, 40))
        if when > utcnow():  # recent cases: audited in the last few weeks
            when = utcnow() - dt.timedelta(hours=rng.randint(1, 500))
        record_audit(session, auditor, referral_id=referral.id, answers=answers, now=when)
        done += 1
    return done


def referral_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Referral)) or 0


# Numbers from Ofcom's range for drama, so they can never reach a real person.
LETTER_CONTACTS = {
    "northbrook": ("01632 960 101", "youth.justice@northbrook.example"),
    "eastmere": ("01632 960 202", "youth.justice@eastmere.example"),
}


def ensure_letter_contacts(
    session: Session, services: dict[str, Service], users: dict[str, User]
) -> None:
    """Who letters tell families to contact, set by the demo administrator."""
    admin = next(u for u in users.values() if u.has_role(Role.ADMIN))
    for slug, (phone, email) in LETTER_CONTACTS.items():
        service = services.get(slug)
        if service is None or service.id not in admin.service_ids:
            continue
        if admin_has_set(session, service):
            continue
        letter_wording.save_wording(
            session,
            admin,
            service_id=service.id,
            values={"contact:phone": phone, "contact:email": email},
        )


def admin_has_set(session: Session, service: Service) -> bool:
    return bool(letter_wording.current_values(session, service)["contact:phone"])


def seed_demo(
    session: Session,
    *,
    referrals: int,
    seed: int,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, User]:
    services = ensure_services(session)
    users = ensure_demo_users(session, services)
    ensure_letter_contacts(session, services, users)
    seed_referrals(
        session,
        count=referrals,
        seed=seed,
        users=users,
        services=services,
        today=today,
        progress=progress,
    )
    seed_audits(session, users, random.Random(seed))
    return users
