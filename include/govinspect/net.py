"""The one HTTP client of govinspect.

Every fetch — liveness probe, page, link, feed — goes through :class:`HttpClient`, which
enforces what a serious crawler of other people's servers must:

* a total deadline per request (connect, TLS, headers and body) that a slow-drip server
  cannot stretch;
* a cap on the decoded body, so compressed bombs stop at the cap;
* redirects followed by hand, each hop checked, loops detected;
* no connection to private, loopback, link-local or otherwise internal addresses unless the
  operator allowlists them (``GOVINSPECT_ALLOW_NETWORKS``) — checked after DNS resolution, so a
  public name that resolves or redirects to an internal address is refused too;
* a curl-like ``--connect-to`` table (``GOVINSPECT_CONNECT_TO``) so real hostnames can be
  served by a test farm without touching ``/etc/hosts``.

The wire protocol (keep-alive connections, HTTP/1.1 parsing, TLS, decoding) is
:mod:`govinspect.http1`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import ipaddress
import os
import re
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from govinspect import http1
from govinspect.checks.outcomes import Outcome
from govinspect.config import NetSettings

DEFAULT_TIMEOUT = 15.0
DEFAULT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_PER_HOST_RATE = 10.0  # requests per second to one host; 0 turns the limit off
DEFAULT_LIMIT = 64  # requests in flight per client
DEFAULT_LIMIT_PER_HOST = 4  # requests in flight to one host
REDIRECT_STATUSES = {301, 302, 303, 307, 308}


class BlockedAddressError(OSError):
    """A host resolved to an address the operator has not allowed."""


def address_blocked(address: str, allow: tuple) -> bool:
    """True when ``address`` is internal (private, loopback, link-local …) and not allowlisted."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    candidates = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        if ip.sixtofour is not None:
            candidates.append(ip.sixtofour)
    for candidate in candidates:
        if any(candidate in net for net in allow if net.version == candidate.version):
            return False
    return any(
        c.is_private or c.is_loopback or c.is_link_local or c.is_multicast or c.is_reserved or c.is_unspecified
        for c in candidates
    )


class GuardedResolver:
    """Resolves through the connect-to table or DNS, then refuses internal addresses.

    Answers are kept for ``ttl`` seconds, and one lookup serves every request that asks for the
    same name meanwhile."""

    def __init__(self, settings: NetSettings, ttl: float = 300.0) -> None:
        self._settings = settings
        self._ttl = ttl
        self._cache: dict[tuple[str, int], tuple[float, asyncio.Future[list[http1.Address]]]] = {}

    async def __call__(self, host: str, port: int) -> list[http1.Address]:
        key = (host, port)
        entry = self._cache.get(key)
        now = time.monotonic()
        if entry is None or entry[0] < now or (entry[1].done() and entry[1].exception() is not None):
            future = asyncio.ensure_future(self._resolve(host, port))
            entry = self._cache[key] = (now + self._ttl, future)
        if entry[1].done():
            return entry[1].result()
        return await asyncio.shield(entry[1])  # one caller's deadline must not cancel the others' lookup

    async def _resolve(self, host: str, port: int) -> list[http1.Address]:
        target = self._settings.connect_to.get((host.lower(), port))
        if target is not None:
            addr, addr_port = target
            results = [(int(socket.AF_INET6 if ":" in addr else socket.AF_INET), addr, addr_port)]
        else:
            results = await http1.resolve_addresses(http1.ascii_hostname(host), port)
        allowed = [r for r in results if not address_blocked(r[1], self._settings.allow_networks)]
        if not allowed:
            raise BlockedAddressError(f"{host} resolves only to internal addresses ({', '.join(r[1] for r in results)})")
        return allowed


@dataclass
class FetchResult:
    url: str
    outcome: Outcome
    status: int | None = None
    final_url: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed_ms: int = 0
    redirects: list[str] = field(default_factory=list)
    detail: str = ""

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


