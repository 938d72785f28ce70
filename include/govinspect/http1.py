"""A small HTTP/1.1 client on asyncio protocols, parsed by llhttp (``httptools``).

It does only what :class:`govinspect.net.HttpClient` needs — one request at a time per
connection, keep-alive connections pooled per origin, bodies read into memory under a cap —
and it does that at a fraction of a general-purpose client's cost per request, which decides
how many pages two cores can check. The safety rules (deadlines, the address guard, redirects,
politeness) stay in :mod:`govinspect.net`; this module reports failures as the exceptions below.

* Connections are opened to the addresses the caller's resolver returns (which refuses internal
  addresses), TLS verified against the system's trust store with the URL's hostname.
* ``gzip`` and ``deflate`` bodies are decoded as they arrive; the cap applies to the decoded
  bytes and to the bytes on the wire, so a compression bomb stops at the cap.
* A request that fails on a reused idle connection before any answer arrives (the server closed
  it meanwhile), or with a malformed answer after a HEAD (a server that sent a body to the HEAD,
  read as the start of the next answer), is sent once more on a new connection.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import ssl
import zlib
from collections.abc import Awaitable, Callable
from urllib.parse import quote

import httptools

ACCEPT_ENCODING = "gzip, deflate"
DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters left as they are in a request target; everything else (non-ASCII, spaces, controls) is
# percent-encoded as UTF-8. "%" is kept so that targets already escaped are not escaped twice.
_TARGET_SAFE = "!#$%&'()*+,/:;=?@[]~"

Address = tuple[int, str, int]  # (family, address, port)
Resolve = Callable[[str, int], Awaitable[list[Address]]]


class HttpError(Exception):
    """A request that got no usable answer."""


class ConnectError(HttpError):
    """No connection could be opened (refused, unreachable, reset during the handshake)."""


class TlsError(HttpError):
    """The TLS handshake failed (untrusted or mismatched certificate, protocol error)."""


class ProtocolError(HttpError):
    """The server broke HTTP: closed early, malformed answer, undecodable body."""


class BodyTooLarge(HttpError):
    """The body passed the cap (decoded, or on the wire)."""


class InvalidTarget(HttpError):
    """The URL cannot be sent as an HTTP/1.1 request."""


class Response:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers  # names in lower case; a repeated header keeps its last value
        self.body = body


def request_target(path: str, query: str) -> str:
    target = path or "/"
    if query:
        target = f"{target}?{query}"
    if target.isascii() and target.isprintable() and " " not in target:
        return target
    return quote(target, safe=_TARGET_SAFE, encoding="utf-8", errors="strict")


def ascii_hostname(host: str) -> str:
    """A host name as DNS and the ``Host`` header spell it: IDNA for non-ASCII names."""
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise InvalidTarget(f"hostname cannot be encoded: {host[:100]}") from exc


def host_header(host: str, port: int, scheme: str) -> str:
    """``Host`` as sent: IDNA for non-ASCII names, brackets for IPv6, the port unless default."""
    host = ascii_hostname(host)
    if ":" in host:
        host = f"[{host}]"
    if port != DEFAULT_PORTS[scheme]:
        return f"{host}:{port}"
    return host


def _decoder(encoding: str):
    encoding = encoding.strip().lower()
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj(32 + zlib.MAX_WBITS)  # zlib header or gzip; raw deflate is tried on error
    return None


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection; one request in flight on it at a time."""

    def __init__(self, key: tuple[str, str, int]) -> None:
        self.key = key
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.reused = False  # taken from the idle pool: a failure with no answer may be a stale connection
        self.after_head = False  # the answer before the current one was to a HEAD
        self._head = False
        self._parser: httptools.HttpResponseParser | None = None
        self._done: asyncio.Future[Response] | None = None

    # asyncio callbacks ------------------------------------------------------------------------
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        parser = self._parser
        if parser is None:  # bytes nobody asked for on an idle connection: it cannot be reused
            self.close()
            return
        self._received += len(data)
        try:
            parser.feed_data(data)
        except httptools.HttpParserError as exc:
            if self._parser is parser and not self._done.done():
                self._fail(ProtocolError(f"malformed response: {exc}"))
            # otherwise the answer was already complete, or over the cap
            return
        if self._received > self._wire_cap and not self._done.done():
            # endless headers, or compressed bytes that decode to little: the cap holds on the wire too
            if self._truncate and self._status:
                self._finish_truncated()
            else:
                self._fail(BodyTooLarge(f"answer larger than {self._wire_cap} bytes on the wire"))

    @property
    def received(self) -> int:
        """Bytes of the current answer received so far."""
        return self._received

    def eof_received(self) -> bool:
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self._parser is None or self._done is None or self._done.done():
            return
        if self._status and not self._framed:
            self._complete()  # a body delimited by the end of the connection
        elif self._received == 0 and exc is not None:
            self._fail(ConnectError(f"connection lost before any answer: {exc}"))
        else:
            what = "before any answer" if self._received == 0 else "before the answer was complete"
            self._fail(ProtocolError(f"server closed the connection {what}"))

    # llhttp callbacks ------------------------------------------------------------------------
    def on_message_begin(self) -> None:
        self._headers = {}

    def on_header(self, name: bytes, value: bytes) -> None:
        try:
            text = value.decode("utf-8")
        except UnicodeDecodeError:
            text = value.decode("latin-1")
        self._headers[name.decode("latin-1").lower()] = text

    def on_headers_complete(self) -> None:
        status = self._parser.get_status_code()
        if 100 <= status < 200:
            self._interim = True
            return
        self._interim = False
        self._status = status
        headers = self._headers
        self._framed = "content-length" in headers or "chunked" in headers.get("transfer-encoding", "").lower()
        if self._head or status in (204, 304):
            self._complete()  # no body, whatever a HEAD answer's Content-Length says
            return
        encoding = headers.get("content-encoding")
        if encoding:
            self._decode = _decoder(encoding)

    def on_body(self, chunk: bytes) -> None:
        if self._done.done():
            return
        if self._decode is not None:
            try:
                chunk = self._decoded(chunk)
            except zlib.error as exc:
                self._fail(ProtocolError(f"body cannot be decoded ({exc})"))
                raise _Stop from exc
        self._body += chunk
        if len(self._body) > self._limit:
            if self._truncate:
                del self._body[self._limit:]
                self._finish_truncated()
            else:
                self._fail(BodyTooLarge(f"body larger than {self._limit} bytes"))
            raise _Stop

    def _decoded(self, chunk: bytes) -> bytes:
        """Decompress at most one byte more than the cap leaves room for (the rest stays unread)."""
        room = self._limit - len(self._body) + 1
        try:
            return self._decode.decompress(chunk, room)
        except zlib.error:
            if self._body or self._raw_deflate_tried or self._headers.get("content-encoding", "").strip().lower() != "deflate":
                raise
        # ``Content-Encoding: deflate`` sent as raw deflate, without the zlib header, as some servers do
        self._raw_deflate_tried = True
        self._decode = zlib.decompressobj(-zlib.MAX_WBITS)
        return self._decode.decompress(chunk, room)

    def on_message_complete(self) -> None:
        if self._interim:
            self._interim = False
            return
        if self._done is not None and not self._done.done():
            self._complete()

    # requests ------------------------------------------------------------------------------------
    def send(self, request: bytes, head: bool, limit: int, truncate: bool) -> asyncio.Future[Response]:
        self.after_head = self._head
        self._parser = httptools.HttpResponseParser(self)
        self._done = asyncio.get_running_loop().create_future()
        self._head = head
        self._limit = limit
        self._truncate = truncate
        self._wire_cap = limit + 65536 if not truncate else max(limit * 4, limit + 65536)
        self._received = 0
        self._status = 0
        self._interim = False
        self._framed = True
        self._headers: dict[str, str] = {}
        self._body = bytearray()
        self._decode = None
        self._raw_deflate_tried = False
        self._reusable = True
        self.transport.write(request)
        return self._done

    def _complete(self) -> None:
        self._reusable = self._reusable and not self.closed and self._keep_alive()
        self._parser = None
        self._done.set_result(Response(self._status, self._headers, bytes(self._body)))

    def _keep_alive(self) -> bool:
        parser = self._parser
        if parser is None:
            return False
        if not self._head:
            return parser.should_keep_alive()
        # llhttp expects a body after a HEAD answer's headers, so decide from the version and header.
        connection = self._headers.get("connection", "").lower()
        if parser.get_http_version() == "1.0":
            return "keep-alive" in connection
        return "close" not in connection

    def _finish_truncated(self) -> None:
        self._reusable = False
        self._complete()
        self.close()

    def _fail(self, exc: HttpError) -> None:
        self._reusable = False
        self._parser = None
        if not self._done.done():
            self._done.set_exception(exc)
        self.close()

    @property
    def reusable(self) -> bool:
        return self._reusable and not self.closed

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()


