"""Who acts in each service's demo cases: its practitioners, managers, panel and police officer
(`Cast`), chosen from the demo users (`casts_for`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from oocd_panel.demo.panels import PanelCast
from oocd_panel.models import User


@dataclass
class Cast:
    """Who acts in one service's demo cases."""

    practitioners: Sequence[User]
    managers: Sequence[User]
    panel: PanelCast
    police: User
    # The manager who signs off each practitioner's work (found once: a million cases ask).
    _signs_off: dict[int, User] = field(default_factory=dict, repr=False)

    def manager_for(self, practitioner: User) -> User:
        """The first manager who is not the practitioner."""
        found = self._signs_off.get(practitioner.id)
        if found is None:
            found = next(m for m in self.managers if m.id != practitioner.id)
            self._signs_off[practitioner.id] = found
        return found


def casts_for(users: Mapping[str, User]) -> dict[str, Cast]:
    inspector = users["inspector@example.org"]
    return {
        "northbrook": Cast(
            practitioners=[users["practitioner@example.org"], users["practitioner2@example.org"]],
            managers=[users["manager@example.org"], users["manager2@example.org"]],
            panel=PanelCast(
                chair=users["panel.yjs@example.org"],
                police=users["panel.police@example.org"],
                advisers=[users["panel.health@example.org"]],
                volunteers=["Lee Harlow (community volunteer)"],
                inspector=inspector,
                yjs_manager=users["manager@example.org"],
            ),
            police=users["police@example.org"],
        ),
        "eastmere": Cast(
            practitioners=[users["practitioner.eastmere@example.org"]],
            managers=[users["manager2@example.org"]],
            panel=PanelCast(
                chair=users["manager2@example.org"],
                police=users["panel.eastmere@example.org"],
                volunteers=["Sam Okoro (community volunteer)", "Ash Brennan (education)"],
                inspector=inspector,
                yjs_manager=users["manager2@example.org"],
            ),
            police=users["police@example.org"],
        ),
    }