def _classify_exception(exc: BaseException) -> tuple[Outcome, str]:
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return Outcome.TIMEOUT, "no complete response within the deadline"
    if isinstance(exc, BlockedAddressError):
        return Outcome.BLOCKED_PRIVATE_ADDRESS, str(exc)
    if isinstance(exc, socket.gaierror):
        return Outcome.DNS_ERROR, f"name not resolved: {exc}"
    if isinstance(exc, http1.InvalidTarget):
        return Outcome.INVALID_URL, str(exc)
    if isinstance(exc, http1.TlsError):
        return Outcome.TLS_ERROR, str(exc)
    if isinstance(exc, http1.BodyTooLarge):
        return Outcome.TOO_LARGE, str(exc)
    if isinstance(exc, http1.ProtocolError):
        return Outcome.PROTOCOL_ERROR, str(exc)
    if isinstance(exc, (http1.ConnectError, OSError)):
        return Outcome.CONNECT_ERROR, str(exc) or type(exc).__name__
    if isinstance(exc, UnicodeError):
        return Outcome.INVALID_URL, f"URL cannot be encoded: {exc}"
    raise exc


class _Deadline:
    """One fetch's time budget, started by the first request actually sent."""

    def __init__(self, timeout: asyncio.Timeout, budget: float, sent: list[float]) -> None:
        self._timeout = timeout
        self._budget = budget
        self._sent = sent

    def start(self) -> None:
        if not self._sent:
            self._sent.append(time.monotonic())
            self._timeout.reschedule(asyncio.get_running_loop().time() + self._budget)

    def elapsed(self) -> float:
        return time.monotonic() - self._sent[0] if self._sent else 0.0


def _retry_after(result: FetchResult) -> float | None:
    """Seconds a 429 answer asks us to wait (delta-seconds form only; an HTTP date is not waited for)."""
    if result.status != 429:
        return None
    value = result.headers.get("retry-after", "1").strip()
    return float(value) if value.isdigit() else None


def limit_for_hosts(hosts: int, per_host: int = DEFAULT_LIMIT_PER_HOST) -> int:
    """Requests in flight for one client that works on ``hosts`` hosts at once (a batch of sites): room
    for every host at its own cap, never less than :data:`DEFAULT_LIMIT`. Politeness stays per host;
    a fixed limit would let a batch of many slow or rate-limited hosts wait on each other."""
    return max(DEFAULT_LIMIT, per_host * hosts)


def status_outcome(status: int) -> Outcome:
    if 400 <= status < 500:
        return Outcome.HTTP_4XX
    if status >= 500:
        return Outcome.HTTP_5XX
    return Outcome.OK


# A URL as most links are written: scheme, a plain host name or IPv4 address, maybe a port, and a path and
# query of printable ASCII without a fragment. Others go through urlsplit.
_PLAIN_URL = re.compile(r"(https?)://([A-Za-z0-9.\-]+)(?::([0-9]{1,5}))?(/[!-\"$-~]*)?", re.ASCII)


def _request_parts(url: str) -> tuple[str, str, int, str] | str:
    """Scheme, host (lower case), port and request target of ``url``; or why it cannot be requested."""
    plain = _PLAIN_URL.fullmatch(url)
    if plain is not None and (plain.group(3) is None or 0 < int(plain.group(3)) <= 65535):
        scheme, host, port, target = plain.groups()
        scheme = scheme.lower()
        return scheme, host.lower(), int(port) if port else http1.DEFAULT_PORTS[scheme], target or "/"
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:  # e.g. an unbalanced "[" in the host
        host = None
    if not host or parts.scheme not in ("http", "https"):
        return f"not an http(s) URL: {url[:200]}"
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        return f"bad port in {url[:200]}"
    return parts.scheme, host, port or http1.DEFAULT_PORTS[parts.scheme], http1.request_target(parts.path, parts.query)


