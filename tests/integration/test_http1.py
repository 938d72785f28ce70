"""The HTTP/1.1 layer against a raw loopback server that answers byte for byte as scripted: framing
(length, chunked, until close), keep-alive and stale connections, HEAD, compression, request encoding."""

from __future__ import annotations

import asyncio
import gzip
import socket
import socketserver
import threading
import zlib
from collections.abc import Iterator

import pytest

from govinspect.config import NetSettings, parse_connect_to, parse_networks
from govinspect.http1 import host_header, request_target
from govinspect.net import HttpClient, run

pytestmark = pytest.mark.usefixtures("each_event_loop")  # on uvloop and on asyncio's own loop

HOST = "www.example.gov.cn"
PAGE = "<html><body>首页 政务公开</body></html>".encode()


def _answer(status: str, body: bytes = b"", headers: tuple[str, ...] = ()) -> bytes:
    head = [f"HTTP/1.1 {status}", *headers]
    if not any(h.lower().startswith(("content-length", "transfer-encoding")) for h in headers):
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def _chunked(body: bytes, size: int = 7) -> bytes:
    parts = [f"{len(body[i:i + size]):x}\r\n".encode() + body[i:i + size] + b"\r\n" for i in range(0, len(body), size)]
    return b"".join(parts) + b"0\r\n\r\n"


