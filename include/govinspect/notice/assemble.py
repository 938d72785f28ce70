"""Reading a quarter from the store into a :class:`NoticeData` (what the 通报 says)."""

from __future__ import annotations

import calendar
import string
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from govinspect.assessment.manual import manual_input_lines
from govinspect.assessment.rollup import stored_unit_scores, unit_changes
from govinspect.notice.formatting import cn_date, format_change, format_rate, format_score
from govinspect.notice.model import Count, NoticeData, Problem, ProblemGroup, Table
from govinspect.profile import Profile, ProfileError
from govinspect.quarter import Quarter
from govinspect.registry.platforms import PLATFORMS, platform_label
from govinspect.registry.reconcile import KIND_LABELS, finding_text
from govinspect.registry.snapshot import registry_diff
from govinspect.store import session_scope
from govinspect.store.models import (
    Account,
    AccountObservation,
    DeadLink,
    Finding,
    QuarantinedRow,
    StageRun,
    Unit,
    Verdict,
    Website,
    WebsiteObservation,
)

# 三、下一步工作要求: one text block per paragraph. A profile replaces them with [notice] requirements;
# the placeholders below are filled from the quarter and the notice's date (README, "The notice").
DEFAULT_REQUIREMENTS = [
    "一是抓紧整改。各单位要对照本通报及附件所列问题逐项整改，于{rectify_by}前将整改情况书面报送{issuer}。"
    "对“全国政务新媒体信息报送系统”之外的政务新媒体，即日起停止发布信息，于{month_end}前完成关停注销或履行备案手续。",
    "二是保障政府网站内容。各单位要落实信息报送责任，区分宣传类与政务公开类信息，重点保障政策文件、政策解读、"
    "在线访谈等栏目的更新，做到栏目有内容、内容常更新。",
    "三是严格执行开设、变更和注销备案制度。开设或注销政府网站和政务新媒体须事先与{issuer}沟通同意，"
    "并在开设或注销后{filing_days}日内履行备案手续；机构改革涉及的账号须及时变更认证主体。",
    "四是加强常态化监管。{issuer}每季度不定期开展检查，检查结果纳入年度考核；{next_quarter}检查时将对本通报所列问题"
    "逐项复查。",
]

REQUIREMENT_PLACEHOLDERS = {
    "issuer": "the issuing body, e.g. 鄂托克前旗政务服务局",
    "county": "the county, e.g. 鄂托克前旗",
    "quarter": "the quarter checked, e.g. 2020年第三季度",
    "next_quarter": "the quarter after it, e.g. 2020年第四季度",
    "issue_date": "the date of the notice, e.g. 2020年10月21日",
    "rectify_days": "[notice] rectify_days (default 10)",
    "rectify_by": "the notice's date plus rectify_days, e.g. 2020年10月31日",
    "month_end": "the last day of the notice's month, e.g. 2020年10月31日",
    "filing_days": "[run] filing_days, the filing limit in days (default 10)",
}

TREND_QUARTERS = 8  # the trend chart shows at most the last two years
NAMED_LIMIT = 20  # a sentence names at most this many sites or accounts, then says 等N个
LOCAL_TIME = ZoneInfo("Asia/Shanghai")


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _pct(rate: float | None) -> str:
    return format_rate(rate)


def requirement_values(profile: Profile, quarter: Quarter, issue_date: date) -> dict[str, str]:
    """What each placeholder of a requirement block stands for; deadlines count from the notice's date."""
    rectify_days = int(profile.notice.get("rectify_days", 10))
    return {
        "issuer": profile.issuer,
        "county": profile.county,
        "quarter": quarter.label_zh,
        "next_quarter": quarter.next().label_zh,
        "issue_date": cn_date(issue_date),
        "rectify_days": str(rectify_days),
        "rectify_by": cn_date(issue_date + timedelta(days=rectify_days)),
        "month_end": cn_date(_month_end(issue_date)),
        "filing_days": str(profile.filing_days),
    }


