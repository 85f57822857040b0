"""Every form, filled in with hostile input: never a server error, and never half a change.

For each POST endpoint (found from the app's URL map), a person who may use it opens the page
with the form on a real case, panel or assessment; generated examples then send the form with
fields left out, repeated, replaced by huge or strange text (right-to-left marks, combining
marks, NUL and control characters, bytes that are not UTF-8), or by the wrong type (a number,
a list, an uploaded file), and with fields nobody asked for. After each:
- the response is never a 5xx;
- if the change was refused (an error page, a 4xx, or the form shown again), no table changed;
- if it was accepted (a redirect, a download, or a page saying it was done), it was saved
  whole: every case's event log replays to its status, the audit chain verifies, something
  changed only with an audit row for it, and no NUL character reached the database
  (PostgreSQL refuses them: a 500 there).
Each example is rolled back, so each starts from the same page.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote, quote_from_bytes

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Connection
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.test import TestResponse

from oocd_panel.demo import panels as demo_panel
from oocd_panel.demo.assessment_answers import answers_for
from oocd_panel.models import AgendaItem, ReferralStatus, Role, User
from oocd_panel.plumbing.clock import local_today, utcnow
from oocd_panel.services import (
    api_clients,
    identity_providers,
    letter_wording,
    panels,
    scrutiny,
    two_factor,
    user_admin,
)
from tests.db_state import (
    Snapshot,
    audit_problems,
    differences,
    event_log_problems,
    generated,
    rolled_back,
    snapshot,
)
from tests.factories import NOT_KNOWN_ANSWERS, PASSWORD, Factory, next_code
from tests.services import test_feedback as feedback_test
from tests.web.helpers import sign_in, text_of
from tests.web.test_new_referral import valid_form

S = ReferralStatus
Pairs = list[tuple[str, str]]

# --- Reading a form off its page ------------------------------------------------------------


@dataclass
class _Form:
    action: str
    pairs: Pairs = field(default_factory=list)
    radios: dict[str, str] = field(default_factory=dict)  # first choice of each radio group
    checked_radios: set[str] = field(default_factory=set)
    buttons: Pairs = field(default_factory=list)


class _FormParser(HTMLParser):
    """The POST forms of a page, each with what a browser would send if submitted as shown
    (a radio group with nothing chosen gets its first choice) with its main button (the one
    named "submit", not "Add another offence")."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._form: _Form | None = None
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = _Form(a.get("action", ""))
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind == "radio":
                form.radios.setdefault(name, a.get("value", "on"))
                if "checked" in a:
                    form.pairs.append((name, a.get("value", "on")))
                    form.checked_radios.add(name)
            elif kind == "checkbox":
                if "checked" in a:
                    form.pairs.append((name, a.get("value", "on")))
            elif kind == "submit":
                form.buttons.append((name, a.get("value", "")))
            else:
                form.pairs.append((name, a.get("value", "")))
        elif tag == "button" and name:
            form.buttons.append((name, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            form.pairs.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            form.pairs += [(self._select, v) for v in chosen]
            self._select = None
        elif tag == "form":
            for name, value in form.radios.items():
                if name not in form.checked_radios:
                    form.pairs.append((name, value))
            main = [b for b in form.buttons if b[0].endswith("submit")] or form.buttons[:1]
            form.pairs += main[:1]
            self.forms.append(form)
            self._form = None


def form_on(html: str, action: str, page_url: str) -> Pairs:
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if (form.action or page_url).split("?")[0] == action:
            return form.pairs
    found = [f.action for f in parser.forms]
    raise AssertionError(f"no form posting to {action} on {page_url} (forms: {found})")


def overlay(pairs: Pairs, values: dict[str, object]) -> Pairs:
    """The form as the page shows it, with `values` typed in (a list for repeated fields)."""
    result = [(k, v) for k, v in pairs if k not in values]
    for name, value in values.items():
        for item in value if isinstance(value, list) else [value]:
            result.append((name, str(item)))
    return result


# --- The forms, each on a real record -------------------------------------------------------


@dataclass
class Target:
    user: User | None  # None: an anonymous visitor
    page: str  # where the form is shown
    action: str  # where it posts
    values: dict[str, object] = field(default_factory=dict)
    # Tables a refused request may still write (sign-in attempts are counted, by design).
    may_write: frozenset[str] = frozenset()
    sign_in_each_time: bool = False
    # Whether an accepted change must come with an audit row: every one does (signing in and
    # out, the panel's work and two-factor included); False only for one the README leaves out.
    audited: bool = True
    # A page (not a redirect) that says the change was made: a draft saved with problems,
    # recovery codes shown once.
    saved_when: str | None = None
    # Run with each new client before it opens the page (the password, before the code page).
    prepare: Callable[[FlaskClient], None] | None = None
    # Values worked out again for each example, in a session of its own (a code from an
    # authenticator app is accepted once, and only for a minute or so): sent wherever the form
    # still holds the value worked out when the page was read.
    fresh_values: Callable[[Session], dict[str, str]] | None = None


def _date(day: dt.date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _sign_in(f: Factory) -> Target:
    return Target(
        None,
        "/sign-in",
        "/sign-in",
        {"email": f.cast(Role.PRACTITIONER).email, "password": PASSWORD},
        may_write=frozenset({"sign_in_attempt"}),
        sign_in_each_time=True,  # a fresh visitor each time
    )


def _sign_out(f: Factory) -> Target:
    user = f.cast(Role.PRACTITIONER)
    return Target(user, "/", "/sign-out", sign_in_each_time=True)


def _new_referral(f: Factory) -> Target:
    return Target(f.cast(Role.POLICE_OFFICER), "/cases/new", "/cases/new", valid_form())


def _new_referral_for_child(f: Factory) -> Target:
    referral = f.referral()
    url = f"/children/{referral.child_id}/referrals/new"
    return Target(f.cast(Role.POLICE_OFFICER), url, url, valid_form())


def _action(f: Factory) -> Target:
    referral = f.referral()
    url = f"/cases/{referral.id}/actions/withdraw"
    return Target(f.cast(Role.POLICE_OFFICER), url, url, {"reason": "Victim withdrew support."})


def _section(f: Factory) -> Target:
    referral = f.referral_at(S.ASSESSING)
    url = f"/cases/{referral.id}/assessment/behaviour"
    answers = answers_for(random.Random(1), "youth_caution")["behaviour"]
    values = {**answers, "completed": "yes"}
    saved = "Your answers are saved"
    return Target(f.cast(Role.PRACTITIONER), url, url, values, saved_when=saved)


def _submit(f: Factory) -> Target:
    referral = f.referral_at(S.ASSESSING)
    f.complete_assessment(referral)
    url = f"/cases/{referral.id}/assessment/submit"
    return Target(f.cast(Role.PRACTITIONER), url, url)


def _review(f: Factory) -> Target:
    referral = f.referral_at(S.AWAITING_SIGN_OFF)
    url = f"/cases/{referral.id}/assessment/review"
    values = {"outcome": "signed_off", "comment": "Clear and balanced."}
    return Target(f.cast(Role.MANAGER), url, url, values)


def _audit(f: Factory) -> Target:
    referral = f.referral_at(S.READY_FOR_PANEL)
    url = f"/cases/{referral.id}/audit"
    return Target(f.cast(Role.MANAGER), url, url, {"summary": "Good work."})


def _plan_meeting(f: Factory) -> Target:
    cast = f.panel()
    values = {
        "starts_on": _date(local_today() + dt.timedelta(days=7)),
        "starts_time": "10:00",
        "place": "Room 2",
        "police_decision_maker": cast.police.id,
        "yjs_decision_maker": cast.chair.id,
        "chair_id": cast.chair.id,
    }
    return Target(cast.chair, "/panels/new", "/panels/new", values)


def _meeting(f: Factory) -> tuple[User, int]:
    cast = f.panel()
    meeting = demo_panel.meeting_on(f.session, cast, f.service().id, local_today())
    return cast.chair, meeting.id


def _attendance(f: Factory) -> Target:
    chair, meeting_id = _meeting(f)
    page = f"/panels/{meeting_id}"
    values = {"extra_name": "Val Volunteer", "extra_agency": "community_volunteer"}
    return Target(chair, page, f"{page}/attendance", values)


def _agenda(f: Factory) -> Target:
    referral = f.referral_at(S.READY_FOR_PANEL)
    chair, meeting_id = _meeting(f)
    page = f"/panels/{meeting_id}"
    return Target(chair, page, f"{page}/agenda", {"referral_ids": [referral.id]})


def _close_meeting(f: Factory) -> Target:
    chair, meeting_id = _meeting(f)
    page = f"/panels/{meeting_id}"
    return Target(chair, page, f"{page}/close")


def _waiting_item(f: Factory) -> AgendaItem:
    referral = f.referral_at(S.READY_FOR_PANEL)
    cast = f.panel()
    meeting = demo_panel.meeting_on(f.session, cast, f.service().id, local_today())
    panels.add_to_agenda(f.session, cast.chair, meeting_id=meeting.id, referral_ids=[referral.id])
    return next(i for i in meeting.items if i.referral_id == referral.id)


def _item_url(item: AgendaItem) -> str:
    return f"/panels/{item.meeting_id}/cases/{item.id}"


def _open_vote(f: Factory) -> Target:
    item = _waiting_item(f)
    return Target(f.panel().chair, _item_url(item), f"{_item_url(item)}/open")


def _voting_item(f: Factory) -> AgendaItem:
    return f.to_panel(f.referral_at(S.READY_FOR_PANEL))


def _conflict(f: Factory) -> Target:
    item = _voting_item(f)
    member = next(m for m in item.meeting.members if m.user_id is None)
    values = {"conflict-member_id": member.id, "conflict-reason": "Knows the family."}
    return Target(f.panel().chair, _item_url(item), f"{_item_url(item)}/conflict", values)


def _vote(f: Factory) -> Target:
    item = _voting_item(f)
    values = {
        "vote-disposal": "youth_caution",
        "vote-interventions": ["one_to_one"],
        "vote-rationale": "Proportionate.",
    }
    return Target(f.panel().chair, _item_url(item), f"{_item_url(item)}/vote", values)


def _close_vote(f: Factory) -> Target:
    """Everyone has voted; the chair closes the vote."""
    item = _voting_item(f)
    cast = f.panel()
    for member in item.meeting.members:
        panels.cast_vote(
            f.session,
            cast.police if member.user_id == cast.police.id else cast.chair,
            item_id=item.id,
            member_id=member.id,
            vote=panels.VoteInput("youth_caution", (), "Proportionate."),
        )
    return Target(cast.chair, _item_url(item), f"{_item_url(item)}/close")


def _confirm(f: Factory) -> Target:
    item = _voting_item(f)
    demo_panel.vote(f.session, f.panel(), item, "youth_caution", utcnow())
    values = {"confirmation_rationale": "", "departure_rationale": "Strong protective factors."}
    return Target(f.panel().police, _item_url(item), f"{_item_url(item)}/decision", values)


def _escalation(f: Factory) -> Target:
    referral = f.referral_at(S.ESCALATED)
    url = f"/cases/{referral.id}/escalation"
    values = {
        "disposal": "youth_caution",
        "confirmation_rationale": "Agreed after discussion.",
        "departure_rationale": "Strong protective factors.",
    }
    inspector = f.panel().inspector
    assert inspector is not None
    return Target(inspector, url, url, values)


def _delivery(f: Factory) -> Target:
    referral = f.referral_at(S.DECIDED)
    url = f"/police/cases/{referral.id}/delivery"
    values = {
        "delivered_on": _date(local_today()),
        "appropriate_adult_present": "yes",
        "appropriate_adult_name": "Pat Parent",
        "legal_advice_offered": "yes",
        "legal_advice_taken": "no",
        "admission_confirmed": "yes",
    }
    return Target(f.cast(Role.POLICE_OFFICER), url, url, values)


def _notes(f: Factory) -> Target:
    referral = f.referral_at(S.INTERVENTION)
    url = f"/cases/{referral.id}/notes"
    return Target(f.cast(Role.PRACTITIONER), url, url, {"text": "First session went well."})


def _end_intervention(f: Factory) -> Target:
    referral = f.referral_at(S.INTERVENTION)
    url = f"/cases/{referral.id}/intervention-end/complete_intervention"
    return Target(f.cast(Role.PRACTITIONER), url, url, dict(NOT_KNOWN_ANSWERS))


def _correct_child(f: Factory) -> Target:
    referral = f.referral()
    url = f"/cases/{referral.id}/correct/child"
    return Target(
        f.cast(Role.PRACTITIONER), url, url, {"first_name": "Corrected", "reason": "typo"}
    )


def _correct_contact(f: Factory) -> Target:
    referral = f.referral()
    url = f"/cases/{referral.id}/correct/contacts/{referral.child.contacts[0].id}"
    return Target(
        f.cast(Role.MANAGER), url, url, {"contact_phone": "07700 900999", "reason": "typo"}
    )


def _add_contact(f: Factory) -> Target:
    referral = f.referral()
    url = f"/cases/{referral.id}/correct/contacts/new"
    values = {"contact_name": "Sam Parent", "contact_relationship": "father", "reason": "typo"}
    return Target(f.cast(Role.PRACTITIONER), url, url, values)


def _correct_referral(f: Factory) -> Target:
    referral = f.referral()
    url = f"/cases/{referral.id}/correct/referral"
    values = {"police_reference": "NB/99/26", "reason": "recorded_wrongly"}
    return Target(f.cast(Role.POLICE_OFFICER), url, url, values)


def _case_search(f: Factory) -> Target:
    referral = f.referral()
    return Target(f.cast(Role.PRACTITIONER), "/cases", "/cases", {"q": referral.child.first_name})


def _police_search(f: Factory) -> Target:
    referral = f.referral()
    url = "/police"
    return Target(
        f.cast(Role.POLICE_OFFICER), url, url, {"police_reference": referral.police_reference}
    )


def _settings(f: Factory) -> Target:
    url = f"/admin/services/{f.service().id}/settings"
    return Target(f.cast(Role.ADMIN), url, url, {"escalation_due_days": "7"})


def _identity_provider(f: Factory) -> Target:
    url = f"/admin/services/{f.service().id}/sign-in"
    values = {
        "organisation": "Westvale Council",
        "issuer": "https://login.westvale.example/realms/staff",
        "client_id": "oocd-panel",
        "client_secret": "a secret from the provider",
    }
    return Target(f.cast(Role.ADMIN), url, url, values)


def _remove_identity_provider(f: Factory) -> Target:
    service = f.service()
    identity_providers.save_provider(
        f.session,
        f.cast(Role.ADMIN),
        service_id=service.id,
        organisation="Westvale Council",
        issuer="https://login.westvale.example/realms/staff",
        client_id="oocd-panel",
        client_secret="a secret from the provider",
    )
    url = f"/admin/services/{service.id}/sign-in"
    return Target(f.cast(Role.ADMIN), url, f"{url}/remove")


def _register_police_system(f: Factory) -> Target:
    url = f"/admin/services/{f.service().id}/api-clients/new"
    values = {"name": "Niche RMS", "police_force": "Northbrook Police", "scopes": "outcomes:read"}
    return Target(f.cast(Role.ADMIN), url, url, values, saved_when="is registered")


def _revoke_police_system(f: Factory) -> Target:
    service = f.service()
    registered = api_clients.register(
        f.session,
        f.cast(Role.ADMIN),
        service_id=service.id,
        name="Niche RMS",
        police_force="Northbrook Police",
        scopes=["outcomes:read"],
        calls_per_minute=120,
    )
    url = f"/admin/services/{service.id}/api-clients"
    return Target(f.cast(Role.ADMIN), url, f"/admin/api-clients/{registered.client.id}/revoke")


def _letter(f: Factory) -> Target:
    referral = f.referral_at(S.OUTCOME_DELIVERED)
    f.approved_wording({"contact:phone": "01632 960 123"})
    url = f"/cases/{referral.id}/letters/child"
    return Target(f.cast(Role.PRACTITIONER), url, url)


def _wording(f: Factory) -> Target:
    url = f"/admin/services/{f.service().id}/letter-wording"
    values = {"contact__email": "yjs@example.org", "reviewed": "y"}
    return Target(f.cast(Role.ADMIN), url, url, values)


def _wording_draft(f: Factory) -> None:
    """Version 1 gives a phone number; an administrator's draft changes the email."""
    f.approved_wording({"contact:phone": "01632 960 123"})
    letter_wording.save_wording(
        f.session,
        f.cast(Role.ADMIN),
        service_id=f.service().id,
        values={"contact:email": "youth.justice@example.org"},
    )


def _wording_review(f: Factory) -> Target:
    _wording_draft(f)
    url = f"/services/{f.service().id}/letter-wording/draft"
    values = {"outcome": "approve", "comment": "Reads well."}
    return Target(f.user(Role.MANAGER), url, url, values)


def _wording_withdraw(f: Factory) -> Target:
    _wording_draft(f)
    base = f"/admin/services/{f.service().id}/letter-wording"
    return Target(f.cast(Role.ADMIN), base, f"{base}/draft/withdraw")


def _wording_restore(f: Factory) -> Target:
    f.approved_wording({"contact:phone": "01632 960 123"})
    f.approved_wording({"contact:email": "youth.justice@example.org"})
    base = f"/admin/services/{f.service().id}/letter-wording"
    return Target(f.cast(Role.ADMIN), base, f"{base}/versions/1/restore")


def _translation_approval(f: Factory) -> Target:
    url = f"/services/{f.service().id}/translations/cy"
    values = {"reviewer_name": "Gwen Jones", "confirmed": "y"}
    return Target(f.cast(Role.MANAGER), url, url, values)


def _password_only(email: str) -> Callable[[FlaskClient], None]:
    """The first step of signing in: the right password, which leaves the sign-in pending."""

    def prepare(client: FlaskClient) -> None:
        response = client.post("/sign-in", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.status_code

    return prepare


def _current_code(user_id: int, name: str = "code") -> Callable[[Session], dict[str, str]]:
    """A code the user's app shows now (one not used yet), in the form's field `name`."""
    return lambda session: {name: next_code(session, session.get_one(User, user_id))}


def _set_up_code(f: Factory, user: User) -> Callable[[Session], dict[str, str]]:
    """A code from the secret being set up (made now: the page then shows the same one)."""
    secret = two_factor.pending_secret(f.session, user)
    return lambda _session: {"code": pyotp.TOTP(secret).now()}


def _two_factor_code(f: Factory) -> Target:
    """The code after the password, for a manager (who has two-factor set up)."""
    manager = f.cast(Role.MANAGER)
    return Target(
        None,
        "/sign-in/code",
        "/sign-in/code",
        may_write=frozenset({"sign_in_attempt"}),
        sign_in_each_time=True,  # a new pending sign-in each time
        prepare=_password_only(manager.email),
        fresh_values=_current_code(manager.id),
    )


def _set_up_at_sign_in(f: Factory) -> Target:
    """A manager without two-factor sets it up after their password."""
    manager = f.user(Role.MANAGER, two_factor_set_up=False)
    url = "/sign-in/set-up-two-factor"
    return Target(
        None,
        url,
        url,
        may_write=frozenset({"sign_in_attempt"}),
        sign_in_each_time=True,
        saved_when="Your recovery codes",
        prepare=_password_only(manager.email),
        fresh_values=_set_up_code(f, manager),
    )


def _set_up_two_factor(f: Factory) -> Target:
    """A practitioner opts in to two-factor sign-in."""
    user = f.cast(Role.PRACTITIONER)
    url = "/account/two-factor/set-up"
    code = _set_up_code(f, user)
    return Target(user, url, url, saved_when="Your recovery codes", fresh_values=code)


def _prefixed(
    prefix: str, values: Callable[[Session], dict[str, str]]
) -> Callable[[Session], dict[str, str]]:
    """The same values, for a form whose fields are named with a prefix."""
    return lambda session: {f"{prefix}-{k}": v for k, v in values(session).items()}


def _replace_two_factor(f: Factory) -> Target:
    """A manager moves two-factor to a new phone: a code from the new secret, the current
    code and the password."""
    manager = f.cast(Role.MANAGER)
    url = "/account/two-factor/set-up"
    new_code = _set_up_code(f, manager)
    current = _current_code(manager.id, "current_code")
    return Target(
        manager,
        url,
        url,
        {"password": PASSWORD},
        may_write=frozenset({"sign_in_attempt"}),  # wrong codes and passwords are counted
        saved_when="Your recovery codes",
        fresh_values=lambda session: {**new_code(session), **current(session)},
    )


def _new_recovery_codes(f: Factory) -> Target:
    manager = f.cast(Role.MANAGER)
    return Target(
        manager,
        "/account/two-factor",
        "/account/two-factor/recovery-codes",
        {"recovery-password": PASSWORD},
        may_write=frozenset({"sign_in_attempt"}),  # wrong codes count toward throttling
        saved_when="Your recovery codes",
        fresh_values=_prefixed("recovery", _current_code(manager.id, "current_code")),
    )


def _turn_off_two_factor(f: Factory) -> Target:
    user = f.user(Role.PRACTITIONER, two_factor_set_up=True)
    return Target(
        user,
        "/account/two-factor",
        "/account/two-factor/turn-off",
        {"off-password": PASSWORD},
        may_write=frozenset({"sign_in_attempt"}),
        fresh_values=_prefixed("off", _current_code(user.id, "current_code")),
    )


def _new_user(f: Factory) -> Target:
    values: dict[str, object] = {
        "full_name": "Pat Example",
        "email": "pat.example@example.org",
        "roles": ["practitioner"],
        "services": [f.service().id],
    }
    # Created, the page shows the new user's set-up link (mail is not configured here).
    saved = "Set-up link for"
    return Target(f.cast(Role.ADMIN), "/users/new", "/users/new", values, saved_when=saved)


def _edit_user(f: Factory) -> Target:
    user = f.user(Role.PANEL_MEMBER, services=[f.service(), f.service("not-the-admins")])
    page = f"/users/{user.id}/edit"
    values: dict[str, object] = {"full_name": "Pat Renamed", "roles": ["panel_member", "analyst"]}
    return Target(f.cast(Role.ADMIN), page, page, values)


def _set_up_link(f: Factory) -> Target:
    target = _user_change(f, f.cast(Role.PRACTITIONER), "set-up-link")
    return replace(target, saved_when="Set-up link for")


def _change_password(f: Factory) -> Target:
    new = "walrus teapot meadow"
    values = {"current_password": PASSWORD, "new_password": new, "confirm_password": new}
    return Target(
        f.user(Role.PRACTITIONER),
        "/account/password",
        "/account/password",
        values,
        may_write=frozenset({"sign_in_attempt"}),  # wrong current passwords are counted
        sign_in_each_time=True,  # a change ends the sessions signed in with the old password
    )


def _set_password_by_link(f: Factory) -> Target:
    user = f.cast(Role.PRACTITIONER)
    issued = user_admin.issue_set_up_link(f.session, f.cast(Role.ADMIN), user.id)
    page = f"/set-up-password/{issued.token}"
    new = "walrus teapot meadow"
    return Target(None, page, page, {"password": new, "confirm_password": new})


def _family_feedback(f: Factory) -> Target:
    """A letter's feedback page, on its link (no sign-in); answering uses it up."""
    f.approved_wording({"contact:phone": "01632 960 123"})
    page = f"/f/{feedback_test.token_of(feedback_test.issue(f))}"
    return Target(None, page, page, dict(feedback_test.ANSWERS))


def _user_change(f: Factory, user: User, change: str) -> Target:
    page = f"/users/{user.id}"
    return Target(f.cast(Role.ADMIN), page, f"{page}/{change}")


def _disable(f: Factory) -> Target:
    return _user_change(f, f.cast(Role.PRACTITIONER), "disable")


def _enable(f: Factory) -> Target:
    user = f.cast(Role.PRACTITIONER)
    user_admin.set_active(f.session, f.cast(Role.ADMIN), user.id, active=False)
    return _user_change(f, user, "enable")


def _reset_two_factor(f: Factory) -> Target:
    return _user_change(f, f.cast(Role.MANAGER), "reset-two-factor")


def _subject_access(f: Factory) -> Target:
    referral = f.referral_at(S.DECIDED)
    page = f"/subject-access?police_reference={quote(referral.police_reference)}"
    return Target(f.cast(Role.MANAGER), page, f"/children/{referral.child_id}/subject-access")


def _scrutiny_sample(f: Factory) -> int:
    f.referral_at(S.DECIDED)
    today = local_today()
    sample = scrutiny.draw_sample(
        f.session, f.cast(Role.MANAGER), service_id=f.service().id, start=today, end=today, size=5
    )
    return sample.id


def _draw_scrutiny_sample(f: Factory) -> Target:
    f.referral_at(S.DECIDED)
    today = local_today()
    values = {
        "service": str(f.service().id),
        "start": _date(today - dt.timedelta(days=7)),
        "end": _date(today),
        "size": "5",
    }
    return Target(f.cast(Role.MANAGER), "/scrutiny/new", "/scrutiny/new", values)


def _redact_for_scrutiny(f: Factory) -> Target:
    url = f"/scrutiny/{_scrutiny_sample(f)}/cases/1/texts/decision"
    values = {"text": "The panel agreed the child should be diverted.", "confirmed": "y"}
    return Target(f.cast(Role.MANAGER), url, url, values)


def _scrutiny_rating(f: Factory) -> Target:
    url = f"/scrutiny/{_scrutiny_sample(f)}/cases/1/rating"
    values = {
        "rating": "inappropriate",
        "comments": "Too severe.",
        "meeting_on": _date(local_today()),
    }
    return Target(f.cast(Role.MANAGER), url, url, values)


# Endpoint (and which of its ways, after a colon): (how to reach its form, how many examples).
# Sending a letter makes a PDF, and the user buttons and the subject access download read
# nothing from the form: fewer.
FORMS: dict[str, tuple[Callable[[Factory], Target], int]] = {
    "auth.sign_in": (_sign_in, 10),
    "auth.two_factor_code": (_two_factor_code, 8),
    "auth.set_up_at_sign_in": (_set_up_at_sign_in, 8),
    "auth.sign_out": (_sign_out, 5),
    "account.set_up_two_factor": (_set_up_two_factor, 8),
    "account.set_up_two_factor:replacing": (_replace_two_factor, 8),
    "account.new_recovery_codes": (_new_recovery_codes, 8),
    "account.turn_off_two_factor": (_turn_off_two_factor, 8),
    "users.new": (_new_user, 10),
    "users.edit": (_edit_user, 10),
    "users.set_up_link": (_set_up_link, 4),
    "passwords.change": (_change_password, 8),
    "passwords.set_up": (_set_password_by_link, 8),
    "feedback.answer": (_family_feedback, 8),
    "users.disable": (_disable, 4),
    "users.enable": (_enable, 4),
    "users.reset_two_factor": (_reset_two_factor, 4),
    "privacy.export": (_subject_access, 4),
    "cases.new_referral": (_new_referral, 12),
    "cases.new_referral_for_child": (_new_referral_for_child, 8),
    "cases.action": (_action, 10),
    "cases.case_list": (_case_search, 8),
    "corrections.child": (_correct_child, 10),
    "corrections.contact": (_correct_contact, 8),
    "corrections.new_contact": (_add_contact, 6),
    "corrections.referral_facts": (_correct_referral, 10),
    "assessments.section": (_section, 12),
    "assessments.submit": (_submit, 6),
    "assessments.review": (_review, 10),
    "audits.new": (_audit, 8),
    "panels.new": (_plan_meeting, 10),
    "panels.attendance": (_attendance, 10),
    "panels.agenda": (_agenda, 8),
    "panels.close": (_close_meeting, 5),
    "panels.open_vote": (_open_vote, 6),
    "panels.conflict": (_conflict, 8),
    "panels.vote": (_vote, 10),
    "panels.close_vote": (_close_vote, 6),
    "panels.confirm": (_confirm, 10),
    "outcomes.escalation": (_escalation, 10),
    "outcomes.delivery": (_delivery, 10),
    "outcomes.notes": (_notes, 8),
    "outcomes.end_intervention": (_end_intervention, 8),
    "outcomes.police_search": (_police_search, 8),
    "outcomes.service_settings": (_settings, 10),
    "identity.settings": (_identity_provider, 10),
    "identity.remove": (_remove_identity_provider, 4),
    "letters.letter": (_letter, 4),
    "letters.wording": (_wording, 8),
    "letters.wording_review": (_wording_review, 6),
    "letters.wording_withdraw": (_wording_withdraw, 4),
    "letters.wording_restore": (_wording_restore, 4),
    "translations.review": (_translation_approval, 6),
    "api_clients.new": (_register_police_system, 8),
    "api_clients.revoke": (_revoke_police_system, 4),
    "scrutiny.new": (_draw_scrutiny_sample, 8),
    "scrutiny.redact": (_redact_for_scrutiny, 8),
    "scrutiny.rating": (_scrutiny_rating, 8),
}
# The API's operations take JSON, not forms: tests/api/test_schemathesis.py sends them
# everything their document allows and more.
API_OPERATIONS = {"api.submit_referral", "api.record_delivery"}


def test_every_form_is_fuzzed(app: Flask) -> None:
    posting = {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    posting -= API_OPERATIONS
    # A form that does two things (setting up, or replacing) has a key per way, after a colon.
    assert posting == {key.split(":")[0] for key in FORMS}, "add a way to reach it to FORMS"


# --- Hostile input ---------------------------------------------------------------------------

ODD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x07\x1b[31m\x7f",
    "\r\n\r\n",
    "\u202eevil\u202c",  # right-to-left override
    "\u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627",  # Hebrew and Arabic
    "e" + "\u0301" * 50,  # a pile of combining marks
    "\u200b\u200d\ufeff",  # zero-width characters and a byte-order mark
    "\U0001f468\u200d\U0001f469\u200d\U0001f467",
    "\ud800",  # a lone surrogate: sent as bytes that are not UTF-8
    "-1",
    "0",
    "1.5",
    "1e309",
    "NaN",
    "9" * 30,
    "2147483648",
    "31 2 2026",
    "2026-13-45",
    "true",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "'; DROP TABLE referral; --",
    "%00",
    "../../etc/passwd",
    "None",
]
NOT_UTF8 = [b"\xff\xfe", b"\xed\xa0\x80", b"\xc0\xaf", b"abc\x80"]


class Huge(str):
    """A very long text, shown short in reports."""

    def __repr__(self) -> str:
        return f"{self[:1]!r} * {len(self)}"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


texts = st.text(max_size=40)  # every code point, surrogates included
huge = st.builds(
    lambda char, size: Huge(char * size),
    st.sampled_from(["x", "\u00e9", "\U0001f600", "\u0301", "9", "\x00"]),
    st.sampled_from([1_000, 10_001, 100_000, 600_000]),
)
values: st.SearchStrategy[str | bytes] = st.one_of(
    st.sampled_from(ODD), st.sampled_from(NOT_UTF8), texts, huge
)
field_names = st.one_of(
    st.sampled_from(["version", "id", "__proto__", "submit", "csrf_token", "status", "x[]"]),
    st.text(
        st.characters(min_codepoint=33, max_codepoint=0x2FFF, exclude_characters='"\\'),
        min_size=1,
        max_size=20,
    ),
)

# What happens to each field of the form: mostly kept, so deeper checks are reached too.
OPS = ["keep"] * 10 + ["drop", "replace", "replace", "repeat", "file"]


@dataclass(frozen=True)
class Post:
    pairs: list[tuple[str, str | bytes]]
    files: frozenset[str]
    # How the body is sent: as a browser sends a form, as a form with files, or as JSON.
    encoding: str = "form"

    def body(self) -> tuple[bytes, str]:
        if self.files or self.encoding == "multipart":
            return self._multipart()
        if self.encoding == "json":
            data: dict[str, object] = {}
            for i, (name, value) in enumerate(self.pairs):
                # Numbers where text is expected, and lists for repeated fields.
                text: object = 12 if i % 3 == 0 else _bytes(value).decode("utf-8", "replace")
                data[name] = [data[name], text] if name in data else text
            data.update({name: {"nested": [1, None, True]} for name in self.files})
            return json.dumps(data).encode(), "application/json"
        encoded = "&".join(
            f"{_quote(k)}={_quote(v)}" for k, v in self.pairs
        )  # raw bytes, so text that is not UTF-8 arrives as such
        return encoded.encode(), "application/x-www-form-urlencoded"

    def _multipart(self) -> tuple[bytes, str]:
        boundary = "fuzzboundary7MA4YWxkTrZu0gW"
        parts = []
        for name, value in self.pairs:
            raw = _bytes(value)
            filename = '; filename="upload.txt"' if name in self.files else ""
            safe = name.replace('"', "").replace("\r", "").replace("\n", "")
            header = f'Content-Disposition: form-data; name="{safe}"{filename}\r\n\r\n'
            parts.append(b"--" + boundary.encode() + b"\r\n" + header.encode() + raw + b"\r\n")
        body = b"".join(parts) + b"--" + boundary.encode() + b"--\r\n"
        return body, f"multipart/form-data; boundary={boundary}"


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")


def _quote(value: str | bytes) -> str:
    return quote_from_bytes(_bytes(value), safe="")


@st.composite
def hostile(draw: st.DrawFn, base: Pairs) -> Post:
    names = list(dict.fromkeys(k for k, _ in base))
    ops = {name: draw(st.sampled_from(OPS), label=name) for name in names}
    pairs: list[tuple[str, str | bytes]] = []
    files: set[str] = set()
    for name, value in base:
        op = ops[name]
        if op == "drop":
            continue
        if op == "keep":
            pairs.append((name, value))
        elif op == "repeat":
            pairs += [(name, value), (name, draw(values))]
        elif op == "replace":
            pairs.append((name, draw(values)))
        else:  # the wrong type altogether: an uploaded file
            pairs.append((name, value))
            files.add(name)
    pairs += draw(st.lists(st.tuples(field_names, values), max_size=2))
    if files:
        # Werkzeug leaves an uploaded file's temporary file to the garbage collector when a
        # text field of the same request is over the size limit: a warning, not our concern.
        pairs = [(k, Huge(v[:100_000]) if isinstance(v, Huge) else v) for k, v in pairs]
    encoding = draw(st.sampled_from(["form"] * 6 + ["multipart", "json"]), label="encoding")
    return Post(pairs, frozenset(files), encoding)


# --- Running the forms -----------------------------------------------------------------------


def _nul_written(before: Snapshot, after: Snapshot) -> list[str]:
    found = []
    for table, rows in after.items():
        old = set(before.get(table, []))
        for row in rows:
            if row not in old and any(isinstance(v, str) and "\x00" in v for v in row):
                found.append(table)
    return found


def _client(app: Flask, target: Target) -> FlaskClient:
    client = app.test_client()
    if target.user is not None:
        sign_in(client, target.user)
    if target.prepare is not None:
        target.prepare(client)
    return client


def _accepted(target: Target, response: TestResponse) -> bool:
    """A redirect, a download, or a page that says the change was made."""
    if response.status_code in {301, 302, 303}:
        return True
    if response.headers.get("Content-Disposition", "").startswith("attachment"):
        return True
    return bool(target.saved_when and target.saved_when in text_of(response))


def _with_fresh(post: Post, stale: dict[str, str], fresh: dict[str, str]) -> Post:
    """The post, with fresh values wherever it still holds the stale ones."""
    pairs = [(k, fresh[k] if k in fresh and v == stale.get(k) else v) for k, v in post.pairs]
    return replace(post, pairs=pairs)


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_hostile_input_never_breaks_a_form_or_half_saves(
    app: Flask,
    factory: Factory,
    session: Session,
    session_factory: sessionmaker[Session],
    connection: Connection,
    endpoint: str,
) -> None:
    reach, count = FORMS[endpoint]
    target = reach(factory)
    factory.session.commit()
    client = _client(app, target)
    page = client.get(target.page)
    assert page.status_code == 200, (target.page, page.status_code)
    stale = target.fresh_values(session) if target.fresh_values else {}
    values = {**target.values, **stale}
    base = overlay(form_on(page.get_data(as_text=True), target.action, target.page), values)
    session.close()

    @generated(count)
    @given(post=hostile(base))
    def send(post: Post) -> None:
        with rolled_back(connection):
            fresh = _client(app, target) if target.sign_in_each_time else client
            checker = session_factory()
            if target.fresh_values:
                post = _with_fresh(post, stale, target.fresh_values(checker))
            before = snapshot(checker, ignore=target.may_write)
            checker.commit()
            body, content_type = post.body()
            response = fresh.post(target.action, data=body, content_type=content_type)
            after = snapshot(checker, ignore=target.may_write)
            try:
                assert response.status_code < 500, response.get_data(as_text=True)[:2000]
                changed = differences(before, after)
                if _accepted(target, response):
                    assert event_log_problems(checker) == []
                    assert audit_problems(session_factory) == []
                    assert _nul_written(before, after) == []
                    if changed and target.audited:
                        assert "audit_entry" in changed, f"changed without an audit row: {changed}"
                else:
                    assert changed == {}, (response.status_code, changed)
            finally:
                checker.close()

    send()
