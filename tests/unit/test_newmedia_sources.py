"""Each account source against recorded payloads (tests/fixtures/feeds): well-formed and broken.

The sources run through their real ``read`` with a fetcher that answers from the fixtures, so
what is tested is how each answer is read — times into China time, states, reasons.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import pytest

from govinspect.checks.outcomes import Outcome
from govinspect.net import FetchResult, status_outcome
from govinspect.newmedia.adapters import CheckContext, check_account
from govinspect.newmedia.appstore import AppStoreAdapter
from govinspect.newmedia.feeds import FeedAdapter, RSSHubAdapter, parse_feed, rsshub_error
from govinspect.newmedia.fetch import RetryPolicy
from govinspect.newmedia.model import AccountState, AccountTarget, Freshness, last_post_of
from govinspect.newmedia.settings import SourceCredentials, SourceSettings
from govinspect.newmedia.weibo import WeiboAdapter, posts_of
from govinspect.quarter import CHINA

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
CHECK_POINT = date(2020, 10, 15)
FETCHED = datetime(2020, 10, 15, 10, 0, tzinfo=CHINA)
RSS = "application/rss+xml; charset=utf-8"
HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"


def raw(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@dataclass
class FixtureFetcher:
    """Answers each URL from a fixture; records what was asked."""

    answers: dict[str, tuple[int, str, bytes]]
    timeout: float = 15.0
    asked: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    async def get(self, url: str, *, what: str, platform: str, headers: dict[str, str] | None = None):
        from govinspect.newmedia.model import Fetch

        self.asked.append((url, dict(headers or {})))
        if url not in self.answers:
            result = FetchResult(url, Outcome.TIMEOUT, detail="no answer")
        else:
            status, ctype, body = self.answers[url]
            result = FetchResult(url, status_outcome(status), status, url, {"content-type": ctype}, body)
        return result, Fetch(what, url, FETCHED, str(result.outcome), result.status, 5, size=len(result.body))


def context(answers: dict[str, tuple[int, str, bytes]], **settings: object) -> CheckContext:
    config = SourceSettings(rsshub_base="http://rsshub.test", appstore_lookup="http://apps.test/lookup",
                            retry=RetryPolicy(backoff=0.0), **settings)  # type: ignore[arg-type]
    return CheckContext(FixtureFetcher(answers), config, SourceCredentials())  # type: ignore[arg-type]


def read(adapter, target: AccountTarget, ctx: CheckContext):  # noqa: ANN001, ANN201
    return asyncio.run(adapter.read(target, ctx))


WEIBO = AccountTarget("weibo", "7145280733", "鄂托克前旗发布")


# --- feeds ----------------------------------------------------------------------------------------------


def test_rsshub_gmt_times_are_read_in_china_time() -> None:
    doc = parse_feed(raw("rsshub_weibo_user.xml"), RSS, FETCHED)
    assert doc.problem is None and doc.title == "鄂托克前旗发布的微博"
    times = [p.time.isoformat() for p in doc.posts]
    assert times == ["2020-07-06T09:15:00+08:00", "2020-10-13T08:42:07+08:00", "2020-10-10T19:20:33+08:00",
                     "2020-10-01T00:05:00+08:00"]
    assert doc.posts[1].link == "https://weibo.com/7145280733/JpXq1Ab2c"
    assert "旗长李某华" in doc.posts[1].text  # the description, as text, for screening
    assert last_post_of(doc.posts, CHECK_POINT).day == date(2020, 10, 13)


def test_a_post_at_01_30_in_china_is_on_the_first_of_october() -> None:
    doc = parse_feed(raw("rss_boundary_gmt.xml"), RSS, FETCHED)
    last = last_post_of(doc.posts, CHECK_POINT)
    assert last.at is not None and last.at.isoformat() == "2020-10-01T01:30:00+08:00"
    from govinspect.newmedia.model import freshness_of

    assert freshness_of(last.day, CHECK_POINT) == Freshness.FRESH  # exactly 14 days: not stale


def test_times_without_a_zone_are_china_time() -> None:
    doc = parse_feed(raw("rss_naive_cms.xml"), "text/xml", FETCHED)
    assert [p.time.isoformat() for p in doc.posts] == ["2020-10-14T23:40:00+08:00", "2020-10-09T16:02:11+08:00"]


def test_atom_published_wins_over_updated() -> None:
    doc = parse_feed(raw("atom_hugo.xml"), "application/atom+xml", FETCHED)
    assert [p.time.date() for p in doc.posts] == [date(2020, 9, 29), date(2020, 9, 20)]
    assert doc.posts[0].link == "https://wl.etkqq.example.gov.cn/news/2020/09/hong-se-lv-you/"
    from govinspect.newmedia.model import freshness_of

    assert freshness_of(last_post_of(doc.posts, CHECK_POINT).day, CHECK_POINT) == Freshness.STALE


def test_json_feed() -> None:
    doc = parse_feed(raw("jsonfeed_rsshub.json"), "application/feed+json", FETCHED)
    assert doc.title == "前旗应急管理的微博"
    assert [p.time.isoformat() for p in doc.posts] == ["2020-10-11T15:35:20+08:00", "2020-09-28T10:00:00+08:00"]
    assert "中华人民共合国" in doc.posts[1].text


def test_json_feed_with_epoch_milliseconds_and_an_unreadable_date() -> None:
    doc = parse_feed(raw("jsonfeed_epoch_ms.json"), "application/json", FETCHED)
    assert [p.time.isoformat() if p.time else None for p in doc.posts] == [
        "2020-10-12T09:31:00+08:00", "2020-10-03T11:02:00+08:00", None]
    assert last_post_of(doc.posts, CHECK_POINT).day == date(2020, 10, 12)


@pytest.mark.parametrize("body, ctype, words", [
    (raw("rss_truncated.xml"), RSS, "文档格式错误"),
    (b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"title": "x"', "application/json", "JSON 文档无法解析"),
    (b'{"ok": 1, "data": {}}', "application/json", "不是 JSON Feed"),
    (raw("rsshub_error_route.html"), HTML, "文档格式错误"),
    (b"", RSS, "不是 RSS"),
])
def test_broken_documents_are_problems_not_posts(body: bytes, ctype: str, words: str) -> None:
    doc = parse_feed(body, ctype, FETCHED)
    assert doc.posts == [] and doc.problem is not None and words in doc.problem, doc.problem


def test_rsshub_error_messages() -> None:
    assert rsshub_error(raw("rsshub_error_cancelled.html")) == "NotFoundError: 该账号已注销"
    assert rsshub_error(raw("rsshub_error_upstream.html")).endswith(": 432")
    assert rsshub_error(raw("rss_empty_channel.xml")) is None


@pytest.mark.parametrize("status, fixture, state, reason", [
    (200, "rsshub_weibo_user.xml", AccountState.NORMAL, None),
    (200, "rss_empty_channel.xml", AccountState.NORMAL, None),
    (200, "rss_truncated.xml", AccountState.UNKNOWN, "文档格式错误"),
    (404, "rsshub_error_cancelled.html", AccountState.CANCELLED, "该账号已注销"),
    (503, "rsshub_error_banned.html", AccountState.BANNED, "封禁"),
    (404, "rsshub_error_route.html", AccountState.UNKNOWN, "没有这个路由"),
    (503, "rsshub_error_upstream.html", AccountState.UNKNOWN, "432"),
    (403, "appstore_error.html", AccountState.UNKNOWN, "访问密钥"),
])
def test_rsshub_route_answers(status: int, fixture: str, state: AccountState, reason: str | None) -> None:
    ctx = context({"http://rsshub.test/weibo/user/7145280733": (status, RSS if status == 200 else HTML, raw(fixture))})
    reading = read(RSSHubAdapter(), WEIBO, ctx)
    assert reading.state == state
    if reason is None:
        assert reading.reason is None
    else:
        assert reason in (reading.reason or ""), reading.reason
    assert reading.fetches[0].what == "RSSHub 路由"


def test_rsshub_access_key_becomes_the_route_code() -> None:
    import hashlib

    ctx = context({})
    ctx.credentials = SourceCredentials(rsshub_key="ILoveRSSHub")
    url = RSSHubAdapter().url(WEIBO, ctx)
    code = hashlib.md5(b"/weibo/user/7145280733ILoveRSSHub").hexdigest()
    assert url == f"http://rsshub.test/weibo/user/7145280733?code={code}" and "ILoveRSSHub" not in url


def test_a_timeout_leaves_the_account_unknown_with_the_reason() -> None:
    reading = read(RSSHubAdapter(), WEIBO, context({}))
    assert reading.state == AccountState.UNKNOWN and reading.reason == "请求超时（15秒内无完整响应）"


def test_own_feed_url_404_is_not_an_account_verdict() -> None:
    url = "http://feeds.test/qianqi.xml"
    ctx = context({url: (404, HTML, b"<h1>404 Not Found</h1>")}, feeds={("wechat", "gh_1"): url})
    target = AccountTarget("wechat", "gh_1", "前旗")
    assert FeedAdapter().applies(target, ctx)
    reading = read(FeedAdapter(), target, ctx)
    assert reading.state == AccountState.UNKNOWN and "HTTP 404" in reading.reason


# --- Weibo JSON -----------------------------------------------------------------------------------------

PROFILE = "http://weibo.test/api/container/getIndex?type=uid&value=7145280733"
TIMELINE = PROFILE + "&containerid=1076037145280733"
WEIBO_SETTINGS = {"weibo_profile_url": "http://weibo.test/api/container/getIndex?type=uid&value={uid}",
                  "weibo_timeline_url": "http://weibo.test/api/container/getIndex?type=uid&value={uid}"
                                        "&containerid={containerid}"}


def weibo(profile: tuple[int, str, bytes], timeline: tuple[int, str, bytes] | None = None):  # noqa: ANN201
    answers = {PROFILE: profile}
    if timeline is not None:
        answers[TIMELINE] = timeline
    ctx = context(answers, **WEIBO_SETTINGS)
    return read(WeiboAdapter(), WEIBO, ctx), ctx


def test_weibo_timeline_with_a_pinned_post_and_a_repost() -> None:
    reading, ctx = weibo((200, JSON, raw("weibo_profile.json")), (200, JSON, raw("weibo_timeline.json")))
    assert reading.state == AccountState.NORMAL and reading.name_seen == "鄂托克前旗发布" and reading.reason is None
    assert [p.time.isoformat() for p in reading.posts] == [
        "2020-07-06T09:15:00+08:00", "2020-10-13T08:42:07+08:00", "2020-10-10T19:20:33+08:00",
        "2020-10-01T00:05:00+08:00", "2020-09-28T10:00:00+08:00"]
    assert [p.pinned for p in reading.posts] == [True, False, False, False, False]
    assert reading.posts[3].repost and "国庆节快乐" in reading.posts[3].text
    assert reading.posts[2].link == "https://weibo.com/7145280733/4558876543210987"  # empty bid: the id
    assert last_post_of(reading.posts, CHECK_POINT).day == date(2020, 10, 13)
    assert [h["Referer"] for _u, h in ctx.fetcher.asked] == ["https://m.weibo.cn/u/7145280733"] * 2
    assert all("Cookie" not in h for _u, h in ctx.fetcher.asked)


def test_weibo_relative_times_are_read_against_the_fetch() -> None:
    posts = posts_of(json.loads(raw("weibo_timeline_relative.json")), "5182312440", FETCHED)
    assert [p.time.isoformat() for p in posts] == [
        "2020-10-15T10:00:00+08:00", "2020-10-15T07:00:00+08:00", "2020-10-14T23:40:00+08:00",
        "2020-10-03T00:00:00+08:00", "2019-12-31T00:00:00+08:00"]


def test_an_old_pinned_post_alone_does_not_pass_for_the_last_post() -> None:
    from dataclasses import replace

    posts = posts_of(json.loads(raw("weibo_timeline.json")), "7145280733", FETCHED)
    pinned = posts[0]
    assert pinned.pinned and pinned.time.date() == date(2020, 7, 6)
    later = [p if p.pinned else replace(p, time=p.time.replace(year=2021)) for p in posts]
    assert last_post_of(later, CHECK_POINT).at is None  # every ordinary post is later: the July pin says nothing
    assert last_post_of([pinned], CHECK_POINT).day == date(2020, 7, 6)  # the only post there is


@pytest.mark.parametrize("profile, timeline, state, reason", [
    ("weibo_login_required.json", None, AccountState.UNKNOWN, "要求登录"),
    ("weibo_banned.json", None, AccountState.BANNED, "微博社区公约"),
    ("weibo_cancelled.json", None, AccountState.CANCELLED, "已注销"),
    ("weibo_no_content.json", None, AccountState.UNKNOWN, "这里还没有内容"),
    ("weibo_truncated.json", None, AccountState.UNKNOWN, "无法解析为 JSON"),
    ("weibo_profile.json", "weibo_no_content.json", AccountState.NORMAL, "这里还没有内容"),
    ("weibo_profile.json", "weibo_truncated.json", AccountState.NORMAL, "无法解析为 JSON"),
])
def test_weibo_refusals_and_broken_answers(profile: str, timeline: str | None, state: AccountState,
                                           reason: str) -> None:
    reading, _ctx = weibo((200, JSON, raw(profile)), (200, JSON, raw(timeline)) if timeline else None)
    assert reading.state == state and reason in (reading.reason or ""), reading.reason
    assert reading.posts == []


def test_weibo_throttling_is_a_reason_not_a_state() -> None:
    reading, _ctx = weibo((418, "text/html", b"<html>418</html>"))
    assert reading.state == AccountState.UNKNOWN and reading.reason == "平台限制访问频率（HTTP 418）"


def test_weibo_cookie_goes_in_the_header_only() -> None:
    ctx = context({PROFILE: (200, JSON, raw("weibo_profile.json")), TIMELINE: (200, JSON, raw("weibo_timeline.json"))},
                  **WEIBO_SETTINGS)
    ctx.credentials = SourceCredentials(weibo_cookie="SUB=_2A25secret")
    reading = read(WeiboAdapter(), WEIBO, ctx)
    assert all(h["Cookie"] == "SUB=_2A25secret" for _u, h in ctx.fetcher.asked)
    assert "secret" not in json.dumps(reading.to_json(), ensure_ascii=False)
    assert "secret" not in repr(ctx.credentials)


# --- App Store ------------------------------------------------------------------------------------------

APP = AccountTarget("app", "id1488078891", "掌上前旗")
LOOKUP = "http://apps.test/lookup?id=1488078891&country=cn"


@pytest.mark.parametrize("status, ctype, fixture, state, day, reason", [
    (200, "text/javascript; charset=utf-8", "appstore_lookup.json", AccountState.NORMAL, date(2020, 10, 10), None),
    (200, "text/javascript; charset=utf-8", "appstore_not_found.json", AccountState.NOT_FOUND, None, "查无此应用"),
    (503, HTML, "appstore_error.html", AccountState.UNKNOWN, None, "服务端错误（HTTP 503）"),
    (200, HTML, "appstore_error.html", AccountState.UNKNOWN, None, "无法解析"),
])
def test_app_store_lookup(status: int, ctype: str, fixture: str, state: AccountState, day: date | None,
                          reason: str | None) -> None:
    reading = read(AppStoreAdapter(), APP, context({LOOKUP: (status, ctype, raw(fixture))}))
    assert reading.state == state
    assert last_post_of(reading.posts, CHECK_POINT).day == day
    assert (reason is None and reading.reason is None) or reason in (reading.reason or "")


# --- the whole check over fixtures ----------------------------------------------------------------------


def test_sources_are_tried_in_order_until_one_can_tell() -> None:
    """Weibo JSON wants a login, so the RSSHub route decides; both requests stay in the evidence."""
    answers = {PROFILE: (200, JSON, raw("weibo_login_required.json")),
               "http://rsshub.test/weibo/user/7145280733": (200, RSS, raw("rsshub_weibo_user.xml"))}
    ctx = context(answers, **WEIBO_SETTINGS)
    result = asyncio.run(check_account(WEIBO, ctx, CHECK_POINT))
    assert (result.source, result.freshness, result.state, result.last_post) == (
        "rsshub", Freshness.FRESH, AccountState.NORMAL, date(2020, 10, 13))
    evidence = result.evidence()
    assert [r["source"] for r in evidence["readings"]] == ["weibo", "rsshub"]
    assert evidence["readings"][0]["reason"] == "微博接口要求登录（Cookie 缺失或已失效）"
    assert evidence["posts"][0]["time"] == "2020-10-13T08:42:07+08:00"


def test_when_no_source_can_tell_the_reasons_are_kept() -> None:
    answers = {"http://rsshub.test/douyin/user/28446107064": (200, RSS, raw("rss_empty_channel.xml"))}
    target = AccountTarget("douyin", "28446107064", "敖勒召其镇")
    result = asyncio.run(check_account(target, context(answers), CHECK_POINT))
    assert (result.freshness, result.state, result.last_post) == (Freshness.UNKNOWN, AccountState.NORMAL, None)
    assert result.reason == "RSSHub：未读到任何发布内容" and result.needs_manual


def test_posts_after_the_check_point_are_noted_not_used() -> None:
    answers = {"http://rsshub.test/weibo/user/7145280733": (200, RSS, raw("rsshub_weibo_user.xml"))}
    result = asyncio.run(check_account(WEIBO, context(answers), date(2020, 10, 11)))
    assert result.last_post == date(2020, 10, 10) and result.future_posts == ("2020-10-13",)


@pytest.mark.parametrize("platform, account_id, words", [
    ("wechat", "gh_99015bf42bf2", "没有可自动读取的公开来源"),
    ("miniprogram", "wx9685339d2e875068", "没有可自动读取的公开来源"),
    ("douyin", "名称:前旗司法行政", "缺少账号ID"),
    ("baijiahao", "1650000000000000", "未配置该平台的读取来源"),
])
def test_accounts_no_source_can_read_ask_for_manual_evidence(platform: str, account_id: str, words: str) -> None:
    result = asyncio.run(check_account(AccountTarget(platform, account_id, "x"), context({}), CHECK_POINT))
    assert result.freshness == Freshness.UNKNOWN and result.source == "none" and words in result.reason
    assert result.readings == [] and result.needs_manual
