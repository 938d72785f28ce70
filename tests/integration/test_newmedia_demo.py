"""The account stage on the demo county, over real HTTP to the farm on loopback, with the pipeline
functions the DAG tasks call, on SQLite and on PostgreSQL.

Each of the 64 registered accounts gets a state; the designed stale accounts fail NM2; the
unknown ones are listed for manual evidence; a manual sheet loaded for them changes the result
when the account stage alone is rerun for their batch.
"""

from __future__ import annotations

import asyncio
import csv
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from govinspect import pipeline
from govinspect.demo.designed import RSSHUB, outcomes
from govinspect.demo.farm import FarmHandle, start_farm
from govinspect.demo.run import DEMO_PROFILE
from govinspect.newmedia.adapters import check_accounts
from govinspect.newmedia.model import AccountTarget
from govinspect.newmedia.settings import SourceSettings
from govinspect.profile import Profile, load_profile
from govinspect.quarter import Quarter
from govinspect.registry.load import load_files
from govinspect.store import session_scope
from govinspect.store.models import AccountObservation, PostFinding, Verdict

QUARTER = "2020Q3"
TODAY = date(2020, 10, 15)
DATA = DEMO_PROFILE.parent
FAST = """timeout = 2
retry_backoff = 0.05
default_interval = 0.02
"""


@pytest.fixture(scope="module")
def farm() -> Iterator[FarmHandle]:
    handle = start_farm(TODAY)
    yield handle
    handle.stop()


@pytest.fixture
def profile(tmp_path: Path, farm: FarmHandle, monkeypatch: pytest.MonkeyPatch) -> Profile:
    """The demo profile with a short deadline (the slow feed answers after 30 s) and a word list."""
    monkeypatch.setenv("GOVINSPECT_CONNECT_TO", farm.connect_to())
    monkeypatch.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
    monkeypatch.delenv("GOVINSPECT_RSSHUB_BASE", raising=False)
    for name in ("units.csv", "website_registry.xlsx", "newmedia_registry.xlsx", "sweep.xlsx", "manual_evidence.csv"):
        (tmp_path / name).symlink_to(DATA / name)
    (tmp_path / "words.txt").write_text("电信诈骗,警示用语\n", encoding="utf-8")
    text = DEMO_PROFILE.read_text(encoding="utf-8").replace("[sources]\n", "[sources]\n" + FAST)
    text += "\n[sources.rate_limits]\napp = 0.05\nweibo = 0.05\ndouyin = 0.05\nkuaishou = 0.05\ntoutiao = 0.05\n\n[screening]\nsensitive_words = \"words.txt\"\n"
    (tmp_path / "inspection.toml").write_text(text, encoding="utf-8")
    return load_profile(tmp_path / "inspection.toml")


def _observations(url: str) -> dict[tuple[str, str], AccountObservation]:
    with session_scope(url) as session:
        return {(o.platform, o.account_id): o for o in session.execute(
            select(AccountObservation).where(AccountObservation.quarter == QUARTER)).scalars()}


def _verdicts(url: str) -> dict[str, Verdict]:
    with session_scope(url) as session:
        return {v.entity_id: v for v in session.execute(
            select(Verdict).where(Verdict.quarter == QUARTER, Verdict.entity_type == "account")).scalars()}


def _designed_state(feed: str) -> str:
    return {"cancelled": "cancelled", "none": "unknown", "malformed": "unknown", "slow": "unknown"}.get(feed, "normal")


