"""Properties that hold for any observations: bounded scores, monotone in problems, deterministic."""

from __future__ import annotations

import copy
import json
from datetime import date, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scoring_support import days_before, document

from govinspect.scoring import load_rubric, score_observations

RUBRICS = ["national-2019", "zhaoqing-2019", "wanzhi-2021"]
TYPES = [
    "dynamic",
    "notice",
    "policy",
    "personnel",
    "planning",
    "interpretation",
    "interview",
    "consult",
    "survey",
    "other",
]
INDICATORS = ["发布解读", "办事服务", "互动交流", "功能设计"]
FLAGS = ["security_incident", "serious_error", "interpretation_unlinked"]

ages = st.integers(min_value=0, max_value=500)
maybe_age = st.one_of(st.none(), ages)


@st.composite
def columns(draw: st.DrawFn) -> dict[str, Any]:
    age = draw(maybe_age)
    return {
        "name": draw(st.text(alphabet="栏目动态文件公告", min_size=1, max_size=4)),
        "type": draw(st.sampled_from(TYPES)),
        "level": draw(st.integers(min_value=1, max_value=3)),
        "latest": None if age is None else days_before(age),
        "items": draw(st.one_of(st.none(), st.integers(min_value=0, max_value=30))),
    }


@st.composite
def websites(draw: st.DrawFn) -> dict[str, Any]:
    total = draw(st.integers(min_value=0, max_value=400))
    homepage = draw(maybe_age)
    return {
        "id": "1506230001",
        "name": "网站",
        "unit": "单位",
        "kind": draw(st.sampled_from(["portal", "department"])),
        "has_services": draw(st.booleans()),
        "probes": {"total": total, "failed": draw(st.integers(min_value=0, max_value=total))},
        "homepage_latest": None if homepage is None else days_before(homepage),
        "columns": draw(st.lists(columns(), max_size=14)),
        "dead_links": {"homepage": draw(st.integers(0, 30)), "other": draw(st.integers(0, 300))},
        "interaction": {
            "has_channel": draw(st.booleans()),
            "oldest_unanswered_days": draw(st.integers(0, 200)),
        },
        "services": {
            "available": draw(st.booleans()),
            "guide_missing_counts": draw(st.lists(st.integers(0, 10), max_size=8)),
            "statistics_latest": draw(st.one_of(st.none(), ages.map(days_before))),
        },
        "manual": {
            **{flag: draw(st.booleans()) for flag in FLAGS},
            "bonus": draw(
                st.one_of(st.integers(0, 40), st.floats(0, 40, allow_nan=False).map(lambda x: round(x, 2)))
            ),
            "deductions": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "indicator": st.sampled_from(INDICATORS),
                            "points": st.integers(0, 40) | st.floats(0, 40).map(lambda x: round(x, 1)),
                        }
                    ),
                    max_size=4,
                )
            ),
        },
    }


def _older(date_text: str | None, days: int) -> str | None:
    if date_text is None:
        return None
    return (date.fromisoformat(date_text) - timedelta(days=days)).isoformat()


@st.composite
def problems(draw: st.DrawFn) -> Any:
    """A change that makes a website worse (or no better) in the rules' own terms."""
    kind = draw(
        st.sampled_from(
            [
                "probe",
                "homepage",
                "undate_homepage",
                "column_older",
                "column_undated",
                "column_blank",
                "add_blank_column",
                "dead_links",
                "channel",
                "unanswered",
                "flag",
                "deduction",
                "services",
                "guide",
                "statistics",
            ]
        )
    )
    amount = draw(st.integers(min_value=1, max_value=60))
    index = draw(st.integers(min_value=0, max_value=20))
    flag = draw(st.sampled_from(FLAGS))
    indicator = draw(st.sampled_from(INDICATORS))

    def apply(site: dict[str, Any]) -> None:
        cols = site["columns"]
        if kind == "probe":
            probes = site["probes"]
            probes["failed"] = min(probes["total"], probes["failed"] + amount)
        elif kind == "homepage":
            site["homepage_latest"] = _older(site["homepage_latest"], amount)
        elif kind == "undate_homepage":
            site["homepage_latest"] = None
        elif kind == "column_older" and cols:
            col = cols[index % len(cols)]
            col["latest"] = _older(col["latest"], amount)
        elif kind == "column_undated" and cols:
            cols[index % len(cols)]["latest"] = None
        elif kind == "column_blank" and cols:
            cols[index % len(cols)]["items"] = 0
        elif kind == "add_blank_column":
            cols.append(
                {"name": "新增", "type": TYPES[index % len(TYPES)], "level": 1, "latest": None, "items": 0}
            )
        elif kind == "dead_links":
            site["dead_links"]["homepage" if amount % 2 else "other"] += amount
        elif kind == "channel":
            site["interaction"]["has_channel"] = False
        elif kind == "unanswered":
            site["interaction"]["oldest_unanswered_days"] += amount
        elif kind == "flag":
            site["manual"][flag] = True
        elif kind == "deduction":
            site["manual"]["deductions"].append({"indicator": indicator, "points": amount / 4})
        elif kind == "services":
            site["services"]["available"] = False
        elif kind == "guide":
            site["services"]["guide_missing_counts"].append(amount % 11)
        elif kind == "statistics":
            site["services"]["statistics_latest"] = _older(site["services"]["statistics_latest"], amount)

    return apply