def render_requirements(blocks: object, values: Mapping[str, str]) -> list[str]:
    """Fill the placeholders of each block; a bad block is named with what is wrong, before any rendering.

    Only plain ``{name}`` placeholders are accepted (no attribute access or format specs), and
    ``{{`` / ``}}`` stand for literal braces.
    """
    if isinstance(blocks, str) or not isinstance(blocks, Sequence):
        raise ProfileError("[notice] requirements: expected a list of text blocks")
    known = "、".join(f"{{{k}}}" for k in values)
    out = []
    for i, block in enumerate(blocks, start=1):
        if not isinstance(block, str):
            raise ProfileError(f"[notice] requirements block {i}: expected text, got {type(block).__name__}")
        try:
            fields = [(name, spec, conv) for _text, name, spec, conv in string.Formatter().parse(block) if name is not None]
        except ValueError as exc:
            raise ProfileError(f"[notice] requirements block {i}: {exc} (write {{{{ or }}}} for a literal brace)") from exc
        for name, spec, conv in fields:
            if name not in values or spec or conv:
                shown = name + (f"!{conv}" if conv else "") + (f":{spec}" if spec else "")
                raise ProfileError(f"[notice] requirements block {i}: unknown placeholder {{{shown}}}; known: {known}")
        out.append(block.format_map(values))
    return out


