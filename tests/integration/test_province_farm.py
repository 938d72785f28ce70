"""The province benchmark's inputs (bench/province.py, bench/feedfarm.py) are what they claim to be:
the generated registry loads without a quarantined row, and the account check, reading the account
farm through nginx, reports every account's designed outcome."""

from __future__ import annotations

import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import feedfarm  # noqa: E402
from province import QUARTER, generate_province  # noqa: E402

ACCOUNTS = 600


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory):
    return generate_province(tmp_path_factory.mktemp("province"), websites=8, accounts=ACCOUNTS, pages=3,
                             source_timeout=6.0, cover=True)


def test_designed_accounts_cover_every_outcome() -> None:
    accounts = feedfarm.design_accounts(ACCOUNTS, [f"单位{n}" for n in range(50)], cover=True)
    pairs = Counter((a.platform, a.outcome) for a in accounts)
    for platform in feedfarm.RSS_ROUTES:
        for outcome, _share in feedfarm.READABLE_MIX:
            assert pairs[(platform, outcome)] >= 1, (platform, outcome)
    assert {o for p, o in pairs if p == "app"} == {"fresh", "stale", "gone"}
    assert {o for p, o in pairs if p == "wechat"} == {"manual", "manual_stale", "none"}
    assert len({(a.platform, a.account_id) for a in accounts}) == ACCOUNTS


def test_registry_loads_without_quarantine(province) -> None:
    from govinspect.profile import load_profile
    from govinspect.quarter import Quarter
    from govinspect.registry.load import dry_report, parse_sources, profile_sources

    profile = load_profile(province.profile)
    q = Quarter.parse(QUARTER)
    paths, kinds = profile_sources(profile, q)
    report = dry_report(parse_sources(paths, q, kinds, as_of=profile.check_point_for(q)), q)
    assert not report.quarantined, report.summary_lines()[:20]
    assert report.imported == {"units": province.units, "websites": province.websites,
                               "accounts": province.accounts, "sweep": province.sweep, "manual": province.manual}


@pytest.mark.skipif(shutil.which("nginx", path="/usr/sbin:/usr/local/sbin:/usr/bin") is None,
                    reason="nginx is not installed (bench/setup.sh installs it)")
def test_account_check_reports_designed_outcomes(province, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy import select

    from govinspect import pipeline
    from govinspect.profile import load_profile
    from govinspect.store import engine_for, migrate, session_scope
    from govinspect.store.models import AccountObservation

    manifest = feedfarm.FeedManifest.load(Path(province.root) / "feeds")
    assert manifest.hang and manifest.drip and manifest.slow
    url = f"sqlite:///{tmp_path / 'store.db'}"
    with feedfarm.FeedNginx(manifest) as server:
        monkeypatch.setenv("GOVINSPECT_CONNECT_TO", ",".join(
            f"{h}:{p}:{a}:{ap}" for (h, p), (a, ap) in server.connect_to().items()))
        monkeypatch.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
        monkeypatch.setenv("GOVINSPECT_PER_HOST_RATE", "0")
        profile = load_profile(province.profile)
        migrate(url)
        pipeline.snapshot_registry(QUARTER, profile, url)
        for batch in pipeline.plan_account_batches(QUARTER, profile, url):
            pipeline.check_account_batch(QUARTER, batch, profile, url)
    with session_scope(url) as session:
        seen = {f"{o.platform}:{o.account_id}": (o.freshness, o.state)
                for o in session.execute(select(AccountObservation).where(AccountObservation.quarter == QUARTER)).scalars()}
    engine_for(url).dispose()
    wrong = {}
    for key, (freshness, state, outcome) in province.designed.items():
        got = seen.get(key)
        if got is None or got[0] != freshness or (state == "gone" and got[1] not in ("cancelled", "not_found", "banned")):
            wrong[key] = (outcome, freshness, state, got)
    assert not wrong, Counter(v[:3] + (v[3],) for v in wrong.values())
    assert Counter(f for f, _s in seen.values()).keys() == {"fresh", "stale", "unknown"}
