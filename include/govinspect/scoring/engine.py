"""The scoring engine: a rubric applied to an observations document, pure and deterministic.

Websites: any 单项否决 hit means 不合格 and nothing else is scored (score ``null``); otherwise
the 扣分 part is 100 minus the deductions, each first-level indicator's deductions capped at its
weight, and a portal above 80 adds its (capped) 加分. Below 60 fails. Accounts: the national text
judges them by the vetoes alone; an account whose last post is unknown is ``unknown``, never stale.

An inspector may set a veto or a deduction rule aside after review (``manual.overrides``): the
verdict then lists it under ``overridden`` with the reason instead of applying it.

Arithmetic is exact (fractions); scores are rounded once, half up, to the rubric's decimals, and
the pass and bonus thresholds compare that published figure, so a notice never shows "60.00 不合格".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from govinspect.quarter import Quarter
from govinspect.scoring.observations import (
    MISSING,
    Account,
    Column,
    ObservationsError,
    Website,
    as_bool,
    as_count,
    as_date,
    describe,
    field_value,
    parse_observations,
)
from govinspect.scoring.rubric import (
    DEFAULT_RUBRIC,
    DeductionRule,
    EntityRubric,
    Rubric,
    RubricError,
    Veto,
    find_rubric,
    is_rubric_name,
    load_rubric,
)

__all__ = ["load_rubric", "score_observations", "quarter_for_check_point", "ObservationsError", "RubricError"]

# How inspectors name the manual flags in a notice; a flag a province adds shows under its own name.
FLAG_LABELS = {
    "security_incident": "安全事故",
    "serious_error": "严重表述错误",
    "secret_leak": "泄露国家秘密",
    "harmful_content": "发布或链接有害信息",
    "forged_dates": "伪造发布日期",
    "negative_opinion": "管理不善引发负面舆情",
    "hijacked": "账号被盗用或内容被篡改",
    "no_interaction": "无有效互动功能",
    "unanswered_messages": "留言长期未回复",
}
KIND_LABELS = {"portal": "门户网站", "department": "部门网站"}
TYPE_LABELS = {
    "dynamic": "动态要闻",
    "notice": "通知公告",
    "policy": "政策文件",
    "personnel": "人事信息",
    "planning": "规划计划",
    "interpretation": "政策解读",
    "interview": "在线访谈",
    "consult": "政务咨询",
    "survey": "调查征集",
    "other": "其他",
}


def quarter_for_check_point(check_point: date) -> Quarter:
    """The quarter a check point belongs to: the first quarter whose default check point is on or after it."""
    current = Quarter.containing(check_point)
    previous = current.previous()
    return previous if check_point <= previous.default_check_point() else current


def round_half_up(value: Fraction, decimals: int) -> Fraction:
    """Round a non-negative exact value half up (四舍五入) to ``decimals``."""
    scale = 10**decimals
    scaled = value * scale
    return Fraction((scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator), scale)


def _pct(ratio: Fraction) -> str:
    return f"{float(round_half_up(ratio * 100, 2)):.2f}%"


def _fmt(value: Fraction) -> str:
    """A point value as an inspector writes it: 5, 0.1, 93.33."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def _names(columns: Iterable[Column]) -> list[str]:
    return [c.name or f"（未命名{TYPE_LABELS[c.type]}栏目）" for c in columns]


@dataclass(slots=True)
class _Outcome:
    """What the tests found for one website or account."""

    vetoes: list[str] = field(default_factory=list)
    details: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    unknown: bool = False
    overrides: dict[str, str] = field(default_factory=dict)  # rule -> the inspector's reason
    overridden: list[dict[str, Any]] = field(default_factory=list)

    def veto(
        self,
        veto: Veto,
        observed: Any,
        threshold: Any,
        evidence: str,
        clause: str | None = None,
        **extra: Any,
    ) -> None:
        if veto.code not in self.vetoes:
            self.vetoes.append(veto.code)
        detail = {
            "rule": veto.code,
            "title": veto.title,
            "clause": clause,
            "observed": observed,
            "threshold": threshold,
            "evidence": evidence,
            "confidence": veto.confidence,
        }
        detail.update(extra)
        self.details.append(detail)

    def find(self, kind: str, rule: str | None, evidence: str) -> None:
        self.findings.append({"kind": kind, "rule": rule, "evidence": evidence})