def build_notice(quarter: str, profile: Profile, url: str | None = None) -> NoticeData:
    """Everything the notice of ``quarter`` says, read from the store in one transaction."""
    q = Quarter.parse(quarter)
    quarter = str(q)
    check_point = profile.check_point_for(q)
    with session_scope(url) as session:
        sites = session.execute(select(Website).where(Website.quarter == quarter).order_by(Website.site_code)).scalars().all()
        accounts = session.execute(select(Account).where(Account.quarter == quarter)
                                   .order_by(Account.platform, Account.account_id)).scalars().all()
        verdicts = {(v.entity_type, v.entity_id): v for v in session.execute(
            select(Verdict).where(Verdict.quarter == quarter)).scalars()}
        observations = {o.site_code: o.data for o in session.execute(
            select(WebsiteObservation).where(WebsiteObservation.quarter == quarter)).scalars()}
        seen = {(o.platform, o.account_id): o for o in session.execute(
            select(AccountObservation).where(AccountObservation.quarter == quarter)).scalars()}
        dead = session.execute(select(DeadLink).where(DeadLink.quarter == quarter)
                               .order_by(DeadLink.site_code, DeadLink.url)).scalars().all()
        findings = session.execute(select(Finding).where(Finding.quarter == quarter)
                                   .order_by(Finding.kind, Finding.subject)).scalars().all()
        quarantine = session.execute(select(QuarantinedRow).where(QuarantinedRow.quarter == quarter)
                                     .order_by(QuarantinedRow.source_file, QuarantinedRow.row)).scalars().all()
        manual_lines = manual_input_lines(session, quarter)
        units = {u.name: u for u in session.execute(select(Unit).where(Unit.quarter == quarter)).scalars()}
        earlier = _earlier_rates(session, q)
        previous_failed = _failed_in(session, earlier[-1][0]) if earlier else {}
        issue_date = _issue_date(session, q, profile)
        unit_rows = _unit_score_rows(session, quarter)

    registered = [a for a in accounts if a.origin == "registry"]
    by_finding: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_finding[f.kind].append(f)

    def verdict_of(kind: str, key: str) -> Verdict | None:
        return verdicts.get((kind, key))

    # 一、总体情况 ----------------------------------------------------------------------------------------
    running_sites = [s for s in sites if "下线" not in (s.status or "")]
    status: dict[tuple[str, str], str] = {}
    names: dict[tuple[str, str], str] = {}
    for s in running_sites:
        v = verdict_of("website", s.site_code)
        status[("website", s.site_code)] = _site_status(v.verdict, v.detail) if v else "unknown"
        names[("website", s.site_code)] = s.name
    for a in registered:
        key = f"{a.platform}:{a.account_id}"
        v = verdict_of("account", key)
        status[("account", key)] = v.verdict if v and v.verdict in ("pass", "fail") else "unknown"
        names[("account", key)] = f"{a.name}（{a.platform_label}）"
    site_tally = Counter(status[("website", s.site_code)] for s in running_sites)
    website_counts = Count("政府网站", len(running_sites), len(running_sites), site_tally["fail"], site_tally["unknown"])

    per_platform: dict[str, list[Account]] = defaultdict(list)
    for a in registered:
        per_platform[a.platform].append(a)
    account_counts = []
    order = list(PLATFORMS)
    for platform in sorted(per_platform, key=lambda p: (order.index(p) if p in order else len(order), p)):
        account_counts.append(_count(platform_label(platform), per_platform[platform], status))
    total_accounts = _count("合计", registered, status)
    account_counts.append(total_accounts)

    unregistered = by_finding.get("unregistered", [])
    out_of_scope = by_finding.get("out_of_scope", [])
    platform_text = "、".join(f"{c.label}{c.running}个" for c in account_counts[:-1])
    overview = [
        f"截至{cn_date(check_point)}，{profile.county}在全国政府网站信息报送系统中运行政府网站{len(running_sites)}个，"
        f"在全国政务新媒体信息报送系统中备案政府系统政务新媒体{len(registered)}个（{platform_text or '无'}）。",
        f"本次检查政府网站{website_counts.checked - website_counts.unknown}个，不合格{website_counts.failed}个，"
        f"合格率{_pct(website_counts.pass_rate)}"
        + (f"；另有{website_counts.unknown}个网站检查时无法访问，未能完成内容检查，待复查" if website_counts.unknown else "")
        + "。",
        f"检查备案政务新媒体{total_accounts.checked}个，能够确定更新情况的{total_accounts.checked - total_accounts.unknown}个，"
        f"其中不合格{total_accounts.failed}个，合格率{_pct(total_accounts.pass_rate)}"
        + (f"；{total_accounts.unknown}个账号无法自动读取更新情况，列为需人工核查，不计入不合格" if total_accounts.unknown else "")
        + "。",
    ]
    sweep_day = profile.sweep_date.get(quarter)
    overview.append(
        (f"{cn_date(sweep_day)}，" if sweep_day else "")
        + f"经人工排查，发现“全国政务新媒体信息报送系统”之外的政务新媒体{len(unregistered)}个"
        + ("（详见附件2）" if unregistered else "")
        + (f"；另发现党群组织、垂直管理单位、嘎查村（社区）等开设的账号{len(out_of_scope)}个，不属于报送范围，未列入本通报问题"
           if out_of_scope else "")
        + "。"
    )
    changes = _registry_change_line(registry_diff(quarter, url))
    if changes:
        overview.append(changes)
    if earlier:
        previous = earlier[-1]
        overview += [line for line in (
            _change_line(previous, website_counts.pass_rate, total_accounts.pass_rate),
            _recheck_line(previous[0], previous_failed, status, names),
        ) if line]

    # 二、存在问题 ----------------------------------------------------------------------------------------
    values = requirement_values(profile, q, issue_date)
    rectify_by = issue_date + timedelta(days=int(values["rectify_days"]))
    month_end = _month_end(issue_date)
    quarantine_annex = 4 if quarantine else None
    website_problems = _website_problems(running_sites, verdicts, observations, dead)
    website_problems.append(_website_filing_group(by_finding))
    account_problems = _account_problems(registered, verdicts, seen, by_finding, quarantine, quarantine_annex)
    # 人工核定与复核事项: each manual input with its reason, who and when (no unit: not a rectification task)
    for groups, entity_type in ((website_problems, "website"), (account_problems, "account")):
        if manual_lines.get(entity_type):
            groups.append(ProblemGroup("人工核定与复核事项", [
                Problem(subject, "", detail, f"manual_{kind}") for subject, detail, kind in manual_lines[entity_type]]))

    requirements = render_requirements(profile.notice.get("requirements", DEFAULT_REQUIREMENTS), values)

    attachments = [
        Table(1, "已在“全国政务新媒体信息报送系统”备案的政府系统政务新媒体清单",
              ["序号", "账号名称", "平台类型", "主办单位", "最近发布", "检查结果", "问题"],
              [_registered_row(i, a, verdict_of("account", f"{a.platform}:{a.account_id}"),
                               seen.get((a.platform, a.account_id)))
               for i, a in enumerate(registered, start=1)], landscape=True),
        Table(2, "“全国政务新媒体信息报送系统”之外的政府系统政务新媒体清单",
              ["序号", "账号名称", "平台类型", "认证主体", "所属单位", "最近发布", "问题类别"],
              [_unregistered_row(i, f) for i, f in enumerate(unregistered, start=1)], landscape=True),
        Table(3, "政府网站检查结果",
              ["序号", "网站名称", "网站标识码", "主办单位", "检查结果", "得分", "单项否决项", "主要问题"],
              [_site_row(i, s, verdict_of("website", s.site_code), status[("website", s.site_code)])
               for i, s in enumerate(running_sites, start=1)], landscape=True),
    ]
    if quarantine_annex:
        attachments.append(Table(quarantine_annex, "报送数据导入时被退回的记录",
                                 ["序号", "文件", "行号", "列", "原值", "退回原因"],
                                 [[str(i), r.source_file, str(r.row), r.column, r.value or "", r.reason]
                                  for i, r in enumerate(quarantine, start=1)], landscape=True))

    if unit_rows:
        number = len(attachments) + 1
        attachments.append(Table(number, "各单位检查得分",
                                 ["序号", "单位", "单位类型", "本季度得分", "较上季度", "较上年同期", f"{q.year}年度得分"],
                                 unit_rows, landscape=True))
        overview.append(f"各单位本季度得分及与上季度、上年同期的比较见附件{number}。")

    unit_type_rates = _unit_type_rates(verdicts, units)
    title = profile.notice.get("title") or f"关于{q.label_zh}政府网站与政务新媒体检查情况的通报"
    lead = profile.notice.get("lead") or (
        f"根据《国务院办公厅关于印发〈政府网站发展指引〉的通知》（国办发〔2017〕47号）和《国务院办公厅秘书局关于印发"
        f"政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》（国办秘函〔2019〕19号）要求，{profile.issuer}"
        f"以核对报送系统备案信息、自动监测和人工检查相结合的方式，对{profile.county}政府网站和政府系统政务新媒体开展了"
        f"{q.label_zh}常态化检查。现将检查情况通报如下。"
    )
    trend = [(x.label_zh, site_rate, account_rate) for x, site_rate, account_rate in earlier]
    if trend:
        trend.append((q.label_zh, website_counts.pass_rate, total_accounts.pass_rate))
    entries = [(p.unit, g.title, p.subject, p.detail, rectify_by)
               for g in website_problems + account_problems for p in g.items if p.unit and p.rule != "unregistered"]
    entries += [(f.unit, "未备案政务新媒体", _account_name(f.detail), _unregistered_task(f.detail, values), month_end)
                for f in unregistered if f.unit]
    rect_columns, rectification = _rectification(entries)
    return NoticeData(
        quarter=quarter, quarter_label=q.label_zh, title=title, issuer=profile.issuer, issue_date=issue_date,
        addressees=profile.addressees, lead=lead, website_counts=website_counts, account_counts=account_counts,
        overview=overview, website_problems=website_problems, account_problems=account_problems,
        requirements=requirements, attachments=attachments, unit_type_rates=unit_type_rates,
        trend=trend, contact=profile.contact, document_number=profile.notice.get("document_number", ""),
        rectification=rectification, rectification_columns=rect_columns,
    )


