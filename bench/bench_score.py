"""Benchmark: score 100,000 entities (10,000 websites + 90,000 accounts) with the national rubric.

    PYTHONPATH=include python bench/bench_score.py [--websites N] [--accounts N] [--seed S] [--rubric NAME] [--quick]

Prints ``score_100k_seconds`` (validation + scoring of the whole observations document), the
``json.loads`` time of the same document measured in the same run as a baseline, their ratio
``score_vs_json_parse``, the unit rollup time in Python (``scoring/units.py``) and in SQL on a
SQLite store (``sql/unit_*_scores.sql``, checked to give the same unit scores), and the peak RSS.
Target: under 10 s.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from govinspect.scoring import load_rubric, score_observations, unit_scores

CHECK_POINT = date(2020, 10, 15)
COLUMN_MIX = [
    ("要闻动态", "dynamic", 14),
    ("部门动态", "dynamic", 14),
    ("乡镇动态", "dynamic", 14),
    ("通知公告", "notice", 180),
    ("政策文件", "policy", 180),
    ("规范性文件", "policy", 180),
    ("政策解读", "interpretation", 180),
    ("人事信息", "personnel", 365),
    ("规划计划", "planning", 365),
    ("在线访谈", "interview", 180),
    ("领导信箱", "consult", 0),
    ("意见征集", "survey", 0),
    ("重点领域信息公开", "other", 180),
    ("财政预决算", "other", 180),
]
PLATFORMS = [
    ("wechat", 44),
    ("weibo", 12),
    ("douyin", 19),
    ("toutiao", 9),
    ("kuaishou", 8),
    ("app", 3),
    ("miniprogram", 5),
]


def _day(age: int) -> str:
    return (CHECK_POINT - timedelta(days=age)).isoformat()


def _age(rng: random.Random, window: int, stale_share: float) -> int | None:
    """A column or post age: mostly inside its window, sometimes stale, sometimes undated."""
    roll = rng.random()
    if roll < 0.03:
        return None
    if roll < 0.03 + stale_share:
        return window + rng.randint(1, 400)
    return rng.randint(0, max(window, 1))


def make_website(rng: random.Random, index: int, unit: str) -> dict[str, Any]:
    portal = index % 10 == 0
    total = rng.randint(140, 170)
    failed = rng.choice([0, 0, 0, 0, 1, 2, 3]) if rng.random() > 0.04 else rng.randint(8, total // 3)
    columns = []
    for name, kind, window in rng.sample(COLUMN_MIX, rng.randint(6, len(COLUMN_MIX))):
        blank = rng.random() < 0.05
        age = _age(rng, window or 90, 0.12)
        columns.append(
            {
                "name": name,
                "type": kind,
                "level": 1 if rng.random() < 0.8 else 2,
                "latest": None if blank or age is None else _day(age),
                "items": 0 if blank else rng.randint(1, 40),
            }
        )
    homepage = _age(rng, 14, 0.04)
    site: dict[str, Any] = {
        "id": f"{150000 + index // 100:06d}{index % 10000:04d}",
        "name": f"{unit}{'门户网站' if portal else '网站'}",
        "unit": unit,
        "kind": "portal" if portal else "department",
        "has_services": portal or rng.random() < 0.8,
        "probes": {"total": total, "failed": failed},
        "homepage_latest": None if homepage is None else _day(homepage),
        "columns": columns,
        "dead_links": {"homepage": rng.choice([0, 0, 0, 1, 2]), "other": rng.randint(0, 30)},
        "interaction": {
            "has_channel": rng.random() > 0.03,
            "oldest_unanswered_days": rng.randint(0, 120) if rng.random() < 0.3 else 0,
        },
        "services": {
            "available": rng.random() > 0.02,
            "guide_missing_counts": [rng.randint(0, 5) for _ in range(rng.randint(0, 8))],
        },
        "manual": {
            "security_incident": False,
            "serious_error": rng.random() < 0.005,
            "bonus": rng.randint(0, 30) if portal else 0,
        },
    }
    if rng.random() < 0.2:
        site["manual"]["deductions"] = [
            {
                "rule": "人工",
                "indicator": "互动交流",
                "points": rng.choice([1, 2, 3]),
                "evidence": "留言未公开",
            }
        ]
    return site


def make_account(rng: random.Random, index: int, unit: str) -> dict[str, Any]:
    platform = rng.choices([p for p, _ in PLATFORMS], weights=[w for _, w in PLATFORMS])[0]
    age = _age(rng, 14, 0.2)
    unknown = rng.random() < 0.08
    return {
        "id": f"{platform}-{index:07d}",
        "name": f"{unit}发布{index % 7}",
        "platform": platform,
        "unit": unit,
        "registered": rng.random() > 0.05,
        "last_post": None if unknown or age is None else _day(age),
        "interaction": {"has_channel": rng.random() > 0.1},
        "manual": {"security_incident": False, "serious_error": rng.random() < 0.002},
    }


def make_document(websites: int, accounts: int, seed: int, rubric: str) -> dict[str, Any]:
    rng = random.Random(seed)
    units = [f"单位{i:04d}" for i in range(max(1, (websites + accounts) // 100))]
    return {
        "check_point": CHECK_POINT.isoformat(),
        "indicator_set": rubric,
        "websites": [make_website(rng, i, units[i % len(units)]) for i in range(websites)],
        "accounts": [make_account(rng, i, units[rng.randrange(len(units))]) for i in range(accounts)],
    }


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    gc.collect()
    start = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - start


def sql_rollup(verdicts: dict[str, Any], rubric: Any) -> tuple[list[dict[str, Any]], float]:
    """Store the verdicts in a fresh SQLite file and time the SQL rollup of their quarter (and year)."""
    from govinspect.assessment import rollup, stored_unit_scores
    from govinspect.store import migrate, replace_partition, session_scope
    from govinspect.store.models import Verdict

    quarter = verdicts["quarter"]
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        migrate(url)
        rows = [
            {"entity_type": kind, "entity_id": f"{kind}:{v['id']}", "unit": v["unit"], "unit_kind": None,
             "platform": v.get("platform"), "verdict": v["verdict"], "score": v["score"],
             "indicator_set": rubric.name, "detail": {}}
            for kind, key in (("website", "websites"), ("account", "accounts")) for v in verdicts[key]
        ]
        with session_scope(url) as session:
            replace_partition(session, Verdict, {"quarter": quarter}, rows)
        _counts, seconds = _timed(lambda: rollup(quarter, rubric, url=url))
        stored = stored_unit_scores(quarter, url=url)
        from govinspect.store import engine_for

        engine_for(url).dispose()
    return stored, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--websites", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=90_000)
    parser.add_argument("--seed", type=int, default=20201015)
    parser.add_argument("--rubric", default="national-2019")
    parser.add_argument(
        "--quick", action="store_true", help="a tenth of the size (1,000 + 9,000), for a smoke run"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.websites, args.accounts = args.websites // 10, args.accounts // 10

    rubric = load_rubric(args.rubric)
    text = json.dumps(make_document(args.websites, args.accounts, args.seed, rubric.name), ensure_ascii=False)
    document, parse_seconds = _timed(json.loads, text)
    verdicts, score_seconds = _timed(score_observations, document, rubric)
    units, unit_seconds = _timed(unit_scores, verdicts, rubric)
    stored, sql_seconds = sql_rollup(verdicts, rubric)
    fields = ("score", "website_score", "account_score", "judged", "failed", "unknown")
    same = {u["unit"]: tuple(u[f] for f in fields) for u in units} == {
        u["unit"]: tuple(u[f] for f in fields) for u in stored}
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    entities = args.websites + args.accounts
    failed_sites = sum(1 for w in verdicts["websites"] if w["verdict"] == "fail")
    counts = {
        v: sum(1 for a in verdicts["accounts"] if a["verdict"] == v) for v in ("pass", "fail", "unknown")
    }
    print(
        f"entities: {entities} ({args.websites} websites, {args.accounts} accounts), rubric {rubric.name}, seed {args.seed}"
    )
    print(f"document_mb: {len(text.encode()) / 1e6:.1f}")
    print(
        f"verdicts: websites failed {failed_sites}/{args.websites}; accounts pass {counts['pass']} fail {counts['fail']} unknown {counts['unknown']}"
    )
    label = "score_100k_seconds" if entities == 100_000 else f"score_{entities}_seconds"
    print(f"{label}: {score_seconds:.2f}")
    print(f"json_parse_seconds: {parse_seconds:.2f}")
    print(f"score_vs_json_parse: {score_seconds / parse_seconds:.1f}x")
    print(f"unit_scores_seconds: {unit_seconds:.2f} ({len(units)} units)")
    print(f"sql_rollup_sqlite_seconds: {sql_seconds:.2f} (quarter and year; same unit scores as units.py: {same})")
    print(f"sql_rollup_vs_unit_scores: {sql_seconds / unit_seconds:.1f}x")
    print(f"peak_rss_mb: {peak_kb / 1024:.0f}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
