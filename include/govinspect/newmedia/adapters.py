"""Reading an account's last post (内容不更新, veto NM2) from whatever source can tell.

One interface for every source (:class:`Adapter`): given an account, a source returns a
:class:`~govinspect.newmedia.model.Reading` — the account's state, the posts it lists and the
evidence of each request. The sources are tried in order (the account's own feed URL, Weibo's
JSON timeline, the RSSHub route, the App Store) until one can tell: a known last post on or
before the check point, or an account that is gone (cancelled, banned, not found). When none can,
the account is *unknown* and listed for manual evidence; it is never scored as stale. A manual
evidence record, when it tells the last post, decides.

Recent posts are screened against the bureau's lists; the matches are findings for an inspector
(NM1 candidates), never a veto.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, Protocol

from govinspect.config import NetSettings
from govinspect.net import HttpClient
from govinspect.newmedia.appstore import AppStoreAdapter
from govinspect.newmedia.feeds import FeedAdapter, RSSHubAdapter
from govinspect.newmedia.fetch import RateLimiter, SourceFetcher
from govinspect.newmedia.manual import ManualRecord, manual_reason
from govinspect.newmedia.model import (
    NM2_WINDOW_DAYS,
    AccountState,
    AccountTarget,
    Freshness,
    LastPost,
    Post,
    Reading,
    freshness_of,
    last_post_of,
)
from govinspect.newmedia.screening import PostFinding, screen_posts
from govinspect.newmedia.settings import MANUAL_ONLY, SourceCredentials, SourceSettings
from govinspect.newmedia.weibo import WeiboAdapter
from govinspect.quarter import CHINA

__all__ = [
    "ADAPTERS", "AccountResult", "AccountTarget", "Adapter", "CheckContext", "ManualRecord", "SourceCredentials",
    "SourceSettings", "apply_manual", "check_account", "check_accounts",
]

POSTS_KEPT = 10  # newest posts kept in the evidence
SOURCE_LABELS = {"feed": "订阅源", "weibo": "微博接口", "rsshub": "RSSHub", "appstore": "App Store"}


class Adapter(Protocol):
    """A source of account data: says whether it can read an account, then reads it."""

    name: str

    def applies(self, target: AccountTarget, ctx: CheckContext) -> bool: ...

    async def read(self, target: AccountTarget, ctx: CheckContext) -> Reading: ...


# The order sources are tried in: the most specific first.
ADAPTERS: tuple[Adapter, ...] = (FeedAdapter(), WeiboAdapter(), RSSHubAdapter(), AppStoreAdapter())


@dataclass
class CheckContext:
    """What every source of one run shares: the fetcher (limits, retries, the run's cache) and settings."""

    fetcher: SourceFetcher
    settings: SourceSettings
    credentials: SourceCredentials = field(default_factory=SourceCredentials)


@dataclass
class AccountResult:
    """One account's check: freshness, state, last post, and everything that supports them."""

    target: AccountTarget
    freshness: Freshness
    state: AccountState
    last_post: date | None
    last_post_at: datetime | None
    source: str  # the source that decided: feed, weibo, rsshub, appstore, manual — or none
    reason: str | None  # why the account is unknown, in the words of the notice
    checked_at: datetime
    posts: list[Post] = field(default_factory=list)
    readings: list[Reading] = field(default_factory=list)
    future_posts: tuple[str, ...] = ()
    manual: ManualRecord | None = None
    automatic: dict[str, Any] | None = None  # what the sources said, when manual evidence decided
    remarks: list[str] = field(default_factory=list)
    findings: list[PostFinding] = field(default_factory=list)

    @property
    def needs_manual(self) -> bool:
        return self.freshness == Freshness.UNKNOWN

    def evidence(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "source": self.source, "reason": self.reason, "needs_manual": self.needs_manual,
            "checked_at": self.checked_at.isoformat(timespec="seconds"),
            "last_post_at": self.last_post_at.isoformat() if self.last_post_at else None,
            "posts": [p.to_json() for p in self.posts],
            "readings": [r.to_json() for r in self.readings],
            "findings": len(self.findings),
        }
        if self.future_posts:
            out["future_posts"] = list(self.future_posts)
        if self.manual is not None:
            out["manual"] = self.manual.to_json()
        if self.automatic is not None:
            out["automatic"] = self.automatic
        if self.remarks:
            out["remarks"] = self.remarks
        return out

    def observation_row(self) -> dict[str, Any]:
        """The row of ``account_observations`` (without quarter and batch)."""
        return {"platform": self.target.platform, "account_id": self.target.account_id,
                "freshness": str(self.freshness), "state": str(self.state), "last_post": self.last_post,
                "source": self.source, "reason": self.reason,
                "checked_at": self.checked_at.astimezone(CHINA).replace(tzinfo=None), "evidence": self.evidence()}


def _newest(posts: list[Post]) -> list[Post]:
    return sorted(posts, key=lambda p: (p.time is not None, p.time or datetime.min.replace(tzinfo=CHINA)),
                  reverse=True)[:POSTS_KEPT]


def _distinct(readings: list[Reading]) -> list[Post]:
    seen, out = set(), []
    for reading in readings:
        for post in reading.posts:
            key = post.link or f"{post.time}|{post.title}"
            if key not in seen:
                seen.add(key)
                out.append(post)
    return out


def _no_source_reason(target: AccountTarget) -> str:
    if target.platform in MANUAL_ONLY:
        return "该平台没有可自动读取的公开来源，需人工核查"
    if target.account_id.startswith("名称:"):
        return "备案信息缺少账号ID，无法自动读取，需人工核查"
    return "未配置该平台的读取来源（如 RSSHub 地址），需人工核查"


async def read_sources(target: AccountTarget, ctx: CheckContext, check_point: date) -> AccountResult:
    """Try the sources in order until one can tell; without manual evidence."""
    readings: list[Reading] = []
    decided: tuple[Reading, LastPost] | None = None
    for adapter in ADAPTERS:
        if not adapter.applies(target, ctx):
            continue
        reading = await adapter.read(target, ctx)
        readings.append(reading)
        last = last_post_of(reading.posts, check_point)
        if reading.state.gone or last.at is not None:
            decided = (reading, last)
            break
        if reading.reason is None:
            reading.reason = last.reason
    checked_at = max((f.when for r in readings for f in r.fetches), default=datetime.now(CHINA))
    if decided is not None:
        reading, last = decided
        reason = None if last.at is not None else reading.reason
        return AccountResult(
            target, freshness_of(last.day, check_point, ctx.settings.window_days), reading.state, last.day, last.at,
            reading.source, reason, checked_at, _newest(reading.posts), readings, last.future,
        )
    if not readings:
        reason = _no_source_reason(target)
    else:
        reason = "；".join(f"{SOURCE_LABELS.get(r.source, r.source)}：{r.reason}" for r in readings if r.reason)
        reason = reason or "来源未能给出最近发布时间"
    state = next((r.state for r in readings if r.state != AccountState.UNKNOWN), AccountState.UNKNOWN)
    with_posts = next((r for r in readings if r.posts), None)
    future = last_post_of(with_posts.posts, check_point).future if with_posts else ()
    return AccountResult(target, Freshness.UNKNOWN, state, None, None, readings[-1].source if readings else "none",
                         reason, checked_at, _newest(with_posts.posts) if with_posts else [], readings, future)


def apply_manual(result: AccountResult, record: ManualRecord, check_point: date,
                 window_days: int | None = None) -> AccountResult:
    """Let the inspector's record decide when it tells the last post (or that the account is gone)."""
    window = window_days if window_days is not None else NM2_WINDOW_DAYS
    automatic = {"source": result.source, "freshness": str(result.freshness), "state": str(result.state),
                 "last_post": result.last_post.isoformat() if result.last_post else None, "reason": result.reason}
    problem = manual_reason(record, check_point)
    named = record.state
    if problem is None and record.last_post is not None:
        state = named or (result.state if result.state != AccountState.UNKNOWN else AccountState.NORMAL)
        remarks = list(result.remarks)
        if result.last_post is not None and result.last_post != record.last_post:
            remarks.append(f"人工核查的最近发布时间 {record.last_post.isoformat()} 与 {result.source} 读取的 "
                           f"{result.last_post.isoformat()} 不一致，以人工核查为准")
        return replace(result, freshness=freshness_of(record.last_post, check_point, window), state=state,
                       last_post=record.last_post, last_post_at=None, source="manual", reason=None, manual=record,
                       automatic=automatic, remarks=remarks)
    if named is not None and named.gone:
        return replace(result, freshness=Freshness.UNKNOWN, state=named, last_post=None, last_post_at=None,
                       source="manual", reason=f"人工核查：{record.note}", manual=record, automatic=automatic)
    if result.last_post is not None:
        return replace(result, manual=record, remarks=[*result.remarks, f"人工核查记录未采用：{problem}"])
    reason = "；".join(r for r in (result.reason, problem) if r)
    return replace(result, manual=record, reason=reason)


async def check_account(target: AccountTarget, ctx: CheckContext, check_point: date,
                        manual: ManualRecord | None = None) -> AccountResult:
    """One account: its sources, then the manual record if any, then the screening of its posts."""
    result = await read_sources(target, ctx, check_point)
    if manual is not None:
        result = apply_manual(result, manual, check_point, ctx.settings.window_days)
    result.findings = screen_posts(_distinct(result.readings), ctx.settings.screening)
    return result


async def check_accounts(
    targets: Sequence[AccountTarget],
    check_point: date,
    settings: SourceSettings,
    manual: Mapping[tuple[str, str], ManualRecord] | None = None,
    credentials: SourceCredentials | None = None,
    *,
    net: NetSettings | None = None,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> list[AccountResult]:
    """Check accounts concurrently with one HTTP client, one set of rate limits and one response cache."""
    manual = manual or {}
    async with HttpClient(net, timeout=settings.timeout, max_bytes=settings.max_bytes) as client:
        limiter = RateLimiter(settings.rate_limits, settings.default_interval, settings.concurrency, sleep=sleep)
        fetcher = SourceFetcher(client, limiter, settings.retry, timeout=settings.timeout,
                                max_bytes=settings.max_bytes, sleep=sleep)
        ctx = CheckContext(fetcher, settings, credentials or SourceCredentials())
        return list(await asyncio.gather(*(
            check_account(t, ctx, check_point, manual.get((t.platform, t.account_id))) for t in targets)))
