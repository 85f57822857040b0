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


def test_only_a_conditional_caution_or_deferred_prosecution_makes_the_work_compulsory() -> None:
    conditional = {d.code for d in disposals.CATALOGUE if d.work is Work.CONDITIONAL}
    assert conditional == {"youth_conditional_caution", "deferred_prosecution"}
    assert disposals.get("youth_caution").work_is_voluntary
    assert disposals.get("community_resolution").work_is_voluntary


def test_cautions_count_as_first_time_entry_and_community_resolutions_do_not() -> None:
    fte = {d.code for d in disposals.CATALOGUE if d.counts_as_first_time_entrant}
    assert fte == {"youth_caution", "youth_conditional_caution"}


def test_unknown_codes_are_errors() -> None:
    with pytest.raises(KeyError):
        disposals.get("banishment")
    assert disposals.find("banishment") is None
