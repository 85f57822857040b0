"""Remembered widget HTML: the same page either way, bounded, and never a user's free typing."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient
from govuk_frontend_wtf.wtforms_widgets import GovTextInput as _GovTextInput
from werkzeug.datastructures import MultiDict

from oocd_panel.models import Role
from oocd_panel.web import widgets
from oocd_panel.web.forms import CaseFilterForm
from tests.factories import Factory
from tests.web.helpers import sign_in


def _stable(html: str) -> str:
    """The page without what changes on every request (the CSP nonce, the CSRF token)."""
    return re.sub(r'(nonce|value)="[A-Za-z0-9_\-.]{20,}"', "", html)


def test_a_page_is_the_same_with_the_widgets_remembered_or_not(
    client: FlaskClient, factory: Factory
) -> None:
    factory.referral()
    sign_in(client, factory.cast(Role.PRACTITIONER))
    url = "/cases?status=referred&gravity=3&received_from=1&received_from=2&received_from=2026"
    widgets._cache.clear()
    cold = client.get(url).get_data(as_text=True)
    remembered = widgets.cached_fields()
    assert remembered > 0
    warm = client.get(url).get_data(as_text=True)
    assert widgets.cached_fields() == remembered  # nothing new to remember
    assert _stable(warm) == _stable(cold)
    # Another choice renders afresh, checked as asked.
    other = client.get("/cases?status=assessing").get_data(as_text=True)
    assert re.search(r'value="assessing"\s+checked', other)
    assert not re.search(r'value="referred"\s+checked', other)


def test_free_typing_in_a_date_is_never_remembered(client: FlaskClient, factory: Factory) -> None:
    sign_in(client, factory.cast(Role.PRACTITIONER))
    widgets._cache.clear()
    client.get("/cases?received_from=Jane&received_from=Doe&received_from=2026")
    assert not any("Jane" in key for _, key in widgets._cache)


def test_the_cache_keeps_only_the_most_recent_fields(
    client: FlaskClient, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(widgets, "SIZE", 3)
    sign_in(client, factory.cast(Role.PRACTITIONER))
    widgets._cache.clear()
    for status in ("referred", "assessing", "at_panel", "decided"):
        client.get(f"/cases?status={status}")
    assert widgets.cached_fields() == 3


@pytest.mark.parametrize(
    "typed",
    ["ab12 cd", "O'Brien", 'say "hi"', "<script>x</script>", "Zoë & Łukasz", "a{{ b }}", "  x  "],
)
def test_a_text_box_is_remembered_without_what_was_typed(
    client: FlaskClient, factory: Factory, typed: str
) -> None:
    sign_in(client, factory.cast(Role.PRACTITIONER))
    widgets._cache.clear()
    # A name is searched for by posting (never from the address).
    warm_up = client.post("/cases", data={"q": "first search"}).get_data(as_text=True)
    assert 'value="first search"' in warm_up
    remembered = client.post("/cases", data={"q": typed}, follow_redirects=True).get_data(
        as_text=True
    )
    assert not any(typed in key or typed in html for (_, key), html in widgets._cache.items())
    # The same box as the widget prints without remembering.
    with client.application.test_request_context():
        form = CaseFilterForm(formdata=MultiDict({"q": typed}))
        original = str(_GovTextInput()(form.q))
    box = re.search(r'<input class="govuk-input"[^>]*>', remembered)
    assert box is not None
    assert box.group(0) in original
