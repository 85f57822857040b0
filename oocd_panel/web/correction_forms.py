"""The forms that correct a child's details, a parent's or carer's, and a referral's facts. The
fields are the new-referral form's own (one label, one widget, one parse for each); the rules
live in services.corrections and rules.referral_rules."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms.fields import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)

from oocd_panel.models import Child, Contact, CorrectionReason
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.rules.referral_rules import ChildDetails, ContactDetails, OffenceDetails
from oocd_panel.services.corrections import ContactLanguage, ReferralFacts, Why
from oocd_panel.web.form_fields import WebForm
from oocd_panel.web.referral_forms import (
    MAX_OFFENCES,
    OffenceForm,
    ReferralForm,
    child_details_from,
)
from oocd_panel.web.widgets import GovCheckboxInput, GovRadioInput


def _text(form: WebForm, name: str) -> str:
    value = form._fields[name].data
    return clean_text(value) if isinstance(value, str) else ""


class _WhyForm(WebForm):
    version = HiddenField()
    reason = RadioField(
        "Why are you correcting this?",
        choices=CorrectionReason.choices(),
        validate_choice=False,
        widget=GovRadioInput(),
    )
    note = TextAreaField(
        "More about why (optional)",
        widget=GovTextArea(),
        description="For example where the right value comes from. It is kept with the history.",
    )
    submit = SubmitField("Save the correction", widget=GovSubmitInput())

    def why(self) -> Why:
        return Why(_text(self, "reason") or None, _text(self, "note") or None)


class ChildCorrectionForm(_WhyForm):
    first_name = ReferralForm.first_name
    last_name = ReferralForm.last_name
    preferred_name = ReferralForm.preferred_name
    date_of_birth = ReferralForm.date_of_birth
    sex = ReferralForm.sex
    ethnicity = ReferralForm.ethnicity
    police_ethnicity_code = ReferralForm.police_ethnicity_code
    care_experience = ReferralForm.care_experience
    send = ReferralForm.send
    neurodivergent = ReferralForm.neurodivergent
    neurodiversity_details = ReferralForm.neurodiversity_details
    first_language = ReferralForm.first_language
    needs_interpreter = ReferralForm.needs_interpreter
    interpreter_language = ReferralForm.interpreter_language
    needs_easy_read = ReferralForm.needs_easy_read
    communication_needs = ReferralForm.communication_needs
    address_line_1 = ReferralForm.address_line_1
    address_line_2 = ReferralForm.address_line_2
    town = ReferralForm.town
    postcode = ReferralForm.postcode

    def fill(self, child: Child) -> None:
        for name in ChildDetails.__dataclass_fields__:
            value = getattr(child, name)
            self._fields[name].data = getattr(value, "value", value)

    def details(self) -> ChildDetails:
        return child_details_from(self)


# The contact's fields are named as the new-referral form names them (contact_...), so the
# rules' messages land on them.
_CONTACT_ATTRIBUTES = {
    "contact_name": "full_name",
    "contact_relationship": "relationship_to_child",
    "contact_phone": "phone",
    "contact_email": "email",
    "contact_address": "address",
    "contact_parental_responsibility": "has_parental_responsibility",
    "contact_receives_letters": "receives_letters",
    "first_language": "first_language",
    "needs_interpreter": "needs_interpreter",
    "needs_easy_read": "needs_easy_read",
}


class ContactCorrectionForm(_WhyForm):
    contact_name = ReferralForm.contact_name
    contact_relationship = ReferralForm.contact_relationship
    contact_phone = ReferralForm.contact_phone
    contact_email = ReferralForm.contact_email
    contact_address = ReferralForm.contact_address
    contact_parental_responsibility = ReferralForm.contact_parental_responsibility
    contact_receives_letters = ReferralForm.contact_receives_letters
    first_language = StringField("First language", widget=GovTextInput(), default="English")
    needs_interpreter = BooleanField("Needs an interpreter", widget=GovCheckboxInput())
    needs_easy_read = BooleanField("Letters should be in Easy Read", widget=GovCheckboxInput())

    def fill(self, contact: Contact) -> None:
        for name, attribute in _CONTACT_ATTRIBUTES.items():
            self._fields[name].data = getattr(contact, attribute)

    def details(self) -> tuple[ContactDetails, ContactLanguage]:
        return (
            ContactDetails(
                full_name=_text(self, "contact_name"),
                relationship_to_child=_text(self, "contact_relationship"),
                phone=_text(self, "contact_phone") or None,
                email=_text(self, "contact_email") or None,
                address=_text(self, "contact_address") or None,
                has_parental_responsibility=bool(self.contact_parental_responsibility.data),
                receives_letters=bool(self.contact_receives_letters.data),
            ),
            ContactLanguage(
                first_language=_text(self, "first_language") or "English",
                needs_interpreter=bool(self.needs_interpreter.data),
                needs_easy_read=bool(self.needs_easy_read.data),
            ),
        )


class CorrectedOffenceForm(OffenceForm):
    remove = BooleanField(
        "Take this offence off the referral (it was recorded in error)", widget=GovCheckboxInput()
    )


class ReferralCorrectionForm(_WhyForm):
    police_reference = ReferralForm.police_reference
    offence_date = ReferralForm.offence_date
    received_on = ReferralForm.received_on
    admission = ReferralForm.admission
    # The offences recorded, and one blank to add an offence left out.
    offences = FieldList(FormField(CorrectedOffenceForm), max_entries=MAX_OFFENCES + 1)

    recorded = HiddenField()  # how many offences the referral had when the page was made

    def fill(self, facts: ReferralFacts) -> None:
        self.recorded.data = str(len(facts.offences))
        self.police_reference.data = facts.police_reference
        self.offence_date.data = facts.offence_date
        self.received_on.data = facts.received_on
        self.admission.data = facts.admission
        for offence in facts.offences:
            self.offences.append_entry(
                {
                    "offence_type": offence.offence_type,
                    "description": offence.description,
                    "gravity_score": offence.gravity_score,
                }
            )
        if len(facts.offences) < MAX_OFFENCES:
            self.offences.append_entry()

    def facts(self) -> ReferralFacts:
        """The facts as corrected; `kept` then says which entry each offence came from."""
        kept: list[OffenceDetails] = []
        self.kept: list[int] = []
        for i, entry in enumerate(self.offences.entries):
            details = OffenceDetails(
                offence_type=clean_text(entry.form.offence_type.data),
                description=clean_text(entry.form.description.data),
                gravity_score=entry.form.gravity_score.data,
            )
            blank = not (details.offence_type or details.description or details.gravity_score)
            if not blank and not entry.form.remove.data:
                kept.append(details)
                self.kept.append(i)
        recorded = int(self.recorded.data) if (self.recorded.data or "").isdigit() else 0
        return ReferralFacts(
            police_reference=_text(self, "police_reference"),
            offence_date=self.offence_date.data,
            received_on=self.received_on.data,
            admission=_text(self, "admission"),
            offences=kept,
            sources=[i if i < recorded else None for i in self.kept],
        )

    def on_entries(self, errors: dict[str, str]) -> dict[str, str]:
        """The rules' messages about offence n, put on the entry it came from."""
        moved = {}
        for key, message in errors.items():
            parts = key.split("-")
            if parts[0] == "offences" and len(parts) == 3 and parts[1].isdigit():
                n = int(parts[1])
                index = self.kept[n] if n < len(self.kept) else 0
                key = f"offences-{index}-{parts[2]}"
            moved[key] = message
        return moved
