"""Weibo's public JSON timeline (m.weibo.cn ``/api/container/getIndex``).

Two requests per account: the profile (``type=uid&value={uid}``) says whether the account exists,
how it is named and which container holds its posts; the container lists the recent posts
(``card_type`` 9, sometimes nested in a ``card_group``). ``created_at`` is either
``Tue Oct 13 08:42:07 +0800 2020`` or, in older answers, relative to the fetch (3小时前, 昨天
23:40, 10-03). A pinned post (置顶) is marked, so an old pinned post does not pass for the newest.

The API answers ``ok: 1`` with data, ``ok: 0`` with a message (这里还没有内容, an account
cancelled or banned), ``ok: -100`` when it wants a login (set the Cookie from an Airflow
Connection), and HTTP 418 or 432 when it throttles.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from govinspect.checks.outcomes import Outcome
from govinspect.newmedia.feeds import TEXT_CHARS, plain_text
from govinspect.newmedia.fetch import describe_failure
from govinspect.newmedia.model import AccountState, AccountTarget, Post, Reading, state_from_message
from govinspect.newmedia.timestamps import parse_timestamp

if TYPE_CHECKING:
    from govinspect.newmedia.adapters import CheckContext

NO_CONTENT = "这里还没有内容"


def _json(body: bytes) -> tuple[dict[str, Any] | None, str | None]:
    try:
        doc = json.loads(body.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"微博接口返回的内容无法解析为 JSON（{type(exc).__name__}）"
    if not isinstance(doc, dict) or "ok" not in doc:
        return None, "微博接口返回的 JSON 不是预期的格式"
    return doc, None


def _refusal(doc: dict[str, Any]) -> tuple[AccountState, str] | None:
    """The state and reason an ``ok`` other than 1 means; None when the answer carries data."""
    ok = doc.get("ok")
    if ok == 1:
        return None
    if ok == -100:
        return AccountState.UNKNOWN, "微博接口要求登录（Cookie 缺失或已失效）"
    message = str(doc.get("msg") or "").strip()
    state = state_from_message(message)
    if state is not None and state.gone:
        return state, f"微博：{message}"
    if "频繁" in message or "频率" in message:
        return AccountState.UNKNOWN, f"微博限制访问频率：{message}"
    return AccountState.UNKNOWN, f"微博接口未返回内容：{message or f'ok={ok}'}"


def profile_of(doc: dict[str, Any], uid: str) -> tuple[str | None, str, int | None]:
    """(screen name, container of the posts, number of posts) from a profile answer."""
    data = doc.get("data") or {}
    info = data.get("userInfo") or {}
    container = f"107603{uid}"
    for tab in ((data.get("tabsInfo") or {}).get("tabs") or []):
        if isinstance(tab, dict) and tab.get("tab_type") == "weibo" and tab.get("containerid"):
            container = str(tab["containerid"])
    count = info.get("statuses_count")
    return info.get("screen_name"), container, count if isinstance(count, int) else None


def _mblogs(cards: list[Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    found = []
    for card in cards:
        if not isinstance(card, dict):
            continue
        if isinstance(card.get("mblog"), dict):
            found.append((card, card["mblog"]))
        for inner in card.get("card_group") or []:
            if isinstance(inner, dict) and isinstance(inner.get("mblog"), dict):
                found.append((inner, inner["mblog"]))
    return found


def posts_of(doc: dict[str, Any], uid: str, fetched_at: datetime) -> list[Post]:
    """The posts of a timeline answer; relative times are read against ``fetched_at``."""
    posts = []
    for card, blog in _mblogs((doc.get("data") or {}).get("cards") or []):
        text = plain_text(blog.get("text"))
        retweeted = blog.get("retweeted_status")
        if isinstance(retweeted, dict):
            text = f"{text} //转发：{plain_text(retweeted.get('text'))}"
        bid = blog.get("bid") or blog.get("mblogid") or blog.get("id")
        pinned = (blog.get("isTop") == 1 or (blog.get("title") or {}).get("text") == "置顶"
                  or str(card.get("profile_type_id", "")).startswith("proweibotop"))
        posts.append(Post(
            title=plain_text(blog.get("text"))[:60] or "（无文字）",
            time=parse_timestamp(blog.get("created_at"), fetched_at),
            link=f"https://weibo.com/{uid}/{bid}" if bid else None,
            text=text[:TEXT_CHARS], pinned=pinned, repost=isinstance(retweeted, dict),
        ))
    return posts


class WeiboAdapter:
    """Weibo accounts through the JSON API at ``weibo_profile_url`` / ``weibo_timeline_url``."""

    name = "weibo"

    def applies(self, target: AccountTarget, ctx: CheckContext) -> bool:
        settings = ctx.settings
        return (target.platform == "weibo" and bool(settings.weibo_profile_url and settings.weibo_timeline_url)
                and target.account_id.isdigit())

    def _headers(self, uid: str, ctx: CheckContext) -> dict[str, str]:
        headers = {"Referer": f"https://m.weibo.cn/u/{uid}", "X-Requested-With": "XMLHttpRequest", "MWeibo-Pwa": "1",
                   "Accept": "application/json, text/plain, */*"}
        if ctx.credentials.weibo_cookie:
            headers["Cookie"] = ctx.credentials.weibo_cookie
        return headers

    async def read(self, target: AccountTarget, ctx: CheckContext) -> Reading:
        uid = target.account_id
        headers = self._headers(uid, ctx)
        reading = Reading(self.name, AccountState.UNKNOWN)
        result, fetch = await ctx.fetcher.get(ctx.settings.weibo_profile_url.format(uid=uid), what="微博用户信息（JSON）",
                                              platform="weibo", headers=headers)
        reading.fetches.append(fetch)
        if result.outcome != Outcome.OK:
            reading.reason = describe_failure(result, ctx.fetcher.timeout)
            return reading
        doc, problem = _json(result.body)
        if doc is None:
            reading.reason = problem
            return reading
        if (refused := _refusal(doc)) is not None:
            reading.state, reading.reason = refused
            return reading
        name, container, count = profile_of(doc, uid)
        reading.name_seen = name
        reading.state = AccountState.NORMAL
        url = ctx.settings.weibo_timeline_url.format(uid=uid, containerid=container)
        result, fetch = await ctx.fetcher.get(url, what="微博发布列表（JSON）", platform="weibo", headers=headers)
        reading.fetches.append(fetch)
        if result.outcome != Outcome.OK:
            reading.reason = describe_failure(result, ctx.fetcher.timeout)
            return reading
        doc, problem = _json(result.body)
        if doc is None:
            reading.reason = problem
            return reading
        refused = _refusal(doc)
        if refused is not None:
            state, reason = refused
            if state.gone:
                reading.state = state
            reading.reason = "该账号从未发布内容" if count == 0 else reason
            return reading
        reading.posts = posts_of(doc, uid, fetch.when)
        return reading