@dataclass(slots=True)
class _Context:
    check_point: date
    decimals: int
    windows: dict[str, int]  # column freshness windows by type

    def fresh(self, day: date | None, what: str, out: _Outcome) -> date | None:
        """A date that may count as update evidence: a date after the check point is a V1(e) risk, not evidence."""
        if day is not None and day > self.check_point:
            out.find(
                "future_date",
                "V1",
                f"{what}日期 {day.isoformat()} 晚于检查基准日 {self.check_point.isoformat()}，"
                "不作为更新依据（疑似伪造发布日期，V1(e) 风险）",
            )
            return None
        return day

    def age(self, day: date) -> int:
        return (self.check_point - day).days


# ----------------------------------------------------------------------------- column state


@dataclass(slots=True)
class _ColumnState:
    column: Column
    latest: date | None  # fresh evidence only (future dates removed)

    @property
    def blank(self) -> bool:
        return self.column.items == 0

    def stale(self, window: int | None, ctx: _Context) -> bool:
        """Not updated within ``window`` days: blank, undated, or older (无日期视为未更新)."""
        if window is None:
            return False
        return self.blank or self.latest is None or ctx.age(self.latest) > window


@dataclass(slots=True)
class _SiteView:
    """A website's dates as evidence: future dates already reported and removed."""

    homepage: date | None | object  # MISSING when not observed
    columns: list[_ColumnState] | None  # None when not observed


def _site_view(site: Website, ctx: _Context, out: _Outcome) -> _SiteView:
    homepage: date | None | object = MISSING
    if site.homepage_latest is not MISSING:
        homepage = ctx.fresh(site.homepage_latest, "首页最新", out)
    columns = None
    if site.columns is not MISSING:
        columns = [
            _ColumnState(c, ctx.fresh(c.latest, f"栏目“{_names([c])[0]}”最新", out)) for c in site.columns
        ]
    return _SiteView(homepage, columns)


# ----------------------------------------------------------------------------- veto tests: websites


def _manual_test(
    entity: Website | Account, veto: Veto, ctx: _Context, out: _Outcome, view: Any = None
) -> None:
    hits = entity.manual.flags(veto.params["flags"]) if entity.manual.raw else []
    if hits:
        reasons = entity.manual.reasons
        labels = ("；" if any(reasons.get(flag) for flag in hits) else "、").join(
            f"{FLAG_LABELS.get(flag, flag)}：{reasons[flag]}" if reasons.get(flag) else FLAG_LABELS.get(flag, flag)
            for flag in hits
        )
        out.veto(veto, hits, None, f"人工核定：{labels}")


def _probe_test(site: Website, veto: Veto, ctx: _Context, out: _Outcome, view: Any = None) -> None:
    if site.probes is MISSING:
        out.find("not_observed", veto.code, "未取得首页可用性探测数据")
        return
    total, failed = site.probes
    ratio_min: Fraction = veto.params["ratio_min"]
    probes_min: int = veto.params["probes_min"]
    if total < probes_min:
        seen = f"失败 {failed}/{total} 次（{_pct(Fraction(failed, total))}），" if total else ""
        out.find(
            "probes_insufficient",
            veto.code,
            f"首页探测 {total} 次，{seen}少于 {probes_min} 次，不足以判定，需补测",
        )
        return
    ratio = Fraction(failed, total)
    evidence = f"首页探测 {total} 次，失败 {failed} 次（{_pct(ratio)}）"
    if ratio >= ratio_min and site.probes_confirmed is not MISSING and site.probes_confirmed is not True:
        why = "复测时监测网络本身异常" if site.probes_confirmed is False else "尚未进行复测确认"
        out.find("veto_unconfirmed", veto.code, f"{evidence}，达到 {_pct(ratio_min)}，但{why}，暂不判定，需复测")
    elif ratio >= ratio_min:
        out.veto(
            veto,
            float(round_half_up(ratio, 4)),
            float(ratio_min),
            f"{evidence}，达到 {_pct(ratio_min)}",
            failed=failed,
            total=total,
        )
    elif "warn_ratio" in veto.params and ratio >= veto.params["warn_ratio"]:
        out.find("early_warning", veto.code, f"{evidence}，达到预警线 {_pct(veto.params['warn_ratio'])}")


