"""Reading a quarter from the store into a :class:`NoticeData` (what the 通报 says)."""

from __future__ import annotations

import calendar
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from govinspect.notice.formatting import cn_date, format_rate
from govinspect.notice.model import Count, NoticeData, Problem, ProblemGroup, Table
from govinspect.profile import Profile
from govinspect.quarter import Quarter
from govinspect.registry.platforms import PLATFORMS, platform_label
from govinspect.registry.reconcile import KIND_LABELS
from govinspect.store import session_scope
from govinspect.store.models import Account, DeadLink, Finding, QuarantinedRow, Unit, Verdict, Website, WebsiteObservation

DEFAULT_REQUIREMENTS = [
    "一是抓紧整改。各单位要对照本通报及附件所列问题逐项整改，于{rectify_by}前将整改情况书面报送{issuer}。"
    "对“全国政务新媒体信息报送系统”之外的政务新媒体，即日起停止发布信息，于{month_end}前完成关停注销或履行备案手续。",
    "二是保障政府网站内容。各单位要落实信息报送责任，区分宣传类与政务公开类信息，重点保障政策文件、政策解读、"
    "在线访谈等栏目的更新，做到栏目有内容、内容常更新。",
    "三是严格执行开设、变更和注销备案制度。开设或注销政府网站和政务新媒体须事先与{issuer}沟通同意，"
    "并在开设或注销后{filing_days}日内履行备案手续；机构改革涉及的账号须及时变更认证主体。",
    "四是加强常态化监管。{issuer}将每季度不定期检查，检查结果纳入年度考核，下一季度将对本次发现的问题进行复查。",
]


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _pct(rate: float | None) -> str:
    return format_rate(rate)


