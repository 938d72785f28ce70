"""Unit scores (单位季度得分) and annual scores (年度得分) from scored verdicts.

One semantics, which the store's SQL rollups (``govinspect/sql/unit_quarter_scores.sql`` and
``unit_annual_scores.sql``) reproduce to the digit — a test compares them on SQLite and PostgreSQL:

* **What an entity counts.** ``unknown``: left out of the means, and counted. Vetoed — ``fail``
  without a score, since a 单项否决 leaves nothing else scored: ``units.vetoed_score`` (0, or 59
  under 肇庆). Scored, passing or failing on points: its published score, bonus included. Passed
  without a score (a veto-only test, national new media): the entity's full marks
  (``deduction_total``). Entities without a unit belong to no unit score.
* **A quarter.** The mean of the unit's points; with ``website_weight``/``account_weight`` (湾沚
  30/70) the weighted mean of the website mean and the account mean, a part the unit lacks left
  out and the other weight renormalised. Rounded once, half up, to ``score_decimals``; then a unit
  with a vetoed entity of the kinds in ``vetoed_unit_cap_entities`` scores at most
  ``vetoed_unit_cap`` (肇庆: 59). The unit's verdict compares that published figure with
  ``units.pass_mark``.
* **A year.** The mean of the unit's quarterly scores over the quarters assessed that year (those
  with any unit score stored): a quarter without a score is skipped, or counts 0 when
  ``annual_missing = "zero"``. Rounded once, half up. The website and account parts of a year are
  the means of the quarterly parts where present.

Arithmetic is exact, in whole steps of 10^-``score_decimals``; an entity score with more decimals
than the rubric publishes is refused rather than rounded one way here and another in SQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

from govinspect.quarter import Quarter
from govinspect.scoring.engine import quarter_for_check_point, round_half_up
from govinspect.scoring.observations import (
    ObservationsError,
    as_date,
    as_list,
    as_number,
    as_object,
    as_text,
    describe,
)
from govinspect.scoring.rubric import DEFAULT_RUBRIC, Rubric, load_rubric

ENTITY_TYPES = {"websites": "website", "accounts": "account"}


def _rubric(rubric: Rubric | str | Path | None, verdicts: Mapping[str, Any] | None = None) -> Rubric:
    if isinstance(rubric, Rubric):
        return rubric
    if rubric is None:
        name = (verdicts or {}).get("indicator_set") or DEFAULT_RUBRIC
        return load_rubric(str(name))
    return load_rubric(rubric)


def _published(value: Any, decimals: int, path: str) -> Fraction:
    """A score as published: at most ``decimals`` decimals, kept exact."""
    number = as_number(value, path)
    if (number * 10**decimals).denominator != 1:
        raise ObservationsError(path, f"has more than the rubric's {decimals} decimals: {describe(value)}")
    return number


def entity_points(
    verdict: Mapping[str, Any], entity: str, rubric: Rubric, path: str
) -> tuple[Fraction | None, bool]:
    """What one website or account counts in its unit (None when ``unknown``), and whether it was vetoed."""
    state = verdict.get("verdict")
    if state not in ("pass", "fail", "unknown"):
        raise ObservationsError(f"{path}.verdict", f"expected pass, fail or unknown, got {describe(state)}")
    score = verdict.get("score")
    vetoes = as_list(verdict.get("vetoes") or [], f"{path}.vetoes")
    if vetoes and score is not None:
        raise ObservationsError(f"{path}.score", "a vetoed entity has no score (单项否决: nothing else is scored)")
    if state == "unknown":
        return None, False
    if score is None:
        if state == "fail":
            return rubric.units.vetoed_score, True
        erub = rubric.websites if entity == "websites" else rubric.accounts
        return erub.deduction_total, False  # 合格 under a veto-only test counts full marks
    return _published(score, rubric.score_decimals, f"{path}.score"), False


def _mean(values: Sequence[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def _rounded(value: Fraction | None, decimals: int) -> Fraction | None:
    return None if value is None else round_half_up(value, decimals)


def _out(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def _quarter(doc: Mapping[str, Any], quarter: str | None) -> str | None:
    if quarter is None:
        quarter = doc.get("quarter")
    if quarter is None and doc.get("check_point") is not None:
        check_point = as_date(doc["check_point"], "check_point")
        quarter = str(quarter_for_check_point(check_point)) if check_point else None
    if quarter is None:
        return None
    try:
        return str(Quarter.parse(str(quarter)))
    except ValueError as exc:
        raise ObservationsError("quarter", str(exc)) from None


def unit_scores(
    verdicts: Mapping[str, Any], rubric: Rubric | str | Path | None = None, quarter: str | None = None
) -> list[dict[str, Any]]:
    """Per unit, the quarter's score from :func:`score_observations` output (or verdict rows shaped
    like it: ``websites``/``accounts`` lists of ``unit``, ``verdict``, ``score``), units in first-seen order."""
    doc = as_object(verdicts, "$")
    chosen = _rubric(rubric, doc)
    units, decimals = chosen.units, chosen.score_decimals
    period = _quarter(doc, quarter)

    groups: dict[str, dict[str, Any]] = {}
    for entity in ("websites", "accounts"):
        for index, item in enumerate(as_list(doc.get(entity) or [], entity)):
            path = f"{entity}[{index}]"
            item = as_object(item, path)
            unit = as_text(item.get("unit"), f"{path}.unit")
            points, vetoed = entity_points(item, entity, chosen, path)
            if not unit:
                continue
            g = groups.setdefault(
                unit,
                {"kinds": [], "websites": [], "accounts": [], "failed": 0, "unknown": 0,
                 "vetoed_websites": 0, "vetoed_accounts": 0},
            )
            if item.get("unit_kind"):
                g["kinds"].append(as_text(item["unit_kind"], f"{path}.unit_kind"))
            if item["verdict"] == "fail":
                g["failed"] += 1
            if points is None:
                g["unknown"] += 1
                continue
            g[entity].append(points)
            if vetoed:
                g[f"vetoed_{entity}"] += 1

    results = []
    for unit, g in groups.items():
        site_mean, account_mean = _mean(g["websites"]), _mean(g["accounts"])
        score: Fraction | None
        if units.website_weight is not None and units.account_weight is not None:
            present = [
                (w, m) for w, m in ((units.website_weight, site_mean), (units.account_weight, account_mean))
                if m is not None
            ]
            weight = sum((w for w, _ in present), Fraction(0))
            score = sum((w * m for w, m in present), Fraction(0)) / weight if weight > 0 else None
        else:
            score = _mean(g["websites"] + g["accounts"])
        score = _rounded(score, decimals)
        capped = False
        if score is not None and units.vetoed_unit_cap is not None:
            vetoed = sum(g[f"vetoed_{e}"] for e in units.vetoed_unit_cap_entities)
            if vetoed and score > units.vetoed_unit_cap:
                score, capped = units.vetoed_unit_cap, True
        results.append(
            {
                "unit": unit,
                "quarter": period,
                "unit_kind": max(g["kinds"]) if g["kinds"] else None,
                "score": _out(score),
                "verdict": None if score is None else ("pass" if score >= units.pass_mark else "fail"),
                "website_score": _out(_rounded(site_mean, decimals)),
                "account_score": _out(_rounded(account_mean, decimals)),
                "judged": len(g["websites"]) + len(g["accounts"]),
                "failed": g["failed"],
                "unknown": g["unknown"],
                "websites": len(g["websites"]),
                "accounts": len(g["accounts"]),
                "vetoed_websites": g["vetoed_websites"],
                "vetoed_accounts": g["vetoed_accounts"],
                "capped": capped,
            }
        )
    return results


def _year_mean(values: list[Fraction | None], missing: str, decimals: int) -> Fraction | None:
    if missing == "zero":
        return _rounded(_mean([Fraction(0) if v is None else v for v in values]), decimals)
    return _rounded(_mean([v for v in values if v is not None]), decimals)


def annual_unit_scores(
    quarters: Mapping[str, Sequence[Mapping[str, Any]]],
    rubric: Rubric | str | Path | None = None,
    year: str | None = None,
) -> list[dict[str, Any]]:
    """Per unit, the year's score from each quarter's unit rows (:func:`unit_scores` output or stored rows).

    ``quarters`` maps a quarter (2020Q1 …) to its unit rows; a quarter with no rows was not assessed.
    Units come in first-seen order.
    """
    chosen = _rubric(rubric)
    decimals, missing = chosen.score_decimals, chosen.units.annual_missing
    assessed = [q for q, rows in quarters.items() if rows]
    if year is None and assessed:
        year = str(Quarter.parse(assessed[0]).year)
    per_unit: dict[str, dict[str, Any]] = {}
    for q in assessed:
        for index, row in enumerate(quarters[q]):
            path = f"{q}[{index}]"
            unit = as_text(row.get("unit"), f"{path}.unit", required=True)
            u = per_unit.setdefault(
                unit, {"kinds": [], "scores": {}, "websites": [], "accounts": [], "judged": 0, "failed": 0, "unknown": 0}
            )
            if row.get("unit_kind"):
                u["kinds"].append(str(row["unit_kind"]))
            for key, target in (("website_score", "websites"), ("account_score", "accounts")):
                if row.get(key) is not None:
                    u[target].append(_published(row[key], decimals, f"{path}.{key}"))
            score = row.get("score")
            u["scores"][q] = None if score is None else _published(score, decimals, f"{path}.score")
            for key in ("judged", "failed", "unknown"):
                u[key] += int(row.get(key) or 0)
    results = []
    for unit, u in per_unit.items():
        score = _year_mean([u["scores"].get(q) for q in assessed], missing, decimals)
        results.append(
            {
                "unit": unit,
                "year": year,
                "unit_kind": max(u["kinds"]) if u["kinds"] else None,
                "score": _out(score),
                "verdict": None if score is None else ("pass" if score >= chosen.units.pass_mark else "fail"),
                "website_score": _out(_rounded(_mean(u["websites"]), decimals)),
                "account_score": _out(_rounded(_mean(u["accounts"]), decimals)),
                "judged": u["judged"],
                "failed": u["failed"],
                "unknown": u["unknown"],
                "quarters": len(assessed),
            }
        )
    return results


def annual_score(
    quarter_scores: list[float | None], rubric: Rubric | str | Path | None = None
) -> float | None:
    """One unit's annual score from its scores in the quarters assessed (None: no score that quarter)."""
    chosen = _rubric(rubric)
    values = [
        None if s is None else _published(s, chosen.score_decimals, f"quarter_scores[{i}]")
        for i, s in enumerate(quarter_scores)
    ]
    return _out(_year_mean(values, chosen.units.annual_missing, chosen.score_decimals))
