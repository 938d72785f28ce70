"""Every national rule at and around its threshold (国办秘函〔2019〕19号, spec §2–§3)."""

from __future__ import annotations

from typing import Any

import pytest
from test_scoring_support import clean_account, clean_site, column, days_before, document

from govinspect.scoring import score_observations


def score_site(rubric: str = "national-2019", **overrides: Any) -> dict[str, Any]:
    return score_observations(document([clean_site(**overrides)], indicator_set=rubric))["websites"][0]


def score_account(rubric: str = "national-2019", **overrides: Any) -> dict[str, Any]:
    return score_observations(document(accounts=[clean_account(**overrides)], indicator_set=rubric))[
        "accounts"
    ][0]


def kinds(result: dict[str, Any]) -> list[str]:
    return [f["kind"] for f in result["findings"]]


def clauses(result: dict[str, Any], rule: str) -> set[str | None]:
    return {d["clause"] for d in result["veto_details"] if d["rule"] == rule}


def test_clean_site_scores_full_marks() -> None:
    result = score_site()
    assert result["verdict"] == "pass"
    assert result["score"] == 100.0
    assert result["deduction_part"] == 100.0
    assert result["vetoes"] == [] and result["deductions"] == [] and result["findings"] == []


# ----------------------------------------------------------------------------- V2 站点无法访问


@pytest.mark.parametrize(
    ("total", "failed", "vetoed"),
    [
        (1000, 49, False),  # 4.9 %
        (1000, 50, True),  # 5.0 % exactly
        (1000, 51, True),
        (168, 8, False),  # 4.76 %
        (168, 9, True),  # 5.36 %
        (140, 6, False),
        (140, 7, True),  # 5 % at the minimum probe count
        (140, 0, False),
    ],
)
def test_v2_failed_probe_ratio(total: int, failed: int, vetoed: bool) -> None:
    result = score_site(probes={"total": total, "failed": failed})
    assert ("V2" in result["vetoes"]) is vetoed
    if vetoed:
        detail = result["veto_details"][0]
        assert detail["threshold"] == 0.05 and detail["observed"] >= 0.05
        assert f"失败 {failed} 次" in detail["evidence"]


def test_v2_too_few_probes_is_a_finding_not_a_veto() -> None:
    result = score_site(probes={"total": 139, "failed": 139})
    assert "V2" not in result["vetoes"]
    assert "probes_insufficient" in kinds(result)
    assert "probes_insufficient" in kinds(score_site(probes={"total": 0, "failed": 0}))


@pytest.mark.parametrize(("failed", "warned"), [(29, False), (30, True), (49, True)])
def test_v2_early_warning_at_three_percent(failed: int, warned: bool) -> None:
    result = score_site(probes={"total": 1000, "failed": failed})
    assert result["vetoes"] == []
    assert ("early_warning" in kinds(result)) is warned


def test_v2_not_observed() -> None:
    site = clean_site()
    del site["probes"]
    result = score_observations(document([site]))["websites"][0]
    assert result["vetoes"] == [] and "not_observed" in kinds(result)


# ----------------------------------------------------------------------------- V3 首页不更新


@pytest.mark.parametrize(("age", "vetoed"), [(0, False), (13, False), (14, False), (15, True), (400, True)])
def test_v3_homepage_window(age: int, vetoed: bool) -> None:
    result = score_site(homepage_latest=days_before(age))
    assert ("V3" in result["vetoes"]) is vetoed


def test_v3_undated_homepage_is_not_updated() -> None:
    result = score_site(homepage_latest=None)
    assert result["vetoes"] == ["V3"]
    assert result["score"] is None


def test_v3_future_date_is_a_finding_not_fresh_evidence() -> None:
    result = score_site(homepage_latest=days_before(-3))
    assert result["vetoes"] == ["V3"]
    future = [f for f in result["findings"] if f["kind"] == "future_date"]
    assert future and future[0]["rule"] == "V1"


