"""Cleaning text people type before it is checked or stored."""

from __future__ import annotations

import re

# Control characters other than tab and newline: nothing a person means to type, and
# PostgreSQL refuses NUL outright.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(value: str | None) -> str:
    """Line endings made \\n, control characters removed, surrounding space stripped."""
    if not value:
        return ""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).strip()