def build_notice(quarter: str, profile: Profile, url: str | None = None) -> NoticeData:
    q = Quarter.parse(quarter)
    check_point = profile.check_point_for(q)
    issue_date = profile.notice_date_for(q)
    with session_scope(url) as session:
        sites = session.execute(select(Website).where(Website.quarter == quarter).order_by(Website.site_code)).scalars().all()
        accounts = session.execute(select(Account).where(Account.quarter == quarter)
                                   .order_by(Account.platform, Account.account_id)).scalars().all()
        verdicts = {(v.entity_type, v.entity_id): v for v in session.execute(
            select(Verdict).where(Verdict.quarter == quarter)).scalars()}
        previous = {(v.entity_type, v.entity_id): v for v in session.execute(
            select(Verdict).where(Verdict.quarter == str(q.previous()))).scalars()}
        observations = {o.site_code: o.data for o in session.execute(
            select(WebsiteObservation).where(WebsiteObservation.quarter == quarter)).scalars()}
        dead = session.execute(select(DeadLink).where(DeadLink.quarter == quarter)
                               .order_by(DeadLink.site_code, DeadLink.url)).scalars().all()
        findings = session.execute(select(Finding).where(Finding.quarter == quarter)
                                   .order_by(Finding.kind, Finding.subject)).scalars().all()
        quarantine = session.execute(select(QuarantinedRow).where(QuarantinedRow.quarter == quarter)
                                     .order_by(QuarantinedRow.source_file, QuarantinedRow.row)).scalars().all()
        units = {u.name: u for u in session.execute(select(Unit).where(Unit.quarter == quarter)).scalars()}

    registered = [a for a in accounts if a.origin == "registry"]
    by_finding: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_finding[f.kind].append(f)

    def verdict_of(kind: str, key: str) -> Verdict | None:
        return verdicts.get((kind, key))

    # 一、总体情况 ----------------------------------------------------------------------------------------
    running_sites = [s for s in sites if "下线" not in (s.status or "")]
    site_failed = sum(1 for s in running_sites if (v := verdict_of("website", s.site_code)) and v.verdict == "fail")
    site_unknown = sum(1 for s in running_sites if not (observations.get(s.site_code) or {}).get("checked"))
    website_counts = Count("政府网站", len(running_sites), len(running_sites), site_failed, site_unknown)

    per_platform: dict[str, list[Account]] = defaultdict(list)
    for a in registered:
        per_platform[a.platform].append(a)
    account_counts = []
    order = list(PLATFORMS)
    for platform in sorted(per_platform, key=lambda p: order.index(p) if p in order else 99):
        group = per_platform[platform]
        account_counts.append(_count(platform_label(platform), group, verdict_of))
    total_accounts = _count("合计", registered, verdict_of)
    account_counts.append(total_accounts)

    unregistered = by_finding.get("unregistered", [])
    out_of_scope = by_finding.get("out_of_scope", [])
    platform_text = "、".join(f"{c.label}{c.running}个" for c in account_counts[:-1])
    overview = [
        f"截至{cn_date(check_point)}，{profile.county}在全国政府网站信息报送系统中运行政府网站{len(running_sites)}个，"
        f"在全国政务新媒体信息报送系统中备案政府系统政务新媒体{len(registered)}个（{platform_text or '无'}）。",
        f"本次检查政府网站{website_counts.checked - website_counts.unknown}个，不合格{website_counts.failed}个，"
        f"合格率{_pct(website_counts.pass_rate)}"
        + (f"；另有{website_counts.unknown}个网站首页无法打开，未能完成内容检查" if website_counts.unknown else "")
        + "。",
        f"检查备案政务新媒体{total_accounts.checked}个，能够确定更新情况的{total_accounts.checked - total_accounts.unknown}个，"
        f"其中不合格{total_accounts.failed}个，合格率{_pct(total_accounts.pass_rate)}；"
        f"{total_accounts.unknown}个账号无法自动读取更新情况，列为需人工核查，不计入不合格。",
    ]
    sweep_day = profile.sweep_date.get(quarter)
    overview.append(
        (f"{cn_date(sweep_day)}，" if sweep_day else "")
        + f"经人工排查，发现“全国政务新媒体信息报送系统”之外的政务新媒体{len(unregistered)}个（详见附件2）"
        + (f"；另发现党群、垂管、嘎查村（社区）等不属于报送范围的账号{len(out_of_scope)}个，已另行告知相关单位"
           if out_of_scope else "")
        + "。"
    )
    change = _change_line(q, verdicts, previous)
    if change:
        overview.append(change)

    # 二、存在问题 ----------------------------------------------------------------------------------------
    website_problems = _website_problems(running_sites, verdicts, observations, dead)
    account_problems = _account_problems(registered, verdicts, by_finding, quarantine)

    rectify_by = issue_date + timedelta(days=int(profile.notice.get("rectify_days", 10)))
    fill = {"rectify_by": cn_date(rectify_by), "month_end": cn_date(_month_end(issue_date)), "issuer": profile.issuer,
            "filing_days": profile.filing_days, "county": profile.county}
    requirements = [t.format(**fill) for t in profile.notice.get("requirements", DEFAULT_REQUIREMENTS)]

    attachments = [
        Table(1, "已在“全国政务新媒体信息报送系统”备案的政府系统政务新媒体清单",
              ["序号", "账号名称", "平台类型", "主办单位", "最近发布", "检查结果", "问题"],
              [_registered_row(i, a, verdict_of("account", f"{a.platform}:{a.account_id}"))
               for i, a in enumerate(registered, start=1)]),
        Table(2, "“全国政务新媒体信息报送系统”之外的政府系统政务新媒体清单",
              ["序号", "账号名称", "平台类型", "认证主体", "所属单位", "最近发布", "问题类别"],
              [_unregistered_row(i, f) for i, f in enumerate(unregistered, start=1)]),
        Table(3, "政府网站检查结果",
              ["序号", "网站名称", "网站标识码", "主办单位", "检查结果", "得分", "单项否决项", "主要问题"],
              [_site_row(i, s, verdict_of("website", s.site_code), observations.get(s.site_code))
               for i, s in enumerate(running_sites, start=1)], landscape=True),
    ]

    unit_type_rates = _unit_type_rates(verdicts, units)
    title = profile.notice.get("title") or f"关于{q.label_zh}政府网站与政务新媒体检查情况的通报"
    lead = profile.notice.get("lead") or (
        f"根据《国务院办公厅关于印发〈政府网站发展指引〉的通知》（国办发〔2017〕47号）和《国务院办公厅秘书局关于印发"
        f"政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》（国办秘函〔2019〕19号）要求，{profile.issuer}"
        f"以核对报送系统备案信息、自动监测和人工检查相结合的方式，对{profile.county}政府网站和政府系统政务新媒体开展了"
        f"{q.label_zh}常态化检查。现将检查情况通报如下。"
    )
    rect_columns, rectification = _rectification(website_problems + account_problems, rectify_by)
    return NoticeData(
        quarter=quarter, quarter_label=q.label_zh, title=title, issuer=profile.issuer, issue_date=issue_date,
        addressees=profile.addressees, lead=lead, website_counts=website_counts, account_counts=account_counts,
        overview=overview, website_problems=website_problems, account_problems=account_problems,
        requirements=requirements, attachments=attachments, unit_type_rates=unit_type_rates,
        trend=[], contact=profile.contact, document_number=profile.notice.get("document_number", ""),
        rectification=rectification, rectification_columns=rect_columns,
    )


