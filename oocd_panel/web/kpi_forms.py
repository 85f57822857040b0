"""The form a practitioner fills in when an intervention ends: one set of radios per KPI
question (catalogue/kpis.py), the action's reason, and the version of the case they saw.

It parses what was posted; which answers are needed is rules/intervention_end.py's to say."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea
from wtforms.fields import HiddenField, RadioField, SubmitField, TextAreaField
from wtforms.validators import Length, Optional

from oocd_panel.catalogue import kpis
from oocd_panel.web.form_fields import WebForm, int_or_none
from oocd_panel.web.widgets import GovRadioInput
from oocd_panel.workflow import Action, Reason


class EndOfInterventionForm(WebForm):
    """The questions in the catalogue's order, then the reason and the button (added below,
    so that the error summary lists problems in the order of the page)."""

    version = HiddenField()
    reason: TextAreaField
    submit: SubmitField

    def shape_for(self, action: Action) -> None:
        optional = "" if action.reason is Reason.REQUIRED else " (optional)"
        self.reason.label.text = action.reason_label + optional
        self.submit.label.text = action.label

    @property
    def expected_version(self) -> int | None:
        return int_or_none(self.version.data)

    def answers(self) -> dict[str, str | None]:
        """Each question's answer as posted (None where none was chosen)."""
        return {key: self[key].data or None for key in kpis.QUESTIONS}


for _question in kpis.QUESTIONS.values():
    setattr(
        EndOfInterventionForm,
        _question.key,
        RadioField(
            _question.label,
            choices=list(_question.choices),
            validate_choice=False,
            widget=GovRadioInput(),
            description=_question.hint,
        ),
    )

EndOfInterventionForm.reason = TextAreaField(
    "Note",
    widget=GovTextArea(),
    validators=[Optional(), Length(max=10000, message="Must be 10,000 characters or fewer")],
)
EndOfInterventionForm.submit = SubmitField("Save", widget=GovSubmitInput())
