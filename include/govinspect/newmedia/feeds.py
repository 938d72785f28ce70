"""Feeds: RSS, Atom and JSON Feed documents (feedparser), an account's own feed URL, and RSSHub
routes on the bureau's RSSHub.

A post's time is its publication time; an Atom entry's ``updated`` counts only when it has no
``published`` (editing an old post is not posting). A document that is not well-formed is
*malformed* even when its first items parse: a cut feed in oldest-first order would otherwise
show only old posts and turn an unknown account into a stale one.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import feedparser

from govinspect.checks.outcomes import Outcome
from govinspect.net import FetchResult
from govinspect.newmedia.fetch import describe_failure
from govinspect.newmedia.model import AccountState, AccountTarget, Fetch, Post, Reading, state_from_message
from govinspect.newmedia.timestamps import parse_timestamp

if TYPE_CHECKING:
    from govinspect.newmedia.adapters import CheckContext

TITLE_CHARS = 200
TEXT_CHARS = 4000
_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")
_RSSHUB_ERROR = re.compile(r"Error message:\s*</b>\s*<code>(.*?)</code>", re.S | re.I)
_ROUTE_MISSING = re.compile(r"route.*(not exist|deleted)|路由.*不存在|该路由", re.I)
# Harmless reasons feedparser flags a document with; anything else means it is not well-formed.
_TOLERATED = tuple(
    getattr(feedparser, name) for name in ("CharacterEncodingOverride", "NonXMLContentType") if hasattr(feedparser, name)
)


def plain_text(markup: str | None) -> str:
    """Text of an HTML fragment, entities decoded and whitespace folded."""
    return _SPACES.sub(" ", html.unescape(_TAGS.sub(" ", markup or ""))).strip()


@dataclass
class FeedDocument:
    title: str | None
    posts: list[Post] = field(default_factory=list)
    problem: str | None = None  # why the document cannot be read, when it cannot


def _post(title: Any, raw_time: Any, link: Any, text: str, now: datetime, fallback: Any = None) -> Post:
    moment = parse_timestamp(raw_time, now)
    if moment is None and fallback:
        moment = parse_timestamp(fallback, now)
    clean_title = plain_text(str(title or "")) or text[:60]
    return Post(clean_title[:TITLE_CHARS], moment, str(link) if link else None, text[:TEXT_CHARS])


def _json_feed(body: bytes, now: datetime) -> FeedDocument:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        return FeedDocument(None, problem=f"JSON 文档无法解析（{type(exc).__name__}）")
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        return FeedDocument(None, problem="JSON 文档不是 JSON Feed（缺少 items 列表）")
    posts = []
    for item in doc["items"]:
        if not isinstance(item, dict):
            continue
        text = plain_text(item.get("content_html")) or str(item.get("content_text") or item.get("summary") or "")
        link = item.get("url") or item.get("external_url")
        if not link and str(item.get("id", "")).startswith(("http://", "https://")):
            link = item["id"]
        posts.append(_post(item.get("title"), item.get("date_published"), link, text, now,
                           fallback=None if item.get("date_published") else item.get("date_modified")))
    title = doc.get("title")
    return FeedDocument(str(title) if title else None, posts)


def parse_feed(body: bytes, content_type: str | None, now: datetime) -> FeedDocument:
    """Posts (title, China time, link) of an RSS, Atom or JSON Feed document.

    ``now`` is when the document was fetched (for relative times some generators write).
    """
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if (content_type and "json" in content_type.lower()) or head in (b"{", b"["):
        return _json_feed(body, now)
    parsed = feedparser.parse(body)
    if parsed.bozo and not isinstance(parsed.bozo_exception, _TOLERATED):
        reason = type(parsed.bozo_exception).__name__
        return FeedDocument(None, problem=f"文档格式错误，无法可靠读取（{reason}: {str(parsed.bozo_exception)[:120]}）")
    if not parsed.get("version"):
        return FeedDocument(None, problem="返回的不是 RSS、Atom 或 JSON Feed 文档")
    posts = []
    for entry in parsed.entries:
        text = plain_text(entry.get("summary") or "")
        if not text and entry.get("content"):
            text = plain_text(entry["content"][0].get("value"))
        published = entry.get("published")
        posts.append(_post(entry.get("title"), published, entry.get("link"), text, now,
                           fallback=None if published else entry.get("updated")))
    title = plain_text(parsed.feed.get("title")) or None
    return FeedDocument(title, posts)


def rsshub_error(body: bytes) -> str | None:
    """The message of an RSSHub error page ("Looks like something went wrong in RSSHub!")."""
    text = body[:20000].decode("utf-8", "replace")
    match = _RSSHUB_ERROR.search(text)
    return plain_text(match.group(1)) if match else None


def reading_from_feed(source: str, result: FetchResult, fetch: Fetch, timeout: float, *,
                      rsshub: bool = False) -> Reading:
    """What a fetched feed (or RSSHub's error page) says about the account."""
    reading = Reading(source, AccountState.UNKNOWN, fetches=[fetch])
    if result.outcome != Outcome.OK:
        message = rsshub_error(result.body) if rsshub and result.body else None
        if message and _ROUTE_MISSING.search(message):
            reading.reason = f"RSSHub 没有这个路由（配置问题）：{message}"
        elif message and (state := state_from_message(message)) is not None and state.gone:
            reading.state = state
            reading.reason = f"RSSHub：{message}"
        elif rsshub and result.status == 403:
            reading.reason = "RSSHub 拒绝访问（访问密钥缺失或无效）"
        elif message:
            reading.reason = f"RSSHub 未能读取该账号：{message}"
        else:
            reading.reason = describe_failure(result, timeout)
        return reading
    document = parse_feed(result.body, result.content_type, fetch.when)
    if document.problem:
        reading.reason = document.problem
        return reading
    reading.name_seen = document.title
    reading.posts = document.posts
    if document.title or document.posts:
        reading.state = AccountState.NORMAL  # the source read the account itself
    return reading


class FeedAdapter:
    """An account's own feed URL, from the profile's ``[sources.feeds]``."""

    name = "feed"

    def applies(self, target: AccountTarget, ctx: CheckContext) -> bool:
        return (target.platform, target.account_id) in ctx.settings.feeds

    async def read(self, target: AccountTarget, ctx: CheckContext) -> Reading:
        url = ctx.settings.feeds[(target.platform, target.account_id)]
        result, fetch = await ctx.fetcher.get(url, what="账号订阅源（RSS/Atom/JSON Feed）", platform=target.platform)
        return reading_from_feed(self.name, result, fetch, ctx.fetcher.timeout)


class RSSHubAdapter:
    """The platform's route on the bureau's RSSHub (``rsshub_base``), e.g. ``/douyin/user/{id}``.

    With an access key, each request carries RSSHub's per-route code (MD5 of route and key), so
    the key itself never travels or lands in the evidence.
    """

    name = "rsshub"

    def applies(self, target: AccountTarget, ctx: CheckContext) -> bool:
        return bool(ctx.settings.rsshub_base) and target.platform in ctx.settings.routes and _has_id(target)

    def url(self, target: AccountTarget, ctx: CheckContext) -> str:
        route = ctx.settings.routes[target.platform].format(id=quote(target.account_id, safe=""))
        url = ctx.settings.rsshub_base.rstrip("/") + route
        key = ctx.credentials.rsshub_key
        if key:
            url += ("&" if "?" in url else "?") + "code=" + hashlib.md5((route + key).encode("utf-8")).hexdigest()
        return url

    async def read(self, target: AccountTarget, ctx: CheckContext) -> Reading:
        result, fetch = await ctx.fetcher.get(self.url(target, ctx), what="RSSHub 路由", platform=target.platform)
        return reading_from_feed(self.name, result, fetch, ctx.fetcher.timeout, rsshub=True)


def _has_id(target: AccountTarget) -> bool:
    """Registry rows without an account ID carry a name placeholder (``名称:…``): no route can use it."""
    return bool(target.account_id) and not target.account_id.startswith("名称:")
