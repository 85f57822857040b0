"""Remembered GOV.UK components: what the macro prints, bounded, and only plain parameters."""

from __future__ import annotations

import pytest
from flask import Flask, render_template_string
from markupsafe import Markup

from oocd_panel.models import ReferralStatus
from oocd_panel.web import components
from oocd_panel.web.filters import status_tag

_MACRO = (
    '{% from "govuk_frontend_jinja/components/tag/macro.html" import govukTag %}'
    "{{ govukTag(params) }}"
)


def test_a_remembered_tag_is_what_the_macro_prints(app: Flask) -> None:
    components._cache.clear()
    with app.test_request_context():
        for status in ReferralStatus:
            params = status_tag(status)
            expected = render_template_string(_MACRO, params=params)
            assert components.govuk_tag(params) == expected  # rendered
            assert components.govuk_tag(params) == expected  # remembered
            assert status.label in expected
        assert components.cached_components() == len(ReferralStatus)


def test_markup_in_the_parameters_is_never_remembered(app: Flask) -> None:
    components._cache.clear()
    with app.test_request_context():
        html = components.govuk_tag({"html": Markup("<b>Due</b>")})
    assert "<b>Due</b>" in html
    assert components.cached_components() == 0


def test_the_cache_keeps_only_the_most_recent_components(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(components, "SIZE", 3)
    components._cache.clear()
    with app.test_request_context():
        for days in range(1, 6):
            components.govuk_tag({"text": f"Overdue by {days} days", "classes": "govuk-tag--red"})
    assert components.cached_components() == 3
