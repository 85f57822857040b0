"""Forms for panel meetings, votes, decisions, escalations, deliveries, notes and settings.

They parse what was typed; the rules live in the services (panels, police, settings)."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import Form
from wtforms.fields import (
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.models import Agency, DeliveryOutcome
from oocd_panel.rules import decision_rules
from oocd_panel.web.form_fields import GovDateField, WebForm
from oocd_panel.web.widgets import GovCheckboxesInput, GovRadioInput, GovSelect

YES_NO = [("yes", "Yes"), ("no", "No")]


def _radios(label: str, choices: list[tuple[str, str]], **kw: Any) -> RadioField:
    return RadioField(label, choices=choices, validate_choice=False, widget=GovRadioInput(), **kw)


def _select(label: str, choices: list[tuple[str, str]], blank: str, **kw: Any) -> SelectField:
    return SelectField(
        label, choices=[("", blank), *choices], validate_choice=False, widget=GovSelect(), **kw
    )


def _checkboxes(label: str, choices: list[tuple[str, str]], **kw: Any) -> SelectMultipleField:
    return SelectMultipleField(
        label, choices=choices, validate_choice=False, widget=GovCheckboxesInput(), **kw
    )


def yes_no(value: str | None) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class MeetingForm(WebForm):
    service_id = _select("Service", [], "Select the service")
    starts_on = GovDateField("Date of the meeting", description="For example, 8 12 2026")
    starts_time = StringField(
        "Start time",
        widget=GovTextInput(),
        description="24-hour clock, for example 10:00",
        default="10:00",
    )
    place = StringField("Place, or the link to join", widget=GovTextInput())
    police_decision_maker = _select("Police decision-maker", [], "Select the police decision-maker")
    yjs_decision_maker = _select("YJS decision-maker", [], "Select the YJS decision-maker")
    advisers = _checkboxes(
        "Other members",
        [],
        description="Health, education, children's social "
        "care and others who advise. Add members without an account on the day.",
    )
    chair_id = _select(
        "Chair", [], "Select the chair", description="The chair must be one of the members above."
    )
    submit = SubmitField("Plan the meeting", widget=GovSubmitInput())


class AttendanceForm(WebForm):
    present = _checkboxes("Who is here", [])
    without_device = _checkboxes(
        "Here without a device",
        [],
        description="You record these members' votes for them, marked as on their behalf.",
    )
    extra_name = StringField("Add a member who has no account (optional)", widget=GovTextInput())
    extra_agency = _select("Their agency", Agency.choices(), "Select the agency")
    submit = SubmitField("Save attendance", widget=GovSubmitInput())


class AgendaForm(WebForm):
    referral_ids = _checkboxes("Cases ready for panel", [])
    submit = SubmitField("Add to the agenda", widget=GovSubmitInput())


class SimpleForm(WebForm):
    """A button with CSRF protection and the version of what it acts on."""

    version = HiddenField()


class ConflictForm(WebForm):
    member_id = _select("Member", [], "Select the member")
    reason = TextAreaField(
        "The conflict of interest",
        widget=GovTextArea(),
        description="For example: knows the child's family.",
    )
    submit = SubmitField("Declare the conflict", widget=GovSubmitInput())


class VoteForm(WebForm):
    member_id = _select("Vote for", [], "Select the member")
    disposal = _select("Your vote", disposals.choices(), "Select an outcome")
    interventions = _checkboxes("Interventions you support", interventions.choices())
    rationale = TextAreaField("Your rationale", widget=GovTextArea())
    submit = SubmitField("Record the vote", widget=GovSubmitInput())


class CloseVoteForm(WebForm):
    police_inspector_id = _select("Police inspector to resolve it", [], "Select the inspector")
    yjs_manager_id = _select("YJS manager to resolve it", [], "Select the YJS manager")
    submit = SubmitField("Close the vote", widget=GovSubmitInput())


class ConditionForm(Form):
    text = StringField("Condition", widget=GovTextInput())
    due_on = GovDateField("To be done by")


class DecisionForm(WebForm):
    version = HiddenField()
    disposal = _select("Final decision", disposals.choices(), "Select the decision")
    interventions = _checkboxes("Interventions", interventions.choices())
    conditions = FieldList(FormField(ConditionForm), min_entries=3, max_entries=3)
    confirmation_rationale = TextAreaField(
        "Rationale, if the decision differs from the panel's vote", widget=GovTextArea()
    )
    departure_rationale = TextAreaField(
        "Rationale, if the decision departs from the gravity-matrix default", widget=GovTextArea()
    )
    submit = SubmitField("Confirm the decision", widget=GovSubmitInput())

    def condition_pairs(self) -> tuple[tuple[str, Any], ...]:
        return tuple((e.form.text.data or "", e.form.due_on.data) for e in self.conditions.entries)


class ResolutionForm(DecisionForm):
    """The police inspector's record of the outcome they and the YJS manager reached."""

    submit = SubmitField("Record the resolution", widget=GovSubmitInput())


