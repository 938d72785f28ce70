"""Reading an account's last post (内容不更新, veto NM2) from whatever source can tell.

Three states, never two: *fresh*, *stale*, or *unknown* when no source could tell. An
unknown account is listed for manual evidence (人工核查); it is never scored as stale.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser

from govinspect.checks.outcomes import Outcome
from govinspect.net import HttpClient

CHINA = timezone(timedelta(hours=8))
NM2_WINDOW_DAYS = 14

# RSSHub route per platform ({id} is the account ID of the registry).
RSSHUB_ROUTES = {
    "weibo": "/weibo/user/{id}",
    "douyin": "/douyin/user/{id}",
    "toutiao": "/toutiao/user/{id}",
    "kuaishou": "/kuaishou/profile/{id}",
    "bilibili": "/bilibili/user/dynamic/{id}",
}
MANUAL_ONLY = {"wechat", "wechat_channels", "miniprogram"}


@dataclass
class SourceSettings:
    """Where account data comes from; tokens and cookies come from Airflow Connections, not from here."""

    rsshub_base: str | None = None
    appstore_lookup: str = "https://itunes.apple.com/lookup"
    timeout: float = 15.0

    @classmethod
    def from_env(cls) -> SourceSettings:
        return cls(
            rsshub_base=os.environ.get("GOVINSPECT_RSSHUB_BASE") or None,
            appstore_lookup=os.environ.get("GOVINSPECT_APPSTORE_LOOKUP", "https://itunes.apple.com/lookup"),
        )


@dataclass
class AccountTarget:
    platform: str
    account_id: str
    name: str
    unit: str | None = None
    registered: bool = True
    status: str | None = None


@dataclass
class ManualRecord:
    last_post: date | None
    checked_by: str | None = None
    checked_on: date | None = None
    evidence: str | None = None
    note: str | None = None


@dataclass
class AccountResult:
    freshness: str  # fresh | stale | unknown
    state: str  # normal | cancelled | not_found | unknown
    last_post: date | None
    source: str
    posts: list[dict[str, Any]] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


def freshness_of(last_post: date | None, check_point: date, window_days: int = NM2_WINDOW_DAYS) -> str:
    if last_post is None:
        return "unknown"
    return "fresh" if last_post >= check_point - timedelta(days=window_days) else "stale"


def _local_date(raw: str | None, parsed: Any = None) -> datetime | None:
    if raw:
        for parse in (parsedate_to_datetime, datetime.fromisoformat):
            try:
                moment = parse(raw.strip().replace("Z", "+00:00"))
            except (TypeError, ValueError, IndexError):
                continue
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=CHINA)
            return moment.astimezone(CHINA)
    if parsed:
        return datetime(*parsed[:6], tzinfo=timezone.utc).astimezone(CHINA)
    return None


def parse_feed(body: bytes, content_type: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """Posts (title, time in +08:00, link) of an RSS, Atom or JSON Feed document, and a problem if any."""
    if (content_type and "json" in content_type) or body.lstrip()[:1] == b"{":
        try:
            doc = json.loads(body)
        except (ValueError, UnicodeDecodeError) as exc:
            return [], f"malformed JSON feed: {exc}"
        if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
            return [], "JSON document is not a JSON Feed (no items list)"
        posts = []
        for item in doc["items"]:
            if not isinstance(item, dict):
                continue
            moment = _local_date(item.get("date_published") or item.get("date_modified"))
            posts.append({"title": str(item.get("title") or "")[:200], "time": moment.isoformat() if moment else None,
                          "link": item.get("url")})
        return posts, None
    feed = feedparser.parse(body)
    if feed.bozo and not feed.entries:
        return [], f"malformed feed: {type(feed.bozo_exception).__name__}: {feed.bozo_exception}"
    posts = []
    for entry in feed.entries:
        moment = _local_date(entry.get("published") or entry.get("updated"),
                             entry.get("published_parsed") or entry.get("updated_parsed"))
        posts.append({"title": str(entry.get("title") or "")[:200], "time": moment.isoformat() if moment else None,
                      "link": entry.get("link")})
    return posts, None


def _last_post(posts: list[dict[str, Any]], check_point: date) -> tuple[date | None, list[str]]:
    """The newest post on or before the check point; later posts are noted, not used."""
    dates = [datetime.fromisoformat(p["time"]).date() for p in posts if p.get("time")]
    future = sorted({d.isoformat() for d in dates if d > check_point})
    usable = [d for d in dates if d <= check_point]
    return (max(usable) if usable else None), future


async def read_feed(client: HttpClient, url: str, check_point: date, source: str, timeout: float) -> AccountResult:
    fetched = await client.fetch(url, timeout=timeout, max_bytes=5 * 1024 * 1024)
    evidence: dict[str, Any] = {"url": url, "outcome": str(fetched.outcome), "status": fetched.status,
                                "elapsed_ms": fetched.elapsed_ms}
    if fetched.status == 404:
        return AccountResult("unknown", "not_found", None, source, [], {**evidence, "reason": "the source says the account does not exist"})
    if fetched.outcome != Outcome.OK:
        return AccountResult("unknown", "unknown", None, source, [], {**evidence, "reason": f"source failed: {fetched.outcome}"})
    posts, problem = parse_feed(fetched.body, fetched.content_type)
    if problem:
        return AccountResult("unknown", "unknown", None, source, [], {**evidence, "reason": problem})
    if not posts:
        return AccountResult("unknown", "normal", None, source, [], {**evidence, "reason": "the feed lists no posts"})
    last, future = _last_post(posts, check_point)
    posts.sort(key=lambda p: p.get("time") or "", reverse=True)
    if future:
        evidence["future_dates"] = future
    return AccountResult(freshness_of(last, check_point), "normal", last, source, posts[:10], evidence)


async def read_appstore(client: HttpClient, settings: SourceSettings, app_id: str, check_point: date) -> AccountResult:
    """An App's last update is the release date of its current version (App Store lookup)."""
    url = f"{settings.appstore_lookup}?id={app_id}&country=cn"
    fetched = await client.fetch(url, timeout=settings.timeout, max_bytes=2 * 1024 * 1024)
    evidence: dict[str, Any] = {"url": url, "outcome": str(fetched.outcome), "status": fetched.status}
    if fetched.outcome != Outcome.OK:
        return AccountResult("unknown", "unknown", None, "appstore", [], {**evidence, "reason": f"source failed: {fetched.outcome}"})
    try:
        doc = json.loads(fetched.body)
        results = doc.get("results") or []
    except (ValueError, AttributeError) as exc:
        return AccountResult("unknown", "unknown", None, "appstore", [], {**evidence, "reason": f"malformed lookup answer: {exc}"})
    if not results:
        return AccountResult("unknown", "not_found", None, "appstore", [], {**evidence, "reason": "no such app in the store"})
    app = results[0]
    moment = _local_date(app.get("currentVersionReleaseDate"))
    last = moment.date() if moment and moment.date() <= check_point else None
    posts = [{"title": f"{app.get('trackName', '')} {app.get('version', '')}".strip(),
              "time": moment.isoformat() if moment else None, "link": app.get("trackViewUrl")}]
    return AccountResult(freshness_of(last, check_point), "normal", last, "appstore", posts, evidence)


