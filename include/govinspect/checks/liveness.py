"""Homepage availability (站点无法访问, veto V2): probes and the weekly failure ratio."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime, timedelta

from govinspect.checks.outcomes import Outcome
from govinspect.net import HttpClient

PROBE_TIMEOUT = 15.0  # a probe fails if the homepage has not opened within 15 s (spec §2.2 V2)
PROBE_MAX_BYTES = 10 * 1024 * 1024


@dataclass
class ProbeResult:
    url: str
    outcome: str
    status: int | None
    elapsed_ms: int

    def as_dict(self) -> dict:
        return {"url": self.url, "outcome": self.outcome, "status": self.status, "elapsed_ms": self.elapsed_ms}


async def probe(client: HttpClient, url: str) -> ProbeResult:
    """One probe: the homepage must answer 2xx/3xx with its whole body within the budget."""
    result = await client.fetch(url, timeout=PROBE_TIMEOUT, max_bytes=PROBE_MAX_BYTES)
    return ProbeResult(url, str(result.outcome), result.status, result.elapsed_ms)


async def probe_many(urls: list[str], client: HttpClient | None = None) -> list[ProbeResult]:
    if client is None:
        async with HttpClient() as own:
            return await asyncio.gather(*(probe(own, u) for u in urls))
    return await asyncio.gather(*(probe(client, u) for u in urls))


def schedule(day_start: datetime, per_day: int, offset_seconds: int) -> list[datetime]:
    """Spread ``per_day`` probe times evenly over a day, shifted by a per-site offset (jitter)."""
    step = timedelta(days=1) / per_day
    shift = timedelta(seconds=offset_seconds % int(step.total_seconds()))
    return [day_start + i * step + shift for i in range(per_day)]


@dataclass
class Availability:
    total: int
    failed: int
    days_covered: int
    by_outcome: dict[str, int]

    @property
    def ratio(self) -> float | None:
        return None if self.total == 0 else self.failed / self.total


def summarize(outcomes: list[tuple[datetime, str]]) -> Availability:
    """Fold a week of probes into totals; only outcomes other than ``ok`` count as failures."""
    by_outcome: dict[str, int] = {}
    days = set()
    failed = 0
    for at, outcome in outcomes:
        by_outcome[outcome] = by_outcome.get(outcome, 0) + 1
        days.add(at.date())
        if Outcome(outcome).failed:
            failed += 1
    return Availability(len(outcomes), failed, len(days), by_outcome)
