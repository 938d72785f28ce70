"""The Airflow pools that keep govinspect polite to what it checks.

A pool caps how many task instances run at once, whatever the executor's size: website batches
(each fetches up to 20 sites, a few connections per host), account batches (all of them read
through the same feed service, e.g. one RSSHub, which must not be flooded), and the liveness
probe rounds. Create them once per Airflow deployment:

    python -m govinspect_airflow.pools pools.json && airflow pools import pools.json

A task whose pool does not exist is never scheduled, so this step belongs to every deployment's
setup (``make airflow``, the compose stack's ``airflow-init``, the integration tests).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from govinspect_airflow import FEED_POOL, PROBE_POOL, WEBSITE_POOL

FEED_SLOTS_ENV = "GOVINSPECT_FEED_SLOTS"


def feed_slots() -> int:
    """Account check batches that may run at once (``GOVINSPECT_FEED_SLOTS``, default 2).

    Each batch spaces its requests to one platform by this many times the platform's interval, so
    that the batches together keep the interval the profile sets. Change the pool's slots through
    this variable (and re-import the pools), not in the UI alone, or the platforms see a faster rate.
    """
    try:
        return max(1, int(os.environ.get(FEED_SLOTS_ENV, "2")))
    except ValueError as exc:
        raise ValueError(f"{FEED_SLOTS_ENV} must be a whole number of slots, not {os.environ[FEED_SLOTS_ENV]!r}") from exc


POOLS: dict[str, tuple[int, str]] = {
    WEBSITE_POOL: (4, "govinspect: website check batches running at once"),
    FEED_POOL: (feed_slots(), "govinspect: account check batches at once (they share the feed service, e.g. RSSHub, "
                              f"and each platform's rate: see {FEED_SLOTS_ENV})"),
    PROBE_POOL: (1, "govinspect: liveness probe rounds at once"),
}


def pools_document() -> dict[str, dict[str, object]]:
    """The pools in the format ``airflow pools import`` reads."""
    return {name: {"slots": slots, "description": description, "include_deferred": False}
            for name, (slots, description) in POOLS.items()}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    text = json.dumps(pools_document(), ensure_ascii=False, indent=2)
    if not args or args[0] == "-":
        print(text)
    else:
        Path(args[0]).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
