"""The app's Jinja environment looks up a dict's attributes as Jinja does, only quicker."""

from __future__ import annotations

import jinja2
import pytest
from flask import Flask

from oocd_panel.web.templating import Environment

EXPRESSIONS = [
    "{{ params.rows }}",
    "{{ params.text | default('none') }}",
    "{{ params.missing is defined }}",
    "{{ params.missing.deeper is defined }}",
    "{{ params['items'] }}",
    "{{ params.items() | list }}",
    "{{ params.get('rows') }}",
    "{{ params.nested.text }}",
    "{{ params.keys | string | truncate(20) }}",
    "{% if params.classes %}{{ params.classes }}{% else %}no classes{% endif %}",
    "{{ params.rows.__class__.__name__ }}",
    "{{ obj.name }} {{ obj.absent is defined }}",
]


class Thing:
    name = "thing"


def _outcome(env: jinja2.Environment, source: str) -> str:
    params = {"rows": [1, 2], "items": ["a"], "nested": {"text": "hi"}, "keys": "k"}
    try:
        return env.from_string(source).render(params=params, obj=Thing())
    except jinja2.UndefinedError as exc:
        return f"error: {exc}"


@pytest.mark.parametrize("source", EXPRESSIONS)
def test_lookups_give_what_plain_jinja_gives(app: Flask, source: str) -> None:
    plain = jinja2.Environment(autoescape=True)
    assert _outcome(Environment(app, autoescape=True), source) == _outcome(plain, source)


def test_the_app_renders_with_it(app: Flask) -> None:
    assert isinstance(app.jinja_env, Environment)


def test_template_globals_are_the_environments_under_the_templates(app: Flask) -> None:
    env = Environment(app)
    env.globals["shared"] = "env"
    template = env.from_string("{{ shared }} {{ own }}", globals={"own": "template"})
    assert set(template.globals.keys()) == set(env.globals) | {"own"}
    assert template.render() == "env template"
    env.globals["later"] = "seen"  # a global added later is still seen, as with Jinja's
    assert "later" in set(template.globals.keys())
    imported = env.from_string(
        '{% macro m() %}{% from "x" import y %}{% endmacro %}{{ own }}{{ shared }}'
    )
    assert imported.render(own="a") == "aenv"