class AnswerForm(WebForm):
    """The YJS manager's answer to the inspector's resolution, given signed in as themselves."""

    version = HiddenField()
    yjs_manager_agreed = _radios("Do you agree with this resolution?", YES_NO)
    yjs_manager_view = TextAreaField(
        "Your view, if you do not agree",
        widget=GovTextArea(),
        description="What you wanted, and why. It is kept with the decision.",
    )
    submit = SubmitField("Send your answer", widget=GovSubmitInput())


class DeliveryForm(WebForm):
    version = HiddenField()
    outcome = _radios("What happened", DeliveryOutcome.choices())
    delivered_on = GovDateField("Date")
    appropriate_adult_present = _radios("Was an appropriate adult present?", YES_NO)
    appropriate_adult_name = StringField("Appropriate adult's name", widget=GovTextInput())
    legal_advice_offered = _radios("Was free legal advice offered?", YES_NO)
    legal_advice_taken = _radios("Did the child take up legal advice?", YES_NO)
    admission_confirmed = _radios("Did the child admit the offence?", YES_NO)
    consent_signed = _radios("Did the child sign consent to the conditions?", YES_NO)
    notes = TextAreaField(
        "Notes", widget=GovTextArea(), description="Required if the child declined: what and why."
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class PoliceSearchForm(WebForm):
    """Sent by POST (with its CSRF token), so a child's name and date of birth never reach the
    address bar, the browser's history or a proxy's log; a reference alone may come in the
    address (links to a case by its crime number)."""

    police_reference = StringField("Police reference (crime number)", widget=GovTextInput())
    first_name = StringField("First name (optional)", widget=GovTextInput())
    last_name = StringField("Last name", widget=GovTextInput())
    date_of_birth = GovDateField("Date of birth")
    submit = SubmitField("Find the case", widget=GovSubmitInput())


class NoteForm(WebForm):
    text = TextAreaField("Progress note", widget=GovTextArea())
    submit = SubmitField("Add the note", widget=GovSubmitInput())


class SettingsForm(WebForm):
    # The version of the settings the page showed (services.settings.version).
    seen = HiddenField()
    decision_rule = _radios("Decision rule", list(decision_rules.RULES.items()))
    majority_tie_break = _radios(
        "If a majority vote is tied", list(decision_rules.TIE_BREAKS.items())
    )
    quorum_other_members = StringField(
        "Other members needed for a quorum",
        widget=GovTextInput(),
        description="Besides a police and a YJS decision-maker, present and free of a conflict.",
    )
    votes_hidden_until_all_cast = _radios("Hide votes until everyone has voted?", YES_NO)
    escalation_due_days = StringField(
        "Working days to resolve an escalation", widget=GovTextInput()
    )
    decision_target_days = StringField(
        "Target days from referral to the panel's decision",
        widget=GovTextInput(),
        description="The evaluation reports how many decisions met it.",
    )
    delivery_target_days = StringField(
        "Target days from referral to the outcome being given", widget=GovTextInput()
    )
    assessment_due_working_days = StringField(
        "Working days to complete a pre-panel assessment", widget=GovTextInput()
    )
    suppression_threshold = StringField(
        "Smallest count published in reports",
        widget=GovTextInput(),
        description="Smaller counts are shown as 'fewer than' this number.",
    )
    retention_years_after_closure = StringField(
        "Years to keep a child's records after their last case closed",
        widget=GovTextInput(),
        description="Then the purge removes their personal data; the evaluation's counts stay.",
    )
    retention_until_age = StringField(
        "Keep a child's records at least until they are this age",
        widget=GovTextInput(),
        description="Whichever is later applies.",
    )
    bilingual_letters = _radios("Send letters in Welsh and English?", YES_NO)
    submit = SubmitField("Save settings", widget=GovSubmitInput())
