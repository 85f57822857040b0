"""The administrator registers a police system (making a mistake first), sees its secret once,
the system calls the API with it, and the administrator revokes it; the API's reference page
renders offline within its Content Security Policy. axe checks every page of the product."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from tests.browser.conftest import LiveServer, assert_accessible, click_through, sign_in


def _lookup(live: LiveServer, secret: str) -> tuple[int, str]:
    """What a police system gets when it looks a case up: the status and the content type."""
    request = urllib.request.Request(  # noqa: S310 (the live server, on loopback)
        f"{live.url}/api/v1/referrals?police_reference=NB%2F1%2F26",
        headers={"Authorization": f"Bearer {secret}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
            json.load(answer)
            return int(answer.status), answer.headers["Content-Type"]
    except urllib.error.HTTPError as refused:
        return int(refused.code), refused.headers["Content-Type"]


def test_an_admin_registers_a_police_system_and_sees_its_secret_once(
    live: LiveServer, page: Any
) -> None:
    sign_in(page, live, "admin@example.org")
    click_through(page, "a.govuk-service-navigation__link:has-text('Settings')")
    click_through(page, "a:has-text('police systems') >> nth=0")
    assert page.locator("h1").inner_text() == "Police systems"
    assert_accessible(page)
    click_through(page, "a:has-text('Register a police system')")
    assert_accessible(page)
    page.fill("#name", "Journey RMS")
    page.fill("#police_force", "Northbrook Police")
    click_through(page, "button:has-text('Register the police system')")
    assert (
        "Select at least one thing the system may do"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.check("input[name='scopes'][value='outcomes:read']")
    click_through(page, "button:has-text('Register the police system')")
    assert page.locator("h1").inner_text() == "The secret of Journey RMS"
    assert "This is the only time the secret is shown" in page.locator("main").inner_text()
    assert_accessible(page)
    secret = page.locator("#api-client-secret").inner_text().strip()
    assert secret.startswith("oocd_")
    assert _lookup(live, secret) == (200, "application/json")

    click_through(page, "a:has-text('Back to police systems')")
    row = page.locator("tr", has_text="Journey RMS")
    assert secret not in page.content()
    assert secret[:12] in row.inner_text()
    assert_accessible(page)
    click_through(page, "tr:has-text('Journey RMS') button:has-text('Revoke')")
    assert "Journey RMS (Northbrook Police) is revoked" in page.locator("main").inner_text()
    assert "Revoked" in page.locator("tr", has_text="Journey RMS").inner_text()
    assert _lookup(live, secret) == (401, "application/problem+json")


def test_the_api_reference_page_renders_offline(live: LiveServer, page: Any) -> None:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    # ReDoc asks for one picture from elsewhere (its logo): the policy refuses it, so
    # nothing reaches anywhere but the product.
    outside: list[str] = []
    page.on(
        "response",
        lambda r: outside.append(r.url) if not r.url.startswith(live.url) else None,
    )
    page.goto(f"{live.url}/api/v1/docs")
    page.wait_for_selector("h2:has-text('Submit a referral or a notification')", timeout=20_000)
    assert "Find cases by police reference" in page.locator("body").inner_text()
    assert not [m for m in refused if "Content Security Policy" in m and "script" in m]
    assert outside == []