def _count(label: str, group: list[Account], verdict_of: Any) -> Count:
    failed = unknown = 0
    for a in group:
        v = verdict_of("account", f"{a.platform}:{a.account_id}")
        if v is None or v.verdict == "unknown":
            unknown += 1
        elif v.verdict == "fail":
            failed += 1
    return Count(label, len(group), len(group), failed, unknown)


def _change_line(q: Quarter, verdicts: dict, previous: dict) -> str:
    if not previous:
        return ""

    def rate(table: dict, kind: str) -> float | None:
        judged = [v for (k, _id), v in table.items() if k == kind and v.verdict != "unknown"]
        return None if not judged else sum(1 for v in judged if v.verdict == "pass") / len(judged)

    parts = []
    for kind, label in (("website", "政府网站"), ("account", "政务新媒体")):
        now, before = rate(verdicts, kind), rate(previous, kind)
        if now is not None and before is not None:
            delta = (now - before) * 100
            trend = "持平" if abs(delta) < 0.05 else (f"上升{delta:.1f}个百分点" if delta > 0 else f"下降{-delta:.1f}个百分点")
            parts.append(f"{label}合格率{_pct(now)}，较{q.previous().label_zh}（{_pct(before)}）{trend}")
    return "；".join(parts) + "。" if parts else ""


