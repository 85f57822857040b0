"""The panel pack's briefing, worked out at most once every few minutes per service.

The briefing counts a year of the service's decisions four ways. At a million referrals that is
over a hundred thousand decisions in a large service: a tenth of a second or more even from the
covering index, which would be most of a pack's cost, paid again for every case on the agenda
and every member who opens it. The figures move slowly (a dozen decisions a day against a year
of them), so each worker keeps the latest briefing of each service for `FRESH_FOR` and the pack
says when its figures were worked out. The cache is a cache, not a store: it holds at most
`SIZE` briefings, is lost when a worker restarts, and each worker works its own out.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from oocd_panel.evaluation.reports import Briefing, briefing
from oocd_panel.plumbing.clock import utcnow

FRESH_FOR = dt.timedelta(minutes=10)
SIZE = 256


@dataclass(frozen=True)
class KeptBriefing:
    briefing: Briefing
    worked_out_at: dt.datetime


class BriefingCache:
    """Briefings by (service, day, suppression threshold), each kept for `fresh_for`."""

    def __init__(
        self,
        fresh_for: dt.timedelta = FRESH_FOR,
        size: int = SIZE,
        now: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.fresh_for = fresh_for
        self.size = size
        self._now = now
        self._kept: OrderedDict[tuple[int, dt.date, int], KeptBriefing] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self, session: Session, service_id: int, today: dt.date, threshold: int
    ) -> KeptBriefing:
        key = (service_id, today, threshold)
        now = self._now()
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and now - kept.worked_out_at < self.fresh_for:
                self._kept.move_to_end(key)
                return kept
        # Worked out outside the lock: two requests at once may both count, which is harmless.
        kept = KeptBriefing(briefing(session, service_id, today, threshold), now)
        with self._lock:
            self._kept[key] = kept
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return kept

    def __len__(self) -> int:
        return len(self._kept)
