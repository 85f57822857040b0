"""The bulk loader's rows: the tables it writes with their columns, values encoded as the
database stores them (timestamps, JSON, statuses), and the placeholder that every issued letter's
record holds instead of the letter."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Generator
from typing import Any

from oocd_panel.models import ReferralStatus
from oocd_panel.plumbing.clock import local_date

UTC = dt.UTC

# Every table the loader writes, its columns in the order of the tuples, parents first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "child": (
        "id", "service_id", "first_name", "last_name", "preferred_name", "date_of_birth",
        "address_line_1", "address_line_2", "town", "postcode", "sex", "ethnicity",
        "police_ethnicity_code", "care_experience", "send", "neurodivergent",
        "neurodiversity_details", "first_language", "needs_interpreter", "interpreter_language",
        "needs_easy_read", "communication_needs", "created_at", "updated_at",
    ),
    "contact": (
        "id", "child_id", "full_name", "relationship_to_child", "phone", "email", "address",
        "has_parental_responsibility", "receives_letters", "first_language",
        "needs_interpreter", "needs_easy_read",
    ),
    "panel_meeting": (
        "id", "service_id", "starts_at", "place", "chair_id", "status", "created_by_id",
        "created_at",
    ),
    "panel_member": (
        "id", "meeting_id", "user_id", "name", "agency", "is_decision_maker", "present",
        "without_device",
    ),
    "referral": (
        "id", "service_id", "child_id", "route", "police_reference", "offence_date",
        "received_on", "assessment_due_on", "admission", "officer_name", "officer_email",
        "referred_by_id", "proposed_outcome", "gravity_score", "victim_details", "victim_views",
        "victim_restorative_wish", "status", "practitioner_id", "disposal", "delivered_on",
        "closure_reason", "closed_at", "created_at", "updated_at", "version",
    ),
    "offence": ("id", "referral_id", "position", "offence_type", "description", "gravity_score"),
    "assessment": (
        "id", "referral_id", "status", "created_at", "updated_at", "safety_rating",
        "others_rating", "recommended_disposal", "contributor_ids",
    ),
    "assessment_section": (
        "id", "assessment_id", "key", "answers", "completed", "updated_at", "updated_by_id",
        "version",
    ),
    "assessment_version": (
        "id", "assessment_id", "number", "content", "warnings", "submitted_by_id",
        "submitted_at", "outcome", "review_comment", "reviewed_by_id", "reviewed_at",
    ),
    "agenda_item": (
        "id", "meeting_id", "referral_id", "position", "status", "opened_at", "closed_at",
        "rule", "rule_outcome", "rule_note", "version", "police_position", "yjs_position",
        "tie_break",
    ),
    "panel_vote": (
        "id", "item_id", "member_id", "disposal", "interventions", "rationale",
        "recorded_by_id", "on_behalf", "cast_at", "updated_at",
    ),
    "escalation": (
        "id", "referral_id", "item_id", "police_inspector_id", "yjs_manager_id", "due_on",
        "police_position", "yjs_position", "opened_at", "resolved_at", "resolved_by_id",
        "resolution", "rationale", "yjs_manager_agreed", "yjs_manager_view", "withdrawn",
        "proposal", "proposed_at",
    ),
    "decision": (
        "id", "referral_id", "item_id", "escalation_id", "rule", "rule_outcome", "disposal",
        "interventions", "conditions", "tally", "dissent", "confirmation_rationale",
        "departure_rationale", "confirmed_by_id", "confirmed_on_behalf", "decided_at",
    ),
    "delivery": (
        "id", "referral_id", "outcome", "delivered_on", "appropriate_adult_present",
        "appropriate_adult_name", "legal_advice_offered", "legal_advice_taken",
        "admission_confirmed", "consent_signed", "notes", "recorded_by_id", "recorded_at",
    ),
    "intervention_note": ("id", "referral_id", "author_id", "written_at", "text"),
    "intervention_end": (
        "id", "referral_id", "service_id", "ended_on", "ending", "route", "disposal",
        "accommodation_suitable", "ete_suitable", "send_need", "send_learning_plan",
        "mental_health_need", "mental_health_offered", "mental_health_attending",
        "substance_need", "substance_offered", "substance_attending", "ehcp",
        "child_protection_plan", "looked_after", "child_in_need", "victim_consent",
        "victim_views_sought", "victim_rj_offered", "victim_kept_informed",
        "victim_support_info", "recorded_by_id", "recorded_at",
    ),
    "letter": (
        "id", "referral_id", "decision_id", "recipient_key", "recipient_name", "address",
        "variant", "number", "html", "pdf", "sha256", "template_version", "catalogue_version",
        "wording_version", "issued_by_id", "issued_at",
    ),
    "referral_event": (
        "id", "referral_id", "from_status", "to_status", "trigger", "actor_id", "occurred_at",
        "reason", "details", "snapshot",
    ),
    "decision_point": (
        "id", "referral_id", "child_id", "service_id", "point", "route", "occurred_on",
        "selected", "disposal", "departure", "window_end", "age", "age_band", "sex", "ethnicity",
        "ethnicity_group", "care_experience", "send", "neurodivergent", "first_time_entrant",
        "gravity_score", "offence_type", "reached_assessment", "referred_again_on",
    ),
    "quality_audit": (
        "id", "referral_id", "auditor_id", "practitioner_id", "audited_at", "summary",
    ),
    "quality_audit_answer": ("id", "audit_id", "standard", "question", "answer", "comment"),
}  # fmt: skip


PLACEHOLDER_TEXT = (
    "Synthetic demo data.",
    "The bulk demo loader recorded that this letter was issued (to whom, when, which version)",
    "but did not write its text: preview the case's letters to see what the service would send.",
)
PLACEHOLDER_LETTER = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    "<title>Synthetic demo letter</title></head><body>"
    f"<p>{' '.join(PLACEHOLDER_TEXT)}</p></body></html>"
)


def placeholder_pdf(lines: tuple[str, ...] = PLACEHOLDER_TEXT) -> bytes:
    """A one-page PDF of a few lines in Helvetica (a standard font: nothing embedded), a few
    hundred bytes, instead of rendering a letter nobody wrote."""
    text = " ".join(
        f"({line.replace(chr(92), '').replace('(', '').replace(')', '')}) Tj 0 -16 Td"
        for line in lines
    )
    stream = f"BT /F1 11 Tf 56 780 Td {text} ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


Row = tuple[Any, ...]
Rows = dict[str, list[Row]]
Chunks = Generator[tuple[Rows, int], None, None]  # each chunk's rows, and referrals so far


def ts(moment: dt.datetime) -> str:
    """A timestamp as the database stores it: UTC, without a zone."""
    offset = moment.utcoffset()
    if offset is None:
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")
    # What astimezone(UTC) gives, a little faster (tens of millions of calls at a million).
    return (moment.replace(tzinfo=None) - offset).isoformat(" ", "microseconds")


def day_of(moment: dt.datetime) -> str:
    return local_date(moment).isoformat()


def _encoder() -> Callable[[Any], str]:
    """`json.dumps` with its default settings (so the same text), without looking at its
    options on every call: the C encoder it uses, made once."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return json.dumps
    encode = make(
        None, json.JSONEncoder().default, json.encoder.encode_basestring_ascii, None,
        ": ", ", ", False, False, True,
    )  # fmt: skip

    def dumps(value: Any) -> str:
        return "".join(encode(value, 0))

    return dumps


_json = _encoder()


_SMALL: dict[str, str] = {}


def _small_json(value: Any) -> str:
    """JSON for the few values every case repeats (a tally, a list of interventions)."""
    key = repr(value)
    found = _SMALL.get(key)
    if found is None:
        found = _SMALL[key] = _json(value)
    return found


VALUE = {status: status.value for status in ReferralStatus}
