"""The assessment pages, as a practitioner, a manager, the panel and the police meet them."""

from __future__ import annotations

import datetime as dt
import random

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from oocd_panel.catalogue.assessment_sections import SECTIONS
from oocd_panel.demo.assessment_answers import answers_for
from oocd_panel.models import AssessmentStatus, Referral, ReferralStatus, Role
from oocd_panel.plumbing.clock import local_today
from tests.factories import Factory
from tests.web.helpers import error_summary, sign_in, text_of

S = ReferralStatus


def _form(
    answers: dict[str, object], completed: str = "yes", version: str = "0"
) -> dict[str, object]:
    return {**answers, "completed": completed, "version": version}


def test_the_task_list_shows_each_section_status(client: FlaskClient, factory: Factory) -> None:
    referral = factory.referral_at(S.ASSESSING)
    sign_in(client, factory.cast(Role.PRACTITIONER))
    answers = answers_for(random.Random(1), "youth_caution")
    client.post(f"/cases/{referral.id}/assessment/behaviour", data=_form(answers["behaviour"]))
    client.post(f"/cases/{referral.id}/assessment/voices", data=_form(answers["voices"], "no"))
    page = text_of(client.get(f"/cases/{referral.id}/assessment"))
    assert "what will help the child stop offending. Completed" in page
    assert "Voices: the child, their family and the victim" in page
    assert page.count("In progress") == 1
    assert page.count("Not started") == 5
    assert "Complete every section to send the assessment for sign-off." in page


def test_a_section_that_needs_more_keeps_the_text_and_says_what_to_add(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.ASSESSING)
    sign_in(client, factory.cast(Role.PRACTITIONER))
    response = client.post(
        f"/cases/{referral.id}/assessment/safety",
        data=_form({"rating": "very_high", "rationale": "Seen with <older> boys."}),
    )
    assert response.status_code == 400
    summary = error_summary(response)
    assert summary[0] == ("", "Your answers are saved, but the section is not completed yet:")
    assert (
        "#rationale",
        "Rationale for the rating needs more: explain the nature, context and "
        "imminence of harm, in at least 20 words (it has 4)",
    ) in summary
    assert ("#evidence", "Select at least one source of evidence for a rating above low") in summary
    assert "Seen with &lt;older&gt; boys." in response.get_data(as_text=True)
    session.expire_all()
    saved = session.get(Referral, referral.id).assessment.section("safety")  # type: ignore[union-attr]
    assert saved is not None
    assert (saved.answers["rationale"], saved.completed) == ("Seen with <older> boys.", False)


def test_someone_elses_save_is_reported_and_the_text_shown_back(
    client: FlaskClient, factory: Factory
) -> None:
    referral = factory.referral_at(S.ASSESSING)
    sign_in(client, factory.cast(Role.PRACTITIONER))
    answers = answers_for(random.Random(1), "youth_caution")["behaviour"]
    client.post(f"/cases/{referral.id}/assessment/behaviour", data=_form(answers, "no", "0"))
    # A second save from a page opened before the first one (version 0).
    response = client.post(
        f"/cases/{referral.id}/assessment/behaviour",
        data=_form({**answers, "concerns": "My late edit."}, "no", "0"),
    )
    assert response.status_code == 400
    assert "Someone else saved this section" in error_summary(response)[0][1]
    assert "My late edit." in response.get_data(as_text=True)


def test_an_unknown_choice_is_refused_with_the_text_kept(
    client: FlaskClient, factory: Factory
) -> None:
    referral = factory.referral_at(S.ASSESSING)
    sign_in(client, factory.cast(Role.PRACTITIONER))
    response = client.post(
        f"/cases/{referral.id}/assessment/safety",
        data=_form({"rating": "apocalyptic", "rationale": "Kept text."}),
    )
    assert (
        "#rating",
        "Select an answer for 'Rating of risk to the child's safety and wellbeing' from the list",
    ) in error_summary(response)
    assert "Kept text." in response.get_data(as_text=True)


def test_submitting_lists_what_is_missing_with_links(client: FlaskClient, factory: Factory) -> None:
    referral = factory.referral_at(S.ASSESSING)
    sign_in(client, factory.cast(Role.PRACTITIONER))
    page = client.get(f"/cases/{referral.id}/assessment/submit")
    summary = error_summary(page)
    assert len(summary) == len(SECTIONS)
    assert summary[0] == (
        f"/cases/{referral.id}/assessment/circumstances",
        "Complete the section 'Circumstances, family, diversity and identity'",
    )
    assert "Send for sign-off" not in page.get_data(as_text=True)


