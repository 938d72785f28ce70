"""SSRF: no fetch path reaches an internal address unless the operator allows its network.

The "internet" of these tests is a server on 127.0.0.1, allowed with ``GOVINSPECT_ALLOW_NETWORKS=
127.0.0.1/32``; the internal service they must never reach is a second server on 127.0.0.2 (loopback,
not allowed), which counts every request it gets. Names resolve through a stub of
``socket.getaddrinfo`` (what both HTTP stacks call), so "a public-looking name that resolves to an
internal address" is a real resolution, not a table of ours. Every path is tried: the liveness
probe, the website crawl with its robots.txt, the link check, the account sources (own feed,
RSSHub, Weibo API, App Store) and the province registry API client (``requests``, not aiohttp).
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from aiohttp import web
from loopback import LoopbackServers

from govinspect.checks.liveness import probe
from govinspect.checks.website import SiteTarget, check_link, check_website
from govinspect.net import HttpClient, run
from govinspect.newmedia.adapters import check_accounts
from govinspect.newmedia.model import AccountTarget, Freshness
from govinspect.newmedia.settings import SourceSettings
from govinspect.registry.api import ApiSource, RegistryApiError, fetch_resource

AS_OF = date(2020, 10, 15)
BLOCKED = "blocked_private_address"
# Numeric spellings of an IPv4 address that resolvers read (inet_aton) but URL parsers may refuse:
# either way they must not get through.
REFUSED = {BLOCKED, "invalid_url"}
PUBLIC_NET = "127.0.0.1/32"
# Names of the tests' DNS: one public site, and public-looking names of internal addresses.
DNS = {
    "www.example.gov.cn": "127.0.0.1",
    "xxgk.example.gov.cn": "127.0.0.2",  # a subdomain of the site, but on the internal network
    "intranet.example.gov.cn": "127.0.0.2",
    "metadata.example.gov.cn": "169.254.169.254",
    "mapped.example.gov.cn": "::ffff:127.0.0.2",
    "private.example.gov.cn": "10.20.30.40",
}


@dataclass
class Servers:
    public_port: int = 0
    internal_port: int = 0
    internal_hits: list[str] = field(default_factory=list)

    def internal_urls(self) -> list[str]:
        """Every way of writing an internal address these tests know, each pointing at the internal server."""
        p = self.internal_port
        return [
            f"http://127.0.0.2:{p}/secret",  # loopback
            f"http://[::ffff:127.0.0.2]:{p}/secret",  # IPv4-mapped IPv6
            f"http://[::ffff:7f00:2]:{p}/secret",  # the same, written in hex
            f"http://2130706434:{p}/secret",  # 127.0.0.2 as one number
            f"http://0x7f.0.0.2:{p}/secret",  # in hex
            f"http://127.2:{p}/secret",  # shortened
            f"http://intranet.example.gov.cn:{p}/secret",  # a public-looking name resolving to it
            f"http://mapped.example.gov.cn:{p}/secret",  # a name resolving to its mapped IPv6 form
            f"http://www.example.gov.cn:{self.public_port}/redirect?to=http://127.0.0.2:{p}/secret",  # a redirect
            f"http://www.example.gov.cn:{self.public_port}/redirect?to=http://intranet.example.gov.cn:{p}/secret",
            f"http://www.example.gov.cn:{self.public_port}/redirect?to=http://[::ffff:127.0.0.2]:{p}/secret",
        ]

    @staticmethod
    def unreachable_internal_urls() -> list[str]:
        """Internal addresses nothing listens on here: refused at once, not tried (no timeout, no connect error)."""
        return ["http://10.0.0.1/", "http://172.16.0.1/", "http://192.168.1.1/", "http://169.254.169.254/latest/",
                "http://[fe80::1]/", "http://[fd00::1]/", "http://[::1]/", "http://0.0.0.0/",
                "http://[::ffff:169.254.169.254]/", "http://metadata.example.gov.cn/latest/",
                "http://private.example.gov.cn/"]


def _apps(servers: Servers) -> tuple[web.Application, web.Application]:
    """The public site (homepage, redirects, an API that redirects inside) and the internal service."""

    async def internal(request: web.Request) -> web.Response:
        servers.internal_hits.append(str(request.rel_url))
        return web.Response(text="<html><body>内部系统 2020-10-14</body></html>", content_type="text/html")

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(request.query["to"])

    async def homepage(_request: web.Request) -> web.Response:
        p, ip = servers.internal_port, servers.public_port
        links = [f"http://xxgk.example.gov.cn:{p}/xwzx/index.html",  # in-site by name, internal by address
                 f"http://www.example.gov.cn:{ip}/redirect?to=http://127.0.0.2:{p}/tzgg/index.html",
                 f"http://127.0.0.2:{p}/file.pdf", f"http://[::ffff:127.0.0.2]:{p}/a.html",
                 f"http://intranet.example.gov.cn:{p}/b.html", "http://169.254.169.254/latest/meta-data/"]
        anchors = "".join(f'<li><a href="{u}">栏目{i}</a><span>2020-10-1{i}</span></li>' for i, u in enumerate(links))
        return web.Response(text=f"<html><head><title>首页</title></head><body><div class='news'><h3>工作动态</h3>"
                                 f"<ul>{anchors}</ul></div></body></html>", content_type="text/html")

    async def api_redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"http://127.0.0.2:{servers.internal_port}/api/v1/accounts?{request.query_string}")

    public = web.Application()
    public.router.add_get("/", homepage)
    public.router.add_get("/redirect", redirect)
    public.router.add_get("/api/v1/accounts", api_redirect)
    hidden = web.Application()
    hidden.router.add_route("*", "/{tail:.*}", internal)
    return public, hidden


@pytest.fixture(scope="module")
def servers() -> Iterator[Servers]:
    s = Servers()
    http = LoopbackServers()
    try:
        public, hidden = _apps(s)
        s.public_port = http.serve(public)
        s.internal_port = http.serve(hidden, host="127.0.0.2")
        yield s
    finally:
        http.stop()


@pytest.fixture(autouse=True)
def network(monkeypatch: pytest.MonkeyPatch, servers: Servers) -> Iterator[None]:
    """The tests' DNS, the public network allowed, no connect-to table; the internal server's count reset."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # noqa: A002, ANN001, ANN202 - socket's API
        name = host.decode() if isinstance(host, bytes) else host
        address = DNS.get((name or "").lower().rstrip("."))
        if address is None:
            return real(host, port, family, type, proto, flags)
        number = int(port or 0)
        if ":" in address:
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, number, 0, 0))]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, number))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setenv("GOVINSPECT_ALLOW_NETWORKS", PUBLIC_NET)
    monkeypatch.delenv("GOVINSPECT_CONNECT_TO", raising=False)
    monkeypatch.setenv("GOVINSPECT_PER_HOST_RATE", "0")
    servers.internal_hits.clear()
    yield


