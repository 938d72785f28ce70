"""When a quarter counts as overdue: its notice (通报) is not out by a configurable day of the next quarter.

The ``notice_deadline`` DAG asks this every morning. "Out" means the quarter's last stage, the
notice, is recorded in the store — whichever DAG run (scheduled, manual, or repaired by clearing
a batch) finally produced it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, timedelta

DUE_DAY_ENV = "GOVINSPECT_NOTICE_DUE_DAY"
DEFAULT_DUE_DAY = 10


def due_day() -> int:
    """``GOVINSPECT_NOTICE_DUE_DAY``: the day of a quarter's first month by which the previous quarter's
    notice must be out (default 10, i.e. 10 January, April, July and October)."""
    raw = os.environ.get(DUE_DAY_ENV, "").strip()
    if not raw:
        return DEFAULT_DUE_DAY
    if not raw.isdigit() or not 1 <= int(raw) <= 28:
        raise ValueError(f"{DUE_DAY_ENV}: expected a day of the month from 1 to 28, got {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class NoticeDeadline:
    quarter: str
    due: date
    today: date
    issued: bool

    @property
    def overdue(self) -> bool:
        return not self.issued and self.today > self.due

    def describe(self) -> str:
        if self.issued:
            return f"the {self.quarter} notice is out (due {self.due})"
        if self.overdue:
            late = (self.today - self.due).days
            return (f"the {self.quarter} notice is overdue: it was due {self.due} and is still not out "
                    f"{late} day{'s' if late != 1 else ''} later; check the quarterly_inspection run for {self.quarter}")
        return f"the {self.quarter} notice is not out yet; it is due {self.due}"


def quarter_due(today: date, day: int) -> tuple[str, date]:
    """The quarter whose notice is awaited on ``today`` (the one just ended) and its due date."""
    from govinspect.quarter import Quarter

    current = Quarter.containing(today)
    return str(current.previous()), current.start + timedelta(days=day - 1)


def check_notice_deadline(today: date, url: str | None, day: int | None = None) -> NoticeDeadline:
    """Whether the notice of the quarter just ended is out, and whether it is late, as of ``today``."""
    from govinspect.store import session_scope
    from govinspect.store.models import StageRun

    quarter, due = quarter_due(today, day or due_day())
    with session_scope(url) as session:
        issued = session.get(StageRun, (quarter, "notice")) is not None
    return NoticeDeadline(quarter=quarter, due=due, today=today, issued=issued)
