"""A child referred to the service, and the parents or carers letters go to."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.enums import CareExperience, SendStatus, Sex, YesNoUnknown
from oocd_panel.models.types import str_enum
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from oocd_panel.models.referral import Referral


class Child(Base):
    """A child known to the service.

    Once the retention schedule has removed the child's records (`purged_at` set), the names,
    address and free text are gone and `date_of_birth` keeps only the year (1 January of it);
    the characteristics stay, as the evaluation's decision points keep them too."""

    __tablename__ = "child"
    __table_args__ = (Index("ix_child_service_names", "service_id", "last_name", "first_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    preferred_name: Mapped[str | None] = mapped_column(String(100))
    # Indexed: the police find a child by last name and date of birth, and a new referral is
    # matched to a child already known by names and date of birth.
    date_of_birth: Mapped[dt.date] = mapped_column(index=True)
    address_line_1: Mapped[str] = mapped_column(String(200))
    address_line_2: Mapped[str | None] = mapped_column(String(200))
    town: Mapped[str] = mapped_column(String(100))
    postcode: Mapped[str] = mapped_column(String(10))

    sex: Mapped[Sex] = mapped_column(str_enum(Sex))
    # ONS 2021 code (see oocd_panel.catalogue.ethnicity); the police 16+1 code when that is what
    # was given.
    ethnicity: Mapped[str] = mapped_column(String(40))
    police_ethnicity_code: Mapped[str | None] = mapped_column(String(3))
    care_experience: Mapped[CareExperience] = mapped_column(str_enum(CareExperience))
    send: Mapped[SendStatus] = mapped_column(str_enum(SendStatus))
    neurodivergent: Mapped[YesNoUnknown] = mapped_column(str_enum(YesNoUnknown))
    neurodiversity_details: Mapped[str | None] = mapped_column(Text)

    first_language: Mapped[str] = mapped_column(String(100), default="English")
    needs_interpreter: Mapped[bool] = mapped_column(default=False)
    interpreter_language: Mapped[str | None] = mapped_column(String(100))
    needs_easy_read: Mapped[bool] = mapped_column(default=False)
    communication_needs: Mapped[str | None] = mapped_column(Text)
    # When the retention schedule removed the child's personal data (services/retention.py).
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    # Optimistic locking: two people correcting the child's details (or a parent's) at once
    # cannot both succeed.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="child", cascade="all, delete-orphan", order_by="Contact.id"
    )
    referrals: Mapped[list[Referral]] = relationship(
        back_populates="child", order_by="Referral.received_on"
    )

    @property
    def full_name(self) -> str:
        if self.purged_at is not None:
            return "Record removed"
        return f"{self.first_name} {self.last_name}"

    @property
    def known_as(self) -> str:
        return self.preferred_name or self.first_name

    def age_on(self, day: dt.date) -> int:
        if self.purged_at is not None:
            raise ValueError("Only the year of birth of a removed record is kept.")
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def __repr__(self) -> str:
        return f"<Child {self.id}>"


class Contact(Base):
    """A parent or carer: who letters about the child go to."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("child.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(200))
    relationship_to_child: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))
    # None means the same address as the child.
    address: Mapped[str | None] = mapped_column(Text)
    has_parental_responsibility: Mapped[bool] = mapped_column(default=True)
    receives_letters: Mapped[bool] = mapped_column(default=True)
    first_language: Mapped[str] = mapped_column(String(100), default="English")
    needs_interpreter: Mapped[bool] = mapped_column(default=False)
    needs_easy_read: Mapped[bool] = mapped_column(default=False)

    child: Mapped[Child] = relationship(back_populates="contacts")

    def __repr__(self) -> str:
        return f"<Contact {self.id}>"
