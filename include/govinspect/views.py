"""Read-only views of the store for people: what the Inspection page in the Airflow UI shows.

Each function reads one quarter (or the list of quarters) and returns plain dataclasses, so the
web layer only formats them; nothing here writes to the store or the reports folder. Queries name
the columns they read, so a view keeps working while a migration adds columns elsewhere.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from govinspect import config
from govinspect.assessment.rollup import unit_changes
from govinspect.quarter import Quarter
from govinspect.registry.platforms import platform_label
from govinspect.registry.reconcile import KIND_LABELS, finding_text
from govinspect.store import session_scope
from govinspect.store.models import (
    Account,
    AccountObservation,
    DeadLink,
    Finding,
    PostFinding,
    QuarantinedRow,
    StageRun,
    UnitScore,
    Verdict,
    Website,
    WebsiteObservation,
)

NOTICE_SUFFIXES = (".pdf", ".xlsx")
POSTS_SHOWN = 3
DEAD_LINKS_SHOWN = 10
# Findings that are bookkeeping, not problems: accounts the sweep found that were registered anyway.
QUIET_FINDINGS = {"registered_also_swept"}
POST_FINDING_LABELS = {"sensitive_word": "敏感词", "wrong_name": "领导姓名疑误", "wrong_title": "领导职务疑误"}


@dataclass(frozen=True)
class Tally:
    """Verdicts of one kind of entity: pass rate over the judged ones (unknown is not judged)."""

    total: int
    passed: int
    failed: int
    unknown: int

    @property
    def judged(self) -> int:
        return self.passed + self.failed

    @property
    def pass_rate(self) -> float | None:
        return None if not self.judged else self.passed / self.judged


@dataclass(frozen=True)
class QuarterSummary:
    quarter: str
    label: str
    websites: Tally
    accounts: Tally
    findings: int
    stages: dict[str, datetime]
    scored: bool
    notice_at: datetime | None


@dataclass(frozen=True)
class Reason:
    """One reason an entity failed (a veto, a deduction, a check that could not be made)."""

    rule: str
    title: str
    evidence: str


@dataclass(frozen=True)
class Post:
    title: str
    time: str
    link: str


@dataclass(frozen=True)
class WebsiteRow:
    site_code: str
    name: str
    url: str
    unit: str
    verdict: str
    score: float | None
    homepage_outcome: str
    reasons: list[Reason]
    dead_links: list[dict[str, Any]]
    dead_link_total: int


@dataclass(frozen=True)
class AccountRow:
    id: str
    name: str
    platform: str
    unit: str
    verdict: str
    last_post: str | None
    source: str | None
    source_url: str | None
    source_outcome: str | None
    reasons: list[Reason]
    posts: list[Post]


@dataclass(frozen=True)
class FindingRow:
    kind: str
    label: str
    subject: str
    name: str
    platform: str
    unit: str
    detail: str


@dataclass(frozen=True)
class PostCheckRow:
    """A post that matched the bureau's lists: an NM1 candidate for an inspector to confirm or dismiss."""

    account: str
    account_id: str
    platform: str
    unit: str
    label: str  # 敏感词 | 领导姓名疑误 | 领导职务疑误
    term: str
    expected: str
    context: str
    post_title: str
    post_time: str
    post_link: str | None


@dataclass(frozen=True)
class UnitRow:
    unit: str
    kind: str
    quarter_score: float | None
    annual_score: float | None
    judged: int
    failed: int
    unknown: int
    change_from_previous: float | None = None  # 环比: this quarter's score less the quarter before
    change_from_year_ago: float | None = None  # 同比: less the same quarter a year earlier


@dataclass(frozen=True)
class ReportFile:
    """A file of the quarter's notice, by its path under the quarter's reports folder."""

    name: str
    kind: str
    size: int


@dataclass
class QuarantineRow:
    """A registry row that was not imported: file, row, column, value and why (for the inspector to correct)."""

    file: str
    row: int
    column: str
    value: str
    reason: str