def _homepage_test(site: Website, veto: Veto, ctx: _Context, out: _Outcome, view: _SiteView) -> None:
    if view.homepage is MISSING:
        out.find("not_observed", veto.code, "未检测首页更新情况")
        return
    window: int = veto.params["window_days"]
    latest = view.homepage
    if not isinstance(latest, date):
        out.veto(veto, None, window, "首页未找到有效发布日期的信息（无日期视为未更新）")
        return
    age = ctx.age(latest)
    if age > window:
        out.veto(
            veto,
            age,
            window,
            f"首页最近更新 {latest.isoformat()}，距检查基准日 {age} 天，超过 {window} 天",
            latest=latest.isoformat(),
        )
    elif "warn_days" in veto.params and age > veto.params["warn_days"]:
        out.find("early_warning", veto.code, f"首页最近更新 {latest.isoformat()}，已 {age} 天未更新")


def _columns_test(site: Website, veto: Veto, ctx: _Context, out: _Outcome, view: _SiteView) -> None:
    states = view.columns
    if states is None:
        out.find("not_observed", veto.code, "未检测栏目更新情况")
        return
    p = veto.params
    windows = ctx.windows
    key_types, first_level_only = p["key_types"], p.get("first_level_only", frozenset())
    key: list[Column] = []
    other: list[Column] = []
    blank: list[Column] = []
    for state in states:
        column = state.column
        if state.blank:
            blank.append(column)
        if not state.stale(windows.get(column.type), ctx):
            continue
        if column.type in key_types and (column.type not in first_level_only or column.level == 1):
            key.append(column)
        else:
            other.append(column)
    clauses = (
        ("a", key, p["key_count_min"], "动态要闻及一级通知公告、政策文件栏目未按时更新"),
        ("b", other, p["other_count_min"], "应更新栏目长期未更新"),
        ("c", blank, p["blank_count_min"], "空白栏目"),
    )
    for clause, columns, minimum, label in clauses:
        if len(columns) >= minimum:
            names = _names(columns)
            out.veto(
                veto,
                len(columns),
                minimum,
                f"{label} {len(columns)} 个（≥{minimum}）：{'、'.join(names)}",
                clause,
                columns=names,
            )
    vetoed = {d["clause"] for d in out.details if d["rule"] == veto.code}
    stale_count = len(key) + len(other)
    if not vetoed & {"a", "b"} and "warn_stale_over" in p and stale_count > p["warn_stale_over"]:
        out.find(
            "early_warning", veto.code, f"未按时更新栏目 {stale_count} 个：{'、'.join(_names(key + other))}"
        )
    if "c" not in vetoed and "warn_blank_over" in p and len(blank) > p["warn_blank_over"]:
        out.find("early_warning", veto.code, f"空白栏目 {len(blank)} 个：{'、'.join(_names(blank))}")


def _interaction_test(site: Website, veto: Veto, ctx: _Context, out: _Outcome, view: Any = None) -> None:
    if site.has_channel is MISSING and site.oldest_unanswered_days is MISSING:
        out.find("not_observed", veto.code, "未检测互动交流渠道")
        return
    if site.has_channel is False:
        out.veto(veto, False, True, "无有效的在线咨询或建言渠道（网上信访、纪检举报渠道不计）", "a")
    elif site.has_channel is None:
        out.find("unknown", veto.code, "未能确认是否有有效的咨询建言渠道，需人工核查")
    days = site.oldest_unanswered_days
    limit: Fraction = veto.params["unanswered_days_max"]
    if days is not MISSING and days is not None and days > limit:
        out.veto(
            veto,
            float(days),
            float(limit),
            f"政务咨询类留言最长 {_fmt(days)} 天未答复，超过 {_fmt(limit)} 天",
            "b",
        )


