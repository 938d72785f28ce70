"""A quarter rerun after the registry changed converges too: batch labels and members shift when
accounts are added or removed, and the store must end with exactly one row per account still in
the registry, as a first run on a clean store leaves it (SQLite and PostgreSQL, no network: WeChat
accounts are read from manual evidence only)."""

from __future__ import annotations

import dataclasses

from sqlalchemy import delete, select

QUARTER = "2020Q3"


def _register(url: str, ids: list[str]) -> None:
    """The quarter's registry holds exactly these WeChat accounts."""
    from govinspect.store import session_scope
    from govinspect.store.models import Account

    with session_scope(url) as s:
        s.execute(delete(Account).where(Account.quarter == QUARTER))
        s.add_all([Account(quarter=QUARTER, platform="wechat", account_id=i, origin="registry", name=f"前旗{i}",
                           platform_label="微信公众号", unit="旗民政局", status="正常运行") for i in ids])


def _run_account_checks(url: str, profile) -> list[dict]:
    from govinspect import pipeline

    batches = pipeline.plan_account_batches(QUARTER, profile, url)
    for batch in batches:
        pipeline.check_account_batch(QUARTER, batch, profile, url)
    return batches


def _observed(url: str) -> list[tuple[str, str]]:
    from govinspect.store import session_scope
    from govinspect.store.models import AccountObservation

    with session_scope(url) as s:
        return sorted(s.execute(select(AccountObservation.account_id, AccountObservation.batch)
                                .where(AccountObservation.quarter == QUARTER)).all())


def test_account_rows_follow_the_registry_across_reruns(store_url, demo_profile):
    profile = dataclasses.replace(demo_profile, batch_size_accounts=2)
    _register(store_url, ["gh_b", "gh_c", "gh_d", "gh_e", "gh_f"])
    first = _run_account_checks(store_url, profile)
    assert [len(b["keys"]) for b in first] == [2, 2, 1]

    # gh_a joins (every account moves one place: gh_c is now in batch 002), gh_e and gh_f leave, and
    # with them the third batch: nothing would replace its rows but the plan.
    _register(store_url, ["gh_a", "gh_b", "gh_c", "gh_d"])
    second = _run_account_checks(store_url, profile)
    assert [b["keys"] for b in second] == [["wechat\tgh_a", "wechat\tgh_b"], ["wechat\tgh_c", "wechat\tgh_d"]]
    rows = _observed(store_url)
    assert [account for account, _batch in rows] == ["gh_a", "gh_b", "gh_c", "gh_d"]
    assert dict(rows)["gh_c"] == second[1]["batch"]


def test_a_batch_rerun_alone_takes_over_rows_of_a_shifted_batch(store_url, demo_profile):
    """Clearing only the second batch after the shift: its accounts' old rows (written under the
    first batch's label) are replaced, not duplicated, and the write does not collide."""
    from govinspect import pipeline

    profile = dataclasses.replace(demo_profile, batch_size_accounts=2)
    _register(store_url, ["gh_b", "gh_c", "gh_d"])
    _run_account_checks(store_url, profile)
    _register(store_url, ["gh_a", "gh_b", "gh_c", "gh_d"])
    batches = pipeline.plan_account_batches(QUARTER, profile, store_url)
    pipeline.check_account_batch(QUARTER, batches[1], profile, store_url)
    rows = dict(_observed(store_url))
    assert sorted(rows) == ["gh_b", "gh_c", "gh_d"]
    assert rows["gh_c"] == rows["gh_d"] == batches[1]["batch"]
