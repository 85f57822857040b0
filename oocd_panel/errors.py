"""Errors the domain raises, each with a message a user can read on the page."""

from __future__ import annotations


class DomainError(Exception):
    """Something the user asked for cannot be done; `message` says why in plain words."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    pass


class ActionNotAllowed(DomainError):
    """The action is not allowed now: wrong state, wrong role, or a rule says no."""


class CaseChanged(DomainError):
    """Someone else changed the case since the page was loaded (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(
            "Someone else changed this case while you had it open, so nothing was saved. "
            "Check the case as it is now and try again."
        )


class InvalidInput(DomainError):
    """One or more inputs are wrong; `errors` maps each field name to what to fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
