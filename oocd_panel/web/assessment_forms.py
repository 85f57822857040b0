"""Forms for the assessment, built from the section definitions in assessment_sections."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms.fields import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from oocd_panel.catalogue.assessment_sections import Kind, Question, Section
from oocd_panel.models import AuditAnswer
from oocd_panel.web.form_fields import WebForm, int_or_none
from oocd_panel.web.widgets import GovCheckboxesInput, GovRadioInput, GovSelect

COMPLETED_CHOICES = [
    ("yes", "Yes, I've completed this section"),
    ("no", "No, I'll come back to it later"),
]


def _field(question: Question) -> Any:
    common: dict[str, Any] = {"description": question.hint}
    if question.kind is Kind.TEXT:
        return StringField(question.label, widget=GovTextInput(), **common)
    if question.kind is Kind.LONG_TEXT:
        return TextAreaField(question.label, widget=GovTextArea(), **common)
    if question.kind is Kind.CHOICE:
        return RadioField(
            question.label,
            choices=list(question.choices),
            validate_choice=False,
            widget=GovRadioInput(),
            **common,
        )
    if question.kind is Kind.SELECT:
        return SelectField(
            question.label,
            choices=[("", "Select"), *question.choices],
            validate_choice=False,
            widget=GovSelect(),
            **common,
        )
    return SelectMultipleField(
        question.label,
        choices=list(question.choices),
        validate_choice=False,
        widget=GovCheckboxesInput(),
        **common,
    )


_FORM_CLASSES: dict[str, type[FlaskForm]] = {}


def section_form_class(section: Section) -> type[FlaskForm]:
    """One form class per section, built once."""
    if section.key not in _FORM_CLASSES:
        attrs: dict[str, Any] = {q.key: _field(q) for q in section.questions}
        attrs["completed"] = RadioField(
            "Have you completed this section?",
            choices=COMPLETED_CHOICES,
            validate_choice=False,
            widget=GovRadioInput(),
        )
        attrs["version"] = HiddenField()
        attrs["submit"] = SubmitField("Save and continue", widget=GovSubmitInput())
        _FORM_CLASSES[section.key] = type(f"{section.key.title()}SectionForm", (WebForm,), attrs)
    return _FORM_CLASSES[section.key]


def answers_from(form: FlaskForm, section: Section) -> dict[str, Any]:
    return {q.key: form[q.key].data for q in section.questions}


def expected_version(form: FlaskForm) -> int | None:
    return int_or_none(form.version.data)


class SubmitAssessmentForm(WebForm):
    version = HiddenField()
    submit = SubmitField("Send for sign-off", widget=GovSubmitInput())


class ReviewForm(WebForm):
    version = HiddenField()
    outcome = RadioField(
        "Your decision",
        choices=[
            ("signed_off", "Sign off: the assessment is ready for the panel"),
            ("returned", "Return it to the practitioner with directions"),
        ],
        validate_choice=False,
        widget=GovRadioInput(),
    )
    comment = TextAreaField(
        "Your comment or directions",
        description="Signing off: say what is good and anything the panel should note. "
        "Returning: say exactly what needs to change.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())


AUDIT_CHOICES = AuditAnswer.choices()


def audit_form_class(questions: list[tuple[str, str]]) -> type[FlaskForm]:
    """A field pair (answer, comment) per audit question key."""
    attrs: dict[str, Any] = {}
    for key, label in questions:
        attrs[f"{key}__answer"] = RadioField(
            label, choices=AUDIT_CHOICES, validate_choice=False, widget=GovRadioInput()
        )
        attrs[f"{key}__comment"] = TextAreaField("Comment", widget=GovTextArea())
    attrs["summary"] = TextAreaField(
        "Summary for the practitioner (optional)", widget=GovTextArea()
    )
    attrs["submit"] = SubmitField("Save audit", widget=GovSubmitInput())
    return type("AuditForm", (WebForm,), attrs)