def _issue_date(session: Any, q: Quarter, profile: Profile) -> date:
    """成文日期: the profile's notice date, else the day the quarter was scored (local time), else the check point.

    Taking the scoring day rather than today keeps a re-rendered notice, and its deadlines, as first issued.
    """
    configured = profile.notice_date.get(str(q))
    if configured:
        return configured
    run = session.get(StageRun, (str(q), "scoring"))
    if run is not None and run.finished_at is not None:
        return run.finished_at.replace(tzinfo=UTC).astimezone(LOCAL_TIME).date()
    return profile.check_point_for(q)


def _site_status(verdict: str, detail: dict[str, Any] | None) -> str:
    """pass | fail | unknown for one website: a site that could not be fetched and was not vetoed is unknown."""
    if verdict == "fail":
        return "fail"
    if verdict != "pass":
        return "unknown"
    findings = (detail or {}).get("findings") or []
    if any(isinstance(f, dict) and f.get("kind") == "site_not_checked" for f in findings):
        return "unknown"
    return "pass"


def _rate(tally: Counter) -> float | None:
    judged = tally["pass"] + tally["fail"]
    return None if judged == 0 else tally["pass"] / judged


def _earlier_rates(session: Any, q: Quarter) -> list[tuple[Quarter, float | None, float | None]]:
    """合格率 of websites and of registered accounts in the quarters before ``q`` that have verdicts,
    oldest first, so that with ``q`` they make at most :data:`TREND_QUARTERS` points."""
    stored: dict[Quarter, str] = {}
    for (text,) in session.execute(select(Verdict.quarter).distinct()):
        try:
            other = Quarter.parse(text)
        except ValueError:
            continue
        if other < q:
            stored[other] = text
    chosen = sorted(stored)[-(TREND_QUARTERS - 1):]
    if not chosen:
        return []
    texts = [stored[x] for x in chosen]
    account_tally: dict[str, Counter] = defaultdict(Counter)
    for text, verdict, n in session.execute(
            select(Verdict.quarter, Verdict.verdict, func.count())
            .where(Verdict.quarter.in_(texts), Verdict.entity_type == "account")
            .group_by(Verdict.quarter, Verdict.verdict)):
        account_tally[text][verdict] += n
    site_tally: dict[str, Counter] = defaultdict(Counter)
    for text, verdict, detail in session.execute(
            select(Verdict.quarter, Verdict.verdict, Verdict.detail)
            .where(Verdict.quarter.in_(texts), Verdict.entity_type == "website")):
        site_tally[text][_site_status(verdict, detail)] += 1
    return [(x, _rate(site_tally[stored[x]]), _rate(account_tally[stored[x]])) for x in chosen]