def _website_problems(sites: list[Website], verdicts: dict, observations: dict, dead: list[DeadLink]) -> list[ProblemGroup]:
    """Website problems as the rubric found them (veto details, findings, deductions) plus dead links."""
    vetoes = ProblemGroup("单项否决")
    stale = ProblemGroup("首页及栏目更新不及时")
    blank = ProblemGroup("空白栏目")
    links = ProblemGroup("链接不可用")
    interaction = ProblemGroup("互动回应")
    other = ProblemGroup("其他扣分事项")
    not_checked = ProblemGroup("未能完成的检查项")
    names = {s.site_code: s for s in sites}
    for site in sites:
        v = verdicts.get(("website", site.site_code))
        obs = observations.get(site.site_code) or {}
        detail = v.detail if v else {}
        for item in detail.get("veto_details", []):
            vetoes.items.append(Problem(site.name, site.sponsor, f"{item.get('rule')} {item.get('title', '')}：{item.get('evidence') or item.get('observed')}", item.get("rule", "")))
        if not obs.get("checked", False):
            not_checked.items.append(Problem(site.name, site.sponsor, f"首页无法打开（{obs.get('homepage_outcome', '未检查')}），栏目与链接未能检查", "V2"))
            continue
        for item in [*detail.get("findings", []), *detail.get("deductions", [])]:
            rule = str(item.get("rule", ""))
            text = str(item.get("evidence", ""))
            if "points" in item and item.get("points"):
                text += f"（扣{item['points']:g}分）"
            if item.get("kind") == "not_observed":
                not_checked.items.append(Problem(site.name, site.sponsor, f"{rule}：{text}", rule))
            elif "dead-link" in rule or "dead_link" in rule:
                continue
            elif "blank" in rule:
                blank.items.append(Problem(site.name, site.sponsor, text, rule))
            elif "stale" in rule or "homepage" in rule:
                stale.items.append(Problem(site.name, site.sponsor, text, rule))
            elif "points" in item:
                other.items.append(Problem(site.name, site.sponsor, f"{item.get('indicator', '')}：{text}", rule))
        inter = obs.get("interaction") or {}
        if inter.get("has_channel") is False:
            interaction.items.append(Problem(site.name, site.sponsor, "未提供有效的在线咨询建言渠道", "V5"))
        elif inter.get("oldest_unanswered_days") is not None:
            interaction.items.append(Problem(site.name, site.sponsor, f"有留言{inter['oldest_unanswered_days']}天未答复", "V5"))
    for d in dead:
        where = "首页" if d.on_homepage else "其他页面"
        anchor = f"“{d.anchor}”" if d.anchor else ""
        site = names.get(d.site_code)
        status = f"，HTTP {d.status}" if d.status else ""
        links.items.append(Problem(f"{site.name if site else d.site_code}{where}{anchor}", site.sponsor if site else "",
                                   f"{d.url} 不可用（{d.outcome}{status}），所在页面 {d.referrer}", "dead_link"))
    return [vetoes, not_checked, stale, blank, links, interaction, other]


def _account_problems(registered: list[Account], verdicts: dict, by_finding: dict[str, list[Finding]],
                      quarantine: list[QuarantinedRow]) -> list[ProblemGroup]:
    stale = ProblemGroup("内容长期不更新（两周以上未发布信息）")
    other_veto = ProblemGroup("其他单项否决")
    manual = ProblemGroup("无法自动读取、需人工核查的账号")
    for a in registered:
        v = verdicts.get(("account", f"{a.platform}:{a.account_id}"))
        if v is None:
            continue
        detail = v.detail or {}
        for item in detail.get("veto_details", []):
            group = stale if item.get("rule") == "NM2" else other_veto
            group.items.append(Problem(f"{a.name}（{a.platform_label}）", a.unit or a.sponsor or "", str(item.get("evidence") or item.get("observed") or ""), item.get("rule", "")))
        if v.verdict == "unknown":
            reason = (detail.get("reason") or "")
            manual.items.append(Problem(f"{a.name}（{a.platform_label}）", a.unit or a.sponsor or "", reason or "无法读取最近发布时间，请补充人工核查记录", "unknown"))
    groups = [stale, other_veto, manual]
    for kind in ("unregistered", "personal_subject", "reform_not_updated", "late_filing", "closed_but_posting",
                 "registered_gone", "consolidation"):
        group = ProblemGroup(KIND_LABELS[kind])
        for f in by_finding.get(kind, []):
            d = f.detail
            subject = f"{d.get('name') or '、'.join(d.get('accounts', []))}（{d.get('platform_label') or platform_label(d.get('platform', ''))}）"
            group.items.append(Problem(subject, f.unit or d.get("sponsor") or "", _finding_text(kind, d), kind))
        if kind == "unregistered" and group.items:
            group.items = group.items[:0] + [Problem(f"共{len(by_finding[kind])}个账号", "", "均未在“全国政务新媒体信息报送系统”备案，清单见附件2", kind)]
        groups.append(group)
    quarantined = ProblemGroup("报送数据导入时被退回的记录")
    for r in quarantine:
        quarantined.items.append(Problem(f"{r.source_file} 第{r.row}行", "", f"{r.column}：{r.reason}", "quarantine"))
    groups.append(quarantined)
    return groups