def test_v3_early_warning_after_ten_days() -> None:
    assert "early_warning" in kinds(score_site(homepage_latest=days_before(11)))
    assert "early_warning" not in kinds(score_site(homepage_latest=days_before(10)))


# ----------------------------------------------------------------------------- V4 栏目不更新


def _v4(columns: list[dict[str, Any]]) -> dict[str, Any]:
    return score_site(columns=columns)


@pytest.mark.parametrize(("stale", "vetoed"), [(4, False), (5, True)])
def test_v4a_stale_dynamic_columns(stale: int, vetoed: bool) -> None:
    columns = [column(f"动态{i}", "dynamic", 15) for i in range(stale)] + [column("要闻", "dynamic", 14)]
    result = _v4(columns)
    assert ("a" in clauses(result, "V4")) is vetoed


def test_v4a_dated_versus_undated_column() -> None:
    stale = [column(f"动态{i}", "dynamic", 30) for i in range(4)]
    assert clauses(_v4([*stale, column("要闻", "dynamic", 3)]), "V4") == set()
    assert clauses(_v4([*stale, column("要闻", "dynamic", None)]), "V4") == {"a"}


@pytest.mark.parametrize(("age", "counted"), [(180, False), (181, True)])
def test_v4a_first_level_policy_window(age: int, counted: bool) -> None:
    stale = [column(f"动态{i}", "dynamic", 30) for i in range(4)]
    result = _v4([*stale, column("政策文件", "policy", age, level=1)])
    assert ("a" in clauses(result, "V4")) is counted


def test_v4a_counts_notice_and_policy_at_first_level_only() -> None:
    stale = [column(f"动态{i}", "dynamic", 30) for i in range(4)]
    result = _v4([*stale, column("部门文件", "policy", 400, level=2)])
    assert clauses(result, "V4") == set()
    result = _v4([*stale, column("通知公告", "notice", 400, level=1)])
    assert clauses(result, "V4") == {"a"}


@pytest.mark.parametrize(("stale", "vetoed"), [(9, False), (10, True)])
def test_v4b_other_columns_long_stale(stale: int, vetoed: bool) -> None:
    columns = [column(f"业务工作{i}", "other", 181) for i in range(stale)] + [
        column("业务工作", "other", 180)
    ]
    assert ("b" in clauses(_v4(columns), "V4")) is vetoed


def test_v4b_windows_per_type() -> None:
    personnel_fresh = [column(f"人事{i}", "personnel", 365) for i in range(10)]
    assert clauses(_v4(personnel_fresh), "V4") == set()
    personnel_stale = [column(f"人事{i}", "personnel", 366) for i in range(10)]
    assert clauses(_v4(personnel_stale), "V4") == {"b"}
    lower_policy = [column(f"部门文件{i}", "policy", 181, level=2) for i in range(10)]
    assert clauses(_v4(lower_policy), "V4") == {"b"}


def test_v4_consult_and_survey_columns_are_never_stale() -> None:
    columns = [column(f"留言{i}", "consult", None) for i in range(6)] + [
        column(f"征集{i}", "survey", 999) for i in range(6)
    ]
    assert clauses(_v4(columns), "V4") == set()


@pytest.mark.parametrize(("blank", "vetoed"), [(4, False), (5, True)])
def test_v4c_blank_columns(blank: int, vetoed: bool) -> None:
    columns = [column(f"专题{i}", "consult", None, items=0) for i in range(blank)]
    assert ("c" in clauses(_v4(columns), "V4")) is vetoed


def test_v4_blank_key_columns_are_also_not_updated() -> None:
    result = _v4([column(f"动态{i}", "dynamic", 1, items=0) for i in range(5)])
    assert clauses(result, "V4") == {"a", "c"}
    detail = next(d for d in result["veto_details"] if d["clause"] == "c")
    assert detail["observed"] == 5 and detail["threshold"] == 5 and len(detail["columns"]) == 5


