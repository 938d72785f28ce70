"""Unit scores (单位季度得分) and annual scores (年度得分) from scored verdicts.

Recommended default of the indicator spec [I]: a unit's quarterly score is the mean over its
websites and accounts; a vetoed one counts ``units.vetoed_score`` (0, or 59 under 肇庆); an account
that passes the veto-only national test counts full marks; an ``unknown`` account is left out and
counted. A preset may weight the website and new-media parts (湾沚 30% / 70%) and cap a unit that
has a vetoed entity (肇庆: 59). Means are exact and rounded once, half up, to the rubric's decimals;
the store's SQL rollups follow the same arithmetic.
"""

from __future__ import annotations

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
from govinspect.scoring.rubric import DEFAULT_RUBRIC, EntityRubric, Rubric, load_rubric


def _rubric(rubric: Rubric | str | Path | None, verdicts: dict[str, Any] | None = None) -> Rubric:
    if isinstance(rubric, Rubric):
        return rubric
    if rubric is None:
        name = (verdicts or {}).get("indicator_set") or DEFAULT_RUBRIC
        return load_rubric(str(name))
    return load_rubric(rubric)


def entity_score(verdict: dict[str, Any], erub: EntityRubric, rubric: Rubric, path: str) -> Fraction | None:
    """The score one website or account contributes to its unit, or None when it is ``unknown``."""
    state = verdict.get("verdict")
    if state not in ("pass", "fail", "unknown"):
        raise ObservationsError(f"{path}.verdict", f"expected pass, fail or unknown, got {describe(state)}")
    vetoes = as_list(verdict.get("vetoes") or [], f"{path}.vetoes")
    if vetoes:
        return rubric.units.vetoed_score
    if state == "unknown":
        return None
    score = verdict.get("score")
    if score is not None:
        return as_number(score, f"{path}.score")
    if state == "pass":
        return erub.deduction_total  # 合格 under a veto-only test counts full marks
    return rubric.units.vetoed_score


def _mean(values: list[Fraction]) -> Fraction | None:
    return sum(values, Fraction(0)) / len(values) if values else None


def _out(value: Fraction | None, decimals: int) -> float | None:
    return None if value is None else float(round_half_up(value, decimals))


def unit_scores(
    verdicts: dict[str, Any], rubric: Rubric | str | Path | None = None, quarter: str | None = None
) -> list[dict[str, Any]]:
    """Per unit, the quarter's score from the output of :func:`score_observations`, units in first-seen order."""
    doc = as_object(verdicts, "$")
    chosen = _rubric(rubric, doc)
    units = chosen.units
    if quarter is None:
        quarter = doc.get("quarter")
    if quarter is None and doc.get("check_point") is not None:
        check_point = as_date(doc["check_point"], "check_point")
        quarter = str(quarter_for_check_point(check_point)) if check_point else None
    if quarter is not None:
        try:
            quarter = str(Quarter.parse(str(quarter)))
        except ValueError as exc:
            raise ObservationsError("quarter", str(exc)) from None

    groups: dict[str, dict[str, Any]] = {}

    def group(unit: str) -> dict[str, Any]:
        if unit not in groups:
            groups[unit] = {
                "websites": [],
                "accounts": [],
                "unknown": 0,
                "vetoed_websites": 0,
                "vetoed_accounts": 0,
            }
        return groups[unit]

    for entity, erub in (("websites", chosen.websites), ("accounts", chosen.accounts)):
        for index, item in enumerate(as_list(doc.get(entity) or [], entity)):
            path = f"{entity}[{index}]"
            item = as_object(item, path)
            g = group(as_text(item.get("unit"), f"{path}.unit"))
            score = entity_score(item, erub, chosen, path)
            if score is None:
                g["unknown"] += 1
                continue
            g[entity].append(score)
            if item.get("vetoes"):
                g[f"vetoed_{entity}"] += 1

    results = []
    for unit, g in groups.items():
        site_mean, account_mean = _mean(g["websites"]), _mean(g["accounts"])
        score: Fraction | None
        if units.website_weight is not None and units.account_weight is not None:
            parts = [(units.website_weight, site_mean), (units.account_weight, account_mean)]
            present = [(w, m) for w, m in parts if m is not None]
            weight = sum((w for w, _ in present), Fraction(0))
            score = sum((w * m for w, m in present), Fraction(0)) / weight if present and weight > 0 else None
        else:
            score = _mean(g["websites"] + g["accounts"])
        capped = False
        if score is not None and units.vetoed_unit_cap is not None:
            vetoed = sum(g[f"vetoed_{e}"] for e in units.vetoed_unit_cap_entities)
            if vetoed and score > units.vetoed_unit_cap:
                score, capped = units.vetoed_unit_cap, True
        rounded = None if score is None else round_half_up(score, chosen.score_decimals)
        results.append(
            {
                "unit": unit,
                "quarter": quarter,
                "score": _out(score, chosen.score_decimals),
                "verdict": None if rounded is None else ("pass" if rounded >= units.pass_mark else "fail"),
                "websites": len(g["websites"]),
                "accounts": len(g["accounts"]),
                "unknown_accounts": g["unknown"],
                "vetoed_websites": g["vetoed_websites"],
                "vetoed_accounts": g["vetoed_accounts"],
                "website_score": _out(site_mean, chosen.score_decimals),
                "account_score": _out(account_mean, chosen.score_decimals),
                "capped": capped,
            }
        )
    return results


def annual_score(
    quarter_scores: list[float | None], rubric: Rubric | str | Path | None = None
) -> float | None:
    """A unit's annual score: the mean of its quarterly scores (a missing quarter skipped, or 0 when the rubric says so)."""
    chosen = _rubric(rubric)
    values: list[Fraction] = []
    for index, score in enumerate(quarter_scores):
        if score is None:
            if chosen.units.annual_missing == "zero":
                values.append(Fraction(0))
            continue
        values.append(as_number(score, f"quarter_scores[{index}]"))
    return _out(_mean(values), chosen.score_decimals)
