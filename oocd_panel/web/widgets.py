"""GOV.UK form widgets whose rendered HTML is remembered.

govuk-frontend-wtf renders every field through the GOV.UK Jinja macros, which is most of the cost
of a page with filters (a status checkbox list alone costs more than the database work of the
case list). A choice widget's HTML depends only on its parameters (the choices, which are
checked, the label, hint and error), so the same parameters give the same HTML: it is kept in a
small bounded cache per worker. Only widgets whose values come from fixed choices are cached
(never free text a user typed: a date's boxes only while they hold digits, and a text box with a
stand-in for what was typed), and the cache holds at most `SIZE` fields' HTML.
"""

from __future__ import annotations

import json
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput as _Checkboxes,
)
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput as _Checkbox,
)
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput as _Date,
)
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput as _Radios,
)
from govuk_frontend_wtf.wtforms_widgets import (
    GovSelect as _Select,
)
from govuk_frontend_wtf.wtforms_widgets import (
    GovTextInput as _Text,
)
from markupsafe import Markup, escape

from oocd_panel.web.rendered_cache import RenderedCache

SIZE = 2048
_cache: RenderedCache[tuple[str, str]] = RenderedCache()


def plain_key(params: Any) -> str | None:
    """The parameters as a stable string, or None if they hold anything but plain data (Markup
    included: the same text as Markup or as a string renders differently)."""

    def plain(value: Any) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list | tuple):
            return all(plain(v) for v in value)
        return value is None or type(value) in (str, int, float, bool)

    if not plain(params):
        return None
    return json.dumps(params, sort_keys=True, separators=(",", ":"))


class _Remembered:
    template: str

    def remembered(self, params: Any) -> bool:
        return True

    def render(self, params: Any) -> Markup:
        key = plain_key(params) if self.remembered(params) else None
        if key is None:
            return super().render(params)  # type: ignore[misc, no-any-return]
        parent = super().render  # type: ignore[misc]
        return _cache.get_or_make((self.template, key), lambda: parent(params), SIZE)


class GovCheckboxesInput(_Remembered, _Checkboxes):
    pass


class GovCheckboxInput(_Remembered, _Checkbox):
    pass


class GovRadioInput(_Remembered, _Radios):
    pass


class GovSelect(_Remembered, _Select):
    pass


class GovDateInput(_Remembered, _Date):
    """Remembered only while the boxes hold digits (what a date is), never other typing."""

    def remembered(self, params: Any) -> bool:
        items = params.get("items") or [] if isinstance(params, dict) else []
        return all(
            str(item.get("value") or "").isdigit() or not item.get("value") for item in items
        )


# Stands in for typed text in a remembered text box: letters and digits only, so that escaping
# leaves it as it is.
STAND_IN = "oocdTypedText7f3a9c"


class GovTextInput(_Remembered, _Text):
    """A text box is remembered with `STAND_IN` for what was typed, which is put in its place
    afterwards, escaped as the macro escapes it: the cache never holds typed text."""

    def render(self, params: Any) -> Markup:
        value = params.get("value") if isinstance(params, dict) else None
        if not value:
            return super().render(params)  # nothing typed
        if not isinstance(value, str) or STAND_IN in value:
            return _Text.render(self, params)  # type: ignore[no-any-return]
        html = super().render({**params, "value": STAND_IN})
        if html.count(STAND_IN) != 1:
            return _Text.render(self, params)  # type: ignore[no-any-return]
        return html.replace(STAND_IN, escape(value))


def cached_fields() -> int:
    return len(_cache)