def test_v4_unknown_item_count_is_not_blank() -> None:
    result = _v4([column(f"专题{i}", "consult", None, items=None) for i in range(5)])
    assert result["vetoes"] == []


def test_v4_early_warnings() -> None:
    assert "early_warning" in kinds(_v4([column(f"专题{i}", "consult", 1, items=0) for i in range(3)]))
    assert "early_warning" not in kinds(_v4([column(f"专题{i}", "consult", 1, items=0) for i in range(2)]))
    assert "early_warning" in kinds(_v4([column(f"其他{i}", "other", 200) for i in range(7)]))


def test_v4_column_dated_after_check_point_is_not_updated() -> None:
    columns = [column(f"动态{i}", "dynamic", 30) for i in range(4)] + [column("要闻", "dynamic", -2)]
    result = _v4(columns)
    assert clauses(result, "V4") == {"a"}
    assert "future_date" in kinds(result)


# ----------------------------------------------------------------------------- V5 互动回应差


def test_v5a_no_channel() -> None:
    result = score_site(interaction={"has_channel": False, "oldest_unanswered_days": 0})
    assert clauses(result, "V5") == {"a"}


def test_v5_channel_unknown_is_a_finding() -> None:
    result = score_site(interaction={"has_channel": None})
    assert result["vetoes"] == [] and "unknown" in kinds(result)


@pytest.mark.parametrize(("days", "vetoed"), [(89, False), (90, False), (90.5, True), (91, True)])
def test_v5b_unanswered_over_three_months(days: float, vetoed: bool) -> None:
    result = score_site(interaction={"has_channel": True, "oldest_unanswered_days": days})
    assert ("b" in clauses(result, "V5")) is vetoed


# ----------------------------------------------------------------------------- V6 服务不实用 and V1


def test_v6a_no_services() -> None:
    assert clauses(score_site(services={"available": False}), "V6") == {"a"}


def test_v6_does_not_apply_without_external_services() -> None:
    result = score_site(kind="department", has_services=False, services={"available": False})
    assert result["vetoes"] == []


@pytest.mark.parametrize(
    ("counts", "vetoed"), [([4, 4, 4, 4, 3, 0], False), ([4, 4, 4, 4, 5], True), ([3] * 20, False)]
)
def test_v6b_incomplete_guides(counts: list[int], vetoed: bool) -> None:
    result = score_site(services={"available": True, "guide_missing_counts": counts})
    assert ("b" in clauses(result, "V6")) is vetoed


@pytest.mark.parametrize("flag", ["security_incident", "serious_error", "forged_dates"])
def test_v1_manual_flags(flag: str) -> None:
    result = score_site(manual={flag: True, "bonus": 20})
    assert result["vetoes"] == ["V1"]
    assert result["score"] is None and result["bonus"] == 0.0 and result["deductions"] == []


def test_manual_veto_confirmed_by_inspector() -> None:
    result = score_site(manual={"vetoes": [{"rule": "V6", "evidence": "12 个办事指南缺少办理地点等要素"}]})
    assert result["vetoes"] == ["V6"]
    assert "12 个办事指南" in result["veto_details"][0]["evidence"]


def test_every_veto_hit_is_listed() -> None:
    result = score_site(
        homepage_latest=None, probes={"total": 200, "failed": 100}, manual={"serious_error": True}
    )
    assert result["vetoes"] == ["V1", "V2", "V3"]
    assert result["verdict"] == "fail" and result["score"] is None and result["deduction_part"] is None


# ----------------------------------------------------------------------------- 扣分 and 加分


def manual_points(**by_indicator: float) -> list[dict[str, Any]]:
    names = {"fb": "发布解读", "bs": "办事服务", "hd": "互动交流", "gn": "功能设计"}
    return [
        {"rule": f"m-{key}", "indicator": names[key], "points": points, "evidence": "人工"}
        for key, points in by_indicator.items()
    ]


