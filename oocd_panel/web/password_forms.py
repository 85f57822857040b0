"""Forms for passwords: changing your own, and choosing one through a set-up link. They parse
what was typed; the rules live in services (accounts, set_up_links)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput
from wtforms.fields import PasswordField, SubmitField
from wtforms.validators import Length

from oocd_panel.services.accounts import MIN_PASSWORD_LENGTH
from oocd_panel.web.form_fields import WebForm

_LONGEST = [Length(max=1000, message="Password must be 1,000 characters or fewer")]
RULES = (
    f"At least {MIN_PASSWORD_LENGTH} characters, and not a common or breached password: three "
    "or more unrelated words work well."
)


class ChangePasswordForm(WebForm):
    current_password = PasswordField(
        "Current password", widget=GovPasswordInput(), validators=_LONGEST
    )
    new_password = PasswordField(
        "New password", widget=GovPasswordInput(), validators=_LONGEST, description=RULES
    )
    confirm_password = PasswordField(
        "Type the new password again", widget=GovPasswordInput(), validators=_LONGEST
    )
    submit = SubmitField("Change your password", widget=GovSubmitInput())


class SetPasswordForm(WebForm):
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=_LONGEST, description=RULES
    )
    confirm_password = PasswordField(
        "Type the password again", widget=GovPasswordInput(), validators=_LONGEST
    )
    submit = SubmitField("Set your password", widget=GovSubmitInput())