@dataclass
class QuarterReport:
    summary: QuarterSummary
    failing_websites: list[WebsiteRow] = field(default_factory=list)
    failing_accounts: list[AccountRow] = field(default_factory=list)
    manual_accounts: list[AccountRow] = field(default_factory=list)
    findings: list[FindingRow] = field(default_factory=list)
    post_checks: list[PostCheckRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    year: str = ""
    files: list[ReportFile] = field(default_factory=list)
    quarantined: list[QuarantineRow] = field(default_factory=list)


def _tally(counts: dict[str, int], total: int) -> Tally:
    passed, failed = counts.get("pass", 0), counts.get("fail", 0)
    return Tally(total=total, passed=passed, failed=failed, unknown=max(total - passed - failed, 0))


def _summaries(session: Any, quarters: list[str]) -> list[QuarterSummary]:
    verdicts: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for quarter, kind, verdict, n in session.execute(
        select(Verdict.quarter, Verdict.entity_type, Verdict.verdict, func.count())
        .where(Verdict.quarter.in_(quarters)).group_by(Verdict.quarter, Verdict.entity_type, Verdict.verdict)
    ):
        verdicts[quarter][kind][verdict] = n
    sites = dict(session.execute(
        select(Website.quarter, func.count()).where(Website.quarter.in_(quarters), ~Website.status.contains("下线"))
        .group_by(Website.quarter)).all())
    accounts = dict(session.execute(
        select(Account.quarter, func.count()).where(Account.quarter.in_(quarters), Account.origin == "registry")
        .group_by(Account.quarter)).all())
    findings = dict(session.execute(
        select(Finding.quarter, func.count()).where(Finding.quarter.in_(quarters), Finding.kind.not_in(QUIET_FINDINGS))
        .group_by(Finding.quarter)).all())
    stages: dict[str, dict[str, datetime]] = defaultdict(dict)
    for quarter, stage, finished in session.execute(
        select(StageRun.quarter, StageRun.stage, StageRun.finished_at).where(StageRun.quarter.in_(quarters))
    ):
        stages[quarter][stage] = finished
    out = []
    for quarter in quarters:
        by_kind = verdicts.get(quarter, {})
        site_total = max(sites.get(quarter, 0), sum(by_kind.get("website", {}).values()))
        account_total = max(accounts.get(quarter, 0), sum(by_kind.get("account", {}).values()))
        out.append(QuarterSummary(
            quarter=quarter,
            label=Quarter.parse(quarter).label_zh,
            websites=_tally(by_kind.get("website", {}), site_total),
            accounts=_tally(by_kind.get("account", {}), account_total),
            findings=findings.get(quarter, 0),
            stages=dict(stages.get(quarter, {})),
            scored=bool(by_kind),
            notice_at=stages.get(quarter, {}).get("notice"),
        ))
    return out


def list_quarters(url: str | None = None) -> list[QuarterSummary]:
    """Every quarter the store knows (a registry was imported), newest first, with its pass rates."""
    with session_scope(url) as session:
        known = set(session.execute(select(Website.quarter).distinct()).scalars())
        known |= set(session.execute(select(Account.quarter).distinct()).scalars())
        known |= set(session.execute(select(Verdict.quarter).distinct()).scalars())
        quarters = sorted(known, key=Quarter.parse, reverse=True)
        return _summaries(session, quarters)


def _reasons(detail: dict[str, Any]) -> list[Reason]:
    out = [Reason(str(v.get("rule") or ""), str(v.get("title") or ""), str(v.get("evidence") or v.get("observed") or ""))
           for v in detail.get("veto_details") or []]
    for d in detail.get("deductions") or []:
        points = d.get("points")
        title = str(d.get("indicator") or d.get("title") or "扣分")
        if points:
            title = f"{title}（扣{float(points):g}分）"
        out.append(Reason(str(d.get("rule") or ""), title, str(d.get("evidence") or "")))
    for f in detail.get("findings") or []:
        if f.get("kind") in ("not_observed", "site_not_checked", "last_post_unknown"):
            out.append(Reason(str(f.get("rule") or ""), "未能判定" if f.get("kind") != "not_observed" else "未检测",
                              str(f.get("evidence") or "")))
    return out


def _first_fetch(evidence: dict[str, Any]) -> dict[str, Any]:
    """The request that read the account: the first fetch of the first source tried, or the evidence itself."""
    for reading in evidence.get("readings") or []:
        for fetch in reading.get("fetches") or []:
            if isinstance(fetch, dict):
                return fetch
    return evidence


def _posts(evidence: dict[str, Any]) -> list[Post]:
    posts = []
    for p in (evidence.get("posts") or [])[:POSTS_SHOWN]:
        if isinstance(p, dict):
            posts.append(Post(str(p.get("title") or ""), str(p.get("time") or ""), str(p.get("link") or "")))
    return posts


def _finding_detail(kind: str, d: dict[str, Any]) -> str:
    """The facts behind a reconciliation finding, in the inspectors' words."""
    said = finding_text(kind, d)
    if said:
        return said
    parts = []
    if d.get("sponsor"):
        parts.append(f"认证主体：{d['sponsor']}")
    if d.get("last_post"):
        parts.append(f"最近发布：{d['last_post']}")
    if d.get("found_on"):
        parts.append(f"发现于{d['found_on']}")
    if d.get("note"):
        parts.append(str(d["note"]))
    return "；".join(parts)


def quarter_report(quarter: str, url: str | None = None, reports_dir: Path | None = None) -> QuarterReport | None:
    """Everything the Inspection page shows for one quarter; None when the store has nothing for it."""
    q = str(Quarter.parse(quarter))
    year = q[:4]
    with session_scope(url) as session:
        summaries = _summaries(session, [q])
        summary = summaries[0]
        if summary.websites.total == 0 and summary.accounts.total == 0 and not summary.scored:
            return None
        verdicts = session.execute(
            select(Verdict.entity_type, Verdict.entity_id, Verdict.unit, Verdict.platform, Verdict.verdict,
                   Verdict.score, Verdict.detail).where(Verdict.quarter == q)
            .order_by(Verdict.entity_type, Verdict.unit, Verdict.entity_id)).all()
        sites = {s.site_code: s for s in session.execute(
            select(Website.site_code, Website.name, Website.url, Website.sponsor).where(Website.quarter == q))}
        site_obs = {o.site_code: o for o in session.execute(
            select(WebsiteObservation.site_code, WebsiteObservation.homepage_outcome)
            .where(WebsiteObservation.quarter == q))}
        accounts = {f"{a.platform}:{a.account_id}": a for a in session.execute(
            select(Account.platform, Account.account_id, Account.name, Account.platform_label, Account.unit)
            .where(Account.quarter == q, Account.origin == "registry"))}
        account_obs = {f"{o.platform}:{o.account_id}": o for o in session.execute(
            select(AccountObservation.platform, AccountObservation.account_id, AccountObservation.last_post,
                   AccountObservation.source, AccountObservation.evidence).where(AccountObservation.quarter == q))}
        dead: dict[str, list[Any]] = defaultdict(list)
        for d in session.execute(
            select(DeadLink.site_code, DeadLink.url, DeadLink.referrer, DeadLink.anchor, DeadLink.outcome,
                   DeadLink.status, DeadLink.on_homepage).where(DeadLink.quarter == q)
            .order_by(DeadLink.site_code, DeadLink.on_homepage.desc(), DeadLink.url)
        ):
            dead[d.site_code].append(d)
        findings = session.execute(
            select(Finding.kind, Finding.subject, Finding.unit, Finding.detail)
            .where(Finding.quarter == q, Finding.kind.not_in(QUIET_FINDINGS))
            .order_by(Finding.kind, Finding.unit, Finding.subject)).all()
        scores = session.execute(
            select(UnitScore.period, UnitScore.unit, UnitScore.unit_kind, UnitScore.score, UnitScore.judged,
                   UnitScore.failed, UnitScore.unknown).where(UnitScore.period.in_([q, year]))).all()
        post_findings = session.execute(
            select(PostFinding.platform, PostFinding.account_id, PostFinding.kind, PostFinding.term,
                   PostFinding.expected, PostFinding.context, PostFinding.post_title, PostFinding.post_time,
                   PostFinding.post_link).where(PostFinding.quarter == q)
            .order_by(PostFinding.platform, PostFinding.account_id, PostFinding.post_time, PostFinding.term)).all()

        report = QuarterReport(summary=summary, year=year)
        report.quarantined = [
            QuarantineRow(r.source_file, r.row, r.column, r.value or "", r.reason)
            for r in session.execute(select(QuarantinedRow).where(QuarantinedRow.quarter == q)
                                     .order_by(QuarantinedRow.source_file, QuarantinedRow.row)).scalars()
        ]
        for v in verdicts:
            detail = v.detail or {}
            if v.entity_type == "website" and v.verdict == "fail":
                site = sites.get(v.entity_id)
                obs = site_obs.get(v.entity_id)
                links = dead.get(v.entity_id, [])
                report.failing_websites.append(WebsiteRow(
                    site_code=v.entity_id, name=site.name if site else str(detail.get("name") or v.entity_id),
                    url=site.url if site else "", unit=v.unit or (site.sponsor if site else ""), verdict=v.verdict,
                    score=v.score, homepage_outcome=obs.homepage_outcome if obs else "not_checked",
                    reasons=_reasons(detail),
                    dead_links=[{"url": d.url, "referrer": d.referrer, "anchor": d.anchor or "", "outcome": d.outcome,
                                 "status": d.status, "on_homepage": d.on_homepage} for d in links[:DEAD_LINKS_SHOWN]],
                    dead_link_total=len(links),
                ))
            elif v.entity_type == "account" and v.verdict in ("fail", "unknown"):
                account = accounts.get(v.entity_id)
                obs = account_obs.get(v.entity_id)
                evidence = dict(obs.evidence or {}) if obs else {}
                fetch = _first_fetch(evidence)
                reasons = _reasons(detail)
                if v.verdict == "unknown" and evidence.get("reason"):
                    reasons.insert(0, Reason("", "自动读取", str(evidence["reason"])))
                row = AccountRow(
                    id=v.entity_id, name=account.name if account else str(detail.get("name") or v.entity_id),
                    platform=account.platform_label if account else platform_label(v.platform or ""),
                    unit=v.unit or (account.unit if account else "") or "", verdict=v.verdict,
                    last_post=obs.last_post.isoformat() if obs and obs.last_post else None,
                    source=obs.source if obs else None, source_url=fetch.get("url"),
                    source_outcome=fetch.get("outcome"), reasons=reasons, posts=_posts(evidence),
                )
                (report.failing_accounts if v.verdict == "fail" else report.manual_accounts).append(row)
        for f in findings:
            d = f.detail or {}
            report.findings.append(FindingRow(
                kind=f.kind, label=KIND_LABELS.get(f.kind, f.kind), subject=f.subject,
                name=str(d.get("name") or "、".join(d.get("accounts", [])) or f.subject),
                platform=str(d.get("platform_label") or platform_label(d.get("platform", "")) or ""),
                unit=f.unit or str(d.get("sponsor") or ""), detail=_finding_detail(f.kind, d),
            ))
        for p in post_findings:
            key = f"{p.platform}:{p.account_id}"
            account = accounts.get(key)
            report.post_checks.append(PostCheckRow(
                account=account.name if account else p.account_id, account_id=key,
                platform=account.platform_label if account else platform_label(p.platform),
                unit=(account.unit if account else "") or "", label=POST_FINDING_LABELS.get(p.kind, p.kind),
                term=p.term, expected=p.expected or "", context=p.context, post_title=p.post_title,
                post_time=p.post_time.strftime("%Y-%m-%d %H:%M") if p.post_time else "", post_link=p.post_link,
            ))
        quarterly = {s.unit: s for s in scores if s.period == q}
        annual = {s.unit: s for s in scores if s.period == year}
        changes = {row["unit"]: row for row in unit_changes(q, session=session)} if quarterly else {}
    for unit in sorted(set(quarterly) | set(annual)):
        qs, ys = quarterly.get(unit), annual.get(unit)
        basis = ys or qs
        change = changes.get(unit, {})
        report.units.append(UnitRow(
            unit=unit, kind=(basis.unit_kind if basis else None) or "",
            quarter_score=qs.score if qs else None, annual_score=ys.score if ys else None,
            judged=basis.judged if basis else 0, failed=basis.failed if basis else 0,
            unknown=basis.unknown if basis else 0,
            change_from_previous=change.get("change_from_previous"),
            change_from_year_ago=change.get("change_from_year_ago"),
        ))
    report.units.sort(key=lambda u: (u.annual_score is None, -(u.annual_score or 0.0), u.unit))
    report.files = notice_files(q, reports_dir)
    return report


def _quarter_folder(quarter: str, reports_dir: Path | None) -> Path:
    return (reports_dir or config.reports_dir()) / str(Quarter.parse(quarter))


def notice_files(quarter: str, reports_dir: Path | None = None) -> list[ReportFile]:
    """The notice PDF, its XLSX attachments and the rectification lists written for the quarter."""
    folder = _quarter_folder(quarter, reports_dir)
    if not folder.is_dir():
        return []
    files = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in NOTICE_SUFFIXES and not path.name.startswith("."):
            files.append(ReportFile(name=path.relative_to(folder).as_posix(), kind=path.suffix.lower()[1:],
                                    size=path.stat().st_size))
    files.sort(key=lambda f: (f.kind != "pdf", "/" in f.name, f.name))
    return files


def notice_file(quarter: str, name: str, reports_dir: Path | None = None) -> Path | None:
    """The path of one listed notice file, or None: only names :func:`notice_files` lists are served."""
    for f in notice_files(quarter, reports_dir):
        if f.name == name:
            return _quarter_folder(quarter, reports_dir) / f.name
    return None


__all__ = [
    "AccountRow", "FindingRow", "Post", "QuarterReport", "QuarterSummary", "Reason", "ReportFile", "Tally", "UnitRow",
    "WebsiteRow", "list_quarters", "notice_file", "notice_files", "quarter_report",
]
