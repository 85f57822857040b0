"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from oocd_panel.models.child import Child, Contact
from oocd_panel.models.enums import (
    Admission,
    Agency,
    CareExperience,
    ClosureReason,
    LabelledEnum,
    ReferralStatus,
    RestorativeWish,
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
    "CareExperience",
    "Child",
    "ClosureReason",
    "Contact",
    "LabelledEnum",
    "Offence",
    "Referral",
    "ReferralEvent",
    "ReferralStatus",
    "RestorativeWish",
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