class HttpClient:
    """HTTP with govinspect's safety rules. Use as ``async with HttpClient() as c``."""

    def __init__(
        self,
        settings: NetSettings | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_redirects: int = 10,
        limit: int = DEFAULT_LIMIT,
        limit_per_host: int = DEFAULT_LIMIT_PER_HOST,
        per_host_rate: float | None = -1.0,
    ) -> None:
        self.settings = settings or NetSettings.from_env()
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self._limit = limit
        self._limit_per_host = limit_per_host
        self._pool: http1.ConnectionPool | None = None
        if per_host_rate is not None and per_host_rate < 0:
            per_host_rate = float(os.environ.get("GOVINSPECT_PER_HOST_RATE", DEFAULT_PER_HOST_RATE))
        self._per_host_interval = 1.0 / per_host_rate if per_host_rate else 0.0
        self._host_next: dict[str, float] = {}
        self._host_locks: dict[str, asyncio.Lock] = {}
        # Requests in flight are bounded here, per host and then in all; each holds one connection.
        self._in_flight: asyncio.Semaphore | None = None
        self._host_slots: dict[str, asyncio.Semaphore] = {}
        self.cache: dict[Any, Any] = {}  # results shared for the life of the client (one run): link checks, robots.txt

    async def _polite(self, host: str) -> None:
        """Space requests to one host at least ``1 / per_host_rate`` seconds apart."""
        if not self._per_host_interval:
            return
        lock = self._host_locks.setdefault(host, asyncio.Lock())
        async with lock:
            now = time.monotonic()
            wait = self._host_next.get(host, now) - now
            self._host_next[host] = max(now, self._host_next.get(host, now)) + self._per_host_interval
        if wait > 0:
            await asyncio.sleep(wait)

    async def __aenter__(self) -> HttpClient:
        self._in_flight = asyncio.Semaphore(self._limit or 1 << 30)  # 0 means no limit
        self._pool = http1.ConnectionPool(
            GuardedResolver(self.settings), user_agent=self.settings.user_agent,
            max_idle=max(self._limit, 128))
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _literal_blocked(self, host: str) -> bool:
        """An IP literal (not a name) that is internal and not allowlisted."""
        if not host[:1].isdigit() and ":" not in host:
            return False  # a name, not an address: the resolver checks the addresses it resolves to
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return False
        return address_blocked(host, self.settings.allow_networks)

    async def fetch(
        self,
        url: str,
        *,
        method: str = "GET",
        timeout: float | None = None,
        max_bytes: int | None = None,
        truncate: bool = False,
        headers: dict[str, str] | None = None,
    ) -> FetchResult:
        """Fetch ``url`` following redirects; never raises for network trouble.

        ``truncate`` reads at most ``max_bytes`` and stops without calling the page too large
        (a link check needs to know the link works, not the whole file).
        """
        assert self._pool is not None, "use HttpClient as an async context manager"
        started = time.monotonic()
        budget = self.timeout if timeout is None else timeout
        result = FetchResult(url=url, outcome=Outcome.NOT_CHECKED)
        limit = self.max_bytes if max_bytes is None else max_bytes
        sent: list[float] = []
        try:
            # The deadline starts when the request is sent, not while it waits for a free slot or for
            # the host's politeness interval: queueing behind our own requests is never the site's fault.
            async with asyncio.timeout(None) as deadline:
                clock = _Deadline(deadline, budget, sent)
                await self._follow(url, method, limit, truncate, headers or {}, result, clock)
                retry_after = _retry_after(result)
                if retry_after is not None and clock.elapsed() + retry_after < budget:
                    # 429 Too Many Requests: wait as told once, within the same deadline.
                    await asyncio.sleep(retry_after)
                    result = FetchResult(url=url, outcome=Outcome.NOT_CHECKED)
                    await self._follow(url, method, limit, truncate, headers or {}, result, clock)
        except Exception as exc:  # noqa: BLE001 - every network failure becomes an outcome
            result.outcome, result.detail = _classify_exception(exc)
        result.elapsed_ms = int((time.monotonic() - (sent[0] if sent else started)) * 1000)
        return result

    async def _follow(
        self, url: str, method: str, limit: int, truncate: bool, headers: dict[str, str], result: FetchResult,
        clock: _Deadline,
    ) -> None:
        seen = {url}
        current = url
        for _hop in range(self.max_redirects + 1):
            where = _request_parts(current)
            if isinstance(where, str):
                result.outcome, result.detail = Outcome.INVALID_URL, where
                return
            scheme, host, port, target = where
            if self._literal_blocked(host):
                result.outcome, result.detail = Outcome.BLOCKED_PRIVATE_ADDRESS, f"{host} is an internal address"
                return
            if self._per_host_interval:
                await self._polite(host)
            host_slot = self._host_slots.get(host) or self._host_slots.setdefault(
                host, asyncio.Semaphore(self._limit_per_host or self._limit or 1 << 30))
            async with host_slot, self._in_flight:
                clock.start()
                response = await self._pool.request(method, scheme, host, port, target, headers, limit, truncate)
            result.status = response.status
            result.final_url = current
            result.headers = response.headers
            location = response.headers.get("location")
            if response.status in REDIRECT_STATUSES and location:
                nxt = urljoin(current, location.strip())
                result.redirects.append(nxt)
                if nxt in seen:
                    result.outcome, result.detail = Outcome.REDIRECT_LOOP, f"redirect back to {nxt[:200]}"
                    return
                seen.add(nxt)
                current = nxt
                if response.status == 303:
                    method = "GET"
                continue
            result.body = response.body
            result.outcome = status_outcome(response.status)
            return
        result.outcome, result.detail = Outcome.TOO_MANY_REDIRECTS, f"more than {self.max_redirects} redirects"


