"""Enumerations stored in the database (as strings, never as native database enums).

Each has a plain-English label for pages; the value is what the database keeps.
"""

from __future__ import annotations

import enum


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry a label for pages."""

    label: str

    def __new__(cls, value: str, label: str = "") -> LabelledEnum:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label or value.replace("_", " ").capitalize()
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]


class Role(LabelledEnum):
    PRACTITIONER = "practitioner", "YJS practitioner"
    MANAGER = "manager", "YJS manager"
    PANEL_MEMBER = "panel_member", "Panel member"
    POLICE_OFFICER = "police_officer", "Police officer"
    # Given beside "Police officer" (or "Panel member") to the officers of inspector rank who
    # may be named to resolve an escalation; only they are offered when a vote escalates.
    POLICE_INSPECTOR = "police_inspector", "Police inspector (resolves escalations)"
    ANALYST = "analyst", "Analyst"
    ADMIN = "admin", "Administrator"


class Agency(LabelledEnum):
    POLICE = "police", "Police"
    YJS = "yjs", "Youth Justice Service"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    SOCIAL_CARE = "social_care", "Children's social care"
    COMMUNITY_VOLUNTEER = "community_volunteer", "Community volunteer"


class ApiScope(LabelledEnum):
    """What a police system's API client may do (services.api_clients)."""

    SUBMIT_REFERRALS = "referrals:submit", "Submit referrals and notifications"
    READ_OUTCOMES = "outcomes:read", "Read the status, decision, conditions and delivery of cases"
    RECORD_DELIVERIES = "deliveries:record", "Record deliveries (or that the child declined)"


class Sex(LabelledEnum):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    NOT_KNOWN = "not_known", "Not known"


class CareExperience(LabelledEnum):
    NONE = "none", "No care experience"
    LOOKED_AFTER = "looked_after", "Looked after (in care now)"
    CARE_LEAVER = "care_leaver", "Care leaver or previously looked after"
    NOT_KNOWN = "not_known", "Not known"


class SendStatus(LabelledEnum):
    NONE = "none", "No special educational needs"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHCP = "ehcp", "Education, health and care plan (EHCP)"
    NOT_KNOWN = "not_known", "Not known"


class YesNoUnknown(LabelledEnum):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class Admission(LabelledEnum):
    ADMITS = "admits", "Admits the offence"
    DENIES = "denies", "Denies the offence"
    NO_COMMENT = "no_comment", "Made no comment or has not been asked"


class Route(LabelledEnum):
    PANEL = "panel", "Referral for a joint panel decision"
    NOTIFICATION = "notification", "Notification of an outcome the police gave alone"


class RestorativeWish(LabelledEnum):
    YES = "yes", "Wants restorative justice"
    NO = "no", "Does not want restorative justice"
    NOT_ASKED = "not_asked", "Not asked yet"
    NO_VICTIM = "no_victim", "No identifiable victim"


class ReferralStatus(LabelledEnum):
    REFERRED = "referred", "Referred"
    ASSESSING = "assessing", "Being assessed"
    AWAITING_SIGN_OFF = "awaiting_sign_off", "Awaiting sign-off"
    READY_FOR_PANEL = "ready_for_panel", "Ready for panel"
    AT_PANEL = "at_panel", "At panel"
    ESCALATED = "escalated", "Escalated"
    DECIDED = "decided", "Decided"
    OUTCOME_DELIVERED = "outcome_delivered", "Outcome delivered"
    INTERVENTION = "intervention", "Intervention"
    NOTIFIED = "notified", "Police outcome notified"
    SUPPORT_OFFERED = "support_offered", "Support offered"
    RETURNED_TO_POLICE = "returned_to_police", "Returned to police for a decision"
    CLOSED = "closed", "Closed"


class ClosureReason(LabelledEnum):
    COMPLETED = "completed", "Completed"
    DECLINED = "declined", "Chose not to take part, or to stop (voluntary)"
    WITHDRAWN = "withdrawn", "Withdrawn by police"
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    CHARGED = "charged", "Charged (sent to court)"


class AssessmentStatus(LabelledEnum):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Waiting for sign-off"
    RETURNED = "returned", "Returned with directions"
    SIGNED_OFF = "signed_off", "Signed off"


class ReviewOutcome(LabelledEnum):
    SIGNED_OFF = "signed_off", "Signed off"
    RETURNED = "returned", "Returned with directions"


class AuditAnswer(LabelledEnum):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_APPLICABLE = "not_applicable", "Not applicable yet"


class MeetingStatus(LabelledEnum):
    PLANNED = "planned", "Planned"
    CLOSED = "closed", "Closed"


class AgendaStatus(LabelledEnum):
    WAITING = "waiting", "On the agenda"
    VOTING = "voting", "Voting open"
    VOTE_CLOSED = "vote_closed", "Vote closed: waiting for the police decision-maker"
    DECIDED = "decided", "Decided"
    ESCALATED = "escalated", "Escalated"
    WITHDRAWN = "withdrawn", "Taken off the agenda"


class DeliveryOutcome(LabelledEnum):
    GIVEN = "given", "The outcome was given"
    DECLINED = "declined", "The child declined the outcome"


class CorrectionReason(LabelledEnum):
    """Why a recorded fact was corrected. The evaluation says how each counts (see README)."""

    TYPO = "typo", "A typing mistake"
    RECORDED_WRONGLY = "recorded_wrongly", "It was recorded wrongly"
    CHANGED_SINCE = "changed_since", "It has changed since it was recorded"


class WordingStatus(LabelledEnum):
    """Where a change of a service's letter wording stands (services/wording_approval.py)."""

    DRAFT = "draft", "Awaiting approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    WITHDRAWN = "withdrawn", "Withdrawn by its author"


class InterventionEnding(LabelledEnum):
    """How an intervention ended (catalogue/kpis.py counts these for KPI 6)."""

    COMPLETED = "completed", "Completed"
    NOT_COMPLETED = "not_completed", "Not completed: conditions not done, returned to the police"
    STOPPED = "stopped", "Not completed: the child chose to stop voluntary work"


class VictimContact(LabelledEnum):
    """Whether the victim agreed to be contacted by the YJS (KPI 10)."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"
    NO_VICTIM = "no_victim", "There is no identifiable victim"
