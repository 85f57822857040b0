"""The page where a service's administrator sets up its identity provider: the redirect URI
to register, the settings, a client secret that is never shown again, and removing it."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from oocd_panel.models import Role
from oocd_panel.services import identity_providers
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of

SECRET = "a-secret-the-page-never-shows"
FORM = {
    "seen": "0",
    "organisation": "Westvale Council",
    "issuer": "https://login.westvale.example/realms/staff",
    "client_id": "oocd-panel",
    "client_secret": SECRET,
}


def test_an_administrator_sets_up_the_provider_and_never_sees_the_secret_again(
    client: FlaskClient, factory: Factory
) -> None:
    service = factory.service()
    sign_in(client, factory.cast(Role.ADMIN))
    url = f"/admin/services/{service.id}/sign-in"
    assert f'href="{url}"' in client.get(f"/admin/services/{service.id}/settings").get_data(
        as_text=True
    )
    page = client.get(url)
    assert page.status_code == 200
    assert (
        f'<code id="redirect-uri">http://localhost/sign-in/with/{service.slug}/callback</code>'
        in page.get_data(as_text=True)
    )

    saved = client.post(url, data=FORM)
    assert saved.status_code == 302
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert "Sign-in settings saved." in text_of(page)
    assert SECRET not in html
    assert "A client secret is saved" in text_of(page)
    assert 'value="https://login.westvale.example/realms/staff"' in html
    assert "sign_in_client_secret (none) (a new secret)" in text_of(
        client.get(f"/admin/services/{service.id}/settings")
    )
    # Saved again without a secret: the saved one is kept.
    provider = identity_providers.for_service(factory.session, service.id)
    assert provider is not None
    kept = provider.client_secret
    again = client.post(url, data={**FORM, "seen": str(provider.version), "client_secret": ""})
    assert again.status_code == 302
    assert provider.client_secret == kept
    client.post("/sign-out")
    assert "Sign in with Westvale Council" in text_of(client.get("/sign-in"))


def test_mistakes_are_listed_and_nothing_is_saved(client: FlaskClient, factory: Factory) -> None:
    service = factory.service()
    sign_in(client, factory.cast(Role.ADMIN))
    response = client.post(
        f"/admin/services/{service.id}/sign-in",
        data={**FORM, "issuer": "http://login.westvale.example", "client_secret": ""},
    )
    assert response.status_code == 400
    assert error_summary(response) == [
        ("#issuer", "The issuer URL must start with https://"),
        ("#client_secret", "Enter the client secret your organisation gave with the ID"),
    ]
    assert identity_providers.for_service(factory.session, service.id) is None


def test_a_change_made_meanwhile_is_reported(client: FlaskClient, factory: Factory) -> None:
    service = factory.service()
    sign_in(client, factory.cast(Role.ADMIN))
    url = f"/admin/services/{service.id}/sign-in"
    client.post(url, data=FORM)
    response = client.post(url, data={**FORM, "client_id": "mine"})  # the page showed none
    assert response.status_code == 400
    assert "Someone else changed this service's sign-in settings" in error_summary(response)[0][1]


def test_removing_the_provider(client: FlaskClient, factory: Factory) -> None:
    service = factory.service()
    sign_in(client, factory.cast(Role.ADMIN))
    client.post(f"/admin/services/{service.id}/sign-in", data=FORM)
    provider = identity_providers.for_service(factory.session, service.id)
    assert provider is not None
    page = client.get(f"/admin/services/{service.id}/sign-in")
    assert "Stop signing in with Westvale Council" in text_of(page)
    response = client.post(
        f"/admin/services/{service.id}/sign-in/remove", data={"seen": str(provider.version)}
    )
    assert response.status_code == 302
    assert "now sign in with their email address and password" in text_of(
        client.get(response.headers["Location"])
    )
    assert identity_providers.for_service(factory.session, service.id) is None


def test_the_redirect_uri_is_built_from_public_url_behind_a_proxy(
    app: Flask, client: FlaskClient, factory: Factory
) -> None:
    service = factory.service()
    sign_in(client, factory.cast(Role.ADMIN))
    app.config["PUBLIC_URL"] = "https://panel.westvale.example/"
    try:
        page = client.get(f"/admin/services/{service.id}/sign-in")
    finally:
        app.config["PUBLIC_URL"] = None
    assert f"https://panel.westvale.example/sign-in/with/{service.slug}/callback" in text_of(page)