class Scripted(socketserver.ThreadingTCPServer):
    """Reads each request's head, records it, and writes what ``script(path, method)`` returns.
    ``None`` closes the connection without an answer; a tuple ``(bytes, "close")`` answers then closes."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.requests: list[bytes] = []
        self.connections = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: Scripted = self.server  # type: ignore[assignment]
        with server.lock:
            server.connections += 1
        buffer = b""
        served = 0
        junk = b""
        sock: socket.socket = self.request
        while True:
            while b"\r\n\r\n" not in buffer:
                try:
                    data = sock.recv(65536)
                except OSError:  # the client gave up on the connection (a cap, a deadline)
                    return
                if not data:
                    return
                buffer += data
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            with server.lock:
                server.requests.append(head)
            method, path = head.split(b" ", 2)[:2]
            served += 1
            if path == b"/once-per-connection" and served > 1:
                return  # an idle timeout that strikes just as the next request arrives
            answer = SCRIPT(path.decode(), method.decode())
            if junk:  # the body this server sent to the HEAD, late: before the next answer
                answer, junk = junk + answer, b""
            if path == b"/head-with-late-body" and method == b"HEAD":
                junk = PAGE
            if answer is None:
                return
            close = isinstance(answer, tuple)
            try:
                sock.sendall(answer[0] if close else answer)
            except OSError:
                return
            if close:
                sock.shutdown(socket.SHUT_WR)
                return


def SCRIPT(path: str, method: str):  # noqa: N802 - the server's routing table
    body = PAGE
    if path in ("/length", "/once-per-connection"):
        return _answer("200 OK", body, ("Content-Type: text/html; charset=utf-8",))
    if path == "/chunked":
        return _answer("200 OK", _chunked(body), ("Transfer-Encoding: chunked",))
    if path == "/until-close":
        return (b"HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n" + body, "close")
    if path == "/gzip":
        return _answer("200 OK", gzip.compress(body), ("Content-Encoding: gzip",))
    if path == "/gzip-chunked":
        return _answer("200 OK", _chunked(gzip.compress(body), 5), ("Content-Encoding: gzip", "Transfer-Encoding: chunked"))
    if path == "/deflate":
        return _answer("200 OK", zlib.compress(body), ("Content-Encoding: deflate",))
    if path == "/raw-deflate":
        squeeze = zlib.compressobj(wbits=-zlib.MAX_WBITS)
        return _answer("200 OK", squeeze.compress(body) + squeeze.flush(), ("Content-Encoding: deflate",))
    if path == "/gzip-trailing-junk":
        # a small gzip member, then half a megabyte that decodes to nothing
        return _answer("200 OK", gzip.compress(body) + b"\0" * 500_000, ("Content-Encoding: gzip",))
    if path == "/endless-headers":
        return b"HTTP/1.1 200 OK\r\n" + b"X-Padding: " + b"y" * 400_000 + b"\r\n\r\n"
    if path == "/bad-gzip":
        return _answer("200 OK", b"not gzip at all", ("Content-Encoding: gzip",))
    if path == "/continue":
        return b"HTTP/1.1 100 Continue\r\n\r\n" + _answer("200 OK", body)
    if path == "/head-with-late-body":
        return _answer("200 OK", b"", (f"Content-Length: {len(body)}",)) if method == "HEAD" else _answer("200 OK", body)
    if path == "/head-length":
        # a HEAD answer announcing the length of the GET body, as servers do
        return b"HTTP/1.1 200 OK\r\nContent-Length: 12345\r\n\r\n" if method == "HEAD" else _answer("200 OK", body)
    if path == "/silent-close":
        return _answer("200 OK", body), "close"
    if path == "/close-after":
        return _answer("200 OK", body, ("Connection: close",)), "close"
    if path == "/short":
        return (b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + body, "close")
    if path == "/garbage":
        return b"SMTP ready\r\n\r\n"
    if path == "/drop":
        return None
    if path == "/big":
        return _answer("200 OK", b"x" * 300_000)
    if path == "/redirect-utf8":
        return _answer("302 Found", b"", ("Location: /length?q=" + "政务".encode().decode("latin-1"),))
    if path.startswith("/length?"):
        return _answer("200 OK", body)
    if path == "/cookie":
        return _answer("200 OK", body, ("Set-Cookie: a=1", "Set-Cookie: b=2", "X-Frame-Options: DENY"))
    return _answer("404 Not Found", b"missing")


@pytest.fixture(scope="module")
def server() -> Iterator[Scripted]:
    s = Scripted()
    threading.Thread(target=s.serve_forever, daemon=True).start()
    yield s
    s.shutdown()
    s.server_close()


def _client(server: Scripted, **kwargs) -> HttpClient:
    settings = NetSettings(allow_networks=parse_networks("127.0.0.0/8"),
                           connect_to=parse_connect_to(f"{HOST}:80:127.0.0.1:{server.port}"))
    return HttpClient(settings, timeout=3.0, per_host_rate=None, **kwargs)


def fetch_all(server: Scripted, calls: list[tuple[str, dict]], **client_kwargs):
    async def go():
        async with _client(server, **client_kwargs) as client:
            return [await client.fetch(f"http://{HOST}{path}", **kw) for path, kw in calls]

    return run(go())


@pytest.mark.parametrize("path", ["/length", "/chunked", "/until-close", "/gzip", "/gzip-chunked", "/deflate",
                                  "/raw-deflate", "/continue"])
def test_every_framing_and_encoding_gives_the_same_page(server: Scripted, path: str) -> None:
    (result,) = fetch_all(server, [(path, {})])
    assert (result.outcome, result.status, result.body) == ("ok", 200, PAGE), result.detail


@pytest.mark.parametrize(("path", "outcome"), [
    ("/bad-gzip", "protocol_error"), ("/short", "protocol_error"), ("/garbage", "protocol_error"),
    ("/drop", "protocol_error"), ("/big", "too_large"), ("/gzip-trailing-junk", "too_large"),
    ("/endless-headers", "too_large"),
])
def test_broken_answers_are_named(server: Scripted, path: str, outcome: str) -> None:
    (result,) = fetch_all(server, [(path, {})], max_bytes=100_000)
    assert result.outcome == outcome, result.detail


def test_truncate_keeps_the_head_of_a_large_body(server: Scripted) -> None:
    (result,) = fetch_all(server, [("/big", {"max_bytes": 1000, "truncate": True})])
    assert result.outcome == "ok" and result.body == b"x" * 1000


def test_one_connection_serves_a_host_in_turn_including_after_head(server: Scripted) -> None:
    before = server.connections
    results = fetch_all(server, [("/length", {}), ("/head-length", {"method": "HEAD"}), ("/chunked", {}),
                                 ("/head-length", {"method": "HEAD"}), ("/gzip", {}), ("/missing", {})])
    assert [r.outcome for r in results] == ["ok", "ok", "ok", "ok", "ok", "http_4xx"]
    assert results[1].body == b"" and results[1].headers["content-length"] == "12345"
    assert server.connections - before == 1


def test_a_connection_the_server_closed_is_not_reused(server: Scripted) -> None:
    before = server.connections
    results = fetch_all(server, [("/close-after", {}), ("/length", {}), ("/until-close", {}), ("/length", {})])
    assert [r.outcome for r in results] == ["ok"] * 4
    assert server.connections - before == 3


def test_a_stale_idle_connection_is_replaced_once(server: Scripted) -> None:
    """The server closes the kept-alive connection as the next request arrives, without answering:
    that request is sent once more on a new connection."""
    before, sent = server.connections, len(server.requests)
    results = fetch_all(server, [("/once-per-connection", {}), ("/once-per-connection", {}),
                                 ("/once-per-connection", {"method": "HEAD"})])
    assert [(r.outcome, r.body) for r in results] == [("ok", PAGE), ("ok", PAGE), ("ok", b"")]
    assert server.connections - before == 3 and len(server.requests) - sent == 5


def test_an_idle_connection_closed_meanwhile_is_not_taken(server: Scripted) -> None:
    """The server answers as if keeping the connection, then closes it (its idle timeout)."""

    async def go():
        async with _client(server) as client:
            first = await client.fetch(f"http://{HOST}/silent-close")
            await asyncio.sleep(0.1)
            second = await client.fetch(f"http://{HOST}/chunked")
            return first, second

    before, sent = server.connections, len(server.requests)
    first, second = run(go())
    assert (first.outcome, second.outcome, second.body) == ("ok", "ok", PAGE)
    assert server.connections - before == 2 and len(server.requests) - sent == 2


def test_a_body_sent_late_to_a_head_costs_the_next_request_a_new_connection(server: Scripted) -> None:
    """A server that answers HEAD with its body too, sent after a pause: the next answer on that
    connection reads as malformed, and the request is sent once more on a new connection."""
    before, sent = server.connections, len(server.requests)
    head, page = fetch_all(server, [("/head-with-late-body", {"method": "HEAD"}), ("/length", {})])
    assert (head.outcome, head.body, page.outcome, page.body) == ("ok", b"", "ok", PAGE)
    assert server.connections - before == 2 and len(server.requests) - sent == 3


def test_a_request_that_breaks_on_a_new_connection_is_not_repeated(server: Scripted) -> None:
    before = len(server.requests)
    (result,) = fetch_all(server, [("/drop", {})])
    assert result.outcome == "protocol_error" and len(server.requests) - before == 1


def test_request_head_as_sent(server: Scripted) -> None:
    before = len(server.requests)
    fetch_all(server, [("/length", {}), ("/length", {"headers": {"Accept": "application/json", "Referer": "https://x"}}),
                       ("/路径 一/页面.html?标题=政务&a=%E6%94%BF", {})])
    plain, given, encoded = (h.decode("utf-8").split("\r\n") for h in server.requests[before:])
    assert plain[0] == "GET /length HTTP/1.1" and f"Host: {HOST}" in plain
    assert "Accept: */*" in plain and "Accept-Encoding: gzip, deflate" in plain
    assert [line for line in given if line.lower().startswith("accept:")] == ["Accept: application/json"]
    assert "Referer: https://x" in given
    assert encoded[0] == ("GET /%E8%B7%AF%E5%BE%84%20%E4%B8%80/%E9%A1%B5%E9%9D%A2.html"
                          "?%E6%A0%87%E9%A2%98=%E6%94%BF%E5%8A%A1&a=%E6%94%BF HTTP/1.1")


def test_header_injection_is_refused(server: Scripted) -> None:
    (result,) = fetch_all(server, [("/length", {"headers": {"X-A": "1\r\nX-Injected: 1"}})])
    assert result.outcome == "invalid_url" and "line breaks" in result.detail


def test_utf8_location_and_repeated_headers(server: Scripted) -> None:
    redirected, cookie = fetch_all(server, [("/redirect-utf8", {}), ("/cookie", {})])
    assert redirected.outcome == "ok" and redirected.redirects == [f"http://{HOST}/length?q=政务"]
    assert cookie.headers["x-frame-options"] == "DENY" and cookie.headers["set-cookie"] == "b=2"


def test_host_header_and_target_forms() -> None:
    assert host_header("例子.政务.cn", 80, "http") == "xn--fsqu00a.xn--zfr164b.cn"
    assert host_header("::1", 8443, "https") == "[::1]:8443"
    assert host_header("a.gov.cn", 443, "https") == "a.gov.cn"
    assert request_target("", "") == "/"
    assert request_target("/a b", "x=1") == "/a%20b?x=1"
    assert request_target("/a%20b", "") == "/a%20b"


@pytest.mark.parametrize("url", ["http://[invalid/x", "http://a..b.gov.cn/", "http://x.gov.cn:99999/", "mailto:x@gov.cn",
                                 "http://www.example.gov.cn/\ud800"])
def test_urls_that_cannot_be_sent_are_invalid(server: Scripted, url: str) -> None:
    async def go():
        async with _client(server) as client:
            return await client.fetch(url)

    assert run(go()).outcome == "invalid_url"


def test_past_the_idle_limit_the_least_recently_used_connection_goes(server: Scripted) -> None:
    hosts = ["a.example.gov.cn", "b.example.gov.cn", "c.example.gov.cn"]
    settings = NetSettings(allow_networks=parse_networks("127.0.0.0/8"),
                           connect_to=parse_connect_to(",".join(f"{h}:80:127.0.0.1:{server.port}" for h in hosts)))

    async def go():
        async with HttpClient(settings, timeout=3.0, per_host_rate=None) as client:
            client._pool._max_idle = 2
            for host in ["a", "b", "a", "c", "a", "b", "a"]:  # c pushes out b, the least recently used
                assert (await client.fetch(f"http://{host}.example.gov.cn/length")).outcome == "ok"

    before = server.connections
    run(go())
    assert server.connections - before == 4  # a, b, c, then b again


def test_a_batch_leaves_no_cycles_behind_and_restores_the_collector() -> None:
    """``run`` collects less during a batch; what the batch left in reference cycles is freed when it
    returns, so a process that runs batch after batch does not grow with each one."""
    import gc
    import weakref

    class Node:
        pass

    freed: list[int] = []
    threshold = gc.get_threshold()

    async def batch() -> None:
        alive = []
        for i in range(200):
            a, b = Node(), Node()
            a.other, b.other = b, a  # a cycle: reference counting alone never frees it
            weakref.finalize(a, freed.append, i)
            alive.append(a)
        await asyncio.sleep(0)
        gc.collect(1)  # as a long batch's young collections do, they move on to the oldest generation
        alive.clear()

    run(batch())
    assert len(freed) == 200
    assert gc.get_threshold() == threshold
    assert gc.get_freeze_count() == 0