def _services_test(site: Website, veto: Veto, ctx: _Context, out: _Outcome, view: Any = None) -> None:
    if not site.has_services:
        return
    if site.services_available is MISSING and site.guide_missing_counts is MISSING:
        out.find("not_observed", veto.code, "未检测办事服务")
        return
    if site.services_available is False:
        out.veto(veto, False, True, "未提供办事服务", "a")
    if site.guide_missing_counts is not MISSING:
        needed: int = veto.params["guide_missing_min"]
        minimum: int = veto.params["incomplete_guides_min"]
        incomplete = sum(1 for n in site.guide_missing_counts if n >= needed)
        if incomplete >= minimum:
            out.veto(
                veto,
                incomplete,
                minimum,
                f"缺少 {needed} 类及以上要素的办事指南 {incomplete} 个（≥{minimum}）",
                "b",
            )


# ----------------------------------------------------------------------------- veto tests: accounts


def _last_post_test(acct: Account, veto: Veto, ctx: _Context, out: _Outcome, view: Any = None) -> None:
    if acct.last_post is MISSING or acct.last_post is None:
        out.unknown = True
        out.find("last_post_unknown", veto.code, "未能取得最近发布时间，需人工核查后判定")
        return
    latest = ctx.fresh(acct.last_post, "最近发布", out)
    if latest is None:
        out.unknown = True
        return
    window: int = veto.params["window_days"]
    age = ctx.age(latest)
    if age > window:
        out.veto(
            veto,
            age,
            window,
            f"最近发布 {latest.isoformat()}，距检查基准日 {age} 天，超过 {window} 天",
            latest=latest.isoformat(),
        )
    elif "warn_days" in veto.params and age > veto.params["warn_days"]:
        out.find("early_warning", veto.code, f"最近发布 {latest.isoformat()}，已 {age} 天未更新")


def _account_interaction_test(
    acct: Account, veto: Veto, ctx: _Context, out: _Outcome, view: Any = None
) -> None:
    before = len(out.vetoes)
    _manual_test(acct, veto, ctx, out)
    if len(out.vetoes) == before and acct.has_channel is False:
        out.find("interaction_check", veto.code, "未发现留言、咨询或建言渠道，需人工确认后判定")


_TESTS: dict[str, Callable[..., None]] = {
    "manual": _manual_test,
    "probe_failure_ratio": _probe_test,
    "homepage_stale": _homepage_test,
    "columns": _columns_test,
    "interaction": _interaction_test,
    "services": _services_test,
    "last_post_stale": _last_post_test,
    "account_interaction": _account_interaction_test,
}


def _read_overrides(entity: Website | Account, erub: EntityRubric, out: _Outcome) -> None:
    """The rules an inspector set aside: each must be a veto code or a deduction rule id of the rubric."""
    known = [v.code for v in erub.vetoes] + [d.id for d in erub.deductions]
    for index, override in enumerate(entity.manual.overrides):
        if override.rule not in known:
            raise ObservationsError(
                f"{entity.manual.path}.overrides[{index}]",
                f"unknown rule {describe(override.rule)} (expected a veto code or a deduction rule id: {', '.join(known)})",
            )
        out.overrides[override.rule] = override.evidence


def _apply_veto_overrides(erub: EntityRubric, out: _Outcome) -> None:
    """Move the vetoes an inspector set aside from the verdict to ``overridden``, with the reason."""
    codes = {v.code for v in erub.vetoes}
    for code, reason in out.overrides.items():
        if code not in codes:
            continue
        said = f"人工复核撤销：{reason}" if reason else "人工复核撤销"
        if code not in out.vetoes:
            out.find("override_unused", code, f"{said}（本次检查未发现该项问题）")
            continue
        out.vetoes.remove(code)
        for detail in [d for d in out.details if d["rule"] == code]:
            out.details.remove(detail)
            out.overridden.append({**detail, "override": said})


