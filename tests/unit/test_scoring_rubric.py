"""Rubric files: the national values, the local presets, ``extends`` and refused files."""

from __future__ import annotations

import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
from test_scoring_support import clean_account, clean_site, document

from govinspect.scoring import RubricError, load_rubric, rubric_names, score_observations
from govinspect.scoring.rubric import BUNDLED_DIR, CONFIDENCE_TAGS, RUBRIC_PATH_ENV


def write(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_bundled_rubrics() -> None:
    assert {"national-2019", "zhaoqing-2019", "wanzhi-2021"} <= set(rubric_names())
    for name in ("national-2019", "zhaoqing-2019", "wanzhi-2021"):
        rubric = load_rubric(name)
        assert rubric.name == name
        assert sum(i.weight for i in rubric.websites.indicators) == 100


def test_national_values() -> None:
    r = load_rubric()
    w = r.websites
    assert (w.deduction_total, w.pass_mark, w.bonus_entry, w.bonus_cap) == (100, 60, 80, 30)
    assert w.bonus_kinds == {"portal"}
    v2 = w.veto("V2")
    assert v2 is not None and v2.params["ratio_min"] == Fraction(1, 20) and v2.params["probes_min"] == 140
    v4 = w.veto("V4")
    assert v4 is not None
    assert (v4.params["key_count_min"], v4.params["other_count_min"], v4.params["blank_count_min"]) == (
        5,
        10,
        5,
    )
    assert (
        w.column_windows["dynamic"] == 14
        and w.column_windows["policy"] == 180
        and w.column_windows["personnel"] == 365
    )
    assert [v.code for v in w.vetoes] == ["V1", "V2", "V3", "V4", "V5", "V6"]
    assert [v.code for v in r.accounts.vetoes] == ["NM1", "NM2", "NM3"]
    assert not r.accounts.scored
    assert (
        w.no_services is not None
        and w.no_services.mode == "rescale"
        and w.no_services.indicator == "办事服务"
    )
    dead = {d.id: d for d in w.deductions}
    assert dead["dead-links-other"].points == Fraction(1, 10) and dead["dead-links-other"].confidence == "U"
    assert dead["stale-policy-first-level"].points == 5
    assert dead["blank-columns"].points is None  # unknown in the national table: reported, not deducted
    for item in [*w.vetoes, *w.deductions, *w.indicators, *r.accounts.vetoes]:
        assert item.confidence in CONFIDENCE_TAGS


def test_presets_extend_and_override() -> None:
    national, zhaoqing, wanzhi = (
        load_rubric("national-2019"),
        load_rubric("zhaoqing-2019"),
        load_rubric("wanzhi-2021"),
    )
    assert zhaoqing.chain == ("zhaoqing-2019.toml", "national-2019.toml")
    assert zhaoqing.websites.bonus_cap == 25 and wanzhi.websites.bonus_cap == 20
    assert zhaoqing.accounts.bonus_cap == 25
    assert zhaoqing.websites.veto("V2") == national.websites.veto("V2")  # inherited unchanged
    assert zhaoqing.websites.no_services is not None
    assert zhaoqing.websites.no_services.mode == "redistribute"
    assert zhaoqing.websites.no_services.kinds == national.websites.no_services.kinds  # type: ignore[union-attr]
    assert (zhaoqing.units.vetoed_score, zhaoqing.units.vetoed_unit_cap) == (59, 59)
    assert (wanzhi.units.website_weight, wanzhi.units.account_weight) == (Fraction(3, 10), Fraction(7, 10))
    assert national.units.website_weight is None and national.units.vetoed_score == 0


def test_load_by_path_and_relative_extends(tmp_path: Path) -> None:
    write(
        tmp_path,
        "base.toml",
        (BUNDLED_DIR / "national-2019.toml").read_text(encoding="utf-8").replace("national-2019", "base"),
    )
    path = write(
        tmp_path,
        "child.toml",
        """
        format = 1
        extends = "base.toml"
        name = "child"
        title = "child"
        [websites.vetoes.V3]
        window_days = 10
        """,
    )
    rubric = load_rubric(path)
    assert rubric.chain == ("child.toml", "base.toml")
    assert rubric.websites.veto("V3").params["window_days"] == 10  # type: ignore[union-attr]


def test_a_province_variant_is_a_data_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(
        tmp_path,
        "testprov-2024.toml",
        """
        format = 1
        extends = "national-2019"
        name = "testprov-2024"
        title = "某省 2024"

        [websites.vetoes.V6]
        enabled = false

        [[websites.deductions]]
        id = "blank-columns"
        points_each = 2
        confidence = "S"
        source = "某省 2024 细则"

        [[websites.deductions]]
        id = "dead-links-other"
        points_each = 0.5
        max_points = 3

        [[websites.deductions]]
        id = "no-search"
        indicator = "功能设计"
        item = "搜索功能"
        title = "无站内搜索"
        measure = "flag"
        field = "manual.no_search"
        points = 4
        confidence = "S"
        """,
    )
    monkeypatch.setenv(RUBRIC_PATH_ENV, str(tmp_path))
    assert "testprov-2024" in rubric_names()
    site = clean_site(
        services={"available": False},
        columns=[{"name": "专题", "type": "other", "latest": None, "items": 0}],
        dead_links={"homepage": 0, "other": 20},
        manual={"no_search": True},
    )
    result = score_observations(document([site], indicator_set="testprov-2024"))["websites"][0]
    assert result["vetoes"] == []  # V6 disabled
    points = {d["rule"]: d["points"] for d in result["deductions"]}
    assert points == {"blank-columns": 2.0, "dead-links-other": 3.0, "no-search": 4.0}
    assert result["deduction_part"] == 91.0
    national = score_observations(document([site]))["websites"][0]
    assert national["vetoes"] == ["V6"]


def test_accounts_scored_once_a_deduction_table_is_configured(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "zq-accounts.toml",
        """
        format = 1
        extends = "zhaoqing-2019"
        name = "zq-accounts"
        title = "肇庆 with an account table"

        [[accounts.indicators]]
        name = "内容建设"
        weight = 60
        confidence = "S"

        [[accounts.indicators]]
        name = "账号管理"
        weight = 40
        confidence = "S"

        [[accounts.deductions]]
        id = "subject-mismatch"
        indicator = "账号管理"
        title = "账号主体与开办单位不一致"
        measure = "flag"
        field = "manual.subject_mismatch"
        points = 10
        confidence = "S"
        """,
    )
    rubric = load_rubric(path)
    assert rubric.accounts.scored
    accounts = [
        clean_account(id="a", manual={"subject_mismatch": True, "bonus": 30}),
        clean_account(id="b", manual={"deductions": [{"indicator": "内容建设", "points": 45}]}),
        clean_account(id="c", last_post=None),
        clean_account(id="d", last_post="2020-01-01"),
    ]
    a, b, c, d = score_observations(document(accounts=accounts), rubric)["accounts"]
    assert (a["deduction_part"], a["bonus"], a["score"], a["verdict"]) == (90.0, 25.0, 115.0, "pass")
    assert (b["score"], b["verdict"]) == (55.0, "fail")
    assert (c["score"], c["verdict"]) == (None, "unknown")
    assert (d["score"], d["verdict"], d["vetoes"]) == (None, "fail", ["NM2"])


BAD_FILES = [
    (
        'format = 2\nname = "x"\ntitle = "x"\n',
        "x.toml: format: this version of govinspect reads format 1, not 2",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[websites]\nbonus_cap = "30"\n',
        "x.toml: websites.bonus_cap: expected a number",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[[websites.indicators]]\nname = "发布解读"\nweight = 40\n',
        "x.toml: websites.indicators: weights 40 + 25 + 23 + 21 do not add up to deduction_total 100",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[[websites.deductions]]\nid = "dead-links-other"\nindicator = "互动"\n',
        "x.toml: websites.deductions[5].indicator: unknown indicator '互动'",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[[websites.deductions]]\nid = "dead-links-other"\nmeasure = "ratio"\n',
        "x.toml: websites.deductions[5].measure: unknown measure 'ratio' for websites",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[[websites.deductions]]\nid = "dead-links-other"\npoints = 1\n',
        "x.toml: websites.deductions[5].points: measure 'count' takes 'points_each'",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[websites.vetoes.V2]\nratio_min = 5\n',
        "x.toml: websites.vetoes.V2.ratio_min: must be a ratio in (0, 1]",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[websites.vetoes.V2]\nratio_mni = 0.05\n',
        "x.toml: websites.vetoes.V2.ratio_mni: unknown key",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[accounts.vetoes.NM2]\ntest = "columns"\n',
        "x.toml: accounts.vetoes.NM2.test: unknown test 'columns' for accounts",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[websites.vetoes.V3]\nconfidence = "high"\n',
        "x.toml: websites.vetoes.V3.confidence: unknown tag 'high'",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[websites.columns.windows]\nnews = 7\n',
        "x.toml: websites.columns.windows.news: unknown column type",
    ),
    (
        'format = 1\nextends = "national-2019"\nname = "x"\ntitle = "x"\n[units]\nwebsite_weight = 0.5\n',
        "x.toml: units.account_weight: set both website_weight and account_weight",
    ),
    ('format = 1\nextends = "nowhere-1999"\nname = "x"\ntitle = "x"\n', "unknown rubric 'nowhere-1999'"),
    ("format = 1\nname = [\n", "x.toml: not valid TOML"),
]


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_bad_rubric_files_name_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    assert message in str(caught.value)


def test_extends_cycle(tmp_path: Path) -> None:
    write(tmp_path, "a.toml", 'format = 1\nextends = "b"\nname = "a"\ntitle = "a"\n')
    write(tmp_path, "b.toml", 'format = 1\nextends = "a"\nname = "b"\ntitle = "b"\n')
    with pytest.raises(RubricError, match="cycle"):
        load_rubric(tmp_path / "a.toml")


def test_missing_file_and_unknown_name() -> None:
    with pytest.raises(RubricError, match="no such rubric file"):
        load_rubric(Path("/nonexistent/rubric.toml"))
    with pytest.raises(RubricError, match="unknown rubric 'atlantis-2019'"):
        load_rubric("atlantis-2019")


def test_a_column_is_deducted_once_across_rules(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "claims.toml",
        """
        format = 1
        extends = "national-2019"
        name = "claims"
        title = "blank columns with points"

        [[websites.deductions]]
        id = "blank-columns"
        points_each = 2
        """,
    )
    columns = [
        {"name": "政策文件", "type": "policy", "level": 1, "latest": None, "items": 0},
        {"name": "专题", "type": "other", "level": 1, "latest": None, "items": 0},
    ]
    result = score_observations(document([clean_site(columns=columns)]), load_rubric(path))["websites"][0]
    assert [(d["rule"], d["points"]) for d in result["deductions"]] == [
        ("stale-policy-first-level", 5.0),
        ("blank-columns", 2.0),
    ]
    assert "（专题）" in result["deductions"][1]["evidence"]
