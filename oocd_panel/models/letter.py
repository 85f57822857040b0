"""Letters to the child and family, as issued; and a service's own letter wording."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Content erased by the retention schedule (see above).
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    issued_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Letter {self.id} {self.recipient_key} v{self.number}>"


class LetterImmutable(Exception):
    """An issued letter was about to be changed or deleted."""


@event.listens_for(Letter, "before_update")
@event.listens_for(Letter, "before_delete")
def _refuse_change(_mapper: Any, _connection: Any, target: Letter) -> None:
    raise LetterImmutable(f"Issued letters cannot be changed: {target!r}. Issue a new version.")


class LetterWording(Base):
    """A service's own wording for letters: a disposal text, a word list, or a contact detail.

    Every save is a new row with who reviewed it and when; the latest row for a key applies."""

    __tablename__ = "letter_wording"
    __table_args__ = (Index("ix_letter_wording_service_key", "service_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("service.id"))
    # "disposal:<code>:<field>", "words:compulsory", "words:jargon", "contact:phone", ...
    key: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reviewed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    reviewed_by: Mapped[User] = relationship()
