"""Unit quarterly scores and annual scores (spec §4.1) under the national rubric and the presets."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_scoring_support import clean_account, clean_site, days_before, document

from govinspect.scoring import (
    ObservationsError,
    annual_score,
    annual_unit_scores,
    load_rubric,
    quarter_for_check_point,
    score_observations,
    unit_scores,
)


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
    assert (row["websites"], row["accounts"], row["unknown"], row["vetoed_accounts"]) == (1, 2, 1, 1)
    assert (row["judged"], row["failed"]) == (3, 1)
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
    assert row["score"] is None and row["verdict"] is None and row["unknown"] == 1


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
        ([59.99, 60.0], 60.0),  # the exact mean 59.995 rounds half up (a float mean would give 59.99)
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


def test_wanzhi_rounds_the_weighted_quarter_half_up_once() -> None:
    verdicts = {
        "websites": [{"unit": "U", "verdict": "pass", "score": 91.25}],
        "accounts": [{"unit": "U", "verdict": "fail", "score": None, "vetoes": ["NM2"]},
                     {"unit": "U", "verdict": "pass", "score": None}],
    }
    row = only(unit_scores(verdicts, "wanzhi-2021", "2020Q3"))
    assert row["score"] == 62.38  # 0.3 × 91.25 + 0.7 × 50 = 62.375 exactly; round(62.375, 2) gives 62.38 only by luck


def test_zhaoqing_cap_applies_to_the_published_figure() -> None:
    verdicts = {"accounts": [{"unit": "U", "verdict": "fail", "score": None}] + [
        {"unit": "U", "verdict": "pass", "score": None}] * 2}
    row = only(unit_scores(verdicts, "zhaoqing-2019", "2020Q3"))
    assert row["score"] == 59.0 and row["capped"] is True and row["vetoed_accounts"] == 1  # (59 + 200) / 3 = 86.33


def test_failing_on_points_keeps_its_points_and_is_not_vetoed() -> None:
    verdicts = {"websites": [{"unit": "U", "verdict": "fail", "score": 55.5}, {"unit": "U", "verdict": "pass", "score": 80}]}
    row = only(unit_scores(verdicts, "zhaoqing-2019", "2020Q3"))
    assert (row["score"], row["failed"], row["vetoed_websites"], row["capped"]) == (67.75, 1, 0, False)


def test_entities_without_a_unit_belong_to_no_unit() -> None:
    verdicts = {"websites": [{"unit": None, "verdict": "pass", "score": 90}, {"unit": "", "verdict": "fail", "score": None}]}
    assert unit_scores(verdicts, "national-2019", "2020Q3") == []


@pytest.mark.parametrize(
    ("verdict", "message"),
    [
        ({"unit": "U", "verdict": "fail", "score": 50.0, "vetoes": ["V2"]}, r"websites\[0\]\.score: a vetoed entity has no score"),
        ({"unit": "U", "verdict": "pass", "score": 90.125}, r"websites\[0\]\.score: has more than the rubric's 2 decimals"),
    ],
)
def test_inconsistent_verdicts_are_refused(verdict: dict[str, Any], message: str) -> None:
    with pytest.raises(ObservationsError, match=message):
        unit_scores({"websites": [verdict]}, "national-2019", "2020Q3")


def test_annual_unit_scores_over_the_quarters_assessed(tmp_path: Path) -> None:
    quarters = {
        "2020Q1": [{"unit": "甲", "score": 80.0, "website_score": 80.0, "account_score": None, "judged": 1},
                   {"unit": "乙", "score": 70.0, "website_score": None, "account_score": 70.0, "judged": 2}],
        "2020Q2": [],  # not assessed
        "2020Q3": [{"unit": "甲", "score": None, "unknown": 3}, {"unit": "乙", "score": 75.01, "judged": 1}],
    }
    rows = {r["unit"]: r for r in annual_unit_scores(quarters, "national-2019")}
    assert (rows["甲"]["score"], rows["甲"]["quarters"], rows["甲"]["unknown"], rows["甲"]["year"]) == (80.0, 2, 3, "2020")
    assert (rows["乙"]["score"], rows["乙"]["judged"], rows["乙"]["account_score"]) == (72.51, 3, 70.0)  # 72.505 half up
    path = tmp_path / "zero.toml"
    path.write_text('format = 1\nextends = "national-2019"\nname = "zero"\ntitle = "t"\n[units]\nannual_missing = "zero"\n')
    rows = {r["unit"]: r for r in annual_unit_scores(quarters, load_rubric(path))}
    assert rows["甲"]["score"] == 40.0 and rows["乙"]["score"] == 72.51
