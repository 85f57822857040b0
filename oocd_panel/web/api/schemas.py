"""The API's request and response bodies (marshmallow), from which the OpenAPI document is
written. Requests are checked here only for their shape (types, what must be there); the rules
(allowed values, dates, ages, lengths) are the form's, in rules.referral_rules and
services.police, and come back as `errors` in the same problem document. The allowed values
the document lists come from the same catalogues and enumerations the rules check against."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from oocd_panel.catalogue import disposals, offences
from oocd_panel.catalogue import ethnicity as ethnicity_codes
from oocd_panel.models import (
    Admission,
    CareExperience,
    ClosureReason,
    DeliveryOutcome,
    ReferralStatus,
    RestorativeWish,
    Route,
    SendStatus,
    Sex,
    YesNoUnknown,
)
from oocd_panel.services.police_api import LARGEST_PAGE
from oocd_panel.web.referral_forms import MAX_OFFENCES


class Strict(Schema):
    """Fields it does not know are refused (a misspelt field is never silently ignored)."""


def _values(values: Iterable[Any]) -> list[str]:
    return [str(getattr(v, "value", v)) for v in values]


def _about(description: str, **more: Any) -> dict[str, Any]:
    return {"description": description, **more} if description else more


def text(description: str, *, required: bool = False, **kw: Any) -> fields.String:
    if not required:
        kw.setdefault("load_default", None)
    return fields.String(
        required=required, allow_none=not required, metadata=_about(description), **kw
    )


def choice(values: Iterable[Any], description: str, *, required: bool = False, **kw: Any) -> Any:
    allowed: list[str | None] = list(_values(values))
    nullable = not required and "load_default" not in kw
    if nullable:
        allowed.append(None)
        kw["load_default"] = None
    return fields.String(
        required=required,
        allow_none=nullable,
        metadata=_about(description, enum=allowed),
        **kw,
    )


def flag(description: str, **kw: Any) -> fields.Boolean:
    """true or false, nothing else ("yes", 1 or "true" are refused)."""
    return fields.Boolean(truthy={True}, falsy={False}, metadata=_about(description), **kw)


def maybe(description: str) -> fields.Boolean:
    return fields.Boolean(
        truthy={True},
        falsy={False},
        allow_none=True,
        load_default=None,
        metadata={"description": description},
    )


# --- Requests -----------------------------------------------------------------------------------


class OffenceIn(Strict):
    offence_type = choice(offences.OFFENCE_TYPES, "The type of offence.", required=True)
    description = text("In a sentence or two, as the police describe it.", required=True)
    gravity_score = fields.Integer(
        required=True,
        strict=True,
        metadata={
            "description": "From the NPCC Child Gravity Matrix: 1 (least serious) to 5.",
            "minimum": 1,
            "maximum": 5,
        },
    )


class ChildIn(Strict):
    first_name = text("", required=True)
    last_name = text("", required=True)
    preferred_name = text("The name they like to be called.")
    date_of_birth = fields.Date(
        required=True, metadata={"description": "The child is 10 to 17 on the offence date."}
    )
    address_line_1 = text("", required=True)
    address_line_2 = text("")
    town = text("", required=True)
    postcode = text("", required=True)
    sex = choice(Sex, "", required=True)
    ethnicity = choice(
        (e.code for e in ethnicity_codes.ONS_2021),
        "As the child describes it (Census 2021 categories; not_stated if they did not say). "
        "May be left out when police_ethnicity_code is given.",
    )
    police_ethnicity_code = choice(ethnicity_codes.POLICE_16_PLUS_1, "The police's 16+1 code.")
    care_experience = choice(CareExperience, "", required=True)
    send = choice(SendStatus, "Special educational needs and disabilities.", required=True)
    neurodivergent = choice(YesNoUnknown, "", required=True)
    neurodiversity_details = text("For example a diagnosis of ADHD or autism.")
    first_language = text("English if left out.")
    needs_interpreter = flag("", load_default=False)
    interpreter_language = text("Needed when needs_interpreter is true.")
    needs_easy_read = flag("Letters should be in Easy Read.", load_default=False)
    communication_needs = text("Speech, language and communication needs.")


class ContactIn(Strict):
    full_name = text("A parent or carer, for letters.", required=True)
    relationship_to_child = text("For example mother, father, foster carer.", required=True)
    phone = text("")
    email = text("")
    address = text("If different from the child's.")
    has_parental_responsibility = flag("", load_default=True)
    receives_letters = flag("Send letters about the case to this person.", load_default=True)


class ReferralIn(Strict):
    route = choice(
        Route,
        "panel: a referral for a joint panel decision; notification: an outcome the police "
        "gave alone.",
        load_default=Route.PANEL.value,
    )
    police_outcome = choice(
        (d.code for d in disposals.police_alone()),
        "For a notification: the outcome the police gave.",
    )
    police_reference = text("The crime number.", required=True)
    offence_date = fields.Date(required=True)
    received_on = fields.Date(
        allow_none=True,
        load_default=None,
        metadata={"description": "When the referral was received: today if left out."},
    )
    admission = choice(Admission, "", required=True)
    officer_name = text("The referring officer.", required=True)
    officer_email = text("")
    proposed_outcome = choice(
        sorted(disposals.codes()),
        "The outcome the officer proposes (may be left out for a notification).",
        load_default="",
    )
    offences = fields.List(
        fields.Nested(OffenceIn),
        required=True,
        validate=validate.Length(max=MAX_OFFENCES),
        metadata={"description": f"At least one, at most {MAX_OFFENCES}."},
    )
    child = fields.Nested(ChildIn, required=True)
    contact = fields.Nested(ContactIn, required=True)
    victim_details = text("Who was harmed, and anything the panel must know to keep them safe.")
    victim_views = text("The victim's views.")
    victim_restorative_wish = choice(RestorativeWish, "", load_default="not_asked")


class DeliveryIn(Strict):
    outcome = choice(
        DeliveryOutcome,
        "given: the outcome was given; declined: the child declined it.",
        required=True,
    )
    delivered_on = fields.Date(
        required=True, metadata={"description": "On or after the decision, not in the future."}
    )
    appropriate_adult_present = maybe("For a caution of a child under 17: must be true.")
    appropriate_adult_name = text("Needed when an appropriate adult was present at a caution.")
    legal_advice_offered = maybe("For a caution: must be true.")
    legal_advice_taken = maybe("For a caution: whether the child took up legal advice.")
    admission_confirmed = maybe("For an outcome that needs an admission: must be true.")
    consent_signed = maybe("For a conditional caution or Outcome 23: must be true.")
    notes = text("Needed when the child declined: what they declined and why.")
    version = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        metadata={
            "description": "The case's version as read: if it changed since, nothing is saved "
            "(409). Leave it out to record the delivery whatever changed."
        },
    )


class ReferenceQuery(Strict):
    police_reference = fields.String(
        required=True,
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Exactly, in any letter case (NB/77123/26)."},
    )


class PageQuery(Strict):
    after = fields.String(
        load_default=None,
        validate=validate.Length(max=40),
        metadata={"description": "`next_after` of the page before; left out for the first."},
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=LARGEST_PAGE))


class IdempotencyHeader(Schema):
    class Meta:
        unknown = EXCLUDE  # every other header

    idempotency_key = fields.String(
        data_key="Idempotency-Key",
        load_default=None,
        validate=validate.Length(min=1, max=255),
        metadata={
            "description": "Any value unique to this submission (a UUID, say). Sent again with "
            "the same request, it returns the first result instead of a second referral."
        },
    )


# --- Responses ----------------------------------------------------------------------------------


def out(field: fields.Field[Any]) -> fields.Field[Any]:
    field.required = True
    return field


class NamedOut(Schema):
    code = out(fields.String())
    name = out(fields.String())


class ConditionOut(Schema):
    text = out(fields.String())
    due_on = out(fields.Date())


class DecisionOut(Schema):
    outcome = out(fields.Nested(NamedOut))
    decided_at = out(fields.DateTime())
    interventions = out(fields.List(fields.Nested(NamedOut)))
    conditions = out(fields.List(fields.Nested(ConditionOut)))


class DeliveryOut(Schema):
    outcome = out(fields.String(metadata={"enum": _values(DeliveryOutcome)}))
    delivered_on = out(fields.Date())
    recorded_at = out(fields.DateTime())
    notes = out(fields.String(allow_none=True))


class ReferralOut(Schema):
    """What a police officer may read of a case: never the assessment, the child's health,
    SEND, exploitation or communication details, nor reasons only the YJS read."""

    id = out(fields.Integer())
    police_reference = out(fields.String())
    route = out(fields.String(metadata={"enum": _values(Route)}))
    status = out(fields.String(metadata={"enum": _values(ReferralStatus)}))
    status_label = out(fields.String())
    received_on = out(fields.Date())
    offence_date = out(fields.Date())
    proposed_outcome = out(fields.String())
    outcome = out(
        fields.Nested(
            NamedOut,
            allow_none=True,
            metadata={"description": "The decision's, or for a notification the police's own."},
        )
    )
    decision = out(fields.Nested(DecisionOut, allow_none=True))
    deliveries = out(fields.List(fields.Nested(DeliveryOut)))
    awaiting_delivery = out(
        fields.Boolean(metadata={"description": "Decided, and the police are to deliver it."})
    )
    closure_reason = out(
        fields.String(allow_none=True, metadata={"enum": [*_values(ClosureReason), None]})
    )
    closed_at = out(fields.DateTime(allow_none=True))
    version = out(fields.Integer())


class ReferralListOut(Schema):
    items = out(fields.List(fields.Nested(ReferralOut)))


class ReferralPageOut(Schema):
    items = out(fields.List(fields.Nested(ReferralOut)))
    next_after = out(
        fields.String(
            allow_none=True,
            metadata={"description": "Give it as `after` for the next page; null on the last."},
        )
    )


class ProblemErrorOut(Schema):
    detail = out(fields.String())
    pointer = fields.String(metadata={"description": "Where in the body (JSON Pointer)."})
    parameter = fields.String(metadata={"description": "Which query parameter."})
    header = fields.String(metadata={"description": "Which header."})


class ProblemOut(Schema):
    """RFC 9457 problem details."""

    type = out(fields.String(metadata={"format": "uri-reference"}))
    title = out(fields.String())
    status = out(fields.Integer())
    detail = out(fields.String())
    instance = out(fields.String(metadata={"format": "uri-reference"}))
    errors = fields.List(
        fields.Nested(ProblemErrorOut),
        metadata={"description": "For invalid-input: each field at fault."},
    )