def rank(result: dict[str, Any]) -> tuple[int, float]:
    """Order outcomes: a vetoed site is below every scored one."""
    return (0, 0.0) if result["score"] is None else (1, result["score"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(site=websites(), rubric=st.sampled_from(RUBRICS))
def test_score_is_bounded(site: dict[str, Any], rubric: str) -> None:
    result = score_observations(document([site], indicator_set=rubric))["websites"][0]
    cap = float(load_rubric(rubric).websites.bonus_cap)
    if result["vetoes"]:
        assert result["score"] is None and result["verdict"] == "fail"
    else:
        assert 0 <= result["deduction_part"] <= 100
        assert 0 <= result["bonus"] <= cap
        assert 0 <= result["score"] <= 100 + cap
        assert result["verdict"] == ("pass" if result["deduction_part"] >= 60 else "fail")
        if result["bonus"]:
            assert result["deduction_part"] > 80 and site["kind"] == "portal"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(site=websites(), problem=problems(), rubric=st.sampled_from(RUBRICS))
def test_adding_a_problem_never_raises_the_score(site: dict[str, Any], problem: Any, rubric: str) -> None:
    before = score_observations(document([site], indicator_set=rubric))["websites"][0]
    worse = copy.deepcopy(site)
    problem(worse)
    after = score_observations(document([worse], indicator_set=rubric))["websites"][0]
    assert rank(after) <= rank(before)
    assert set(before["vetoes"]) <= set(after["vetoes"])
    if before["verdict"] == "fail":
        assert after["verdict"] == "fail"


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sites=st.lists(websites(), min_size=1, max_size=4),
    ages_=st.lists(maybe_age, max_size=6),
    rubric=st.sampled_from(RUBRICS),
)
def test_same_input_same_output(sites: list[dict[str, Any]], ages_: list[int | None], rubric: str) -> None:
    for i, site in enumerate(sites):
        site["id"] = f"site-{i}"
    accounts = [
        {
            "id": f"acct-{i}",
            "platform": "weibo",
            "unit": "单位",
            "last_post": None if age is None else days_before(age),
        }
        for i, age in enumerate(ages_)
    ]
    doc = document(sites, accounts, indicator_set=rubric)
    frozen = copy.deepcopy(doc)
    first = score_observations(doc)
    assert doc == frozen  # the input is not modified
    second = score_observations(json.loads(json.dumps(doc)))
    assert json.dumps(first, sort_keys=True, ensure_ascii=False) == json.dumps(
        second, sort_keys=True, ensure_ascii=False
    )


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(age=ages, extra=st.integers(min_value=1, max_value=100))
def test_an_older_last_post_never_turns_a_fail_into_a_pass(age: int, extra: int) -> None:
    def verdict(days: int) -> str:
        doc = document(accounts=[{"id": "a", "platform": "douyin", "last_post": days_before(days)}])
        return score_observations(doc)["accounts"][0]["verdict"]

    before, after = verdict(age), verdict(age + extra)
    assert before in ("pass", "fail") and after in ("pass", "fail")
    assert not (before == "fail" and after == "pass")
    assert before == ("fail" if age > 14 else "pass")
