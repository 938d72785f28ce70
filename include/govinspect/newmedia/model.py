"""What an account check produces: the three freshness states, the account states, the posts read,
and the evidence of every request (what was fetched, when, from where).

Freshness has three values, never two: *fresh*, *stale*, or *unknown* when no source could tell.
An unknown account is listed for manual evidence (人工核查); it is never scored as stale (NM2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

NM2_WINDOW_DAYS = 14  # 内容不更新: no post in the two weeks before the check point


class Freshness(StrEnum):
    FRESH = "fresh"
    STALE = "stale"
    UNKNOWN = "unknown"


class AccountState(StrEnum):
    """What the platform says about the account itself (运行状态 as seen, not as filed)."""

    NORMAL = "normal"
    CANCELLED = "cancelled"  # 已注销 / 关停
    BANNED = "banned"  # 被封禁
    NOT_FOUND = "not_found"  # 不存在
    UNKNOWN = "unknown"

    @property
    def gone(self) -> bool:
        return self in (AccountState.CANCELLED, AccountState.BANNED, AccountState.NOT_FOUND)


@dataclass(frozen=True)
class AccountTarget:
    """One account to check, as the registry names it."""

    platform: str
    account_id: str
    name: str
    unit: str | None = None
    registered: bool = True
    status: str | None = None  # 运行状态 in the registry

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.account_id}"


@dataclass(frozen=True)
class Post:
    """One post as a source lists it. ``time`` is in China time; ``text`` is kept for screening only."""

    title: str
    time: datetime | None
    link: str | None
    text: str = ""
    pinned: bool = False
    repost: bool = False

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"title": self.title, "time": self.time.isoformat() if self.time else None,
                               "link": self.link}
        if self.pinned:
            out["pinned"] = True
        if self.repost:
            out["repost"] = True
        return out


@dataclass(frozen=True)
class Fetch:
    """The evidence of one request: what was asked, where, when, and what came back."""

    what: str
    url: str  # secrets (access keys, signatures) replaced by ***
    when: datetime  # China time, when the answer arrived
    outcome: str
    status: int | None
    elapsed_ms: int
    attempts: int = 1
    cached: bool = False
    size: int = 0
    sha256: str | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"what": self.what, "url": self.url, "when": self.when.isoformat(timespec="seconds"),
                               "outcome": self.outcome, "status": self.status, "elapsed_ms": self.elapsed_ms,
                               "attempts": self.attempts, "bytes": self.size}
        if self.sha256:
            out["sha256"] = self.sha256
        if self.cached:
            out["cached"] = True
        if self.detail:
            out["detail"] = self.detail[:300]
        return out


@dataclass
class Reading:
    """What one source said about one account. ``reason`` says why it could not tell, when it could not."""

    source: str
    state: AccountState
    posts: list[Post] = field(default_factory=list)
    fetches: list[Fetch] = field(default_factory=list)
    reason: str | None = None
    name_seen: str | None = None  # the account's name as the source shows it

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"source": self.source, "state": str(self.state), "posts": len(self.posts),
                               "fetches": [f.to_json() for f in self.fetches]}
        if self.reason:
            out["reason"] = self.reason
        if self.name_seen:
            out["name_seen"] = self.name_seen
        return out


@dataclass(frozen=True)
class LastPost:
    """The newest post on or before the check point, if the posts read can tell it."""

    at: datetime | None
    future: tuple[str, ...] = ()  # dates of posts after the check point (noted, never used)
    reason: str | None = None  # why the posts cannot tell, when they cannot

    @property
    def day(self) -> date | None:
        return self.at.date() if self.at else None


def freshness_of(last_post: date | None, check_point: date, window_days: int = NM2_WINDOW_DAYS) -> Freshness:
    """NM2 from a known last post only: older than ``window_days`` before the check point is stale."""
    if last_post is None:
        return Freshness.UNKNOWN
    return Freshness.FRESH if last_post >= check_point - timedelta(days=window_days) else Freshness.STALE


def last_post_of(posts: list[Post], check_point: date) -> LastPost:
    """The newest post on or before the check point (China dates).

    A pinned post (置顶) older than every ordinary post listed says nothing about the gap between
    it and them, so it counts only when no ordinary post is listed at all.
    """
    dated = [(p.time, p) for p in posts if p.time is not None]
    future = tuple(sorted({t.date().isoformat() for t, _p in dated if t.date() > check_point}))
    if not dated:
        reason = "未读到任何发布内容" if not posts else "发布内容均无可识别的发布时间"
        return LastPost(None, future, reason)
    ordinary = [t for t, p in dated if not p.pinned]
    oldest_ordinary = min(ordinary) if ordinary else None
    usable = [t for t, p in dated
              if t.date() <= check_point and (not p.pinned or oldest_ordinary is None or t >= oldest_ordinary)]
    if not usable:
        return LastPost(None, future, "所列发布内容均晚于检查基准日，无法判断基准日前的更新情况")
    return LastPost(max(usable), future)


_CANCELLED = ("注销", "已关闭", "停止运营", "关停", "停用")
_BANNED = ("封禁", "封号", "被封", "违反", "违规", "冻结", "屏蔽")
_NOT_FOUND = ("不存在", "查无此", "找不到", "not found", "does not exist")


def state_from_message(text: str | None) -> AccountState | None:
    """The account state a platform's or an inspector's words name (已注销, 已被封禁, 用户不存在)."""
    if not text:
        return None
    folded = text.casefold()
    for words, state in ((_BANNED, AccountState.BANNED), (_CANCELLED, AccountState.CANCELLED),
                         (_NOT_FOUND, AccountState.NOT_FOUND)):
        if any(word in folded for word in words):
            return state
    return None