async def check_account(
    client: HttpClient,
    target: AccountTarget,
    check_point: date,
    settings: SourceSettings,
    manual: ManualRecord | None = None,
) -> AccountResult:
    """Read the account from the first source that can tell; manual evidence, when recorded, decides."""
    result: AccountResult
    if target.platform == "app" and target.account_id.isdigit():
        result = await read_appstore(client, settings, target.account_id, check_point)
    elif target.platform in RSSHUB_ROUTES and settings.rsshub_base and not target.account_id.startswith("名称:"):
        route = RSSHUB_ROUTES[target.platform].format(id=target.account_id)
        result = await read_feed(client, settings.rsshub_base.rstrip("/") + route, check_point, "rsshub", settings.timeout)
    else:
        reason = (
            "the platform offers no public source; it needs manual evidence"
            if target.platform in MANUAL_ONLY
            else "no source is configured for this platform"
        )
        result = AccountResult("unknown", "unknown", None, "none", [], {"reason": reason})
    if manual is not None:
        automatic = {"source": result.source, "last_post": result.last_post.isoformat() if result.last_post else None,
                     **result.evidence}
        result = AccountResult(
            freshness_of(manual.last_post, check_point),
            result.state if result.state != "unknown" else "normal",
            manual.last_post,
            "manual",
            result.posts,
            {"checked_by": manual.checked_by, "checked_on": manual.checked_on.isoformat() if manual.checked_on else None,
             "evidence": manual.evidence, "note": manual.note, "automatic": automatic},
        )
    return result
