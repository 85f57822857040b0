"""A Youth Justice Service: one deployment can host several."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from oocd_panel.models.types import json_type
from oocd_panel.plumbing.db import Base, UTCDateTime, utcnow


class Service(Base):
    __tablename__ = "service"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Local practice that differs between services (decision rule, quorum, thresholds...).
    # Read through oocd_panel.rules.service_settings, which holds the defaults.
    settings: Mapped[dict[str, Any]] = mapped_column(json_type(), default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<Service {self.slug}>"
