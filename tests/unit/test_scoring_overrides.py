"""Inspector overrides (人工复核撤销) and the reasons of manual flags, as the engine applies them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_scoring_support import clean_account, clean_site, column, document

from govinspect.scoring import ObservationsError, RubricError, load_rubric, score_observations


def site_verdict(**overrides: Any) -> dict[str, Any]:
    return score_observations(document([clean_site(**overrides)]))["websites"][0]


def manual(**fields: Any) -> dict[str, Any]:
    return {"security_incident": False, "serious_error": False, "bonus": 0, **fields}


def test_an_overridden_veto_is_set_aside_with_its_reason() -> None:
    probes = {"total": 168, "failed": 12}
    assert site_verdict(probes=probes)["vetoes"] == ["V2"]
    verdict = site_verdict(probes=probes, manual=manual(overrides=[{"rule": "V2", "evidence": "监测网络故障（张某，2020-10-14录入）"}]))
    assert (verdict["verdict"], verdict["vetoes"], verdict["veto_details"], verdict["score"]) == ("pass", [], [], 100.0)
    (set_aside,) = verdict["overridden"]
    assert set_aside["rule"] == "V2" and set_aside["override"] == "人工复核撤销：监测网络故障（张某，2020-10-14录入）"
    assert set_aside["total"] == 168 and set_aside["failed"] == 12


def test_other_vetoes_stay_when_one_is_overridden() -> None:
    verdict = site_verdict(
        probes={"total": 168, "failed": 12}, homepage_latest=None, manual=manual(overrides=["V2"])
    )
    assert verdict["vetoes"] == ["V3"] and verdict["score"] is None
    assert [d["rule"] for d in verdict["overridden"]] == ["V2"]


def test_an_overridden_deduction_deducts_nothing() -> None:
    links = {"homepage": 3, "other": 0}
    assert site_verdict(dead_links=links)["score"] == 97.0
    verdict = site_verdict(dead_links=links, manual=manual(overrides=[{"rule": "dead-links-homepage", "evidence": "误报"}]))
    assert verdict["score"] == 100.0 and verdict["deductions"] == []
    assert verdict["overridden"][0]["rule"] == "dead-links-homepage"
    assert verdict["overridden"][0]["evidence"] == "首页链接不可用：3 处"


def test_an_overridden_column_rule_keeps_its_columns() -> None:
    columns = [column("要闻动态", "dynamic", 2), column("政策文件", "policy", 300)]
    plain = site_verdict(columns=columns)
    assert plain["score"] == 95.0
    verdict = site_verdict(columns=columns, manual=manual(overrides=["stale-policy-first-level"]))
    assert verdict["score"] == 100.0
    # the column is not handed on to the catch-all rule: the inspector reviewed it
    assert not [f for f in verdict["findings"] if f["rule"] == "stale-other-columns"]


def test_an_override_of_a_problem_not_found_is_reported() -> None:
    verdict = site_verdict(manual=manual(overrides=["V3", "dead-links-other"]))
    unused = [(f["kind"], f["rule"]) for f in verdict["findings"]]
    assert ("override_unused", "V3") in unused and ("override_unused", "dead-links-other") in unused
    assert verdict["score"] == 100.0


def test_an_override_sets_aside_a_flagged_account_veto() -> None:
    account = clean_account(manual={"security_incident": True, "overrides": [{"rule": "NM1", "evidence": "经核实为误报"}]})
    verdict = score_observations(document(accounts=[account]))["accounts"][0]
    assert verdict["verdict"] == "pass" and verdict["overridden"][0]["rule"] == "NM1"


@pytest.mark.parametrize(
    ("entity", "override", "path"),
    [
        ("websites", "NM2", r"websites\[0\]\.manual\.overrides\[0\]: unknown rule \"NM2\""),
        ("accounts", "V2", r"accounts\[0\]\.manual\.overrides\[0\]: unknown rule \"V2\""),
        ("websites", "dead-links", r"websites\[0\]\.manual\.overrides\[0\]: unknown rule"),
    ],
)
def test_an_override_must_name_a_rule_of_the_rubric(entity: str, override: str, path: str) -> None:
    if entity == "websites":
        doc = document([clean_site(manual=manual(overrides=[override]))])
    else:
        doc = document(accounts=[clean_account(manual={"overrides": [override]})])
    with pytest.raises(ObservationsError, match=path):
        score_observations(doc)


def test_a_flag_carries_the_inspectors_reason() -> None:
    reasons = {"serious_error": "首页领导姓名错误（李某，2020-10-12录入）"}
    verdict = site_verdict(manual=manual(serious_error=True, reasons=reasons))
    assert verdict["vetoes"] == ["V1"]
    assert verdict["veto_details"][0]["evidence"] == "人工核定：严重表述错误：首页领导姓名错误（李某，2020-10-12录入）"
    assert site_verdict(manual=manual(serious_error=True, security_incident=True))["veto_details"][0][
        "evidence"] == "人工核定：安全事故、严重表述错误"


def test_reasons_must_be_text() -> None:
    with pytest.raises(ObservationsError, match=r"websites\[0\]\.manual\.reasons\.serious_error: expected a string"):
        site_verdict(manual=manual(serious_error=True, reasons={"serious_error": ["x"]}))


@pytest.mark.parametrize(
    ("units", "key"),
    [("vetoed_score = 59.005", "units.vetoed_score"), ("vetoed_unit_cap = 0.001", "units.vetoed_unit_cap")],
)
def test_unit_values_finer_than_the_published_decimals_are_refused(tmp_path: Path, units: str, key: str) -> None:
    path = tmp_path / "fine.toml"
    path.write_text(f'format = 1\nextends = "national-2019"\nname = "fine"\ntitle = "t"\n[units]\n{units}\n')
    with pytest.raises(RubricError, match=rf"fine.toml: {key}: must have at most score_decimals = 2 decimals"):
        load_rubric(path)
