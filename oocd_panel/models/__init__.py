"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from oocd_panel.models.api_client import ApiClient, ApiIdempotentResult
from oocd_panel.models.assessment import Assessment, AssessmentSection, AssessmentVersion
from oocd_panel.models.audit import QualityAudit, QualityAuditAnswer
from oocd_panel.models.audit_trail import AuditEntry
from oocd_panel.models.child import Child, Contact
from oocd_panel.models.correction import Correction
from oocd_panel.models.enums import (
    Admission,
    Agency,
    AgendaStatus,
    ApiScope,
    AssessmentStatus,
    AuditAnswer,
    CareExperience,
    ClosureReason,
    CorrectionReason,
    DeliveryOutcome,
    InterventionEnding,
    LabelledEnum,
    MeetingStatus,
    ReferralStatus,
    RestorativeWish,
    ReviewOutcome,
    Role,
    Route,
    SendStatus,
    Sex,
    VictimContact,
    WordingStatus,
    YesNoUnknown,
)
from oocd_panel.models.evaluation import DecisionPoint
from oocd_panel.models.feedback import FeedbackLink, FeedbackMiss, FeedbackTally
from oocd_panel.models.identity_provider import IdentityProvider
from oocd_panel.models.letter import Letter, LetterImmutable, TranslationApproval, WordingVersion
from oocd_panel.models.outcome import Delivery, InterventionEnd, InterventionNote, SettingChange
from oocd_panel.models.panel import (
    AgendaItem,
    Conflict,
    Decision,
    Escalation,
    PanelMeeting,
    PanelMember,
    Vote,
)
from oocd_panel.models.referral import Offence, Referral, ReferralEvent
from oocd_panel.models.scrutiny import (
    ScrutinyCase,
    ScrutinyRating,
    ScrutinyRedaction,
    ScrutinySample,
)
from oocd_panel.models.service import Service
from oocd_panel.models.sign_in import SignInAttempt
from oocd_panel.models.user import (
    PasswordSetUpLink,
    RecoveryCode,
    User,
    UserRole,
    user_service,
)

__all__ = [
    "Admission",
    "Agency",
    "AgendaItem",
    "AgendaStatus",
    "ApiClient",
    "ApiIdempotentResult",
    "ApiScope",
    "Assessment",
    "AssessmentSection",
    "AssessmentStatus",
    "AssessmentVersion",
    "AuditAnswer",
    "AuditEntry",
    "CareExperience",
    "Child",
    "ClosureReason",
    "Conflict",
    "Contact",
    "Correction",
    "CorrectionReason",
    "Decision",
    "DecisionPoint",
    "Delivery",
    "DeliveryOutcome",
    "Escalation",
    "FeedbackLink",
    "FeedbackMiss",
    "FeedbackTally",
    "IdentityProvider",
    "InterventionEnd",
    "InterventionEnding",
    "InterventionNote",
    "LabelledEnum",
    "Letter",
    "LetterImmutable",
    "MeetingStatus",
    "Offence",
    "PanelMeeting",
    "PanelMember",
    "PasswordSetUpLink",
    "QualityAudit",
    "QualityAuditAnswer",
    "RecoveryCode",
    "Referral",
    "ReferralEvent",
    "ReferralStatus",
    "RestorativeWish",
    "ReviewOutcome",
    "Role",
    "Route",
    "ScrutinyCase",
    "ScrutinyRating",
    "ScrutinyRedaction",
    "ScrutinySample",
    "SendStatus",
    "Service",
    "SettingChange",
    "Sex",
    "SignInAttempt",
    "TranslationApproval",
    "User",
    "UserRole",
    "VictimContact",
    "Vote",
    "WordingStatus",
    "WordingVersion",
    "YesNoUnknown",
    "user_service",
]
