from __future__ import annotations

from oocd_panel.catalogue import ethnicity
from oocd_panel.catalogue.ethnicity import BroadGroup


def test_ons_2021_has_19_categories_plus_not_stated_in_five_groups() -> None:
    categories = [e for e in ethnicity.ONS_2021 if e.code != ethnicity.NOT_STATED]
    assert len(categories) == 19
    assert {e.group for e in categories} == {
        BroadGroup.ASIAN,
        BroadGroup.BLACK,
        BroadGroup.MIXED,
        BroadGroup.WHITE,
        BroadGroup.OTHER,
    }
    assert ethnicity.broad_group("not_stated") is BroadGroup.NOT_STATED


def test_every_police_16_plus_1_code_maps_to_a_census_category() -> None:
    assert len(ethnicity.POLICE_16_PLUS_1) == 17
    assert ethnicity.from_police_code("b1").code == "black_caribbean"
    assert ethnicity.from_police_code(" M1 ").group is BroadGroup.MIXED
    assert ethnicity.from_police_code("O1").group is BroadGroup.ASIAN  # Chinese: Asian in ONS 2021
    assert ethnicity.from_police_code("NS").code == ethnicity.NOT_STATED
    for code in ethnicity.POLICE_16_PLUS_1:
        assert ethnicity.is_valid(ethnicity.from_police_code(code).code)
