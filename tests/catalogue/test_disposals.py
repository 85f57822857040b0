from __future__ import annotations

import pytest

from oocd_panel.catalogue import disposals
from oocd_panel.catalogue.disposals import Work


def test_the_gravity_matrix_defaults() -> None:
    assert [disposals.gravity_default(n).code for n in range(1, 6)] == [  # type: ignore[union-attr]
        "no_further_action",
        "community_resolution",
        "youth_caution",
        "youth_conditional_caution",
        "charge",
    ]


def test_only_a_conditional_caution_or_outcome_23_makes_the_work_compulsory() -> None:
    conditional = {d.code for d in disposals.CATALOGUE if d.work is Work.CONDITIONAL}
    assert conditional == {"youth_conditional_caution", "outcome_23"}
    assert disposals.get("youth_caution").work_is_voluntary
    assert disposals.get("community_resolution").work_is_voluntary


def test_cautions_count_as_first_time_entry_and_community_resolutions_do_not() -> None:
    fte = {d.code for d in disposals.CATALOGUE if d.counts_as_first_time_entrant}
    assert fte == {"youth_caution", "youth_conditional_caution"}


def test_unknown_codes_are_errors() -> None:
    with pytest.raises(KeyError):
        disposals.get("banishment")
    assert disposals.find("banishment") is None


def test_outcome_22_and_outcome_23_are_different_promises() -> None:
    """Outcome 22: support, no admission, saying no ends it. Outcome 23: a deferred prosecution,
    no admission, conditions, and not doing them lets the prosecution decision go ahead."""
    o22, o23 = disposals.get("outcome_22"), disposals.get("outcome_23")
    assert o22.work is Work.VOLUNTARY
    assert o22.declining_ends_the_case
    assert "court" not in disposals.letter_texts("outcome_22").child_if_not
    assert o23.work is Work.CONDITIONAL
    assert o23.admission_needed is False
    assert not o23.declining_ends_the_case
    assert "court" in o23.if_not_taking_part
    assert "court" in disposals.letter_texts("outcome_23").child_if_not
    assert o22.name.startswith("Outcome 22")
    assert o23.name.startswith("Outcome 23")
    assert not any("Outcome 22 or 23" in d.name for d in disposals.CATALOGUE)


def test_the_old_combined_code_reads_as_outcome_23() -> None:
    """History written before the split (event details, the audit trail) still reads."""
    assert disposals.get("deferred_prosecution") is disposals.get("outcome_23")
    assert disposals.find("deferred_prosecution") is disposals.get("outcome_23")
    assert "deferred_prosecution" not in disposals.codes()
