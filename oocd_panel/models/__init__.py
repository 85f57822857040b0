"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from oocd_panel.models.assessment import Assessment, AssessmentSection, AssessmentVersion
from oocd_panel.models.audit import QualityAudit, QualityAuditAnswer
from oocd_panel.models.child import Child, Contact
from oocd_panel.models.enums import (
    Admission,
    Agency,
    AssessmentStatus,
    AuditAnswer,
    CareExperience,
    ClosureReason,
    LabelledEnum,
    ReferralStatus,
    RestorativeWish,
    ReviewOutcome,
    Role,
    Route,
    SendStatus,
    Sex,
    YesNoUnknown,
)
from oocd_panel.models.referral import Offence, Referral, ReferralEvent
from oocd_panel.models.service import Service
from oocd_panel.models.user import User, UserRole, user_service

__all__ = [
    "Admission",
    "Agency",
    "Assessment",
    "AssessmentSection",
    "AssessmentStatus",
    "AssessmentVersion",
    "AuditAnswer",
    "CareExperience",
    "Child",
    "ClosureReason",
    "Contact",
    "LabelledEnum",
    "Offence",
    "QualityAudit",
    "QualityAuditAnswer",
    "Referral",
    "ReferralEvent",
    "ReferralStatus",
    "RestorativeWish",
    "ReviewOutcome",
    "Role",
    "Route",
    "SendStatus",
    "Service",
    "Sex",
    "User",
    "UserRole",
    "YesNoUnknown",
    "user_service",
]