@pytest.mark.parametrize(
    ("deductions", "part", "verdict"),
    [
        (manual_points(fb=20, hd=20), 60.0, "pass"),  # exactly 60 passes
        (manual_points(fb=20, hd=20.01), 59.99, "fail"),
        (manual_points(fb=20, hd=20.1), 59.9, "fail"),
        (manual_points(fb=31, bs=25, hd=23, gn=21), 0.0, "fail"),
        (manual_points(fb=500, bs=500, hd=500, gn=500), 0.0, "fail"),  # caps: floor 0
    ],
)
def test_pass_mark(deductions: list[dict[str, Any]], part: float, verdict: str) -> None:
    result = score_site(manual={"deductions": deductions})
    assert result["deduction_part"] == part
    assert result["verdict"] == verdict


def test_exact_arithmetic_at_sixty() -> None:
    # 0.1 × 3 + 39.7 is 40.00000000000001 in binary floating point; the engine is exact.
    result = score_site(
        dead_links={"homepage": 0, "other": 3}, manual={"deductions": manual_points(fb=31, hd=8.7)}
    )
    assert result["deduction_part"] == 60.0 and result["verdict"] == "pass"


def test_indicator_cap() -> None:
    result = score_site(manual={"deductions": manual_points(fb=50)})
    assert result["deduction_part"] == 69.0
    fb = next(i for i in result["indicators"] if i["name"] == "发布解读")
    assert fb == {"name": "发布解读", "weight": 31.0, "deducted": 31.0, "capped": True}


@pytest.mark.parametrize(
    ("deduct", "bonus_asked", "bonus", "score"),
    [
        (20, 10, 0.0, 80.0),  # exactly 80 does not enter the bonus
        (19.99, 10, 10.0, 90.01),
        (10, 30, 30.0, 120.0),
        (10, 45, 30.0, 120.0),  # capped at 30
        (0, 12.5, 12.5, 112.5),
    ],
)
def test_bonus_entry_and_cap(deduct: float, bonus_asked: float, bonus: float, score: float) -> None:
    result = score_site(manual={"bonus": bonus_asked, "deductions": manual_points(fb=deduct)})
    assert result["bonus"] == bonus and result["score"] == score
    if bonus_asked > 30 and bonus:
        assert "bonus_capped" in kinds(result)
    if not bonus:
        assert "bonus_not_entered" in kinds(result)


def test_bonus_is_for_portals_only() -> None:
    result = score_site(kind="department", manual={"bonus": 10})
    assert result["bonus"] == 0.0 and result["score"] == 100.0
    assert "bonus_not_entered" in kinds(result)


@pytest.mark.parametrize("rubric,cap", [("zhaoqing-2019", 25.0), ("wanzhi-2021", 20.0)])
def test_local_bonus_caps(rubric: str, cap: float) -> None:
    assert score_site(rubric, manual={"bonus": 29})["bonus"] == cap


@pytest.mark.parametrize(
    ("deductions", "part"),
    [
        ([], 100.0),
        (manual_points(fb=15), 80.0),  # (75 − 15) × 4/3
        (manual_points(fb=0.1), 99.87),  # 99.8666… rounded half up
        (manual_points(fb=30, hd=15), 40.0),
        (manual_points(bs=25), 100.0),  # 办事服务 is not checked
    ],
)
def test_department_without_services_on_75_times_four_thirds(
    deductions: list[dict[str, Any]], part: float
) -> None:
    result = score_site(kind="department", has_services=False, manual={"deductions": deductions})
    assert result["deduction_part"] == part
    assert "办事服务" not in {i["name"] for i in result["indicators"]}
    assert "not_checked" in kinds(result)


def test_portal_without_services_is_scored_on_the_full_table() -> None:
    result = score_site(has_services=False, manual={"deductions": manual_points(bs=5)})
    assert result["deduction_part"] == 95.0
    assert "has_services_ignored" in kinds(result)


