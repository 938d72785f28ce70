"""The HTTP client against misbehaving servers on loopback: every case ends in its outcome, in time."""

from __future__ import annotations

import asyncio
import gzip
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from aiohttp import web

from govinspect.config import NetSettings, parse_connect_to, parse_networks
from govinspect.net import HttpClient, address_blocked, run

pytestmark = pytest.mark.usefixtures("each_event_loop")  # on uvloop and on asyncio's own loop

LOOPBACK = parse_networks("127.0.0.0/8")


class Server:
    """An aiohttp app and a raw socket that accepts and never answers, both on loopback."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.port = 0
        self.hang = socket.socket()
        self.hang.bind(("127.0.0.1", 0))
        self.hang.listen(16)
        self.hang_port = self.hang.getsockname()[1]

    def app(self) -> web.Application:
        async def ok(_request: web.Request) -> web.Response:
            return web.Response(text="<html><body>首页</body></html>", content_type="text/html", charset="utf-8")

        async def drip(_request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "text/html"})
            await response.prepare(_request)
            for _ in range(100):
                await response.write(b"x")
                await asyncio.sleep(0.2)
            return response

        async def huge(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "application/octet-stream"})
            await response.prepare(request)
            chunk = b"0" * 65536
            try:
                for _ in range(10 * 1024 * 1024 * 1024 // len(chunk)):
                    await response.write(chunk)
            except (ConnectionResetError, RuntimeError):
                pass
            return response

        bomb_body = gzip.compress(b"\0" * (50 * 1024 * 1024))

        async def bomb(_request: web.Request) -> web.Response:
            return web.Response(body=bomb_body, headers={"Content-Encoding": "gzip", "Content-Type": "text/html"})

        async def loop(request: web.Request) -> web.Response:
            target = "/loop-b" if request.path == "/loop-a" else "/loop-a"
            raise web.HTTPFound(target)

        async def to_private(_request: web.Request) -> web.Response:
            raise web.HTTPFound("http://10.0.0.1/admin")

        async def missing(_request: web.Request) -> web.Response:
            raise web.HTTPNotFound()

        async def broken(_request: web.Request) -> web.Response:
            raise web.HTTPServiceUnavailable()

        async def reset(request: web.Request) -> web.Response:
            request.transport.close()
            return web.Response(text="")

        hits: dict[str, int] = {}
        self.arrivals: list[float] = []

        async def busy(request: web.Request) -> web.Response:
            hits[request.path] = hits.get(request.path, 0) + 1
            if hits[request.path] == 1:
                return web.Response(status=429, headers={"Retry-After": "1"})
            return web.Response(text="ok", content_type="text/html")

        async def stamp(_request: web.Request) -> web.Response:
            self.arrivals.append(time.monotonic())
            return web.Response(text="ok", content_type="text/html")

        async def robots(_request: web.Request) -> web.Response:
            return web.Response(text="User-agent: *\nDisallow: /private/\n", content_type="text/plain")

        async def half_second(_request: web.Request) -> web.Response:
            await asyncio.sleep(0.5)
            return web.Response(text="ok", content_type="text/html")

        app = web.Application()
        app.router.add_get("/half-second/{n}", half_second)
        app.router.add_get("/robots.txt", robots)
        app.router.add_get("/busy", busy)
        app.router.add_get("/stamp/{n}", stamp)
        app.router.add_get("/", ok)
        app.router.add_get("/drip", drip)
        app.router.add_get("/huge", huge)
        app.router.add_get("/bomb", bomb)
        app.router.add_get("/loop-a", loop)
        app.router.add_get("/loop-b", loop)
        app.router.add_get("/to-private", to_private)
        app.router.add_get("/missing", missing)
        app.router.add_get("/broken", broken)
        app.router.add_get("/reset", reset)
        return app

    def start(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            asyncio.set_event_loop(self.loop)
            runner = web.AppRunner(self.app())
            self.loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", 0)
            self.loop.run_until_complete(site.start())
            self.port = site._server.sockets[0].getsockname()[1]
            ready.set()
            self.loop.run_forever()

        threading.Thread(target=serve, daemon=True).start()
        ready.wait(10)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.hang.close()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    s = Server()
    s.start()
    yield s
    s.stop()


def fetch(server: Server, path: str, host: str = "www.example.gov.cn", timeout: float = 2.0, **kwargs):
    settings = NetSettings(
        allow_networks=LOOPBACK,
        connect_to=parse_connect_to(f"www.example.gov.cn:80:127.0.0.1:{server.port},"
                                    f"hang.example.gov.cn:80:127.0.0.1:{server.hang_port}"),
    )

    async def go():
        async with HttpClient(settings, timeout=timeout, max_bytes=1024 * 1024) as client:
            return await client.fetch(f"http://{host}{path}", **kwargs)

    started = time.monotonic()
    result = run(go())
    return result, time.monotonic() - started


@pytest.mark.parametrize(
    ("path", "host", "outcome"),
    [
        ("/", "www.example.gov.cn", "ok"),
        ("/", "hang.example.gov.cn", "timeout"),
        ("/drip", "www.example.gov.cn", "timeout"),
        ("/huge", "www.example.gov.cn", "too_large"),
        ("/bomb", "www.example.gov.cn", "too_large"),
        ("/loop-a", "www.example.gov.cn", "redirect_loop"),
        ("/to-private", "www.example.gov.cn", "blocked_private_address"),
        ("/missing", "www.example.gov.cn", "http_4xx"),
        ("/broken", "www.example.gov.cn", "http_5xx"),
        ("/reset", "www.example.gov.cn", "protocol_error"),
    ],
)
def test_outcome_within_deadline(server, path, host, outcome):
    result, took = fetch(server, path, host)
    assert result.outcome == outcome, result.detail
    assert took < 2.0 + 1.5
    assert len(result.body) <= 1024 * 1024


def test_connect_to_reaches_the_farm_by_name(server):
    result, _ = fetch(server, "/")
    assert result.status == 200 and "首页" in result.body.decode()


def test_loopback_refused_unless_allowed(server):
    async def go():
        async with HttpClient(NetSettings(), timeout=2) as client:
            return await client.fetch(f"http://127.0.0.1:{server.port}/"), await client.fetch(
                f"http://localhost:{server.port}/")

    literal, named = run(go())
    assert literal.outcome == "blocked_private_address"
    assert named.outcome == "blocked_private_address"


@pytest.mark.parametrize(
    ("address", "blocked"),
    [("127.0.0.1", True), ("10.1.2.3", True), ("172.16.0.1", True), ("192.168.1.1", True), ("169.254.169.254", True),
     ("::1", True), ("fe80::1", True), ("::ffff:127.0.0.1", True), ("::ffff:10.0.0.1", True), ("0.0.0.0", True),
     ("8.8.8.8", False), ("2400:3200::1", False), ("not-an-ip", True)],
)
def test_internal_addresses(address, blocked):
    assert address_blocked(address, ()) is blocked


def test_allowlist_admits_mapped_addresses():
    assert not address_blocked("::ffff:127.0.0.1", LOOPBACK)
    assert address_blocked("10.0.0.1", LOOPBACK)


def test_bad_settings_are_named():
    with pytest.raises(ValueError, match="GOVINSPECT_ALLOW_NETWORKS"):
        parse_networks("127.0.0.0/8,nonsense")
    with pytest.raises(ValueError, match="GOVINSPECT_CONNECT_TO"):
        parse_connect_to("www.example.gov.cn:80:127.0.0.1")


def test_429_waits_as_told_once(server):
    result, _ = fetch(server, "/busy", timeout=5.0)
    assert result.outcome == "ok" and result.status == 200


def test_requests_to_one_host_are_spaced(server):
    settings = NetSettings(allow_networks=LOOPBACK,
                           connect_to=parse_connect_to(f"www.example.gov.cn:80:127.0.0.1:{server.port}"))

    async def go():
        async with HttpClient(settings, timeout=5, per_host_rate=20.0) as client:
            await asyncio.gather(*(client.fetch(f"http://www.example.gov.cn/stamp/{i}") for i in range(6)))

    server.arrivals.clear()
    run(go())
    assert len(server.arrivals) == 6
    # Sends are spaced 50 ms apart; arrivals may jitter a little, the span may not shrink.
    assert server.arrivals[-1] - server.arrivals[0] >= 5 * 0.05 * 0.9


def test_robots_txt_is_read_once_and_obeyed(server):
    from govinspect.checks.website import robots_allow

    settings = NetSettings(allow_networks=LOOPBACK,
                           connect_to=parse_connect_to(f"www.example.gov.cn:80:127.0.0.1:{server.port}"))

    async def go():
        async with HttpClient(settings, timeout=5) as client:
            allowed = await robots_allow(client, "http://www.example.gov.cn/xwzx/index.html")
            private = await robots_allow(client, "http://www.example.gov.cn/private/a.html")
            return allowed, private, [k for k in client.cache if k[0] == "robots"]

    allowed, private, keys = run(go())
    assert (allowed, private) == (True, False)
    assert len(keys) == 1


def test_waiting_for_a_free_slot_does_not_count_against_the_deadline(server):
    """Four requests through one connection to a host answering in 0.5 s, each with a 0.9 s budget:
    the queued ones must not time out for waiting behind our own requests."""
    settings = NetSettings(allow_networks=LOOPBACK,
                           connect_to=parse_connect_to(f"www.example.gov.cn:80:127.0.0.1:{server.port}"))

    async def go():
        async with HttpClient(settings, timeout=0.9, limit_per_host=1, per_host_rate=None) as client:
            return await asyncio.gather(*(client.fetch(f"http://www.example.gov.cn/half-second/{i}") for i in range(4)))

    results = run(go())
    assert [r.outcome for r in results] == ["ok"] * 4
    assert all(r.elapsed_ms < 900 for r in results)
