"""Unit quarterly scores and annual scores (spec §4.1) under the national rubric and the presets."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from govinspect.scoring import (
    ObservationsError,
    annual_score,
    load_rubric,
    quarter_for_check_point,
    score_observations,
    unit_scores,
)
from test_scoring_support import clean_account, clean_site, days_before, document


def town_verdicts(rubric: str) -> dict[str, Any]:
    """One town: a website at 90, a passing account, a stale (vetoed) account, an unknown account."""
    unit = "敖勒召其镇"
    sites = [clean_site(id="s1", unit=unit, kind="department", dead_links={"homepage": 10, "other": 0})]
    accounts = [
        clean_account(id="ok", unit=unit),
        clean_account(id="stale", unit=unit, last_post=days_before(30)),
        clean_account(id="unknown", unit=unit, last_post=None),
    ]
    return score_observations(document(sites, accounts, indicator_set=rubric))


def only(rows: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(rows) == 1
    return rows[0]


def test_national_mean_over_websites_and_accounts() -> None:
    row = only(unit_scores(town_verdicts("national-2019"), "national-2019"))
    # (90 + 100 + 0) / 3; the unknown account is left out and counted
    assert row["score"] == 63.33
    assert (row["websites"], row["accounts"], row["unknown_accounts"], row["vetoed_accounts"]) == (1, 2, 1, 1)
    assert (row["website_score"], row["account_score"], row["verdict"], row["quarter"]) == (
        90.0,
        50.0,
        "pass",
        "2020Q3",
    )


def test_zhaoqing_vetoed_account_counts_59_and_caps_the_unit() -> None:
    row = only(unit_scores(town_verdicts("zhaoqing-2019"), "zhaoqing-2019"))
    assert row["account_score"] == 79.5  # (100 + 59) / 2
    assert row["score"] == 59.0 and row["capped"] is True and row["verdict"] == "fail"


def test_zhaoqing_without_vetoes_is_not_capped() -> None:
    verdicts = score_observations(document([clean_site()], [clean_account()], indicator_set="zhaoqing-2019"))
    row = only(unit_scores(verdicts, "zhaoqing-2019"))
    assert row["score"] == 100.0 and row["capped"] is False


def test_wanzhi_weights_websites_30_new_media_70() -> None:
    row = only(unit_scores(town_verdicts("wanzhi-2021"), "wanzhi-2021"))
    assert row["score"] == 62.0  # 0.3 × 90 + 0.7 × 50


def test_weighted_unit_with_one_part_only() -> None:
    verdicts = score_observations(
        document(accounts=[clean_account(), clean_account(id="x", last_post=days_before(20))])
    )
    row = only(unit_scores(verdicts, "wanzhi-2021"))
    assert row["score"] == 50.0 and row["website_score"] is None


def test_vetoed_website_counts_zero_and_bonus_counts() -> None:
    sites = [
        clean_site(id="a", unit="U", homepage_latest=None),
        clean_site(id="b", unit="U", manual={"bonus": 20}),
    ]
    row = only(unit_scores(score_observations(document(sites)), "national-2019"))
    assert row["score"] == 60.0 and row["vetoed_websites"] == 1


def test_unit_with_only_unknown_accounts_has_no_score() -> None:
    verdicts = score_observations(document(accounts=[clean_account(last_post=None)]))
    row = only(unit_scores(verdicts, "national-2019"))
    assert row["score"] is None and row["verdict"] is None and row["unknown_accounts"] == 1


def test_units_keep_first_seen_order_and_default_rubric() -> None:
    sites = [clean_site(id=str(i), unit=u) for i, u in enumerate(["乙", "甲", "乙", "丙"])]
    rows = unit_scores(score_observations(document(sites)))
    assert [r["unit"] for r in rows] == ["乙", "甲", "丙"]
    assert [r["websites"] for r in rows] == [2, 1, 1]


def test_quarter_argument_and_malformed_verdicts() -> None:
    verdicts = town_verdicts("national-2019")
    assert only(unit_scores(verdicts, "national-2019", quarter="2020q3"))["quarter"] == "2020Q3"
    verdicts["accounts"][0]["verdict"] = "ok"
    with pytest.raises(ObservationsError, match=r"^accounts\[0\]\.verdict: expected pass, fail or unknown"):
        unit_scores(verdicts, "national-2019")


@pytest.mark.parametrize(
    ("check_point", "quarter"),
    [
        (date(2020, 10, 15), "2020Q3"),
        (date(2020, 10, 16), "2020Q4"),
        (date(2020, 9, 30), "2020Q3"),
        (date(2020, 7, 15), "2020Q2"),
        (date(2021, 1, 15), "2020Q4"),
        (date(2021, 1, 5), "2020Q4"),
        (date(2021, 2, 1), "2021Q1"),
    ],
)
def test_quarter_for_check_point(check_point: date, quarter: str) -> None:
    assert str(quarter_for_check_point(check_point)) == quarter


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ([80.0, 90.0, 70.0, 60.0], 75.0),
        ([80.0, None, 90.0, 70.0], 80.0),
        ([100.0, 100.0, 0.0], 66.67),
        ([None, None], None),
        ([], None),
        ([59.995, 59.995], 60.0),  # the exact mean 59.995 rounds half up
    ],
)
def test_annual_score_skips_missing_quarters(scores: list[float | None], expected: float | None) -> None:
    assert annual_score(scores, "national-2019") == expected


def test_annual_score_counting_missing_quarters_as_zero(tmp_path: Path) -> None:
    path = tmp_path / "strict.toml"
    path.write_text(
        'format = 1\nextends = "national-2019"\nname = "strict"\ntitle = "t"\n[units]\nannual_missing = "zero"\n'
    )
    assert annual_score([80.0, None, 90.0, 70.0], load_rubric(path)) == 60.0