def _failed_in(session: Any, q: Quarter) -> dict[str, set[str]]:
    """The websites and accounts that failed in ``q`` (复查 of last quarter's failures)."""
    failed: dict[str, set[str]] = defaultdict(set)
    for kind, entity in session.execute(select(Verdict.entity_type, Verdict.entity_id)
                                        .where(Verdict.quarter == str(q), Verdict.verdict == "fail")):
        failed[kind].add(entity)
    return dict(failed)


def _count(label: str, group: list[Account], status: dict[tuple[str, str], str]) -> Count:
    tally = Counter(status.get(("account", f"{a.platform}:{a.account_id}"), "unknown") for a in group)
    return Count(label, len(group), len(group), tally["fail"], tally["unknown"])


def _percent(rate: float) -> float:
    """A rate as the percentage the notice prints (one decimal), so differences match the printed figures."""
    return float(f"{rate * 100:.1f}")


def _change_line(previous: tuple[Quarter, float | None, float | None], site_rate: float | None,
                 account_rate: float | None) -> str:
    """与上季度相比: each pass rate then and now, and the change in percentage points."""
    parts = []
    for label, before, now in (("政府网站", previous[1], site_rate), ("政务新媒体", previous[2], account_rate)):
        if before is None or now is None:
            continue
        delta = round(_percent(now) - _percent(before), 1)
        if delta == 0:
            parts.append(f"{label}合格率持平（均为{_pct(now)}）")
            continue
        points = f"{abs(delta):.1f}".removesuffix(".0")
        verb, change = ("升至", "上升") if delta > 0 else ("降至", "下降")
        parts.append(f"{label}合格率由{_pct(before)}{verb}{_pct(now)}，{change}{points}个百分点")
    return f"与{previous[0].label_zh}相比，" + "；".join(parts) + "。" if parts else ""


def _named(items: list[str]) -> str:
    """A list for a sentence: all names up to NAMED_LIMIT, else the first ones and 等N个."""
    if len(items) <= NAMED_LIMIT:
        return "、".join(items)
    return "、".join(items[:NAMED_LIMIT]) + f"等{len(items)}个"


