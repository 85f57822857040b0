"""What a scrutiny panel reads about each case of a sample: an anonymised summary (the child's
age band and characteristics, the offence, the outcome and how it was reached, timeliness),
the free texts only as a reviewer redacted them, and the panel's rating once recorded; as a
PDF pack and as CSV.

Nothing identifies the child: no name, address, date of birth, police reference or case id (a
case is "Case 3" of its sample), the decision's month rather than its day, and no free text
that a person has not redacted and confirmed (the pack says "[not yet redacted]" instead).
Also here: the free texts as the case holds them, and the identifiers a redaction takes out."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from oocd_panel.catalogue import disposals, interventions, offences
from oocd_panel.catalogue.assessment_sections import RATINGS as RISK_RATINGS
from oocd_panel.catalogue.scrutiny import (
    ALLOCATION_RULE,
    FREE_TEXTS,
    NONE_RECORDED,
    NOT_YET_REDACTED,
    FreeText,
    rating,
)
from oocd_panel.evaluation.decision_points import departure
from oocd_panel.evaluation.kpi import MONTHS
from oocd_panel.evaluation.reports import CHARACTERISTICS
from oocd_panel.models import (
    AssessmentStatus,
    Correction,
    Referral,
    ScrutinyCase,
    ScrutinySample,
)
from oocd_panel.plumbing.config import PROJECT_ROOT
from oocd_panel.rules.redaction import Identifiers

# --- The free texts, and who they could name -------------------------------------------------


def _assessment_text(referral: Referral) -> str:
    assessment = referral.assessment
    if assessment is None or assessment.status is not AssessmentStatus.SIGNED_OFF:
        return ""
    section = assessment.section("recommendation")
    return str((section.answers if section else {}).get("rationale") or "").strip()


def _decision_text(referral: Referral) -> str:
    decision = referral.decision
    if decision is None:
        return ""
    lines: list[str] = []
    item = next((i for i in referral.agenda_items if i.id == decision.item_id), None)
    escalation = next((e for e in referral.escalations if e.id == decision.escalation_id), None)
    if item is None and escalation is not None:
        item = next((i for i in referral.agenda_items if i.id == escalation.item_id), None)
    for vote in item.votes if item is not None else []:
        if vote.rationale.strip():
            outcome = outcome_name(vote.disposal)
            lines.append(f"{vote.member.role_label} (voted {outcome}): {vote.rationale.strip()}")
    if decision.confirmation_rationale:
        lines.append(f"Why the decision differs from the vote: {decision.confirmation_rationale}")
    if decision.departure_rationale:
        lines.append(
            f"Why the decision departs from the gravity-matrix default: "
            f"{decision.departure_rationale}"
        )
    if escalation is not None and escalation.rationale:
        lines.append(f"How the escalation was resolved: {escalation.rationale}")
    if escalation is not None and escalation.yjs_manager_view:
        lines.append(f"The YJS manager's view: {escalation.yjs_manager_view}")
    return "\n\n".join(line.strip() for line in lines)


def source_text(referral: Referral, key: str) -> str:
    """A free text of the case as it holds it (empty when it has none)."""
    if key == "assessment":
        return _assessment_text(referral)
    if key == "decision":
        return _decision_text(referral)
    raise KeyError(key)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _dates(values: Sequence[str]) -> list[dt.date]:
    found = []
    for value in values:
        for form in ("%d %B %Y", "%Y-%m-%d", "%d/%m/%Y"):
            try:
                found.append(dt.datetime.strptime(value.strip(), form).date())  # noqa: DTZ007
                break
            except ValueError:
                continue
    return found


def identifiers_of(referral: Referral, corrections: Sequence[Correction] = ()) -> Identifiers:
    """Everything the case records that names or locates the child, their parents or carers
    and the officer: as recorded now, and as recorded before a correction (`corrections` of the
    child's records)."""
    child = referral.child
    contacts = child.contacts
    old: dict[str, list[str]] = {}
    for c in corrections:
        if c.old_value:
            old.setdefault(c.field, []).append(c.old_value)
    names = [
        child.first_name,
        child.last_name,
        child.preferred_name or "",
        f"{child.first_name} {child.last_name}",
        referral.officer_name,
        *(c.full_name for c in contacts),
        *(
            v
            for f in ("first_name", "last_name", "preferred_name", "full_name")
            for v in old.get(f, [])
        ),
    ]
    addresses = [
        child.address_line_1,
        child.address_line_2 or "",
        *(c.address or "" for c in contacts),
        *(v for f in ("address_line_1", "address_line_2", "address") for v in old.get(f, [])),
    ]
    return Identifiers(
        names=tuple(n for n in names if n),
        dates_of_birth=(child.date_of_birth, *_dates(old.get("date_of_birth", []))),
        addresses=tuple(a for a in addresses if a),
        postcodes=tuple(p for p in (child.postcode, *old.get("postcode", [])) if p),
        police_references=tuple(
            r
            for r in (
                *(x.police_reference for x in child.referrals),
                *old.get("police_reference", []),
            )
            if r
        ),
        phones=tuple(p for p in (*(c.phone or "" for c in contacts), *old.get("phone", [])) if p),
        emails=tuple(
            e
            for e in (
                *(c.email or "" for c in contacts),
                referral.officer_email or "",
                *old.get("email", []),
            )
            if e
        ),
    )


# --- The anonymised summary -----------------------------------------------------------------


def outcome_name(code: str | None) -> str:
    found = disposals.find(code)
    return found.name if found else (code or "None")


def _risk(value: str | None) -> str:
    return dict(RISK_RATINGS).get(value or "", "Not rated")


def month_of(day: dt.date) -> str:
    return f"{MONTHS[day.month - 1]} {day.year}"


_RULES = {
    "joint": "Joint: the police and YJS decision-makers agree",
    "majority": "Majority of the panel",
}


def _escalation(referral: Referral) -> str:
    decision = referral.decision
    escalation = next(
        (e for e in referral.escalations if decision and e.id == decision.escalation_id), None
    )
    if escalation is None:
        return "No"
    said = (
        ""
        if escalation.yjs_manager_agreed is None
        else "; the YJS manager agreed"
        if escalation.yjs_manager_agreed
        else "; the YJS manager did not agree"
    )
    return (
        "Yes: the police and YJS decision-makers disagreed, and a police inspector resolved it"
        + said
    )


def _characteristic(key: str, value: str) -> str:
    return CHARACTERISTICS[key].values.get(value, value)


FACTS: tuple[str, ...] = (
    "Month of the decision",
    "Outcome",
    "Main offence",
    "Number of offences",
    "Gravity score",
    "Gravity-matrix default",
    "Outcome against the gravity-matrix default",
    "Admission",
    "Outcome the police officer proposed",
    "Outcome the practitioner recommended",
    "Risk to the child's safety",
    "Risk of serious harm to others",
    "Votes",
    "Decision rule",
    "Escalated",
    "Interventions",
    "Conditions",
    "Age band",
    "Sex",
    "Ethnicity (broad group)",
    "Care experience",
    "Special educational needs (SEND)",
    "First-time entrant",
    "Days from referral to decision",
    "Days from decision to the outcome being given",
)


@dataclass(frozen=True)
class ShownText:
    text: FreeText
    shown: str
    redacted: bool


@dataclass(frozen=True)
class CaseSummary:
    label: str
    facts: tuple[tuple[str, str], ...]
    texts: tuple[ShownText, ...]
    rating: str | None
    comments: str | None
    meeting_on: dt.date | None


def text_status(case: ScrutinyCase, key: str) -> tuple[str, str | None]:
    """('none', None) when the case has no such text, ('redacted', text) when a reviewer's
    redaction holds for the text as it is now, else ('waiting', None)."""
    source = source_text(case.referral, key)
    if not source:
        return "none", None
    redaction = case.redaction(key)
    if redaction is None or redaction.source_sha256 != digest(source):
        return "waiting", None
    return "redacted", redaction.text


def _given(referral: Referral, decided_on: dt.date) -> str:
    disposal = disposals.find(referral.disposal)
    if disposal is not None and not disposal.delivered_by_police:
        return "Not given by the police (no further action or a charge)"
    if referral.delivered_on is None:
        return "Not given yet"
    return str((referral.delivered_on - decided_on).days)


def summarise(case: ScrutinyCase) -> CaseSummary:
    """The case as the scrutiny panel reads it."""
    referral = case.referral
    decision = referral.decision
    main = referral.main_offence
    default = disposals.gravity_default(referral.gravity_score)
    against = departure(referral.gravity_score, case.disposal)
    assessment = referral.assessment
    signed_off = assessment is not None and assessment.status is AssessmentStatus.SIGNED_OFF
    tally = (decision.tally if decision else {}) or {}
    votes = "; ".join(
        f"{outcome_name(code)}: {count}"
        for code, count in sorted(tally.items(), key=lambda kv: (-kv[1], kv[0]))
    )
    chosen = decision.interventions if decision else []
    conditions = len(decision.conditions) if decision else 0
    values = {
        "Month of the decision": month_of(case.decided_on),
        "Outcome": outcome_name(case.disposal),
        "Main offence": offences.label(main.offence_type) if main else "Not recorded",
        "Number of offences": str(len(referral.offences)),
        "Gravity score": str(referral.gravity_score),
        "Gravity-matrix default": default.name if default else "None",
        "Outcome against the gravity-matrix default": {
            "above": "More severe than the default",
            "below": "Less severe than the default",
        }.get(against, "The default"),
        "Admission": referral.admission.label,
        "Outcome the police officer proposed": outcome_name(referral.proposed_outcome),
        "Outcome the practitioner recommended": (
            outcome_name(assessment.recommended_disposal)
            if signed_off and assessment is not None
            else "No signed-off assessment"
        ),
        "Risk to the child's safety": _risk(
            assessment.safety_rating if signed_off and assessment else None
        ),
        "Risk of serious harm to others": _risk(
            assessment.others_rating if signed_off and assessment else None
        ),
        "Votes": votes or "No votes recorded",
        "Decision rule": _RULES.get(decision.rule, decision.rule) if decision else "None",
        "Escalated": _escalation(referral),
        "Interventions": "; ".join(
            interventions.get(code).name for code in chosen if code in dict(interventions.choices())
        )
        or "None",
        "Conditions": f"{conditions} condition{'' if conditions == 1 else 's'}"
        if conditions
        else "None",
        "Age band": _characteristic("age_band", case.age_band),
        "Sex": _characteristic("sex", case.sex),
        "Ethnicity (broad group)": _characteristic("ethnicity_group", case.ethnicity_group),
        "Care experience": _characteristic("care_experience", case.care_experience),
        "Special educational needs (SEND)": _characteristic("send", case.send),
        "First-time entrant": "Yes" if case.first_time_entrant else "No",
        "Days from referral to decision": str((case.decided_on - referral.received_on).days),
        "Days from decision to the outcome being given": _given(referral, case.decided_on),
    }
    texts = []
    for text in FREE_TEXTS:
        status, shown = text_status(case, text.key)
        texts.append(
            ShownText(
                text,
                shown
                if shown is not None
                else NONE_RECORDED
                if status == "none"
                else NOT_YET_REDACTED,
                status == "redacted",
            )
        )
    given = case.rating
    return CaseSummary(
        case.label,
        tuple((label, values[label]) for label in FACTS),
        tuple(texts),
        rating(given.rating).label if given else None,
        given.comments if given else None,
        given.meeting_on if given else None,
    )


# --- The pack: CSV and PDF --------------------------------------------------------------------

CSV_COLUMNS = (
    "Case",
    *FACTS,
    *(t.label for t in FREE_TEXTS),
    "Scrutiny panel's rating",
    "Scrutiny panel's comments",
    "Date of the scrutiny panel's meeting",
)


def _cell(value: str) -> str:
    """Text a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(summaries: Sequence[CaseSummary]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for s in summaries:
        writer.writerow(
            [
                _cell(v)
                for v in (
                    s.label,
                    *(value for _, value in s.facts),
                    *(t.shown for t in s.texts),
                    s.rating or "",
                    s.comments or "",
                    s.meeting_on.isoformat() if s.meeting_on else "",
                )
            ]
        )
    return out.getvalue()


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(PROJECT_ROOT / "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["month_of"] = month_of
    env.filters["long_date"] = lambda day: f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return env


def to_html(sample: ScrutinySample, summaries: Sequence[CaseSummary]) -> str:
    sampled: dict[str, int] = {}
    for case in sample.cases:
        sampled[case.disposal] = sampled.get(case.disposal, 0) + 1
    return (
        _environment()
        .get_template("scrutiny/pack.html")
        .render(
            sample=sample,
            summaries=summaries,
            rule=ALLOCATION_RULE,
            sampled=[(outcome_name(code), n) for code, n in sorted(sampled.items())],
        )
    )


def to_pdf(sample: ScrutinySample, summaries: Sequence[CaseSummary]) -> bytes:
    """The pack as a tagged PDF (structure for screen readers), fonts embedded."""
    # Imported here: loading pango is slow, and most requests never make a PDF.
    from weasyprint import HTML  # type: ignore[import-untyped]

    pdf = HTML(string=to_html(sample, summaries), base_url=str(PROJECT_ROOT)).write_pdf(
        pdf_tags=True
    )
    assert isinstance(pdf, bytes)
    return pdf
