"""Column types shared by the models."""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import JSON, Enum
from sqlalchemy.dialects.postgresql import JSONB


def str_enum(enum_cls: type[enum.Enum], length: int = 40) -> Enum:
    """Store an enum by its value in a VARCHAR (no native database enum to migrate)."""
    return Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


def json_type() -> Any:
    """JSON everywhere, JSONB on PostgreSQL."""
    return JSON().with_variant(JSONB(), "postgresql")
