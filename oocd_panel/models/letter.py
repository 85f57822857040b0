"""Letters to the child and family, as issued; and the versions of a service's own letter
wording."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oocd_panel.models.enums import WordingStatus
from oocd_panel.models.service import Service
from oocd_panel.models.types import json_type, str_enum
from oocd_panel.models.user import User
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow


class Letter(Base):
    """One issued letter: what was sent, to whom, and the versions it was made from.

    Issued letters never change: the database refuses updates and deletes (a trigger), and so
    does the ORM. Re-issuing makes the next `number` for the same recipient.

    The one exception is the retention schedule: once the case is purged (`Referral.purged_at`),
    the trigger lets the letter's content (recipient, address, HTML, PDF) be erased, once, with
    `erased_at` set and everything else unchanged; the row stays as a record that the letter
    was issued, with the SHA-256 of what was sent."""

    __tablename__ = "letter"
    __table_args__ = (UniqueConstraint("referral_id", "recipient_key", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    referral_id: Mapped[int] = mapped_column(ForeignKey("referral.id"), index=True)
    # Indexed: a case's letters page lists the letters issued for its decision. None: a letter
    # about an outcome the police gave alone (the notification path), which has no decision.
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decision.id"), index=True)
    # "child", or "contact-<id>" for a parent or carer.
    recipient_key: Mapped[str] = mapped_column(String(30))
    recipient_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text)
    # child_10_13, child_14_17, easy_read or parent.
    variant: Mapped[str] = mapped_column(String(20))
    number: Mapped[int] = mapped_column(default=1)
    html: Mapped[str] = mapped_column(Text)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[str] = mapped_column(String(20))
    catalogue_version: Mapped[str] = mapped_column(String(64))
    # The service's wording version the letter used (WordingVersion.number; 0 for the
    # catalogue's own texts; None for letters issued before versions were kept).
    wording_version: Mapped[int | None]
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Content erased by the retention schedule (see above).
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    # The languages it was issued in, in order ("en", "cy", "pl"; "cy en" for Welsh and English).
    languages: Mapped[str] = mapped_column(String(20), default="en", server_default="en")
    # Issued in English while the family's own language awaited its translation: the letter
    # said, in that language, that a letter in it will follow.
    pending_language: Mapped[str | None] = mapped_column(String(10))

    issued_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Letter {self.id} {self.recipient_key} v{self.number}>"


class LetterImmutable(Exception):
    """An issued letter was about to be changed or deleted."""


@event.listens_for(Letter, "before_update")
@event.listens_for(Letter, "before_delete")
def _refuse_change(_mapper: Any, _connection: Any, target: Letter) -> None:
    raise LetterImmutable(f"Issued letters cannot be changed: {target!r}. Issue a new version.")


class WordingVersion(Base):
    """A version of a service's own letter wording, or a draft of the next one.

    `values` holds every text the service words its own way (key -> text; the catalogue's
    defaults apply to the rest), whole, so a version can be read or restored on its own. A
    draft becomes the next numbered version only when a second person approves it (never its
    author); until then letters use the latest approved version. A service has at most one
    open draft (a partial unique index). `revision` goes up with every change to the row, so
    an approval from a page showing an older draft is refused."""

    __tablename__ = "wording_version"
    __table_args__ = (
        UniqueConstraint("service_id", "number"),
        Index(
            "uq_wording_version_open_draft",
            "service_id",
            unique=True,
            sqlite_where=text("status = 'draft'"),
            postgresql_where=text("status = 'draft'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"), index=True)
    # 1, 2, 3 ... for approved versions, in order; None for a draft (or one not approved).
    number: Mapped[int | None]
    status: Mapped[WordingStatus] = mapped_column(str_enum(WordingStatus, 20))
    values: Mapped[dict[str, str]] = mapped_column(json_type())
    # The keys whose text differs from the version it was drafted from (set when decided).
    changed: Mapped[list[str]] = mapped_column(json_type(), default=list)
    # The approved version it was drafted from (None: the catalogue's texts), and the version
    # it restores, if it does.
    base_number: Mapped[int | None]
    restores_number: Mapped[int | None]
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    drafted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Who approved, rejected or withdrew it, when, and (a rejection) why.
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column()

    service: Mapped[Service] = relationship()
    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __mapper_args__ = {"version_id_col": revision}

    def __repr__(self) -> str:
        return f"<WordingVersion {self.id} {self.status} v{self.number}>"


class TranslationApproval(Base):
    """A named reviewer (the qualified translator) approved a language's letters for a service.

    It holds for the service's wording as it was (`wording_version`, letters/wording.Wording's
    fingerprint) and the translations as they were (`translation_version`, the catalogue's): a
    change to either needs a new review. Recorded by an administrator or manager of the service."""

    __tablename__ = "translation_approval"
    __table_args__ = (
        UniqueConstraint("service_id", "language", "wording_version", "translation_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    language: Mapped[str] = mapped_column(String(10))
    wording_version: Mapped[str] = mapped_column(String(64))
    translation_version: Mapped[str] = mapped_column(String(64))
    reviewer_name: Mapped[str] = mapped_column(String(200))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    recorded_by: Mapped[User] = relationship()