class _Stop(Exception):
    """Raised from a parser callback to stop reading the answer (the cap reached, a body undecodable)."""


class ConnectionPool:
    """Keep-alive connections per origin, opened to the addresses ``resolve`` allows."""

    def __init__(self, resolve: Resolve, *, user_agent: str, accept_language: str = "zh-CN,zh;q=0.9",
                 max_idle: int = 256) -> None:
        self._resolve = resolve
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._idle_order: dict[_Connection, None] = {}  # every idle connection, least recently used first
        self._max_idle = max_idle
        self._active: set[_Connection] = set()
        self._ssl: ssl.SSLContext | None = None
        self._defaults = {"User-Agent": user_agent, "Accept": "*/*", "Accept-Encoding": ACCEPT_ENCODING,
                          "Accept-Language": accept_language}
        self._common = _header_lines(self._defaults)

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            self._ssl = ssl.create_default_context()
        return self._ssl

    async def request(self, method: str, scheme: str, host: str, port: int, target: str,
                      headers: dict[str, str] | None, limit: int, truncate: bool) -> Response:
        """Send one request and read its answer (``limit`` bytes at most, decoded; with ``truncate``
        the body is cut there instead of failing). Raises :class:`HttpError`, or what ``resolve``
        raises."""
        lines = self._common
        if headers:
            given = {name.lower() for name in headers}
            lines = _header_lines({**{k: v for k, v in self._defaults.items() if k.lower() not in given}, **headers})
        request = (f"{method} {target} HTTP/1.1\r\nHost: {host_header(host, port, scheme)}\r\n"
                   f"{lines}\r\n").encode()
        key = (scheme, host, port)
        head = method == "HEAD"
        for attempt in (0, 1):
            conn = self._take_idle(key) if attempt == 0 else None
            if conn is None:
                conn = await self._open(key)
            self._active.add(conn)
            try:
                response = await conn.send(request, head, limit, truncate)
            except (ConnectError, ProtocolError) as exc:
                if attempt == 0 and conn.reused and (
                        conn.received == 0 or (conn.after_head and isinstance(exc, ProtocolError))):
                    continue  # a stale connection, or a stray body after a HEAD: once more on a new one
                raise
            except BaseException:
                conn.close()  # cancelled (the deadline) or failed mid-answer: never reused
                raise
            finally:
                self._active.discard(conn)
            if conn.reusable:
                self._put_idle(conn)
            else:
                conn.close()
            return response
        raise AssertionError("unreachable")

    def _take_idle(self, key: tuple[str, str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            conn = idle.pop()
            del self._idle_order[conn]
            if not conn.closed:
                conn.reused = True
                return conn
        return None

    def _put_idle(self, conn: _Connection) -> None:
        """Keep ``conn`` for the next request to its origin; past ``max_idle`` connections the least
        recently used one is closed (a host linked once must not crowd out the hosts being crawled)."""
        if len(self._idle_order) >= self._max_idle:
            oldest = next(iter(self._idle_order))
            del self._idle_order[oldest]
            self._idle[oldest.key].remove(oldest)
            oldest.close()
        self._idle.setdefault(conn.key, []).append(conn)
        self._idle_order[conn] = None

    async def _open(self, key: tuple[str, str, int]) -> _Connection:
        scheme, host, port = key
        addresses = await self._resolve(host, port)
        loop = asyncio.get_running_loop()
        tls = self._ssl_context() if scheme == "https" else None
        last: BaseException | None = None
        for family, address, addr_port in addresses:
            conn = _Connection(key)
            try:
                await loop.create_connection(lambda c=conn: c, address, addr_port, family=family, ssl=tls,
                                             server_hostname=host if tls is not None else None)
            except ssl.SSLError as exc:  # certificate not trusted or not for this name, handshake failure
                conn.close()
                raise TlsError(f"TLS handshake with {host} failed: {exc}") from exc
            except OSError as exc:
                conn.close()
                last = exc
                continue
            return conn
        raise ConnectError(f"cannot connect to {host}:{port}: {last}") from last

    def close(self) -> None:
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()
        self._idle_order.clear()
        for conn in list(self._active):
            conn.close()
        self._active.clear()


def _header_lines(headers: dict[str, str]) -> str:
    text = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    if text.count("\n") != len(headers) or text.count("\r") != len(headers):
        raise InvalidTarget("header names and values must not contain line breaks")
    return text


async def resolve_addresses(host: str, port: int) -> list[Address]:
    """DNS through the system's resolver (``socket.getaddrinfo`` in a thread, whichever the event loop),
    TCP addresses in the order returned."""
    infos = await asyncio.get_running_loop().run_in_executor(
        None, functools.partial(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM))
    seen: list[Address] = []
    for family, _type, _proto, _canon, sockaddr in infos:
        entry = (int(family), str(sockaddr[0]), int(sockaddr[1]))
        if entry not in seen:
            seen.append(entry)
    return seen
