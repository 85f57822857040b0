"""The family feedback page's form: the three questions of catalogue/feedback.py, and nothing
typed (free text could hold a name)."""

from __future__ import annotations

from typing import Any

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import RadioField, SubmitField

from oocd_panel.catalogue.feedback import QUESTIONS
from oocd_panel.web.form_fields import WebForm
from oocd_panel.web.widgets import GovRadioInput


class _Answers(WebForm):
    def answers(self) -> dict[str, str | None]:
        return {q.key: self[q.key].data or None for q in QUESTIONS}


def _fields() -> dict[str, Any]:
    fields: dict[str, Any] = {
        q.key: RadioField(
            q.text,
            choices=list(q.answers),
            # services.feedback says what is wrong, in the page's words.
            validate_choice=False,
            widget=GovRadioInput(),
        )
        for q in QUESTIONS
    }
    fields["submit"] = SubmitField("Send your answers", widget=GovSubmitInput())
    return fields


FeedbackForm: type[_Answers] = type("FeedbackForm", (_Answers,), _fields())