def _recheck_line(previous: Quarter, failed: dict[str, set[str]], status: dict[tuple[str, str], str],
                  names: dict[tuple[str, str], str]) -> str:
    """复查: what became of the previous quarter's failures, naming those that still fail."""
    parts = []
    for kind, label in (("website", "政府网站"), ("account", "备案政务新媒体")):
        ids = failed.get(kind) or set()
        if not ids:
            continue
        now = {i: status.get((kind, i), "gone") for i in ids}
        fixed = sum(1 for s in now.values() if s == "pass")
        still = sorted((names[(kind, i)] for i, s in now.items() if s == "fail"))
        other = len(ids) - fixed - len(still)
        text = f"{previous.label_zh}不合格的{label}{len(ids)}个，本季度复查"
        if fixed == len(ids):
            text += "已全部合格"
        else:
            text += f"已合格{fixed}个，仍不合格{len(still)}个"
        if still:
            text += f"（{_named(still)}）"
        if other:
            text += f"，另有{other}个本季度无法判定或已不在册"
        parts.append(text)
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
        detail = (v.detail if v else None) or {}
        routed = _route_vetoes(site, detail.get("veto_details", []), vetoes, stale, blank, interaction)
        if not obs.get("checked", False):
            not_checked.items.append(Problem(site.name, site.sponsor, f"首页无法打开（{obs.get('homepage_outcome', '未检查')}），栏目与链接未能检查", "V2"))
            continue
        for item in [*detail.get("findings", []), *detail.get("deductions", [])]:
            rule = str(item.get("rule", ""))
            text = str(item.get("evidence", ""))
            if "points" in item and item.get("points"):
                text += f"（扣{item['points']:g}分）"
            if item.get("kind") in ("not_observed", "unknown"):
                not_checked.items.append(Problem(site.name, site.sponsor, f"{rule}：{text}" if rule else text, rule))
            elif "dead-link" in rule or "dead_link" in rule:
                continue
            elif "blank" in rule:
                blank.items.append(Problem(site.name, site.sponsor, text, rule))
            elif "stale" in rule or "homepage" in rule:
                stale.items.append(Problem(site.name, site.sponsor, text, rule))
            elif "points" in item:
                other.items.append(Problem(site.name, site.sponsor, f"{item.get('indicator', '')}：{text}", rule))
        inter = obs.get("interaction") or {}
        if interaction in routed:
            pass
        elif inter.get("has_channel") is False:
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


def _route_vetoes(site: Website, details: list[dict[str, Any]], vetoes: ProblemGroup, stale: ProblemGroup,
                  blank: ProblemGroup, interaction: ProblemGroup) -> list[ProblemGroup]:
    """单项否决 of one site: a summary line per veto in ``vetoes``, the full evidence under its category.

    A vetoed site is not scored further, so its stale or blank columns and its unanswered messages
    are known only from the veto: they are listed under those categories too, marked with the veto.
    Returns the categories that received an item.
    """
    summaries: dict[str, list[str]] = defaultdict(list)
    titles: dict[str, str] = {}
    routed: list[ProblemGroup] = []
    for item in details:
        rule = str(item.get("rule") or "")
        title = str(item.get("title") or "")
        evidence = str(item.get("evidence") or item.get("observed") or "").strip()
        titles.setdefault(rule, title)
        target = None
        if "不更新" in title:
            target = blank if "空白" in evidence else stale
        elif "互动" in title:
            target = interaction
        if target is not None and evidence:
            target.items.append(Problem(site.name, site.sponsor, f"{evidence}（单项否决{rule}）", rule))
            routed.append(target)
            evidence = evidence.split("：", 1)[0]
        if evidence:
            summaries[rule].append(evidence)
    for rule, title in titles.items():
        text = f"{rule} {title}".strip()
        if summaries[rule]:
            text += "：" + "；".join(summaries[rule])
        vetoes.items.append(Problem(site.name, site.sponsor, text + "，判定为不合格", rule))
    return routed


# What an account source said when it could not tell the last post (AccountObservation.evidence["reason"]).
def _unreadable_reason(observation: AccountObservation | None) -> str:
    """Why an account is listed for manual evidence (the check's own reason), and what the unit should supply."""
    ask = "请报送最近发布的截图及日期，经人工核查后判定"
    if observation is None:
        return f"本季度未能检查该账号，{ask}"
    said = (observation.reason or "").strip().rstrip("。；;") or "未能自动读取最近发布时间"
    return f"{said}，{ask}"


def _account_name(d: dict[str, Any]) -> str:
    label = d.get("platform_label") or platform_label(d.get("platform", ""))
    return f"{d.get('name') or '、'.join(d.get('accounts', []))}（{label}）"