def _run_vetoes(
    entity: Website | Account, erub: EntityRubric, ctx: _Context, out: _Outcome, view: _SiteView | None
) -> None:
    _read_overrides(entity, erub, out)
    for manual in entity.manual.deductions:
        if all(manual.indicator != i.name for i in erub.indicators):
            known = ", ".join(i.name for i in erub.indicators) or "none: this rubric judges by vetoes only"
            raise ObservationsError(
                f"{manual.path}.indicator",
                f"unknown indicator {describe(manual.indicator)} (expected one of {known})",
            )
    for veto in erub.vetoes:
        _TESTS[veto.test](entity, veto, ctx, out, view)
    for index, manual in enumerate(entity.manual.vetoes):
        veto = erub.veto(manual.rule)
        if veto is None:
            codes = ", ".join(v.code for v in erub.vetoes)
            raise ObservationsError(
                f"{entity.manual.path}.vetoes[{index}]",
                f"unknown veto {describe(manual.rule)} (expected one of {codes})",
            )
        out.veto(
            veto,
            "manual",
            None,
            f"人工核定：{manual.evidence}" if manual.evidence else "人工核定",
            source="manual",
        )
    if len(out.vetoes) > 1:
        order = {v.code: i for i, v in enumerate(erub.vetoes)}
        out.vetoes.sort(key=order.__getitem__)
        out.details.sort(key=lambda d: order[d["rule"]])
    if out.overrides:
        _apply_veto_overrides(erub, out)


# ----------------------------------------------------------------------------- deduction part


def _measure(
    entity: Website | Account,
    rule: DeductionRule,
    ctx: _Context,
    out: _Outcome,
    states: list[_ColumnState] | None,
    claimed: set[int],
) -> tuple[int, str, list[int]]:
    """How often the rule's problem occurs, its evidence, and the columns it would claim."""
    p = rule.params
    if rule.measure in ("stale_columns", "blank_columns"):
        if states is None:
            return 0, "", []
        types, levels = p.get("types"), p.get("levels")
        hits: list[int] = []
        for index, state in enumerate(states):
            column = state.column
            if index in claimed or (types is not None and column.type not in types):
                continue
            if levels is not None and column.level not in levels:
                continue
            if rule.measure == "blank_columns":
                hit = state.blank
            else:
                hit = state.stale(p.get("window_days", ctx.windows.get(column.type)), ctx)
            if hit:
                hits.append(index)
        names = _names(states[i].column for i in hits)
        return len(hits), f"{len(hits)} 个（{'、'.join(names)}）", hits
    value, at = field_value(entity.raw, p["field"], entity.path)
    if value is MISSING or (value is None and rule.measure != "date_age"):
        return 0, "", []
    if rule.measure == "count":
        count = as_count(value, at)
        return count, f"{count} 处", []
    if rule.measure == "flag":
        return (1, "是", []) if as_bool(value, at) else (0, "", [])
    # date_age
    latest = ctx.fresh(as_date(value, at), rule.item or ".".join(p["field"]), out)
    window: int = p["window_days"]
    if latest is None:
        return 1, "未找到有效日期（视为未更新）", []
    age = ctx.age(latest)
    return (
        (1, f"最近更新 {latest.isoformat()}，已 {age} 天（>{window} 天）", [])
        if age > window
        else (0, "", [])
    )


@dataclass(slots=True)
class _Part:
    part: Fraction
    deductions: list[dict[str, Any]]
    indicators: list[dict[str, Any]]


