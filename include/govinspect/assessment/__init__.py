"""The annual assessment (年度考核): quarterly unit scores folded into a year, in SQL that runs
the same on SQLite and PostgreSQL (one statement per file under ``govinspect/sql``)."""

from __future__ import annotations

from importlib import resources
from typing import Any

from sqlalchemy import text

from govinspect.store import replace_partition, session_scope
from govinspect.store.models import UnitScore


def sql(name: str) -> str:
    return resources.files("govinspect").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def _rows(session: Any, statement: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    result = session.execute(text(statement), params)
    return [dict(row._mapping) for row in result]


def rollup(quarter: str, *, vetoed_score: float = 0.0, website_weight: float = 0.0, account_weight: float = 0.0,
           url: str | None = None) -> dict[str, int]:
    """Replace the quarter's unit scores, then the year's, from the verdicts."""
    year = quarter[:4]
    with session_scope(url) as session:
        quarterly = _rows(session, sql("unit_quarter_scores"), {"quarter": quarter, "vetoed_score": vetoed_score})
        replace_partition(session, UnitScore, {"period": quarter}, quarterly)
        annual = _rows(session, sql("unit_annual_scores"), {
            "year": year, "year_pattern": f"{year}Q%", "website_weight": website_weight,
            "account_weight": account_weight})
        replace_partition(session, UnitScore, {"period": year}, annual)
    return {"quarter_units": len(quarterly), "year_units": len(annual)}