def test_zhaoqing_spreads_services_weight_over_the_others() -> None:
    result = score_site(
        "zhaoqing-2019", kind="department", has_services=False, manual={"deductions": manual_points(fb=50)}
    )
    # 发布解读 cap 31 + 25/3 = 39.333…
    assert result["deduction_part"] == 60.67
    assert {i["name"]: i["weight"] for i in result["indicators"]}["发布解读"] == pytest.approx(39.3333333)


def test_dead_links_per_link_points() -> None:
    result = score_site(dead_links={"homepage": 3, "other": 7})
    assert result["deduction_part"] == 96.3
    assert {d["rule"]: d["points"] for d in result["deductions"]} == {
        "dead-links-homepage": 3.0,
        "dead-links-other": 0.7,
    }
    assert all(d["confidence"] == "U" for d in result["deductions"])


def test_dead_links_capped_by_functional_design_weight() -> None:
    result = score_site(dead_links={"homepage": 15, "other": 400})
    assert result["deduction_part"] == 79.0


@pytest.mark.parametrize(
    ("age", "level", "deducted"), [(180, 1, False), (181, 1, True), (400, 2, False), (None, 1, True)]
)
def test_stale_first_level_policy_column_deducts_five(age: int | None, level: int, deducted: bool) -> None:
    result = score_site(columns=[column("政策文件", "policy", age, level=level)])
    assert result["vetoes"] == []
    assert ("stale-policy-first-level" in {d["rule"] for d in result["deductions"]}) is deducted
    assert result["deduction_part"] == (95.0 if deducted else 100.0)


def test_blank_policy_column_is_deducted_once() -> None:
    result = score_site(
        columns=[column("政策文件", "policy", None, items=0), column("规范性文件", "policy", None, items=0)]
    )
    assert [d["points"] for d in result["deductions"]] == [10.0]


def test_rules_without_points_are_reported_not_deducted() -> None:
    result = score_site(columns=[column("工作动态", "dynamic", 20), column("专题", "other", None, items=0)])
    assert result["deduction_part"] == 100.0
    unscored = {f["rule"] for f in result["findings"] if f["kind"] == "unscored"}
    assert unscored == {"stale-dynamic-columns", "stale-other-columns", "blank-columns"}


@pytest.mark.parametrize(
    ("latest", "deducted"), [(days_before(90), False), (days_before(91), True), (None, True)]
)
def test_service_statistics_window(latest: str | None, deducted: bool) -> None:
    result = score_site(services={"available": True, "statistics_latest": latest})
    assert ("service-statistics-stale" in {d["rule"] for d in result["deductions"]}) is deducted


def test_absent_optional_field_deducts_nothing() -> None:
    site = clean_site()
    del site["dead_links"]
    result = score_observations(document([site]))["websites"][0]
    assert result["deduction_part"] == 100.0


def test_flag_rule() -> None:
    result = score_site(manual={"interpretation_unlinked": True})
    assert [(d["rule"], d["points"]) for d in result["deductions"]] == [("interpretation-unlinked", 1.0)]


# ----------------------------------------------------------------------------- accounts: NM1–NM3


@pytest.mark.parametrize(
    ("age", "verdict"), [(0, "pass"), (13, "pass"), (14, "pass"), (15, "fail"), (90, "fail")]
)
def test_nm2_two_weeks(age: int, verdict: str) -> None:
    result = score_account(last_post=days_before(age))
    assert result["verdict"] == verdict
    assert result["vetoes"] == ([] if verdict == "pass" else ["NM2"])


def test_nm2_unknown_last_post_is_never_stale() -> None:
    result = score_account(last_post=None)
    assert result["verdict"] == "unknown" and result["vetoes"] == []
    assert "last_post_unknown" in kinds(result)
    account = clean_account()
    del account["last_post"]
    assert score_observations(document(accounts=[account]))["accounts"][0]["verdict"] == "unknown"