def _deduction_part(
    entity: Website | Account,
    erub: EntityRubric,
    ctx: _Context,
    out: _Outcome,
    states: list[_ColumnState] | None,
    excluded: str | None,
) -> _Part:
    raw_points = {i.name: Fraction(0) for i in erub.indicators}
    deductions: list[dict[str, Any]] = []
    claimed: set[int] = set()
    skipped_excluded = False
    for rule in erub.deductions:
        if rule.indicator == excluded:
            continue
        quantity, evidence, columns = _measure(entity, rule, ctx, out, states, claimed)
        if quantity == 0:
            if rule.id in out.overrides:
                out.find("override_unused", rule.id, f"人工复核撤销 {rule.id}（本次检查未发现该项问题）")
            continue
        if rule.id in out.overrides:
            # The inspector reviewed what the rule saw: its columns stay claimed, nothing is deducted.
            claimed.update(columns)
            reason = out.overrides[rule.id]
            out.overridden.append(
                {
                    "rule": rule.id,
                    "title": rule.title,
                    "evidence": f"{rule.title}：{evidence}",
                    "override": f"人工复核撤销：{reason}" if reason else "人工复核撤销",
                }
            )
            continue
        if rule.points is None:
            out.find("unscored", rule.id, f"{rule.title}：{evidence}（分值未定，未扣分）")
            continue
        points = (
            rule.points * quantity
            if rule.measure in ("count", "stale_columns", "blank_columns")
            else rule.points
        )
        if rule.max_points is not None:
            points = min(points, rule.max_points)
        claimed.update(columns)
        raw_points[rule.indicator] += points
        deductions.append(
            {
                "rule": rule.id,
                "indicator": rule.indicator,
                "item": rule.item,
                "points": float(points),
                "evidence": f"{rule.title}：{evidence}",
                "confidence": rule.confidence,
            }
        )
    for manual in entity.manual.deductions:
        if manual.indicator == excluded:
            skipped_excluded = True
            continue
        raw_points[manual.indicator] += manual.points
        deductions.append(
            {
                "rule": manual.rule,
                "indicator": manual.indicator,
                "item": "",
                "points": float(manual.points),
                "evidence": f"人工扣分：{manual.evidence}" if manual.evidence else "人工扣分",
                "confidence": "manual",
            }
        )
    if skipped_excluded:
        out.find("not_checked", None, f"{excluded}不检查（无对外服务职能），该指标的人工扣分未计")

    total = erub.deduction_total
    weights = {i.name: i.weight for i in erub.indicators}
    caps = dict(weights)
    scale = Fraction(1)
    base = total
    if excluded is not None and erub.no_services is not None:
        others = [name for name in weights if name != excluded]
        if erub.no_services.mode == "rescale":
            base = total - weights[excluded]
            scale = total / base
        else:
            extra = weights[excluded] / len(others)
            for name in others:
                caps[name] += extra
        del caps[excluded]
    indicators = []
    deducted_total = Fraction(0)
    for name, cap in caps.items():
        deducted = min(raw_points[name], cap)
        deducted_total += deducted
        indicators.append(
            {
                "name": name,
                "weight": float(cap),
                "deducted": float(deducted),
                "capped": raw_points[name] > cap,
            }
        )
    part = max(Fraction(0), (base - deducted_total) * scale)
    return _Part(part, deductions, indicators)


# ----------------------------------------------------------------------------- one website / one account


def _score_website(site: Website, rubric: Rubric, ctx: _Context) -> dict[str, Any]:
    erub = rubric.websites
    out = _Outcome()
    if not site.checked:
        how = f"（{site.crawl_outcome}）" if site.crawl_outcome else ""
        out.find(
            "site_not_checked", None, f"检查时未能抓取网站{how}，首页、栏目、链接和互动渠道未检测，需复查"
        )
    view = _site_view(site, ctx, out)
    _run_vetoes(site, erub, ctx, out, view)
    result: dict[str, Any] = {
        "id": site.id,
        "name": site.name,
        "unit": site.unit,
        "kind": site.kind,
        "verdict": "fail" if out.vetoes else "pass",
        "score": None,
        "vetoes": out.vetoes,
        "veto_details": out.details,
        "deductions": [],
        "bonus": 0.0,
        "deduction_part": None,
        "indicators": [],
        "findings": out.findings,
        "overridden": out.overridden,
    }
    if out.vetoes or not erub.scored:
        return result

    excluded = None
    ns = erub.no_services
    if not site.has_services:
        if ns is not None and site.kind in ns.kinds:
            excluded = ns.indicator
            how = (
                f"按 {_fmt(erub.deduction_total - _weight(erub, excluded))} 分折算"
                if ns.mode == "rescale"
                else "其分值平均分配到其他指标"
            )
            out.find("not_checked", None, f"无对外服务职能：{excluded}不检查，{how}")
        else:
            applies = (
                "、".join(KIND_LABELS[k] for k in sorted(ns.kinds))
                if ns and ns.kinds
                else "（本指标无此规则）"
            )
            out.find(
                "has_services_ignored",
                None,
                f"{KIND_LABELS[site.kind]}按完整指标评分：无对外服务的折算只适用于{applies}",
            )
    scored = _deduction_part(site, erub, ctx, out, view.columns, excluded)
    return _finish(result, scored, erub, rubric, out, site.kind, site.manual.bonus)


def _weight(erub: EntityRubric, name: str) -> Fraction:
    return next(i.weight for i in erub.indicators if i.name == name)


