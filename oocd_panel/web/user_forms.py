"""The administrator's form for a new user. It parses what was typed; the rules live in
services (accounts.create_user, user_admin)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms.fields import PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length

from oocd_panel.models import Agency, Role
from oocd_panel.services.accounts import MIN_PASSWORD_LENGTH
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
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[Length(max=1000, message="Password must be 1,000 characters or fewer")],
        description=f"At least {MIN_PASSWORD_LENGTH} characters: three or more unrelated words "
        "work well. Give it to them in person or by phone, never in the same email as their "
        "address.",
    )
    submit = SubmitField("Create the user", widget=GovSubmitInput())