def _odd(url: str) -> bool:
    return any(f"//{n}:" in url for n in ("2130706434", "0x7f.0.0.2", "127.2"))


def _refused(outcomes: dict[str, str]) -> list[tuple[str, str]]:
    """The URLs that were not refused as they must be: by the guard, or for the odd numeric
    spellings by the URL parser before the guard sees them."""
    return [(u, o) for u, o in outcomes.items() if not (o == BLOCKED or (_odd(u) and o in REFUSED))]


def _run(coro):  # noqa: ANN001, ANN202
    return run(coro)


async def _with_client(work):  # noqa: ANN001, ANN202
    async with HttpClient(timeout=5) as client:
        return await work(client)


# --- the aiohttp paths ----------------------------------------------------------------------------------


def test_the_public_server_is_reachable(servers: Servers) -> None:
    """The control: the allowed network and the tests' DNS work, so a refusal below is the guard's."""
    result = _run(_with_client(lambda c: probe(c, f"http://www.example.gov.cn:{servers.public_port}/")))
    assert result.outcome == "ok"


def test_liveness_probe(servers: Servers) -> None:
    urls = servers.internal_urls() + servers.unreachable_internal_urls()

    async def work(client: HttpClient):  # noqa: ANN202
        return await asyncio.gather(*(probe(client, u) for u in urls))

    results = _run(_with_client(work))
    assert len(results) == len(urls) and _refused({r.url: r.outcome for r in results}) == []
    assert all(r.elapsed_ms < 2000 for r in results)  # refused, not tried until a timeout
    assert servers.internal_hits == []