def _finish(
    result: dict[str, Any],
    scored: _Part,
    erub: EntityRubric,
    rubric: Rubric,
    out: _Outcome,
    kind: str | None,
    bonus_asked: Fraction,
) -> dict[str, Any]:
    part = round_half_up(scored.part, rubric.score_decimals)
    bonus = Fraction(0)
    if bonus_asked > 0:
        eligible = erub.bonus_kinds is None or kind in erub.bonus_kinds
        if not eligible:
            kinds = "、".join(KIND_LABELS.get(k, k) for k in sorted(erub.bonus_kinds or []))
            out.find("bonus_not_entered", None, f"加分只适用于{kinds or '（无）'}")
        elif part <= erub.bonus_entry:
            out.find(
                "bonus_not_entered",
                None,
                f"扣分部分得分 {_fmt(part)} 未高于 {_fmt(erub.bonus_entry)} 分，不计加分",
            )
        else:
            bonus = round_half_up(min(bonus_asked, erub.bonus_cap), rubric.score_decimals)
            if bonus_asked > erub.bonus_cap:
                out.find(
                    "bonus_capped",
                    None,
                    f"申报加分 {_fmt(bonus_asked)} 分，按上限 {_fmt(erub.bonus_cap)} 分计",
                )
    result.update(
        verdict="pass" if part >= erub.pass_mark else "fail",
        score=float(part + bonus),
        deductions=scored.deductions,
        bonus=float(bonus),
        deduction_part=float(part),
        indicators=scored.indicators,
    )
    return result


def _score_account(acct: Account, rubric: Rubric, ctx: _Context) -> dict[str, Any]:
    erub = rubric.accounts
    out = _Outcome()
    if acct.registered is False:
        out.find("unregistered", None, "未在全国政务新媒体信息报送系统备案")
    _run_vetoes(acct, erub, ctx, out, None)
    verdict = "fail" if out.vetoes else ("unknown" if out.unknown else "pass")
    result: dict[str, Any] = {
        "id": acct.id,
        "name": acct.name,
        "unit": acct.unit,
        "platform": acct.platform,
        "verdict": verdict,
        "score": None,
        "vetoes": out.vetoes,
        "veto_details": out.details,
        "deductions": [],
        "bonus": 0.0,
        "deduction_part": None,
        "indicators": [],
        "findings": out.findings,
        "overridden": out.overridden,
    }
    if verdict != "pass" or not erub.scored:
        return result
    scored = _deduction_part(acct, erub, ctx, out, None, None)
    return _finish(result, scored, erub, rubric, out, None, acct.manual.bonus)


# ----------------------------------------------------------------------------- entry point


def _resolve_rubric(rubric: Rubric | str | Path | None, indicator_set: str | None) -> Rubric:
    if isinstance(rubric, Rubric):
        return rubric
    if rubric is not None:
        return load_rubric(rubric)
    name = indicator_set or DEFAULT_RUBRIC
    if not is_rubric_name(name):
        raise ObservationsError(
            "indicator_set", f"expected a rubric name such as {DEFAULT_RUBRIC}, got {describe(name)}"
        )
    try:
        find_rubric(name)
    except RubricError as exc:
        raise ObservationsError("indicator_set", str(exc)) from None
    return load_rubric(name)


def score_observations(
    observations: dict[str, Any], rubric: Rubric | str | Path | None = None
) -> dict[str, Any]:
    """Apply a rubric (default: the document's ``indicator_set``) to an observations document.

    Returns the ``govinspect score`` contract: one verdict per website and per account, in input order.
    Raises :class:`ObservationsError` naming the JSON path of the first malformed value.
    """
    obs = parse_observations(observations)
    chosen = _resolve_rubric(rubric, obs.indicator_set)
    if obs.quarter is not None:
        try:
            quarter = Quarter.parse(obs.quarter)
        except ValueError as exc:
            raise ObservationsError("quarter", str(exc)) from None
    else:
        quarter = quarter_for_check_point(obs.check_point)
    ctx = _Context(obs.check_point, chosen.score_decimals, dict(chosen.websites.column_windows))
    return {
        "check_point": obs.check_point.isoformat(),
        "quarter": str(quarter),
        "indicator_set": chosen.name,
        "rubric": {"name": chosen.name, "title": chosen.title, "files": list(chosen.chain)},
        "websites": [_score_website(site, chosen, ctx) for site in obs.websites],
        "accounts": [_score_account(acct, chosen, ctx) for acct in obs.accounts],
    }
