"""Unit scores in the store: each quarter's, the year's so far, and their changes, in SQL that
gives the same figures on SQLite and PostgreSQL as :mod:`govinspect.scoring.units` gives in Python
(one statement per file under ``govinspect/sql``)."""

from __future__ import annotations

import re
from importlib import resources
from math import lcm
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from govinspect.quarter import Quarter
from govinspect.scoring.rubric import DEFAULT_RUBRIC, Rubric, load_rubric
from govinspect.store import replace_partition, session_scope
from govinspect.store.models import UnitScore

# Changes are differences of stored scores; a millionth is finer than any rubric publishes (≤ 6 decimals).
CHANGE_SCALE = 10**6
_PARAM_RE = re.compile(r"(?<![:\w]):(\w+)")


def sql(name: str) -> str:
    """The text of ``govinspect/sql/<name>.sql``."""
    return resources.files("govinspect").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def _rows(session: Session, statement: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    names = set(_PARAM_RE.findall(statement))
    missing = names - set(params)
    if missing:
        raise KeyError(f"SQL parameters without a value: {', '.join(sorted(missing))}")
    result = session.execute(text(statement), {k: v for k, v in params.items() if k in names})
    return [dict(row._mapping) for row in result]


def _rubric(rubric: Rubric | str | Path | None) -> Rubric:
    return rubric if isinstance(rubric, Rubric) else load_rubric(rubric or DEFAULT_RUBRIC)


def rollup_params(rubric: Rubric) -> dict[str, int]:
    """Every unit setting of the rubric as the whole numbers the SQL rollups take.

    Points are counted in steps of 10^-score_decimals (the rubric guarantees its unit values fall on
    those steps); weights become integers in the same ratio (0.3 / 0.7 → 3 / 7; none → 0 / 0).
    """
    scale = 10**rubric.score_decimals
    units = rubric.units

    def steps(value: Any) -> int:
        count = value * scale
        if count.denominator != 1:
            raise ValueError(f"{rubric.name}: {value} is not a multiple of 1/{scale}")
        return int(count)

    website_weight = account_weight = 0
    if units.website_weight is not None and units.account_weight is not None:
        common = lcm(units.website_weight.denominator, units.account_weight.denominator)
        website_weight = int(units.website_weight * common)
        account_weight = int(units.account_weight * common)
    cap = units.vetoed_unit_cap
    return {
        "scale": scale,
        "vetoed_points": steps(units.vetoed_score),
        "website_full": steps(rubric.websites.deduction_total),
        "account_full": steps(rubric.accounts.deduction_total),
        "website_weight": website_weight,
        "account_weight": account_weight,
        "cap_points": 0 if cap is None else steps(cap),
        "cap_websites": int(cap is not None and "websites" in units.vetoed_unit_cap_entities),
        "cap_accounts": int(cap is not None and "accounts" in units.vetoed_unit_cap_entities),
        "missing_zero": int(units.annual_missing == "zero"),
    }


def rollup(quarter: str, rubric: Rubric | str | Path | None = None, *, url: str | None = None) -> dict[str, int]:
    """Replace the quarter's unit scores from its verdicts, then the year's from its quarters."""
    chosen = _rubric(rubric)
    q = Quarter.parse(quarter)
    params = rollup_params(chosen)
    with session_scope(url) as session:
        quarterly = _rows(session, sql("unit_quarter_scores"), {**params, "quarter": str(q)})
        replace_partition(session, UnitScore, {"period": str(q)}, quarterly)
        annual = _rows(
            session,
            sql("unit_annual_scores"),
            {**params, "year": str(q.year), "year_pattern": f"{q.year}Q%"},
        )
        replace_partition(session, UnitScore, {"period": str(q.year)}, annual)
    return {"quarter_units": len(quarterly), "year_units": len(annual)}


def _periods(period: str) -> tuple[str, str, str]:
    """(period, the one before, the same one a year earlier) for ``2020Q3`` or ``2020``."""
    if re.fullmatch(r"\d{4}", period.strip()):
        year = int(period)
        return str(year), str(year - 1), str(year - 1)
    q = Quarter.parse(period)
    return str(q), str(q.previous()), str(Quarter(q.year - 1, q.number))


def unit_changes(period: str, *, url: str | None = None, session: Session | None = None) -> list[dict[str, Any]]:
    """Each unit's score in ``period`` (a quarter such as 2020Q3, or a year such as 2020) with its
    change from the period before (环比) and from the same period a year earlier (同比).

    Rows: unit, unit_kind, score, website_score, account_score, previous_score,
    change_from_previous, year_ago_score, change_from_year_ago, plus ``period``, ``previous`` and
    ``year_ago`` naming the periods compared. Read in ``session`` when given (a caller's
    transaction), else in a transaction of its own on ``url``.
    """
    if session is None:
        with session_scope(url) as own:
            return unit_changes(period, session=own)
    current, previous, year_ago = _periods(period)
    rows = _rows(
        session,
        sql("unit_score_changes"),
        {"period": current, "previous": previous, "year_ago": year_ago, "scale": CHANGE_SCALE},
    )
    return [{"period": current, "previous": previous, "year_ago": year_ago, **row} for row in rows]


def stored_unit_scores(period: str, *, url: str | None = None, session: Session | None = None) -> list[dict[str, Any]]:
    """The stored unit scores of one period (a quarter or a year), by unit; in ``session`` when given."""
    from sqlalchemy import select

    if session is None:
        with session_scope(url) as own:
            return stored_unit_scores(period, session=own)
    rows = session.execute(select(UnitScore).where(UnitScore.period == period).order_by(UnitScore.unit)).scalars()
    return [{c.name: getattr(r, c.name) for c in UnitScore.__table__.columns} for r in rows]
