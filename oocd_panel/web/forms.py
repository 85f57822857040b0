"""Small forms: signing in, taking an action on a case, filtering the case list."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms.fields import (
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from oocd_panel.models import ReferralStatus
from oocd_panel.web.form_fields import GovDateField, Required, WebForm, int_or_none
from oocd_panel.web.widgets import GovCheckboxesInput, GovSelect
from oocd_panel.web.widgets import GovTextInput as RememberedTextInput
from oocd_panel.workflow import Action, Reason


class SignInForm(WebForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[Required("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[Required("Enter your password"), Length(max=1000)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SignOutForm(WebForm):
    pass


class CodeForm(WebForm):
    """A code from an authenticator app (or, where allowed, a recovery code)."""

    code = StringField(
        "Code from your authenticator app",
        widget=GovTextInput(),
        validators=[Required("Enter the code from your authenticator app"), Length(max=50)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


_CURRENT_CODE_LABEL = "Code from your current authenticator app, or a recovery code"
_CURRENT_CODE_MISSING = "Enter a code from your authenticator app, or a recovery code"


class ConfirmFactorsForm(WebForm):
    """What a change to two-factor sign-in asks for: the current factor and the password."""

    current_code = StringField(
        _CURRENT_CODE_LABEL,
        widget=GovTextInput(),
        validators=[Required(_CURRENT_CODE_MISSING), Length(max=50)],
    )
    password = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        validators=[Required("Enter your password"), Length(max=1000)],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ReplaceTwoFactorForm(WebForm):
    """Moving two-factor sign-in to a new app: a code from it, the current factor, the password."""

    code = StringField(
        "Code from your new authenticator app",
        widget=GovTextInput(),
        validators=[Required("Enter the code from your new authenticator app"), Length(max=50)],
    )
    current_code = StringField(
        _CURRENT_CODE_LABEL,
        widget=GovTextInput(),
        validators=[Required(_CURRENT_CODE_MISSING), Length(max=50)],
    )
    password = PasswordField(
        "Your password",
        widget=GovPasswordInput(),
        validators=[Required("Enter your password"), Length(max=1000)],
    )
    submit = SubmitField("Confirm the new app", widget=GovSubmitInput())


class ActionForm(WebForm):
    """Confirms one workflow action that needs at most a reason (the others have pages)."""

    version = HiddenField()
    reason = TextAreaField(
        "Note",
        widget=GovTextArea(),
        validators=[Optional(), Length(max=10000, message="Must be 10,000 characters or fewer")],
    )
    submit = SubmitField("Confirm", widget=GovSubmitInput())

    def shape_for(self, action: Action) -> None:
        if action.reason is Reason.NONE:
            del self.reason
        else:
            optional = "" if action.reason is Reason.REQUIRED else " (optional)"
            self.reason.label.text = action.reason_label + optional
        self.submit.label.text = action.label

    @property
    def expected_version(self) -> int | None:
        return int_or_none(self.version.data)


class CaseFilterForm(WebForm):
    class Meta:
        csrf = False  # a search changes nothing (a posted one carries the app's CSRF token)

    q = StringField(
        "Child's name or police reference",
        widget=RememberedTextInput(),
        validators=[Optional(), Length(max=100, message="Search must be 100 characters or fewer")],
    )
    status = SelectMultipleField(
        "Status",
        choices=ReferralStatus.choices(),
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    gravity = SelectMultipleField(
        "Gravity score",
        choices=[(str(n), str(n)) for n in range(1, 6)],
        validate_choice=False,
        widget=GovCheckboxesInput(),
    )
    received_from = GovDateField("Received on or after")
    received_to = GovDateField("Received on or before")
    service = SelectField("Service", validate_choice=False, widget=GovSelect())
    submit = SubmitField("Apply filters", widget=GovSubmitInput())

    # What a search is made of (and all a page link keeps of it).
    FILTERS = frozenset({"q", "status", "gravity", "received_from", "received_to", "service"})