def test_link_check(servers: Servers) -> None:
    urls = servers.internal_urls() + servers.unreachable_internal_urls()

    async def work(client: HttpClient):  # noqa: ANN202
        return await asyncio.gather(*(check_link(client, u) for u in urls))

    results = _run(_with_client(work))
    assert len(results) == len(urls) and _refused({r.url: r.outcome for r in results}) == []
    assert servers.internal_hits == []


def test_website_crawl(servers: Servers) -> None:
    """A public homepage whose columns, pages and links lead inside: nothing inside is fetched, the
    internal links are reported with their outcome, and an internal homepage is not checked at all."""
    site = SiteTarget("1506230001", "示例网站", f"http://www.example.gov.cn:{servers.public_port}/")

    async def work(client: HttpClient):  # noqa: ANN202
        public = await check_website(client, site, AS_OF)
        inside = [await check_website(client, SiteTarget(f"150623000{i}", "内部", u), AS_OF)
                  for i, u in enumerate(servers.internal_urls()[:3])]
        return public, inside

    public, inside = _run(_with_client(work))
    assert public.observation["checked"] is True
    outcomes = {d["url"]: d["outcome"] for d in public.dead_links}
    assert len(outcomes) == 6 and set(outcomes.values()) == {BLOCKED}, outcomes
    assert [c.homepage_outcome for c in inside] == [BLOCKED] * 3
    assert servers.internal_hits == []


def test_account_sources(servers: Servers) -> None:
    """Each account source pointed inside (a feed, a feed that redirects inside, RSSHub, the Weibo
    API, the App Store lookup): the account is unknown, with the reason, and nothing inside is asked."""
    p, ip = servers.internal_port, servers.public_port
    settings = SourceSettings.from_tables({
        "rsshub_base": f"http://intranet.example.gov.cn:{p}",
        "weibo_api": f"http://[::ffff:127.0.0.2]:{p}",
        "appstore_lookup": f"http://mapped.example.gov.cn:{p}/lookup",
        "feeds": {"wechat:gh_internal": f"http://127.0.0.2:{p}/feed.xml",
                  "wechat:gh_redirected": f"http://www.example.gov.cn:{ip}/redirect?to=http://127.0.0.2:{p}/feed.xml",
                  "toutiao:metadata": "http://169.254.169.254/latest/meta-data/"},
        "retry_backoff": 0.01, "default_interval": 0,
        "rate_limits": {"weibo": 0, "douyin": 0, "app": 0, "wechat": 0, "toutiao": 0},
    })
    targets = [AccountTarget("wechat", "gh_internal", "内部订阅源"), AccountTarget("wechat", "gh_redirected", "跳转"),
               AccountTarget("toutiao", "metadata", "元数据"), AccountTarget("douyin", "1234567", "抖音号"),
               AccountTarget("weibo", "7654321", "微博号"), AccountTarget("app", "id1442221234", "客户端")]
    results = _run(check_accounts(targets, AS_OF, settings))
    for result in results:
        fetches = [f for r in result.readings for f in r.fetches]
        assert fetches and {f.outcome for f in fetches} == {BLOCKED}, (result.target, fetches)
        assert result.freshness == Freshness.UNKNOWN and "内部网络" in (result.reason or ""), result.reason
    assert servers.internal_hits == []