EVENT_LOOP_ENV = "GOVINSPECT_EVENT_LOOP"


def run(coro: Any) -> Any:
    """Run a coroutine from synchronous code (CLI, Airflow task) in a new event loop.

    The loop is uvloop's (libuv), which costs about a sixth less CPU per checked page than the
    standard library's; ``GOVINSPECT_EVENT_LOOP=asyncio`` chooses the standard one (to debug, or where
    uvloop is missing)."""
    choice = os.environ.get(EVENT_LOOP_ENV, "uvloop").strip().lower() or "uvloop"
    if choice not in ("uvloop", "asyncio"):
        raise ValueError(f"{EVENT_LOOP_ENV} must be uvloop or asyncio, not {choice!r}")
    factory = None
    if choice == "uvloop":
        try:
            import uvloop

            factory = uvloop.new_event_loop
        except ImportError:
            pass
    with asyncio.Runner(loop_factory=factory) as runner, _fewer_collections():
        return runner.run(coro)


@contextlib.contextmanager
def _fewer_collections() -> Iterator[None]:
    """Less garbage-collector work while a batch of checks runs.

    A crawl allocates many short-lived objects (requests, parsed pages, link lists), almost all freed
    by reference counting; with the default threshold the collector runs every 700 allocations and
    scans everything alive, in an Airflow task the whole of Airflow's and SQLAlchemy's objects too.
    Objects alive before the batch are frozen (never scanned again), and the youngest generation
    is collected every 50,000 allocations: on the benchmark farm the collector's share of a crawl's CPU
    fell from about 8 % to under 3 %, for some more memory (93 against 76 MB a worker at 400 sites).

    At the end the batch's own objects are collected in full (the frozen ones are not scanned). The
    cycles a crawl leaves (the client's cache of link checks, their tasks and coroutines, which refer
    back to the client; a few exceptions and their frames) would otherwise wait for an
    oldest-generation collection, and a process that runs batch after batch (``airflow dags test``,
    the CLI) would grow by their size with every batch.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
    try:
        yield
    finally:
        gc.collect()
        gc.set_threshold(*threshold)
        gc.unfreeze()