def _account_problems(registered: list[Account], verdicts: dict, seen: dict[tuple[str, str], AccountObservation],
                      by_finding: dict[str, list[Finding]], quarantine: list[QuarantinedRow],
                      quarantine_annex: int | None) -> list[ProblemGroup]:
    """The new-media categories of 二、存在问题, every account named; an empty category prints 无."""
    stale = ProblemGroup("内容长期不更新（两周以上未发布信息）")
    other_veto = ProblemGroup("其他单项否决")
    manual = ProblemGroup("无法自动读取、需人工核查的账号")
    for a in registered:
        v = verdicts.get(("account", f"{a.platform}:{a.account_id}"))
        name = f"{a.name}（{a.platform_label}）"
        unit = a.unit or a.sponsor or ""
        detail = (v.detail if v else None) or {}
        for item in detail.get("veto_details", []):
            group = stale if item.get("rule") == "NM2" else other_veto
            group.items.append(Problem(name, unit, str(item.get("evidence") or item.get("observed") or ""),
                                       item.get("rule", "")))
        if v is None or v.verdict == "unknown":
            manual.items.append(Problem(name, unit, _unreadable_reason(seen.get((a.platform, a.account_id))), "unknown"))
    groups = [stale, other_veto, manual]
    unregistered = by_finding.get("unregistered", [])
    groups.append(ProblemGroup(KIND_LABELS["unregistered"],
                               [Problem(_account_name(f.detail), f.unit or "", "", "unregistered") for f in unregistered],
                               note="清单见附件2。" if unregistered else ""))
    for kind in ("personal_subject", "reform_not_updated", "late_filing", "late_closure_filing", "closed_but_posting",
                 "registered_gone", "unit_not_in_directory", "consolidation"):
        group = ProblemGroup(KIND_LABELS[kind])
        for f in by_finding.get(kind, []):
            d = f.detail
            if d.get("entity_type") == "website":
                continue
            group.items.append(Problem(_account_name(d), f.unit or d.get("sponsor") or "", finding_text(kind, d), kind))
        groups.append(group)
    groups.append(_quarantine_group(quarantine, quarantine_annex))
    return groups


def _website_filing_group(by_finding: dict[str, list[Finding]]) -> ProblemGroup:
    """Registry problems of websites: running on paper but gone, sponsor not updated after reform, unknown sponsor."""
    group = ProblemGroup("网站备案信息")
    for kind in ("website_gone", "website_reform_not_updated", "unit_not_in_directory"):
        for f in by_finding.get(kind, []):
            d = f.detail
            if d.get("entity_type") != "website":
                continue
            group.items.append(Problem(d.get("name") or f.subject, f.unit or d.get("sponsor") or "",
                                       f"{KIND_LABELS[kind]}{'：' + finding_text(kind, d) if finding_text(kind, d) else ''}",
                                       kind))
    return group


REGISTRY_CHANGE_WORDS = {"opened": "新开设", "closed": "关停注销", "renamed": "更名", "moved": "变更主办单位",
                         "url_changed": "变更网址"}


def _registry_change_line(diff: Any) -> str:
    """One sentence on what changed in the registry since the last quarter (开设、关停、更名、变更)."""
    if diff is None or diff.baseline is None:
        return ""
    counts = diff.counts()
    parts = []
    for etype, label in (("website", "政府网站"), ("account", "政务新媒体")):
        said = [f"{REGISTRY_CHANGE_WORDS[c]}{n}个" for c, n in counts.get(etype, {}).items() if n and c in REGISTRY_CHANGE_WORDS]
        if said:
            parts.append(f"{label}{'、'.join(said)}")
    if not parts:
        return f"与{Quarter.parse(diff.baseline).label_zh}相比，报送系统中的政府网站和政务新媒体没有变化。"
    return f"与{Quarter.parse(diff.baseline).label_zh}相比，报送系统中" + "；".join(parts) + "。"


def _quarantine_group(rows: list[QuarantinedRow], annex: int | None) -> ProblemGroup:
    """Registry rows that were not imported, one item per file naming its rows and reasons."""
    per_file: dict[str, list[QuarantinedRow]] = defaultdict(list)
    for r in rows:
        per_file[r.source_file].append(r)
    items = []
    for source, bad in per_file.items():
        described = [f"第{r.row}行{r.column}（{r.reason}）" for r in bad]
        if len(described) > NAMED_LIMIT:
            described = described[:NAMED_LIMIT] + [f"等{len(bad)}条"]
        items.append(Problem(source, "", "、".join(described), "quarantine"))
    note = f"共{len(rows)}条记录未导入，未参与本次检查，请报送单位核实后更正，详见附件{annex}。" if rows and annex else ""
    return ProblemGroup("报送数据导入时被退回的记录", items, note=note)


