"""Quarters (季度) as the key of every stored row."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta, timezone

CHINA = timezone(timedelta(hours=8))  # China Standard Time: the day boundaries of the rules

_QUARTER_RE = re.compile(r"^\s*(\d{4})\s*[Qq-]?\s*([1-4])\s*$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        """Read ``2020Q3``, ``2020q3`` or ``2020-3``."""
        match = _QUARTER_RE.match(text or "")
        if not match:
            raise ValueError(f"not a quarter: {text!r} (expected e.g. 2020Q3)")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def containing(cls, day: date) -> Quarter:
        return cls(day.year, (day.month - 1) // 3 + 1)

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def start(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def end(self) -> date:
        """Last day of the quarter."""
        return self.next().start - timedelta(days=1)

    def next(self) -> Quarter:
        return Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)

    def previous(self) -> Quarter:
        return Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)

    def default_check_point(self) -> date:
        """The day the checks look back from: the 15th of the month after the quarter."""
        return self.next().start.replace(day=15)

    @property
    def label_zh(self) -> str:
        return f"{self.year}年第{'一二三四'[self.number - 1]}季度"
