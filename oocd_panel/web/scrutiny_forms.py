"""The forms of the scrutiny panel pages: drawing a sample, redacting a case's text, recording
the panel's rating, and choosing the report's service and period. They parse what was posted;
what must be true of it is services/scrutiny.py's to say."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms.fields import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from oocd_panel.catalogue.scrutiny import MAX_SAMPLE_SIZE, RATINGS, rating_choices
from oocd_panel.web.form_fields import GovDateField, WebForm
from oocd_panel.web.widgets import GovCheckboxInput, GovRadioInput, GovSelect


class DrawForm(WebForm):
    service = SelectField("Service", choices=[], validate_choice=False, widget=GovSelect())
    start = GovDateField(
        "Decisions made from", description="The first day of the period, for example 1 7 2026"
    )
    end = GovDateField("Decisions made to", description="The last day of the period")
    size = StringField(
        "Number of cases",
        widget=GovTextInput(),
        description=f"From 1 to {MAX_SAMPLE_SIZE}. A period with fewer decisions gives them all.",
    )
    seed = StringField(
        "Seed (optional)",
        widget=GovTextInput(),
        description="Leave this empty for a new random sample. To draw an earlier sample again, "
        "enter its seed with the same service, period and number of cases.",
    )
    submit = SubmitField("Draw the sample", widget=GovSubmitInput())


class RedactionForm(WebForm):
    text = TextAreaField("The text as the scrutiny panel may read it", widget=GovTextArea())
    confirmed = BooleanField(
        "I have read the whole text: it names nobody (the child, their family, the victim, "
        "staff) and gives no address, date of birth, police reference or other detail that "
        "could identify the child",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Confirm the redacted text", widget=GovSubmitInput())


class RatingForm(WebForm):
    rating = RadioField(
        "The scrutiny panel's rating of the decision",
        choices=rating_choices(),
        validate_choice=False,
        widget=GovRadioInput(),
        description=" ".join(f"{r.label}: {r.hint}" for r in RATINGS),
    )
    comments = TextAreaField(
        "The panel's comments",
        widget=GovTextArea(),
        description="Needed with 'Appropriate with observations' and 'Inappropriate'.",
    )
    meeting_on = GovDateField(
        "Date of the scrutiny panel's meeting", description="For example 14 1 2027"
    )
    submit = SubmitField("Save the rating", widget=GovSubmitInput())


class ScrutinyReportForm(WebForm):
    class Meta:
        csrf = False  # a GET form: it changes nothing

    service = SelectField("Service", choices=[], validate_choice=False, widget=GovSelect())
    start = GovDateField("Decisions made from")
    end = GovDateField("Decisions made to")
    submit = SubmitField("Show the ratings", widget=GovSubmitInput())