def test_account_stage_on_the_demo_county(store_url: str, profile: Profile, tmp_path: Path) -> None:
    pipeline.snapshot_registry(QUARTER, profile, store_url)
    batches = pipeline.plan_account_batches(QUARTER, profile, store_url)
    summaries = [pipeline.check_account_batch(QUARTER, b, profile, store_url) for b in batches]
    designed = {k: v for k, v in outcomes(TODAY)["accounts"].items() if v["registered"]}
    seen = _observations(store_url)

    # every registered account has a state, and what the designed table says
    assert set(seen) == set(designed) and len(seen) == 64
    for key, d in designed.items():
        o = seen[key]
        assert (o.freshness, o.state) == (d["verdict"], _designed_state(d["feed"])), (key, d["feed"], o.reason)
        if d["verdict"] != "unknown":
            assert o.last_post == d["last_post"] and o.reason is None, key
        else:
            assert o.last_post is None and o.reason and o.evidence["needs_manual"], key
        assert o.checked_at is not None
    unknown = sorted(f"{p}:{a}" for (p, a), d in designed.items() if d["verdict"] == "unknown")
    assert sorted(k for s in summaries for k in s["needs_manual"]) == unknown and len(unknown) == 8
    assert "请求超时（2秒内无完整响应）" in seen[("douyin", "66037191287")].reason
    assert seen[("toutiao", "475844731889")].reason == "RSSHub：NotFoundError: 该账号已注销或不存在"
    wechat = seen[("wechat", "gh_1dc47150049d")]
    assert wechat.source == "none" and "没有可自动读取的公开来源" in wechat.reason

    # evidence: what was fetched, when, from where
    fetch = seen[("weibo", "6918582128")].evidence["readings"][0]["fetches"][0]
    assert fetch["url"] == f"http://{RSSHUB}/weibo/user/6918582128" and fetch["when"].endswith("+08:00")
    assert fetch["what"] == "RSSHub 路由" and fetch["status"] == 200 and len(fetch["sha256"]) == 64
    manual = seen[("wechat", "gh_54e28de10ae6")]
    assert manual.source == "manual" and manual.evidence["manual"]["who"] == "王某"

    # screening: findings for an inspector, stored per batch
    with session_scope(store_url) as session:
        findings = session.execute(select(PostFinding).where(PostFinding.quarter == QUARTER)).scalars().all()
    assert findings and {f.term for f in findings} == {"电信诈骗"} and all(f.category == "警示用语" for f in findings)
    assert sum(s["post_findings"] for s in summaries) == len(findings)

    # scoring: the stale accounts fail NM2, the unknown ones are not failed
    pipeline.score_quarter(QUARTER, profile, store_url)
    verdicts = _verdicts(store_url)
    for (platform, account_id), d in designed.items():
        v = verdicts[f"{platform}:{account_id}"]
        expected = {"fresh": "pass", "stale": "fail", "unknown": "unknown"}[d["verdict"]]
        assert v.verdict == expected, (platform, account_id)
        assert ("NM2" in v.detail["vetoes"]) == (d["verdict"] == "stale")

    # the inspector adds evidence for the four WeChat accounts no source can read …
    added = {"gh_99015bf42bf2": 3, "gh_1dc47150049d": 20, "gh_e2df526e9cd7": 9, "gh_a04a3647f88f": 30}
    sheet = tmp_path / "人工核查记录.csv"
    with (DATA / "manual_evidence.csv").open(encoding="utf-8-sig") as source:
        rows = list(csv.reader(source))
    rows += [[gh, "微信公众号", (TODAY - timedelta(days=days)).isoformat(), "高某", "2020-10-16", f"证据/2020Q3/{gh}.png", ""]
             for gh, days in added.items()]
    with sheet.open("w", encoding="utf-8-sig", newline="") as out:
        csv.writer(out).writerows(rows)
    load_files([sheet], Quarter.parse(QUARTER), url=store_url, county=profile.county, kind="manual")

    # … and only the batch holding them is rerun
    keys = {f"wechat\t{gh}" for gh in added}
    (batch,) = [b for b in batches if keys & set(b["keys"])]
    others = {k: (o.checked_at, o.evidence) for k, o in seen.items() if f"{k[0]}\t{k[1]}" not in batch["keys"]}
    summary = pipeline.check_account_batch(QUARTER, batch, profile, store_url)
    assert not any(k.startswith("wechat:") for k in summary["needs_manual"])
    after = _observations(store_url)
    for gh, days in added.items():
        o = after[("wechat", gh)]
        assert (o.source, o.last_post, o.reason) == ("manual", TODAY - timedelta(days=days), None)
        assert o.freshness == ("fresh" if days <= 14 else "stale") and o.state == "normal"
    assert {k: (o.checked_at, o.evidence) for k, o in after.items() if k in others} == others
    pipeline.score_quarter(QUARTER, profile, store_url)
    verdicts = _verdicts(store_url)
    assert {gh: verdicts[f"wechat:{gh}"].verdict for gh in added} == {
        "gh_99015bf42bf2": "pass", "gh_1dc47150049d": "fail", "gh_e2df526e9cd7": "pass", "gh_a04a3647f88f": "fail"}
    assert sum(v.verdict == "unknown" for v in verdicts.values()) == 4


def test_weibo_json_on_the_farm_agrees_with_the_rsshub_route(farm: FarmHandle, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Weibo adapter reads the farm's Weibo-like JSON: same last posts as the feeds, the old pinned
    post set aside, the broken answer left unknown (and the RSSHub route, broken too, cannot tell)."""
    monkeypatch.setenv("GOVINSPECT_CONNECT_TO", farm.connect_to())
    monkeypatch.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
    base = f"http://{RSSHUB}"
    settings = SourceSettings.from_tables({
        "rsshub_base": base, "weibo_profile_url": base + "/weibo-api/profile/{uid}",
        "weibo_timeline_url": base + "/weibo-api/container/{containerid}", "timeout": 2,
        "rate_limits": {"weibo": 0.05}})
    designed = {k: v for k, v in outcomes(TODAY)["accounts"].items() if k[0] == "weibo"}
    targets = [AccountTarget("weibo", aid, v["name"]) for (_p, aid), v in designed.items()]
    results = asyncio.run(check_accounts(targets, TODAY, settings))
    for target, result in zip(targets, results, strict=True):
        d = designed[("weibo", target.account_id)]
        assert str(result.freshness) == d["verdict"], target
        if d["verdict"] == "unknown":
            assert [r.source for r in result.readings] == ["weibo", "rsshub"]
            assert "无法解析为 JSON" in result.reason
            continue
        assert result.source == "weibo" and result.last_post == d["last_post"], target
        assert result.readings[0].name_seen == d["name"]
        assert result.readings[0].posts[0].pinned and not any(p.pinned for p in result.posts)  # the oldest: not kept
        assert len(result.readings[0].fetches) == 2


def test_batches_know_how_many_batches_read_each_platform(store_url: str, profile: Profile) -> None:
    """So that batches running at once can share a platform's rate (SourceSettings.shared_by)."""
    from dataclasses import replace

    pipeline.snapshot_registry(QUARTER, profile, store_url)
    batches = pipeline.plan_account_batches(QUARTER, replace(profile, batch_size_accounts=5), store_url)
    holding: dict[str, int] = {}
    for batch in batches:
        platforms = {key.split("\t", 1)[0] for key in batch["keys"]}
        assert set(batch["platform_batches"]) == platforms
        for platform in platforms:
            holding[platform] = holding.get(platform, 0) + 1
    for batch in batches:
        assert batch["platform_batches"] == {p: holding[p] for p in batch["platform_batches"]}
    # 28 WeChat and 8 Weibo accounts, 5 a batch: 6 and 2 batches, one more where a batch starts mid-platform
    assert holding["wechat"] in (6, 7) and holding["weibo"] in (2, 3)
