"""A service's identity provider settings: only its administrators change them, the client
secret is stored encrypted and never recorded, and every change is in the list of changes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from oocd_panel.models import AuditEntry, IdentityProvider, Role, SettingChange
from oocd_panel.plumbing.errors import ActionNotAllowed, EditedMeanwhile, InvalidInput, NotFound
from oocd_panel.services import identity_providers
from oocd_panel.services.identity_providers import (
    ProviderSecretUnreadable,
    save_provider,
    url_problem,
)
from tests.factories import Factory

SECRET = "s3cr3t-from-the-provider"


def _save(factory: Factory, **overrides: object) -> IdentityProvider:
    values: dict[str, object] = {
        "service_id": factory.service().id,
        "organisation": "Westvale Council",
        "issuer": "https://login.westvale.example/realms/staff",
        "client_id": "oocd-panel",
        "client_secret": SECRET,
        **overrides,
    }
    return save_provider(factory.session, factory.cast(Role.ADMIN), **values)  # type: ignore[arg-type]


def test_the_secret_is_stored_encrypted_and_never_recorded(
    factory: Factory, session: Session
) -> None:
    provider = _save(factory)
    stored = session.execute(
        text("SELECT client_secret FROM identity_provider WHERE id = :id"), {"id": provider.id}
    ).scalar_one()
    assert SECRET not in stored
    assert identity_providers.client_secret(provider) == SECRET
    changes = session.scalars(select(SettingChange)).all()
    assert {c.setting: c.new_value for c in changes} == {
        "sign_in_organisation": "Westvale Council",
        "sign_in_issuer": "https://login.westvale.example/realms/staff",
        "sign_in_client_id": "oocd-panel",
        "sign_in_client_secret": "(a new secret)",
    }
    audit = session.scalars(select(AuditEntry).where(AuditEntry.record_type == "identity_provider"))
    for row in [*audit, *changes]:
        assert SECRET not in json.dumps(getattr(row, "details", None)) + str(vars(row))


def test_an_empty_secret_keeps_the_saved_one_and_a_new_one_replaces_it(
    factory: Factory, session: Session
) -> None:
    provider = _save(factory)
    first = provider.client_secret
    _save(factory, client_secret="", client_id="renamed", seen=provider.version)
    assert provider.client_secret == first
    assert provider.client_id == "renamed"
    _save(factory, client_secret="another secret", client_id="renamed", seen=provider.version)
    assert identity_providers.client_secret(provider) == "another secret"
    settings = [
        c.setting for c in session.scalars(select(SettingChange).order_by(SettingChange.id))
    ]
    assert settings[4:] == ["sign_in_client_id", "sign_in_client_secret"]


def test_what_is_wrong_is_said_by_field(factory: Factory) -> None:
    with pytest.raises(InvalidInput) as refused:
        _save(
            factory, organisation=" ", issuer="http://login.example", client_id="", client_secret=""
        )
    assert refused.value.errors == {
        "organisation": "Enter the organisation's name, as its staff know it",
        "issuer": "The issuer URL must start with https://",
        "client_id": "Enter the client ID your organisation registered for this service",
        "client_secret": "Enter the client secret your organisation gave with the ID",
    }


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://login.example/tenant/v2.0", None),
        ("https://login.example/", None),
        ("http://127.0.0.1:8080", None),  # a provider on this machine (tests, development)
        ("http://localhost:8080/realms/x", None),
        ("http://login.example", "must start with https://"),
        ("ftp://login.example", "must start with https://"),
        ("https://", "must start with https://"),
        ("login.example", "must start with https://"),
        ("https://login.example/?tenant=x", "must be a plain web address, without ?, # or spaces"),
        ("https://login.example/#x", "must be a plain web address, without ?, # or spaces"),
        ("https://[::1", "is not a web address"),
    ],
)
def test_a_providers_address_is_https_except_on_loopback(url: str, problem: str | None) -> None:
    assert url_problem(url) == problem


def test_only_the_services_administrators_change_it(factory: Factory) -> None:
    service = factory.service()
    with pytest.raises(ActionNotAllowed):
        save_provider(
            factory.session,
            factory.cast(Role.MANAGER),
            service_id=service.id,
            organisation="x",
            issuer="https://x.example",
            client_id="x",
            client_secret="x",
        )
    stranger = factory.user(Role.ADMIN, services=[factory.service("elsewhere")])
    with pytest.raises(NotFound):
        save_provider(
            factory.session,
            stranger,
            service_id=service.id,
            organisation="x",
            issuer="https://x.example",
            client_id="x",
            client_secret="x",
        )


def test_a_change_made_meanwhile_is_not_overwritten(factory: Factory) -> None:
    provider = _save(factory)
    seen = provider.version
    _save(factory, client_id="by someone else", seen=seen)
    with pytest.raises(EditedMeanwhile):
        _save(factory, client_id="mine", seen=seen)
    assert provider.client_id == "by someone else"
    with pytest.raises(EditedMeanwhile):  # as if the page had shown no provider
        _save(factory, seen=0)


def test_removing_the_provider(factory: Factory, session: Session) -> None:
    provider = _save(factory)
    service_id = provider.service_id
    with pytest.raises(EditedMeanwhile):
        identity_providers.remove_provider(
            session, factory.cast(Role.ADMIN), service_id=service_id, seen=provider.version + 1
        )
    identity_providers.remove_provider(
        session, factory.cast(Role.ADMIN), service_id=service_id, seen=provider.version
    )
    assert identity_providers.for_service(session, service_id) is None
    assert identity_providers.sign_in_choices(session) == []
    removed = session.scalars(
        select(SettingChange).where(SettingChange.new_value == "(none)")
    ).all()
    assert len(removed) == 4


def test_a_secret_under_an_old_key_is_unreadable(factory: Factory) -> None:
    provider = _save(factory)
    saved = identity_providers.SECRETS.cipher
    try:
        identity_providers.configure("a different key")
        with pytest.raises(ProviderSecretUnreadable):
            identity_providers.client_secret(provider)
    finally:
        identity_providers.SECRETS.cipher = saved
