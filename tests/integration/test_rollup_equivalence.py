"""The unit rollups agree to the digit: SQL on SQLite == SQL on PostgreSQL == scoring/units.py.

Verdict sets are generated (every verdict/score pattern the store can hold, units with and
without websites or accounts, empty quarters, entities without a unit) and rolled up under each
preset and under rubrics that exercise the remaining settings (a cap on websites too, weights
that are not tenths, a missing quarter counted as 0, one decimal).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from govinspect.assessment import rollup
from govinspect.scoring import load_rubric
from govinspect.scoring.rubric import Rubric
from govinspect.scoring.units import annual_unit_scores, unit_scores
from govinspect.store import migrate, replace_partition, session_scope
from govinspect.store.models import UnitScore, Verdict

UNITS = {"敖勒召其镇": "镇", "旗民政局": "部门", "旗教育局": "部门", "上海庙经济开发区管委会": "开发区"}
QUARTERS = ["2020Q1", "2020Q2", "2020Q3", "2020Q4"]
COMPARED = ("unit_kind", "score", "website_score", "account_score", "judged", "failed", "unknown")

EXTRA_RUBRICS = {
    # a cap that websites trigger as well, weights of one third / two thirds, missing quarters count 0
    "strict-units": """
format = 1
extends = "national-2019"
name = "strict-units"
title = "test: capped, weighted 1:2, missing quarters count 0"
[units]
vetoed_score = 40
vetoed_unit_cap = 55.5
vetoed_unit_cap_entities = ["websites", "accounts"]
website_weight = 1
account_weight = 2
annual_missing = "zero"
""",
    # one decimal, a vetoed entity counting 12.5, websites weighted 0 (a unit of websites alone has no score)
    "coarse-units": """
format = 1
extends = "national-2019"
name = "coarse-units"
title = "test: one decimal, website weight 0"
score_decimals = 1
[units]
vetoed_score = 12.5
website_weight = 0
account_weight = 0.25
""",
}
PRESETS = ["national-2019", "zhaoqing-2019", "wanzhi-2021", *EXTRA_RUBRICS]


@pytest.fixture(scope="module")
def rubrics(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Rubric]:
    folder = tmp_path_factory.mktemp("rubrics")
    out = {}
    for name in PRESETS:
        if name in EXTRA_RUBRICS:
            path = folder / f"{name}.toml"
            path.write_text(EXTRA_RUBRICS[name], encoding="utf-8")
            out[name] = load_rubric(path)
        else:
            out[name] = load_rubric(name)
    return out


def _clear(url: str) -> None:
    with session_scope(url) as s:
        s.execute(delete(Verdict))
        s.execute(delete(UnitScore))


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory, pg_url: str) -> Iterator[tuple[str, str]]:
    sqlite_url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    migrate(sqlite_url)
    migrate(pg_url)
    yield sqlite_url, pg_url
    _clear(pg_url)


@st.composite
def entity(draw: st.DrawFn, decimals: int) -> dict[str, Any]:
    scale = 10**decimals
    unit = draw(st.sampled_from([*sorted(UNITS), None, ""]))
    verdict, score = draw(
        st.one_of(
            st.just(("unknown", None)),
            st.just(("fail", None)),  # vetoed
            st.just(("pass", None)),  # passed a veto-only test
            st.tuples(st.just("pass"), st.integers(60 * scale, 130 * scale)),
            st.tuples(st.just("fail"), st.integers(0, 60 * scale - 1)),
        )
    )
    return {
        "entity_type": draw(st.sampled_from(["website", "account"])),
        "unit": unit,
        "unit_kind": UNITS.get(unit or ""),
        "verdict": verdict,
        "score": None if score is None else score / scale,
    }


def quarters(decimals: int) -> st.SearchStrategy[dict[str, list[dict[str, Any]]]]:
    return st.dictionaries(
        st.sampled_from(QUARTERS), st.lists(entity(decimals), max_size=14), min_size=1, max_size=4
    )


def _store(url: str, verdicts: dict[str, list[dict[str, Any]]], rubric: Rubric) -> dict[tuple[str, str], dict]:
    _clear(url)
    for quarter, rows in verdicts.items():
        with session_scope(url) as s:
            replace_partition(s, Verdict, {"quarter": quarter}, [
                {**row, "entity_id": f"{row['entity_type']}-{i}", "platform": None, "indicator_set": rubric.name,
                 "detail": {}} for i, row in enumerate(rows)
            ])
    for quarter in sorted(verdicts):
        rollup(quarter, rubric, url=url)
    with session_scope(url) as s:
        return {(u.period, u.unit): {k: getattr(u, k) for k in COMPARED} for u in s.execute(select(UnitScore)).scalars()}


def _python(verdicts: dict[str, list[dict[str, Any]]], rubric: Rubric) -> dict[tuple[str, str], dict]:
    out: dict[tuple[str, str], dict] = {}
    per_quarter = {}
    for quarter in sorted(verdicts):
        doc: dict[str, Any] = {"websites": [], "accounts": []}
        for row in verdicts[quarter]:
            item = {"unit": row["unit"], "unit_kind": row["unit_kind"], "verdict": row["verdict"], "score": row["score"],
                    "vetoes": ["V1"] if row["verdict"] == "fail" and row["score"] is None else []}
            doc[f"{row['entity_type']}s"].append(item)
        rows = unit_scores(doc, rubric, quarter)
        per_quarter[quarter] = rows
        out.update({(quarter, r["unit"]): {k: r[k] for k in COMPARED} for r in rows})
    for r in annual_unit_scores(per_quarter, rubric):
        out[(r["year"], r["unit"])] = {k: r[k] for k in COMPARED}
    return out


@pytest.mark.postgres
@pytest.mark.parametrize("preset", PRESETS)
def test_sql_on_sqlite_and_postgresql_equals_units_py(preset: str, rubrics: dict[str, Rubric],
                                                      stores: tuple[str, str]) -> None:
    rubric = rubrics[preset]
    sqlite_url, pg_url = stores

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(verdicts=quarters(rubric.score_decimals))
    def check(verdicts: dict[str, list[dict[str, Any]]]) -> None:
        expected = _python(verdicts, rubric)
        on_sqlite = _store(sqlite_url, verdicts, rubric)
        on_postgresql = _store(pg_url, verdicts, rubric)
        assert on_sqlite == on_postgresql
        assert on_sqlite == expected

    check()


def test_the_extra_rubrics_reach_every_setting(rubrics: dict[str, Rubric]) -> None:
    """The generated cases only prove something if the rubrics differ where the SQL branches."""
    from govinspect.assessment import rollup_params

    params = {name: rollup_params(r) for name, r in rubrics.items()}
    assert params["zhaoqing-2019"]["cap_accounts"] == 1 and params["zhaoqing-2019"]["cap_websites"] == 0
    assert params["strict-units"]["cap_websites"] == 1 and params["strict-units"]["missing_zero"] == 1
    assert (params["wanzhi-2021"]["website_weight"], params["wanzhi-2021"]["account_weight"]) == (3, 7)
    assert (params["coarse-units"]["scale"], params["coarse-units"]["vetoed_points"]) == (10, 125)
    assert (params["coarse-units"]["website_weight"], params["coarse-units"]["account_weight"]) == (0, 1)
    assert params["strict-units"]["cap_points"] == 5550
