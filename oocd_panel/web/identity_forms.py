"""Forms for a service's identity provider settings. They parse what was typed; the rules
live in services.identity_providers."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms.fields import HiddenField, PasswordField, StringField, SubmitField

from oocd_panel.web.form_fields import WebForm


class ProviderForm(WebForm):
    # The version of the settings the page showed (services.identity_providers.version).
    seen = HiddenField()
    organisation = StringField(
        "Organisation's name",
        widget=GovTextInput(),
        description="On the sign-in page's button: 'Sign in with' and this name.",
    )
    issuer = StringField(
        "Issuer URL",
        widget=GovTextInput(),
        description=(
            "Exactly as your identity provider gives it (its discovery document's 'issuer'), "
            "including any slash at the end. It must start with https://."
        ),
    )
    client_id = StringField("Client ID", widget=GovTextInput())
    client_secret = PasswordField("Client secret", widget=GovPasswordInput())
    submit = SubmitField("Save sign-in settings", widget=GovSubmitInput())


class RemoveProviderForm(WebForm):
    seen = HiddenField()
