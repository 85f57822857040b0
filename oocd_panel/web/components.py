"""GOV.UK components whose HTML is remembered, for the ones a page repeats many times.

Calling a GOV.UK Jinja macro is costly next to what it prints (each call imports the
attributes macro again, and walks the template globals to do it): the case tables of "My work"
call `govukTag` twice a row, which cost more than the page's database work. A tag's HTML
depends only on its parameters, which here come from fixed labels and dates (never text a user
typed), so it is rendered once by the real macro and kept in a small bounded cache per worker.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from flask import current_app
from markupsafe import Markup

from oocd_panel.web.rendered_cache import RenderedCache
from oocd_panel.web.widgets import plain_key

SIZE = 512
_TAG = ("govuk_frontend_jinja/components/tag/macro.html", "govukTag")
_cache: RenderedCache[tuple[str, str, Hashable]] = RenderedCache()


def _macro(template: str, name: str, params: Any) -> Markup:
    module = current_app.jinja_env.get_template(template).module
    html = getattr(module, name)(params)
    assert isinstance(html, Markup), "the macro's template is autoescaped"
    return html


def _key(params: Any) -> Hashable | None:
    """The parameters as a key: a tag's few strings as they are, anything else as plain data
    (or None: not remembered)."""
    if type(params) is dict and all(type(v) is str for v in params.values()):
        return tuple(sorted(params.items()))
    return plain_key(params)


def _remembered(template: str, name: str, params: Any) -> Markup:
    key = _key(params)
    if key is None:
        return _macro(template, name, params)
    return _cache.get_or_make((template, name, key), lambda: _macro(template, name, params), SIZE)


def govuk_tag(params: dict[str, Any]) -> Markup:
    """What `govukTag(params)` prints, remembered."""
    return _remembered(*_TAG, params)


def cached_components() -> int:
    return len(_cache)
