"""Forms for letters: the first meeting a letter mentions, a service's letter wording, and
approving (or rejecting, withdrawing, restoring) a draft of it."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from oocd_panel.catalogue import disposals, interventions
from oocd_panel.letters.wording import CONTACT_KEYS, WORD_KEYS
from oocd_panel.web.form_fields import GovDateField, WebForm
from oocd_panel.web.widgets import GovCheckboxesInput, GovCheckboxInput, GovRadioInput


class MeetingForm(WebForm):
    """The first meeting, for the "what happens next" part of the letter (optional)."""

    meeting_on = GovDateField("Date of the first meeting (optional)")
    meeting_time = StringField(
        "Time (optional)", widget=GovTextInput(), description="For example 4pm."
    )
    meeting_place = StringField(
        "Place (optional)", widget=GovTextInput(), description="For example the youth centre."
    )
    # Only on the police-alone path (the page shows it there): the support the letter offers.
    offered = SelectMultipleField(
        "Support offered",
        choices=interventions.choices(),
        widget=GovCheckboxesInput(),
        description="The police gave the outcome alone: choose the support the YJS offers, as "
        "agreed with the family or as the service offers it. The letter says it is their choice.",
    )
    submit = SubmitField("Update the preview", widget=GovSubmitInput())


class IssueForm(WebForm):
    """Issue the letter as previewed: the first meeting travels with it, hidden."""

    meeting_on = HiddenField()
    meeting_time = HiddenField()
    meeting_place = HiddenField()
    # The support offered on the police-alone path, as the preview showed it (codes, by commas).
    offered = HiddenField()
    # The template and wording versions the preview was made with.
    previewed = HiddenField()
    submit = SubmitField("Issue the letter", widget=GovSubmitInput())


def field_name(key: str) -> str:
    """A form field name for a wording key ("disposal:youth_caution:child_record")."""
    return key.replace(":", "__")


def key_for(name: str) -> str:
    return name.replace("__", ":")


def wording_form(data: bool) -> FlaskForm:
    """A form with a field for every editable wording key."""

    class WordingForm(WebForm):
        pass

    for key, label in CONTACT_KEYS.items():
        setattr(WordingForm, field_name(key), StringField(label, widget=GovTextInput()))
    for key, label in WORD_KEYS.items():
        description = (
            "One a line. Letters about voluntary work may not use any of them."
            if key == "words:compulsory"
            else 'One a line; "term = explanation" lets a letter use the term with its '
            "explanation in the same sentence."
        )
        setattr(
            WordingForm,
            field_name(key),
            TextAreaField(label, widget=GovTextArea(), description=description),
        )
    for code in disposals.LETTER_TEXTS:
        for name, label in disposals.LETTER_FIELDS.items():
            key = f"disposal:{code}:{name}"
            setattr(WordingForm, field_name(key), TextAreaField(label, widget=GovTextArea()))
    # The version of the wording the page showed (services.letter_wording.version).
    WordingForm.seen = HiddenField()
    WordingForm.reviewed = BooleanField(
        "I have read these texts as a child and a parent would, and they are accurate",
        widget=GovCheckboxInput(),
    )
    WordingForm.submit = SubmitField("Save as a draft", widget=GovSubmitInput())
    kwargs: dict[str, Any] = {} if data else {"formdata": None}
    return WordingForm(**kwargs)


class ApprovalForm(WebForm):
    """Approve a draft of the wording, or reject it saying why: of the draft as shown."""

    draft = HiddenField()
    revision = HiddenField()
    outcome = RadioField(
        "Your decision",
        choices=[
            ("approve", "Approve: letters use this wording from now on"),
            ("reject", "Reject it, saying why"),
        ],
        validate_choice=False,
        widget=GovRadioInput(),
    )
    comment = TextAreaField(
        "Your comment",
        description="Rejecting: say what is wrong and what to change. Approving: optional.",
        widget=GovCharacterCount(),
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())


class WithdrawForm(WebForm):
    draft = HiddenField()
    submit = SubmitField("Withdraw the draft", widget=GovSubmitInput())


class RestoreForm(WebForm):
    """Restore an earlier version (the version is in the address); of the page as shown."""

    seen = HiddenField()


class TranslationApprovalForm(WebForm):
    """A named reviewer approved a language's letters for the service's wording."""

    # What the review page showed (services.translations.seen_version).
    seen = HiddenField()
    reviewer_name = StringField(
        "Name of the qualified translator who reviewed them",
        widget=GovTextInput(),
        description="Their own name, as it should appear in the record of this approval.",
    )
    confirmed = BooleanField(
        "They read every letter on this page beside its English, and the other texts, and "
        "they are accurate",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Record the approval", widget=GovSubmitInput())