def test_warnings_are_shown_before_sending_and_to_the_manager(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.ASSESSING)
    analysis = "Seen travelling to another town twice with older boys who supply drugs; " * 2
    factory.complete_assessment(
        referral,
        exploitation={"county_lines": "yes", "analysis": analysis, "evidence": ["police"]},
        safety={"rating": "low"},
    )
    sign_in(client, factory.cast(Role.PRACTITIONER))
    page = text_of(client.get(f"/cases/{referral.id}/assessment/submit"))
    assert "Exploitation is indicated but the risk to the child is rated low" in page
    response = client.post(
        f"/cases/{referral.id}/assessment/submit", data={"version": str(referral.version)}
    )
    assert response.status_code == 302
    session.expire_all()
    client.post("/sign-out")
    sign_in(client, factory.cast(Role.MANAGER))
    review = text_of(client.get(f"/cases/{referral.id}/assessment/review"))
    assert "Exploitation is indicated but the risk to the child is rated low" in review


def test_the_manager_returns_then_signs_off_and_sees_what_changed(
    client: FlaskClient, factory: Factory, session: Session
) -> None:
    referral = factory.referral_at(S.AWAITING_SIGN_OFF)
    sign_in(client, factory.cast(Role.MANAGER))
    response = client.post(
        f"/cases/{referral.id}/assessment/review",
        data={"version": str(referral.version), "outcome": "returned"},
    )
    assert ("#comment", "Enter directions: what needs to change") in error_summary(response)
    response = client.post(
        f"/cases/{referral.id}/assessment/review",
        data={
            "version": str(referral.version),
            "outcome": "returned",
            "comment": "Name who is at risk.",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    referral = session.get(Referral, referral.id)  # type: ignore[assignment]
    assert referral.status is S.ASSESSING

    client.post("/sign-out")
    sign_in(client, factory.cast(Role.PRACTITIONER))
    tasks = text_of(client.get(f"/cases/{referral.id}/assessment"))
    assert "Name who is at risk." in tasks
    others = referral.assessment.section("others")  # type: ignore[union-attr]
    assert others is not None
    client.post(
        f"/cases/{referral.id}/assessment/others",
        data=_form(
            {**others.answers, "who_at_risk": "Younger pupils at the bus stop."},
            version=str(others.version),
        ),
    )
    assert (
        client.post(
            f"/cases/{referral.id}/assessment/submit", data={"version": str(referral.version)}
        ).status_code
        == 302
    )

    client.post("/sign-out")
    sign_in(client, factory.cast(Role.MANAGER))
    review = client.get(f"/cases/{referral.id}/assessment/review")
    page = text_of(review)
    assert "What changed since version 1" in page
    assert "Risk of harm to others: Who is at risk" in page
    assert "Younger pupils at the bus stop." in page
    session.expire_all()
    referral = session.get(Referral, referral.id)  # type: ignore[assignment]
    response = client.post(
        f"/cases/{referral.id}/assessment/review",
        data={
            "version": str(referral.version),
            "outcome": "signed_off",
            "comment": "Good: risks now analysed.",
        },
    )
    assert response.status_code == 302
    session.expire_all()
    referral = session.get(Referral, referral.id)  # type: ignore[assignment]
    assert referral.assessment.status is AssessmentStatus.SIGNED_OFF  # type: ignore[union-attr]
    # Read-only once signed off.
    page = client.get(f"/cases/{referral.id}/assessment/others")
    assert "<form" not in page.get_data(as_text=True).split("<main")[1]
    assert "Younger pupils at the bus stop." in text_of(page)


def test_the_panel_reads_the_assessment_and_the_police_never_do(
    client: FlaskClient, factory: Factory
) -> None:
    referral = factory.referral_at(S.READY_FOR_PANEL)
    sign_in(client, factory.cast(Role.PANEL_MEMBER))
    version = text_of(client.get(f"/cases/{referral.id}/assessment/versions/1"))
    assert "Signed off by" in version
    client.post("/sign-out")
    sign_in(client, factory.cast(Role.POLICE_OFFICER))
    assert client.get(f"/cases/{referral.id}/assessment").status_code == 403
    assert client.get(f"/cases/{referral.id}/assessment/versions/1").status_code == 403
    case_page = text_of(client.get(f"/cases/{referral.id}"))
    assert "Pre-panel assessment" not in case_page
    assert "Open the assessment" not in case_page


def test_the_childs_plan_is_in_plain_words(client: FlaskClient, factory: Factory) -> None:
    referral = factory.referral_at(S.READY_FOR_PANEL)
    sign_in(client, factory.cast(Role.PRACTITIONER))
    page = text_of(client.get(f"/cases/{referral.id}/plan"))
    assert f"{referral.child.known_as}'s plan" in page
    assert "This is your plan. We wrote it with you." in page
    assert "You can meet a youth worker once a week for 6 weeks" in page
    assert "Draft" not in page


def test_due_and_overdue_show_on_my_work_and_the_case_list(
    client: FlaskClient, factory: Factory
) -> None:
    late = factory.referral(
        received_on=local_today() - dt.timedelta(days=40),
        offence_date=local_today() - dt.timedelta(days=45),
    )
    on_time = factory.referral()
    sign_in(client, factory.cast(Role.PRACTITIONER))
    for url in ("/", "/cases"):
        page = text_of(client.get(url))
        assert "Overdue by" in page
        assert f"Due {on_time.assessment_due_on.day}" in page  # type: ignore[union-attr]
    assert late.assessment_due_on is not None