def _finding_text(kind: str, d: dict[str, Any]) -> str:
    if kind == "personal_subject":
        return f"认证主体为“{d.get('sponsor')}”"
    if kind == "reform_not_updated":
        successor = f"，应变更为{d['successor']}" if d.get("successor") else ""
        return f"主体“{d.get('old_unit')}”已于机构改革中{d.get('status', '调整')}{successor}"
    if kind == "late_filing":
        return f"{d.get('opened_on')}开设，{d.get('filed_on')}备案，间隔{d.get('days')}天（规定{d.get('limit_days')}日内）"
    if kind == "closed_but_posting":
        return f"报送状态为{d.get('status')}，但{d.get('last_post')}仍有发布"
    if kind == "registered_gone":
        return "报送状态为正常运行，但平台上已查无此账号"
    if kind == "consolidation":
        return f"同一平台开设{d.get('count')}个账号：{'、'.join(d.get('accounts', []))}"
    return d.get("note") or ""


def _registered_row(i: int, a: Account, v: Verdict | None) -> list[str]:
    detail = v.detail if v else {}
    result = {"pass": "合格", "fail": "不合格", "unknown": "需人工核查"}.get(v.verdict if v else "unknown", "需人工核查")
    problems = "；".join(f"{x.get('rule')} {x.get('title', '')}".strip() for x in detail.get("veto_details", []))
    return [str(i), a.name, a.platform_label, a.sponsor or "", detail.get("last_post") or "—", result, problems or "无"]


def _unregistered_row(i: int, f: Finding) -> list[str]:
    d = f.detail
    labels = ["未备案"] + [KIND_LABELS[p] for p in d.get("problems", [])]
    return [str(i), d.get("name", ""), d.get("platform_label") or platform_label(d.get("platform", "")), d.get("sponsor") or "",
            f.unit or "", d.get("last_post") or "—", "、".join(labels)]


def _site_row(i: int, s: Website, v: Verdict | None, obs: dict | None) -> list[str]:
    detail = v.detail if v else {}
    result = {"pass": "合格", "fail": "不合格"}.get(v.verdict if v else "", "未检查")
    score = v.score if v and v.score is not None else None
    vetoes = "、".join(detail.get("vetoes", [])) or "无"
    notes = [f"{d.get('indicator', '')}{d.get('evidence', '')}（-{d.get('points')}）" for d in detail.get("deductions", [])]
    return [str(i), s.name, s.site_code, s.sponsor, result, "—" if score is None else f"{score:g}", vetoes, "；".join(notes) or "无"]


def _unit_type_rates(verdicts: dict, units: dict) -> list[Count]:
    totals: dict[str, Counter] = defaultdict(Counter)
    for (kind, _id), v in verdicts.items():
        if kind != "account":
            continue
        label = v.unit_kind or "其他"
        totals[label]["n"] += 1
        totals[label][v.verdict] += 1
    return [Count(label, c["n"], c["n"], c["fail"], c["unknown"]) for label, c in sorted(totals.items())]


def _rectification(groups: list[ProblemGroup], deadline: date) -> tuple[list[str], dict[str, list[list[str]]]]:
    columns = ["序号", "问题类别", "对象", "问题及证据", "整改时限"]
    per_unit: dict[str, list[list[str]]] = defaultdict(list)
    for group in groups:
        for p in group.items:
            if not p.unit or p.rule == "unregistered":
                continue
            rows = per_unit[p.unit]
            rows.append([str(len(rows) + 1), group.title, p.subject, p.detail, cn_date(deadline)])
    return columns, dict(sorted(per_unit.items()))
