"""WTForms fields and helpers that render GOV.UK markup and report errors GOV.UK's way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from typing import Any

from flask import request
from flask_wtf import FlaskForm
from wtforms import Field, Form
from wtforms.fields import FieldList, FormField
from wtforms.validators import StopValidation

from oocd_panel.web.widgets import GovDateInput

_PARTS = ("day", "month", "year")
_FROM_REQUEST = object()


class WebForm(FlaskForm):
    """A form that reads only the text fields of what was posted.

    Flask-WTF would also hand the fields any uploaded files and the values of a JSON body;
    no page here takes either, and a file or a JSON number where text is expected fails deep
    in a service (a server error). Posted that way, the form is treated as empty."""

    def __init__(self, formdata: Any = _FROM_REQUEST, **kwargs: Any) -> None:
        if formdata is _FROM_REQUEST:
            submitted = request.method in {"POST", "PUT", "PATCH", "DELETE"}
            formdata = request.form if submitted and request.form else None
        super().__init__(formdata=formdata, **kwargs)


class GovDateField(Field):
    """A date entered as day, month and year boxes (GOV.UK date input).

    Unlike WTForms' DateField it tolerates a POST that leaves the field out entirely, and it
    says which part is missing or wrong ("must include a month", "must be a real date").
    """

    widget = GovDateInput()

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.error_part = "day"

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, dt.date) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        parts = [str(v).strip() for v in [*valuelist, "", "", ""][:3]]
        self.raw_data = parts
        self.data = None
        if not any(parts):
            return
        name = (self.label.text or "Date").rstrip("?")
        missing = [part for part, value in zip(_PARTS, parts, strict=True) if not value]
        if missing:
            self.error_part = missing[0]
            raise ValueError(f"{name} must include a {' and a '.join(missing)}")
        day, month, year = parts
        numeric = [part.isascii() and part.isdecimal() for part in (day, month, year)]
        if not all(numeric):
            self.error_part = _PARTS[numeric.index(False)]
            raise ValueError(f"{name} must be a real date, in numbers, like 27 3 2011")
        if len(year) != 4:
            self.error_part = "year"
            raise ValueError(f"{name} must include a year with 4 numbers, like 2011")
        try:
            self.data = dt.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            self.error_part = "day" if 1 <= int(month) <= 12 else "month"
            raise ValueError(f"{name} must be a real date") from None

    def anchor(self) -> str:
        return f"{self.name}-{self.error_part}"


class Required:
    """The field must have a value; says so with `message` (GOV.UK wording)."""

    field_flags = {"required": True}

    def __init__(self, message: str) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        data = field.data
        if data is None or (isinstance(data, str) and not data.strip()) or data == []:
            field.errors[:] = []
            raise StopValidation(self.message)


def int_or_none(value: Any) -> int | None:
    """A whole number typed in plain digits (at most 9 of them), or None."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdecimal()) or len(text) > 9:
        return None
    return int(text)


def iter_fields(form: Form) -> Iterator[Field]:
    """Every leaf field of a form, in page order, descending into lists and sub-forms."""
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                if isinstance(entry, FormField):
                    yield from iter_fields(entry.form)
                else:
                    yield entry
        elif isinstance(field, FormField):
            yield from iter_fields(field.form)
        else:
            yield field


def anchor_for(field: Field) -> str:
    if isinstance(field, GovDateField):
        return field.anchor()
    return str(field.id or field.name)


def attach_errors(form: Form, errors: Mapping[str, str]) -> list[str]:
    """Put each error on the field of that name; returns the ones no field matched."""
    prefix = getattr(form, "_prefix", "")
    by_name = {f.name: f for f in iter_fields(form)}
    if prefix:  # services name fields without the form's prefix
        by_name.update({name.removeprefix(prefix): f for name, f in list(by_name.items())})
    unmatched = []
    for name, message in errors.items():
        field = by_name.get(name)
        if field is None:
            unmatched.append(message)
        elif message not in field.errors:
            field.errors = [message, *list(field.errors)]
    return unmatched


def csrf_failed(form: Form) -> bool:
    """True when the form's CSRF token was missing or wrong (never when CSRF is switched off)."""
    token = getattr(form, "csrf_token", None)
    return bool(token is not None and token.errors)


CSRF_MESSAGE = (
    "The page had been open too long, or your sign-in changed, so nothing was saved. "
    "Check your answers and send the form again."
)


def error_summary(form: Form, extra: list[str] | None = None) -> list[dict[str, str]]:
    """Items for govukErrorSummary: each field's first error, linked to its input."""
    items: list[dict[str, str]] = [{"text": message} for message in extra or []]
    for field in iter_fields(form):
        if not field.errors:
            continue
        if field.name == "csrf_token":
            items.insert(0, {"text": CSRF_MESSAGE})
            continue
        items.append({"text": str(field.errors[0]), "href": "#" + anchor_for(field)})
    return items
