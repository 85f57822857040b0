"""The administrator's forms for a new user and for editing one. They parse what was typed; the
rules live in services (accounts.user_problems, user_admin)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms.fields import SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length

from oocd_panel.models import Agency, Role
from oocd_panel.web.form_fields import WebForm


class NewUserForm(WebForm):
    full_name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Full name must be 200 characters or fewer")],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[Length(max=254, message="Email address must be 254 characters or fewer")],
        description="They get a set-up link to choose their own password.",
    )
    roles = SelectMultipleField(
        "Roles",
        choices=Role.choices(),
        validate_choice=False,
        widget=GovCheckboxesInput(),
        description="Administrators and managers must set up two-factor sign-in when they "
        "first sign in.",
    )
    agency = SelectField(
        "Agency",
        choices=[("", "None"), *Agency.choices()],
        validate_choice=False,
        widget=GovSelect(),
        description="The agency a panel member or police officer represents. Required for "
        "panel members.",
    )
    services = SelectMultipleField(
        "Services", choices=[], validate_choice=False, widget=GovCheckboxesInput()
    )
    submit = SubmitField("Create the user", widget=GovSubmitInput())


class EditUserForm(NewUserForm):
    """The same details but the email address (which identifies the person)."""

    email = None
    submit = SubmitField("Save the changes", widget=GovSubmitInput())
