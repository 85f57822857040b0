"""Template filters and globals: dates, statuses, labels from the catalogues."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask_login import current_user

from oocd_panel.catalogue import disposals, ethnicity, interventions, offences
from oocd_panel.letters import pictures
from oocd_panel.letters.render import letter_date
from oocd_panel.models import Referral, ReferralEvent, ReferralStatus
from oocd_panel.plumbing.clock import LONDON, local_today
from oocd_panel.rules.timeliness import assessment_due
from oocd_panel.services.assessments import display_value
from oocd_panel.web.components import govuk_tag
from oocd_panel.workflow import ACTIONS_BY_TRIGGER

# GOV.UK tag colours for each status.
_STATUS_COLOURS = {
    ReferralStatus.REFERRED: "blue",
    ReferralStatus.ASSESSING: "light-blue",
    ReferralStatus.AWAITING_SIGN_OFF: "yellow",
    ReferralStatus.READY_FOR_PANEL: "turquoise",
    ReferralStatus.AT_PANEL: "purple",
    ReferralStatus.ESCALATED: "red",
    ReferralStatus.DECIDED: "green",
    ReferralStatus.OUTCOME_DELIVERED: "green",
    ReferralStatus.INTERVENTION: "teal",
    ReferralStatus.NOTIFIED: "orange",
    ReferralStatus.SUPPORT_OFFERED: "orange",
    ReferralStatus.RETURNED_TO_POLICE: "pink",
    ReferralStatus.CLOSED: "grey",
}


def govuk_date(value: dt.date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def govuk_datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    hour = local.strftime("%I").lstrip("0")
    return f"{local.day} {local:%B %Y} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace(
        "PM", "pm"
    )


def status_tag(status: ReferralStatus) -> dict[str, Any]:
    return {"text": status.label, "classes": f"govuk-tag--{_STATUS_COLOURS[status]}"}


def due_tag(referral: Referral) -> dict[str, Any] | None:
    """A GOV.UK tag saying when the assessment is due, or how overdue it is."""
    due = assessment_due(referral, local_today())
    if due is None:
        return None
    if due.overdue:
        days = f"{due.days_overdue} day{'' if due.days_overdue == 1 else 's'}"
        return {"text": f"Overdue by {days}", "classes": "govuk-tag--red"}
    return {"text": f"Due {govuk_date(due.on)}", "classes": "govuk-tag--grey"}


def disposal_name(code: str | None) -> str:
    found = disposals.find(code)
    return found.name if found else ""


def gravity_default_name(score: int) -> str:
    default = disposals.gravity_default(score)
    return default.name if default else "None"


def intervention_name(code: str) -> str:
    try:
        return interventions.get(code).name
    except KeyError:
        return code


def event_label(trigger: str) -> str:
    if trigger == "refer":
        return "Referral received"
    if trigger == "notify":
        return "Police outcome notified"
    action = ACTIONS_BY_TRIGGER.get(trigger)
    return action.label if action else trigger.replace("_", " ").capitalize()


def event_reason(event: ReferralEvent) -> str | None:
    """The reason written with a step of the case, if the signed-in user may read it (a police
    officer never reads an assessment's notes, review comment or return directions)."""
    action = ACTIONS_BY_TRIGGER.get(event.trigger)
    if action is not None and not action.reason_readable_by(current_user.roles):
        return None
    return event.reason


def init_app(app: Flask) -> None:
    app.add_template_filter(govuk_date)
    app.add_template_filter(letter_date)
    app.add_template_filter(pictures.picture_for, "letter_picture")
    app.jinja_env.globals["letter_pictures_credit"] = pictures.ATTRIBUTION
    app.add_template_filter(govuk_datetime)
    app.add_template_filter(disposal_name)
    app.add_template_filter(event_label)
    app.add_template_filter(event_reason)
    app.add_template_filter(intervention_name)
    app.add_template_filter(gravity_default_name)
    app.add_template_filter(offences.label, "offence_label")
    app.add_template_filter(lambda code: ethnicity.get(code).full_label, "ethnicity_label")
    app.add_template_global(status_tag)
    app.add_template_global(due_tag)
    app.add_template_global(govuk_tag)
    app.add_template_global(display_value, "display_answer")
