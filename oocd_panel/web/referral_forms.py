"""The new-referral form. It only parses what was typed: the rules live in referral_rules."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import Form
from wtforms.fields import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)

from oocd_panel.catalogue import disposals, offences
from oocd_panel.catalogue import ethnicity as ethnicity_codes
from oocd_panel.models import (
    Admission,
    CareExperience,
    RestorativeWish,
    Route,
    SendStatus,
    Sex,
    YesNoUnknown,
)
from oocd_panel.plumbing.text_input import clean_text
from oocd_panel.rules.referral_rules import (
    ChildDetails,
    ContactDetails,
    NewReferral,
    OffenceDetails,
)
from oocd_panel.web.form_fields import GovDateField, WebForm, int_or_none
from oocd_panel.web.widgets import GovCheckboxInput, GovRadioInput, GovSelect

MAX_OFFENCES = 6


def _radio(label: str, choices: list[tuple[str, str]], **kw: Any) -> RadioField:
    return RadioField(label, choices=choices, validate_choice=False, widget=GovRadioInput(), **kw)


def _select(label: str, choices: list[tuple[str, str]], blank: str, **kw: Any) -> SelectField:
    return SelectField(
        label, choices=[("", blank), *choices], validate_choice=False, widget=GovSelect(), **kw
    )


class OffenceForm(Form):
    offence_type = _select("Type of offence", offences.choices(), "Select the type")
    description = TextAreaField(
        "What happened",
        widget=GovTextArea(),
        description="In a sentence or two, as the police describe it.",
    )
    gravity_score = RadioField(
        "Gravity score",
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int_or_none,
        validate_choice=False,
        widget=GovRadioInput(),
        description="From the NPCC Child Gravity Matrix: 1 (least serious) to 5.",
    )


def child_details_from(form: Form) -> ChildDetails:
    """The child's details as typed in a form with the new referral's child fields (the new
    referral itself, or the correction of a child's details)."""

    def text(name: str) -> str:
        value = form._fields[name].data
        return clean_text(value) if isinstance(value, str) else ""

    return ChildDetails(
        first_name=text("first_name"),
        last_name=text("last_name"),
        preferred_name=text("preferred_name") or None,
        date_of_birth=form._fields["date_of_birth"].data,
        address_line_1=text("address_line_1"),
        address_line_2=text("address_line_2") or None,
        town=text("town"),
        postcode=text("postcode"),
        sex=text("sex"),
        ethnicity=text("ethnicity") or None,
        police_ethnicity_code=text("police_ethnicity_code") or None,
        care_experience=text("care_experience"),
        send=text("send"),
        neurodivergent=text("neurodivergent"),
        neurodiversity_details=text("neurodiversity_details") or None,
        first_language=text("first_language") or "English",
        needs_interpreter=bool(form._fields["needs_interpreter"].data),
        interpreter_language=text("interpreter_language") or None,
        needs_easy_read=bool(form._fields["needs_easy_read"].data),
        communication_needs=text("communication_needs") or None,
    )


class ReferralForm(WebForm):
    service_id = _select("Service", [], "Select the service")
    route = _radio("What are you entering?", Route.choices(), default=Route.PANEL.value)
    police_outcome = _select(
        "Outcome the police gave",
        disposals.choices(disposals.police_alone()),
        "Select the outcome",
        description="Only for a notification of an outcome the police gave alone.",
    )

    # The child (left out when the child is already known to the service).
    first_name = StringField("First name", widget=GovTextInput())
    last_name = StringField("Last name", widget=GovTextInput())
    preferred_name = StringField("Name they like to be called (optional)", widget=GovTextInput())
    date_of_birth = GovDateField("Date of birth", description="For example, 27 3 2011")
    sex = _radio("Sex", Sex.choices())
    ethnicity = _select(
        "Ethnicity (as the child describes it)",
        ethnicity_codes.choices(),
        "Select ethnicity",
        description="Census 2021 categories. Choose 'Not stated' if the child did not say.",
    )
    police_ethnicity_code = _select(
        "Police self-defined ethnicity code (optional)",
        ethnicity_codes.police_choices(),
        "No police code",
        description="If the referral only gives a 16+1 code, select it and leave ethnicity blank.",
    )
    care_experience = _radio("Care experience", CareExperience.choices())
    send = _radio("Special educational needs and disabilities (SEND)", SendStatus.choices())
    neurodivergent = _radio("Is the child neurodivergent?", YesNoUnknown.choices())
    neurodiversity_details = TextAreaField(
        "Neurodiversity details (optional)",
        widget=GovTextArea(),
        description="For example a diagnosis of ADHD or autism, or an assessment under way.",
    )
    first_language = StringField("First language", widget=GovTextInput(), default="English")
    needs_interpreter = BooleanField("The child needs an interpreter", widget=GovCheckboxInput())
    interpreter_language = StringField("Language for the interpreter", widget=GovTextInput())
    needs_easy_read = BooleanField("Letters should be in Easy Read", widget=GovCheckboxInput())
    communication_needs = TextAreaField(
        "Speech, language and communication needs (optional)",
        widget=GovTextArea(),
    )
    address_line_1 = StringField("Address line 1", widget=GovTextInput())
    address_line_2 = StringField("Address line 2 (optional)", widget=GovTextInput())
    town = StringField("Town or city", widget=GovTextInput())
    postcode = StringField("Postcode", widget=GovTextInput())

    contact_name = StringField("Full name", widget=GovTextInput())
    contact_relationship = StringField(
        "Relationship to the child",
        widget=GovTextInput(),
        description="For example mother, father, foster carer, grandparent.",
    )
    contact_phone = StringField("Phone (optional)", widget=GovTextInput())
    contact_email = EmailField("Email (optional)", widget=GovTextInput())
    contact_address = TextAreaField(
        "Address, if different from the child's (optional)",
        widget=GovTextArea(),
    )
    contact_parental_responsibility = BooleanField(
        "Has parental responsibility", widget=GovCheckboxInput(), default=True
    )
    contact_receives_letters = BooleanField(
        "Send letters about the case to this person", widget=GovCheckboxInput(), default=True
    )

    # The referral.
    police_reference = StringField(
        "Police reference (crime number)",
        widget=GovTextInput(),
    )
    offence_date = GovDateField("Date of the offence", description="For example, 14 9 2026")
    received_on = GovDateField("Date the referral was received")
    admission = _radio("Does the child admit the offence?", Admission.choices())
    officer_name = StringField("Referring officer", widget=GovTextInput())
    officer_email = EmailField("Officer's email (optional)", widget=GovTextInput())
    proposed_outcome = _select(
        "Outcome the officer proposes", disposals.choices(), "Select an outcome"
    )
    offences = FieldList(FormField(OffenceForm), min_entries=1, max_entries=MAX_OFFENCES)
    add_offence = SubmitField("Add another offence", widget=GovSubmitInput())

    victim_details = TextAreaField(
        "Victim details (optional)",
        widget=GovTextArea(),
        description="Who was harmed, and anything the panel must know to keep them safe.",
    )
    victim_views = TextAreaField("The victim's views (optional)", widget=GovTextArea())
    victim_restorative_wish = _radio(
        "Restorative justice", RestorativeWish.choices(), default=RestorativeWish.NOT_ASKED.value
    )
    submit = SubmitField("Save referral", widget=GovSubmitInput())

    CHILD_FIELDS = [
        "first_name",
        "last_name",
        "preferred_name",
        "date_of_birth",
        "sex",
        "ethnicity",
        "police_ethnicity_code",
        "care_experience",
        "send",
        "neurodivergent",
        "neurodiversity_details",
        "first_language",
        "needs_interpreter",
        "interpreter_language",
        "needs_easy_read",
        "communication_needs",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "contact_name",
        "contact_relationship",
        "contact_phone",
        "contact_email",
        "contact_address",
        "contact_parental_responsibility",
        "contact_receives_letters",
    ]

    def for_known_child(self) -> None:
        """Drop the child's details: the referral is for a child the service already knows."""
        for name in self.CHILD_FIELDS:
            delattr(self, name)

    @property
    def has_child_fields(self) -> bool:
        return "first_name" in self._fields

    def _offences(self) -> list[OffenceDetails]:
        """The offences entered; an added offence left completely blank is ignored."""
        offences = []
        for i, entry in enumerate(self.offences.entries):
            details = OffenceDetails(
                offence_type=clean_text(entry.form.offence_type.data),
                description=clean_text(entry.form.description.data),
                gravity_score=entry.form.gravity_score.data,
            )
            blank = not (details.offence_type or details.description or details.gravity_score)
            if i == 0 or not blank:
                offences.append(details)
        return offences

    def to_new_referral(self, service_id: int, existing_child_id: int | None) -> NewReferral:
        def text(name: str) -> str:
            value = self._fields[name].data
            return clean_text(value) if isinstance(value, str) else ""

        child = contact = None
        if self.has_child_fields:
            child = child_details_from(self)
            contact = ContactDetails(
                full_name=text("contact_name"),
                relationship_to_child=text("contact_relationship"),
                phone=text("contact_phone") or None,
                email=text("contact_email") or None,
                address=text("contact_address") or None,
                has_parental_responsibility=bool(
                    self._fields["contact_parental_responsibility"].data
                ),
                receives_letters=bool(self._fields["contact_receives_letters"].data),
            )
        route_value = text("route")
        return NewReferral(
            service_id=service_id,
            route=Route(route_value) if route_value in {r.value for r in Route} else None,
            police_reference=text("police_reference"),
            offence_date=self.offence_date.data,
            received_on=self.received_on.data,
            admission=text("admission"),
            officer_name=text("officer_name"),
            officer_email=text("officer_email") or None,
            proposed_outcome=text("proposed_outcome"),
            police_outcome=text("police_outcome") or None,
            victim_details=text("victim_details") or None,
            victim_views=text("victim_views") or None,
            victim_restorative_wish=text("victim_restorative_wish") or "not_asked",
            offences=self._offences(),
            child=child,
            contact=contact,
            existing_child_id=existing_child_id,
        )
