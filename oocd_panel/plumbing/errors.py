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


class EditedMeanwhile(DomainError):
    """Someone else saved the same page since it was loaded, so nothing was saved."""

    def __init__(self, what: str) -> None:
        super().__init__(
            f"Someone else changed {what} while you had the page open, so nothing was saved. "
            "What you entered is shown below, and their change in the list of changes: check "
            "it, and save again."
        )


class InvalidInput(DomainError):
    """One or more inputs are wrong; `errors` maps each field name to what to fix."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors
