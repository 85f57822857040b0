"""The Jinja environment: Flask's, with a quicker attribute lookup on plain dicts."""

from __future__ import annotations

from typing import Any

from flask.templating import Environment as FlaskEnvironment

# A plain dict's attributes are its methods; any other name Jinja looks up as an item.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class Environment(FlaskEnvironment):
    """`params.rows` in the GOV.UK macros is an attribute lookup on a dict: Jinja tries the
    attribute first, which raises (and catches) an AttributeError on every lookup before it
    reads the item, several hundred times a page. For a plain dict this goes to the item
    directly, which is what Jinja would return (the same value, or the same undefined)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)
