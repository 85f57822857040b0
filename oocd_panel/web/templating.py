"""The Jinja environment: Flask's, with a quicker attribute lookup on plain dicts."""

from __future__ import annotations

from collections import ChainMap
from collections.abc import KeysView, MutableMapping
from typing import Any

from flask.templating import Environment as FlaskEnvironment

# A plain dict's attributes are its methods; any other name Jinja looks up as an item.
_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Globals(ChainMap[str, Any]):
    """A template's globals over the environment's (as Jinja's ChainMap), whose keys are read
    at once: each macro that imports another (most GOV.UK macros import `govukAttributes`)
    subtracts them from the caller's, which on a ChainMap is a lookup through every map per
    name, tens of times a page."""

    def keys(self) -> KeysView[str]:
        merged: dict[str, None] = {}
        for mapping in reversed(self.maps):
            merged.update(dict.fromkeys(mapping))
        return merged.keys()


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

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return _Globals({} if d is None else d, self.globals)