def test_unknown_account_with_another_veto_fails() -> None:
    result = score_account(last_post=None, manual={"security_incident": True})
    assert result["verdict"] == "fail" and result["vetoes"] == ["NM1"]


def test_account_future_last_post_is_unknown_and_flagged() -> None:
    result = score_account(last_post=days_before(-1))
    assert result["verdict"] == "unknown"
    assert "future_date" in kinds(result)


def test_nm3_needs_manual_confirmation() -> None:
    result = score_account(interaction={"has_channel": False})
    assert result["verdict"] == "pass" and "interaction_check" in kinds(result)
    confirmed = score_account(interaction={"has_channel": False}, manual={"no_interaction": True})
    assert confirmed["verdict"] == "fail" and confirmed["vetoes"] == ["NM3"]


def test_unregistered_account_is_a_finding() -> None:
    result = score_account(registered=False)
    assert result["verdict"] == "pass" and "unregistered" in kinds(result)


def test_national_accounts_are_not_scored_on_points() -> None:
    result = score_account(manual={"bonus": 10})
    assert result["score"] is None and result["bonus"] == 0.0


# ----------------------------------------------------------------------------- document level


def test_output_contract_and_order() -> None:
    sites = [clean_site(id=str(i), unit=f"单位{i % 3}") for i in range(5)]
    accounts = [clean_account(id=f"gh_{i}") for i in range(4)]
    result = score_observations(document(sites, accounts))
    assert [w["id"] for w in result["websites"]] == [str(i) for i in range(5)]
    assert [a["id"] for a in result["accounts"]] == [f"gh_{i}" for i in range(4)]
    assert result["check_point"] == "2020-10-15" and result["quarter"] == "2020Q3"
    assert result["indicator_set"] == "national-2019"
    website_keys = {
        "id",
        "name",
        "unit",
        "verdict",
        "score",
        "vetoes",
        "veto_details",
        "deductions",
        "bonus",
        "deduction_part",
    }
    assert website_keys <= set(result["websites"][0])
    assert {"id", "name", "unit", "platform", "verdict", "vetoes", "veto_details", "findings"} <= set(
        result["accounts"][0]
    )
    detail_keys = {"rule", "title", "observed", "threshold", "evidence"}
    vetoed = score_site(homepage_latest=None)
    assert detail_keys <= set(vetoed["veto_details"][0])


def test_rubric_argument_overrides_indicator_set() -> None:
    result = score_observations(document([clean_site(manual={"bonus": 29})]), "wanzhi-2021")
    assert result["indicator_set"] == "wanzhi-2021" and result["websites"][0]["bonus"] == 20.0


def test_missing_indicator_set_defaults_to_national() -> None:
    doc = document([clean_site()])
    del doc["indicator_set"]
    assert score_observations(doc)["indicator_set"] == "national-2019"


def test_a_site_that_could_not_be_crawled_is_not_observed() -> None:
    result = score_site(
        checked=False,
        homepage_outcome="timeout",
        homepage_latest=None,
        columns=[],
        dead_links={"homepage": 0, "other": 0},
        interaction={"has_channel": None, "oldest_unanswered_days": None},
    )
    assert result["vetoes"] == [] and result["deduction_part"] == 100.0
    assert "site_not_checked" in kinds(result)
    assert "（timeout）" in result["findings"][0]["evidence"]
    assert {f["rule"] for f in result["findings"] if f["kind"] == "not_observed"} == {"V3", "V4", "V5"}
    assert score_site(checked=True, homepage_latest=None)["vetoes"] == ["V3"]


def test_vetoes_are_listed_in_rubric_order() -> None:
    result = score_site(homepage_latest=None, manual={"vetoes": ["V1"]})
    assert result["vetoes"] == ["V1", "V3"]
    assert [d["rule"] for d in result["veto_details"]] == ["V1", "V3"]
