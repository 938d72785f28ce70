"""Every account source over real HTTP on loopback: an aiohttp server answers with the recorded
payloads (tests/fixtures/feeds) under the real hostnames and paths — m.weibo.cn's getIndex with
its query, RSSHub routes, the App Store lookup, an account's own feed — reached through the HTTP
client's connect-to table. Misbehaving answers (5xx then success, throttling, a slow route)
exercise the retries, the rate limits and the run's cache."""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from aiohttp import web

from govinspect.config import NetSettings, parse_connect_to, parse_networks
from govinspect.net import run
from govinspect.newmedia.adapters import check_accounts
from govinspect.newmedia.model import AccountState, AccountTarget, Freshness
from govinspect.newmedia.settings import SourceCredentials, SourceSettings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"
CHECK_POINT = date(2020, 10, 15)
HOSTS = ("m.weibo.cn", "rsshub.example.gov.cn", "itunes.apple.com", "feeds.example.gov.cn", "www.etkqq.gov.cn")
COOKIE = "SUB=_2A25Nvisitor; SUBP=0033WrSXqPx"
RSSHUB_KEY = "ILoveRSSHub"


class Server:
    """The loopback server: what it answers, and every request it saw (path, query, headers, time)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self.seen: list[tuple[str, dict[str, str], dict[str, str], float]] = []
        self.hits: Counter[str] = Counter()

    def app(self) -> web.Application:
        def fixture(name: str, content_type: str, status: int = 200) -> web.Response:
            return web.Response(status=status, body=(FIXTURES / name).read_bytes(), content_type=content_type.split(";")[0],
                                charset="utf-8")

        async def weibo(request: web.Request) -> web.Response:
            uid, container = request.query.get("value", ""), request.query.get("containerid")
            if uid == "5110156455" and "SUB=" not in request.headers.get("Cookie", ""):
                return fixture("weibo_login_required.json", "application/json")
            if uid == "6918582128":
                return fixture("weibo_banned.json", "application/json")
            if uid not in ("7145280733", "5110156455"):
                return web.json_response({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
            if container is None:
                return fixture("weibo_profile.json", "application/json")
            return fixture("weibo_timeline.json", "application/json")

        async def rsshub(request: web.Request) -> web.Response:
            route = request.path
            code = request.query.get("code")
            if code != hashlib.md5((route + RSSHUB_KEY).encode()).hexdigest():
                return web.Response(status=403, text="Authentication failed. Access denied.")
            if route == "/weibo/user/7145280733":
                return fixture("rsshub_weibo_user.xml", "application/rss+xml")
            if route == "/toutiao/user/475844731889":
                return fixture("rsshub_error_cancelled.html", "text/html", 404)
            if route == "/douyin/user/28446107064":
                return fixture("rss_empty_channel.xml", "application/rss+xml")
            if route == "/douyin/user/31026129097":  # fails twice, then answers
                if self.hits[route] <= 2:
                    return web.Response(status=503, text="upstream busy")
                return fixture("rss_boundary_gmt.xml", "application/rss+xml")
            if route == "/kuaishou/profile/2488984148":  # never answers within the deadline
                await asyncio.sleep(5)
            return fixture("rsshub_error_route.html", "text/html", 404)

        async def lookup(request: web.Request) -> web.Response:
            if request.query.get("id") == "1488078891":
                return fixture("appstore_lookup.json", "text/javascript")
            return fixture("appstore_not_found.json", "text/javascript")

        async def feed(request: web.Request) -> web.Response:
            return fixture(request.match_info["name"], "application/json")

        async def dispatch(request: web.Request) -> web.StreamResponse:
            host = request.host.split(":")[0]
            self.hits[request.path] += 1
            self.seen.append((host + request.path, dict(request.query), dict(request.headers), time.monotonic()))
            handler = {"m.weibo.cn": weibo, "rsshub.example.gov.cn": rsshub, "itunes.apple.com": lookup}.get(host)
            if host == "feeds.example.gov.cn":
                request.match_info["name"] = request.path.rsplit("/", 1)[-1]
                return await feed(request)
            if handler is None:
                return web.Response(status=404)
            return await handler(request)

        app = web.Application()
        app.router.add_get("/{tail:.*}", dispatch)
        return app

    def start(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            runner = web.AppRunner(self.app(), handler_cancellation=True)
            self.loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=serve, daemon=True).start()
        assert ready.wait(10)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = Server()
    s.start()
    yield s
    s.stop()


def _net(server: Server, allow: bool = True) -> NetSettings:
    table = ",".join(f"{host}:80:127.0.0.1:{server.port}" for host in HOSTS)
    return NetSettings(allow_networks=parse_networks("127.0.0.0/8") if allow else (), connect_to=parse_connect_to(table))


def _settings(**extra: object) -> SourceSettings:
    return SourceSettings.from_tables({
        "rsshub_base": "http://rsshub.example.gov.cn", "weibo_api": "http://m.weibo.cn",
        "appstore_lookup": "http://itunes.apple.com/lookup", "timeout": 1, "retry_backoff": 0.05,
        "rate_limits": {"weibo": 0.3, "douyin": 0.05, "kuaishou": 0.05, "toutiao": 0.05, "app": 0.05},
        "feeds": {"app:8801": "http://feeds.example.gov.cn/jsonfeed_epoch_ms.json",
                  "app:8802": "http://feeds.example.gov.cn/jsonfeed_epoch_ms.json",
                  "wechat:gh_ede83ffe11b7": "http://feeds.example.gov.cn/jsonfeed_rsshub.json"},
        **extra,
    })


TARGETS = [
    AccountTarget("weibo", "7145280733", "鄂托克前旗发布"),  # Weibo JSON with the cookie
    AccountTarget("weibo", "5110156455", "前旗文旅"),  # Weibo JSON without the cookie wants a login
    AccountTarget("weibo", "6918582128", "健康前旗"),  # banned on Weibo
    AccountTarget("toutiao", "475844731889", "健康前旗"),  # RSSHub: cancelled
    AccountTarget("douyin", "28446107064", "敖勒召其镇"),  # RSSHub: empty channel
    AccountTarget("douyin", "31026129097", "城川镇"),  # RSSHub: 503 twice, then the feed
    AccountTarget("kuaishou", "2488984148", "前旗文旅"),  # RSSHub: slower than the deadline
    AccountTarget("app", "1488078891", "掌上前旗"),  # App Store
    AccountTarget("app", "1488236922", "前旗政务通"),  # not in the store
    AccountTarget("app", "8801", "掌上前旗资讯"),  # own JSON Feed (epoch milliseconds) …
    AccountTarget("app", "8802", "掌上前旗资讯（备用）"),  # … the same URL: one request for both
    AccountTarget("wechat", "gh_ede83ffe11b7", "鄂托克前旗融媒"),  # own JSON Feed
    AccountTarget("wechat", "gh_99015bf42bf2", "前旗司法"),  # nothing can read it
]


def test_a_batch_over_loopback(server: Server) -> None:
    server.seen.clear()
    server.hits.clear()
    creds = SourceCredentials(weibo_cookie=COOKIE, rsshub_key=RSSHUB_KEY)
    results = run(check_accounts(TARGETS, CHECK_POINT, _settings(), credentials=creds, net=_net(server)))
    got = {r.target.key: (r.source, str(r.freshness), str(r.state), r.last_post) for r in results}
    assert got == {
        "weibo:7145280733": ("weibo", "fresh", "normal", date(2020, 10, 13)),
        "weibo:5110156455": ("weibo", "fresh", "normal", date(2020, 10, 13)),
        "weibo:6918582128": ("weibo", "unknown", "banned", None),
        "toutiao:475844731889": ("rsshub", "unknown", "cancelled", None),
        "douyin:28446107064": ("rsshub", "unknown", "normal", None),
        "douyin:31026129097": ("rsshub", "fresh", "normal", date(2020, 10, 1)),
        "kuaishou:2488984148": ("rsshub", "unknown", "unknown", None),
        "app:1488078891": ("appstore", "fresh", "normal", date(2020, 10, 10)),
        "app:1488236922": ("appstore", "unknown", "not_found", None),
        "app:8801": ("feed", "fresh", "normal", date(2020, 10, 12)),
        "app:8802": ("feed", "fresh", "normal", date(2020, 10, 12)),
        "wechat:gh_ede83ffe11b7": ("feed", "fresh", "normal", date(2020, 10, 11)),
        "wechat:gh_99015bf42bf2": ("none", "unknown", "unknown", None),
    }
    by_key = {r.target.key: r for r in results}
    flaky = by_key["douyin:31026129097"].readings[0].fetches[0]
    assert (flaky.attempts, flaky.status) == (3, 200)  # two 503s retried with backoff
    slow = by_key["kuaishou:2488984148"]
    assert slow.reason == "RSSHub：请求超时（1秒内无完整响应）" and slow.readings[0].fetches[0].attempts == 1
    fetches = [f for r in results for reading in r.readings for f in reading.fetches]
    assert [f.cached for f in fetches if f.url.endswith("jsonfeed_epoch_ms.json")] == [False, True]
    assert server.hits["/jsonfeed_epoch_ms.json"] == 1  # one response cache for the run

    # secrets travel in headers and per-route codes, never into the evidence
    weibo_requests = [h for path, _q, h, _t in server.seen if path.startswith("m.weibo.cn")]
    assert weibo_requests and all(h.get("Cookie") == COOKIE for h in weibo_requests)
    evidence = repr([r.evidence() for r in results])
    assert COOKIE not in evidence and RSSHUB_KEY not in evidence and "code=***" in evidence
    assert all(q.get("code") for path, q, _h, _t in server.seen if path.startswith("rsshub"))


def test_weibo_without_a_cookie_falls_back_to_the_rsshub_route(server: Server) -> None:
    target = AccountTarget("weibo", "5110156455", "前旗文旅")
    creds = SourceCredentials(rsshub_key=RSSHUB_KEY)
    (result,) = run(check_accounts([target], CHECK_POINT, _settings(), credentials=creds, net=_net(server)))
    assert [r.source for r in result.readings] == ["weibo", "rsshub"]
    assert result.readings[0].reason == "微博接口要求登录（Cookie 缺失或已失效）"
    assert result.source == "rsshub" and result.freshness == Freshness.UNKNOWN
    assert "没有这个路由" in result.readings[1].reason  # the test RSSHub serves no feed for this account


def test_requests_to_one_platform_are_spaced(server: Server) -> None:
    server.seen.clear()
    targets = [AccountTarget("weibo", uid, "x") for uid in ("1000000001", "1000000002", "1000000003")]
    run(check_accounts(targets, CHECK_POINT, _settings(), net=_net(server)))
    starts = sorted(t for path, _q, _h, t in server.seen if path.startswith("m.weibo.cn"))
    assert len(starts) == 3
    # Sent 0.3 s apart. The server sees arrivals, which a loaded machine (or the first request's
    # connection set-up) shifts by tens of milliseconds: each gap keeps most of the interval, and
    # the three span two intervals less that shift. Without the limiter they arrive together.
    assert min(b - a for a, b in zip(starts, starts[1:], strict=False)) >= 0.2
    assert starts[-1] - starts[0] >= 0.5


def test_internal_addresses_stay_blocked_unless_allowed(server: Server) -> None:
    target = AccountTarget("app", "1488078891", "掌上前旗")
    (result,) = run(check_accounts([target], CHECK_POINT, _settings(), net=_net(server, allow=False)))
    assert result.freshness == Freshness.UNKNOWN and result.state == AccountState.UNKNOWN
    assert result.reason == "App Store：地址属于内部网络，未获准访问"