def test_allowing_the_network_lets_every_path_in(servers: Servers, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same internal addresses once the operator allows 127.0.0.0/8 (the numeric spellings aside,
    which a resolver may not read): the guard is the allowlist, not a list of forbidden names."""
    monkeypatch.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.0/8")
    urls = [u for u in servers.internal_urls() if "0x7f" not in u and "//2130706434" not in u and "//127.2:" not in u]

    async def work(client: HttpClient):  # noqa: ANN202
        probes = await asyncio.gather(*(probe(client, u) for u in urls))
        links = await asyncio.gather(*(check_link(client, u + "?link") for u in urls))
        return probes, links

    probes, links = _run(_with_client(work))
    assert {r.outcome for r in probes} == {"ok"}, [(r.url, r.outcome) for r in probes]
    assert {r.outcome for r in links} == {"ok"}
    assert len(servers.internal_hits) >= 2 * len(urls)


# --- the registry API client (requests) -----------------------------------------------------------------


def _api(base: str) -> ApiSource:
    return ApiSource(base, "token-not-for-the-intranet", resources={"accounts": "accounts"}, timeout=3, retries=1,
                     backoff=0)


@pytest.mark.parametrize("base", [
    "http://127.0.0.2:{p}/api/v1", "http://[::ffff:127.0.0.2]:{p}/api/v1", "http://intranet.example.gov.cn:{p}/api/v1",
    "http://mapped.example.gov.cn:{p}/api/v1", "http://2130706434:{p}/api/v1",
    "http://www.example.gov.cn:{ip}/api/v1",  # answers with a redirect inside
    "http://169.254.169.254/api/v1", "http://10.0.0.1/api/v1", "http://[fd00::1]/api/v1",
])
def test_registry_api(servers: Servers, base: str) -> None:
    source = _api(base.format(p=servers.internal_port, ip=servers.public_port))
    with pytest.raises(RegistryApiError, match="is an internal address .*GOVINSPECT_ALLOW_NETWORKS"):
        fetch_resource(source, "accounts", sleep=lambda _s: None)
    assert servers.internal_hits == []


def test_registry_api_inside_an_allowed_network(servers: Servers, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOVINSPECT_ALLOW_NETWORKS", "127.0.0.1/32,127.0.0.2/32")
    with pytest.raises(RegistryApiError, match="not JSON"):  # reached: the internal server answers HTML
        fetch_resource(_api(f"http://intranet.example.gov.cn:{servers.internal_port}/api/v1"), "accounts")
    assert servers.internal_hits and servers.internal_hits[0].startswith("/api/v1/accounts?page=1")


def test_registry_api_ignores_proxy_settings(servers: Servers, monkeypatch: pytest.MonkeyPatch) -> None:
    """A proxy from the environment would connect to the internal address itself, past the check."""
    proxy = socket.create_server(("127.0.0.1", 0))
    proxy.settimeout(0.1)
    seen: list[bytes] = []
    stop = threading.Event()

    def answer() -> None:
        while not stop.is_set():
            try:
                conn, _ = proxy.accept()
            except TimeoutError:
                continue
            with conn:
                seen.append(conn.recv(4096))
                conn.sendall(b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n'
                             b'Connection: close\r\n\r\n[]')

    worker = threading.Thread(target=answer, daemon=True)
    worker.start()
    address = f"http://127.0.0.1:{proxy.getsockname()[1]}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.setenv(name, address)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    try:
        with pytest.raises(RegistryApiError, match="is an internal address"):
            fetch_resource(_api(f"http://intranet.example.gov.cn:{servers.internal_port}/api/v1"), "accounts",
                           sleep=lambda _s: None)
    finally:
        stop.set()
        worker.join(timeout=5)
        proxy.close()
    assert seen == []
    assert servers.internal_hits == []