def _unregistered_task(d: dict[str, Any], values: Mapping[str, str]) -> str:
    """The rectification list's line for an account outside the registry: what was found, what to do."""
    found = f"{d['found_on']}排查发现" if d.get("found_on") else "排查发现"
    seen = [f"认证主体“{d['sponsor']}”" if d.get("sponsor") else "", f"最近发布{d['last_post']}" if d.get("last_post") else ""]
    extra = [KIND_LABELS[p] for p in d.get("problems", []) if p in KIND_LABELS]
    facts = "，".join(x for x in [found, *seen, *extra] if x)
    return (f"{facts}；未在“全国政务新媒体信息报送系统”备案，即日起停止发布信息，"
            f"于{values['month_end']}前完成关停注销或履行备案手续，并书面报送{values['issuer']}")


def _registered_row(i: int, a: Account, v: Verdict | None, seen: AccountObservation | None) -> list[str]:
    detail = (v.detail if v else None) or {}
    verdict = v.verdict if v else "unknown"
    result = {"pass": "合格", "fail": "不合格"}.get(verdict, "需人工核查")
    problems = "；".join(f"{x.get('title', '')}（{x.get('rule')}）" for x in detail.get("veto_details", []))
    if verdict not in ("pass", "fail"):
        problems = "未能读取最近发布"
    last_post = seen.last_post.isoformat() if seen is not None and seen.last_post else "—"
    if seen is not None and seen.last_post and seen.source == "manual":
        last_post += "\n（人工核查）"
    return [str(i), a.name, a.platform_label, a.sponsor or "", last_post, result, problems or "无"]


def _unregistered_row(i: int, f: Finding) -> list[str]:
    d = f.detail
    labels = ["未备案"] + [KIND_LABELS[p] for p in d.get("problems", []) if p in KIND_LABELS]
    return [str(i), d.get("name", ""), d.get("platform_label") or platform_label(d.get("platform", "")), d.get("sponsor") or "",
            f.unit or "", d.get("last_post") or "—", "、".join(labels)]


def _site_row(i: int, s: Website, v: Verdict | None, status: str) -> list[str]:
    detail = (v.detail if v else None) or {}
    result = {"pass": "合格", "fail": "不合格"}.get(status, "未完成检查")
    score = v.score if v and v.score is not None else None
    vetoes = "、".join(detail.get("vetoes", [])) or "无"
    notes = [str(x.get("evidence") or x.get("title") or "") for x in detail.get("veto_details", [])]
    notes += [f"{d.get('indicator', '')}{d.get('evidence', '')}（-{float(d.get('points') or 0):g}）"
              for d in detail.get("deductions", [])]
    if status == "unknown":
        notes.insert(0, "检查时无法访问，内容未检查")
    return [str(i), s.name, s.site_code, s.sponsor, result, "—" if score is None else f"{score:g}", vetoes,
            "；".join(n for n in notes if n) or "无"]


def _unit_score_rows(session: Any, quarter: str) -> list[list[str]]:
    """附件: each unit's score this quarter, its change from the quarter before (环比) and from the same
    quarter a year earlier (同比), and the year's score so far; highest first. Empty before the rollup ran."""
    changes = unit_changes(quarter, session=session)
    annual = {row["unit"]: row for row in stored_unit_scores(quarter[:4], session=session)}
    changes.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0.0), r["unit"]))
    return [[str(i), r["unit"], r["unit_kind"] or "", format_score(r["score"]), format_change(r["change_from_previous"]),
             format_change(r["change_from_year_ago"]), format_score((annual.get(r["unit"]) or {}).get("score"))]
            for i, r in enumerate(changes, start=1)]


def _unit_type_rates(verdicts: dict, units: dict) -> list[Count]:
    totals: dict[str, Counter] = defaultdict(Counter)
    for (kind, _id), v in verdicts.items():
        if kind != "account":
            continue
        label = v.unit_kind or "其他"
        totals[label]["n"] += 1
        totals[label][v.verdict] += 1
    return [Count(label, c["n"], c["n"], c["fail"], c["unknown"]) for label, c in sorted(totals.items())]


def _rectification(entries: list[tuple[str, str, str, str, date]]) -> tuple[list[str], dict[str, list[list[str]]]]:
    """整改清单 rows per unit: (unit, category, subject, problem and evidence, deadline) in the notice's order."""
    columns = ["序号", "问题类别", "对象", "问题及证据", "整改时限"]
    per_unit: dict[str, list[list[str]]] = defaultdict(list)
    for unit, category, subject, detail, deadline in entries:
        rows = per_unit[unit]
        rows.append([str(len(rows) + 1), category, subject, detail, cn_date(deadline)])
    return columns, dict(sorted(per_unit.items()))
