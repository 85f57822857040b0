"""Helpers for web tests: signing in through the real sign-in page, reading pages."""

from __future__ import annotations

import re
from html import unescape

from flask.testing import FlaskClient
from sqlalchemy import inspect
from werkzeug.test import TestResponse

from oocd_panel.models import User
from tests.factories import PASSWORD, next_code


def sign_in(client: FlaskClient, user: User, password: str = PASSWORD) -> TestResponse:
    """Sign in through the real pages: the password, then (if set up) a code from the app."""
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if response.headers["Location"] == "/sign-in/code":
        session = inspect(user).session
        assert session is not None
        response = client.post("/sign-in/code", data={"code": next_code(session, user)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def error_summary(response: TestResponse) -> list[tuple[str, str]]:
    """(link target, message) for each item of the GOV.UK error summary on the page."""
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    if summary is None:
        return []
    items = re.findall(
        r'<li>\s*(?:<a href="([^"]*)">)?\s*(.*?)\s*(?:</a>)?\s*</li>', summary.group(0), re.S
    )
    return [(href, unescape(re.sub(r"<[^>]+>", "", text)).strip()) for href, text in items]


def text_of(response: TestResponse) -> str:
    """The page's visible text, tags stripped and whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def link_on(response: TestResponse) -> str:
    """The path of the set-up link shown on an administrator's page."""
    found = re.search(r'id="set-up-link">\s*http://[^/]+(/set-up-password/[^<\s]+)', response.text)
    assert found is not None, "no set-up link on the page"
    return found.group(1)
