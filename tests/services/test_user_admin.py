"""User administration in the services: a new user gets a set-up link, never a password chosen
for them; an edit follows the same rules as creating, changes only the administrator's own
services, and is audited with before and after; no change leaves a service without an active
administrator."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from oocd_panel.models import Agency, AuditEntry, Role, User
from oocd_panel.plumbing.errors import ActionNotAllowed, InvalidInput, NotFound
from oocd_panel.services import set_up_links, user_admin
from oocd_panel.services.accounts import authenticate
from oocd_panel.services.user_admin import NewUser, UserChanges
from tests.factories import Factory


def _audit(session: Session, user_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.record_type == "user", AuditEntry.record_id == str(user_id))
            .order_by(AuditEntry.id)
        )
    )


def _changes(user: User, **overrides: object) -> UserChanges:
    values: dict[str, object] = {
        "full_name": user.full_name,
        "roles": user.roles,
        "service_ids": user.service_ids,
        "agency": user.agency,
    }
    values.update(overrides)
    return UserChanges(**values)  # type: ignore[arg-type]


def test_a_new_user_gets_a_set_up_link_to_choose_their_own_password(
    factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    new = NewUser(
        email="Pat@Example.org",
        full_name="Pat Example",
        roles=frozenset({Role.PRACTITIONER}),
        service_ids=frozenset({factory.service().id}),
    )
    user, issued = user_admin.create(session, admin, new)
    assert user.email == "pat@example.org"
    assert issued.user == user
    assert set_up_links.user_for(session, issued.token) == user
    assert [e.action for e in _audit(session, user.id)] == ["create", "issue_set_up_link"]
    assert all(e.actor_id == admin.id for e in _audit(session, user.id))
    set_up_links.set_password(
        session, issued.token, password="walrus teapot meadow", confirm="walrus teapot meadow"
    )
    assert authenticate(session, user.email, "walrus teapot meadow") == user


def test_a_new_user_is_given_only_the_administrators_services(
    factory: Factory, session: Session
) -> None:
    elsewhere = factory.service("not-theirs")
    new = NewUser(
        email="pat@example.org",
        full_name="Pat Example",
        roles=frozenset({Role.PANEL_MEMBER}),
        service_ids=frozenset({elsewhere.id}),
    )
    with pytest.raises(InvalidInput) as caught:
        user_admin.create(session, factory.cast(Role.ADMIN), new)
    assert caught.value.errors == {
        "services": "Choose only services you administer",
        "agency": "A panel member must represent an agency",
    }
    assert session.scalars(select(User).where(User.email == "pat@example.org")).first() is None


def test_an_edit_changes_the_details_keeps_other_services_and_is_audited(
    factory: Factory, session: Session
) -> None:
    admin = factory.cast(Role.ADMIN)
    ours, also_ours = factory.service(), factory.service("also-ours")
    theirs = factory.service("theirs")
    admin.services = [ours, also_ours]
    session.commit()
    user = factory.user(Role.PRACTITIONER, services=[ours, theirs], name="Pat Before")
    edited = user_admin.edit(
        session,
        admin,
        user.id,
        _changes(
            user,
            full_name="  Pat After ",
            roles=frozenset({Role.PANEL_MEMBER, Role.MANAGER}),
            service_ids=frozenset({also_ours.id}),  # not `theirs`: it is not the admin's
            agency=Agency.YJS,
        ),
    )
    assert edited.full_name == "Pat After"
    assert edited.roles == {Role.PANEL_MEMBER, Role.MANAGER}
    assert edited.service_ids == {also_ours.id, theirs.id}
    assert edited.agency is Agency.YJS
    row = _audit(session, user.id)[-1]
    assert (row.action, row.actor_id) == ("edit", admin.id)
    assert row.details == {
        "before": {
            "roles": ["practitioner"],
            "services": sorted([ours.id, theirs.id]),
            "agency": None,
        },
        "after": {
            "roles": ["manager", "panel_member"],
            "services": sorted([also_ours.id, theirs.id]),
            "agency": "yjs",
        },
        "name_changed": True,
    }
    assert "Pat" not in repr(row.details)  # no names in the trail
    # Nothing changed: no audit row.
    rows = len(_audit(session, user.id))
    user_admin.edit(session, admin, user.id, _changes(edited, service_ids={also_ours.id}))
    assert len(_audit(session, user.id)) == rows


def test_an_edit_follows_the_rules_for_a_new_user(factory: Factory, session: Session) -> None:
    admin = factory.cast(Role.ADMIN)
    user = factory.cast(Role.PRACTITIONER)
    with pytest.raises(InvalidInput) as caught:
        user_admin.edit(
            session,
            admin,
            user.id,
            _changes(user, full_name="", roles=frozenset(), service_ids=frozenset()),
        )
    assert caught.value.errors == {
        "full_name": "Enter the person's full name",
        "roles": "Give the user at least one role",
        "services": "Give the user at least one service",
    }
    stranger = factory.user(Role.PRACTITIONER, services=[factory.service("elsewhere")])
    with pytest.raises(NotFound):
        user_admin.edit(session, admin, stranger.id, _changes(stranger))
    with pytest.raises(InvalidInput) as own:
        user_admin.edit(session, admin, admin.id, _changes(admin, roles=frozenset({Role.MANAGER})))
    assert "your own administrator role" in own.value.errors["roles"]


def test_the_last_administrator_of_a_service_cannot_be_removed(
    factory: Factory, session: Session
) -> None:
    northbrook, westvale = factory.service(), factory.service("westvale")
    admin = factory.user(Role.ADMIN, services=[northbrook, westvale], name="Alex Admin")
    other = factory.user(Role.ADMIN, services=[northbrook])
    westvale_admin = factory.user(Role.ADMIN, services=[westvale])
    # Two administrators of Northbrook: either may lose the role.
    user_admin.edit(session, admin, other.id, _changes(other, roles=frozenset({Role.MANAGER})))
    disabled = factory.user(Role.ADMIN, services=[northbrook])
    user_admin.set_active(session, admin, disabled.id, active=False)  # does not count

    last = "Alex Admin is the last administrator of Test Service"
    refused = {
        "their role taken away": lambda: user_admin.edit(
            session,
            westvale_admin,
            admin.id,
            _changes(admin, roles=frozenset({Role.MANAGER}), service_ids={westvale.id}),
        ),
        "disabled": lambda: user_admin.set_active(session, westvale_admin, admin.id, active=False),
        "leaving the service": lambda: user_admin.edit(
            session, admin, admin.id, _changes(admin, service_ids=frozenset({westvale.id}))
        ),
    }
    for why, attempt in refused.items():
        with pytest.raises(ActionNotAllowed, match=last):
            attempt()
        session.refresh(admin)
        assert admin.is_active, why
        assert admin.has_role(Role.ADMIN), why
        assert northbrook.id in admin.service_ids, why
    # With another active administrator of Northbrook, each is allowed.
    user_admin.set_active(session, admin, disabled.id, active=True)
    user_admin.set_active(session, westvale_admin, admin.id, active=False)
    session.refresh(admin)
    assert not admin.is_active
